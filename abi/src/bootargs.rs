//! The kernel command line (`/chosen/bootargs`) as `sv39 run` writes it and
//! the sv39 kernel reads it, and the paths of the boot (init, shell, /bin).
//!
//! # Format
//!
//! `[PARAM ...] [-- ARG ...]`, words separated by blanks, as Linux's own
//! command line: everything after a lone `--` is handed to init as its
//! arguments. A word may hold blanks, quotes and backslashes inside double
//! quotes, with `\"` and `\\` for a quote and a backslash ([`quote`] writes
//! such a word; [`Word::bytes`] reads it back).
//!
//! The kernel's options are [`KERNEL_OPTIONS`]: `init=PATH` (default
//! [`INIT_PATH`]), `verbose` (print the boot log), `nosstc` (time through the
//! CLINT even with Sstc), `norandmaps` (no ASLR, issue 4). Without a `--`,
//! every word that is not a kernel option goes to init, as in Linux.
//!
//! # Starting the program
//!
//! The kernel execs init as pid 1 with `argv = ["init", ARG...]`,
//! `envp = INIT_ENVP`, fds 0-2 open on /dev/console and cwd `/`. init runs
//! `ARG...` as a command (a first word without `/` is looked up in
//! [`BIN_DIR`]), or [`SHELL_PATH`] when there is none, reaps orphans, and
//! powers off with the command's status ([`crate::reboot`]). So
//! `sv39 run ls -l /bin` boots with `-- /bin/ls -l /bin`.

/// The program the kernel runs as pid 1 unless `init=` says otherwise.
pub const INIT_PATH: &str = "/bin/init";
/// What init runs when the command line names no program.
pub const SHELL_PATH: &str = "/bin/sh";
/// Where the bundled programs live, and where a bare name is looked up.
pub const BIN_DIR: &str = "/bin";
/// init's environment.
pub const INIT_ENVP: &[&str] = &["HOME=/", "PATH=/bin", "TERM=vt100"];
/// The parameters the sv39 kernel takes; `init` takes a value.
pub const KERNEL_OPTIONS: &[&str] = &["init", "verbose", "nosstc", "norandmaps"];
/// The search path init and sh use when the environment has no `PATH`.
pub const DEFAULT_PATH: &str = "/bin";

/// The words of a command line, as written (quotes and escapes kept).
#[derive(Clone)]
pub struct Words<'a> {
    rest: &'a [u8],
}

/// One word of a command line.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Word<'a> {
    raw: &'a [u8],
}

fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r')
}

/// The words of `text`.
pub fn words(text: &str) -> Words<'_> {
    Words { rest: text.as_bytes() }
}

impl<'a> Iterator for Words<'a> {
    type Item = Word<'a>;

    fn next(&mut self) -> Option<Word<'a>> {
        let start = self.rest.iter().position(|&b| !is_blank(b))?;
        let s = &self.rest[start..];
        let (mut i, mut quoted) = (0, false);
        while i < s.len() && (quoted || !is_blank(s[i])) {
            match s[i] {
                b'\\' => i += 1,
                b'"' => quoted = !quoted,
                _ => {}
            }
            i += 1;
        }
        let end = i.min(s.len());
        self.rest = &s[end..];
        Some(Word { raw: &s[..end] })
    }
}

impl<'a> Word<'a> {
    /// The word as written.
    pub fn raw(&self) -> &'a [u8] {
        self.raw
    }

    /// The word's bytes with quotes and escapes removed.
    pub fn bytes(&self) -> Unquote<'a> {
        Unquote { raw: self.raw }
    }

    /// Whether the word is exactly `s` (after unquoting).
    pub fn is(&self, s: &str) -> bool {
        self.bytes().eq(s.bytes())
    }
}

/// The bytes of a [`Word`], unquoted.
#[derive(Clone)]
pub struct Unquote<'a> {
    raw: &'a [u8],
}

impl Iterator for Unquote<'_> {
    type Item = u8;

    fn next(&mut self) -> Option<u8> {
        loop {
            let (&b, rest) = self.raw.split_first()?;
            self.raw = rest;
            match b {
                b'"' => continue,
                b'\\' => {
                    let (&e, rest) = self.raw.split_first()?;
                    self.raw = rest;
                    return Some(e);
                }
                _ => return Some(b),
            }
        }
    }
}

/// The kernel's part of the command line: the words before a lone `--`.
pub fn kernel_params(cmdline: &str) -> impl Iterator<Item = Word<'_>> {
    words(cmdline).take_while(|w| w.raw != b"--")
}

/// Whether `w` is one of [`KERNEL_OPTIONS`], alone or as `key=value`.
fn is_kernel_option(w: &Word) -> bool {
    KERNEL_OPTIONS.iter().any(|k| w.raw.strip_prefix(k.as_bytes()).is_some_and(|r| r.is_empty() || r[0] == b'='))
}

