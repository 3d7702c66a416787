//! CSR and PMP cases (privileged spec 2.1, 3.1.10-3.1.12, 3.1.17, 3.1.18,
//! 3.7, 4.1.5, Sstc): instructions for any CSR number chosen at run time, and
//! the checks those cases share.
//!
//! A case names the CSR as data and gets a routine `csrrs a0, csr, x0; ret`
//! (read) or `csrrw a0, csr, a0; ret` (write, returning the old value),
//! written into a fresh page (Zicsr, unprivileged spec 2.8: "if rs1=x0, then
//! the instruction will not write to the CSR at all"), run in M, S or U by
//! `bare::trap::run_in`. The same way, [`routine`] runs any one instruction
//! (a load or store of a word, a `cbo.*`) on `a0`. Checks number from 10.

use crate::expect::Tval;
pub use crate::space::prepare_hart;
use bare::access::{addr_of, code_at, fence_i, write32};
use bare::check::{fail, Hex, Outcome, Shown};
use bare::paging::{alloc_page, sfence_vma_all};
use bare::trap::{run_in, Trap};
use sv39_arch::cause::exc::ILLEGAL_INSTRUCTION;
use sv39_arch::csr::{pmpcfg, Priv};

/// `lw a0, 0(a0)`.
pub const LW: u32 = 0x0005_2503;
/// `sw a0, 0(a0)`.
pub const SW: u32 = 0x00a5_2023;

/// `csrrs a0, csr, x0`.
pub fn csrr_insn(csr: u16) -> u32 {
    (csr as u32) << 20 | 2 << 12 | 10 << 7 | 0x73
}

/// `csrrw a0, csr, a0`.
pub fn csrw_insn(csr: u16) -> u32 {
    (csr as u32) << 20 | 10 << 15 | 1 << 12 | 10 << 7 | 0x73
}

/// One instruction followed by `ret`, in a fresh page.
#[derive(Clone, Copy)]
pub struct Routine {
    pub insn: u32,
    pub f: extern "C" fn(u64) -> u64,
}

/// Writes `insn; ret` into a fresh page.
pub fn routine(insn: u32) -> Routine {
    let page = alloc_page();
    write32(page, insn);
    write32(page + 4, 0x0000_8067); // ret
    fence_i();
    Routine { insn, f: code_at(page) }
}

impl Routine {
    /// Runs the instruction in `mode` with `a0` = `arg`.
    pub fn run(&self, mode: Priv, arg: u64) -> Result<u64, Trap> {
        run_in(mode, self.f, arg)
    }

    /// Check `n`: in `mode` the instruction raises illegal-instruction at its
    /// own address, with tval 0 or the instruction's bits (3.1.16).
    pub fn illegal_in(&self, n: u32, mode: Priv, arg: u64, what: &str) -> Outcome {
        let r = self.run(mode, arg);
        let epc = addr_of(self.f);
        match r {
            Err(t) if t.cause == ILLEGAL_INSTRUCTION && t.epc == epc && Tval::InsnOrZero.accepts(t.tval, 0, epc) => {
                Ok(())
            }
            _ => {
                let want = Trap { cause: ILLEGAL_INSTRUCTION, tval: self.insn as u64, epc };
                Err(fail(n, what, Shown(Err(want)), Shown(r)))
            }
        }
    }
}

/// Reads `csr` in `mode`.
pub fn read(mode: Priv, csr: u16) -> Result<u64, Trap> {
    routine(csrr_insn(csr)).run(mode, 0)
}

/// Writes `value` to `csr` in `mode`; returns the old value.
pub fn write(mode: Priv, csr: u16, value: u64) -> Result<u64, Trap> {
    routine(csrw_insn(csr)).run(mode, value)
}

/// Check `n`: reading `csr` in `mode` is an illegal instruction.
pub fn read_illegal(n: u32, mode: Priv, csr: u16, what: &str) -> Outcome {
    routine(csrr_insn(csr)).illegal_in(n, mode, 0, what)
}

/// Check `n`: writing `csr` in `mode` is an illegal instruction.
pub fn write_illegal(n: u32, mode: Priv, csr: u16, what: &str) -> Outcome {
    routine(csrw_insn(csr)).illegal_in(n, mode, 0, what)
}

