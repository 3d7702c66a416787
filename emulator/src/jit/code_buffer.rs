//! Executable memory for translated blocks: one memory file mapped twice,
//! read+write where code is written and read+execute where it runs, so no
//! mapping is ever writable and executable, and writing costs no mprotect.

use std::io;

/// Blocks are placed at this alignment (a host cache line half).
const ALIGN: usize = 16;
/// The views are made resident this much at a time, ahead of the code
/// written into them (`populate`).
const CHUNK: usize = 1 << 20;

pub struct CodeBuffer {
    /// The read+write view and the read+execute view of the same pages.
    write_view: *mut u8,
    exec_view: *mut u8,
    size: usize,
    used: usize,
    /// Bytes from the start both views hold resident.
    resident: usize,
}

impl CodeBuffer {
    pub fn new(size: usize) -> io::Result<CodeBuffer> {
        // SAFETY: plain system calls on a file descriptor we create and own;
        // the two mappings are private to this buffer.
        unsafe {
            let fd = libc::memfd_create(c"sv39-jit".as_ptr(), libc::MFD_CLOEXEC);
            if fd < 0 {
                return Err(io::Error::last_os_error());
            }
            let map = |prot| libc::mmap(std::ptr::null_mut(), size, prot, libc::MAP_SHARED, fd, 0);
            let sized = libc::ftruncate(fd, size as libc::off_t) == 0;
            let write_view = if sized { map(libc::PROT_READ | libc::PROT_WRITE) } else { libc::MAP_FAILED };
            let exec_view = if sized { map(libc::PROT_READ | libc::PROT_EXEC) } else { libc::MAP_FAILED };
            let err = io::Error::last_os_error();
            libc::close(fd); // the mappings keep the file
            if write_view == libc::MAP_FAILED || exec_view == libc::MAP_FAILED {
                for view in [write_view, exec_view].into_iter().filter(|&v| v != libc::MAP_FAILED) {
                    libc::munmap(view, size);
                }
                return Err(err);
            }
            Ok(CodeBuffer {
                write_view: write_view as *mut u8,
                exec_view: exec_view as *mut u8,
                size,
                used: 0,
                resident: 0,
            })
        }
    }

    /// The host address the next `append` places its bytes at.
    pub fn next_addr(&self) -> usize {
        self.exec_view as usize + self.used
    }

    /// Copies `bytes` to `next_addr()`; None when the buffer is full.
    pub fn append(&mut self, bytes: &[u8]) -> Option<usize> {
        let at = self.used;
        if at + bytes.len() > self.size {
            return None;
        }
        while self.resident < at + bytes.len() {
            self.populate();
        }
        self.write(at, bytes);
        self.used = (at + bytes.len()).next_multiple_of(ALIGN);
        Some(self.exec_view as usize + at)
    }

    /// Points the `jmp rel32` whose displacement is at host address `at` to `target`.
    pub fn patch_rel32(&mut self, at: usize, target: usize) {
        let rel = (target as i64 - (at as i64 + 4)) as i32;
        self.write(at - self.exec_view as usize, &rel.to_le_bytes());
    }

    /// Forgets everything placed after the first `keep` bytes.
    pub fn truncate(&mut self, keep: usize) {
        self.used = keep;
    }

    pub fn used(&self) -> usize {
        self.used
    }

    /// Makes the next `CHUNK` of both views resident: one
    /// madvise(MADV_POPULATE_WRITE) and one MADV_POPULATE_READ instead of
    /// two page faults per page of code, its first write and its first run
    /// (kernel suite: 11 MB of code, 5,500 faults). Advice only: without it
    /// (Linux < 5.14) the pages fault in as before.
    fn populate(&mut self) {
        let len = CHUNK.min(self.size - self.resident);
        // SAFETY: the range lies inside both mappings; populating changes no byte.
        unsafe {
            let at = |view: *mut u8| view.add(self.resident) as *mut libc::c_void;
            libc::madvise(at(self.write_view), len, libc::MADV_POPULATE_WRITE);
            libc::madvise(at(self.exec_view), len, libc::MADV_POPULATE_READ);
        }
        self.resident += len;
    }

    /// Writes `bytes` at offset `at`, through the writable view.
    fn write(&mut self, at: usize, bytes: &[u8]) {
        debug_assert!(at + bytes.len() <= self.size);
        // SAFETY: [at, at + len) lies inside the mapping; no translated code
        // runs while it is written (the hart is in the dispatcher).
        unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), self.write_view.add(at), bytes.len()) };
    }
}

impl Drop for CodeBuffer {
    fn drop(&mut self) {
        // SAFETY: both views were made by `new` with this size and nothing runs in them now.
        unsafe {
            libc::munmap(self.write_view as *mut libc::c_void, self.size);
            libc::munmap(self.exec_view as *mut libc::c_void, self.size);
        }
    }
}
