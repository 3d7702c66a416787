//! execve: replaces a process's program with a static RV64 ELF from the file
//! system. The new address space is built completely (segments mapped from
//! the file, heap placed, stack laid out as Linux does) before anything of
//! the old program is touched, so a failed exec leaves the caller as it was.
//!
//! Nothing is read or copied up front but the headers and the initial
//! stack: each segment is a private mapping of the program file (its bss
//! past the file bytes anonymous), filled from the page cache on first
//! touch, so every process running one program shares its text frames.

use super::elf::{self, ElfError, LoadPlan, Segment, PHENT};
use super::process::Process;
use super::stack::{self, StackArgs};
use crate::fs::ramfs::{self, Body, Inode};
use crate::fs::vfs;
use crate::memlayout::ARG_MAX;
use crate::mm::address_space::{AddressSpace, FileMap, Label, Layout, Mapping, MmError};
use crate::mm::backing::FileRef;
use crate::rand;
use crate::trap::TrapFrame;
use alloc::rc::Rc;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use guest_os::mm::page_table::page_up;
use sv39_abi::auxv::*;
use sv39_abi::Errno;
use sv39_arch::sv39::PAGE_SIZE;

/// `AT_HWCAP`: one bit per single-letter extension, as Linux reports them.
const fn hwcap(letters: &[u8]) -> u64 {
    let (mut bits, mut i) = (0, 0);
    while i < letters.len() {
        bits |= 1 << (letters[i] - b'a');
        i += 1;
    }
    bits
}
const HWCAP_IMAC: u64 = hwcap(b"imac");
/// `AT_CLKTCK`: the USER_HZ of `times`.
const CLOCK_TICKS: u64 = 100;

/// What a successful load produced.
struct Loaded {
    space: AddressSpace,
    entry: u64,
    sp: u64,
}

/// Runs the program at absolute components `parts` in process `p`, whose
/// trap frame is `frame`, with `argv` and `envp`.
pub fn exec(
    p: &Process,
    frame: &mut TrapFrame,
    parts: &[&str],
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
) -> Result<(), Errno> {
    if parts.first() == Some(&"proc") {
        return Err(Errno::EACCES);
    }
    let inode = ramfs::lookup(parts)?;
    if !matches!(inode.body, Body::File(_)) {
        return Err(Errno::EACCES);
    }
    let path = vfs::join(parts);
    let loaded = load(&inode, &path, argv, envp).map_err(|e| {
        if let LoadError::Format(f) = e {
            crate::println!("[kernel] exec {path}: {}", f.reason());
        }
        Errno::from(e)
    })?;
    super::end_other_threads(p);
    commit(p, frame, loaded, parts.last().copied().unwrap_or("?"));
    *p.exe.borrow_mut() = path;
    Ok(())
}

/// Why a load failed.
enum LoadError {
    Format(ElfError),
    Errno(Errno),
}

impl From<LoadError> for Errno {
    fn from(e: LoadError) -> Errno {
        match e {
            LoadError::Format(_) => Errno::ENOEXEC,
            LoadError::Errno(e) => e,
        }
    }
}

impl From<Errno> for LoadError {
    fn from(e: Errno) -> Self {
        LoadError::Errno(e)
    }
}

impl From<MmError> for LoadError {
    fn from(e: MmError) -> Self {
        LoadError::Errno(e.into())
    }
}

impl From<ElfError> for LoadError {
    fn from(e: ElfError) -> Self {
        LoadError::Format(e)
    }
}

/// Reads `len` bytes at `offset` of the program file.
fn read_file(inode: &Inode, offset: u64, len: usize) -> Result<Vec<u8>, LoadError> {
    let Body::File(data) = &inode.body else { return Err(LoadError::Errno(Errno::EACCES)) };
    let mut buf = vec![0u8; len];
    let n = data.borrow_mut().read_at(offset, &mut buf).map_err(|e| ramfs::cache_errno(e, false))?;
    buf.truncate(n);
    Ok(buf)
}

/// Reads and checks the headers, then builds the new address space.
fn load(inode: &Inode, path: &str, argv: &[Vec<u8>], envp: &[Vec<u8>]) -> Result<Loaded, LoadError> {
    let head = read_file(inode, 0, elf::EHDR_SIZE)?;
    if head.len() < elf::EHDR_SIZE {
        return Err(LoadError::Format(ElfError::NotElf));
    }
    let header = elf::read_header(&head)?;
    let range = header.phdr_range();
    let phdrs = read_file(inode, range.start, (range.end - range.start) as usize)?;
    if phdrs.len() as u64 != range.end - range.start {
        return Err(LoadError::Format(ElfError::BadProgramHeaders));
    }
    let layout = Layout::for_exec();
    let plan = elf::plan(&header, &phdrs, inode.size(), layout.dyn_base, layout.mmap_base)?;
    let mut space = AddressSpace::new(layout).map_err(|_| Errno::ENOMEM)?;
    let path_rc: Rc<str> = Rc::from(path);
    for seg in &plan.segments {
        map_segment(&mut space, inode, &path_rc, seg)?;
    }
    space.set_heap_start(plan.end);
    space.map_vdso()?;
    let sp = build_stack(&mut space, &plan, path, argv, envp)?;
    Ok(Loaded { space, entry: plan.entry, sp })
}

