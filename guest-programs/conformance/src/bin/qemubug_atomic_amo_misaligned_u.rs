//! unpriv 8.4: AMOs need natural alignment: "If the address is not naturally aligned, an
//! address-misaligned exception or an access-fault exception will be generated." For AMOs these are
//! causes 6 and 7 (table 3.6: "Store/AMO address misaligned", "Store/AMO access fault").
//!
//! Case: U-mode AMOADD.D 2 bytes off alignment: cause 6 or 7. QEMU 7.2 raises 4.
#![no_std]
#![no_main]
conformance::case!(
    "unpriv 8.4: misaligned AMO",
    Case::u(Amo).leaf(0, V | R | W | X | U | A | D).at(0x802).expect(&[Trap(Misaligned, Va), Trap(Access, Va)])
);
