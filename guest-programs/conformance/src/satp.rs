//! `satp` (4.1.11) and the instructions TVM traps (3.1.6.5).
//!
//! [`SatpWrite`]: "if satp is written with an unsupported MODE, the entire
//! write has no effect; no fields in satp are modified." Reserved modes must
//! leave `satp` alone; Sv48 and Sv57 may be supported (QEMU 7.2 takes Sv48),
//! so for them the write takes effect entirely or not at all, and
//! "Implementations that support Sv57 must also support Sv48". The ASID is
//! WARL: "The least-significant bits of ASID are implemented first".
//!
//! [`SatpSwitch`]: "Changing satp.MODE from Bare to other modes and vice versa
//! also takes effect immediately, without the need to execute an SFENCE.VMA".
//!
//! [`Privileged`]: satp and SFENCE.VMA from each mode with and without TVM:
//! "When TVM=1, attempts to read or write the satp CSR or execute an
//! SFENCE.VMA or SINVAL.VMA instruction while executing in S-mode will raise
//! an illegal instruction exception"; U-mode may use neither (satp is an
//! S-level CSR, 2.1; SFENCE.VMA is a supervisor instruction, 4.2.1).
//!
//! Checks number from 10.

use crate::case::RWX_AD;
use crate::expect::Tval;
use crate::space::{pattern, prepare_hart};
use crate::Scenario;
use bare::access::{addr_of, csrr_satp, csrw_satp, sfence_vma_insn, write64};
use bare::check::{ensure, ensure_eq, fail, Hex, Outcome, Shown};
use bare::paging::{alloc_page, identity_map_image, satp, set_satp, write_satp, PageTable, S_RWX, TEST_VA, U_RWX};
use bare::trap::{run_in, Trap};
use core::arch::naked_asm;
use sv39_arch::cause::exc::ILLEGAL_INSTRUCTION;
use sv39_arch::csr::{mstatus, satp as f, Priv};
use sv39_arch::pte::make_pte;

/// A page table with the image mapped for `mode` and `TEST_VA` -> a fresh
/// page; returns it with the page.
fn table(mode: Priv) -> (PageTable, u64) {
    prepare_hart();
    let mut pt = PageTable::new();
    identity_map_image(&mut pt, if mode == Priv::U { U_RWX } else { S_RWX });
    let page = alloc_page();
    write64(page + 0x800, pattern(page + 0x800));
    pt.set_pte(TEST_VA, 0, make_pte(page, RWX_AD));
    (pt, page)
}

/// Writes `MODE` = `mode` (with another ASID and root) over an Sv39 `satp`.
pub struct SatpWrite(pub u64);

impl SatpWrite {
    /// The value written: `mode`, ASID 0x1234, a fresh root.
    fn value(mode: u64) -> u64 {
        mode << f::MODE_SHIFT | 0x1234 << f::ASID_SHIFT | alloc_page() >> 12
    }

    /// Whether `got` is `wrote` taken entirely, the ASID cut to its low bits.
    fn taken(got: u64, wrote: u64) -> bool {
        let asid = |v: u64| (v & f::ASID) >> f::ASID_SHIFT;
        got & !f::ASID == wrote & !f::ASID && (0..=16).any(|n| asid(got) == asid(wrote) & ((1 << n) - 1))
    }
}

impl Scenario for SatpWrite {
    fn run(&self) -> Outcome {
        let (pt, _) = table(Priv::S);
        let good = pt.satp(0);
        write_satp(good);
        ensure_eq(10, satp(), good, "Sv39 satp read back")?;
        let wrote = SatpWrite::value(self.0);
        write_satp(wrote);
        let got = satp();
        write_satp(good);
        let sv48 = SatpWrite::value(f::MODE_SV48);
        write_satp(sv48);
        let sv48_taken = SatpWrite::taken(satp(), sv48);
        write_satp(0);
        match self.0 {
            9 | 10 if got != good && !SatpWrite::taken(got, wrote) => {
                Err(fail(11, "satp after a write of a paged mode", "the old value or the value written", Hex(got)))
            }
            10 if got != good && !sv48_taken => Err(fail(12, "Sv57 taken, so Sv48", "taken", "ignored")),
            9 | 10 => Ok(()),
            _ => ensure_eq(11, got, good, "satp after a write with a reserved MODE"),
        }
    }
}

