//! Differential test of the translator: random programs, mostly of what it
//! covers (RV64I and M, loads and stores near page ends, through a read-only
//! alias and into the code itself, branches and jumps in the program) with
//! some of what it leaves to the interpreter, inside a block or out of it
//! (counter reads, CSR writes, AMOs, fence.i, ecall, random compressed
//! words), run from the same state on `--engine interp` and
//! `--engine jit` in batches of random length; after every batch the
//! architectural state (registers, pc, privilege, minstret, the trap CSRs)
//! must be the same, and at the end the program's memory too.

mod common;
use common::Rng;
use sv39::jit::Engine;
use sv39::machine::Machine;
use sv39::mmu::walk::AdPolicy;
use sv39_arch::csr::{self, Priv};

const RAM: u64 = 0x8000_0000;
const RAM_SIZE: u64 = 1 << 20;
/// Two pages of code, two of data, the root page table.
const CODE: u64 = RAM + 0x1000;
const CODE_LEN: u64 = 0x2000;
const DATA: u64 = RAM + 0x4000;
const ROOT: u64 = RAM + 0x10000;
/// A read-only alias of RAM (a second gigapage mapping, no W).
const ALIAS: u64 = 0x4000_0000;

fn machine(engine: Engine, hot_after: u8) -> Machine {
    let mut m = common::bare_machine(RAM_SIZE, AdPolicy::Update, CODE);
    m.set_engine(engine);
    m.set_jit_hot_after(hot_after);
    m
}

fn r(funct7: u32, rs2: u32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    funct7 << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
}

fn i(imm: i32, rs1: u32, funct3: u32, rd: u32, opcode: u32) -> u32 {
    ((imm as u32) & 0xfff) << 20 | rs1 << 15 | funct3 << 12 | rd << 7 | opcode
}

fn s(imm: i32, rs2: u32, rs1: u32, funct3: u32) -> u32 {
    let imm = imm as u32;
    (imm >> 5 & 0x7f) << 25 | rs2 << 20 | rs1 << 15 | funct3 << 12 | (imm & 0x1f) << 7 | 0x23
}

fn b(off: i32, rs2: u32, rs1: u32, funct3: u32) -> u32 {
    let o = off as u32;
    (o >> 12 & 1) << 31
        | (o >> 5 & 0x3f) << 25
        | rs2 << 20
        | rs1 << 15
        | funct3 << 12
        | (o >> 1 & 0xf) << 8
        | (o >> 11 & 1) << 7
        | 0x63
}

fn j(off: i32, rd: u32) -> u32 {
    let o = off as u32;
    (o >> 20 & 1) << 31 | (o >> 1 & 0x3ff) << 21 | (o >> 11 & 1) << 20 | (o >> 12 & 0xff) << 12 | rd << 7 | 0x6f
}

/// x5-x7 hold addresses (data, the read-only alias, the code) and are
/// rarely overwritten, so most accesses hit memory.
fn rd(rng: &mut Rng) -> u32 {
    if rng.below(16) == 0 {
        rng.below(32) as u32
    } else {
        [1, 2, 3, 4, 8, 9, 10, 11, 12, 13, 14, 15][rng.below(12) as usize]
    }
}

fn rs(rng: &mut Rng) -> u32 {
    rng.below(32) as u32
}

/// A branch or jump offset that stays in the program, from `at`.
fn offset(rng: &mut Rng, at: u64) -> i32 {
    let target = CODE + 2 * rng.below(CODE_LEN / 2);
    if rng.below(4) == 0 {
        (target as i64 - at as i64) as i32
    } else {
        2 * (rng.below(40) as i32 - 8) // short, mostly forward
    }
}

