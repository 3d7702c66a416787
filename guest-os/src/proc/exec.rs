//! execve: replaces a process's program with an RV64 ELF from the file
//! system. The new address space is built completely (segments mapped from
//! the file, heap placed, stack laid out as Linux does) before anything of
//! the old program is touched, so a failed exec leaves the caller as it was.
//! A dynamically linked program's interpreter (PT_INTERP, glibc's ld.so) is
//! loaded too, where an mmap would put it, and runs first: AT_BASE says
//! where it is, AT_ENTRY and AT_PHDR where the program is, as Linux's
//! binfmt_elf does.
//!
//! Nothing is read or copied up front but the headers and the initial
//! stack: each segment is a private mapping of the program file (its bss
//! past the file bytes anonymous), filled from the page cache on first
//! touch, so every process running one program shares its text frames.

use super::elf::{self, ElfError, LoadPlan, Segment, PHENT};
use super::process::Process;
use super::stack::{self, StackArgs};
use crate::fs::p9fs;
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
    let inode = program_file(parts)?;
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
    p.signals.borrow_mut().job.execed = true;
    commit(p, frame, loaded, parts.last().copied().unwrap_or("?"));
    *p.exe.borrow_mut() = path;
    Ok(())
}

/// The program file at absolute components `parts`: a ramfs file, or a
/// copy of a share's, taken whole when exec'd (p9fs::program).
fn program_file(parts: &[&str]) -> Result<Inode, Errno> {
    match vfs::locate(parts, true)? {
        vfs::Place::Local(path) => ramfs::lookup(&path.iter().map(String::as_str).collect::<Vec<_>>()),
        vfs::Place::Shared(fid) => p9fs::program(fid),
    }
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

/// Reads and checks the ELF header and the program headers of `inode`.
fn read_headers(inode: &Inode) -> Result<(elf::ElfHeader, Vec<u8>), LoadError> {
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
    Ok((header, phdrs))
}

/// Reads and checks the headers, then builds the new address space.
fn load(inode: &Inode, path: &str, argv: &[Vec<u8>], envp: &[Vec<u8>]) -> Result<Loaded, LoadError> {
    let (header, phdrs) = read_headers(inode)?;
    let layout = Layout::for_exec();
    let plan = elf::plan(&header, &phdrs, inode.size(), layout.dyn_base, layout.mmap_base)?;
    let mut space = AddressSpace::new(layout).map_err(|_| Errno::ENOMEM)?;
    map_segments(&mut space, inode, path, &plan)?;
    let (entry, base) = match plan.interp {
        Some(name) => load_interpreter(&mut space, inode, name)?,
        None => (plan.entry, 0),
    };
    space.set_heap_start(plan.end);
    space.map_vdso()?;
    let sp = build_stack(&mut space, &plan, base, path, argv, envp)?;
    Ok(Loaded { space, entry, sp })
}

fn map_segments(space: &mut AddressSpace, inode: &Inode, path: &str, plan: &LoadPlan) -> Result<(), LoadError> {
    let path: Rc<str> = Rc::from(path);
    plan.segments.iter().try_for_each(|seg| map_segment(space, inode, &path, seg))
}

/// Maps the interpreter that `name` (file bytes of the program) names,
/// where an mmap of its size would go; its entry and base. ENOENT when it
/// is not there, ENOEXEC when it is no interpreter (one naming another).
fn load_interpreter(space: &mut AddressSpace, program: &Inode, name: (u64, u64)) -> Result<(u64, u64), LoadError> {
    let bytes = read_file(program, name.0, name.1 as usize)?;
    let path = match bytes.split_last() {
        Some((0, path)) if !path.contains(&0) => core::str::from_utf8(path).map_err(|_| ElfError::BadInterpreter)?,
        _ => return Err(LoadError::Format(ElfError::BadInterpreter)),
    };
    let parts = vfs::resolve("/", path)?;
    let inode = ramfs::lookup(&parts)?;
    if !matches!(inode.body, Body::File(_)) {
        return Err(LoadError::Errno(Errno::EACCES));
    }
    let (header, phdrs) = read_headers(&inode)?;
    let size = elf::span(&header, &phdrs)?;
    let base = if header.is_dyn { space.find_free(size, 0).ok_or(Errno::ENOMEM)? } else { 0 };
    let plan = elf::plan(&header, &phdrs, inode.size(), base, space.layout().mmap_base)?;
    if plan.interp.is_some() {
        return Err(LoadError::Format(ElfError::BadInterpreter));
    }
    map_segments(space, &inode, &vfs::join(&parts), &plan)?;
    Ok((plan.entry, base))
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
        let file =
            FileMap { file: Rc::clone(inode) as FileRef, offset, zero_from, path: Rc::clone(path), writable: false };
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
    interp_base: u64,
    path: &str,
    argv: &[Vec<u8>],
    envp: &[Vec<u8>],
) -> Result<u64, LoadError> {
    let auxv = [
        (AT_PHDR, plan.phdr),
        (AT_PHENT, PHENT),
        (AT_PHNUM, plan.phnum as u64),
        (AT_PAGESZ, PAGE_SIZE),
        (AT_BASE, interp_base),
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
