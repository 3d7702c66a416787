//! Mappings owned as values: [`Mmap`] is one `mmap` the kernel placed, with
//! volatile byte access (the memory may be shared, or may fault), unmapped
//! when dropped.

use crate::sys;
use sv39_abi::mman::{MAP_ANONYMOUS, MAP_FIXED, MAP_FIXED_NOREPLACE, MAP_PRIVATE};
use sv39_abi::Errno;

pub use crate::heap::PAGE;

#[derive(Debug)]
pub struct Mmap {
    addr: usize,
    len: usize,
}

impl Mmap {
    /// `mmap(NULL, len, prot, flags, fd, off)`; `flags` may not place the
    /// mapping (`MAP_FIXED` is `EINVAL` here).
    pub fn new(len: usize, prot: u32, flags: u32, fd: i32, off: i64) -> Result<Mmap, Errno> {
        if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 {
            return Err(Errno::EINVAL);
        }
        // SAFETY: without MAP_FIXED the kernel picks a range nothing uses.
        let addr = unsafe { sys::mmap(0, len, prot, flags, fd, off) }?;
        Ok(Mmap { addr, len })
    }

    /// Private anonymous memory: zero until written.
    pub fn anon(len: usize, prot: u32) -> Result<Mmap, Errno> {
        Mmap::new(len, prot, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0)
    }

    pub fn addr(&self) -> usize {
        self.addr
    }

    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The byte at offset `i` (panics outside the mapping).
    pub fn read(&self, i: usize) -> u8 {
        assert!(i < self.len, "offset {i:#x} outside a mapping of {:#x} bytes", self.len);
        // SAFETY: inside the mapping; volatile, as another process or the
        // kernel may change it (a protection fault is a signal, not UB).
        unsafe { core::ptr::read_volatile((self.addr + i) as *const u8) }
    }

    /// Writes the byte at offset `i` (panics outside the mapping).
    pub fn write(&self, i: usize, value: u8) {
        assert!(i < self.len, "offset {i:#x} outside a mapping of {:#x} bytes", self.len);
        // SAFETY: as `read`; nothing in this program holds a reference into it.
        unsafe { core::ptr::write_volatile((self.addr + i) as *mut u8, value) }
    }

    /// Writes `bytes` at offset `i`.
    pub fn write_bytes(&self, i: usize, bytes: &[u8]) {
        for (k, &b) in bytes.iter().enumerate() {
            self.write(i + k, b);
        }
    }

    /// `len` bytes from offset `i`.
    pub fn read_bytes(&self, i: usize, len: usize) -> alloc::vec::Vec<u8> {
        (i..i + len).map(|k| self.read(k)).collect()
    }
}

impl Drop for Mmap {
    fn drop(&mut self) {
        // SAFETY: the mapping is this value's alone, and it is going away.
        let _ = unsafe { sys::munmap(self.addr, self.len) };
    }
}
