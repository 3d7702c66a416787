//! `make bench`, memory part: fills 256 MiB mapped with 4 KiB pages, then reads
//! it at random, so nearly every read walks the page table.
#![no_std]
#![no_main]

use bench::{run, work, Setting, MEMORY};

#[no_mangle]
extern "C" fn main() -> u32 {
    bare::println!("bench-memory: {} random reads over {} MiB", work::READS, work::DATA_SIZE >> 20);
    run(&MEMORY, Setting::User)
}