/// One instruction at `at`: 4 bytes, or 2 for a random compressed word.
fn instruction(rng: &mut Rng, at: u64) -> (u32, u64) {
    let (a, c) = (rs(rng), rs(rng));
    let d = rd(rng);
    let small = rng.below(64) as i32 - 32;
    let word = match rng.below(100) {
        0..=19 => {
            let (f3, f7) = [(0, 0), (0, 32), (1, 0), (2, 0), (3, 0), (4, 0), (5, 0), (5, 32), (6, 0), (7, 0)]
                [rng.below(10) as usize];
            r(f7, c, a, f3, d, 0x33)
        }
        20..=27 => r(1, c, a, rng.below(8) as u32, d, [0x33, 0x3b][rng.below(2) as usize]),
        28..=31 => {
            let (f3, f7) = [(0, 0), (0, 32), (1, 0), (5, 0), (5, 32)][rng.below(5) as usize];
            r(f7, c, a, f3, d, 0x3b)
        }
        32..=43 => {
            let f3 = [0, 2, 3, 4, 6, 7][rng.below(6) as usize];
            i(rng.next() as i32 >> 20, a, f3, d, 0x13)
        }
        44..=47 => {
            let (f3, hi) = [(1, 0), (5, 0), (5, 0x400)][rng.below(3) as usize];
            i(hi | rng.below(64) as i32, a, f3, d, 0x13)
        }
        48..=51 => match rng.below(4) {
            0 => i(rng.next() as i32 >> 20, a, 0, d, 0x1b),
            n => i([0, 0, 0x000, 0x400][n as usize] | rng.below(32) as i32, a, [0, 1, 5, 5][n as usize], d, 0x1b),
        },
        52..=53 => (rng.next() as u32 & !0xfff) | d << 7 | [0x37, 0x17][rng.below(2) as usize],
        54..=65 => i(small, 5 + rng.below(3) as u32, [0, 1, 2, 3, 4, 5, 6][rng.below(7) as usize], d, 0x03),
        66..=75 => s(small, c, 5 + rng.below(3) as u32, rng.below(4) as u32),
        76..=85 => b(offset(rng, at), c, a, [0, 1, 4, 5, 6, 7][rng.below(6) as usize]),
        86..=88 => j(offset(rng, at), [0, 1][rng.below(2) as usize]),
        89..=90 => i(0, 1, 0, 0, 0x67),                                     // ret
        91..=92 => i([0xb02, 0xb00][rng.below(2) as usize], 0, 2, d, 0x73), // csrr minstret / mcycle
        93 => 0x73,                                                         // ecall
        94 => r([0, 1, 4, 0x10][rng.below(4) as usize] << 2, c, 5, 2 + rng.below(2) as u32, d, 0x2f), // amo*.w/.d
        95 => i(0x340, a, 1, d, 0x73),                                      // csrrw mscratch (illegal in U-mode)
        96 => 0x0000_100f,                                                  // fence.i
        _ => return (rng.next() as u32 & 0xfffc | rng.below(3) as u32, 2),  // compressed: quadrants 0-2
    };
    (word, 4)
}

/// Writes a random program over the code pages.
fn program(m: &mut Machine, rng: &mut Rng) {
    let mut at = CODE;
    while at + 4 <= CODE + CODE_LEN {
        let (word, len) = instruction(rng, at);
        m.bus.write(at, len, word as u64).unwrap();
        at += len;
    }
}

/// Random registers (a few corner values for division), the page table, and
/// M-mode or U-mode under Sv39.
fn start(m: &mut Machine, rng: &mut Rng) {
    for a in (DATA..DATA + 0x2000).step_by(8) {
        m.bus.write(a, 8, rng.next()).unwrap();
    }
    let gigapage = |pa: u64, flags: u64| (pa >> 12) << 10 | flags;
    m.bus.write(ROOT + 8 * 2, 8, gigapage(RAM, 0xdf)).unwrap(); // V R W X U A D at 0x8000_0000
    m.bus.write(ROOT + 8 * 1, 8, gigapage(RAM, 0xdb)).unwrap(); // V R X U A D: no W
    let h = &mut m.harts[0];
    for x in 1..32 {
        h.x[x] = match rng.below(6) {
            0 => [0, 1, u64::MAX, i64::MIN as u64, 0xffff_ffff, 0x8000_0000][rng.below(6) as usize],
            1 => rng.below(64),
            _ => rng.next(),
        };
    }
    h.x[5] = DATA + rng.below(0x2000);
    h.x[6] = ALIAS + (DATA - RAM) + rng.below(0x2000);
    h.x[7] = CODE + rng.below(CODE_LEN);
    h.pc = CODE + 2 * rng.below(64);
    let user = rng.below(2) == 0;
    let writes = [
        (csr::MTVEC, CODE + 4 * rng.below(CODE_LEN / 4)),
        (csr::PMPADDR0, u64::MAX),
        (csr::PMPCFG0, 0x1f),
        (csr::SATP, if user { 8 << 60 | (ROOT >> 12) } else { 0 }),
    ];
    for (n, v) in writes {
        h.csr_write(n, v).unwrap();
    }
    h.set_priv(if user { Priv::U } else { Priv::M });
}