/// Maps `seg`: its file bytes as a private mapping of the program (bytes
/// past them in the last file page read as zero), the rest of its memory
/// (bss) as anonymous pages.
fn map_segment(space: &mut AddressSpace, inode: &Inode, path: &Rc<str>, seg: &Segment) -> Result<(), LoadError> {
    let start = seg.vaddr & !(PAGE_SIZE - 1);
    let file_end = page_up(seg.vaddr + seg.filesz);
    let mem_end = page_up(seg.vaddr + seg.memsz);
    let anon_start = if seg.filesz == 0 { start } else { file_end };
    if seg.filesz > 0 {
        let zero_from = (seg.memsz > seg.filesz).then_some(seg.offset + seg.filesz);
        let offset = seg.offset & !(PAGE_SIZE - 1);
        let file = FileMap { file: Rc::clone(inode) as FileRef, offset, zero_from, path: Rc::clone(path), writable: false };
        space.map(start, file_end, seg.perms, Mapping { file: Some(file), shared: false, label: Label::File })?;
    }
    if mem_end > anon_start {
        space.map(anon_start, mem_end, seg.perms, Mapping::anon(Label::Anon))?;
    }
    Ok(())
}

/// Lays out argv, envp and the auxiliary vector on the new stack; returns sp.
fn build_stack(
    space: &mut AddressSpace,
    plan: &LoadPlan,
    path: &str,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
) -> Result<u64, LoadError> {
    let auxv = [
        (AT_PHDR, plan.phdr),
        (AT_PHENT, PHENT),
        (AT_PHNUM, plan.phnum as u64),
        (AT_PAGESZ, PAGE_SIZE),
        (AT_BASE, 0),
        (AT_FLAGS, 0),
        (AT_ENTRY, plan.entry),
        (AT_UID, 0),
        (AT_EUID, 0),
        (AT_GID, 0),
        (AT_EGID, 0),
        (AT_HWCAP, HWCAP_IMAC),
        (AT_CLKTCK, CLOCK_TICKS),
        (AT_SECURE, 0),
    ];
    let argv: Vec<&[u8]> = argv.iter().map(|a| a.as_slice()).collect();
    let envp: Vec<&[u8]> = envp.iter().map(|a| a.as_slice()).collect();
    let mut random = [0u8; 16];
    rand::fill(&mut random);
    let args = StackArgs { argv: &argv, envp: &envp, execfn: path.as_bytes(), auxv: &auxv, random };
    let image = stack::build(space.layout().stack_top, &args, ARG_MAX + 4096).map_err(|_| Errno::E2BIG)?;
    space.map_stack(image.sp)?;
    space.write(image.sp, &image.bytes).map_err(MmError::from)?;
    Ok(image.sp)
}

/// The command name: at most 15 bytes, cut at a character boundary.
fn comm(name: &str) -> String {
    let mut end = name.len().min(15);
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    String::from(&name[..end])
}

/// Switches `p` to the loaded program: the point of no return. The fault
/// counts carry over, as Linux keeps them per process.
/// The robust futex list is handled and forgotten as at an exit (Linux's
/// exec_mm_release).
fn commit(p: &Process, frame: &mut TrapFrame, mut loaded: Loaded, name: &str) {
    super::robust::exit_robust_list(p);
    loaded.space.activate();
    p.clear_child_tid.set(0);
    p.comm.replace(None);
    let (old, cloexec) = {
        let mut inner = p.inner.borrow_mut();
        inner.name = comm(name);
        if let Some(old) = &inner.space {
            loaded.space.add_stats(old.borrow().stats());
        }
        let new = Rc::new(core::cell::RefCell::new(loaded.space));
        (inner.space.replace(new), inner.files.take_cloexec())
    };
    super::signal::reset_on_exec(p);
    super::fpu::set(p, super::fpu::FpState::default());
    super::vfork_release(p);
    drop(old);
    drop(cloexec);
    *frame = TrapFrame::user(loaded.entry, loaded.sp, frame.kernel_sp);
}
