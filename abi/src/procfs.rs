//! The /proc files the sv39 kernel provides, in Linux's formats (proc(5)), and
//! the parsers user programs (and tests) read them with.
//!
//! - [`MEMINFO`]: `Key:   value kB` lines; at least `MemTotal`, `MemFree`
//!   and `Cached` (all page-cache pages) in kB, and sv39's `FramesTotal`,
//!   `FramesFree` and `FramesCached` (4 KiB frames). File pages stay cached
//!   after the programs that read them exit, so a leak check compares
//!   [`frames_unused`] (free, or held by a page cache alone) before and
//!   after, with the same processes alive at both readings.
//! - [`SELF_STAT`] (and `/proc/<pid>/stat`): one line, `pid (comm) state ppid
//!   ...`; fields numbered as proc(5): [`STAT_MINFLT`], [`STAT_MAJFLT`],
//!   [`STAT_VSIZE`] (bytes), [`STAT_RSS`] (pages).
//! - [`STAT`]: `key value...` lines; `processes` counts the processes created
//!   since boot.
//! - [`SELF_STATUS`] (and `/proc/<pid>/status`): `Key:\tvalue` lines;
//!   [`VM_SIZE`], [`VM_RSS`] and [`VM_SWAP`] (kB) as Linux, and sv39's
//!   [`COW_COPIES`] (pages this process copied on a write to a
//!   copy-on-write page).
//! - [`VMSTAT`]: `key value` lines, counts since boot: [`PSWPIN`],
//!   [`PSWPOUT`] (pages read from and written to swap), [`PGFAULT`],
//!   [`PGMAJFAULT`].
//! - [`SELF_MAPS`] (and `/proc/<pid>/maps`): one [`Mapping`] a line, in
//!   address order, as Linux writes them.
//! - [`SELF_SMAPS_ROLLUP`] (and `/proc/<pid>/smaps_rollup`): a header line,
//!   then `Key:   value kB` lines summed over the mappings, as Linux:
//!   [`RSS`], [`PSS`] (each resident page divided by the number of processes
//!   mapping it), [`SHARED_CLEAN`] (resident, mapped by another process too,
//!   never written) and [`PRIVATE_DIRTY`].

pub const MEMINFO: &str = "/proc/meminfo";
pub const SELF_STAT: &str = "/proc/self/stat";
pub const STAT: &str = "/proc/stat";
pub const SELF_STATUS: &str = "/proc/self/status";
pub const SELF_MAPS: &str = "/proc/self/maps";
pub const SELF_SMAPS_ROLLUP: &str = "/proc/self/smaps_rollup";
pub const VMSTAT: &str = "/proc/vmstat";

/// Keys of `/proc/<pid>/status`.
pub const VM_SIZE: &str = "VmSize";
pub const VM_RSS: &str = "VmRSS";
pub const VM_SWAP: &str = "VmSwap";
pub const COW_COPIES: &str = "CowCopies";
/// Keys of `/proc/<pid>/smaps_rollup`.
pub const RSS: &str = "Rss";
pub const PSS: &str = "Pss";
pub const SHARED_CLEAN: &str = "Shared_Clean";
pub const PRIVATE_DIRTY: &str = "Private_Dirty";
/// Keys of [`MEMINFO`]: Linux's, in kB, and sv39's, in 4 KiB frames
/// (`FramesCached`: frames held by page caches alone, mapped by nobody).
pub const MEM_FREE: &str = "MemFree";
pub const CACHED: &str = "Cached";
pub const FRAMES_FREE: &str = "FramesFree";
pub const FRAMES_CACHED: &str = "FramesCached";
pub const SWAP_TOTAL: &str = "SwapTotal";
pub const SWAP_FREE: &str = "SwapFree";
/// Keys of [`VMSTAT`].
pub const PSWPIN: &str = "pswpin";
pub const PSWPOUT: &str = "pswpout";
pub const PGFAULT: &str = "pgfault";
pub const PGMAJFAULT: &str = "pgmajfault";