/// The architectural state a run must agree on.
fn state(m: &Machine) -> String {
    let h = &m.harts[0];
    let c = &h.csr;
    format!(
        "pc {:#x} prv {:?} cycle {} minstret {} mcause {:#x} mepc {:#x} mtval {:#x} x {:x?}",
        h.pc,
        h.prv,
        h.cycle,
        h.minstret(),
        c.mcause,
        c.mepc,
        c.mtval,
        h.x
    )
}

fn memory(m: &mut Machine) -> Vec<u64> {
    (CODE..DATA + 0x2000).step_by(8).map(|a| m.bus.read(a, 8).unwrap()).collect()
}

/// Runs `programs` random programs for `steps` instructions each on both
/// engines, the translator translating blocks once reached `hot_after` times.
fn differential(seed: u64, programs: u64, steps: u64, hot_after: u8) -> u64 {
    let mut translated = 0;
    for p in 0..programs {
        let mut engines = [machine(Engine::Interp, hot_after), machine(Engine::Jit, hot_after)];
        for m in &mut engines {
            let mut rng = Rng(seed ^ p.wrapping_mul(0x9e37_79b9_7f4a_7c15));
            program(m, &mut rng);
            start(m, &mut rng);
        }
        let mut batches = Rng(seed.wrapping_add(p));
        let mut done = 0;
        while done < steps {
            let n = 1 + batches.below(300);
            for m in &mut engines {
                let (h, bus) = (&mut m.harts[0], &mut m.bus);
                h.wfi = false;
                let until = h.cycle + n;
                h.run(bus, until);
            }
            let (a, b) = (state(&engines[0]), state(&engines[1]));
            assert_eq!(a, b, "seed {seed:#x} program {p} after {done}+{n} instructions:\ninterp {a}\njit    {b}");
            done += n;
        }
        let [i, j] = &mut engines;
        assert!(memory(i) == memory(j), "seed {seed:#x} program {p}: memory differs");
        translated += j.harts[0].jit_stats().map_or(0, |s| s.blocks);
    }
    translated
}

/// Runs both engines `steps` instructions in batches of `batch`, comparing
/// their state after each.
fn run_both(engines: &mut [Machine; 2], steps: u64, batch: u64) {
    for done in (0..steps).step_by(batch as usize) {
        for m in engines.iter_mut() {
            let (h, bus) = (&mut m.harts[0], &mut m.bus);
            let until = h.cycle + batch;
            h.run(bus, until);
        }
        let (a, b) = (state(&engines[0]), state(&engines[1]));
        assert_eq!(a, b, "after {done}+{batch} instructions:\ninterp {a}\njit    {b}");
    }
}

