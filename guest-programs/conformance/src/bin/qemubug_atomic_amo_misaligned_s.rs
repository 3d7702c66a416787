//! unpriv 8.4: AMOs need natural alignment: "If the address is not naturally aligned, an
//! address-misaligned exception or an access-fault exception will be generated." For AMOs these are
//! causes 6 and 7 (table 3.6: "Store/AMO address misaligned", "Store/AMO access fault").
//!
//! Case: S-mode AMOADD.D 4 bytes off alignment: cause 6 or 7. QEMU 7.2 raises 4 (load address
//! misaligned).
#![no_std]
#![no_main]
conformance::case!(
    "unpriv 8.4: misaligned AMO",
    Case::s(Amo).at(0x804).expect(&[Trap(Misaligned, Va), Trap(Access, Va)])
);
