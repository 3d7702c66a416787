//! `struct new_utsname` for `uname` (include/uapi/linux/utsname.h): six
//! NUL-terminated fields of 65 bytes.

/// Size of each field, terminating NUL included.
pub const UTSNAME_LENGTH: usize = 65;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct UtsName {
    pub sysname: [u8; UTSNAME_LENGTH],
    pub nodename: [u8; UTSNAME_LENGTH],
    pub release: [u8; UTSNAME_LENGTH],
    pub version: [u8; UTSNAME_LENGTH],
    pub machine: [u8; UTSNAME_LENGTH],
    pub domainname: [u8; UTSNAME_LENGTH],
}

impl Default for UtsName {
    fn default() -> UtsName {
        let z = [0; UTSNAME_LENGTH];
        UtsName { sysname: z, nodename: z, release: z, version: z, machine: z, domainname: z }
    }
}

/// Copies `s` into a field, cut to 64 bytes, NUL-padded.
pub fn set_field(field: &mut [u8; UTSNAME_LENGTH], s: &str) {
    let n = s.len().min(UTSNAME_LENGTH - 1);
    field.fill(0);
    field[..n].copy_from_slice(&s.as_bytes()[..n]);
}

/// The text of a field, up to its first NUL.
pub fn field(field: &[u8; UTSNAME_LENGTH]) -> &[u8] {
    let n = field.iter().position(|&b| b == 0).unwrap_or(UTSNAME_LENGTH);
    &field[..n]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_fields() {
        assert_eq!(core::mem::size_of::<UtsName>(), 390);
        let mut u = UtsName::default();
        set_field(&mut u.machine, "riscv64");
        assert_eq!(field(&u.machine), b"riscv64");
        set_field(&mut u.version, &"x".repeat(100));
        assert_eq!(field(&u.version).len(), 64);
    }
}
