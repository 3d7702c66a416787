//! `make bench`, integer part with an `sfence.vma` per round: `bench`'s work,
//! one U-mode entry per round, M-mode flushing every translation after each.
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
    run(&INTEGER, Setting::UserSfencePerRound)
}
