//! `exitcode N`: exits with status N (0-255), so tests can check that a
//! status travels from exit through wait4 and init to the host.
#![no_std]
#![no_main]

use sv39_rt::{eprintln, Args};

sv39_rt::entry!(main);

fn main(args: Args) -> i32 {
    match args.str(1).map(str::parse::<u8>) {
        Some(Ok(n)) if args.len() == 2 => n as i32,
        _ => {
            eprintln!("usage: exitcode N   (N in 0..=255)");
            2
        }
    }
}
