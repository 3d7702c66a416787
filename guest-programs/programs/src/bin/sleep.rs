//! `sleep SECONDS`: waits that long (a whole or decimal number, as
//! coreutils' sleep takes it), then exits with 0.
#![no_std]
#![no_main]

use sv39_rt::abi::time::Timespec;
use sv39_rt::{eprintln, sys, Args};

sv39_rt::entry!(main);

/// `S` or `S.F` as a time span.
fn parse(s: &str) -> Option<Timespec> {
    let (whole, frac) = s.split_once('.').unwrap_or((s, ""));
    let digits = |d: &str| d.bytes().all(|b| b.is_ascii_digit());
    if (whole.is_empty() && frac.is_empty()) || !digits(whole) || !digits(frac) {
        return None;
    }
    let tv_sec = if whole.is_empty() { 0 } else { whole.parse().ok()? };
    let nanos = frac.bytes().chain(core::iter::repeat(b'0')).take(9).fold(0i64, |n, b| n * 10 + (b - b'0') as i64);
    Some(Timespec { tv_sec, tv_nsec: nanos })
}

fn main(args: Args) -> i32 {
    let Some(t) = args.str(1).and_then(parse).filter(|_| args.len() == 2) else {
        eprintln!("usage: sleep SECONDS");
        return 1;
    };
    match sys::nanosleep(&t) {
        Ok(_) => 0,
        Err(e) => {
            eprintln!("sleep: {e}");
            1
        }
    }
}
