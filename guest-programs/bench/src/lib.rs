//! The benchmark behind `make bench`: integer work run in U-mode under Sv39 with
//! 4 KiB pages only, so translation and TLB refills are part of what is measured.
//!
//! M-mode maps the program image and a 256 MiB data region (65,536 leaf PTEs),
//! then runs each phase of `work` in U-mode and checks its checksum against a
//! constant: an emulator that computes wrongly fails check n (phase n).
//! Run with 512 MiB of RAM (`--mem 512M` / `-m 512M`).
#![no_std]

pub mod work;

use bare::paging::{identity_map_image, set_satp, PageTable};
use bare::trap::{self, run_in};
use bare::{pmp_allow_all, println};
use sv39_arch::cause::exception_name;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_R, PTE_U, PTE_W, PTE_X};

/// Where U-mode sees the data region, and where it lies in RAM (the upper 256 MiB
/// of 512 MiB, above everything `alloc_page` hands out).
const DATA_VA: u64 = 0x10_0000_0000;
const DATA_PA: u64 = 0x9000_0000;

/// One workload and the checksum a correct machine computes for it (worked out
/// by running `work.rs` on the host).
pub struct Phase {
    pub name: &'static str,
    pub run: extern "C" fn(u64) -> u64,
    pub expected: u64,
}

/// CPU-bound integer work over cache-sized data.
pub const INTEGER: [Phase; 2] = [
    Phase { name: "sieve", run: work::sieve, expected: 16 * 82_025 },
    Phase { name: "heapsort", run: work::sort, expected: 0xf2f5_7e1e_ccb5_640f },
];

/// Memory-bound work: every read misses the TLBs (and the host's caches).
pub const MEMORY: [Phase; 1] = [Phase { name: "random-reads", run: work::random_reads, expected: 0x249d_40d1_dbd7_e500 }];

/// The U-mode address space: the image (code, data, stacks) identity-mapped and
/// the data region at `DATA_VA`, all with 4 KiB pages. A and D start clear: the
/// hardware sets them on first use, as QEMU does.
fn address_space() -> PageTable {
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, PTE_R | PTE_W | PTE_X | PTE_U);
    pt.map_range(DATA_VA, DATA_PA, work::DATA_SIZE, PTE_R | PTE_W | PTE_U);
    pt
}

/// Runs `phases` in U-mode under Sv39 and checks each checksum; returns 0, or
/// the number of the first phase that went wrong.
pub fn run(phases: &[Phase]) -> u32 {
    trap::init();
    pmp_allow_all();
    set_satp(address_space().satp(1));
    println!(
        "bench: U-mode, Sv39, 4 KiB pages; {} MiB at {DATA_VA:#x} (needs 512 MiB of RAM)",
        work::DATA_SIZE >> 20,
    );
    for (check, phase) in (1..).zip(phases) {
        match run_in(Priv::U, phase.run, DATA_VA) {
            Ok(sum) if sum == phase.expected => println!("  {:<13}{sum:#018x}  ok", phase.name),
            Ok(sum) => {
                println!("  {:<13}{sum:#018x}  WRONG, expected {:#018x}", phase.name, phase.expected);
                return check;
            }
            Err(t) => {
                println!(
                    "  {:<13}trap: {} at epc {:#x}, tval {:#x}",
                    phase.name,
                    exception_name(t.cause),
                    t.epc,
                    t.tval
                );
                return check;
            }
        }
    }
    0
}
