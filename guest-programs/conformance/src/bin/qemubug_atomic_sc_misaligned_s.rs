//! unpriv 8.2: "For LR and SC, the A extension requires that the address held in rs1 be naturally
//! aligned to the size of the operand ... If the address is not naturally aligned, an
//! address-misaligned exception or an access-fault exception will be generated."
//!
//! Case: S-mode SC.D (no reservation) 4 bytes off alignment: it must trap, cause 6 or 7. QEMU 7.2 lets
//! it fail silently.
#![no_std]
#![no_main]
conformance::case!(
    "unpriv 8.2: misaligned SC",
    Case::s(Sc).at(0x804).expect(&[Trap(Misaligned, Va), Trap(Access, Va)])
);
