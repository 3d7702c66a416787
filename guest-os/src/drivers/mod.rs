//! Device drivers: one file per device.

pub mod finisher;
pub mod plic;
pub mod uart;

/// Reads a 32-bit device register at kernel address `va`.
///
/// # Safety
/// `va` must be a mapped device register.
pub unsafe fn read32(va: u64) -> u32 {
    // SAFETY: per the caller.
    unsafe { core::ptr::read_volatile(va as *const u32) }
}

/// Writes a 32-bit device register at kernel address `va`.
///
/// # Safety
/// `va` must be a mapped device register.
pub unsafe fn write32(va: u64, value: u32) {
    // SAFETY: per the caller.
    unsafe { core::ptr::write_volatile(va as *mut u32, value) }
}
