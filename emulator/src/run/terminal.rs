//! The host's side of a guest's stdio: which of stdin, stdout and stderr
//! are terminals, what `tty=` tells the kernel of them, and the host
//! terminal's mode while the guest's line discipline serves it.
//!
//! When stdin is a terminal it is put in raw mode (`cfmakeraw`: no echo, no
//! line editing, no signals from ^C, ^\ and ^Z, no output processing): the
//! guest's tty does all of that, and sends the signals to the guest's
//! foreground process. ^A x ends sv39 itself (QEMU's escape: ^A ^A sends one
//! ^A). When only stdout or stderr is a terminal, only its output
//! processing goes off (OPOST): the guest's tty turns `\n` into `\r\n`, and
//! the keys still act on sv39.
//!
//! The terminal's settings come back when the guard drops (every return
//! and unwind of `sv39 run`), and from a handler of the signals that end or
//! stop the process (SIGINT, SIGQUIT, SIGTERM, SIGHUP, SIGTSTP), which then
//! lets the signal take its default course; SIGCONT puts the guest's mode
//! back.

use std::io::IsTerminal;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

/// Which host stdio streams are terminals.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Terminals {
    pub stdin: bool,
    pub stdout: bool,
    pub stderr: bool,
}

impl Terminals {
    pub fn of_this_process() -> Terminals {
        Terminals {
            stdin: std::io::stdin().is_terminal(),
            stdout: std::io::stdout().is_terminal(),
            stderr: std::io::stderr().is_terminal(),
        }
    }

    /// The fd whose terminal the guest serves: stdin's (input and output),
    /// else stdout's or stderr's (output only).
    fn fd(self) -> Option<i32> {
        [self.stdin, self.stdout, self.stderr].iter().position(|&t| t).map(|fd| fd as i32)
    }

    /// `tty=`'s value: the guest streams that are the terminal (fds 0, 1,
    /// 2, and `log` for the kernel's messages when they go to a terminal
    /// stderr); None when no stream is.
    pub fn tty_param(self, log_to_stderr: bool) -> Option<String> {
        let on = [(self.stdin, "0"), (self.stdout, "1"), (self.stderr, "2"), (self.stderr && log_to_stderr, "log")];
        let names: Vec<&str> = on.iter().filter(|(t, _)| *t).map(|(_, n)| *n).collect();
        (!names.is_empty()).then(|| names.join(","))
    }
}

/// The terminal's fd, its settings before, and the guest's mode.
static SAVED: OnceLock<(i32, libc::termios, libc::termios)> = OnceLock::new();
/// Typed input reaches the guest raw: ^A escapes are sv39's.
static RAW_INPUT: AtomicBool = AtomicBool::new(false);

/// The guest's mode on the host terminal until dropped.
pub struct RawMode(());

impl RawMode {
    /// Puts the terminal in the guest's mode (see the module docs); None
    /// if there is no terminal or it cannot be (then it is left as it was).
    pub fn enter(host: Terminals) -> Option<RawMode> {
        let fd = host.fd()?;
        // SAFETY: an all-zero termios is a valid value to be overwritten.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: an open fd and a termios to fill.
        if unsafe { libc::tcgetattr(fd, &mut saved) } != 0 {
            return None;
        }
        let mut guest = saved;
        if host.stdin {
            // SAFETY: `guest` is a valid termios.
            unsafe { libc::cfmakeraw(&mut guest) };
        } else {
            guest.c_oflag &= !libc::OPOST;
        }
        if SAVED.set((fd, saved, guest)).is_err() {
            return None;
        }
        for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP, libc::SIGTSTP, libc::SIGCONT] {
            // SAFETY: the handler only calls async-signal-safe functions
            // (tcsetattr, signal, raise) on data set before it was installed.
            unsafe { libc::signal(sig, on_signal as *const () as libc::sighandler_t) };
        }
        set(fd, &guest);
        RAW_INPUT.store(host.stdin, Ordering::Relaxed);
        Some(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        RAW_INPUT.store(false, Ordering::Relaxed);
        restore();
    }
}

