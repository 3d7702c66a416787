//! The in-memory file system: a tree of directories, regular files and
//! device nodes. A file's contents are its page cache: frames, one per 4 KiB
//! page, that `read`, `write` and mappings all share; files from the
//! initramfs read their pages in from the archive when first wanted (holes
//! are absent pages and read as zeros). Under memory pressure mm asks for
//! the pages no mapping holds back (`reclaim`): the files are tmpfs, so
//! their dirty pages go to swap, as Linux's shmem pages do.

use super::dev::Device;
use crate::mm::address_space;
use crate::mm::backing::MappedFile;
use crate::mm::cached_frame::CachedFrame;
use crate::mm::swap::{self, FileCaches};
use crate::sync::Global;
use alloc::collections::BTreeMap;
use alloc::rc::{Rc, Weak};
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use guest_os::mm::page_cache::{CacheError, PageCache};
use sv39_abi::stat::{S_IFDIR, S_IFMT, S_IFREG};
use guest_os::mm::uvm::FaultError;
use sv39_abi::Errno;
use sv39_arch::Ppn;

/// The most inodes alive at once: bounds the kernel heap they take.
const MAX_INODES: usize = 8192;

pub type Inode = Rc<InodeData>;

pub struct InodeData {
    pub ino: u64,
    /// `st_mode`: type and permission bits.
    pub mode: u32,
    pub body: Body,
    /// Directory entries naming this inode.
    pub nlink: Cell<u32>,
}

pub enum Body {
    Dir(RefCell<BTreeMap<String, Inode>>),
    File(RefCell<FileData>),
    Device(Device),
}

struct Counters {
    next_ino: u64,
    live: usize,
}

static COUNTERS: Global<Counters> = Global::new(Counters { next_ino: 1, live: 0 });
static ROOT: Global<Option<Inode>> = Global::new(None);

/// Every regular file alive, linked or only open or mapped, for reclaim;
/// and where the last reclaim stopped.
struct Files {
    list: Vec<Weak<InodeData>>,
    hand: usize,
}

static FILES: Global<Files> = Global::new(Files { list: Vec::new(), hand: 0 });
/// Pages of one file looked at per page wanted.
const RECLAIM_SCAN: usize = 4;

impl Drop for InodeData {
    fn drop(&mut self) {
        COUNTERS.borrow_mut().live -= 1;
    }
}

/// A new inode of `mode` with `body` (ENOSPC past MAX_INODES).
pub fn new_inode(mode: u32, body: Body) -> Result<Inode, Errno> {
    let ino = {
        let mut c = COUNTERS.borrow_mut();
        if c.live >= MAX_INODES {
            return Err(Errno::ENOSPC);
        }
        c.live += 1;
        c.next_ino += 1;
        c.next_ino
    };
    Ok(Rc::new(InodeData { ino, mode, body, nlink: Cell::new(0) }))
}

pub fn new_dir(perm: u32) -> Result<Inode, Errno> {
    new_inode(S_IFDIR | perm, Body::Dir(RefCell::new(BTreeMap::new())))
}

pub fn new_file(perm: u32) -> Result<Inode, Errno> {
    new_regular(perm, FileData::default())
}

/// A regular file whose contents are `store` (read in page by page).
pub fn new_stored_file(perm: u32, store: &'static [u8]) -> Result<Inode, Errno> {
    new_regular(perm, FileData::with_store(store))
}

fn new_regular(perm: u32, data: FileData) -> Result<Inode, Errno> {
    let inode = new_inode(S_IFREG | perm, Body::File(RefCell::new(data)))?;
    let mut files = FILES.borrow_mut();
    if files.list.len() >= 2 * MAX_INODES {
        files.list.retain(|f| f.strong_count() > 0);
    }
    files.list.push(Rc::downgrade(&inode));
    Ok(inode)
}

/// Registers the page caches with mm's reclaim.
pub fn init() {
    swap::register_file_caches(FileCaches { reclaim, bring_in_area });
}

/// Frees up to `want` frames from the files' page caches, on from where
/// the last call stopped; a file in use at the moment (borrowed) is passed
/// over.
fn reclaim(want: usize) -> usize {
    let (files, hand): (Vec<Inode>, usize) = {
        let mut f = FILES.borrow_mut();
        f.list.retain(|w| w.strong_count() > 0);
        let hand = if f.hand < f.list.len() { f.hand } else { 0 };
        let (behind, ahead) = f.list.split_at(hand);
        (ahead.iter().chain(behind).filter_map(Weak::upgrade).collect(), hand)
    };
    let mut got = 0;
    for (seen, inode) in files.iter().enumerate() {
        if got >= want {
            FILES.borrow_mut().hand = (hand + seen) % files.len();
            break;
        }
        if let Body::File(data) = &inode.body {
            if let Ok(mut data) = data.try_borrow_mut() {
                got += data.reclaim(want - got, (want - got) * RECLAIM_SCAN);
            }
        }
    }
    got
}

