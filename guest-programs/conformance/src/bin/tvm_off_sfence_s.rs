//! 3.1.6.5: "When TVM=1, attempts to read or write the satp CSR or execute an SFENCE.VMA or SINVAL.VMA
//! instruction while executing in S-mode will raise an illegal instruction exception. When TVM=0, these
//! operations are permitted in S-mode."
//!
//! Case: S-mode sfence.vma with TVM = 0 completes.
#![no_std]
#![no_main]
conformance::case!("3.1.6.5: TVM", Privileged { insn: Insn::Sfence, mode: Priv::S, tvm: false });
