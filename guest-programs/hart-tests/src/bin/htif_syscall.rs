//! HTIF, as riscv-tests and their benchmarks use it (sv39 only: QEMU's virt
//! board has no HTIF host): console characters through device 1 command 1,
//! and a `write` system call block through device 0, answered in `fromhost`.
#![no_std]
#![no_main]

use bare::{fromhost, tohost};
use core::ptr::{addr_of_mut, read_volatile, write_volatile};

const SYS_WRITE: u64 = 64;
const MESSAGE: &[u8] = b"htif write ok\n";

/// The syscall block: number, then arguments; the host puts the result in word 0.
static mut MAGIC: [u64; 8] = [0; 8];

fn htif(cmd: u64) {
    // SAFETY: tohost/fromhost are this program's HTIF mailbox.
    unsafe {
        write_volatile(addr_of_mut!(tohost), cmd);
        while read_volatile(addr_of_mut!(tohost)) != 0 {}
    }
}

#[no_mangle]
extern "C" fn main() -> u32 {
    for &c in b"htif console ok\n" {
        htif(1 << 56 | 1 << 48 | c as u64);
    }
    let block = [SYS_WRITE, 1, MESSAGE.as_ptr() as u64, MESSAGE.len() as u64, 0, 0, 0, 0];
    // SAFETY: MAGIC is only used here; the host reads and writes it while we wait.
    unsafe {
        let magic = addr_of_mut!(MAGIC);
        write_volatile(magic, block);
        write_volatile(addr_of_mut!(fromhost), 0);
        htif(magic as u64);
        while read_volatile(addr_of_mut!(fromhost)) == 0 {}
        if read_volatile(magic as *const u64) != MESSAGE.len() as u64 {
            return 1;
        }
    }
    0
}
