//! `make bench`, integer part in M-mode without paging: `bench`'s work on
//! the data region at its physical address.
#![no_std]
#![no_main]

use bench::{run, work, Setting, INTEGER};

#[no_mangle]
extern "C" fn main() -> u32 {
    bare::println!(
        "bench: sieve < {} x{}, heapsort {} u32 x{}",
        work::SIEVE_N,
        work::SIEVE_ROUNDS,
        work::SORT_LEN,
        work::SORT_ROUNDS
    );
    run(&INTEGER, Setting::Machine)
}
