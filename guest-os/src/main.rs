//! guest-os: the bundled kernel (README.md has the boot contract, and
//! memlayout.rs the memory map). Boot starts in boot/entry.S.
#![no_std]
#![no_main]

extern crate alloc;

mod boot;
mod console;
mod cpu;
mod drivers;
mod dtb;
mod fs;
mod memlayout;
mod mm;
mod proc;
mod rand;
mod sync;
mod syscall;
mod timer;
mod trap;
mod tty;

/// A kernel panic: the trap registers and the message, then power-off with
/// the panic status (sv39_abi::reboot::PANIC_STATUS). Never hangs.
#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    cpu::interrupts_off();
    println!(
        "[kernel] panic: {} (scause {:#x}, sepc {:#x}, stval {:#x})",
        info.message(),
        cpu::scause(),
        cpu::sepc(),
        cpu::stval()
    );
    if let Some(l) = info.location() {
        println!("[kernel]   at {}:{}", l.file(), l.line());
    }
    drivers::finisher::power_off(sv39_abi::reboot::PANIC_STATUS)
}
