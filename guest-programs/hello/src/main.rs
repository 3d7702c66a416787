#![no_std]
#![no_main]
use bare::println;

#[no_mangle]
extern "C" fn main() -> u32 {
    println!("hello from bare metal");
    0
}
