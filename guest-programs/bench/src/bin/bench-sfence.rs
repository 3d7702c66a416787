//! `make bench`, integer part with an `sfence.vma` per round: `bench`'s work,
//! one U-mode entry per round, M-mode flushing every translation after each.
#![no_std]
#![no_main]

use bench::Setting;

#[no_mangle]
extern "C" fn main() -> u32 {
    bench::integer(Setting::UserSfencePerRound)
}
