//! Firmware and kernel files as QEMU 7.2 loads `-bios` and `-kernel`
//! (hw/riscv/boot.c, `riscv_load_firmware`, `riscv_load_kernel`): an ELF at
//! its physical addresses, else the raw bytes at a fixed address: the firmware
//! at the start of RAM, the kernel at the firmware's end rounded up to 2 MiB.
//!
//! A raw kernel that carries the RISC-V Image header (Linux's
//! Documentation/riscv/boot-image-header.rst: magic "RSC\x05" at 0x38,
//! `image_size` at 0x10) is checked against it: its `image_size` (the file
//! plus the kernel's bss) must fit in RAM, so a kernel too big for `--mem`
//! is an error here rather than a mystery at boot.

use super::elf::{self, Image, LoadError, Segment};
use std::path::Path;
use sv39_arch::memmap::RAM_BASE;

/// The RISC-V Image header's second magic, at offset 0x38.
const IMAGE_MAGIC2: &[u8; 4] = b"RSC\x05";
const IMAGE_MAGIC2_OFFSET: usize = 0x38;
const IMAGE_SIZE_OFFSET: usize = 0x10;
/// Kernels start on a 2 MiB boundary (a PMD on RV64).
const KERNEL_ALIGN: u64 = 2 << 20;

/// A file loaded as QEMU loads it, with the range of RAM it takes.
#[derive(Debug)]
pub struct Loaded {
    /// Entry point: an ELF's e_entry for the firmware, the lowest address for
    /// a kernel (QEMU hands the load address to fw_dynamic, not the entry).
    pub image: Image,
    /// One past the highest byte loaded (an ELF's memory sizes, a raw file's length).
    pub end: u64,
}

/// `-bios FILE`: an RV64 ELF, or a raw binary at the start of RAM.
pub fn load_firmware(path: &Path) -> Result<Loaded, LoadError> {
    let bytes = read(path)?;
    if is_elf(&bytes) {
        let image = elf::parse(&bytes)?;
        let end = image_end(&image);
        return Ok(Loaded { image, end });
    }
    Ok(raw(bytes, RAM_BASE, None))
}

/// `-kernel FILE` after a firmware that ends at `firmware_end`: an RV64 ELF
/// (entered at its lowest address), or a raw `Image` at `firmware_end`
/// rounded up to 2 MiB.
pub fn load_kernel(path: &Path, firmware_end: u64) -> Result<Loaded, LoadError> {
    let bytes = read(path)?;
    if is_elf(&bytes) {
        let mut image = elf::parse(&bytes)?;
        image.entry = image.segments.iter().map(|s| s.pa).min().unwrap_or(image.entry);
        let end = image_end(&image);
        return Ok(Loaded { image, end });
    }
    let image_size = image_header_size(&bytes);
    Ok(raw(bytes, firmware_end.next_multiple_of(KERNEL_ALIGN), image_size))
}

/// The first range of `kernel` that overlaps one of `firmware` (QEMU
/// refuses such a pair: "ROM regions are overlapping").
pub fn overlap(firmware: &Image, kernel: &Image) -> Option<(u64, u64)> {
    let ranges = |i: &Image| i.segments.iter().map(|s| (s.pa, s.pa + s.memsz)).collect::<Vec<_>>();
    let fw = ranges(firmware);
    ranges(kernel).into_iter().find(|&(lo, hi)| fw.iter().any(|&(f_lo, f_hi)| lo < f_hi && f_lo < hi))
}

fn read(path: &Path) -> Result<Vec<u8>, LoadError> {
    let bytes = std::fs::read(path).map_err(|e| LoadError::Io(path.display().to_string(), e))?;
    if bytes.is_empty() {
        return Err(LoadError::Truncated("the file is empty".into()));
    }
    Ok(bytes)
}

/// An ELF file must load as one: a bad ELF is an error, never raw bytes.
fn is_elf(bytes: &[u8]) -> bool {
    bytes.starts_with(b"\x7fELF")
}

