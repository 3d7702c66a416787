//! `make bench`, integer part in M-mode without paging: `bench`'s work on
//! the data region at its physical address.
#![no_std]
#![no_main]

use bench::Setting;

#[no_mangle]
extern "C" fn main() -> u32 {
    bench::integer(Setting::Machine)
}
