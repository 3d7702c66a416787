//! satp (privileged spec 1.12, 4.1.11): "if satp is written with an unsupported
//! MODE, the entire write has no effect; no fields in satp are modified." Modes
//! 1-7 and 12-13 are reserved, 11 (Sv64) is not defined, 14-15 are custom; QEMU 7.2
//! also takes 9 and 10, sv39 does not, so neither is tried. ASID: "The number of
//! implemented ASID bits ... may be determined by writing one to every bit
//! position in the ASID field ... The least-significant bits of ASID are
//! implemented first". "Changing satp.MODE from Bare to other modes and vice versa
//! also takes effect immediately, without the need to execute an SFENCE.VMA".
//! TVM (3.1.6.5): with TVM=1, S-mode satp accesses and SFENCE.VMA are illegal.
#![no_std]
#![no_main]

use bare::paging::{alloc_page, satp, PageTable};
use mmu_tests::Access::*;
use mmu_tests::*;
use sv39_arch::cause::exc::ILLEGAL_INSTRUCTION;
use sv39_arch::csr::{mstatus, satp as f, Priv};

fn test(pt: &mut PageTable) -> Outcome {
    let good = pt.satp(0);
    write_satp(good);
    ensure_eq(1, satp(), good, "Sv39 satp reads back")?;

    // Unsupported modes leave every field alone, even with another ASID and PPN.
    let other = 0x1234u64 << f::ASID_SHIFT | (alloc_page() >> 12);
    for (k, mode) in [1u64, 2, 3, 4, 5, 6, 7, 11, 12, 13, 14, 15].into_iter().enumerate() {
        write_satp(mode << f::MODE_SHIFT | other);
        ensure_eq(2 + k as u32, satp(), good, "satp after a write with an unsupported MODE")?;
    }

    // ASID: all ones reads back as the implemented low bits, stably; 0 reads as 0.
    write_satp(pt.satp(0xffff));
    let asid = (satp() & f::ASID) >> f::ASID_SHIFT;
    ensure(20, (asid + 1).is_power_of_two(), "implemented ASID bits are the low ones")?;
    ensure_eq(21, satp() & !f::ASID, good, "ASID write kept MODE and PPN")?;
    write_satp(pt.satp(0xffff));
    ensure_eq(22, (satp() & f::ASID) >> f::ASID_SHIFT, asid, "ASID stable")?;
    write_satp(pt.satp(0));
    ensure_eq(23, satp(), good, "ASID 0")?;

    // Bare <-> Sv39 takes effect at once. `data` is not mapped in `pt`.
    let data = data_page(0xd00d);
    bare::paging::sfence_vma_all();
    expect_page_fault(30, Priv::S, Load, data, "Sv39: physical address unmapped")?;
    write_satp(0);
    ensure_eq(31, satp(), 0, "Bare satp")?;
    ensure_eq(32, expect_ok(33, Load.run(Priv::S, data), "Bare: load at the physical address")?, 0xd00d, "value")?;
    expect_trap(34, Load.run(Priv::S, TEST_VA), LOAD_ACCESS_FAULT, TEST_VA, addr_of(acc_ld), "Bare: no memory there")?;
    write_satp(good);
    expect_page_fault(35, Priv::S, Load, data, "Sv39 again")?;
    write_satp(0);
    ensure_eq(36, expect_ok(37, Load.run(Priv::U, data), "Bare: U-mode load")?, 0xd00d, "value")?;

    // S-mode reads satp; with TVM it may neither read it nor run SFENCE.VMA.
    write_satp(good);
    ensure_eq(40, expect_ok(41, run_in(Priv::S, csrr_satp, 0), "S reads satp")?, good, "value")?;
    expect_ok(42, run_in(Priv::S, sfence_vma_insn, 0), "S sfence.vma")?;
    mstatus_set(mstatus::TVM);
    let rd = run_in(Priv::S, csrr_satp, 0);
    let fence = run_in(Priv::S, sfence_vma_insn, 0);
    mstatus_clear(mstatus::TVM);
    let illegal = |n, r: Result<u64, bare::trap::Trap>, epc, what| match r {
        Err(t) => ensure(n, t.cause == ILLEGAL_INSTRUCTION && t.epc == epc, what),
        Ok(_) => ensure(n, false, what),
    };
    illegal(43, rd, addr_of(csrr_satp), "csrr satp with TVM=1")?;
    illegal(44, fence, addr_of(sfence_vma_insn), "sfence.vma with TVM=1")
}

#[no_mangle]
extern "C" fn main() -> u32 {
    let mut pt = setup(Priv::S);
    finish("satp", test(&mut pt))
}
