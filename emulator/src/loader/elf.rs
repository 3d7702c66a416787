//! Loading RV64 ELF executables (with goblin) at their physical addresses.
//!
//! Every way a file can be unusable gets one clear message: missing, not ELF,
//! not RISC-V, 32-bit, big-endian, truncated, or with nothing to load; and,
//! for a Linux program that `sv39 run` hands to the bundled kernel, dynamically
//! linked.

use goblin::elf::{header, program_header::PT_INTERP, program_header::PT_LOAD, Elf};
use std::fmt;
use std::path::Path;

/// A loadable segment: `data` goes at physical `pa`, zero-filled to `memsz`.
#[derive(Clone, Debug)]
pub struct Segment {
    pub pa: u64,
    pub data: Vec<u8>,
    pub memsz: u64,
}

/// What the machine needs from an ELF file.
#[derive(Clone, Debug)]
pub struct Image {
    pub entry: u64,
    pub segments: Vec<Segment>,
    /// HTIF mailbox addresses, from the symbol table.
    pub tohost: Option<u64>,
    pub fromhost: Option<u64>,
}

#[derive(Debug)]
pub enum LoadError {
    Io(String, std::io::Error),
    NotElf,
    Not64Bit,
    BigEndian,
    NotRiscv(u16),
    Truncated(String),
    NoSegments,
    OutsideRam { start: u64, end: u64, ram_start: u64, ram_end: u64 },
    /// A PT_INTERP names this dynamic linker, and no sysroot was given to
    /// find it in.
    NeedsInterpreter(String),
}

impl fmt::Display for LoadError {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        match self {
            LoadError::Io(path, e) => write!(f, "cannot read {path}: {e}"),
            LoadError::NotElf => write!(f, "not an ELF file"),
            LoadError::Not64Bit => write!(f, "a 32-bit ELF; sv39 runs RV64 programs only"),
            LoadError::BigEndian => write!(f, "a big-endian ELF; RISC-V is little-endian"),
            LoadError::NotRiscv(m) => write!(f, "an ELF for {} (e_machine {m}), not RISC-V", machine_name(*m)),
            LoadError::Truncated(what) => write!(f, "truncated or malformed ELF: {what}"),
            LoadError::NoSegments => write!(f, "the ELF has no loadable segments"),
            LoadError::OutsideRam { start, end, ram_start, ram_end } => write!(
                f,
                "segment [{start:#x}, {end:#x}) lies outside RAM [{ram_start:#x}, {ram_end:#x}); \
                 link it for the virt board or raise --mem"
            ),
            LoadError::NeedsInterpreter(interp) => {
                write!(
                    f,
                    "dynamically linked (its interpreter is {interp}): give the riscv64 sysroot with -L DIR \
                     (or QEMU_LD_PREFIX), as qemu-riscv64 takes it, or link with -static"
                )
            }
        }
    }
}

impl std::error::Error for LoadError {}

fn machine_name(m: u16) -> &'static str {
    match m {
        header::EM_X86_64 => "x86-64",
        header::EM_386 => "i386",
        header::EM_AARCH64 => "AArch64",
        header::EM_ARM => "ARM",
        header::EM_PPC64 => "PowerPC64",
        header::EM_MIPS => "MIPS",
        _ => "another architecture",
    }
}

pub fn load_file(path: &Path) -> Result<Image, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(path.display().to_string(), e))?;
    parse(&bytes)
}

