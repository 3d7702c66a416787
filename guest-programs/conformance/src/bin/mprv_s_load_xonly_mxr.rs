//! 3.1.6.3: MXR and SUM apply to MPRV accesses as to S/U ones: "SUM ... modifies the privilege with
//! which S-mode loads and stores access virtual memory"; "SUM has no effect when ... executing in
//! U-mode" (MPP = U).
//!
//! Case: M-mode load with MPRV = 1, MPP = S from an execute-only page, MXR = 1.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV, MXR=1", Case::mprv(Priv::S, Load).leaf(0, V | X | A | D).status(MXR));
