//! Checking an RV64 ELF and planning its load: which bytes of the file go
//! where, with which permissions, and where its interpreter's name is (a
//! dynamically linked program names one in PT_INTERP, loaded beside it). Anything malformed is an [`ElfError`]
//! (ENOEXEC to the caller); nothing here can read past the bytes it is given.
//!
//! Parsing uses the `object` crate's ELF definitions. The header is read from
//! the first bytes of the file and the program headers from `e_phoff`, so the
//! kernel never needs the whole file in one buffer.

use crate::mm::vma::Perms;
use alloc::vec::Vec;
use object::elf::{
    FileHeader64, ProgramHeader64, ELFCLASS64, ELFDATA2LSB, EM_RISCV, ET_DYN, ET_EXEC, PF_R, PF_W, PF_X, PT_INTERP,
    PT_LOAD, PT_PHDR,
};
use object::LittleEndian as LE;
use sv39_arch::sv39::PAGE_SIZE;

/// Bytes of the ELF header: read at least this many from the start of the file.
pub const EHDR_SIZE: usize = core::mem::size_of::<FileHeader64<LE>>();
const PHDR_SIZE: usize = core::mem::size_of::<ProgramHeader64<LE>>();
/// More program headers than this is not a program the kernel will load.
const MAX_PHNUM: u16 = 64;

/// Why a file is not a program this kernel runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ElfError {
    NotElf,
    /// ELFCLASS32 or a big-endian file.
    WrongClass,
    /// e_machine is not EM_RISCV.
    WrongMachine(u16),
    /// Neither ET_EXEC nor ET_DYN.
    NotExecutable,
    /// A PT_INTERP that is not a NUL-terminated path inside the file, or
    /// an interpreter that names one itself.
    BadInterpreter,
    /// Program headers of the wrong size, too many, or outside the file.
    BadProgramHeaders,
    /// A PT_LOAD whose sizes, offsets or alignment make no sense.
    BadSegment,
    /// A segment outside the user address range.
    OutOfRange,
    /// Two segments share a page.
    Overlap,
    /// No PT_LOAD at all.
    NoSegments,
}

impl ElfError {
    /// A short explanation for the console.
    pub fn reason(self) -> &'static str {
        match self {
            ElfError::NotElf => "not an ELF file",
            ElfError::WrongClass => "not a 64-bit little-endian ELF",
            ElfError::WrongMachine(_) => "not a RISC-V program",
            ElfError::NotExecutable => "not an executable (ET_EXEC or ET_DYN)",
            ElfError::BadInterpreter => "bad program interpreter (PT_INTERP)",
            ElfError::BadProgramHeaders => "bad program headers",
            ElfError::BadSegment => "bad loadable segment",
            ElfError::OutOfRange => "segment outside the user address range",
            ElfError::Overlap => "segments share a page",
            ElfError::NoSegments => "no loadable segment",
        }
    }
}

/// What the ELF header says.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ElfHeader {
    /// ET_DYN (static-pie): loaded at a base address the kernel picks.
    pub is_dyn: bool,
    pub entry: u64,
    pub phoff: u64,
    pub phnum: u16,
}

impl ElfHeader {
    /// The bytes of the program header table in the file.
    pub fn phdr_range(&self) -> core::ops::Range<u64> {
        self.phoff..self.phoff + self.phnum as u64 * PHDR_SIZE as u64
    }
}

/// One PT_LOAD, already moved by the load bias.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Segment {
    pub vaddr: u64,
    pub memsz: u64,
    pub offset: u64,
    pub filesz: u64,
    pub perms: Perms,
}

impl Segment {
    /// The page-aligned range the segment occupies.
    pub fn pages(&self) -> (u64, u64) {
        (self.vaddr & !(PAGE_SIZE - 1), (self.vaddr + self.memsz + PAGE_SIZE - 1) & !(PAGE_SIZE - 1))
    }
}

/// Where everything goes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LoadPlan {
    pub entry: u64,
    pub segments: Vec<Segment>,
    /// Address of the program headers in memory (AT_PHDR), 0 if not loaded.
    pub phdr: u64,
    pub phnum: u16,
    /// The end of the highest segment: where the heap (brk) starts.
    pub end: u64,
    /// PT_INTERP: the file bytes (offset, length) naming the interpreter,
    /// with its NUL.
    pub interp: Option<(u64, u64)>,
}

/// The longest interpreter path (PATH_MAX).
pub const INTERP_MAX: u64 = 4096;

/// Program-header entry size (AT_PHENT).
pub const PHENT: u64 = PHDR_SIZE as u64;

