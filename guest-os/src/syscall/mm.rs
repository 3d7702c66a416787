//! Memory system calls with Linux's semantics and errors: brk, mmap,
//! munmap, mprotect, msync, madvise, mremap.
//!
//! A shared file mapping maps the file's page-cache frames themselves, so
//! what is written through it is in the file at once (read() sees it, and
//! msync has nothing left to write back); a private one maps them read-only
//! and copies a page on its first write. Shared anonymous memory is an
//! unnamed file, so it stays shared across fork.

use super::SysResult;
use crate::fs::dev::Device;
use crate::fs::ramfs::{self, Body};
use crate::fs::p9fs::SharedFile;
use crate::fs::vfs::{File, FileKind};
use crate::memlayout::{MMAP_MIN_ADDR, USER_TOP};
use crate::mm::address_space::{Access, AddressSpace, FileMap, Label, Mapping};
use crate::proc::scheduler;
use alloc::rc::Rc;
use guest_os::mm::vma::{Backing, Perms};
use sv39_abi::fcntl::O_APPEND;
use sv39_abi::mman::*;
use sv39_abi::Errno;
use sv39_arch::sv39::PAGE_SIZE;

/// Runs `f` on the current process's address space.
fn with_space<R>(f: impl FnOnce(&mut AddressSpace) -> Result<R, Errno>) -> Result<R, Errno> {
    let p = scheduler::current();
    let space = p.inner.borrow().space.clone().ok_or(Errno::ENOMEM)?;
    let mut space = space.borrow_mut();
    f(&mut space)
}

fn page_aligned(x: u64) -> bool {
    x.is_multiple_of(PAGE_SIZE)
}

/// `len` rounded up to whole pages; `None` past the user half.
fn page_len(len: u64) -> Option<u64> {
    len.checked_add(PAGE_SIZE - 1).map(|l| l & !(PAGE_SIZE - 1)).filter(|&l| l <= USER_TOP)
}

/// brk: moves the program break; returns the break in force (Linux's
/// convention: the old break when the move failed).
pub fn brk(addr: u64) -> SysResult {
    with_space(|s| Ok(s.set_brk(addr) as usize))
}

/// The flags mmap knows (MAP_SHARED_VALIDATE refuses others).
const KNOWN_FLAGS: u32 = MAP_TYPE
    | MAP_FIXED
    | MAP_ANONYMOUS
    | MAP_GROWSDOWN
    | MAP_DENYWRITE
    | MAP_EXECUTABLE
    | MAP_LOCKED
    | MAP_NORESERVE
    | MAP_POPULATE
    | MAP_NONBLOCK
    | MAP_STACK
    | MAP_FIXED_NOREPLACE;

/// What an mmap maps: anonymous memory, or the file `fd` names.
fn mmap_backing(fd: i32, offset: u64, len: u64, prot: u32, flags: u32) -> Result<Mapping, Errno> {
    let shared = flags & MAP_TYPE != MAP_PRIVATE;
    if flags & MAP_ANONYMOUS != 0 {
        return anonymous(shared, len);
    }
    let file = super::fs::file(fd)?;
    let inode = match &file.kind {
        FileKind::Inode(i) => Rc::clone(i),
        FileKind::Shared(s) => return shared_file_copy(&file, s, offset, len, prot, flags),
        _ => return Err(Errno::ENODEV),
    };
    match &inode.body {
        Body::File(_) => {}
        Body::Device(Device::Zero) => return anonymous(shared, len),
        _ => return Err(Errno::ENODEV),
    }
    let writes = shared && prot & PROT_WRITE != 0;
    if !file.readable() || (writes && (!file.writable() || file.flags.get() & O_APPEND != 0)) {
        return Err(Errno::EACCES);
    }
    let writable = shared && file.writable() && file.flags.get() & O_APPEND == 0;
    let path = Rc::from(file.path.as_str());
    let map = FileMap { file: inode, offset, zero_from: None, path, writable };
    Ok(Mapping { file: Some(map), shared, label: Label::File })
}

