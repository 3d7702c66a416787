//! 2.1/4.2.1: satp is a supervisor CSR and SFENCE.VMA a supervisor instruction; from U-mode both are
//! illegal instructions (2.1: accessing a CSR without the appropriate privilege level raises an illegal
//! instruction exception).
//!
//! Case: U-mode csrr satp: illegal instruction.
#![no_std]
#![no_main]
conformance::case!("2.1: satp is S-level", Privileged { insn: Insn::ReadSatp, mode: Priv::U, tvm: false });
