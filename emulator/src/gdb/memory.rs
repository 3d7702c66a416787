//! Guest memory as a debugger sees it: virtual addresses through the hart's
//! current translation (`Hart::probe_debug`: its satp, physical in M-mode or
//! with translation off), one page at a time. Only RAM is read or written:
//! device registers have side effects a look must not cause. Writes go
//! through the bus so the decode cache sees patched code at once.

use crate::bus::Bus;
use crate::hart::Hart;
use std::ops::Range;
use sv39_arch::sv39::PAGE_SIZE;

/// Reads `data.len()` bytes at `va`; returns how many could be read before
/// the first address that does not translate or is not RAM.
pub fn read(h: &Hart, bus: &mut Bus, va: u64, data: &mut [u8]) -> usize {
    for (at, range) in pages(va, data.len()) {
        let start = range.start;
        let ok = h.probe_debug(bus, at).ok().and_then(|pa| bus.ram.read_bytes(pa, &mut data[range]));
        if ok.is_none() {
            return start;
        }
    }
    data.len()
}

/// Writes `data` at `va`; None at the first address that does not translate
/// or is not RAM (the bytes before it are written).
pub fn write(h: &Hart, bus: &mut Bus, va: u64, data: &[u8]) -> Option<()> {
    for (at, range) in pages(va, data.len()) {
        let pa = h.probe_debug(bus, at).ok().filter(|&pa| bus.ram_page(pa).is_some())?;
        for (pa, &byte) in (pa..).zip(&data[range]) {
            bus.write(pa, 1, byte as u64)?;
        }
    }
    Some(())
}

/// The pieces of `len` bytes at `va` that lie within one page each: the
/// virtual address of each and its range within the buffer.
fn pages(va: u64, len: usize) -> impl Iterator<Item = (u64, Range<usize>)> {
    let mut done = 0;
    std::iter::from_fn(move || {
        (done < len).then(|| {
            let at = va.wrapping_add(done as u64);
            let n = ((PAGE_SIZE - (at & (PAGE_SIZE - 1))) as usize).min(len - done);
            done += n;
            (at, done - n..done)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use sv39_arch::csr::{self, satp, Priv};
    use sv39_arch::memmap::RAM_BASE;
    use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X};

    const ADDI_A0_1: u32 = 0x0015_0513; // addi a0, a0, 1
    const ADDI_A0_2: u32 = 0x0025_0513; // addi a0, a0, 2

    #[test]
    fn patched_code_runs_as_patched() {
        let (mut h, mut bus) = super::super::test_hart(&[ADDI_A0_1]);
        h.run(&mut bus, 1);
        assert_eq!(h.x[10], 1);
        // The instruction is in the decode cache now; the debugger's write must reach it.
        assert_eq!(write(&h, &mut bus, RAM_BASE, &ADDI_A0_2.to_le_bytes()), Some(()));
        h.pc = RAM_BASE;
        h.run(&mut bus, 2);
        assert_eq!(h.x[10], 3);
        let mut back = [0u8; 4];
        assert_eq!(read(&h, &mut bus, RAM_BASE, &mut back), 4);
        assert_eq!(u32::from_le_bytes(back), ADDI_A0_2);
    }

    #[test]
    fn only_ram_is_reached() {
        let (h, mut bus) = super::super::test_hart(&[]);
        let mut buf = [0u8; 8];
        assert_eq!(read(&h, &mut bus, 0x1000_0000, &mut buf), 0, "the UART is not read");
        assert_eq!(read(&h, &mut bus, RAM_BASE + (1 << 20) - 4, &mut buf), 4, "up to the end of RAM");
        assert_eq!(write(&h, &mut bus, 0x1000_0000, b"x"), None);
    }

    /// S-mode under Sv39 with one gigapage: VA 0x4000_0000 -> PA 0x8000_0000,
    /// supervisor-only, so a U-mode stop sees it too (as S with SUM).
    #[test]
    fn virtual_addresses_follow_the_current_translation() {
        let (mut h, mut bus) = super::super::test_hart(&[]);
        let root = RAM_BASE + 0x1_0000;
        let pte = (RAM_BASE >> 12) << 10 | PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;
        bus.ram.write_bytes(root + 8, &pte.to_le_bytes());
        bus.ram.write_bytes(RAM_BASE + 0x200, b"sv39");
        // PMP entry 0 grants S and U everything (NAPOT over all addresses), as firmware does.
        assert_eq!(h.csr_write_as_debugger(csr::PMPADDR0, u64::MAX), Some(()));
        assert_eq!(h.csr_write_as_debugger(csr::PMPCFG0, 0x1f), Some(()));
        assert_eq!(h.csr_write_as_debugger(csr::SATP, satp::sv39(1, root >> 12)), Some(()));
        let mut buf = [0u8; 4];
        assert_eq!(read(&h, &mut bus, 0x4000_0200, &mut buf), 0, "M-mode is physical");
        for prv in [Priv::S, Priv::U] {
            h.set_priv(prv);
            assert_eq!(read(&h, &mut bus, 0x4000_0200, &mut buf), 4);
            assert_eq!(&buf, b"sv39");
        }
        assert_eq!(write(&h, &mut bus, 0x4000_0200, b"SV"), Some(()));
        assert_eq!(bus.ram.read(RAM_BASE + 0x200, 2), Some(u16::from_le_bytes(*b"SV") as u64));
        assert_eq!(read(&h, &mut bus, 0x8000_0200, &mut buf), 0, "unmapped");
        let mut pte_now = [0u8; 8];
        assert_eq!(bus.ram.read_bytes(root + 8, &mut pte_now), Some(()));
        assert_eq!(u64::from_le_bytes(pte_now), pte, "no A/D update");
    }

    #[test]
    fn pieces_stop_at_page_boundaries() {
        let p: Vec<_> = pages(0x8000_0ffc, 10).collect();
        assert_eq!(p, vec![(0x8000_0ffc, 0..4), (0x8000_1000, 4..10)]);
        assert_eq!(pages(0x1000, 0).count(), 0);
        let whole: Vec<_> = pages(0x2000, 0x2000).collect();
        assert_eq!(whole, vec![(0x2000, 0..0x1000), (0x3000, 0x1000..0x2000)]);
    }

    #[test]
    fn the_top_of_the_address_space_wraps() {
        let p: Vec<_> = pages(u64::MAX - 1, 4).collect();
        assert_eq!(p, vec![(u64::MAX - 1, 0..2), (0, 2..4)]);
    }
}
