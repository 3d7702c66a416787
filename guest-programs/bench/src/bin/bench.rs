//! `make bench`, integer part: a sieve over 1 MiB (16 rounds) and a heapsort of
//! 128 Ki u32 (8 rounds), in U-mode under Sv39 with 4 KiB pages.
#![no_std]
#![no_main]

use bench::Setting;

#[no_mangle]
extern "C" fn main() -> u32 {
    bench::integer(Setting::User)
}
