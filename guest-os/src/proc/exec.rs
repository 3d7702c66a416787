//! execve: replaces a process's program with a static RV64 ELF from the file
//! system. The new address space is built completely (segments copied in,
//! heap placed, stack laid out as Linux does) before anything of the old
//! program is touched, so a failed exec leaves the caller as it was.

use super::elf::{self, ElfError, LoadPlan, Segment, PHENT};
use super::process::Process;
use super::stack::{self, StackArgs};
use crate::fs::ramfs::{Body, FileData};
use crate::fs::vfs;
use crate::memlayout::{ARG_MAX, DYN_BASE, USER_STACK_SIZE, USER_STACK_TOP};
use crate::mm::address_space::{AddressSpace, Label, MmError};
use crate::rand;
use crate::trap::TrapFrame;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
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

impl From<MmError> for Errno {
    fn from(e: MmError) -> Errno {
        match e {
            MmError::NoMemory => Errno::ENOMEM,
            MmError::BadRange => Errno::EINVAL,
        }
    }
}

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
    let inode = crate::fs::ramfs::lookup(parts)?;
    let Body::File(file) = &inode.body else { return Err(Errno::EACCES) };
    let path = vfs::join(parts);
    let loaded = load(&file.borrow(), &path, argv, envp).map_err(|e| {
        if let LoadError::Format(f) = e {
            crate::println!("[kernel] exec {path}: {}", f.reason());
        }
        Errno::from(e)
    })?;
    commit(p, frame, loaded, parts.last().copied().unwrap_or("?"));
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

/// Reads and checks the headers, then builds the new address space.
fn load(file: &FileData, path: &str, argv: &[Vec<u8>], envp: &[Vec<u8>]) -> Result<Loaded, LoadError> {
    let mut head = [0u8; elf::EHDR_SIZE];
    if file.read_at(0, &mut head) < head.len() {
        return Err(LoadError::Format(ElfError::NotElf));
    }
    let header = elf::read_header(&head)?;
    let range = header.phdr_range();
    let mut phdrs = vec![0u8; (range.end - range.start) as usize];
    if file.read_at(range.start, &mut phdrs) < phdrs.len() {
        return Err(LoadError::Format(ElfError::BadProgramHeaders));
    }
    let top = USER_STACK_TOP - USER_STACK_SIZE - PAGE_SIZE;
    let plan = elf::plan(&header, &phdrs, file.size(), DYN_BASE, top)?;
    let mut space = AddressSpace::new().map_err(|_| Errno::ENOMEM)?;
    for seg in &plan.segments {
        load_segment(&mut space, file, seg)?;
    }
    space.set_heap_start(plan.end);
    space.map_stack()?;
    let sp = build_stack(&mut space, &plan, path, argv, envp)?;
    Ok(Loaded { space, entry: plan.entry, sp })
}

/// Maps `seg`'s pages and copies its file bytes in (the rest stays zero).
fn load_segment(space: &mut AddressSpace, file: &FileData, seg: &Segment) -> Result<(), LoadError> {
    let (start, end) = seg.pages();
    space.map_anonymous(start, end, seg.perms, Label::Program)?;
    let mut buf = vec![0u8; PAGE_SIZE as usize];
    let mut done = 0;
    while done < seg.filesz {
        let n = (seg.filesz - done).min(PAGE_SIZE) as usize;
        file.read_at(seg.offset + done, &mut buf[..n]);
        space.write(seg.vaddr + done, &buf[..n])?;
        done += n as u64;
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
    let image = stack::build(USER_STACK_TOP, &args, ARG_MAX + 4096).map_err(|_| Errno::E2BIG)?;
    space.write(image.sp, &image.bytes)?;
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

/// Switches `p` to the loaded program: the point of no return.
fn commit(p: &Process, frame: &mut TrapFrame, loaded: Loaded, name: &str) {
    loaded.space.activate();
    let (old, cloexec) = {
        let mut inner = p.inner.borrow_mut();
        inner.name = comm(name);
        inner.clear_child_tid = 0;
        (inner.space.replace(loaded.space), inner.files.take_cloexec())
    };
    drop(old);
    drop(cloexec);
    *frame = TrapFrame::user(loaded.entry, loaded.sp, frame.kernel_sp);
}
