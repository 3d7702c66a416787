//! The benchmark behind `make bench`: integer work run in U-mode under Sv39 with
//! 4 KiB pages only, so translation and TLB refills are part of what is measured.
//!
//! M-mode maps the program image and a 256 MiB data region (65,536 leaf PTEs),
//! then runs each phase of `work` in U-mode and checks its checksum against a
//! constant: an emulator that computes wrongly fails check n (phase n).
//! Run with 512 MiB of RAM (`--mem 512M` / `-m 512M`).
#![no_std]
#![no_main]

mod work;

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

struct Phase {
    name: &'static str,
    run: extern "C" fn(u64) -> u64,
    expected: u64,
}

const PHASES: [Phase; 3] = [
    Phase { name: "sieve", run: work::sieve, expected: 1_575_661 },
    Phase { name: "heapsort", run: work::sort, expected: 0xa3c3_9c98_afcd_c334 },
    Phase { name: "random-reads", run: work::random_reads, expected: 0x249d_40d1_dbd7_e500 },
];

/// The U-mode address space: the image (code, data, stacks) identity-mapped and
/// the data region at `DATA_VA`, all with 4 KiB pages. A and D start clear: the
/// hardware sets them on first use, as QEMU does.
fn address_space() -> PageTable {
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, PTE_R | PTE_W | PTE_X | PTE_U);
    pt.map_range(DATA_VA, DATA_PA, work::DATA_SIZE, PTE_R | PTE_W | PTE_U);
    pt
}

#[no_mangle]
extern "C" fn main() -> u32 {
    trap::init();
    pmp_allow_all();
    set_satp(address_space().satp(1));
    println!(
        "bench: U-mode, Sv39, 4 KiB pages; {} MiB at {DATA_VA:#x} (needs 512 MiB of RAM); sieve < {}, heapsort {} u32, {} random reads",
        work::DATA_SIZE >> 20,
        work::SIEVE_N,
        work::SORT_LEN,
        work::READS
    );
    for (check, phase) in (1..).zip(&PHASES) {
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
