//! Auxiliary vector keys (include/uapi/linux/auxvec.h): `execve` puts
//! (key, value) pairs of `u64` after envp's NULL, ending with `AT_NULL`.

pub const AT_NULL: u64 = 0;
pub const AT_IGNORE: u64 = 1;
pub const AT_EXECFD: u64 = 2;
/// Address of the program headers in the process's memory.
pub const AT_PHDR: u64 = 3;
pub const AT_PHENT: u64 = 4;
pub const AT_PHNUM: u64 = 5;
pub const AT_PAGESZ: u64 = 6;
/// Load address of the interpreter (0 for a static program).
pub const AT_BASE: u64 = 7;
pub const AT_FLAGS: u64 = 8;
pub const AT_ENTRY: u64 = 9;
pub const AT_NOTELF: u64 = 10;
pub const AT_UID: u64 = 11;
pub const AT_EUID: u64 = 12;
pub const AT_GID: u64 = 13;
pub const AT_EGID: u64 = 14;
pub const AT_PLATFORM: u64 = 15;
pub const AT_HWCAP: u64 = 16;
/// Clock ticks per second of `times` (100).
pub const AT_CLKTCK: u64 = 17;
pub const AT_SECURE: u64 = 23;
pub const AT_BASE_PLATFORM: u64 = 24;
/// Address of 16 random bytes (glibc's stack protector and pointer guard).
pub const AT_RANDOM: u64 = 25;
pub const AT_HWCAP2: u64 = 26;
/// Address of the path given to `execve`, as a C string.
pub const AT_EXECFN: u64 = 31;
pub const AT_SYSINFO_EHDR: u64 = 33;
pub const AT_MINSIGSTKSZ: u64 = 51;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_linux() {
        assert_eq!((AT_PHDR, AT_PHENT, AT_PHNUM, AT_PAGESZ, AT_ENTRY), (3, 4, 5, 6, 9));
        assert_eq!((AT_HWCAP, AT_CLKTCK, AT_SECURE, AT_RANDOM, AT_EXECFN), (16, 17, 23, 25, 31));
    }
}
