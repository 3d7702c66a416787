//! Prints a greeting: the smallest program there is.
#![no_std]
#![no_main]

use sv39_rt::{println, Args};

sv39_rt::entry!(main);

fn main(_args: Args) -> i32 {
    println!("Hello, world!");
    0
}
