//! Executable memory for translated blocks: one anonymous mapping, readable
//! and executable, made writable only for the pages being written and back
//! again before any of it runs (never writable and executable at once).

use std::io;

/// Blocks are placed at this alignment (a host cache line half).
const ALIGN: usize = 16;
const HOST_PAGE: usize = 4096;

pub struct CodeBuffer {
    base: *mut u8,
    size: usize,
    used: usize,
}

impl CodeBuffer {
    pub fn new(size: usize) -> io::Result<CodeBuffer> {
        // SAFETY: an anonymous private mapping at an address the kernel picks;
        // nothing else refers to it.
        let base = unsafe {
            libc::mmap(
                std::ptr::null_mut(),
                size,
                libc::PROT_READ | libc::PROT_EXEC,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
                -1,
                0,
            )
        };
        if base == libc::MAP_FAILED {
            return Err(io::Error::last_os_error());
        }
        Ok(CodeBuffer { base: base as *mut u8, size, used: 0 })
    }

    /// The host address the next `append` places its bytes at.
    pub fn next_addr(&self) -> usize {
        self.base as usize + self.used
    }

    /// Copies `bytes` to `next_addr()`; None when the buffer is full.
    pub fn append(&mut self, bytes: &[u8]) -> Option<usize> {
        let at = self.used;
        if at + bytes.len() > self.size {
            return None;
        }
        self.write(at, bytes);
        self.used = (at + bytes.len()).next_multiple_of(ALIGN);
        Some(self.base as usize + at)
    }

    /// Points the `jmp rel32` whose displacement is at host address `at` to `target`.
    pub fn patch_rel32(&mut self, at: usize, target: usize) {
        let rel = (target as i64 - (at as i64 + 4)) as i32;
        self.write(at - self.base as usize, &rel.to_le_bytes());
    }

    /// Forgets everything placed after the first `keep` bytes.
    pub fn truncate(&mut self, keep: usize) {
        self.used = keep;
    }

    pub fn used(&self) -> usize {
        self.used
    }

    /// Writes `bytes` at offset `at`: its pages become writable (not
    /// executable) for the copy, then executable (not writable) again.
    fn write(&mut self, at: usize, bytes: &[u8]) {
        let start = at & !(HOST_PAGE - 1);
        let end = (at + bytes.len()).next_multiple_of(HOST_PAGE).min(self.size);
        // SAFETY: [start, end) lies inside the mapping; no translated code runs
        // while it is being written (the hart is in the dispatcher).
        unsafe {
            let pages = self.base.add(start) as *mut libc::c_void;
            protect(pages, end - start, libc::PROT_READ | libc::PROT_WRITE);
            std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.base.add(at), bytes.len());
            protect(pages, end - start, libc::PROT_READ | libc::PROT_EXEC);
        }
    }
}

/// mprotect on pages of our own mapping. A failure would leave the buffer
/// unusable, and there is no way on from it: the process stops with a message.
///
/// # Safety
/// `addr..addr + len` must be page-aligned and inside a mapping we own.
unsafe fn protect(addr: *mut libc::c_void, len: usize, prot: libc::c_int) {
    if libc::mprotect(addr, len, prot) != 0 {
        eprintln!("sv39: jit: mprotect failed: {}", io::Error::last_os_error());
        std::process::abort();
    }
}

impl Drop for CodeBuffer {
    fn drop(&mut self) {
        // SAFETY: the mapping was made by `new` with this size and nothing runs in it now.
        unsafe { libc::munmap(self.base as *mut libc::c_void, self.size) };
    }
}
