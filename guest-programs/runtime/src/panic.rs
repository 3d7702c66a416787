//! The panic handler: prints the message as Rust's std does and exits with
//! 101, std's status for a panic.

use core::panic::PanicInfo;

/// The status a panicking program exits with.
pub const PANIC_EXIT: i32 = 101;

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    match info.location() {
        Some(l) => {
            crate::eprintln!("thread 'main' panicked at {}:{}:{}:\n{}", l.file(), l.line(), l.column(), info.message())
        }
        None => crate::eprintln!("thread 'main' panicked:\n{}", info.message()),
    }
    crate::sys::exit_group(PANIC_EXIT)
}
