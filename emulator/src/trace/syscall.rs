//! strace-style lines for Linux system calls made from U-mode:
//! `[asid 3] openat(AT_FDCWD, "/bin/ls", O_RDONLY) = 3`.
//!
//! The arguments are taken at the ecall (strings read through the guest's own
//! page table, as the kernel would), the result at the matching return to U
//! of the same hart and address space. It works for any kernel that follows
//! the Linux riscv64 ABI: number in a7, arguments in a0-a5, result in a0.

use super::event::HartEvent;
use super::record::{hex, Record};
use crate::bus::Bus;
use crate::hart::Hart;
use std::collections::HashMap;
use sv39_abi::errno::Errno;
use sv39_abi::syscall as nr;
use sv39_arch::csr::Priv;

/// How to show one argument.
#[derive(Clone, Copy)]
enum Arg {
    Int,
    Hex,
    Fd,
    /// A directory fd where -100 means AT_FDCWD.
    DirFd,
    /// A NUL-terminated string.
    Str,
    /// A buffer whose length is argument `n`, shown as text (write).
    Buf(usize),
    /// A buffer the call fills (read): shown at the return, as long as the result says.
    OutBuf,
    /// A NULL-terminated array of strings (execve's argv).
    Argv,
    OpenFlags,
    Octal,
    Prot,
    MapFlags,
    Signal,
}

/// The argument kinds of system call `n`, for the calls programs use most;
/// others show their six arguments in hex.
fn signature(n: usize) -> &'static [Arg] {
    use Arg::*;
    match n {
        nr::READ => &[Fd, OutBuf, Int],
        nr::WRITE => &[Fd, Buf(2), Int],
        nr::OPENAT => &[DirFd, Str, OpenFlags, Octal],
        nr::CLOSE | nr::DUP | nr::FCHDIR => &[Fd],
        nr::DUP3 => &[Fd, Fd, OpenFlags],
        nr::LSEEK => &[Fd, Int, Int],
        nr::READV | nr::WRITEV => &[Fd, Hex, Int],
        nr::NEWFSTATAT => &[DirFd, Str, Hex, Hex],
        nr::FSTAT => &[Fd, Hex],
        nr::READLINKAT => &[DirFd, Str, Hex, Int],
        nr::MKDIRAT => &[DirFd, Str, Octal],
        nr::UNLINKAT => &[DirFd, Str, Hex],
        nr::CHDIR => &[Str],
        nr::GETCWD => &[Hex, Int],
        nr::PIPE2 => &[Hex, OpenFlags],
        nr::GETDENTS64 => &[Fd, Hex, Int],
        nr::IOCTL => &[Fd, Hex, Hex],
        nr::EXECVE => &[Str, Argv, Hex],
        nr::GETPID | nr::GETPPID | nr::GETTID | nr::SCHED_YIELD | nr::GETUID | nr::GETEUID | nr::GETGID
        | nr::GETEGID => &[],
        nr::EXIT | nr::EXIT_GROUP => &[Int],
        nr::WAIT4 => &[Int, Hex, Hex, Hex],
        nr::KILL => &[Int, Signal],
        nr::CLONE => &[Hex, Hex, Hex, Hex, Hex],
        nr::BRK => &[Hex],
        nr::MMAP => &[Hex, Int, Prot, MapFlags, Fd, Hex],
        nr::MUNMAP => &[Hex, Int],
        nr::MPROTECT => &[Hex, Int, Prot],
        nr::MREMAP => &[Hex, Int, Int, Hex, Hex],
        nr::MADVISE | nr::MSYNC => &[Hex, Int, Int],
        nr::FTRUNCATE => &[Fd, Int],
        nr::NANOSLEEP | nr::CLOCK_GETTIME => &[Hex, Hex],
        nr::GETRANDOM => &[Hex, Int, Hex],
        nr::SET_TID_ADDRESS => &[Hex],
        nr::RT_SIGACTION => &[Signal, Hex, Hex, Int],
        nr::RT_SIGPROCMASK => &[Int, Hex, Hex, Int],
        nr::FUTEX => &[Hex, Int, Int, Hex, Hex, Int],
        _ => &[Hex, Hex, Hex, Hex, Hex, Hex],
    }
}

/// A call in flight: entered, not yet returned.
struct Pending {
    number: usize,
    args: [u64; 6],
    shown: Vec<String>,
    cycle: u64,
    pc: u64,
}

#[derive(Default)]
pub struct Syscalls {
    pending: HashMap<(usize, Option<u16>), Pending>,
}

