//! unpriv 8.2: "For LR and SC, the A extension requires that the address held in rs1 be naturally
//! aligned to the size of the operand ... If the address is not naturally aligned, an
//! address-misaligned exception or an access-fault exception will be generated."
//!
//! Case: S-mode LR.D at an address 4 bytes off alignment on a mapped page: address-misaligned (4) or
//! access fault (5).
#![no_std]
#![no_main]
conformance::case!(
    "unpriv 8.2: misaligned LR",
    Case::s(Lr).at(0x804).expect(&[Trap(Misaligned, Va), Trap(Access, Va)])
);
