//! What QEMU 7.2 writes into the MROM when it boots a firmware
//! (hw/riscv/boot.c, `riscv_setup_rom_reset_vec`): a reset vector that every
//! hart runs from `MROM_BASE`, and after it OpenSBI's `struct
//! fw_dynamic_info` (include/sbi/fw_dynamic.h), whose address the vector
//! passes in a2:
//!
//! ```text
//!   0x1000  auipc t0, 0            t0 = 0x1000
//!   0x1004  addi  a2, t0, 40       a2 = &fw_dynamic_info
//!   0x1008  csrr  a0, mhartid
//!   0x100c  ld    a1, 32(t0)       a1 = the device tree
//!   0x1010  ld    t0, 24(t0)       t0 = the firmware's start
//!   0x1014  jr    t0
//!   0x1018  .dword start, fdt
//!   0x1028  fw_dynamic_info { magic, version, next_addr, next_mode, options, boot_hart }
//! ```

/// `FW_DYNAMIC_INFO_MAGIC_VALUE`: "OSBI".
pub const FW_DYNAMIC_MAGIC: u64 = 0x4942_534f;
/// The layout version QEMU 7.2 writes (with `boot_hart`).
pub const FW_DYNAMIC_VERSION: u64 = 2;
/// `FW_DYNAMIC_INFO_NEXT_MODE_S`: the next stage runs in S-mode.
pub const NEXT_MODE_S: u64 = 1;
/// Offset of fw_dynamic_info in the ROM: after the ten words of the vector.
pub const FW_DYNAMIC_OFFSET: u64 = 40;

/// The ROM's contents: the vector jumping to `start` with a1 = `fdt`, and
/// fw_dynamic_info naming `next_addr` as the S-mode next stage, boot hart 0.
pub fn reset_vector(start: u64, fdt: u64, next_addr: u64) -> Vec<u8> {
    let code: [u32; 6] = [
        0x0000_0297, // auipc t0, 0
        0x0282_8613, // addi a2, t0, 40
        0xf140_2573, // csrr a0, mhartid
        0x0202_b583, // ld a1, 32(t0)
        0x0182_b283, // ld t0, 24(t0)
        0x0002_8067, // jr t0
    ];
    let info = [FW_DYNAMIC_MAGIC, FW_DYNAMIC_VERSION, next_addr, NEXT_MODE_S, 0, 0];
    let mut rom: Vec<u8> = code.iter().flat_map(|w| w.to_le_bytes()).collect();
    rom.extend([start, fdt].iter().chain(&info).flat_map(|d| d.to_le_bytes()));
    rom
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hart::{decode::decode, disasm::disassemble};

    fn word(rom: &[u8], at: usize) -> u32 {
        u32::from_le_bytes(rom[at..at + 4].try_into().unwrap())
    }

    fn dword(rom: &[u8], at: u64) -> u64 {
        u64::from_le_bytes(rom[at as usize..at as usize + 8].try_into().unwrap())
    }

    #[test]
    fn the_vector_loads_what_it_names() {
        let rom = reset_vector(0x8000_0000, 0x87e0_0000, 0x8020_0000);
        let asm: Vec<String> = (0..6).map(|i| disassemble(&decode(word(&rom, 4 * i)), 0x1000 + 4 * i as u64)).collect();
        assert_eq!(asm[1], "addi a2,t0,40");
        assert_eq!(asm[3], "ld a1,32(t0)");
        assert_eq!(asm[4], "ld t0,24(t0)");
        assert_eq!((dword(&rom, 24), dword(&rom, 32)), (0x8000_0000, 0x87e0_0000));
        let info = FW_DYNAMIC_OFFSET;
        assert_eq!(rom.len() as u64, info + 48);
        assert_eq!(dword(&rom, info), FW_DYNAMIC_MAGIC);
        assert_eq!(dword(&rom, info + 8), 2);
        assert_eq!(dword(&rom, info + 16), 0x8020_0000);
        assert_eq!(dword(&rom, info + 24), NEXT_MODE_S);
    }
}
