//! The initial stack of a new program, laid out as Linux lays it out
//! (fs/binfmt_elf.c, `create_elf_tables`), from the top down:
//!
//! ```text
//!   top ->  execfn string (AT_EXECFN points here)
//!           envp strings, argv strings
//!           16 random bytes (AT_RANDOM)
//!           padding to 16 bytes
//!           auxv pairs ... AT_NULL, 0
//!           envp[0] ... NULL
//!           argv[0] ... NULL
//!   sp  ->  argc                       (sp is 16-byte aligned)
//! ```

use alloc::vec;
use alloc::vec::Vec;
use sv39_abi::auxv;

/// The stack image: `bytes` belong at `[sp, top)`.
#[derive(Debug)]
pub struct InitialStack {
    pub bytes: Vec<u8>,
    pub sp: u64,
    pub argc: u64,
    pub argv: u64,
    pub envp: u64,
}

/// The strings and vectors do not fit in `limit` bytes (E2BIG).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct TooBig;

/// What goes on a new program's stack.
pub struct StackArgs<'a> {
    pub argv: &'a [&'a [u8]],
    pub envp: &'a [&'a [u8]],
    /// The path given to execve (AT_EXECFN).
    pub execfn: &'a [u8],
    /// Auxiliary entries other than AT_RANDOM, AT_EXECFN and AT_NULL.
    pub auxv: &'a [(u64, u64)],
    pub random: [u8; 16],
}

/// Lays out `args` below `top` in at most `limit` bytes.
pub fn build(top: u64, args: &StackArgs, limit: usize) -> Result<InitialStack, TooBig> {
    let strings: usize = args.argv.iter().chain(args.envp).map(|s| s.len() + 1).sum::<usize>() + args.execfn.len() + 1;
    let vector_words = 1 + args.argv.len() + 1 + args.envp.len() + 1 + 2 * (args.auxv.len() + 3);
    let need = strings + 16 + 16 + vector_words * 8;
    if need > limit {
        return Err(TooBig);
    }
    let sp = (top - need as u64) & !15;
    let mut image = Image { bytes: vec![0; (top - sp) as usize], base: sp, cursor: top };
    let execfn = image.push_str(args.execfn);
    let envp: Vec<u64> = args.envp.iter().map(|s| image.push_str(s)).collect();
    let argv: Vec<u64> = args.argv.iter().map(|s| image.push_str(s)).collect();
    let random = image.push_bytes(&args.random);
    let mut words: Vec<u64> = Vec::with_capacity(vector_words);
    words.push(args.argv.len() as u64);
    words.extend(&argv);
    words.push(0);
    words.extend(&envp);
    words.push(0);
    for &(key, value) in
        args.auxv.iter().chain(&[(auxv::AT_RANDOM, random), (auxv::AT_EXECFN, execfn), (auxv::AT_NULL, 0)])
    {
        words.push(key);
        words.push(value);
    }
    image.put_words(sp, &words);
    let argv_at = sp + 8;
    Ok(InitialStack {
        bytes: image.bytes,
        sp,
        argc: args.argv.len() as u64,
        argv: argv_at,
        envp: argv_at + 8 * (argv.len() as u64 + 1),
    })
}

/// Bytes being filled from the top down.
struct Image {
    bytes: Vec<u8>,
    base: u64,
    cursor: u64,
}

impl Image {
    fn push_bytes(&mut self, data: &[u8]) -> u64 {
        self.cursor -= data.len() as u64;
        let at = (self.cursor - self.base) as usize;
        self.bytes[at..at + data.len()].copy_from_slice(data);
        self.cursor
    }

    /// Pushes `s` and its NUL; returns its address.
    fn push_str(&mut self, s: &[u8]) -> u64 {
        self.push_bytes(&[0]);
        self.push_bytes(s)
    }

    fn put_words(&mut self, at: u64, words: &[u64]) {
        let mut i = (at - self.base) as usize;
        for w in words {
            self.bytes[i..i + 8].copy_from_slice(&w.to_le_bytes());
            i += 8;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn word(s: &InitialStack, va: u64) -> u64 {
        let i = (va - s.sp) as usize;
        u64::from_le_bytes(s.bytes[i..i + 8].try_into().unwrap())
    }

    fn cstr(s: &InitialStack, va: u64) -> &[u8] {
        let i = (va - s.sp) as usize;
        let len = s.bytes[i..].iter().position(|&b| b == 0).unwrap();
        &s.bytes[i..i + len]
    }

    #[test]
    fn linux_layout() {
        let top = 0x3f_ffff_f000;
        let args = StackArgs {
            argv: &[b"echo", b"hi there"],
            envp: &[b"PATH=/bin"],
            execfn: b"/bin/echo",
            auxv: &[(auxv::AT_PAGESZ, 4096), (auxv::AT_ENTRY, 0x10078)],
            random: [7; 16],
        };
        let s = build(top, &args, 4096).unwrap();
        assert_eq!(s.sp % 16, 0);
        assert_eq!(s.sp + s.bytes.len() as u64, top);
        assert_eq!(word(&s, s.sp), 2, "argc");
        assert_eq!(cstr(&s, word(&s, s.sp + 8)), b"echo");
        assert_eq!(cstr(&s, word(&s, s.sp + 16)), b"hi there");
        assert_eq!(word(&s, s.sp + 24), 0, "argv NULL");
        assert_eq!(s.envp, s.sp + 32);
        assert_eq!(cstr(&s, word(&s, s.envp)), b"PATH=/bin");
        assert_eq!(word(&s, s.envp + 8), 0, "envp NULL");
        let aux = s.envp + 16;
        let pairs: Vec<(u64, u64)> = (0..5).map(|i| (word(&s, aux + 16 * i), word(&s, aux + 16 * i + 8))).collect();
        assert_eq!(pairs[0], (auxv::AT_PAGESZ, 4096));
        assert_eq!(pairs[2].0, auxv::AT_RANDOM);
        let r = (pairs[2].1 - s.sp) as usize;
        assert_eq!(&s.bytes[r..r + 16], &[7; 16]);
        assert_eq!(pairs[3].0, auxv::AT_EXECFN);
        assert_eq!(cstr(&s, pairs[3].1), b"/bin/echo");
        assert_eq!(pairs[4], (auxv::AT_NULL, 0));
    }

    #[test]
    fn too_big_is_refused() {
        let big = vec![b'x'; 5000];
        let args = StackArgs { argv: &[&big], envp: &[], execfn: b"x", auxv: &[], random: [0; 16] };
        assert_eq!(build(0x10_0000, &args, 4096).unwrap_err(), TooBig);
    }
}
