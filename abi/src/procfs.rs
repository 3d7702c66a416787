//! The /proc files the sv39 kernel provides, in Linux's formats (proc(5)), and
//! the parsers user programs (and tests) read them with.
//!
//! - [`MEMINFO`]: `Key:   value kB` lines; at least `MemTotal` and `MemFree`
//!   (kB), and sv39's `FramesTotal` and `FramesFree` (4 KiB frames).
//! - [`SELF_STAT`] (and `/proc/<pid>/stat`): one line, `pid (comm) state ppid
//!   ...`; fields numbered as proc(5): [`STAT_MINFLT`], [`STAT_MAJFLT`],
//!   [`STAT_VSIZE`] (bytes), [`STAT_RSS`] (pages).
//! - [`STAT`]: `key value...` lines; `processes` counts the processes created
//!   since boot.

pub const MEMINFO: &str = "/proc/meminfo";
pub const SELF_STAT: &str = "/proc/self/stat";
pub const STAT: &str = "/proc/stat";

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
    fn keyed_values() {
        let meminfo = "MemTotal:         131072 kB\nMemFree:          100000 kB\n";
        assert_eq!(keyed_value(meminfo, "MemTotal"), Some(131072));
        assert_eq!(keyed_value(meminfo, "MemFree"), Some(100000));
        assert_eq!(keyed_value(meminfo, "Mem"), None);
        let stat = "cpu  1 2 3\nctxt 900\nprocesses 17\n";
        assert_eq!(keyed_value(stat, "processes"), Some(17));
        assert_eq!(keyed_value(stat, "cpu"), Some(1));
        assert_eq!(keyed_value("processes x\n", "processes"), None);
    }
}
