//! `echo [-n] [ARG...]`: prints its arguments separated by blanks, then a
//! newline unless `-n` comes first.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::vec::Vec;
use sv39_rt::io::{write_all, STDOUT};
use sv39_rt::{eprintln, Args};

sv39_rt::entry!(main);

fn main(args: Args) -> i32 {
    let newline = args.get(1).map(|a| a.to_bytes()) != Some(b"-n");
    let first = if newline { 1 } else { 2 };
    let mut out: Vec<u8> = Vec::new();
    for (i, a) in args.iter().skip(first).enumerate() {
        if i > 0 {
            out.push(b' ');
        }
        out.extend_from_slice(a.to_bytes());
    }
    if newline {
        out.push(b'\n');
    }
    match write_all(STDOUT, &out) {
        Ok(()) => 0,
        Err(e) => {
            eprintln!("echo: write error: {e}");
            1
        }
    }
}
