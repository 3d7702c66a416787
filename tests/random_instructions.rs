//! Property: random 32- and 16-bit instruction words, executed from random
//! architectural states (privilege, mstatus, delegation, satp over random page
//! tables, PMP, registers aimed at RAM and devices), never panic the host, and
//! each either retires or raises an architectural trap.

mod common;
use common::{engine, Rng};
use sv39::hart::Hart;
use sv39::machine::Machine;
use sv39::mmu::walk::AdPolicy;
use sv39_arch::csr::{self, Priv};

const RAM: u64 = 0x8000_0000;
const RAM_SIZE: u64 = 4 << 20;
const CODE: u64 = RAM + 0x1000;

fn machine(ad: AdPolicy) -> Machine {
    let mut m = common::bare_machine(RAM_SIZE, ad, CODE);
    m.set_engine(engine());
    m
}

/// An address worth aiming at: RAM, a device, or anything.
fn interesting_address(rng: &mut Rng) -> u64 {
    match rng.below(6) {
        0 => RAM + rng.below(RAM_SIZE),
        1 => 0x1000_0000 + rng.below(0x100),     // UART
        2 => 0x0200_0000 + rng.below(0x10000),   // CLINT
        3 => 0x0c00_0000 + rng.below(0x60_0000), // PLIC
        4 => rng.below(1 << 39),                 // low canonical half
        _ => rng.next(),
    }
}

fn randomize(h: &mut Hart, rng: &mut Rng) {
    for r in 1..32 {
        h.x[r] = if rng.below(2) == 0 { interesting_address(rng) } else { rng.next() };
    }
    let prv = [Priv::U, Priv::S, Priv::M][rng.below(3) as usize];
    let writes = [
        (csr::MSTATUS, rng.next()),
        (csr::MEDELEG, rng.next()),
        (csr::MIDELEG, rng.next()),
        (csr::MIE, rng.next()),
        (csr::MTVEC, CODE + 4 * rng.below(0x400)),
        (csr::STVEC, CODE + 4 * rng.below(0x400)),
        (csr::MENVCFG, rng.next()),
        (csr::PMPADDR0, if rng.below(4) == 0 { rng.next() } else { u64::MAX }),
        (csr::PMPCFG0, if rng.below(4) == 0 { rng.next() } else { 0x1f }),
        (csr::SATP, (8 << 60) | (rng.below(0x10000) << 44) | ((RAM >> 12) + rng.below(RAM_SIZE >> 12))),
    ];
    h.prv = Priv::M;
    for (n, v) in writes {
        let _ = h.csr_write(n, v);
    }
    h.set_priv(prv);
}

fn fuzz(seed: u64, states: u64, words_per_state: u64, ad: AdPolicy) {
    let mut rng = Rng(seed);
    let mut m = machine(ad);
    // Random page-table material: the walker reads whatever RAM holds.
    for a in (RAM..RAM + RAM_SIZE).step_by(8) {
        m.bus.ram.write(a, 8, rng.next());
    }
    for state in 0..states {
        let (h, bus) = (&mut m.harts[0], &mut m.bus);
        randomize(h, &mut rng);
        for i in 0..words_per_state {
            let pc = CODE + 4 * rng.below(0x3ff);
            // One word in three is a 16-bit (compressed) encoding.
            let word = if rng.below(3) == 0 { rng.next() as u32 & 0xffff } else { rng.next() as u32 };
            bus.ram.write(pc, 4, word as u64);
            bus.code.on_write(((pc - RAM) >> 12) as usize);
            h.pc = pc;
            h.wfi = false;
            let traps_before = trap_count(h);
            let retired_before = h.minstret();
            let before = h.cycle;
            h.run(bus, h.cycle + 1);
            assert_eq!(h.cycle, before + 1, "seed {seed} state {state} word {i}: one step");
            assert_eq!(h.x[0], 0, "x0 stays zero");
            assert_eq!(h.pc & 1, 0, "pc stays 2-byte aligned (IALIGN=16)");
            let trapped = trap_count(h) > traps_before;
            if trapped {
                let cause = if h.prv == Priv::M { h.csr.mcause } else { h.csr.scause };
                assert!(matches!(cause, 0..=9 | 11..=13 | 15), "seed {seed}: architectural cause, got {cause}");
            } else if !writes_minstret(word) {
                assert_eq!(h.minstret(), retired_before + 1, "seed {seed} word {word:#x}: retires or traps");
            }
        }
        take_pending_interrupt(&mut m);
    }
}

/// A Zicsr instruction on minstret sets the count itself.
fn writes_minstret(word: u32) -> bool {
    word & 0x7f == 0x73 && word >> 20 == csr::MINSTRET as u32
}

fn trap_count(h: &Hart) -> u64 {
    h.stats.exceptions.iter().sum()
}

/// Interrupts raised by random CSR writes are taken too (their path is also architecture).
fn take_pending_interrupt(m: &mut Machine) {
    let (h, bus) = (&mut m.harts[0], &mut m.bus);
    h.sync_interrupts(bus);
    h.take_interrupt();
}

#[test]
fn random_words_never_panic_the_host_update_policy() {
    fuzz(0x5eed_0001, 10_000, 150, AdPolicy::Update);
}

#[test]
fn random_words_never_panic_the_host_fault_policy() {
    fuzz(0x5eed_0002, 10_000, 150, AdPolicy::Fault);
}