impl Syscalls {
    /// Looks at an event; returns a finished line and its ASID.
    pub fn event(&mut self, h: &Hart, bus: &mut Bus, e: &HartEvent) -> Option<(Record, Option<u16>)> {
        match e {
            HartEvent::Trap { ctx, syscall: Some(regs), .. } => {
                let number = regs[6] as usize;
                let args = [regs[0], regs[1], regs[2], regs[3], regs[4], regs[5]];
                let shown = show_args(h, bus, number, &args);
                let p = Pending { number, args, shown, cycle: ctx.cycle, pc: ctx.pc };
                let entry_line = match number {
                    // They never return.
                    nr::EXIT | nr::EXIT_GROUP => Some(line(h, &p, ctx.asid, "?".into(), None)),
                    // A successful execve returns into a new address space, where
                    // nothing pairs it with its entry: show the call now.
                    nr::EXECVE => Some(line(h, &p, ctx.asid, "...".into(), None)),
                    _ => None,
                };
                if !matches!(number, nr::EXIT | nr::EXIT_GROUP) {
                    self.pending.insert((h.id, ctx.asid), p);
                }
                entry_line.map(|r| (r, ctx.asid))
            }
            HartEvent::Xret { ctx, to: Priv::U, a0, .. } => {
                let p = self.pending.remove(&(h.id, ctx.asid))?;
                let (result, errno) = show_result(*a0);
                let mut p = p;
                if p.number == nr::EXECVE {
                    p.shown = vec!["<... resumed>".into()];
                }
                if let (Some(i), None) = (out_buffer(p.number), errno) {
                    p.shown[i] = show_string(h, bus, p.args[i], (*a0).min(64) as usize, *a0 > 64);
                }
                Some((line(h, &p, ctx.asid, result, errno), ctx.asid))
            }
            _ => None,
        }
    }
}

/// The argument a call fills, shown after it returns.
fn out_buffer(number: usize) -> Option<usize> {
    signature(number).iter().position(|a| matches!(a, Arg::OutBuf))
}

fn line(h: &Hart, p: &Pending, asid: Option<u16>, result: String, errno: Option<Errno>) -> Record {
    let name = nr::syscall_name(p.number).map_or(format!("syscall_{}", p.number), str::to_string);
    let space = asid.map_or("bare".to_string(), |a| format!("asid {a}"));
    let scope = if h.id == 0 { format!("[{space}]") } else { format!("[hart {}, {space}]", h.id) };
    let mut r = Record::new("syscall", h.id, p.cycle, Priv::U, p.pc);
    let result = if result == "..." { result } else { format!("= {result}") };
    r.text = format!("{scope} {name}({}) {result}", p.shown.join(", "));
    r.field("name", name).field("number", p.number).field("args", p.shown.clone()).field("result", result);
    r.field("asid", asid.map_or(serde_json::Value::Null, |a| a.into()));
    r.field("errno", errno.and_then(Errno::name).map_or(serde_json::Value::Null, |n| n.into()));
    r.field("raw_args", p.args.iter().map(|&a| hex(a)).collect::<Vec<_>>());
    r
}

/// `3`, or `-1 ENOENT (No such file or directory)` as strace shows errors.
fn show_result(a0: u64) -> (String, Option<Errno>) {
    match Errno::from_ret(a0 as usize) {
        Ok(v) if (v as i64) < 0 => (format!("{:#x}", v), None),
        Ok(v) => (v.to_string(), None),
        Err(e) => (format!("-1 {} ({})", e.name().unwrap_or("E?"), e.description()), Some(e)),
    }
}

fn show_args(h: &Hart, bus: &mut Bus, number: usize, args: &[u64; 6]) -> Vec<String> {
    signature(number).iter().enumerate().map(|(i, &kind)| show_arg(h, bus, kind, args[i], args)).collect()
}

fn show_arg(h: &Hart, bus: &mut Bus, kind: Arg, v: u64, args: &[u64; 6]) -> String {
    match kind {
        Arg::Int => (v as i64).to_string(),
        Arg::Hex => format!("{v:#x}"),
        Arg::Fd => (v as i32).to_string(),
        Arg::DirFd if v as i32 == sv39_abi::fcntl::AT_FDCWD => "AT_FDCWD".into(),
        Arg::DirFd => (v as i32).to_string(),
        Arg::Str => c_string(h, bus, v),
        Arg::Buf(n) => show_string(h, bus, v, args[n].min(64) as usize, args[n] > 64),
        Arg::OutBuf => format!("{v:#x}"),
        Arg::Argv => argv(h, bus, v),
        Arg::OpenFlags => open_flags(v as u32),
        Arg::Octal => format!("{v:#o}"),
        Arg::Prot => bits(v as u32, &PROT, "PROT_NONE"),
        Arg::MapFlags => bits(v as u32, &MAP, "0"),
        Arg::Signal => sv39_abi::signal::signal_name(v as u32).map_or(v.to_string(), str::to_string),
    }
}