/// Checks the ELF header at the start of `head`.
pub fn read_header(head: &[u8]) -> Result<ElfHeader, ElfError> {
    let (h, _) = object::pod::from_bytes::<FileHeader64<LE>>(head).map_err(|_| ElfError::NotElf)?;
    if h.e_ident.magic != object::elf::ELFMAG {
        return Err(ElfError::NotElf);
    }
    if h.e_ident.class != ELFCLASS64 || h.e_ident.data != ELFDATA2LSB {
        return Err(ElfError::WrongClass);
    }
    let machine = h.e_machine.get(LE);
    if machine != EM_RISCV {
        return Err(ElfError::WrongMachine(machine.0));
    }
    let kind = h.e_type.get(LE);
    if kind != ET_EXEC && kind != ET_DYN {
        return Err(ElfError::NotExecutable);
    }
    let phnum = h.e_phnum.get(LE);
    if h.e_phentsize.get(LE) as usize != PHDR_SIZE || phnum == 0 || phnum > MAX_PHNUM {
        return Err(ElfError::BadProgramHeaders);
    }
    Ok(ElfHeader { is_dyn: kind == ET_DYN, entry: h.e_entry.get(LE), phoff: h.e_phoff.get(LE), phnum })
}

/// Plans the load of a file of `file_len` bytes whose program headers are
/// `phdrs`; ET_DYN files are moved so their lowest page lands at `dyn_base`.
/// Every segment must end at or below `user_top`.
pub fn plan(
    header: &ElfHeader,
    phdrs: &[u8],
    file_len: u64,
    dyn_base: u64,
    user_top: u64,
) -> Result<LoadPlan, ElfError> {
    let (table, _) = object::pod::slice_from_bytes::<ProgramHeader64<LE>>(phdrs, header.phnum as usize)
        .map_err(|_| ElfError::BadProgramHeaders)?;
    let interp = match table.iter().find(|p| p.p_type.get(LE) == PT_INTERP) {
        Some(p) => {
            let (offset, len) = (p.p_offset.get(LE), p.p_filesz.get(LE));
            if len < 2 || len > INTERP_MAX || offset.checked_add(len).is_none_or(|end| end > file_len) {
                return Err(ElfError::BadInterpreter);
            }
            Some((offset, len))
        }
        None => None,
    };
    let loads: Vec<&ProgramHeader64<LE>> = table.iter().filter(|p| p.p_type.get(LE) == PT_LOAD).collect();
    let lowest = loads.iter().map(|p| p.p_vaddr.get(LE)).min().ok_or(ElfError::NoSegments)?;
    let bias = if header.is_dyn { dyn_base.wrapping_sub(lowest & !(PAGE_SIZE - 1)) } else { 0 };
    let mut segments = Vec::new();
    for p in loads {
        if let Some(s) = segment(p, bias, file_len, user_top)? {
            segments.push(s);
        }
    }
    check_disjoint(&segments)?;
    let end = segments.iter().map(|s| s.vaddr + s.memsz).max().ok_or(ElfError::NoSegments)?;
    let phdr = phdr_address(table, header, &segments, bias);
    Ok(LoadPlan { entry: header.entry.wrapping_add(bias), segments, phdr, phnum: header.phnum, end, interp })
}

/// The bytes a file's PT_LOADs span from their lowest page, page-aligned:
/// the room an ET_DYN file (an interpreter) needs wherever it goes.
pub fn span(header: &ElfHeader, phdrs: &[u8]) -> Result<u64, ElfError> {
    let (table, _) = object::pod::slice_from_bytes::<ProgramHeader64<LE>>(phdrs, header.phnum as usize)
        .map_err(|_| ElfError::BadProgramHeaders)?;
    let loads = table.iter().filter(|p| p.p_type.get(LE) == PT_LOAD && p.p_memsz.get(LE) > 0);
    let (lo, hi) = loads.fold((u64::MAX, 0u64), |(lo, hi), p| {
        let end = p.p_vaddr.get(LE).saturating_add(p.p_memsz.get(LE));
        (lo.min(p.p_vaddr.get(LE)), hi.max(end))
    });
    if lo > hi {
        return Err(ElfError::NoSegments);
    }
    let span = hi - (lo & !(PAGE_SIZE - 1));
    span.checked_next_multiple_of(PAGE_SIZE).ok_or(ElfError::OutOfRange)
}

