//! `segv`: loads from address 0, which nothing maps; the kernel must kill it
//! with SIGSEGV (status 139 to a shell). Surviving the load is a failure.
#![no_std]
#![no_main]

use sv39_rt::{eprintln, Args};

sv39_rt::entry!(main);

fn main(_args: Args) -> i32 {
    let value: u64;
    // SAFETY: deliberately not safe: the load faults and the process dies.
    // Written in assembly so the compiler cannot reason about the null pointer.
    unsafe { core::arch::asm!("ld {0}, 0(zero)", out(reg) value) };
    eprintln!("segv: the load from address 0 returned {value:#x} instead of faulting");
    1
}
