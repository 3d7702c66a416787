//! The terminal: the one tty of this machine (the host's terminal, through
//! the console's terminal streams, or the UART), with its settings and line
//! discipline (`n_tty`), the session it is the controlling terminal of and
//! that session's foreground process group, which gets the signals its
//! keys send (^C SIGINT, ^\ SIGQUIT, ^Z SIGTSTP, whose default action does
//! nothing here: there is no job control).
//!
//! /dev/console is this terminal whenever `console::has_terminal()`.

pub use guest_os::tty::n_tty;

use crate::console;
use crate::mm::uaccess::{read_value, write_value};
use crate::proc::process::Pid;
use crate::proc::scheduler::{self, Channel};
use crate::proc::session;
use crate::sync::Global;
use alloc::vec::Vec;
use n_tty::LineDiscipline;
use sv39_abi::ioctl::*;
use sv39_abi::termios::Termios;
use sv39_abi::Errno;

struct Terminal {
    ldisc: LineDiscipline,
    /// The session whose controlling terminal it is, and its foreground group.
    session: Option<Pid>,
    pgrp: Option<Pid>,
}

static TERMINAL: Global<Terminal> =
    Global::new(Terminal { ldisc: LineDiscipline::new(Termios::linux_default()), session: None, pgrp: None });

/// Typed bytes (the console's input interrupt): the line discipline's
/// echo goes out, readers wake, the foreground group gets its signals.
pub fn receive(bytes: &[u8]) {
    let (mut wake, mut signals, mut echo) = (false, Vec::new(), Vec::new());
    let pgrp = {
        let mut t = TERMINAL.borrow_mut();
        for &b in bytes {
            let r = t.ldisc.receive(b, &mut echo);
            wake |= r.wake;
            signals.extend(r.signal);
        }
        t.pgrp
    };
    write(&echo);
    if wake {
        scheduler::wakeup(Channel::Console);
    }
    if let Some(g) = pgrp {
        signals.iter().for_each(|&sig| session::signal_from_terminal(g, sig));
    }
}

/// Writes `bytes` to the terminal after output processing.
pub fn write(bytes: &[u8]) {
    if bytes.is_empty() {
        return;
    }
    let mut out = Vec::with_capacity(bytes.len() + 16);
    TERMINAL.borrow().ldisc.output(bytes, &mut out);
    console::write_terminal(&out);
}

/// Reads typed input: a line in canonical mode; waits for it (EINTR if a
/// signal comes meanwhile, EAGAIN with `nonblock`); 0 once the host's
/// input has ended and nothing is left.
pub fn read(buf: &mut [u8], nonblock: bool) -> Result<usize, Errno> {
    loop {
        if let Some(n) = TERMINAL.borrow_mut().ldisc.read(buf) {
            return Ok(n);
        }
        if console::terminal_input_ended() {
            return Ok(0);
        }
        if nonblock {
            return Err(Errno::EAGAIN);
        }
        scheduler::sleep_interruptible(Channel::Console)?;
    }
}

/// Whether a read would not wait (ppoll).
pub fn readable() -> bool {
    TERMINAL.borrow().ldisc.readable() || console::terminal_input_ended()
}

/// Whether the terminal is the calling process's controlling terminal.
fn is_controlling() -> bool {
    let job = session::job(&scheduler::current());
    job.ctty && TERMINAL.borrow().session == Some(job.sid)
}

/// The terminal ioctls (tty_ioctl, tty_mode_ioctl): its settings, size,
/// session and foreground group.
pub fn ioctl(request: u32, arg: u64) -> Result<usize, Errno> {
    match request {
        TCGETS => write_value(arg, &TERMINAL.borrow().ldisc.termios)?,
        TCSETS | TCSETSW | TCSETSF => {
            let t: Termios = read_value(arg)?;
            let mut term = TERMINAL.borrow_mut();
            if request == TCSETSF {
                term.ldisc.flush_input();
            }
            // Output is written synchronously: TCSETSW has nothing to drain.
            term.ldisc.set_termios(t);
        }
        TIOCGWINSZ => write_value(arg, &Winsize { ws_row: 24, ws_col: 80, ws_xpixel: 0, ws_ypixel: 0 })?,
        TIOCSCTTY => set_controlling()?,
        TIOCGPGRP => {
            let pgrp = TERMINAL.borrow().pgrp;
            match is_controlling() {
                // No foreground group: 0, as Linux's pid_vnr(NULL).
                true => write_value(arg, &(pgrp.unwrap_or(0) as i32))?,
                false => return Err(Errno::ENOTTY),
            }
        }
        TIOCSPGRP => set_foreground(read_value::<i32>(arg)?)?,
        TIOCGSID => match (is_controlling(), TERMINAL.borrow().session) {
            (true, Some(sid)) => write_value(arg, &(sid as i32))?,
            _ => return Err(Errno::ENOTTY),
        },
        _ => return Err(Errno::ENOTTY),
    }
    Ok(0)
}

/// TIOCSCTTY (tiocsctty): a session leader without a controlling terminal
/// takes this one, unless another session has it; its group is the
/// foreground.
fn set_controlling() -> Result<(), Errno> {
    let me = scheduler::current();
    let job = session::job(&me);
    let mut t = TERMINAL.borrow_mut();
    if job.sid == me.tgid && t.session == Some(job.sid) {
        return Ok(());
    }
    if job.sid != me.tgid || job.ctty {
        return Err(Errno::EPERM);
    }
    // Stealing it from another session needs CAP_SYS_ADMIN and arg 1;
    // every process here has no capabilities to speak of.
    if t.session.is_some() {
        return Err(Errno::EPERM);
    }
    t.session = Some(job.sid);
    t.pgrp = Some(job.pgid);
    me.signals.borrow_mut().job.ctty = true;
    Ok(())
}

/// TIOCSPGRP (tiocspgrp): a group of the caller's session becomes the
/// foreground. With no job control, a background caller is not sent
/// SIGTTOU first.
fn set_foreground(pgrp: i32) -> Result<(), Errno> {
    if !is_controlling() {
        return Err(Errno::ENOTTY);
    }
    if pgrp < 0 {
        return Err(Errno::EINVAL);
    }
    let sid = session::job(&scheduler::current()).sid;
    if !session::group_in_session(pgrp as Pid, sid) {
        return Err(if pid_exists(pgrp as Pid) { Errno::EPERM } else { Errno::ESRCH });
    }
    TERMINAL.borrow_mut().pgrp = Some(pgrp as Pid);
    Ok(())
}

/// Whether `n` names a process or a process group (Linux's find_vpid).
fn pid_exists(n: Pid) -> bool {
    n != 0 && scheduler::all().iter().any(|p| p.tgid == n || session::job(p).pgid == n)
}

/// The leader of session `sid` has ended (disassociate_ctty): the
/// foreground group gets SIGHUP and SIGCONT, and the terminal belongs to
/// no session.
pub fn hang_up(sid: Pid) {
    let pgrp = {
        let mut t = TERMINAL.borrow_mut();
        if t.session != Some(sid) {
            return;
        }
        t.session = None;
        t.pgrp.take()
    };
    session::drop_controlling_terminal(sid);
    if let Some(g) = pgrp {
        session::signal_from_terminal(g, sv39_abi::signal::SIGHUP);
        session::signal_from_terminal(g, sv39_abi::signal::SIGCONT);
    }
}
