//! `hog [MAX_MIB]`: takes memory a MiB at a time (mmap, or brk without it)
//! and writes to every page, until the kernel says ENOMEM or kills it, or
//! MAX_MIB is reached. Exits 0 on ENOMEM or at the limit: the kernel must
//! refuse or kill, never hang or fall over.
#![no_std]
#![no_main]

use sv39_rt::heap::{HEAP, PAGE};
use sv39_rt::{eprintln, println, Args, Errno};

sv39_rt::entry!(main);

const MIB: usize = 1 << 20;

/// Writes one byte in every page of [addr, addr + len).
fn touch(addr: usize, len: usize) {
    for page in (addr..addr + len).step_by(PAGE) {
        // SAFETY: the range was just obtained from the kernel for us alone.
        unsafe { core::ptr::write_volatile(page as *mut u8, 0xa5) };
    }
}

fn main(args: Args) -> i32 {
    let limit = match args.str(1).map(str::parse::<usize>) {
        None => usize::MAX,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: hog [MAX_MIB]");
            return 2;
        }
    };
    let mut mib = 0;
    while mib < limit {
        match HEAP.pages(MIB) {
            Ok(addr) => touch(addr, MIB),
            Err(Errno::ENOMEM) => {
                println!("hog: ENOMEM after {mib} MiB");
                return 0;
            }
            Err(e) => {
                eprintln!("hog: unexpected {e:?} after {mib} MiB");
                return 1;
            }
        }
        mib += 1;
    }
    println!("hog: stopped at the limit of {mib} MiB");
    0
}
