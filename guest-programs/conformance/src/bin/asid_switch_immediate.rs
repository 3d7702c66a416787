//! 4.2.1: "Likewise, changes to satp.ASID take effect immediately."
//!
//! Case: Two address spaces (ASIDs 1 and 2) map TEST_VA to different pages; switching satp alone
//! selects the right one, three times over.
#![no_std]
#![no_main]
conformance::case!("4.2.1: ASID change at once", AsidSwitch);
