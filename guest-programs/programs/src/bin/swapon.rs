//! `swapon [-p PRIORITY] DEVICE...`, `swapon --off DEVICE...` (swapoff) and
//! `swapon -s` (the areas, from /proc/swaps), as util-linux's: swap on a
//! `mkswap`ed block device through the swapon(2)/swapoff(2) calls.
#![no_std]
#![no_main]

use sv39_rt::fs::{self, cstring};
use sv39_rt::io::{write_all, STDOUT};
use sv39_rt::{eprintln, sys, Args};

sv39_rt::entry!(main);

/// swapon(2)'s flag for a chosen priority (linux/swap.h).
const SWAP_FLAG_PREFER: u32 = 0x8000;
const SWAP_FLAG_PRIO_MASK: u32 = 0x7fff;

fn main(args: Args) -> i32 {
    match args.str(1) {
        Some("-s") => show(),
        Some("--off") => each(&args, 2, |path| sys::swapoff(path)),
        Some("-p") => match args.str(2).and_then(|p| p.parse::<u32>().ok()).filter(|p| *p <= SWAP_FLAG_PRIO_MASK) {
            Some(prio) => each(&args, 3, |path| sys::swapon(path, SWAP_FLAG_PREFER | prio)),
            None => usage(),
        },
        Some(_) => each(&args, 1, |path| sys::swapon(path, 0)),
        None => usage(),
    }
}

fn usage() -> i32 {
    eprintln!("usage: swapon [-p PRIORITY] DEVICE... | swapon --off DEVICE... | swapon -s");
    2
}

/// Calls `call` on each argument from `first`; 0 when all succeeded.
fn each(args: &Args, first: usize, call: impl Fn(&core::ffi::CStr) -> Result<usize, sv39_rt::Errno>) -> i32 {
    if first >= args.len() {
        return usage();
    }
    let mut status = 0;
    for a in args.iter().skip(first) {
        let name = core::str::from_utf8(a.to_bytes()).unwrap_or("?");
        let result = cstring(a.to_bytes()).and_then(|path| call(&path));
        if let Err(e) = result {
            eprintln!("swapon: {name}: {}", e.description());
            status = 1;
        }
    }
    status
}

fn show() -> i32 {
    match fs::read_file(b"/proc/swaps").and_then(|t| write_all(STDOUT, &t)) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("swapon: /proc/swaps: {}", e.description());
            1
        }
    }
}