/// A loop on one page calls a function on the next (jal, a jump to another
/// page) that returns (jalr): translated code takes both through the jump
/// table. Then the function's page is remapped to other code and the ASID
/// changed: the table's entry must not be used (its fetch-TLB check fails),
/// nor after the host rewrites the code (DMA-like, the page's generation).
#[test]
fn jumps_through_the_table_follow_remapping_and_code_changes() {
    const L1: u64 = RAM + 0x11000;
    const L0: u64 = RAM + 0x12000;
    const FIVE: u64 = RAM + 0x2000; // the function returning 5, then 7 ...
    const NINE: u64 = RAM + 0x3000; // ... and its other version, returning 9
    let addi = |rd, rs1, imm| i(imm, rs1, 0, rd, 0x13);
    let main = [addi(10, 10, 1), j(0x1000 - 4, 1), r(0, 12, 11, 0, 11, 0x33), j(-12, 0)];
    let function = |value| [addi(12, 0, value), i(0, 1, 0, 0, 0x67)];
    let pte = |pa: u64, flags: u64| (pa >> 12) << 10 | flags;
    let mut engines = [machine(Engine::Interp, 0), machine(Engine::Jit, 0)];
    for m in &mut engines {
        let words =
            main.iter().map(|&w| (CODE, w)).chain(function(5).map(|w| (FIVE, w))).chain(function(9).map(|w| (NINE, w)));
        let mut next = std::collections::HashMap::new();
        for (page, w) in words {
            let at = next.entry(page).or_insert(page);
            m.bus.write(*at, 4, w as u64).unwrap();
            *at += 4;
        }
        m.bus.write(ROOT + 8 * 2, 8, pte(L1, 1)).unwrap();
        m.bus.write(L1, 8, pte(L0, 1)).unwrap();
        m.bus.write(L0 + 8, 8, pte(CODE, 0xdb)).unwrap(); // V R X U A D
        m.bus.write(L0 + 16, 8, pte(FIVE, 0xdb)).unwrap();
        let h = &mut m.harts[0];
        h.pc = CODE;
        for (n, v) in [(csr::PMPADDR0, u64::MAX), (csr::PMPCFG0, 0x1f), (csr::SATP, 8 << 60 | ROOT >> 12)] {
            h.csr_write(n, v).unwrap();
        }
        h.set_priv(Priv::U);
    }
    // Whole turns of the 6-instruction loop, so that every batch starts at
    // the loop's head and the function is reached only by its jumps.
    const BATCH: u64 = 6 * 20;
    const PHASE: u64 = BATCH * 35;
    let returned = |engines: &[Machine; 2]| engines[1].harts[0].x[12];
    run_both(&mut engines, PHASE, BATCH);
    assert_eq!(returned(&engines), 5);
    for m in &mut engines {
        m.bus.write(L0 + 16, 8, pte(NINE, 0xdb)).unwrap();
        let h = &mut m.harts[0];
        h.set_priv(Priv::M);
        h.csr_write(csr::SATP, 8 << 60 | 1 << 44 | ROOT >> 12).unwrap();
        h.set_priv(Priv::U);
    }
    run_both(&mut engines, PHASE, BATCH);
    assert_eq!(returned(&engines), 9, "the remapped page's code ran");
    for m in &mut engines {
        m.bus.write(NINE, 4, addi(12, 0, 7) as u64).unwrap();
    }
    run_both(&mut engines, PHASE, BATCH);
    assert_eq!(returned(&engines), 7, "the rewritten code ran");
    let jumps = engines[1].harts[0].jit_stats().map_or(0, |s| s.table_jumps);
    assert!(jumps > 1_000, "the calls and returns went through the table: {jumps}");
}

#[test]
fn random_programs_agree_on_both_engines() {
    let blocks = differential(0x0d1f_f001, 400, 3_000, 0);
    assert!(blocks > 1_000, "the translator ran: {blocks} blocks");
}

#[test]
fn random_programs_agree_when_blocks_warm_up_first() {
    let blocks = differential(0x0d1f_f002, 100, 3_000, sv39::jit::HOT_AFTER);
    assert!(blocks > 0, "the translator ran: {blocks} blocks");
}

/// An sfence.vma inside a block, after a store remapped the block's own
/// page, takes effect at the very next instruction, as in the interpreter:
/// the call that runs it ends the block when the fetch TLB changed.
#[test]
fn a_remapping_sfence_inside_a_block_takes_effect_at_once() {
    const L1: u64 = RAM + 0x11000;
    const L0: u64 = RAM + 0x12000;
    const OTHER: u64 = RAM + 0x2000; // the code the page is remapped to
    let addi = |rd, rs1, imm| i(imm, rs1, 0, rd, 0x13);
    let pte = |pa: u64, flags: u64| (pa >> 12) << 10 | flags;
    let sfence = 0x1200_0073;
    let mine = [addi(10, 0, 0), s(0, 6, 7, 3), sfence, addi(10, 10, 1), j(0, 0)];
    let other = [addi(10, 0, 0), s(0, 6, 7, 3), sfence, addi(10, 10, 2), j(0, 0)];
    let mut engines = [machine(Engine::Interp, 0), machine(Engine::Jit, 0)];
    for m in &mut engines {
        for (k, (&a, &b)) in mine.iter().zip(&other).enumerate() {
            m.bus.write(CODE + 4 * k as u64, 4, a as u64).unwrap();
            m.bus.write(OTHER + 4 * k as u64, 4, b as u64).unwrap();
        }
        m.bus.write(ROOT + 8 * 2, 8, pte(L1, 1)).unwrap();
        m.bus.write(L1, 8, pte(L0, 1)).unwrap();
        m.bus.write(L0 + 8, 8, pte(CODE, 0xcb)).unwrap(); // V R X A D, the code
        m.bus.write(L0 + 8 * 0x12, 8, pte(L0, 0xc7)).unwrap(); // V R W A D, the table itself
        let h = &mut m.harts[0];
        h.pc = CODE;
        h.x[6] = pte(OTHER, 0xcb);
        h.x[7] = L0 + 8;
        for (n, v) in [(csr::PMPADDR0, u64::MAX), (csr::PMPCFG0, 0x1f), (csr::SATP, 8 << 60 | ROOT >> 12)] {
            h.csr_write(n, v).unwrap();
        }
        h.set_priv(Priv::S);
    }
    run_both(&mut engines, 20, 10);
    assert_eq!(engines[1].harts[0].x[10], 2, "the instruction after the sfence.vma came from the new page");
    assert!(engines[1].harts[0].jit_stats().is_some_and(|s| s.blocks > 0), "the translator ran");
}

