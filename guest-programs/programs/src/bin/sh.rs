//! `sh`: a small shell. `sh` reads commands from standard input (with a
//! prompt on a terminal), `sh -c 'COMMANDS'` runs one line, `sh FILE` runs a
//! script.
//!
//! A line is commands joined by `;`, `&&` and `||`; a command is words:
//! blanks separate them, `'...'` quotes literally, `"..."` quotes with `$`
//! expansion, `\` escapes one character, `#` starts a comment. `$?` is the
//! last status, `$NAME` and `${NAME}` the environment. Builtins: `cd [DIR]`,
//! `pwd`, `exit [N]`. Anything else runs from `PATH` in a child process; a
//! child killed by a signal is reported, and on a terminal the prompt shows
//! a non-zero status: `[139] $ `.
//!
//! Reading commands from its controlling terminal, sh is interactive as a
//! Unix shell is: it ignores the terminal's signals but ^C, which drops
//! the line being typed, and runs each program in a process group of its
//! own, in the terminal's foreground, taking the terminal back when the
//! program ends; so ^C ends the program and not the shell.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::abi::signal::{signal_description, signal_name, SigInfo, UContext, SIGINT};
use sv39_rt::abi::wait::{shell_status, WIFSIGNALED, WTERMSIG};
use sv39_rt::io::{isatty, LineReader, STDIN};
use sv39_rt::job;
use sv39_rt::process::{self, EXIT_CANNOT_RUN, EXIT_NOT_FOUND};
use sv39_rt::{env, eprint, eprintln, fs, println, signal, sys, Args, Errno};

sv39_rt::entry!(main);

/// What joins a command to the next.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Op {
    Seq,
    And,
    Or,
}

/// One command's words and the operator after it.
type Command = (Vec<Vec<u8>>, Op);

struct Shell {
    /// The status of the last command, `$?`.
    status: i32,
    /// Set by `exit`.
    exit: Option<i32>,
    /// The controlling terminal's fd when interactive: programs run in
    /// its foreground.
    terminal: Option<i32>,
}

fn lossy(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// Splits a line into commands and words, expanding `$` as it goes.
struct Lexer<'a> {
    s: &'a [u8],
    i: usize,
    status: i32,
    done: bool,
}

impl Lexer<'_> {
    fn peek(&self) -> Option<u8> {
        self.s.get(self.i).copied()
    }

    /// The next command's words and the operator after it (`None` at the
    /// end of the line), expanding `$?` as `status`.
    fn command(&mut self, status: i32) -> Result<Option<Command>, String> {
        self.status = status;
        let (mut words, mut word, mut in_word) = (Vec::new(), Vec::new(), false);
        if self.done {
            return Ok(None);
        }
        while let Some(c) = self.peek() {
            let op = match (c, self.s.get(self.i + 1)) {
                (b';', _) => Some((Op::Seq, 1)),
                (b'&', Some(b'&')) => Some((Op::And, 2)),
                (b'|', Some(b'|')) => Some((Op::Or, 2)),
                _ => None,
            };
            if c == b' ' || c == b'\t' || op.is_some() || (c == b'#' && !in_word) {
                if in_word {
                    words.push(core::mem::take(&mut word));
                    in_word = false;
                }
                match op {
                    Some((op, len)) => {
                        self.i += len;
                        return Ok(Some((words, op)));
                    }
                    None if c == b'#' => break,
                    None => self.i += 1,
                }
                continue;
            }
            in_word |= self.word_part(&mut word)?;
        }
        if in_word {
            words.push(word);
        }
        self.done = true;
        Ok(Some((words, Op::Seq)))
    }

    /// Appends the next piece of a word; returns whether it makes a word
    /// even if empty (quotes do, an empty `$VAR` does not).
    fn word_part(&mut self, word: &mut Vec<u8>) -> Result<bool, String> {
        let c = self.s[self.i];
        self.i += 1;
        match c {
            b'\'' => {
                let len = self.s[self.i..].iter().position(|&b| b == b'\'').ok_or("unterminated '")?;
                word.extend_from_slice(&self.s[self.i..self.i + len]);
                self.i += len + 1;
                Ok(true)
            }
            b'"' => {
                self.double_quoted(word)?;
                Ok(true)
            }
            b'\\' => {
                word.extend(self.peek());
                self.i += 1;
                Ok(true)
            }
            b'$' => {
                let before = word.len();
                self.dollar(word);
                Ok(word.len() > before)
            }
            _ => {
                word.push(c);
                Ok(true)
            }
        }
    }

    fn double_quoted(&mut self, word: &mut Vec<u8>) -> Result<(), String> {
        loop {
            let c = self.peek().ok_or("unterminated \"")?;
            self.i += 1;
            match c {
                b'"' => return Ok(()),
                b'\\' if matches!(self.peek(), Some(b'"' | b'\\' | b'$')) => {
                    word.extend(self.peek());
                    self.i += 1;
                }
                b'$' => self.dollar(word),
                _ => word.push(c),
            }
        }
    }

    /// Expands `$?`, `$NAME` or `${NAME}` (the `$` is already read).
    fn dollar(&mut self, word: &mut Vec<u8>) {
        if self.peek() == Some(b'?') {
            self.i += 1;
            word.extend_from_slice(alloc::format!("{}", self.status).as_bytes());
            return;
        }
        let braced = self.peek() == Some(b'{');
        let start = self.i + braced as usize;
        let len = self.s[start..].iter().take_while(|b| b.is_ascii_alphanumeric() || **b == b'_').count();
        if len == 0 || (braced && self.s.get(start + len) != Some(&b'}')) {
            word.push(b'$');
            return;
        }
        let name = core::str::from_utf8(&self.s[start..start + len]).unwrap_or("");
        word.extend_from_slice(env::var(name).map_or(&[][..], |v| v.to_bytes()));
        self.i = start + len + braced as usize;
    }
}

