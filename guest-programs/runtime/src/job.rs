//! The controlling terminal and its foreground process group, as a Unix
//! init (a getty, rather) and a shell use them: the session leader takes
//! the terminal, each command runs in a process group of its own that the
//! terminal's keys signal (^C SIGINT), and the shell takes the terminal
//! back when the command ends.

use crate::sys;
use sv39_abi::signal::{SigAction, SigSet, SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU, SIG_DFL, SIG_IGN};
use sv39_abi::Errno;

/// The signals the terminal (and job control) sends, which an interactive
/// shell ignores and its commands get back at their default.
const JOB_SIGNALS: [u32; 5] = [SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU];

/// The first of fds 0, 1 and 2 that is a terminal.
pub fn terminal_fd() -> Option<i32> {
    (0..3).find(|&fd| crate::io::isatty(fd))
}

/// Makes the caller lead a new session whose controlling terminal is the
/// one on `fd` (setsid, TIOCSCTTY), as a getty does for a login.
pub fn take_terminal(fd: i32) -> Result<(), Errno> {
    sys::setsid()?;
    sys::tiocsctty(fd).map(|_| ())
}

/// Whether the caller has a controlling terminal on `fd`.
pub fn controls(fd: i32) -> bool {
    sys::tcgetpgrp(fd).is_ok()
}

/// In a new child: its own process group, the terminal's foreground one.
pub fn enter_foreground(fd: i32) -> Result<(), Errno> {
    sys::setpgid(0, 0)?;
    sys::tcsetpgrp(fd, sys::getpid()).map(|_| ())
}

/// Makes the caller's process group the terminal's foreground one again.
pub fn reclaim_terminal(fd: i32) -> Result<(), Errno> {
    sys::tcsetpgrp(fd, sys::getpgid(0)?).map(|_| ())
}

fn set_all(handler: usize) -> Result<(), Errno> {
    let act = SigAction { sa_handler: handler, sa_flags: 0, sa_mask: SigSet::EMPTY };
    for sig in JOB_SIGNALS {
        // SAFETY: SIG_DFL and SIG_IGN run no code of ours.
        unsafe { sys::rt_sigaction(sig, &act) }?;
    }
    Ok(())
}

/// An interactive shell ignores the terminal's signals (^C ends the
/// command, not the shell).
pub fn ignore_terminal_signals() -> Result<(), Errno> {
    set_all(SIG_IGN)
}

/// Puts those signals back to their default (ignored ones stay ignored
/// across execve), for a command the shell runs.
pub fn default_terminal_signals() -> Result<(), Errno> {
    set_all(SIG_DFL)
}