/// Translated code skips the TLB for an aligned access to the page of the
/// last one (frame.rs `last_store`). In the middle of a block S-mode stores
/// to a user page with sstatus.SUM set, clears SUM (a CSR write the block
/// calls the interpreter for, which goes on with the block), and stores to
/// the same page again: that store must fault (spec 4.3.1: with SUM = 0,
/// S-mode may not touch U pages), as in the interpreter.
#[test]
fn a_sum_change_inside_a_block_reaches_the_next_access_to_the_same_page() {
    const L1: u64 = RAM + 0x11000;
    const L0: u64 = RAM + 0x12000;
    const USER: u64 = 0x3000; // DATA, mapped V R W U A D
    const HANDLER: u64 = CODE + 0x800; // mtvec, physical: the trap goes to M
    let pte = |pa: u64, flags: u64| (pa >> 12) << 10 | flags;
    let csrrc_sstatus = |rs1: u32| 0x100 << 20 | rs1 << 15 | 3 << 12 | 0x73;
    let block = [s(0, 6, 7, 3), s(8, 6, 7, 3), csrrc_sstatus(8), s(16, 6, 7, 3), j(0, 0)];
    let mut engines = [machine(Engine::Interp, 0), machine(Engine::Jit, 0)];
    for m in &mut engines {
        for (k, &w) in block.iter().enumerate() {
            m.bus.write(CODE + 4 * k as u64, 4, w as u64).unwrap();
        }
        m.bus.write(HANDLER, 4, j(0, 0) as u64).unwrap();
        m.bus.write(ROOT, 8, pte(L1, 1)).unwrap();
        m.bus.write(L1, 8, pte(L0, 1)).unwrap();
        m.bus.write(L0 + 8, 8, pte(CODE, 0xcb)).unwrap(); // V R X A D
        m.bus.write(L0 + 8 * 3, 8, pte(DATA, 0xd7)).unwrap(); // V R W U A D
        let h = &mut m.harts[0];
        h.pc = 0x1000;
        h.x[6] = 0x5a5a;
        h.x[7] = USER;
        h.x[8] = 1 << 18; // SUM
        let writes = [
            (csr::PMPADDR0, u64::MAX),
            (csr::PMPCFG0, 0x1f),
            (csr::MTVEC, HANDLER),
            (csr::MSTATUS, 1 << 18),
            (csr::SATP, 8 << 60 | ROOT >> 12),
        ];
        for (n, v) in writes {
            h.csr_write(n, v).unwrap();
        }
        h.set_priv(Priv::S);
    }
    run_both(&mut engines, 40, 10); // a CSR write may end a batch early
    let m = &mut engines[1];
    let c = &m.harts[0].csr;
    assert_eq!((c.mcause, c.mtval), (15, USER + 16), "the store after SUM was cleared took a store page fault");
    assert_eq!(m.bus.read(DATA + 8, 8).unwrap(), 0x5a5a, "the stores before it were done");
    assert_eq!(m.bus.read(DATA + 16, 8).unwrap(), 0, "the faulting store wrote nothing");
    assert!(m.harts[0].jit_stats().is_some_and(|s| s.blocks > 0), "the translator ran");
}