pub const STAT_PID: usize = 1;
pub const STAT_COMM: usize = 2;
pub const STAT_STATE: usize = 3;
pub const STAT_PPID: usize = 4;
pub const STAT_MINFLT: usize = 10;
pub const STAT_MAJFLT: usize = 12;
pub const STAT_UTIME: usize = 14;
pub const STAT_STIME: usize = 15;
pub const STAT_VSIZE: usize = 23;
pub const STAT_RSS: usize = 24;

/// `FramesFree` + `FramesCached` of a /proc/meminfo text: the frames no
/// process holds. Nothing leaked when it is the same before and after.
pub fn frames_unused(meminfo: &str) -> Option<u64> {
    Some(keyed_value(meminfo, FRAMES_FREE)? + keyed_value(meminfo, FRAMES_CACHED)?)
}

/// `FramesFree` + every page-cache frame (`Cached`, in kB), mapped or
/// not: the frames no process holds privately. It is [`frames_unused`]
/// for a run whose readers may be caught at different points (see
/// tests/vm.rs on QEMU), where which cached pages are mapped varies.
pub fn frames_free_or_cached(meminfo: &str) -> Option<u64> {
    Some(keyed_value(meminfo, FRAMES_FREE)? + keyed_value(meminfo, CACHED)? / 4)
}

/// Field `n` (1-based, as proc(5) numbers them) of a `/proc/<pid>/stat` line.
/// The command name (field 2) may hold blanks and parentheses, so the fields
/// after it are counted from its last `)`.
pub fn stat_field(line: &str, n: usize) -> Option<&str> {
    let open = line.find('(')?;
    let close = line.rfind(')')?;
    match n {
        0 => None,
        STAT_PID => Some(line[..open].trim()),
        STAT_COMM => line.get(open + 1..close),
        _ => line.get(close + 1..)?.split_ascii_whitespace().nth(n - 3),
    }
}

/// The number after `key` in a `key value` or `Key: value kB` line.
pub fn keyed_value(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|l| {
        let mut it = l.split_ascii_whitespace();
        let k = it.next()?;
        (k.strip_suffix(':').unwrap_or(k) == key).then(|| it.next()?.parse().ok())?
    })
}

/// One line of `/proc/<pid>/maps`: `start-end perms offset dev inode path`,
/// e.g. `00010000-00012000 r-xp 00000000 00:01 5   /bin/layout`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Mapping<'a> {
    pub start: u64,
    pub end: u64,
    /// `rwxp` or `rw-s`: read, write, execute, then private or shared.
    pub perms: &'a str,
    pub offset: u64,
    pub inode: u64,
    /// A file's path, `[heap]`, `[stack]`, ..., or "" for anonymous memory.
    pub path: &'a str,
}

impl Mapping<'_> {
    pub fn contains(&self, addr: u64) -> bool {
        (self.start..self.end).contains(&addr)
    }

    pub fn readable(&self) -> bool {
        self.perms.as_bytes().first() == Some(&b'r')
    }

    pub fn writable(&self) -> bool {
        self.perms.as_bytes().get(1) == Some(&b'w')
    }

    pub fn executable(&self) -> bool {
        self.perms.as_bytes().get(2) == Some(&b'x')
    }

    pub fn shared(&self) -> bool {
        self.perms.as_bytes().get(3) == Some(&b's')
    }
}

/// Parses one maps line; `None` if it is not in Linux's format.
pub fn parse_maps_line(line: &str) -> Option<Mapping<'_>> {
    let (range, rest) = word(line)?;
    let (perms, rest) = word(rest).filter(|(p, _)| p.len() == 4)?;
    let (offset, rest) = word(rest)?;
    let (_dev, rest) = word(rest)?;
    let (inode, rest) = word(rest)?;
    let (start, end) = range.split_once('-')?;
    let hex = |s| u64::from_str_radix(s, 16).ok();
    Some(Mapping {
        start: hex(start)?,
        end: hex(end)?,
        perms,
        offset: hex(offset)?,
        inode: inode.parse().ok()?,
        path: rest.trim(),
    })
}

