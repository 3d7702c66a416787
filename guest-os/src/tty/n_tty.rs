//! The line discipline of a terminal, as Linux's n_tty
//! (drivers/tty/n_tty.c) applies a `struct termios`: what typed bytes
//! become for readers (canonical lines with erase, kill and end of file, or
//! bytes as they come), their echo, the signal characters, and the output
//! processing of what is written.
//!
//! Pure logic: the kernel's `tty` feeds it bytes, writes the echo it
//! returns, and sends the signals it asks for.
//!
//! Not done: flow control (IXON's ^S/^Q are ordinary characters),
//! VREPRINT, VLNEXT, VDISCARD, VTIME (a non-canonical read waits as with
//! VTIME 0), tab stops in erase (a tab erases one column), and output
//! processing beyond ONLCR and OCRNL.

use alloc::collections::VecDeque;
use alloc::vec::Vec;
use sv39_abi::signal::{SIGINT, SIGQUIT, SIGTSTP};
use sv39_abi::termios::*;

/// Bytes of input kept at most (Linux's N_TTY_BUF_SIZE); more is dropped.
pub const INPUT_MAX: usize = 4096;

/// A terminal's settings and the input on its way to readers.
pub struct LineDiscipline {
    pub termios: Termios,
    /// The line being edited (canonical mode).
    editing: Vec<u8>,
    /// Finished input: lines in canonical mode (an empty one is an end of
    /// file), bytes as they came otherwise.
    ready: VecDeque<Vec<u8>>,
    buffered: usize,
}

/// What one received byte asks for besides its echo.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Received {
    /// A reader can now proceed.
    pub wake: bool,
    /// A signal for the foreground process group (ISIG).
    pub signal: Option<u32>,
}

impl Default for LineDiscipline {
    fn default() -> Self {
        LineDiscipline::new(Termios::linux_default())
    }
}

impl LineDiscipline {
    pub const fn new(termios: Termios) -> LineDiscipline {
        LineDiscipline { termios, editing: Vec::new(), ready: VecDeque::new(), buffered: 0 }
    }

    /// Handles one received byte (n_tty_receive_char); its echo, before
    /// output processing, is appended to `echo`.
    pub fn receive(&mut self, byte: u8, echo: &mut Vec<u8>) -> Received {
        let t = self.termios;
        let c = match byte {
            b'\r' if t.iflag(IGNCR) => return Received::default(),
            b'\r' if t.iflag(ICRNL) => b'\n',
            b'\n' if t.iflag(INLCR) => b'\r',
            c => c,
        };
        if t.lflag(ISIG) {
            let signal = [(VINTR, SIGINT), (VQUIT, SIGQUIT), (VSUSP, SIGTSTP)].iter().find(|(i, _)| t.is(*i, c));
            if let Some(&(_, sig)) = signal {
                return self.signal_char(c, sig, echo);
            }
        }
        if t.lflag(ICANON) {
            self.canonical(c, echo)
        } else {
            self.echo(c, echo);
            self.push_ready(alloc::vec![c])
        }
    }

    /// A signal character (n_tty_receive_signal_char): the input is flushed
    /// unless NOFLSH, and the character echoed.
    fn signal_char(&mut self, c: u8, signal: u32, echo: &mut Vec<u8>) -> Received {
        if !self.termios.lflag(NOFLSH) {
            self.flush_input();
        }
        self.echo(c, echo);
        Received { wake: false, signal: Some(signal) }
    }

    /// A byte in canonical mode (n_tty_receive_char_canon and the rest).
    fn canonical(&mut self, c: u8, echo: &mut Vec<u8>) -> Received {
        let t = self.termios;
        if t.is(VERASE, c) || t.is(VKILL, c) || (t.lflag(IEXTEN) && t.is(VWERASE, c)) {
            self.erase(c, echo);
            return Received::default();
        }
        if c == b'\n' || t.is(VEOL, c) || (t.lflag(IEXTEN) && t.is(VEOL2, c)) {
            if t.lflag(ECHO) || (c == b'\n' && t.lflag(ECHONL)) {
                echo.push(c);
            }
            let mut line = core::mem::take(&mut self.editing);
            line.push(c);
            return self.push_ready(line);
        }
        if t.is(VEOF, c) {
            let line = core::mem::take(&mut self.editing);
            return self.push_ready(line);
        }
        // Room is kept for the newline that ends the line.
        if self.buffered + self.editing.len() + 1 < INPUT_MAX {
            self.echo(c, echo);
            self.editing.push(c);
        }
        Received::default()
    }

