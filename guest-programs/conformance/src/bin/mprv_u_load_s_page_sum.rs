//! 3.1.6.3: MXR and SUM apply to MPRV accesses as to S/U ones: "SUM ... modifies the privilege with
//! which S-mode loads and stores access virtual memory"; "SUM has no effect when ... executing in
//! U-mode" (MPP = U).
//!
//! Case: M-mode load with MPRV = 1, MPP = U from a supervisor page, SUM = 1: SUM is for S.
#![no_std]
#![no_main]
conformance::case!("3.1.6.3: MPRV as U, SUM=1", Case::mprv(Priv::U, Load).status(SUM).expect(PAGE_FAULT));