/// Check `n`: `csr` reads in `mode` without a trap; yields the value.
pub fn read_ok(n: u32, mode: Priv, csr: u16, what: &str) -> Result<u64, u32> {
    let r = read(mode, csr);
    r.map_err(|_| fail(n, what, "a read", Shown(r)))
}

/// Check `n`: `value` is written to `csr` from M without a trap.
pub fn set(n: u32, csr: u16, value: u64, what: &str) -> Outcome {
    let r = write(Priv::M, csr, value);
    r.map(|_| ()).map_err(|_| fail(n, what, "a write", Shown(r)))
}

/// Check `n`: `csr` written with `value` from M reads back one of `allowed`.
pub fn write_reads_back(n: u32, csr: u16, value: u64, allowed: &[u64], what: &str) -> Outcome {
    set(n, csr, value, what)?;
    let got = read_ok(n, Priv::M, csr, what)?;
    if allowed.contains(&got) {
        return Ok(());
    }
    Err(fail(n, what, AnyOf(allowed), Hex(got)))
}

/// Values shown as `0x1 or 0x2`.
struct AnyOf<'a>(&'a [u64]);

impl core::fmt::Display for AnyOf<'_> {
    fn fmt(&self, f: &mut core::fmt::Formatter) -> core::fmt::Result {
        for (i, v) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str(" or ")?;
            }
            write!(f, "{v:#x}")?;
        }
        Ok(())
    }
}

/// PMP for a case: every entry off, then `entries` (pmpaddr, cfg byte) from
/// entry 0 up, then a fence (3.7.2). Entries past them stay off.
pub fn pmp(entries: &[(u64, u8)]) {
    prepare_hart();
    let mut cfg = [0u64; 2];
    let _ = write(Priv::M, sv39_arch::csr::PMPCFG0, 0);
    let _ = write(Priv::M, sv39_arch::csr::PMPCFG2, 0);
    for (i, &(addr, c)) in entries.iter().enumerate() {
        let _ = write(Priv::M, sv39_arch::csr::PMPADDR0 + i as u16, addr);
        cfg[i / 8] |= (c as u64) << (8 * (i % 8));
    }
    let _ = write(Priv::M, sv39_arch::csr::PMPCFG2, cfg[1]);
    let _ = write(Priv::M, sv39_arch::csr::PMPCFG0, cfg[0]);
    sfence_vma_all();
}

/// pmpaddr for the NAPOT region of `size` bytes at `base`.
pub const fn napot(base: u64, size: u64) -> u64 {
    (base >> 2) | ((size >> 3) - 1)
}

/// pmpaddr covering every address (NAPOT).
pub const ALL: u64 = u64::MAX;

/// pmpcfg bytes: the address-matching modes in place, and all permissions.
pub const TOR: u8 = pmpcfg::A_TOR << pmpcfg::A_SHIFT;
pub const NA4: u8 = pmpcfg::A_NA4 << pmpcfg::A_SHIFT;
pub const NAPOT: u8 = pmpcfg::A_NAPOT << pmpcfg::A_SHIFT;
pub const RWX: u8 = pmpcfg::R | pmpcfg::W | pmpcfg::X;

impl Routine {
    /// Check `n`: in `mode` with `a0` = `addr` the instruction raises `cause`
    /// with tval = `addr` at its own address.
    pub fn faults_at(&self, n: u32, mode: Priv, addr: u64, cause: u64, what: &str) -> Outcome {
        bare::check::expect_trap(n, self.run(mode, addr), cause, addr, addr_of(self.f), what)
    }
}

/// Check `n`: `mcounteren` = `m` and `scounteren` = `s` (the low 32 bits).
pub fn counteren(n: u32, m: u64, s: u64) -> Outcome {
    set(n, sv39_arch::csr::MCOUNTEREN, m, "mcounteren")?;
    set(n, sv39_arch::csr::SCOUNTEREN, s, "scounteren")
}

/// Spins for about `n` instructions.
pub fn spin(n: u64) {
    for i in 0..n {
        core::hint::black_box(i);
    }
}

/// Puts `nops` `nop`s and then `li a0, 42; ret` at `at` (code for fetches).
pub fn plant_code(at: u64, nops: u64) {
    for i in 0..nops {
        write32(at + 4 * i, 0x0000_0013);
    }
    write32(at + 4 * nops, 0x02a0_0513);
    write32(at + 4 * nops + 4, 0x0000_8067);
    fence_i();
}
