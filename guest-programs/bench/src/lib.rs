//! The benchmark behind `make bench`: integer work run in U-mode under Sv39 with
//! 4 KiB pages only, so translation and TLB refills are part of what is measured.
//!
//! M-mode maps the program image and a 256 MiB data region (65,536 leaf PTEs),
//! then runs each phase of `work` in U-mode and checks its checksum against a
//! constant: an emulator that computes wrongly fails check n (phase n).
//! Run with 512 MiB of RAM (`--mem 512M` / `-m 512M`). Two variants of the
//! integer phases (`Setting`): one U-mode entry per round with an
//! `sfence.vma` after each, and M-mode with translation off.
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
/// by running `work.rs` on the host); `round` does one of its `rounds` per
/// call and returns the checksum so far.
pub struct Phase {
    pub name: &'static str,
    pub run: extern "C" fn(u64) -> u64,
    pub round: extern "C" fn(u64) -> u64,
    pub rounds: u64,
    pub expected: u64,
}

/// CPU-bound integer work over cache-sized data.
pub const INTEGER: [Phase; 2] = [
    Phase {
        name: "sieve",
        run: work::sieve,
        round: work::sieve_round,
        rounds: work::SIEVE_ROUNDS,
        expected: 16 * 82_025,
    },
    Phase {
        name: "heapsort",
        run: work::sort,
        round: work::sort_round,
        rounds: work::SORT_ROUNDS,
        expected: 0xf2f5_7e1e_ccb5_640f,
    },
];

/// Memory-bound work: every read misses the TLBs (and the host's caches).
pub const MEMORY: [Phase; 1] = [Phase {
    name: "random-reads",
    run: work::random_reads,
    round: work::random_reads,
    rounds: 1,
    expected: 0x249d_40d1_dbd7_e500,
}];

/// Where and how the phases run.
#[derive(Clone, Copy, PartialEq, Eq)]
pub enum Setting {
    /// U-mode under Sv39 with 4 KiB pages, each phase in one entry.
    User,
    /// The same, one entry to U-mode per round, and M-mode's `sfence.vma`
    /// (all addresses, all ASIDs) after each.
    UserSfencePerRound,
    /// M-mode, translation off: the data region at its physical address.
    Machine,
}

/// The U-mode address space: the image (code, data, stacks) identity-mapped and
/// the data region at `DATA_VA`, all with 4 KiB pages. A and D start clear: the
/// hardware sets them on first use, as QEMU does.
fn address_space() -> PageTable {
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, PTE_R | PTE_W | PTE_X | PTE_U);
    pt.map_range(DATA_VA, DATA_PA, work::DATA_SIZE, PTE_R | PTE_W | PTE_U);
    pt
}

/// The integer benchmark (sieve and heapsort) as `setting` says, after its
/// banner: the body of `bench`, `bench-sfence` and `bench-mmode`.
pub fn integer(setting: Setting) -> u32 {
    println!(
        "bench: sieve < {} x{}, heapsort {} u32 x{}",
        work::SIEVE_N,
        work::SIEVE_ROUNDS,
        work::SORT_LEN,
        work::SORT_ROUNDS
    );
    run(&INTEGER, setting)
}

/// Runs `phases` as `setting` says and checks each checksum; returns 0, or
/// the number of the first phase that went wrong.
pub fn run(phases: &[Phase], setting: Setting) -> u32 {
    trap::init();
    pmp_allow_all();
    let (mode, base) = match setting {
        Setting::Machine => (Priv::M, DATA_PA),
        _ => {
            set_satp(address_space().satp(1));
            (Priv::U, DATA_VA)
        }
    };
    match setting {
        Setting::User => println!("bench: U-mode, Sv39, 4 KiB pages; {} MiB at {DATA_VA:#x}", work::DATA_SIZE >> 20),
        Setting::UserSfencePerRound => println!("bench: U-mode, Sv39, 4 KiB pages, sfence.vma after each round"),
        Setting::Machine => println!("bench: M-mode, no translation; {} MiB at {DATA_PA:#x}", work::DATA_SIZE >> 20),
    }
    for (check, phase) in (1..).zip(phases) {
        let result = match setting {
            Setting::UserSfencePerRound => rounds_with_sfence(phase, base),
            _ => run_in(mode, phase.run, base),
        };
        match result {
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

/// `phase` one U-mode entry per round, each followed by `sfence.vma`; the
/// last round's checksum.
fn rounds_with_sfence(phase: &Phase, base: u64) -> Result<u64, trap::Trap> {
    let mut sum = 0;
    for _ in 0..phase.rounds {
        sum = run_in(Priv::U, phase.round, base)?;
        // SAFETY: flushing address-translation caches changes no memory.
        unsafe { core::arch::asm!("sfence.vma zero, zero") };
    }
    Ok(sum)
}
