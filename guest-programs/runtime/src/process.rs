//! Processes: exit, fork + exec with `PATH` lookup (what init and sh share),
//! forking a closure, and waiting for children.

use crate::fs::{cstring, stat};
use crate::{env, sys};
use alloc::ffi::CString;
use alloc::vec::Vec;
use core::ffi::c_char;
use sv39_abi::bootargs::DEFAULT_PATH;
use sv39_abi::stat::S_ISREG;
use sv39_abi::Errno;

/// The status of a command that was found but could not be run (as sh).
pub const EXIT_CANNOT_RUN: i32 = 126;
/// The status of a command that was not found (as sh).
pub const EXIT_NOT_FOUND: i32 = 127;

/// Ends the process with `code` (its low 8 bits reach the parent).
pub fn exit(code: i32) -> ! {
    sys::exit_group(code)
}

/// A NULL-terminated array of C strings, as `execve` takes.
struct CVec {
    _strings: Vec<CString>,
    ptrs: Vec<*const c_char>,
}

impl CVec {
    fn new(strings: Vec<CString>) -> CVec {
        let ptrs = strings.iter().map(|s| s.as_ptr()).chain([core::ptr::null()]).collect();
        CVec { _strings: strings, ptrs }
    }
}

/// Where command `cmd` is: `cmd` itself when it names a directory, else the
/// first regular file `dir/cmd` for the directories of `PATH` (or
/// `DEFAULT_PATH`).
pub fn find_program(cmd: &[u8]) -> Result<Vec<u8>, Errno> {
    if cmd.is_empty() {
        return Err(Errno::ENOENT);
    }
    if cmd.contains(&b'/') {
        return Ok(cmd.to_vec());
    }
    let path = env::var("PATH").map_or(DEFAULT_PATH.as_bytes(), |p| p.to_bytes());
    path.split(|&b| b == b':')
        .map(|dir| {
            let mut full = Vec::from(if dir.is_empty() { &b"."[..] } else { dir });
            full.push(b'/');
            full.extend_from_slice(cmd);
            full
        })
        .find(|full| stat(full).is_ok_and(|st| S_ISREG(st.st_mode)))
        .ok_or(Errno::ENOENT)
}

/// Replaces this process with program `path` run as `argv`, with this
/// process's environment. Returns only on failure.
pub fn exec(path: &[u8], argv: &[&[u8]]) -> Errno {
    let (path, args) = match (cstring(path), argv.iter().map(|a| cstring(a)).collect()) {
        (Ok(p), Ok(a)) => (p, CVec::new(a)),
        (Err(e), _) | (_, Err(e)) => return e,
    };
    let envp = CVec::new(env::vars().map(CString::from).collect());
    // SAFETY: both arrays are NULL-terminated arrays of C strings that live
    // until execve returns.
    unsafe { sys::execve(&path, args.ptrs.as_ptr(), envp.ptrs.as_ptr()) }
}

/// Runs `argv` as a command (`argv[0]` looked up with [`find_program`]) in a
/// child process; returns the child's pid. A child whose exec fails prints
/// why and exits with [`EXIT_CANNOT_RUN`].
pub fn spawn(argv: &[&[u8]]) -> Result<i32, Errno> {
    spawn_with(argv, || Ok(()))
}

/// [`spawn`], running `setup` in the child before the exec.
pub fn spawn_with(argv: &[&[u8]], setup: impl FnOnce() -> Result<(), Errno>) -> Result<i32, Errno> {
    let path = find_program(argv.first().copied().unwrap_or_default())?;
    spawn_program(&path, argv, setup)
}

/// Runs program `path` as `argv` in a child process, after `setup` (run in
/// the child: arrange its descriptors, say); returns the child's pid. A
/// child whose setup or exec fails prints why and exits with
/// [`EXIT_CANNOT_RUN`].
pub fn spawn_program(path: &[u8], argv: &[&[u8]], setup: impl FnOnce() -> Result<(), Errno>) -> Result<i32, Errno> {
    fork_child(|| {
        let e = setup().err().unwrap_or_else(|| exec(path, argv));
        crate::eprintln!("{}: {}", core::str::from_utf8(path).unwrap_or("?"), e);
        EXIT_CANNOT_RUN
    })
}

/// Forks; the child runs `child` and exits with what it returns. Returns
/// the child's pid (in the parent).
pub fn fork_child(child: impl FnOnce() -> i32) -> Result<i32, Errno> {
    match sys::fork()? {
        0 => exit(child()),
        pid => Ok(pid as i32),
    }
}

/// The minor page faults this thread has taken (`getrusage(RUSAGE_THREAD)`:
/// for a single-threaded program, the process's; under qemu-riscv64 it
/// leaves out the faults of QEMU's own helper threads, which RUSAGE_SELF
/// counts).
pub fn minor_faults() -> Result<u64, Errno> {
    sys::getrusage(sv39_abi::resource::RUSAGE_THREAD).map(|r| r.ru_minflt as u64)
}

/// Waits until child `pid` (or any child, for -1) ends; returns (pid, wait
/// status).
pub fn wait(pid: i32) -> Result<(i32, i32), Errno> {
    loop {
        match sys::wait4(pid, 0) {
            Err(Errno::EINTR) => continue,
            r => return r,
        }
    }
}
