//! 4.2.1: "If the value held in rs1 is not a valid virtual address, then the SFENCE.VMA instruction has
//! no effect. No exception is raised in this case."
//!
//! Case: S-mode sfence.vma with rs1 = 0x8000_0000_0000_1000 completes.
#![no_std]
#![no_main]
conformance::case!("4.2.1: invalid rs1, no trap", FenceNoTrap(0x8000_0000_0000_1000));
