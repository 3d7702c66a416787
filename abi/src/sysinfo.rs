//! `struct sysinfo` of sysinfo(2) (include/uapi/linux/sysinfo.h) on a
//! 64-bit target: 112 bytes, with the padding spelled out.

#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Sysinfo {
    /// Seconds since boot.
    pub uptime: i64,
    /// 1, 5 and 15 minute load averages, scaled by 1 << SI_LOAD_SHIFT.
    pub loads: [u64; 3],
    pub totalram: u64,
    pub freeram: u64,
    pub sharedram: u64,
    pub bufferram: u64,
    pub totalswap: u64,
    pub freeswap: u64,
    /// Threads alive (Linux counts nr_threads).
    pub procs: u16,
    pub pad: u16,
    pub __pad1: u32,
    pub totalhigh: u64,
    pub freehigh: u64,
    /// The unit of the memory sizes, in bytes.
    pub mem_unit: u32,
    pub __pad2: u32,
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::{offset_of, size_of};

    #[test]
    fn layout_matches_linux() {
        assert_eq!(size_of::<Sysinfo>(), 112);
        assert_eq!(offset_of!(Sysinfo, totalram), 32);
        assert_eq!(offset_of!(Sysinfo, procs), 80);
        assert_eq!(offset_of!(Sysinfo, totalhigh), 88);
        assert_eq!(offset_of!(Sysinfo, mem_unit), 104);
    }
}