/// A mapping of a 9P share's file: a private copy of the mapped range
/// taken now (p9fs keeps no page cache). Writable shared mappings would
/// have to write back to the server: ENODEV, as Linux's 9p without a cache.
fn shared_file_copy(file: &File, s: &SharedFile, offset: u64, len: u64, prot: u32, flags: u32) -> Result<Mapping, Errno> {
    let shared = flags & MAP_TYPE != MAP_PRIVATE;
    if !file.readable() {
        return Err(Errno::EACCES);
    }
    if shared && prot & PROT_WRITE != 0 {
        return Err(Errno::ENODEV);
    }
    let copy = s.snapshot(offset, len)?;
    let map = FileMap { file: copy, offset, zero_from: None, path: Rc::from(file.path.as_str()), writable: false };
    Ok(Mapping { file: Some(map), shared, label: Label::File })
}

/// Private anonymous memory, or for `shared` an unnamed file of `len`
/// bytes (Linux's shmem object for MAP_SHARED | MAP_ANONYMOUS).
fn anonymous(shared: bool, len: u64) -> Result<Mapping, Errno> {
    if !shared {
        return Ok(Mapping::anon(Label::Anon));
    }
    let inode = ramfs::new_file(0o600)?;
    ramfs::truncate(&inode, len)?;
    let map = FileMap { file: inode, offset: 0, zero_from: None, path: Rc::from("[anon]"), writable: true };
    Ok(Mapping { file: Some(map), shared: true, label: Label::Anon })
}

/// Where an mmap goes: `addr` itself with MAP_FIXED (replacing what is
/// there) or MAP_FIXED_NOREPLACE (EEXIST if taken), else a free range,
/// at `addr` if it can be.
fn mmap_place(s: &mut AddressSpace, addr: u64, len: u64, flags: u32) -> Result<u64, Errno> {
    if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) == 0 {
        return s.find_free(len, addr).ok_or(Errno::ENOMEM);
    }
    let end = addr.checked_add(len).filter(|&e| e <= USER_TOP).ok_or(Errno::ENOMEM)?;
    if addr < MMAP_MIN_ADDR {
        return Err(Errno::EPERM);
    }
    if flags & MAP_FIXED == 0 && s.vmas().overlaps(addr, end) {
        return Err(Errno::EEXIST);
    }
    s.unmap(addr, end);
    Ok(addr)
}

pub fn mmap(addr: u64, len: u64, prot: u32, flags: u32, fd: i32, offset: u64) -> SysResult {
    let kind = flags & MAP_TYPE;
    if !page_aligned(offset) || len == 0 || !matches!(kind, MAP_SHARED | MAP_PRIVATE | MAP_SHARED_VALIDATE) {
        return Err(Errno::EINVAL);
    }
    if kind == MAP_SHARED_VALIDATE && flags & !KNOWN_FLAGS != 0 {
        return Err(Errno::EOPNOTSUPP);
    }
    if flags & (MAP_FIXED | MAP_FIXED_NOREPLACE) != 0 && !page_aligned(addr) {
        return Err(Errno::EINVAL);
    }
    let len = page_len(len).ok_or(Errno::ENOMEM)?;
    if flags & MAP_ANONYMOUS == 0 && offset.checked_add(len).is_none() {
        return Err(Errno::EOVERFLOW);
    }
    let backing = mmap_backing(fd, offset, len, prot, flags)?;
    let perms = Perms::from_prot(prot);
    let populate = match (flags & MAP_POPULATE != 0, perms == Perms::NONE, backing.shared) {
        (true, false, false) if perms.allows(Perms::W) => Some(Access::Write),
        (true, false, _) => Some(Access::Read),
        _ => None,
    };
    with_space(|s| {
        s.check_room(2)?;
        let start = mmap_place(s, addr, len, flags)?;
        s.map(start, start + len, perms, backing)?;
        if let Some(access) = populate {
            // As in Linux, a population that runs out of memory is no error.
            let _ = s.populate(start, start + len, access);
        }
        Ok(start as usize)
    })
}