/// One checked PT_LOAD (`None` for an empty one).
fn segment(p: &ProgramHeader64<LE>, bias: u64, file_len: u64, user_top: u64) -> Result<Option<Segment>, ElfError> {
    let (offset, filesz, memsz) = (p.p_offset.get(LE), p.p_filesz.get(LE), p.p_memsz.get(LE));
    if memsz == 0 {
        return Ok(None);
    }
    let file_end = offset.checked_add(filesz).ok_or(ElfError::BadSegment)?;
    if filesz > memsz || file_end > file_len {
        return Err(ElfError::BadSegment);
    }
    let vaddr = p.p_vaddr.get(LE).checked_add(bias).ok_or(ElfError::OutOfRange)?;
    if vaddr % PAGE_SIZE != offset % PAGE_SIZE {
        return Err(ElfError::BadSegment);
    }
    let end = vaddr.checked_add(memsz).ok_or(ElfError::OutOfRange)?;
    if vaddr < PAGE_SIZE || end > user_top {
        return Err(ElfError::OutOfRange);
    }
    let flags = p.p_flags.get(LE).0;
    let bit = |f: object::elf::ProgramFlags, perm: Perms| if flags & f.0 != 0 { perm } else { Perms::NONE };
    let perms = bit(PF_R, Perms::R).union(bit(PF_W, Perms::W)).union(bit(PF_X, Perms::X));
    Ok(Some(Segment { vaddr, memsz, offset, filesz, perms }))
}

/// Segments must come in address order and never share a page.
fn check_disjoint(segments: &[Segment]) -> Result<(), ElfError> {
    for pair in segments.windows(2) {
        if pair[1].pages().0 < pair[0].pages().1 {
            return Err(ElfError::Overlap);
        }
    }
    Ok(())
}

