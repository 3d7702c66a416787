//! The host's side of a guest's stdio: which of stdin, stdout and stderr
//! are terminals, and raw mode on the terminal while the guest's line
//! discipline serves it.
//!
//! Raw mode is `cfmakeraw` (no echo, no line editing, no `\r` to `\n` on
//! input, no output processing) with ISIG kept, so that ^C, ^\ and ^Z
//! stop or suspend sv39 as they do `qemu-riscv64`. The terminal's settings
//! come back when the guard drops (every return and unwind of `sv39 run`),
//! and from a handler of the signals that end or stop the process (SIGINT,
//! SIGQUIT, SIGTERM, SIGHUP, SIGTSTP), which then lets the signal take its
//! default course; SIGCONT puts raw mode back.

use std::io::IsTerminal;
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

    /// Whether the guest serves the terminal: typed input and its echo
    /// both need one, so stdin and stdout must both be terminals.
    pub fn interactive(self) -> bool {
        self.stdin && self.stdout
    }
}

/// The terminal's settings before raw mode, and raw mode itself.
static SAVED: OnceLock<(libc::termios, libc::termios)> = OnceLock::new();

/// Raw mode on the terminal of stdin until dropped.
pub struct RawMode(());

impl RawMode {
    /// Puts the terminal of stdin in raw mode; None if it cannot be (then
    /// it is left as it was).
    pub fn enter() -> Option<RawMode> {
        // SAFETY: an all-zero termios is a valid value to be overwritten.
        let mut saved: libc::termios = unsafe { std::mem::zeroed() };
        // SAFETY: fd 0 and a termios to fill.
        if unsafe { libc::tcgetattr(0, &mut saved) } != 0 {
            return None;
        }
        let mut raw = saved;
        // SAFETY: `raw` is a valid termios.
        unsafe { libc::cfmakeraw(&mut raw) };
        raw.c_lflag |= libc::ISIG;
        if SAVED.set((saved, raw)).is_err() {
            return None;
        }
        for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP, libc::SIGTSTP, libc::SIGCONT] {
            // SAFETY: the handler only calls async-signal-safe functions
            // (tcsetattr, signal, raise) on data set before it was installed.
            unsafe { libc::signal(sig, on_signal as *const () as libc::sighandler_t) };
        }
        set(&raw);
        Some(RawMode(()))
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        if let Some((saved, _)) = SAVED.get() {
            set(saved);
        }
    }
}

fn set(t: &libc::termios) {
    // SAFETY: fd 0 and a valid termios; TCSADRAIN lets pending output go first.
    unsafe { libc::tcsetattr(0, libc::TCSADRAIN, t) };
}

/// Puts the terminal back and lets the signal do what it does by default;
/// raw mode again when the process continues after a stop.
extern "C" fn on_signal(sig: libc::c_int) {
    let Some((saved, raw)) = SAVED.get() else { return };
    if sig == libc::SIGCONT {
        set(raw);
        return;
    }
    set(saved);
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