/// `[addr, addr + len)` page-rounded, for munmap, mprotect, msync and
/// madvise: EINVAL for a misaligned start, `overflow` past the user half.
fn range(addr: u64, len: u64, overflow: Errno) -> Result<(u64, u64), Errno> {
    if !page_aligned(addr) {
        return Err(Errno::EINVAL);
    }
    let end = page_len(len).and_then(|l| addr.checked_add(l)).filter(|&e| e <= USER_TOP).ok_or(overflow)?;
    Ok((addr, end))
}

pub fn munmap(addr: u64, len: u64) -> SysResult {
    if len == 0 {
        return Err(Errno::EINVAL);
    }
    let (start, end) = range(addr, len, Errno::EINVAL)?;
    with_space(|s| {
        s.check_room(1)?;
        s.unmap(start, end);
        Ok(0)
    })
}

pub fn mprotect(addr: u64, len: u64, prot: u32) -> SysResult {
    if prot & !(PROT_READ | PROT_WRITE | PROT_EXEC | PROT_SEM | PROT_GROWSDOWN | PROT_GROWSUP) != 0 {
        return Err(Errno::EINVAL);
    }
    let (start, end) = range(addr, len, Errno::ENOMEM)?;
    let perms = Perms::from_prot(prot);
    with_space(|s| {
        if !s.vmas().covers(start, end) {
            return Err(Errno::ENOMEM);
        }
        s.check_room(2)?;
        let read_only_file = |v: &guest_os::mm::vma::Vma<Mapping>| {
            v.backing.shared && v.backing.file.as_ref().is_some_and(|f| !f.writable)
        };
        if perms.allows(Perms::W) && s.vmas().range(start, end).any(read_only_file) {
            return Err(Errno::EACCES);
        }
        s.protect(start, end, perms).map_err(|_| Errno::ENOMEM)?;
        Ok(0)
    })
}

/// msync: a shared mapping holds the file's own pages, so there is nothing
/// to write back; the range must be mapped.
pub fn msync(addr: u64, len: u64, flags: u32) -> SysResult {
    if flags & !(MS_ASYNC | MS_INVALIDATE | MS_SYNC) != 0 || flags & MS_ASYNC != 0 && flags & MS_SYNC != 0 {
        return Err(Errno::EINVAL);
    }
    let (start, end) = range(addr, len, Errno::ENOMEM)?;
    with_space(|s| if s.vmas().covers(start, end) { Ok(0) } else { Err(Errno::ENOMEM) })
}

/// madvise: MADV_DONTNEED (and MADV_FREE) drop the pages of the range, so
/// private memory reads as zero (or as the file) again; the other known
/// advice is accepted and changes nothing. ENOMEM if part is unmapped.
pub fn madvise(addr: u64, len: u64, advice: u32) -> SysResult {
    let drops = match advice {
        MADV_DONTNEED | MADV_FREE => true,
        MADV_NORMAL | MADV_RANDOM | MADV_SEQUENTIAL | MADV_WILLNEED | MADV_DONTFORK | MADV_DOFORK | MADV_HUGEPAGE
        | MADV_NOHUGEPAGE => false,
        _ => return Err(Errno::EINVAL),
    };
    let (start, end) = range(addr, len, Errno::EINVAL)?;
    with_space(|s| {
        if drops {
            s.discard(start, end);
        }
        if s.vmas().covers(start, end) {
            Ok(0)
        } else {
            Err(Errno::ENOMEM)
        }
    })
}

/// The mremap request after its checks.
struct Remap {
    old: u64,
    old_len: u64,
    new_len: u64,
    flags: u32,
    new_addr: u64,
}

pub fn mremap(old: u64, old_size: u64, new_size: u64, flags: u32, new_addr: u64) -> SysResult {
    if flags & !(MREMAP_MAYMOVE | MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 || !page_aligned(old) {
        return Err(Errno::EINVAL);
    }
    if flags & (MREMAP_FIXED | MREMAP_DONTUNMAP) != 0 && flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::EINVAL);
    }
    let (old_len, new_len) = (page_len(old_size).ok_or(Errno::EINVAL)?, page_len(new_size).ok_or(Errno::EINVAL)?);
    if new_len == 0 || flags & MREMAP_DONTUNMAP != 0 && old_len != new_len {
        return Err(Errno::EINVAL);
    }
    let r = Remap { old, old_len, new_len, flags, new_addr };
    with_space(|s| {
        s.check_room(3)?;
        remap(s, &r).map(|a| a as usize)
    })
}