    /// VERASE, VWERASE or VKILL (n_tty's eraser): characters off the end
    /// of the line being edited, and off the screen (ERASE with ECHOE,
    /// WERASE, KILL with ECHOK, ECHOKE and ECHOE); else the character is
    /// echoed, and a newline after KILL with ECHOK.
    fn erase(&mut self, c: u8, echo: &mut Vec<u8>) {
        let t = self.termios;
        if self.editing.is_empty() {
            return;
        }
        let kill = t.is(VKILL, c);
        let count = if t.is(VERASE, c) {
            1
        } else if kill {
            self.editing.len()
        } else {
            let end = self.editing.iter().rposition(|b| !b.is_ascii_whitespace()).map_or(0, |i| i + 1);
            let start = self.editing[..end].iter().rposition(|b| b.is_ascii_whitespace()).map_or(0, |i| i + 1);
            self.editing.len() - start
        };
        let visual = t.lflag(ECHO)
            && match (t.is(VERASE, c), kill) {
                (true, _) => t.lflag(ECHOE),
                (_, true) => t.lflag(ECHOK) && t.lflag(ECHOKE) && t.lflag(ECHOE),
                _ => true,
            };
        for _ in 0..count {
            let gone = self.editing.pop().unwrap_or(b' ');
            if visual {
                for _ in 0..self.columns(gone) {
                    echo.extend_from_slice(b"\x08 \x08");
                }
            }
        }
        if t.lflag(ECHO) && !visual {
            self.echo(c, echo);
            if kill && t.lflag(ECHOK) {
                echo.push(b'\n');
            }
        }
    }

    /// How many columns the echo of `c` took.
    fn columns(&self, c: u8) -> usize {
        match self.is_echoed_as_control(c) {
            true => 2,
            false => 1,
        }
    }

    /// Whether `c` echoes as `^X` (ECHOCTL: control characters but tab and newline).
    fn is_echoed_as_control(&self, c: u8) -> bool {
        self.termios.lflag(ECHOCTL) && (c < 0x20 || c == 0x7f) && c != b'\t' && c != b'\n'
    }

    /// Echoes `c` if ECHO (n_tty's echo_char).
    fn echo(&self, c: u8, echo: &mut Vec<u8>) {
        if !self.termios.lflag(ECHO) {
            return;
        }
        if self.is_echoed_as_control(c) {
            echo.extend_from_slice(&[b'^', c ^ 0x40]);
        } else {
            echo.push(c);
        }
    }

    fn push_ready(&mut self, chunk: Vec<u8>) -> Received {
        self.buffered += chunk.len();
        // Bytes of non-canonical mode join the chunk before them.
        match self.ready.back_mut() {
            Some(last) if !self.termios.lflag(ICANON) && !last.is_empty() => last.extend_from_slice(&chunk),
            _ => self.ready.push_back(chunk),
        }
        Received { wake: true, signal: None }
    }

    /// Drops every byte not yet read (a signal character, TCSETSF, TCFLSH).
    pub fn flush_input(&mut self) {
        self.editing.clear();
        self.ready.clear();
        self.buffered = 0;
    }

    /// New settings (TCSETS); a line being edited becomes readable when
    /// canonical mode ends.
    pub fn set_termios(&mut self, t: Termios) {
        let was_canonical = self.termios.lflag(ICANON);
        self.termios = t;
        if was_canonical && !t.lflag(ICANON) && !self.editing.is_empty() {
            let line = core::mem::take(&mut self.editing);
            self.push_ready(line);
        }
    }

    /// How many bytes a read of `len` waits for: a line (or an end of
    /// file) in canonical mode, VMIN bytes (at most `len`) otherwise.
    fn enough(&self, len: usize) -> bool {
        if self.termios.lflag(ICANON) {
            return !self.ready.is_empty();
        }
        self.buffered >= (self.termios.c_cc[VMIN] as usize).min(len)
    }

    /// Whether poll says readable (n_tty_poll): a line in canonical mode,
    /// else VMIN bytes and at least one.
    pub fn readable(&self) -> bool {
        match self.termios.lflag(ICANON) {
            true => !self.ready.is_empty(),
            false => self.buffered >= (self.termios.c_cc[VMIN] as usize).max(1),
        }
    }

    /// Copies finished input into `buf`: at most one line in canonical mode
    /// (`Some(0)` at an end of file). `None` while the read must wait.
    pub fn read(&mut self, buf: &mut [u8]) -> Option<usize> {
        if !self.enough(buf.len()) {
            return None;
        }
        let canonical = self.termios.lflag(ICANON);
        let mut n = 0;
        while n < buf.len() {
            let Some(chunk) = self.ready.front_mut() else { break };
            if chunk.is_empty() {
                // An end of file ends a canonical read; bytes mode skips it.
                self.ready.pop_front();
                if canonical {
                    break;
                }
                continue;
            }
            let k = (buf.len() - n).min(chunk.len());
            buf[n..n + k].copy_from_slice(&chunk[..k]);
            chunk.drain(..k);
            n += k;
            if chunk.is_empty() {
                self.ready.pop_front();
                if canonical {
                    break;
                }
            } else {
                break;
            }
        }
        self.buffered -= n;
        Some(n)
    }

