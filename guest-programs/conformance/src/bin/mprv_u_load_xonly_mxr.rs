//! 3.1.6.3: MXR and SUM apply to MPRV accesses as to S/U ones: "SUM ... modifies the privilege with
//! which S-mode loads and stores access virtual memory"; "SUM has no effect when ... executing in
//! U-mode" (MPP = U).
//!
//! Case: M-mode load with MPRV = 1, MPP = U from an execute-only user page, MXR = 1.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV as U, MXR=1", Case::mprv(Priv::U, Load).leaf(0, V | X | U | A | D).status(MXR));
