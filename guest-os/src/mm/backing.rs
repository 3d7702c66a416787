//! What a file mapping reads its pages from, as mm sees it: a file object
//! that fs implements for its files (and mm for the trampoline page). mm
//! asks it for frames and never names fs, so mm sits under fs and proc.

use alloc::rc::Rc;
use guest_os::mm::uvm::FaultError;
use sv39_arch::Ppn;

pub trait MappedFile {
    /// The inode number: futex keys of shared mappings, /proc/PID/maps.
    fn ino(&self) -> u64;
    /// Whether no name links to the file any more ("(deleted)" in maps).
    fn unlinked(&self) -> bool;
    /// The frame of page `index` with one more reference for the caller,
    /// and whether this call read it in (a major fault). `writable` for a
    /// shared writable mapping (its stores dirty the page unseen). PastEnd
    /// beyond the file's end; NoMemory when no frame is left.
    fn page(&self, index: u64, writable: bool) -> Result<(Ppn, bool), FaultError>;
}

/// A file as mappings hold it.
pub type FileRef = Rc<dyn MappedFile>;

/// Whether `a` and `b` are the same file.
pub fn same_file(a: &FileRef, b: &FileRef) -> bool {
    a.ino() == b.ino()
}