/// A NUL-terminated string read through the caller's address space, quoted.
fn c_string(h: &Hart, bus: &mut Bus, va: u64) -> String {
    if va == 0 {
        return "NULL".into();
    }
    let mut bytes = Vec::new();
    h.probe_read(bus, va, Priv::U, &mut bytes, 256);
    match bytes.iter().position(|&b| b == 0) {
        Some(end) => quote(&bytes[..end], false),
        None if bytes.is_empty() => format!("{va:#x}"),
        None => quote(&bytes, true),
    }
}

/// `["ls", "-l"]`: up to 16 strings of a NULL-terminated pointer array.
fn argv(h: &Hart, bus: &mut Bus, va: u64) -> String {
    let mut items = Vec::new();
    for i in 0..16 {
        let mut word = Vec::new();
        h.probe_read(bus, va.wrapping_add(8 * i), Priv::U, &mut word, 8);
        let Ok(bytes) = <[u8; 8]>::try_from(word.as_slice()) else { return format!("{va:#x}") };
        match u64::from_le_bytes(bytes) {
            0 => return format!("[{}]", items.join(", ")),
            p => items.push(c_string(h, bus, p)),
        }
    }
    format!("[{}, ...]", items.join(", "))
}

/// `len` bytes at `va`, quoted as strace does (`...` when cut short).
fn show_string(h: &Hart, bus: &mut Bus, va: u64, len: usize, more: bool) -> String {
    let mut bytes = Vec::new();
    h.probe_read(bus, va, Priv::U, &mut bytes, len);
    if bytes.len() < len {
        return format!("{va:#x}");
    }
    quote(&bytes, more)
}

fn quote(bytes: &[u8], more: bool) -> String {
    let mut s = String::from("\"");
    for &b in bytes {
        match b {
            b'\n' => s.push_str("\\n"),
            b'\t' => s.push_str("\\t"),
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            0x20..=0x7e => s.push(b as char),
            _ => s.push_str(&format!("\\x{b:02x}")),
        }
    }
    s.push('"');
    if more {
        s.push_str("...");
    }
    s
}

const PROT: [(u32, &str); 3] = [(0x1, "PROT_READ"), (0x2, "PROT_WRITE"), (0x4, "PROT_EXEC")];
const MAP: [(u32, &str); 7] = [
    (0x01, "MAP_SHARED"),
    (0x02, "MAP_PRIVATE"),
    (0x10, "MAP_FIXED"),
    (0x20, "MAP_ANONYMOUS"),
    (0x4000, "MAP_NORESERVE"),
    (0x8000, "MAP_POPULATE"),
    (0x10_0000, "MAP_FIXED_NOREPLACE"),
];

/// Flag names joined by `|`, with any unknown bits in hex.
fn bits(v: u32, names: &[(u32, &str)], zero: &str) -> String {
    let mut parts: Vec<String> = names.iter().filter(|(b, _)| v & b == *b).map(|(_, n)| n.to_string()).collect();
    let known = names.iter().fold(0, |acc, (b, _)| acc | b);
    if v & !known != 0 {
        parts.push(format!("{:#x}", v & !known));
    }
    if parts.is_empty() { zero.into() } else { parts.join("|") }
}

fn open_flags(v: u32) -> String {
    use sv39_abi::fcntl::*;
    let mode = match v & O_ACCMODE {
        O_WRONLY => "O_WRONLY",
        O_RDWR => "O_RDWR",
        _ => "O_RDONLY",
    };
    let rest = [
        (O_CREAT, "O_CREAT"),
        (O_EXCL, "O_EXCL"),
        (O_TRUNC, "O_TRUNC"),
        (O_APPEND, "O_APPEND"),
        (O_NONBLOCK, "O_NONBLOCK"),
        (O_DIRECTORY, "O_DIRECTORY"),
        (O_CLOEXEC, "O_CLOEXEC"),
    ];
    let others = v & !O_ACCMODE;
    if others == 0 { mode.into() } else { format!("{mode}|{}", bits(others, &rest, "")) }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_results_read_like_strace() {
        use sv39_abi::fcntl::*;
        assert_eq!(open_flags(O_RDONLY), "O_RDONLY");
        assert_eq!(open_flags(O_WRONLY | O_CREAT | O_TRUNC), "O_WRONLY|O_CREAT|O_TRUNC");
        assert_eq!(bits(0x3, &PROT, "PROT_NONE"), "PROT_READ|PROT_WRITE");
        assert_eq!(bits(0, &PROT, "PROT_NONE"), "PROT_NONE");
        assert_eq!(bits(0x22, &MAP, "0"), "MAP_PRIVATE|MAP_ANONYMOUS");
        assert_eq!(show_result(3).0, "3");
        assert_eq!(show_result((-2i64) as u64).0, "-1 ENOENT (No such file or directory)");
        assert_eq!(quote(b"hi\n\x01", true), "\"hi\\n\\x01\"...");
    }
}