/// `image_size` of a RISC-V Image header, if `bytes` has one.
fn image_header_size(bytes: &[u8]) -> Option<u64> {
    let magic = bytes.get(IMAGE_MAGIC2_OFFSET..IMAGE_MAGIC2_OFFSET + 4)?;
    if magic != IMAGE_MAGIC2 {
        return None;
    }
    let size = bytes.get(IMAGE_SIZE_OFFSET..IMAGE_SIZE_OFFSET + 8)?;
    Some(u64::from_le_bytes(size.try_into().ok()?))
}

/// `bytes` at `pa`, taking `memsz` bytes of RAM (at least the file).
fn raw(bytes: Vec<u8>, pa: u64, memsz: Option<u64>) -> Loaded {
    let memsz = memsz.unwrap_or(0).max(bytes.len() as u64);
    let end = pa + bytes.len() as u64;
    let image = Image { entry: pa, segments: vec![Segment { pa, data: bytes, memsz }], tohost: None, fromhost: None };
    Loaded { image, end }
}

fn image_end(image: &Image) -> u64 {
    image.segments.iter().map(|s| s.pa + s.memsz).max().unwrap_or(image.entry)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
        let path = std::env::temp_dir().join(format!("sv39-kernel-{}-{name}", std::process::id()));
        std::fs::write(&path, bytes).unwrap();
        path
    }

    /// The first 64 bytes of a Linux riscv64 `Image` (6.1, tinyconfig).
    fn image_header(image_size: u64) -> Vec<u8> {
        let mut h = vec![0u8; 64];
        h[..4].copy_from_slice(b"MZo\x10"); // c.li s4,-13; j
        h[8..16].copy_from_slice(&0x20_0000u64.to_le_bytes()); // text_offset
        h[16..24].copy_from_slice(&image_size.to_le_bytes());
        h[0x30..0x38].copy_from_slice(b"RISCV\0\0\0");
        h[0x38..0x3c].copy_from_slice(IMAGE_MAGIC2);
        h
    }

    #[test]
    fn a_raw_image_goes_after_the_firmware_on_2_mib() {
        let path = temp_file("image", &image_header(0x2c_3000));
        let k = load_kernel(&path, 0x8001_c280).unwrap();
        assert_eq!(k.image.entry, 0x8020_0000);
        assert_eq!(k.image.segments[0].memsz, 0x2c_3000, "the header's image_size covers the bss");
        assert_eq!(k.end, 0x8020_0040);
        let k = load_kernel(&path, 0x8020_0001).unwrap();
        assert_eq!(k.image.entry, 0x8040_0000);
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_raw_firmware_goes_at_the_start_of_ram() {
        let path = temp_file("fw", &[0x73, 0, 0, 0]);
        let fw = load_firmware(&path).unwrap();
        assert_eq!((fw.image.entry, fw.end), (RAM_BASE, RAM_BASE + 4));
        let k = load_kernel(&path, fw.end).unwrap();
        assert_eq!(k.image.segments[0].memsz, 4, "no header: the file's size");
        std::fs::remove_file(path).unwrap();
    }

    #[test]
    fn a_kernel_over_the_firmware_is_found() {
        let at = |pa: u64, memsz: u64| Image {
            entry: pa,
            segments: vec![Segment { pa, data: Vec::new(), memsz }],
            tohost: None,
            fromhost: None,
        };
        assert_eq!(overlap(&at(RAM_BASE, 0x2_0000), &at(RAM_BASE + 0x1_0000, 0x10)), Some((0x8001_0000, 0x8001_0010)));
        assert_eq!(overlap(&at(RAM_BASE, 0x2_0000), &at(0x8020_0000, 0x10)), None);
    }

    #[test]
    fn bad_files_are_errors() {
        let missing = std::env::temp_dir().join("sv39-no-such-kernel");
        assert!(matches!(load_kernel(&missing, RAM_BASE), Err(LoadError::Io(..))));
        let empty = temp_file("empty", b"");
        assert!(matches!(load_firmware(&empty), Err(LoadError::Truncated(_))));
        let mut cut = b"\x7fELF\x02\x01\x01".to_vec();
        cut.resize(20, 0); // the identification, then the header cut short
        let cut_elf = temp_file("cut", &cut);
        assert!(matches!(load_kernel(&cut_elf, RAM_BASE), Err(LoadError::Truncated(_))));
        for p in [empty, cut_elf] {
            std::fs::remove_file(p).unwrap();
        }
    }
}