/// The first blank-separated word of `s` and what follows it.
fn word(s: &str) -> Option<(&str, &str)> {
    let s = s.trim_start();
    let end = s.find(|c: char| c.is_ascii_whitespace()).unwrap_or(s.len());
    (end > 0).then(|| s.split_at(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    const STAT_LINE: &str =
        "42 (my (odd) prog) R 1 42 42 0 -1 4194560 187 0 3 0 5 2 0 0 20 0 1 0 1234 1089536 40 18446744073709551615";

    #[test]
    fn stat_fields() {
        assert_eq!(stat_field(STAT_LINE, STAT_PID), Some("42"));
        assert_eq!(stat_field(STAT_LINE, STAT_COMM), Some("my (odd) prog"));
        assert_eq!(stat_field(STAT_LINE, STAT_STATE), Some("R"));
        assert_eq!(stat_field(STAT_LINE, STAT_PPID), Some("1"));
        assert_eq!(stat_field(STAT_LINE, STAT_MINFLT), Some("187"));
        assert_eq!(stat_field(STAT_LINE, STAT_MAJFLT), Some("3"));
        assert_eq!(stat_field(STAT_LINE, STAT_VSIZE), Some("1089536"));
        assert_eq!(stat_field(STAT_LINE, STAT_RSS), Some("40"));
        assert_eq!(stat_field(STAT_LINE, 99), None);
        assert_eq!(stat_field("garbage", STAT_MINFLT), None);
    }

    #[test]
    fn maps_lines() {
        let m =
            parse_maps_line("00010000-00012000 r-xp 00000000 00:01 5                          /bin/my prog").unwrap();
        assert_eq!(
            (m.start, m.end, m.perms, m.offset, m.inode, m.path),
            (0x10000, 0x12000, "r-xp", 0, 5, "/bin/my prog")
        );
        assert!(m.readable() && !m.writable() && m.executable() && !m.shared());
        assert!(m.contains(0x11fff) && !m.contains(0x12000));
        let anon = parse_maps_line("3fffdf0000-3fffe00000 rw-s 00001000 00:00 0 ").unwrap();
        assert_eq!((anon.path, anon.offset), ("", 0x1000));
        assert!(anon.shared() && anon.writable());
        assert_eq!(parse_maps_line("3fffdf0000-3fffe00000 rw-p 00000000 00:00 0 [stack]").unwrap().path, "[stack]");
        assert_eq!(parse_maps_line("1000-2000 r--p 00000000 00:00 0   0").unwrap().path, "0");
        assert_eq!(parse_maps_line("not a mapping"), None);
        assert_eq!(parse_maps_line("1000-2000 rw 0 00:00 0"), None);
    }

    #[test]
    fn unused_frames_are_free_or_cached_alone() {
        let m = "MemTotal:   100 kB\nFramesFree:     20\nFramesCached:    3\n";
        assert_eq!(frames_unused(m), Some(23));
        assert_eq!(frames_unused("FramesFree: 20\n"), None);
    }

    #[test]
    fn keyed_values() {
        let meminfo = "MemTotal:         131072 kB\nMemFree:          100000 kB\n";
        assert_eq!(keyed_value(meminfo, "MemTotal"), Some(131072));
        assert_eq!(keyed_value(meminfo, "MemFree"), Some(100000));
        assert_eq!(keyed_value(meminfo, "Mem"), None);
        let stat = "cpu  1 2 3\nctxt 900\nprocesses 17\n";
        assert_eq!(keyed_value(stat, "processes"), Some(17));
        assert_eq!(keyed_value(stat, "cpu"), Some(1));
        assert_eq!(keyed_value("processes x\n", "processes"), None);
        let status = "Name:\tcow\nVmRSS:\t   65600 kB\nCowCopies:\t1\n";
        assert_eq!((keyed_value(status, VM_RSS), keyed_value(status, COW_COPIES)), (Some(65600), Some(1)));
        let rollup = "00010000-3ffffff000 ---p 00000000 00:00 0   [rollup]\nRss:  884 kB\nShared_Clean:  64 kB\n";
        assert_eq!((keyed_value(rollup, RSS), keyed_value(rollup, SHARED_CLEAN)), (Some(884), Some(64)));
    }
}