/// Parses an RV64 little-endian ELF executable.
pub fn parse(bytes: &[u8]) -> Result<Image, LoadError> {
    let elf = parse_rv64(bytes)?;
    let mut segments = Vec::new();
    for ph in elf.program_headers.iter().filter(|p| p.p_type == PT_LOAD && p.p_memsz > 0) {
        let range = ph.file_range();
        let data = bytes.get(range.clone()).ok_or_else(|| {
            LoadError::Truncated(format!("segment data {range:?} runs past the end of the file ({} bytes)", bytes.len()))
        })?;
        if ph.p_filesz > ph.p_memsz {
            return Err(LoadError::Truncated("a segment's file size exceeds its memory size".into()));
        }
        segments.push(Segment { pa: ph.p_paddr, data: data.to_vec(), memsz: ph.p_memsz });
    }
    if segments.is_empty() {
        return Err(LoadError::NoSegments);
    }
    let symbol = |name: &str| {
        elf.syms.iter().find(|s| elf.strtab.get_at(s.st_name) == Some(name)).map(|s| s.st_value)
    };
    Ok(Image { entry: elf.entry, segments, tohost: symbol("tohost"), fromhost: symbol("fromhost") })
}

/// The interpreter a Linux RV64 program names in PT_INTERP (None for a
/// static one); errors for what is no RV64 ELF.
pub fn linux_program_interp(bytes: &[u8]) -> Result<Option<String>, LoadError> {
    let elf = parse_rv64(bytes)?;
    Ok(elf.program_headers.iter().find(|p| p.p_type == PT_INTERP).map(|ph| {
        let path = bytes.get(ph.file_range()).unwrap_or_default();
        let path = path.split(|&b| b == 0).next().unwrap_or_default();
        String::from_utf8_lossy(path).into_owned()
    }))
}

/// The shared libraries an RV64 ELF needs (DT_NEEDED), and its DT_RUNPATH
/// and DT_RPATH directories.
pub fn needed_libraries(bytes: &[u8]) -> Result<(Vec<String>, Vec<String>), LoadError> {
    let elf = parse_rv64(bytes)?;
    let paths = elf.runpaths.iter().chain(&elf.rpaths).flat_map(|p| p.split(':')).map(String::from).collect();
    Ok((elf.libraries.iter().map(|l| l.to_string()).collect(), paths))
}

/// The headers of an RV64 little-endian RISC-V ELF file.
fn parse_rv64(bytes: &[u8]) -> Result<Elf<'_>, LoadError> {
    check_ident(bytes)?;
    let elf = Elf::parse(bytes).map_err(|e| LoadError::Truncated(e.to_string()))?;
    if elf.header.e_machine != header::EM_RISCV {
        return Err(LoadError::NotRiscv(elf.header.e_machine));
    }
    Ok(elf)
}

/// Checks the identification bytes, so each kind of wrong file gets its own message.
fn check_ident(bytes: &[u8]) -> Result<(), LoadError> {
    if bytes.len() < header::SIZEOF_IDENT || &bytes[..4] != header::ELFMAG {
        return Err(LoadError::NotElf);
    }
    if bytes[header::EI_CLASS] != header::ELFCLASS64 {
        if bytes[header::EI_CLASS] == header::ELFCLASS32 {
            return Err(LoadError::Not64Bit);
        }
        return Err(LoadError::Truncated("unknown ELF class".into()));
    }
    if bytes[header::EI_DATA] != header::ELFDATA2LSB {
        return Err(LoadError::BigEndian);
    }
    if bytes.len() < header::header64::SIZEOF_EHDR {
        return Err(LoadError::Truncated("the ELF header is cut short".into()));
    }
    Ok(())
}

