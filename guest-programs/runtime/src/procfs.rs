//! Reading the kernel's /proc files (formats and keys in `sv39_abi::procfs`):
//! whole files as text, one figure by key or by field, and the mappings of
//! an address space.

use crate::fs;
use alloc::format;
use alloc::string::String;
use sv39_abi::procfs::{keyed_value, parse_maps_line, stat_field, Mapping};
use sv39_abi::Errno;

/// The whole file at `path`, as text.
pub fn text(path: &str) -> Result<String, Errno> {
    fs::read_file(path.as_bytes()).map(|b| String::from_utf8_lossy(&b).into_owned())
}

/// `/proc/<pid>/<file>`, or `/proc/self/<file>` for `None`.
pub fn pid_path(pid: Option<i32>, file: &str) -> String {
    match pid {
        Some(pid) => format!("/proc/{pid}/{file}"),
        None => format!("/proc/self/{file}"),
    }
}

/// The number after `key` in file `path` (`/proc/self/status`, `VmRSS`);
/// `None` when the file or the key is missing.
pub fn value(path: &str, key: &str) -> Option<u64> {
    keyed_value(&text(path).ok()?, key)
}

/// Field `n` (numbered as proc(5)) of the stat file `path`.
pub fn stat(path: &str, n: usize) -> Option<u64> {
    stat_field(&text(path).ok()?, n)?.parse().ok()
}

/// The text of a maps file, and its lines as [`Mapping`]s.
pub struct Maps(String);

impl Maps {
    /// `/proc/<pid>/maps` (`None`: this process).
    pub fn read(pid: Option<i32>) -> Result<Maps, Errno> {
        text(&pid_path(pid, "maps")).map(Maps)
    }

    pub fn text(&self) -> &str {
        &self.0
    }

    pub fn iter(&self) -> impl Iterator<Item = Mapping<'_>> {
        self.0.lines().filter_map(parse_maps_line)
    }

    /// The mapping holding `addr`.
    pub fn find(&self, addr: usize) -> Option<Mapping<'_>> {
        self.line(addr).and_then(parse_maps_line)
    }

    /// The line of the mapping holding `addr`, as the kernel wrote it.
    pub fn line(&self, addr: usize) -> Option<&str> {
        self.0.lines().find(|l| parse_maps_line(l).is_some_and(|m| m.contains(addr as u64)))
    }

    /// The first mapping named `path` (`[stack]`, `/bin/cow`).
    pub fn named(&self, path: &str) -> Option<Mapping<'_>> {
        self.iter().find(|m| m.path == path)
    }
}
