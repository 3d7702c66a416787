//! CSRRS/CSRRC with rs1 != x0 write the CSR even when rs1 holds 0, so on a
//! read-only CSR they raise an illegal instruction. Unpriv spec 9.1: "Note that
//! if rs1 specifies a register holding a zero value other than x0, the
//! instruction will still attempt to write the unmodified value back to the
//! CSR and will cause any attendant side effects"; priv spec 2.1: "Attempts to
//! access a CSR without appropriate privilege level or to write a read-only
//! register raise illegal instruction exceptions". QEMU 7.2 does not trap
//! (fixed upstream in 2024).
#![no_std]
#![no_main]

use hart_tests::*;

core::arch::global_asm!(
    r#"
    .globl q_csrrs_zero, q_csrrc_zero
q_csrrs_zero: li t0, 0
              csrrs a0, mhartid, t0
              ret
q_csrrc_zero: li t0, 0
              csrrc a0, mvendorid, t0
              ret
"#
);
unsafe extern "C" {
    safe fn q_csrrs_zero(a: u64) -> u64;
    safe fn q_csrrc_zero(a: u64) -> u64;
}

/// The 32-bit instruction at `pc` (what mtval must hold).
fn insn_at(pc: u64) -> u64 {
    // SAFETY: pc is the address of an instruction in this image.
    unsafe { (pc as *const u32).read_unaligned() as u64 }
}

fn body() -> Checks {
    setup();
    for (i, f) in [q_csrrs_zero, q_csrrc_zero].into_iter().enumerate() {
        let r = run_in(Priv::M, f, 0);
        let bits = r.err().map(|t| insn_at(t.epc));
        expect_trap(1 + i as u32, r, exc::ILLEGAL_INSTRUCTION, bits)?;
    }
    Ok(())
}

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
