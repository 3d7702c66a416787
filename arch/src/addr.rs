//! Physical and virtual addresses and page numbers as distinct types.
//!
//! A `VirtAddr` is always canonical for Sv39 (bits 63:39 equal bit 38); building a
//! non-canonical one is an error, never a silent mask.

use crate::sv39::{PAGE_SHIFT, PAGE_SIZE, VA_BITS};

/// A physical address (56 bits on Sv39 systems).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct PhysAddr(pub u64);

/// A canonical Sv39 virtual address.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct VirtAddr(u64);

/// A physical page number.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Ppn(pub u64);

/// A virtual page number (VA >> 12, of a canonical address).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[repr(transparent)]
pub struct Vpn(pub u64);

/// The error for an address whose bits 63:39 do not all equal bit 38.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct NonCanonical(pub u64);

impl VirtAddr {
    /// Whether `va` is canonical for Sv39: bits 63:39 all equal bit 38.
    pub const fn is_canonical(va: u64) -> bool {
        let shifted = (va as i64) >> (VA_BITS - 1);
        shifted == 0 || shifted == -1
    }

    pub const fn new(va: u64) -> Result<Self, NonCanonical> {
        if Self::is_canonical(va) {
            Ok(VirtAddr(va))
        } else {
            Err(NonCanonical(va))
        }
    }

    pub const fn as_u64(self) -> u64 {
        self.0
    }

    pub const fn vpn(self) -> Vpn {
        Vpn(self.0 >> PAGE_SHIFT)
    }

    pub const fn page_offset(self) -> u64 {
        self.0 & (PAGE_SIZE - 1)
    }

    pub const fn page_down(self) -> Self {
        VirtAddr(self.0 & !(PAGE_SIZE - 1))
    }
}

impl PhysAddr {
    pub const fn as_u64(self) -> u64 {
        self.0
    }

    pub const fn ppn(self) -> Ppn {
        Ppn(self.0 >> PAGE_SHIFT)
    }

    pub const fn page_offset(self) -> u64 {
        self.0 & (PAGE_SIZE - 1)
    }

    pub const fn add(self, n: u64) -> Self {
        PhysAddr(self.0 + n)
    }
}

impl Ppn {
    pub const fn addr(self) -> PhysAddr {
        PhysAddr(self.0 << PAGE_SHIFT)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn canonical_edges() {
        assert!(VirtAddr::new(0x0000_003f_ffff_ffff).is_ok()); // highest low-half
        assert!(VirtAddr::new(0xffff_ffc0_0000_0000).is_ok()); // lowest high-half
        assert_eq!(VirtAddr::new(0x0000_0040_0000_0000), Err(NonCanonical(0x40_0000_0000)));
        assert!(VirtAddr::new(0xffff_ffbf_ffff_ffff).is_err());
        assert!(VirtAddr::new(0x8000_0000_0000_0000).is_err());
    }

    #[test]
    fn page_numbers() {
        let va = VirtAddr::new(0x1234_5678).unwrap();
        assert_eq!(va.vpn(), Vpn(0x12345));
        assert_eq!(va.page_offset(), 0x678);
        assert_eq!(PhysAddr(0x8000_1234).ppn().addr(), PhysAddr(0x8000_1000));
    }
}
