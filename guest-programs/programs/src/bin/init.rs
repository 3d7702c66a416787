//! `init`: the first process. The kernel starts it with the command from
//! the boot command line as its arguments (see `sv39_abi::bootargs`); init
//! runs that command, or /bin/sh when there is none, reaps every orphan
//! handed to it meanwhile, and when the command ends powers the machine off
//! with its status (exit code, or 128 + signal), as `sv39_abi::reboot`
//! describes.
//!
//! As pid 1 on a terminal, init first takes it as the controlling terminal
//! of a new session (as a getty would) and runs the command in a process
//! group of its own, the terminal's foreground one: ^C reaches the command.
//!
//! Run as any pid but 1 (under `qemu-riscv64`, say) it exits with that
//! status instead of powering off, and leaves sessions alone.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::abi::bootargs::SHELL_PATH;
use sv39_rt::abi::reboot::LINUX_REBOOT_CMD_POWER_OFF;
use sv39_rt::abi::wait::{shell_status, WNOHANG};
use sv39_rt::job;
use sv39_rt::process::{self, EXIT_CANNOT_RUN, EXIT_NOT_FOUND};
use sv39_rt::{eprintln, sys, Args, Errno};

sv39_rt::entry!(main);

/// Runs `argv` and waits for it, reaping whatever else ends meanwhile;
/// returns its shell-style status. With `terminal`, the command's own
/// process group is the foreground of the terminal on that fd.
fn run(argv: &[&[u8]], terminal: Option<i32>) -> i32 {
    let spawned = match terminal {
        Some(fd) => process::spawn_with(argv, || job::enter_foreground(fd)),
        None => process::spawn(argv),
    };
    let pid = match spawned {
        Ok(pid) => pid,
        Err(e) => {
            eprintln!("init: {}: {e}", String::from_utf8_lossy(argv[0]));
            return if e == Errno::ENOENT { EXIT_NOT_FOUND } else { EXIT_CANNOT_RUN };
        }
    };
    if terminal.is_some() {
        // Also here, so that the group exists whichever runs first (EACCES
        // once the child has exec'd: it did it itself).
        let _ = sys::setpgid(pid, pid);
    }
    loop {
        match process::wait(-1) {
            Ok((p, status)) if p == pid => return shell_status(status),
            Ok(_) => {} // an orphan, reaped
            Err(e) => {
                eprintln!("init: wait4: {e}");
                return EXIT_CANNOT_RUN;
            }
        }
    }
}

/// Reaps the orphans that have already ended.
fn reap_ended() {
    while let Ok((pid, _)) = sys::wait4(-1, WNOHANG) {
        if pid <= 0 {
            break;
        }
    }
}

fn main(args: Args) -> i32 {
    let mut argv: Vec<&[u8]> = args.iter().skip(1).map(|a| a.to_bytes()).collect();
    if argv.is_empty() {
        argv.push(SHELL_PATH.as_bytes());
    }
    if sys::getpid() != 1 {
        return run(&argv, None);
    }
    let terminal = job::terminal_fd().filter(|&fd| job::take_terminal(fd).is_ok());
    let status = run(&argv, terminal);
    reap_ended();
    if let Err(e) = sys::reboot(LINUX_REBOOT_CMD_POWER_OFF, status as usize) {
        eprintln!("init: power off: {e}");
    }
    status
}