/// init's arguments: the words after the first lone `--`, or without one,
/// every word that is not a kernel option.
pub fn init_args(cmdline: &str) -> impl Iterator<Item = Word<'_>> {
    let separated = words(cmdline).any(|w| w.raw == b"--");
    let mut it = words(cmdline);
    if separated {
        it.by_ref().find(|w| w.raw == b"--");
    }
    it.filter(move |w| separated || !is_kernel_option(w))
}

/// The value of kernel parameter `key=value`; the last one counts, as in
/// Linux, which also takes the word quoted whole (`"key=a b"`, as `quote`
/// writes it).
pub fn param<'a>(cmdline: &'a str, key: &str) -> Option<Word<'a>> {
    kernel_params(cmdline)
        .filter_map(|w| {
            let raw = w.raw.strip_prefix(b"\"").unwrap_or(w.raw);
            let v = raw.strip_prefix(key.as_bytes())?.strip_prefix(b"=")?;
            Some(Word { raw: v })
        })
        .last()
}

/// Whether the kernel parameter `key` is given alone (`norandmaps`).
pub fn flag(cmdline: &str, key: &str) -> bool {
    kernel_params(cmdline).any(|w| w.raw == key.as_bytes())
}

/// Writes `arg` as one word: as is when it is plain, else in double quotes
/// with `"` and `\` escaped.
pub fn quote(arg: &[u8], out: &mut impl FnMut(u8)) {
    let plain = !arg.is_empty() && arg != b"--" && !arg.iter().any(|&b| is_blank(b) || b == b'"' || b == b'\\');
    if plain {
        arg.iter().for_each(|&b| out(b));
        return;
    }
    out(b'"');
    for &b in arg {
        if b == b'"' || b == b'\\' {
            out(b'\\');
        }
        out(b);
    }
    out(b'"');
}

#[cfg(test)]
mod tests {
    use super::*;

    fn unquoted(w: Word) -> String {
        String::from_utf8(w.bytes().collect()).unwrap()
    }

    fn quoted(arg: &str) -> String {
        let mut v = Vec::new();
        quote(arg.as_bytes(), &mut |b| v.push(b));
        String::from_utf8(v).unwrap()
    }

    #[test]
    fn splits_params_and_init_args() {
        let line = "console=ttyS0 init=/bin/init norandmaps -- /bin/ls -l \"/my dir\"";
        let k: Vec<_> = kernel_params(line).map(unquoted).collect();
        assert_eq!(k, ["console=ttyS0", "init=/bin/init", "norandmaps"]);
        let a: Vec<_> = init_args(line).map(unquoted).collect();
        assert_eq!(a, ["/bin/ls", "-l", "/my dir"]);
        assert_eq!(param(line, "init").map(unquoted).as_deref(), Some("/bin/init"));
        assert_eq!(param(line, "console").map(unquoted).as_deref(), Some("ttyS0"));
        let quoted_line = format!("{} cwd=\"/x y\" --", quoted("init=/my dir/in\"it"));
        assert_eq!(param(&quoted_line, "init").map(unquoted).as_deref(), Some("/my dir/in\"it"), "quoted whole");
        assert_eq!(param(&quoted_line, "cwd").map(unquoted).as_deref(), Some("/x y"), "the value quoted");
        assert!(flag(line, "norandmaps") && !flag(line, "init") && param(line, "ls").is_none());
    }

    #[test]
    fn without_separator_init_gets_the_unknown_words() {
        let line = "verbose /bin/echo init=/bin/init hi nosstc";
        assert_eq!(init_args(line).map(unquoted).collect::<Vec<_>>(), ["/bin/echo", "hi"]);
        assert_eq!(init_args("initial").map(unquoted).collect::<Vec<_>>(), ["initial"]);
        assert_eq!(init_args("").count(), 0);
        assert_eq!(init_args("--").count(), 0);
        assert_eq!(kernel_params("-- a --").count(), 0);
        assert_eq!(init_args("a -- b -- c").map(unquoted).collect::<Vec<_>>(), ["b", "--", "c"]);
        assert!(!flag("-- norandmaps", "norandmaps"), "init's arguments are not parameters");
    }

    #[test]
    fn last_param_wins() {
        assert_eq!(param("init=/a init=/b", "init").map(unquoted).as_deref(), Some("/b"));
        assert_eq!(param("init=\"/my init\"", "init").map(unquoted).as_deref(), Some("/my init"));
    }

    #[test]
    fn quoting_round_trips() {
        let args = ["plain", "two words", "", "--", "say \"hi\"", "back\\slash", "tab\there", "ünï"];
        let mut line = String::from("-- ");
        for a in args {
            line += &quoted(a);
            line.push(' ');
        }
        let back: Vec<_> = init_args(&line).map(unquoted).collect();
        assert_eq!(back, args);
        assert_eq!(quoted("plain"), "plain");
        assert_eq!(quoted("a b"), "\"a b\"");
        assert_eq!(quoted(""), "\"\"");
    }

    #[test]
    fn word_is() {
        let w = words("\"--\"").next().unwrap();
        assert!(w.is("--"));
        let args: Vec<_> = init_args("\"--\" x").map(unquoted).collect();
        assert_eq!(args, ["--", "x"], "a quoted -- is an ordinary word");
    }
}