impl Shell {
    /// Runs one line of commands.
    fn run_line(&mut self, line: &[u8]) {
        let mut lexer = Lexer { s: line, i: 0, status: 0, done: false };
        let mut skip = false;
        loop {
            let (words, op) = match lexer.command(self.status) {
                Ok(Some(c)) => c,
                Ok(None) => return,
                Err(e) => {
                    eprintln!("sh: syntax error: {e}");
                    self.status = 2;
                    return;
                }
            };
            if !skip && !words.is_empty() {
                self.status = self.run(&words);
            }
            if self.exit.is_some() {
                return;
            }
            skip = match op {
                Op::Seq => false,
                Op::And => self.status != 0,
                Op::Or => self.status == 0,
            };
        }
    }

    /// Runs a builtin or a program; returns its status.
    fn run(&mut self, words: &[Vec<u8>]) -> i32 {
        match words[0].as_slice() {
            b"cd" => cd(words.get(1).map(Vec::as_slice)),
            b"pwd" => pwd(),
            b"exit" => {
                let code = words.get(1).map(|w| core::str::from_utf8(w).ok().and_then(|s| s.parse::<i32>().ok()));
                let code = code.unwrap_or(Some(self.status)).unwrap_or(2);
                self.exit = Some(code & 0xff);
                code & 0xff
            }
            _ => external(words, self.terminal),
        }
    }

    /// Runs every line from `fd`.
    fn run_fd(&mut self, fd: i32, prompt: bool) {
        let mut lines = LineReader::new(fd);
        while self.exit.is_none() {
            if prompt {
                match self.status {
                    0 => eprint!("$ "),
                    s => eprint!("[{s}] $ "),
                }
            }
            match lines.read_line() {
                Ok(Some(line)) => self.run_line(&line),
                Ok(None) => break,
                // ^C at the prompt (the handler of `start_job_control`): the
                // line is dropped and a new prompt shows the status, 130.
                Err(Errno::EINTR) if self.terminal.is_some() => {
                    lines.discard();
                    eprintln!();
                    self.status = 128 + SIGINT as i32;
                }
                Err(Errno::EINTR) => {}
                Err(e) => {
                    eprintln!("sh: read: {e}");
                    self.status = 2;
                    break;
                }
            }
        }
        if prompt && self.exit.is_none() {
            eprintln!();
        }
    }
}