impl Image {
    /// Checks that every segment lies in RAM [start, end).
    pub fn check_fits(&self, ram_start: u64, ram_end: u64) -> Result<(), LoadError> {
        for s in &self.segments {
            let end = s.pa.checked_add(s.memsz).unwrap_or(u64::MAX);
            if s.pa < ram_start || end > ram_end {
                return Err(LoadError::OutsideRam { start: s.pa, end, ram_start, ram_end });
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A minimal ELF64 header for `machine` with one PT_LOAD of 4 bytes.
    fn elf(class: u8, machine: u16) -> Vec<u8> {
        let mut b = vec![0u8; 64 + 56 + 4];
        b[..4].copy_from_slice(b"\x7fELF");
        b[4] = class;
        b[5] = 1; // little-endian
        b[6] = 1;
        b[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
        b[18..20].copy_from_slice(&machine.to_le_bytes());
        b[20..24].copy_from_slice(&1u32.to_le_bytes());
        b[24..32].copy_from_slice(&0x8000_0000u64.to_le_bytes()); // e_entry
        b[32..40].copy_from_slice(&64u64.to_le_bytes()); // e_phoff
        b[52..54].copy_from_slice(&64u16.to_le_bytes()); // e_ehsize
        b[54..56].copy_from_slice(&56u16.to_le_bytes()); // e_phentsize
        b[56..58].copy_from_slice(&1u16.to_le_bytes()); // e_phnum
        let ph = 64;
        b[ph..ph + 4].copy_from_slice(&1u32.to_le_bytes()); // PT_LOAD
        b[ph + 8..ph + 16].copy_from_slice(&120u64.to_le_bytes()); // p_offset
        b[ph + 16..ph + 24].copy_from_slice(&0x8000_0000u64.to_le_bytes()); // p_vaddr
        b[ph + 24..ph + 32].copy_from_slice(&0x8000_0000u64.to_le_bytes()); // p_paddr
        b[ph + 32..ph + 40].copy_from_slice(&4u64.to_le_bytes()); // p_filesz
        b[ph + 40..ph + 48].copy_from_slice(&8u64.to_le_bytes()); // p_memsz
        b[120..124].copy_from_slice(&0x0000_0073u32.to_le_bytes()); // ecall
        b
    }

    #[test]
    fn accepts_rv64() {
        let img = parse(&elf(2, header::EM_RISCV)).unwrap();
        assert_eq!(img.entry, 0x8000_0000);
        assert_eq!(img.segments[0].data, [0x73, 0, 0, 0]);
        assert_eq!(img.segments[0].memsz, 8);
        assert!(img.check_fits(0x8000_0000, 0x8800_0000).is_ok());
        assert!(matches!(img.check_fits(0x9000_0000, 0x9800_0000), Err(LoadError::OutsideRam { .. })));
    }

    #[test]
    fn rejects_each_kind_of_wrong_file() {
        assert!(matches!(parse(b"#!/bin/sh\n"), Err(LoadError::NotElf)));
        assert!(matches!(parse(&elf(1, header::EM_RISCV)), Err(LoadError::Not64Bit)));
        assert!(matches!(parse(&elf(2, header::EM_X86_64)), Err(LoadError::NotRiscv(62))));
        let mut be = elf(2, header::EM_RISCV);
        be[5] = 2;
        assert!(matches!(parse(&be), Err(LoadError::BigEndian)));
        let full = elf(2, header::EM_RISCV);
        for cut in [20, 64, 100, 121] {
            assert!(matches!(parse(&full[..cut]), Err(LoadError::Truncated(_))), "cut at {cut}");
        }
    }

    #[test]
    fn a_linux_program_names_its_interpreter() {
        let interp = b"/lib/ld-linux-riscv64-lp64d.so.1\0";
        let mut dynamic = elf(2, header::EM_RISCV);
        dynamic[64..68].copy_from_slice(&PT_INTERP.to_le_bytes());
        dynamic[64 + 32..64 + 40].copy_from_slice(&(interp.len() as u64).to_le_bytes()); // p_filesz
        dynamic.truncate(120);
        dynamic.extend_from_slice(interp);
        assert_eq!(linux_program_interp(&dynamic).unwrap().as_deref(), Some("/lib/ld-linux-riscv64-lp64d.so.1"));
        let err = LoadError::NeedsInterpreter("/lib/ld-linux-riscv64-lp64d.so.1".into());
        assert!(err.to_string().contains("give the riscv64 sysroot with -L DIR"), "{err}");
        assert_eq!(linux_program_interp(&elf(2, header::EM_RISCV)).unwrap(), None);
        assert!(matches!(linux_program_interp(&elf(1, header::EM_RISCV)), Err(LoadError::Not64Bit)));
        assert!(matches!(linux_program_interp(&elf(2, header::EM_AARCH64)), Err(LoadError::NotRiscv(183))));
    }
}
