//! `cat [FILE...]`: copies each file (standard input for none or `-`) to
//! standard output.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::fs::Fd;
use sv39_rt::io::{write_all, STDIN, STDOUT};
use sv39_rt::{abi::fcntl::O_RDONLY, eprintln, sys, Args, Errno};

sv39_rt::entry!(main);

/// Copies `fd` to standard output until end of file.
fn copy(fd: i32) -> Result<(), Errno> {
    let mut buf = [0u8; 4096];
    loop {
        match sys::read(fd, &mut buf) {
            Ok(0) => return Ok(()),
            Ok(n) => write_all(STDOUT, &buf[..n])?,
            Err(Errno::EINTR) => {}
            Err(e) => return Err(e),
        }
    }
}

fn cat(name: &[u8]) -> Result<(), Errno> {
    if name == b"-" {
        return copy(STDIN);
    }
    copy(Fd::open(name, O_RDONLY, 0)?.raw())
}

fn main(args: Args) -> i32 {
    let mut names: Vec<&[u8]> = args.iter().skip(1).map(|a| a.to_bytes()).collect();
    if names.is_empty() {
        names.push(b"-");
    }
    let mut status = 0;
    for name in names {
        if let Err(e) = cat(name) {
            eprintln!("cat: {}: {e}", String::from_utf8_lossy(name));
            status = 1;
        }
    }
    status
}