    /// Output processing (OPOST): `\n` as `\r\n` with ONLCR, `\r` as `\n`
    /// with OCRNL.
    pub fn output(&self, bytes: &[u8], out: &mut Vec<u8>) {
        let t = self.termios;
        if !t.oflag(OPOST) {
            return out.extend_from_slice(bytes);
        }
        for &b in bytes {
            match b {
                b'\n' if t.oflag(ONLCR) => out.extend_from_slice(b"\r\n"),
                b'\r' if t.oflag(OCRNL) => out.push(b'\n'),
                b => out.push(b),
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Feeds `input`; (echo after output processing, signals sent).
    fn type_in(l: &mut LineDiscipline, input: &[u8]) -> (Vec<u8>, Vec<u32>) {
        let (mut echo, mut signals) = (Vec::new(), Vec::new());
        for &b in input {
            let mut e = Vec::new();
            signals.extend(l.receive(b, &mut e).signal);
            l.output(&e, &mut echo);
        }
        (echo, signals)
    }

    fn read_all(l: &mut LineDiscipline) -> Vec<Vec<u8>> {
        let mut out = Vec::new();
        let mut buf = [0u8; 64];
        while let Some(n) = l.read(&mut buf) {
            out.push(buf[..n].to_vec());
            if l.ready.is_empty() {
                break;
            }
        }
        out
    }

    #[test]
    fn canonical_lines_with_echo_erase_and_kill() {
        let mut l = LineDiscipline::default();
        let (echo, _) = type_in(&mut l, b"ab\x7fc\rxyz\x15q\n");
        assert_eq!(echo, b"ab\x08 \x08c\r\nxyz\x08 \x08\x08 \x08\x08 \x08q\r\n");
        assert_eq!(read_all(&mut l), [b"ac\n".to_vec(), b"q\n".to_vec()]);
        assert_eq!(l.read(&mut [0; 8]), None, "nothing left: the read waits");
    }

    #[test]
    fn end_of_file_ends_a_read_without_echo() {
        let mut l = LineDiscipline::default();
        let (echo, _) = type_in(&mut l, b"ab\x04\x04");
        assert_eq!(echo, b"ab");
        assert_eq!(read_all(&mut l), [b"ab".to_vec(), b"".to_vec()]);
    }

    #[test]
    fn interrupt_flushes_echoes_and_signals() {
        let mut l = LineDiscipline::default();
        let (echo, signals) = type_in(&mut l, b"done\rhalf\x03");
        assert_eq!(echo, b"done\r\nhalf^C");
        assert_eq!(signals, [SIGINT]);
        assert_eq!(l.read(&mut [0; 8]), None, "the finished line went too");
        let (_, signals) = type_in(&mut l, b"\x1c\x1a");
        assert_eq!(signals, [SIGQUIT, SIGTSTP]);
    }

    #[test]
    fn noflsh_keeps_the_input_and_no_isig_passes_the_character() {
        let mut l = LineDiscipline::default();
        l.termios.c_lflag |= NOFLSH;
        type_in(&mut l, b"kept\r\x03");
        assert_eq!(read_all(&mut l), [b"kept\n".to_vec()]);
        l.termios.c_lflag &= !ISIG;
        let (echo, signals) = type_in(&mut l, b"\x03\r");
        assert_eq!((echo.as_slice(), signals.len()), (&b"^C\r\n"[..], 0));
        assert_eq!(read_all(&mut l), [b"\x03\n".to_vec()]);
    }

    #[test]
    fn raw_mode_hands_bytes_over_as_they_come() {
        let mut l = LineDiscipline::default();
        type_in(&mut l, b"par");
        let mut t = l.termios;
        t.c_lflag &= !(ICANON | ECHO | ISIG);
        t.c_iflag &= !ICRNL;
        l.set_termios(t);
        let (echo, _) = type_in(&mut l, b"t\r\x03");
        assert!(echo.is_empty());
        assert_eq!(read_all(&mut l), [b"part\r\x03".to_vec()]);
        l.termios.c_cc[VMIN] = 0;
        assert_eq!(l.read(&mut [0; 8]), Some(0), "VMIN 0: a read does not wait");
    }

    #[test]
    fn word_erase_and_control_characters_take_two_columns() {
        let mut l = LineDiscipline::default();
        let (echo, _) = type_in(&mut l, b"one two \x17\x01\x7f\n");
        assert_eq!(echo, b"one two \x08 \x08\x08 \x08\x08 \x08\x08 \x08^A\x08 \x08\x08 \x08\r\n");
        assert_eq!(read_all(&mut l), [b"one \n".to_vec()]);
    }

    #[test]
    fn without_echoke_kill_echoes_the_character_and_a_newline() {
        let mut l = LineDiscipline::default();
        l.termios.c_lflag &= !ECHOKE;
        let (echo, _) = type_in(&mut l, b"\x15ab\x15c\r");
        assert_eq!(echo, b"ab^U\r\nc\r\n", "nothing to kill: no echo");
        assert_eq!(read_all(&mut l), [b"c\n".to_vec()]);
    }

    #[test]
    fn output_processing() {
        let l = LineDiscipline::default();
        let mut out = Vec::new();
        l.output(b"a\nb\r", &mut out);
        assert_eq!(out, b"a\r\nb\r");
        let mut raw = LineDiscipline::default();
        raw.termios.c_oflag &= !OPOST;
        out.clear();
        raw.output(b"a\n", &mut out);
        assert_eq!(out, b"a\n");
    }
}
