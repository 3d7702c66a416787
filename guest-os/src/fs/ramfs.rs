//! The in-memory file system: a tree of directories, regular files and
//! device nodes. File contents live in frames, one per 4 KiB page (holes are
//! absent pages and read as zeros), so issue 4 can map file pages directly.

use super::dev::Device;
use crate::mm::frame::Frame;
use crate::sync::Global;
use alloc::collections::BTreeMap;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec::Vec;
use core::cell::{Cell, RefCell};
use sv39_abi::stat::{S_IFCHR, S_IFDIR, S_IFMT, S_IFREG};
use sv39_abi::Errno;
use sv39_arch::sv39::PAGE_SIZE;

/// The most inodes alive at once: bounds the kernel heap they take.
const MAX_INODES: usize = 8192;
/// The largest file.
pub const MAX_FILE_SIZE: u64 = 1 << 30;

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
    new_inode(S_IFREG | perm, Body::File(RefCell::new(FileData::default())))
}

pub fn new_device(dev: Device) -> Result<Inode, Errno> {
    new_inode(S_IFCHR | 0o666, Body::Device(dev))
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
            Body::File(f) => f.borrow().size,
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

/// The contents of a regular file.
#[derive(Default)]
pub struct FileData {
    pages: Vec<Option<Frame>>,
    size: u64,
}

impl FileData {
    /// Copies bytes from `offset` into `buf`; returns how many (0 at the end).
    pub fn read_at(&self, offset: u64, buf: &mut [u8]) -> usize {
        let end = self.size.min(offset.saturating_add(buf.len() as u64));
        let mut at = offset;
        while at < end {
            let (page, within) = ((at / PAGE_SIZE) as usize, (at % PAGE_SIZE) as usize);
            let n = ((PAGE_SIZE as usize - within) as u64).min(end - at) as usize;
            let dst = &mut buf[(at - offset) as usize..][..n];
            match &self.pages[page] {
                Some(f) => dst.copy_from_slice(&f.bytes()[within..within + n]),
                None => dst.fill(0),
            }
            at += n as u64;
        }
        end.saturating_sub(offset) as usize
    }

    /// Writes `data` at `offset`, growing the file (EFBIG, ENOSPC).
    pub fn write_at(&mut self, offset: u64, data: &[u8]) -> Result<usize, Errno> {
        let end = offset.checked_add(data.len() as u64).ok_or(Errno::EFBIG)?;
        if end > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let mut at = offset;
        while at < end {
            let (page, within) = ((at / PAGE_SIZE) as usize, (at % PAGE_SIZE) as usize);
            let n = ((PAGE_SIZE as usize - within) as u64).min(end - at) as usize;
            let frame = self.page_mut(page)?;
            frame.bytes_mut()[within..within + n].copy_from_slice(&data[(at - offset) as usize..][..n]);
            at += n as u64;
            self.size = self.size.max(at);
        }
        Ok(data.len())
    }

    /// The frame of page `index`, allocated (zeroed) if absent.
    fn page_mut(&mut self, index: usize) -> Result<&mut Frame, Errno> {
        if self.pages.len() <= index {
            self.pages.try_reserve(index + 1 - self.pages.len()).map_err(|_| Errno::ENOSPC)?;
            self.pages.resize_with(index + 1, || None);
        }
        if self.pages[index].is_none() {
            self.pages[index] = Some(Frame::alloc().map_err(|_| Errno::ENOSPC)?);
        }
        self.pages[index].as_mut().ok_or(Errno::ENOSPC)
    }

    /// Cuts or extends (with a hole) the file to `len` bytes.
    pub fn truncate(&mut self, len: u64) -> Result<(), Errno> {
        if len > MAX_FILE_SIZE {
            return Err(Errno::EFBIG);
        }
        let keep = len.div_ceil(PAGE_SIZE) as usize;
        if keep < self.pages.len() {
            self.pages.truncate(keep);
        }
        if !len.is_multiple_of(PAGE_SIZE) && len < self.size {
            if let Some(Some(f)) = self.pages.get_mut(keep - 1) {
                f.bytes_mut()[(len % PAGE_SIZE) as usize..].fill(0);
            }
        }
        self.size = len;
        Ok(())
    }

    pub fn size(&self) -> u64 {
        self.size
    }
}