/// Reads back every file page put out to swap area `area`.
fn bring_in_area(area: usize) -> Result<usize, Errno> {
    let files: Vec<Inode> = FILES.borrow().list.iter().filter_map(Weak::upgrade).collect();
    let mut back = 0;
    for inode in &files {
        if let Body::File(data) = &inode.body {
            back += data.borrow_mut().bring_in_all(|out| out.area() == area).map_err(|e| cache_errno(e, false))?;
        }
    }
    Ok(back)
}

pub fn new_device(dev: Device) -> Result<Inode, Errno> {
    new_inode(dev.mode(), Body::Device(dev))
}

/// The root directory (created on first use).
pub fn root() -> Inode {
    let mut root = ROOT.borrow_mut();
    if root.is_none() {
        let dir = new_dir(0o755).expect("no room for the root directory");
        dir.nlink.set(2);
        *root = Some(dir);
    }
    root.as_ref().map(Rc::clone).unwrap_or_else(|| unreachable!())
}

impl InodeData {
    pub fn is_dir(&self) -> bool {
        self.mode & S_IFMT == S_IFDIR
    }

    fn entries(&self) -> Result<&RefCell<BTreeMap<String, Inode>>, Errno> {
        match &self.body {
            Body::Dir(d) => Ok(d),
            _ => Err(Errno::ENOTDIR),
        }
    }

    /// The entry `name` of this directory.
    pub fn child(&self, name: &str) -> Result<Inode, Errno> {
        self.entries()?.borrow().get(name).cloned().ok_or(Errno::ENOENT)
    }

    /// Adds `inode` as `name` (EEXIST if taken).
    pub fn link(&self, name: &str, inode: Inode) -> Result<(), Errno> {
        let mut entries = self.entries()?.borrow_mut();
        if entries.contains_key(name) {
            return Err(Errno::EEXIST);
        }
        inode.nlink.set(inode.nlink.get() + if inode.is_dir() { 2 } else { 1 });
        entries.insert(String::from(name), inode);
        Ok(())
    }

    /// Removes the entry `name`; a directory must be empty and `dir` set.
    pub fn unlink(&self, name: &str, dir: bool) -> Result<(), Errno> {
        let mut entries = self.entries()?.borrow_mut();
        let target = entries.get(name).ok_or(Errno::ENOENT)?;
        match (dir, target.is_dir()) {
            (false, true) => return Err(Errno::EISDIR),
            (true, false) => return Err(Errno::ENOTDIR),
            (true, true) if !target.entries()?.borrow().is_empty() => return Err(Errno::ENOTEMPTY),
            _ => {}
        }
        target.nlink.set(0);
        entries.remove(name);
        Ok(())
    }

    /// The names and inodes of a directory, in name order.
    pub fn list(&self) -> Result<Vec<(String, Inode)>, Errno> {
        Ok(self.entries()?.borrow().iter().map(|(n, i)| (n.clone(), Rc::clone(i))).collect())
    }

    /// The size in bytes (regular files).
    pub fn size(&self) -> u64 {
        match &self.body {
            Body::File(f) => f.borrow().size(),
            _ => 0,
        }
    }
}

/// Walks `parts` down from the root.
pub fn lookup(parts: &[&str]) -> Result<Inode, Errno> {
    let mut node = root();
    for name in parts {
        node = node.child(name)?;
    }
    Ok(node)
}

/// The contents of a regular file: its page cache (mm/page_cache.rs).
pub type FileData = PageCache<CachedFrame>;

/// The errno for a page-cache failure: ENOSPC when writing, ENOMEM
/// otherwise; EFBIG past the largest file.
/// A file mapped into address spaces: its pages are its page cache's.
impl MappedFile for InodeData {
    fn ino(&self) -> u64 {
        self.ino
    }

    fn unlinked(&self) -> bool {
        self.nlink.get() == 0
    }

    fn page(&self, index: u64, writable: bool) -> Result<(Ppn, bool), FaultError> {
        let Body::File(data) = &self.body else { return Err(FaultError::NoMapping) };
        match data.borrow_mut().page(index, writable) {
            Ok((page, read_in)) => Ok((page.frame().share().into_raw(), read_in)),
            Err(CacheError::PastEnd) => Err(FaultError::PastEnd),
            Err(_) => Err(FaultError::NoMemory),
        }
    }
}

/// Cuts or extends the file `inode` to `len` bytes (ftruncate, O_TRUNC);
/// every mapping of it loses its pages past the new end, so touching them
/// is a SIGBUS, as in Linux.
pub fn truncate(inode: &Inode, len: u64) -> Result<(), Errno> {
    let Body::File(data) = &inode.body else { return Err(Errno::EINVAL) };
    let old = data.borrow().size();
    data.borrow_mut().truncate(len).map_err(|e| cache_errno(e, true))?;
    if len < old {
        address_space::file_truncated(inode.ino, len);
    }
    Ok(())
}

pub fn cache_errno(e: CacheError, writing: bool) -> Errno {
    match e {
        CacheError::TooBig => Errno::EFBIG,
        CacheError::NoMemory if writing => Errno::ENOSPC,
        CacheError::NoMemory => Errno::ENOMEM,
        CacheError::PastEnd => Errno::EINVAL,
        CacheError::Io => Errno::EIO,
    }
}