fn cd(dir: Option<&[u8]>) -> i32 {
    let home = env::var("HOME").map_or(&b"/"[..], |h| h.to_bytes());
    let dir = dir.unwrap_or(home);
    match fs::cstring(dir).and_then(|d| sys::chdir(&d)) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("sh: cd: {}: {e}", lossy(dir));
            1
        }
    }
}

fn pwd() -> i32 {
    let mut buf = [0u8; 4096];
    match sys::getcwd(&mut buf) {
        Ok(n) => {
            println!("{}", lossy(&buf[..n.saturating_sub(1)]));
            0
        }
        Err(e) => {
            eprintln!("sh: pwd: {e}");
            1
        }
    }
}

/// Runs a program and waits for it; on `terminal`, in a foreground
/// process group of its own.
fn external(words: &[Vec<u8>], terminal: Option<i32>) -> i32 {
    let argv: Vec<&[u8]> = words.iter().map(Vec::as_slice).collect();
    let spawned = match terminal {
        Some(fd) => process::spawn_with(&argv, || {
            job::enter_foreground(fd)?;
            job::default_terminal_signals()
        }),
        None => process::spawn(&argv),
    };
    let pid = match spawned {
        Ok(pid) => pid,
        Err(Errno::ENOENT) => {
            eprintln!("sh: {}: not found", lossy(argv[0]));
            return EXIT_NOT_FOUND;
        }
        Err(e) => {
            eprintln!("sh: {}: {e}", lossy(argv[0]));
            return EXIT_CANNOT_RUN;
        }
    };
    if terminal.is_some() {
        // As the child does: the group exists whichever runs first.
        let _ = sys::setpgid(pid, pid);
    }
    let waited = process::wait(pid);
    if let Some(fd) = terminal {
        if let Err(e) = job::reclaim_terminal(fd) {
            eprintln!("sh: tcsetpgrp: {e}");
        }
    }
    match waited {
        Ok((_, status)) => {
            if WIFSIGNALED(status) {
                let sig = WTERMSIG(status);
                let name = signal_name(sig).unwrap_or("?");
                eprintln!("sh: {}: {} ({name})", lossy(argv[0]), signal_description(sig).unwrap_or("killed"));
            }
            shell_status(status)
        }
        Err(e) => {
            eprintln!("sh: wait4: {e}");
            EXIT_CANNOT_RUN
        }
    }
}

/// SIGINT's handler in an interactive sh: it only makes the read of the
/// prompt's line return EINTR.
extern "C" fn on_interrupt(_sig: i32, _info: &SigInfo, _ctx: &mut UContext) {}

/// Makes sh interactive on its controlling terminal at `fd`: its own
/// process group in the foreground, the terminal's signals ignored but
/// SIGINT, which interrupts the line being typed.
fn start_job_control(fd: i32) -> Option<i32> {
    if !job::controls(fd) {
        return None;
    }
    // EPERM if sh leads its session, whose group it already leads.
    let _ = sys::setpgid(0, 0);
    job::reclaim_terminal(fd).ok()?;
    job::ignore_terminal_signals().ok()?;
    // SAFETY: the handler does nothing. No SA_RESTART: the read is interrupted.
    unsafe { signal::on_signal(SIGINT, on_interrupt, 0) }.ok()?;
    Some(fd)
}

fn main(args: Args) -> i32 {
    let mut sh = Shell { status: 0, exit: None, terminal: None };
    match (args.get(1).map(|a| a.to_bytes()), args.get(2)) {
        (Some(b"-c"), Some(cmd)) => sh.run_line(cmd.to_bytes()),
        (Some(b"-c"), None) => {
            eprintln!("sh: -c: option requires an argument");
            return 2;
        }
        (Some(script), _) => match fs::Fd::open(script, sv39_rt::abi::fcntl::O_RDONLY, 0) {
            Ok(f) => sh.run_fd(f.raw(), false),
            Err(e) => {
                eprintln!("sh: {}: {e}", lossy(script));
                return EXIT_NOT_FOUND;
            }
        },
        (None, _) => {
            let interactive = isatty(STDIN);
            sh.terminal = if interactive { start_job_control(STDIN) } else { None };
            sh.run_fd(STDIN, interactive)
        }
    }
    sh.exit.unwrap_or(sh.status)
}