/// Puts the terminal's own settings back.
fn restore() {
    if let Some((fd, saved, _)) = SAVED.get() {
        set(*fd, saved);
    }
}

fn set(fd: i32, t: &libc::termios) {
    // SAFETY: an open fd and a valid termios; TCSADRAIN lets pending output go first.
    unsafe { libc::tcsetattr(fd, libc::TCSADRAIN, t) };
}

/// Puts the terminal back and lets the signal do what it does by default;
/// the guest's mode again when the process continues after a stop.
extern "C" fn on_signal(sig: libc::c_int) {
    let Some((fd, saved, guest)) = SAVED.get() else { return };
    if sig == libc::SIGCONT {
        set(*fd, guest);
        return;
    }
    set(*fd, saved);
    // SAFETY: async-signal-safe calls on a local signal set. The signal is
    // unblocked (it is blocked while its handler runs) so that its default
    // action, ending or stopping the process, happens at the raise; after
    // a stop the handler is put back for the next one.
    unsafe {
        let mut only: libc::sigset_t = std::mem::zeroed();
        libc::sigemptyset(&mut only);
        libc::sigaddset(&mut only, sig);
        libc::signal(sig, libc::SIG_DFL);
        libc::sigprocmask(libc::SIG_UNBLOCK, &only, std::ptr::null_mut());
        libc::raise(sig);
        libc::signal(sig, on_signal as *const () as libc::sighandler_t);
    }
}

/// The escape character: ^A, as QEMU's.
const ESCAPE: u8 = 0x01;

/// sv39's own keys in typed input while the terminal is raw: ^A x ends
/// sv39 as ^C would end it on a cooked terminal (by SIGINT, the terminal
/// restored), ^A ^A is one ^A for the guest; ^A and another key are both
/// passed on.
#[derive(Debug, Default)]
pub struct Escapes {
    after_escape: bool,
}

impl Escapes {
    /// The bytes of `input` that go to the guest.
    pub fn filter(&mut self, input: &[u8]) -> Vec<u8> {
        if !RAW_INPUT.load(Ordering::Relaxed) {
            return input.to_vec();
        }
        let mut out = Vec::with_capacity(input.len());
        for &b in input {
            if !self.after_escape {
                match b {
                    ESCAPE => self.after_escape = true,
                    b => out.push(b),
                }
                continue;
            }
            self.after_escape = false;
            match b {
                b'x' => end_sv39(),
                ESCAPE => out.push(ESCAPE),
                b => out.extend_from_slice(&[ESCAPE, b]),
            }
        }
        out
    }
}

/// ^A x: the terminal back, a word why, and SIGINT to sv39.
fn end_sv39() {
    restore();
    eprintln!("sv39: ended by ^A x");
    // SAFETY: a signal to this process; its handler restores the terminal again.
    unsafe { libc::kill(libc::getpid(), libc::SIGINT) };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tty_names_the_terminal_streams() {
        let t = |stdin, stdout, stderr| Terminals { stdin, stdout, stderr };
        assert_eq!(t(true, true, true).tty_param(true).as_deref(), Some("0,1,2,log"));
        assert_eq!(t(true, true, true).tty_param(false).as_deref(), Some("0,1,2"));
        assert_eq!(t(false, true, false).tty_param(true).as_deref(), Some("1"));
        assert_eq!(t(true, false, true).tty_param(false).as_deref(), Some("0,2"));
        assert_eq!(t(false, false, false).tty_param(true), None);
        assert_eq!(t(false, false, true).fd(), Some(2));
    }

    #[test]
    fn escapes_pass_everything_else_on() {
        RAW_INPUT.store(true, Ordering::Relaxed);
        let mut e = Escapes::default();
        assert_eq!(e.filter(b"a\x01\x01b\x01"), b"a\x01b");
        assert_eq!(e.filter(b"c"), b"\x01c", "an escape across two reads");
        RAW_INPUT.store(false, Ordering::Relaxed);
        assert_eq!(e.filter(b"\x01x"), b"\x01x", "not raw: nothing is sv39's");
    }
}
