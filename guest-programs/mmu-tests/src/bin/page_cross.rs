//! Accesses and instructions that straddle a page boundary (privileged spec 1.12,
//! 4.1.9 stval): "If stval is written with a nonzero value when a misaligned load
//! or store causes an access-fault or page-fault exception, then stval will contain
//! the virtual address of the portion of the access that caused the fault." and
//! "when an instruction access-fault or page-fault exception occurs on a system
//! with variable-length instructions, then stval will contain the virtual address
//! of the portion of the instruction that caused the fault, while sepc will point
//! to the beginning of the instruction." QEMU 7.2 (and sv39) perform misaligned
//! loads and stores; the faulting portion is reported from its first byte, the
//! start of the second page. Each page of a straddling access is translated on
//! its own, so the two halves may come from unrelated physical pages.
#![no_std]
#![no_main]

use bare::paging::{sfence_vma_all, PageTable};
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::csr::Priv;

/// `addi a0, a0, 1`, split at a page boundary.
const ADDI_LO: u16 = 0x0513;
const ADDI_HI: u16 = 0x0015;
/// `c.addi a0, 1` and `c.jr ra`.
const C_ADDI: u16 = 0x0505;
const C_RET: u16 = 0x8082;

fn test(pt: &mut PageTable) -> Outcome {
    activate(pt);
    // Physical pages: p (code), q (data), r (code), all distinct and non-adjacent in VA use.
    let (p, q, r) = (code_page(0), data_page(0), code_page(0));
    write64(p + 0xff8, 0x1111_2222_3333_4444);
    write64(q, 0x5555_6666_7777_8888);

    // a: mapped, a + 4K unmapped. b: b -> p, b + 4K -> q (read-only). c: c -> p,
    // c + 4K -> r (both RWX). d: d unmapped, d + 4K -> q.
    let (a, b, c, d) = (TEST_VA, TEST_VA + 0x1_0000, TEST_VA + 0x2_0000, TEST_VA + 0x3_0000);
    pt.map(a, p, 0, S_RWX);
    pt.map(b, p, 0, S_RWX);
    pt.map(b + 0x1000, q, 0, S_R);
    pt.map(c, p, 0, S_RWX);
    pt.map(c + 0x1000, r, 0, S_RWX);
    pt.map(d + 0x1000, q, 0, S_R);
    sfence_vma_all();

    // Loads and stores running into an unmapped page: tval is its first byte.
    let ld = addr_of(acc_ld);
    let sd = addr_of(acc_sd);
    expect_trap(1, Load.run(Priv::S, a + 0xffc), LOAD_PAGE_FAULT, a + 0x1000, ld, "ld across into unmapped")?;
    expect_trap(2, Load.run(Priv::S, a + 0xff9), LOAD_PAGE_FAULT, a + 0x1000, ld, "ld from ff9 across")?;
    expect_trap(3, Store.run(Priv::S, a + 0xffc), STORE_PAGE_FAULT, a + 0x1000, sd, "sd across into unmapped")?;
    expect_trap(4, Store.run(Priv::S, b + 0xffa), STORE_PAGE_FAULT, b + 0x1000, sd, "sd across into read-only")?;
    // The first page faults: tval is the access's own address.
    expect_trap(5, Load.run(Priv::S, d + 0xffc), LOAD_PAGE_FAULT, d + 0xffc, ld, "ld from unmapped into mapped")?;

    // Straddling two mapped pages: each half from its own physical page.
    ensure_eq(10, expect_ok(11, Load.run(Priv::S, b + 0xffc), "ld across mapped pages")?, 0x7777_8888_1111_2222, "value")?;
    expect_ok(12, Store.run(Priv::S, c + 0xffa), "sd across mapped pages")?;
    let v = (c + 0xffa).to_le_bytes();
    ensure_eq(13, read64(p + 0xff8) >> 16, u64::from_le_bytes([v[0], v[1], v[2], v[3], v[4], v[5], 0, 0]), "first half")?;
    ensure_eq(14, read64(r) & 0xffff, u64::from_le_bytes([v[6], v[7], 0, 0, 0, 0, 0, 0]), "second half")?;

    // A 32-bit instruction whose second half is on an unmapped / non-executable page.
    write16(p + 0xffe, ADDI_LO);
    write16(q, ADDI_HI);
    write16(r, ADDI_HI);
    write32(r + 2, RET);
    fence_i();
    expect_trap(20, Fetch.run(Priv::S, a + 0xffe), INSTRUCTION_PAGE_FAULT, a + 0x1000, a + 0xffe, "insn into unmapped")?;
    expect_trap(21, Fetch.run(Priv::S, b + 0xffe), INSTRUCTION_PAGE_FAULT, b + 0x1000, b + 0xffe, "insn into non-X page")?;
    // ... and on an executable page: `addi`, then the `ret` at r + 2.
    ensure_eq(22, expect_ok(23, run_in(Priv::S, code_at(c + 0xffe), 40), "insn across mapped pages")?, 41, "a0")?;

    // Compressed instructions filling the end of the page before an unmapped one.
    write16(p + 0xffc, C_ADDI);
    write16(p + 0xffe, C_RET);
    fence_i();
    ensure_eq(30, expect_ok(31, run_in(Priv::S, code_at(a + 0xffc), 7), "RVC at page end")?, 8, "a0")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("page_cross", test(&mut pt))
}
