//! 3.1.6.5: "When TVM=1, attempts to read or write the satp CSR or execute an SFENCE.VMA or SINVAL.VMA
//! instruction while executing in S-mode will raise an illegal instruction exception. When TVM=0, these
//! operations are permitted in S-mode."
//!
//! Case: M-mode csrw satp with TVM = 1 completes: TVM traps S-mode only.
#![no_std]
#![no_main]
conformance::case!("3.1.6.5: TVM", Privileged { insn: Insn::WriteSatp, mode: Priv::M, tvm: true });
