//! Trap cause codes as written to `mcause`/`scause` (privileged spec table 3.6).

/// Synchronous exception codes.
pub mod exc {
    pub const INSTRUCTION_ADDRESS_MISALIGNED: u64 = 0;
    pub const INSTRUCTION_ACCESS_FAULT: u64 = 1;
    pub const ILLEGAL_INSTRUCTION: u64 = 2;
    pub const BREAKPOINT: u64 = 3;
    pub const LOAD_ADDRESS_MISALIGNED: u64 = 4;
    pub const LOAD_ACCESS_FAULT: u64 = 5;
    pub const STORE_ADDRESS_MISALIGNED: u64 = 6;
    pub const STORE_ACCESS_FAULT: u64 = 7;
    pub const ECALL_FROM_U: u64 = 8;
    pub const ECALL_FROM_S: u64 = 9;
    pub const ECALL_FROM_M: u64 = 11;
    pub const INSTRUCTION_PAGE_FAULT: u64 = 12;
    pub const LOAD_PAGE_FAULT: u64 = 13;
    pub const STORE_PAGE_FAULT: u64 = 15;
}

/// Interrupt codes (`mcause` has bit 63 set for these).
pub mod irq {
    pub const SSI: u64 = 1;
    pub const MSI: u64 = 3;
    pub const STI: u64 = 5;
    pub const MTI: u64 = 7;
    pub const SEI: u64 = 9;
    pub const MEI: u64 = 11;
}

/// Bit 63 of `mcause`/`scause`: the trap is an interrupt.
pub const INTERRUPT_BIT: u64 = 1 << 63;

/// The spec's name of an exception code, for traces and reports.
pub const fn exception_name(code: u64) -> &'static str {
    match code {
        0 => "instruction address misaligned",
        1 => "instruction access fault",
        2 => "illegal instruction",
        3 => "breakpoint",
        4 => "load address misaligned",
        5 => "load access fault",
        6 => "store/AMO address misaligned",
        7 => "store/AMO access fault",
        8 => "environment call from U-mode",
        9 => "environment call from S-mode",
        11 => "environment call from M-mode",
        12 => "instruction page fault",
        13 => "load page fault",
        15 => "store/AMO page fault",
        _ => "reserved",
    }
}

/// The spec's name of an interrupt code.
pub const fn interrupt_name(code: u64) -> &'static str {
    match code {
        1 => "supervisor software interrupt",
        3 => "machine software interrupt",
        5 => "supervisor timer interrupt",
        7 => "machine timer interrupt",
        9 => "supervisor external interrupt",
        11 => "machine external interrupt",
        _ => "reserved interrupt",
    }
}