/// AT_PHDR: PT_PHDR's address, else where the loaded file bytes put the table.
fn phdr_address(table: &[ProgramHeader64<LE>], header: &ElfHeader, segments: &[Segment], bias: u64) -> u64 {
    if let Some(p) = table.iter().find(|p| p.p_type.get(LE) == PT_PHDR) {
        return p.p_vaddr.get(LE).wrapping_add(bias);
    }
    let range = header.phdr_range();
    segments
        .iter()
        .find(|s| s.offset <= range.start && range.end <= s.offset + s.filesz)
        .map_or(0, |s| s.vaddr + (range.start - s.offset))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::vec;

    const TOP: u64 = 0x40_0000_0000;

    fn ehdr(kind: u16, phnum: u16) -> Vec<u8> {
        let mut h = vec![0u8; EHDR_SIZE];
        h[..4].copy_from_slice(b"\x7fELF");
        h[4] = 2; // ELFCLASS64
        h[5] = 1; // little endian
        h[6] = 1; // EV_CURRENT
        h[16..18].copy_from_slice(&kind.to_le_bytes());
        h[18..20].copy_from_slice(&243u16.to_le_bytes());
        h[24..32].copy_from_slice(&0x10078u64.to_le_bytes()); // e_entry
        h[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        h[54..56].copy_from_slice(&(PHDR_SIZE as u16).to_le_bytes());
        h[56..58].copy_from_slice(&phnum.to_le_bytes());
        h
    }

    /// A program header: (type, flags, offset, vaddr, filesz, memsz).
    fn phdr(t: u32, flags: u32, offset: u64, vaddr: u64, filesz: u64, memsz: u64) -> Vec<u8> {
        let mut p = Vec::new();
        p.extend_from_slice(&t.to_le_bytes());
        p.extend_from_slice(&flags.to_le_bytes());
        for v in [offset, vaddr, vaddr, filesz, memsz, 0x1000] {
            p.extend_from_slice(&v.to_le_bytes());
        }
        p
    }

    /// A typical static program: text at 0x10000, data+bss unaligned above it.
    fn typical() -> Vec<u8> {
        let mut v = phdr(1, 5, 0, 0x10000, 0x5b9a4, 0x5b9a4);
        v.extend(phdr(1, 6, 0x5c3f0, 0x6d3f0, 0x1c10, 0x4a28));
        v
    }

    #[test]
    fn header_checks() {
        let h = read_header(&ehdr(2, 2)).unwrap();
        assert_eq!(h, ElfHeader { is_dyn: false, entry: 0x10078, phoff: 64, phnum: 2 });
        assert!(read_header(&ehdr(3, 2)).unwrap().is_dyn);
        assert_eq!(read_header(&ehdr(1, 2)), Err(ElfError::NotExecutable));
        assert_eq!(read_header(&ehdr(2, 0)), Err(ElfError::BadProgramHeaders));
        assert_eq!(read_header(b"#!/bin/sh\n"), Err(ElfError::NotElf), "short file");
        let mut x86 = ehdr(2, 1);
        x86[18] = 62;
        assert_eq!(read_header(&x86), Err(ElfError::WrongMachine(62)));
        let mut elf32 = ehdr(2, 1);
        elf32[4] = 1;
        assert_eq!(read_header(&elf32), Err(ElfError::WrongClass));
    }

    #[test]
    fn plans_text_and_unaligned_data_with_bss() {
        let h = read_header(&ehdr(2, 2)).unwrap();
        let plan = plan(&h, &typical(), 0x60000, 0, TOP).unwrap();
        assert_eq!(plan.entry, 0x10078);
        assert_eq!(plan.segments[0].perms, Perms::R.union(Perms::X));
        assert_eq!(plan.segments[1].perms, Perms::RW);
        assert_eq!(plan.segments[1].pages(), (0x6d000, 0x72000));
        assert_eq!(plan.end, 0x6d3f0 + 0x4a28);
        assert_eq!(plan.phdr, 0x10040, "phdrs inside the first segment");
    }

    #[test]
    fn static_pie_is_moved_to_the_base() {
        let h = read_header(&ehdr(3, 1)).unwrap();
        let plan = plan(&h, &phdr(1, 5, 0, 0, 0x2000, 0x2000), 0x2000, 0x2a_0000_0000, TOP).unwrap();
        assert_eq!(plan.segments[0].vaddr, 0x2a_0000_0000);
        assert_eq!(plan.entry, 0x2a_0001_0078);
    }

    #[test]
    fn malformed_segments_are_refused() {
        let h = read_header(&ehdr(2, 1)).unwrap();
        let bad = |p: Vec<u8>, len| plan(&h, &p, len, 0, TOP).unwrap_err();
        assert_eq!(bad(phdr(1, 4, 0, 0x10000, 0x3000, 0x2000), 0x3000), ElfError::BadSegment, "filesz > memsz");
        assert_eq!(bad(phdr(1, 4, 0x1000, 0x10000, 0x2000, 0x2000), 0x2000), ElfError::BadSegment, "past the file");
        assert_eq!(bad(phdr(1, 4, 0x10, 0x10000, 0x20, 0x20), 0x100), ElfError::BadSegment, "incongruent");
        assert_eq!(bad(phdr(1, 4, 0, 0, 0x20, 0x20), 0x100), ElfError::OutOfRange, "page zero");
        assert_eq!(bad(phdr(1, 4, 0, TOP - 0x1000, 0x20, 0x2000), 0x100), ElfError::OutOfRange);
        assert_eq!(bad(phdr(1, 4, u64::MAX, 0x10000, 2, 2), 0x100), ElfError::BadSegment, "offset overflow");
        assert_eq!(bad(phdr(1, 4, 0, 0xffff_ffff_ffff_f000, 2, 0x2000), 0x100), ElfError::OutOfRange, "vaddr overflow");
        let mut interp = phdr(3, 4, 0x200, 0, 0x1000, 0x1000);
        interp.extend(phdr(1, 4, 0, 0x10000, 2, 2));
        let h2 = read_header(&ehdr(2, 2)).unwrap();
        assert_eq!(plan(&h2, &interp, 0x1100, 0, TOP).unwrap_err(), ElfError::BadInterpreter, "its name past the file");
        assert_eq!(bad(phdr(6, 4, 0, 0x10000, 2, 2), 0x100), ElfError::NoSegments);
        assert_eq!(plan(&h, &[0u8; 10], 0x100, 0, TOP).unwrap_err(), ElfError::BadProgramHeaders);
    }

    #[test]
    fn a_dynamic_program_names_its_interpreter() {
        let h = read_header(&ehdr(3, 2)).unwrap();
        let mut p = phdr(3, 4, 0x270, 0x270, 0x21, 0x21);
        p.extend(phdr(1, 5, 0, 0, 0x2000, 0x2000));
        let plan = plan(&h, &p, 0x2000, 0x2a_0000_0000, TOP).unwrap();
        assert_eq!(plan.interp, Some((0x270, 0x21)));
        assert_eq!(plan.segments.len(), 1);
        let mut libs = phdr(1, 5, 0, 0, 0x1f7d0, 0x1f7d0);
        libs.extend(phdr(1, 6, 0x1fb50, 0x20b50, 0x11b0, 0x1310));
        assert_eq!(span(&read_header(&ehdr(3, 2)).unwrap(), &libs), Ok(0x22000), "from page 0 to past the bss");
    }

    #[test]
    fn overlapping_pages_are_refused() {
        let h = read_header(&ehdr(2, 2)).unwrap();
        let mut p = phdr(1, 5, 0, 0x10000, 0x1800, 0x1800);
        p.extend(phdr(1, 6, 0x1900, 0x11900, 0x10, 0x10));
        assert_eq!(plan(&h, &p, 0x2000, 0, TOP), Err(ElfError::Overlap));
    }
}
