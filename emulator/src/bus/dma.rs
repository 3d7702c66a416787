//! Devices' access to guest RAM by physical address (DMA). A device write
//! empties the decoded instructions of every page it touches, as a hart's
//! store does (`code_pages`), so code read from a disk is seen at once.

use super::code_pages::CodePages;
use super::ram::Ram;
use sv39_arch::sv39::PAGE_SHIFT;

pub struct Dma<'a> {
    ram: &'a mut Ram,
    code: &'a mut CodePages,
}

impl<'a> Dma<'a> {
    pub fn new(ram: &'a mut Ram, code: &'a mut CodePages) -> Dma<'a> {
        Dma { ram, code }
    }

    pub fn contains(&self, pa: u64, len: u64) -> bool {
        self.ram.offset(pa, len).is_some()
    }

    pub fn read_u16(&self, pa: u64) -> Option<u16> {
        self.ram.read(pa, 2).map(|v| v as u16)
    }

    pub fn read_u32(&self, pa: u64) -> Option<u32> {
        self.ram.read(pa, 4).map(|v| v as u32)
    }

    pub fn read_u64(&self, pa: u64) -> Option<u64> {
        self.ram.read(pa, 8)
    }

    pub fn write_u16(&mut self, pa: u64, value: u16) -> Option<()> {
        self.write_int(pa, 2, u64::from(value))
    }

    pub fn write_u32(&mut self, pa: u64, value: u32) -> Option<()> {
        self.write_int(pa, 4, u64::from(value))
    }

    fn write_int(&mut self, pa: u64, len: u64, value: u64) -> Option<()> {
        self.ram.write(pa, len, value)?;
        self.invalidate(pa, len);
        Some(())
    }

    /// The guest bytes [pa, pa + len), to read.
    pub fn slice(&self, pa: u64, len: u64) -> Option<&[u8]> {
        self.ram.slice(pa, len)
    }

    /// The guest bytes [pa, pa + len), to write: their pages stop being code.
    pub fn slice_mut(&mut self, pa: u64, len: u64) -> Option<&mut [u8]> {
        self.ram.offset(pa, len)?;
        self.invalidate(pa, len);
        self.ram.slice_mut(pa, len)
    }

    pub fn write(&mut self, pa: u64, data: &[u8]) -> Option<()> {
        self.slice_mut(pa, data.len() as u64)?.copy_from_slice(data);
        Some(())
    }

    fn invalidate(&mut self, pa: u64, len: u64) {
        if len == 0 {
            return;
        }
        let first = (pa - self.ram.base()) >> PAGE_SHIFT;
        let last = (pa + len - 1 - self.ram.base()) >> PAGE_SHIFT;
        for page in first as usize..=last as usize {
            if self.code.is_special(page) {
                self.code.on_write(page);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_empty_decoded_pages() {
        let mut ram = Ram::new(0x8000_0000, 0x4000).unwrap();
        let mut code = CodePages::new(0x4000);
        code.code_page(1);
        code.code_page(2);
        let mut dma = Dma::new(&mut ram, &mut code);
        dma.write(0x8000_1ffe, &[1, 2, 3, 4]).unwrap();
        assert_eq!(dma.read_u32(0x8000_1ffe), Some(0x0403_0201));
        assert!(!code.is_special(1) && !code.is_special(2), "both pages written");
        assert_eq!(code.invalidations, 2);
    }

    #[test]
    fn out_of_ram_is_refused() {
        let mut ram = Ram::new(0x8000_0000, 0x1000).unwrap();
        let mut code = CodePages::new(0x1000);
        let mut dma = Dma::new(&mut ram, &mut code);
        assert_eq!(dma.write(0x8000_0ffe, &[0; 4]), None);
        assert_eq!(dma.slice(0x7fff_f000, 16), None);
        assert!(!dma.contains(0x8000_0000, 0x1001));
    }
}