/// ASID WARL: writing all ones reads back the implemented low bits, stably,
/// with MODE and PPN as written; ASID 0 reads back as 0.
pub struct AsidWarl;

impl Scenario for AsidWarl {
    fn run(&self) -> Outcome {
        let (pt, _) = table(Priv::S);
        write_satp(pt.satp(0xffff));
        let got = satp();
        let asid = (got & f::ASID) >> f::ASID_SHIFT;
        write_satp(pt.satp(0xffff));
        let again = satp();
        write_satp(pt.satp(0));
        let zero = satp();
        write_satp(0);
        ensure(10, (asid + 1).is_power_of_two(), "implemented ASID bits are the low ones")?;
        ensure_eq(11, got & !f::ASID, pt.satp(0), "MODE and PPN after the ASID write")?;
        ensure_eq(12, again, got, "ASID read back again")?;
        ensure_eq(13, zero, pt.satp(0), "satp with ASID 0")
    }
}

/// S-mode, a0 -> [satp, va]: `csrw satp`, then `ld a0, 0(va)` at +12.
#[unsafe(naked)]
extern "C" fn s_switch_load(_args: u64) -> u64 {
    naked_asm!(
        ".option push",
        ".option norvc",
        "ld t0, 0(a0)",
        "ld a0, 8(a0)",
        "csrw satp, t0",
        "ld a0, 0(a0)",
        "ret",
        ".option pop"
    )
}

/// S-mode code switches translation on (`enable`) or off and loads at once:
/// through `TEST_VA` when on, at the page's physical address when off.
pub struct SatpSwitch {
    pub enable: bool,
}

impl Scenario for SatpSwitch {
    fn run(&self) -> Outcome {
        let (pt, page) = table(Priv::S);
        let (from, to, va) = match self.enable {
            true => (0, pt.satp(0), TEST_VA + 0x800),
            false => (pt.satp(0), 0, page + 0x800),
        };
        set_satp(from);
        let args = [to, va];
        let r = run_in(Priv::S, s_switch_load, args.as_ptr() as u64);
        write_satp(0);
        let want = Ok(pattern(page + 0x800));
        if r != want {
            return Err(fail(10, "load right after the satp write", Shown(want), Shown(r)));
        }
        Ok(())
    }
}

/// The instruction a [`Privileged`] case runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Insn {
    /// `csrr a0, satp`
    ReadSatp,
    /// `csrw satp, a0` (writing the current value back)
    WriteSatp,
    /// `sfence.vma`
    Sfence,
}

/// `insn` in `mode` with `mstatus.TVM` = `tvm`: illegal in U-mode, and in
/// S-mode with TVM = 1; otherwise it runs.
pub struct Privileged {
    pub insn: Insn,
    pub mode: Priv,
    pub tvm: bool,
}

impl Scenario for Privileged {
    fn run(&self) -> Outcome {
        let (pt, _) = table(self.mode);
        let value = pt.satp(0);
        set_satp(value);
        let routine = match self.insn {
            Insn::ReadSatp => csrr_satp,
            Insn::WriteSatp => csrw_satp,
            Insn::Sfence => sfence_vma_insn,
        };
        if self.tvm {
            bare::mstatus_set(mstatus::TVM);
        }
        let r = run_in(self.mode, routine, value);
        bare::mstatus_clear(mstatus::TVM);
        write_satp(0);
        let illegal = self.mode == Priv::U || (self.mode == Priv::S && self.tvm);
        let epc = addr_of(routine);
        match r {
            Err(t) if illegal && t.cause == ILLEGAL_INSTRUCTION && t.epc == epc => {
                let tval = Tval::InsnOrZero;
                if tval.accepts(t.tval, 0, epc) {
                    Ok(())
                } else {
                    Err(fail(11, "mtval", "0 or the instruction", Hex(t.tval)))
                }
            }
            _ if illegal => {
                let want = Trap { cause: ILLEGAL_INSTRUCTION, tval: 0, epc };
                Err(fail(10, "outcome (tval 0 or the instruction)", Shown(Err(want)), Shown(r)))
            }
            Ok(v) if self.insn != Insn::ReadSatp || v == value => Ok(()),
            _ => {
                let want = if self.insn == Insn::ReadSatp { value } else { 0 };
                Err(fail(10, "outcome", Shown(Ok(want)), Shown(r)))
            }
        }
    }
}