fn remap(s: &mut AddressSpace, r: &Remap) -> Result<u64, Errno> {
    let vma = s.vmas().find(r.old).ok_or(Errno::EFAULT)?;
    let (vma_start, vma_end, perms) = (vma.start, vma.end, vma.perms);
    let backing = vma.backing.advance(r.old - vma_start);
    if r.old_len == 0 {
        return duplicate_shared(s, r, perms, &backing);
    }
    let old_end = r.old.checked_add(r.old_len).filter(|&e| e <= vma_end).ok_or(Errno::EFAULT)?;
    if r.flags & MREMAP_FIXED != 0 {
        return remap_fixed(s, r, perms, &backing);
    }
    if r.new_len <= r.old_len && r.flags & MREMAP_DONTUNMAP == 0 {
        s.unmap(r.old + r.new_len, old_end);
        return Ok(r.old);
    }
    if old_end == vma_end
        && r.flags & MREMAP_DONTUNMAP == 0
        && s.find_free(r.new_len - r.old_len, old_end) == Some(old_end)
    {
        s.resize(vma_start, r.old + r.new_len)?;
        return Ok(r.old);
    }
    if r.flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::ENOMEM);
    }
    let to = s.find_free(r.new_len, 0).ok_or(Errno::ENOMEM)?;
    move_to(s, r, to, perms, &backing)
}

/// The target of MREMAP_FIXED: aligned, in the user half, apart from the
/// old range.
fn fixed_target(r: &Remap) -> Result<u64, Errno> {
    let to = r.new_addr;
    let to_end = to.checked_add(r.new_len).filter(|&e| e <= USER_TOP).ok_or(Errno::EINVAL)?;
    if !page_aligned(to) || to < r.old + r.old_len && r.old < to_end {
        return Err(Errno::EINVAL);
    }
    Ok(to)
}

/// MREMAP_FIXED: the target range is cleared, the mapping moved there.
fn remap_fixed(s: &mut AddressSpace, r: &Remap, perms: Perms, backing: &Mapping) -> Result<u64, Errno> {
    let to = fixed_target(r)?;
    s.unmap(to, to + r.new_len);
    move_to(s, r, to, perms, backing)
}

/// Moves the old range (backed by `backing`) to `to` and sizes it to the
/// new length; with MREMAP_DONTUNMAP the old range stays mapped, empty.
fn move_to(s: &mut AddressSpace, r: &Remap, to: u64, perms: Perms, backing: &Mapping) -> Result<u64, Errno> {
    let moved = r.old_len.min(r.new_len);
    if r.old_len > moved {
        s.unmap(r.old + moved, r.old + r.old_len);
    }
    s.move_range(r.old, moved, to)?;
    if r.new_len > moved {
        let start = s.vmas().find(to).map_or(to, |v| v.start);
        s.resize(start, to + r.new_len)?;
    }
    if r.flags & MREMAP_DONTUNMAP != 0 {
        s.map(r.old, r.old + moved, perms, backing.clone())?;
    }
    Ok(to)
}

/// mremap with old_size 0: a second mapping of the same shared pages.
fn duplicate_shared(s: &mut AddressSpace, r: &Remap, perms: Perms, backing: &Mapping) -> Result<u64, Errno> {
    if !backing.shared || r.flags & MREMAP_MAYMOVE == 0 {
        return Err(Errno::EINVAL);
    }
    let to =
        if r.flags & MREMAP_FIXED != 0 { fixed_target(r)? } else { s.find_free(r.new_len, 0).ok_or(Errno::ENOMEM)? };
    s.unmap(to, to + r.new_len);
    s.map(to, to + r.new_len, perms, backing.clone())?;
    Ok(to)
}
