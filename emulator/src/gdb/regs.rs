//! The registers a debugger sees, in GDB's RISC-V numbering: x0-x31 (0-31)
//! and pc (32) in the `g` packet, f0-f31 (33-64), CSR n (65 + n) and the
//! privilege level `priv` (4161, as QEMU shows it) one at a time through
//! `p`/`P`; and the target description that names them, so GDB shows
//! `$mstatus`, `$satp` and the others sv39 implements.

use crate::bus::Bus;
use crate::hart::Hart;
use gdbstub::arch::Arch;
use gdbstub_arch::riscv::reg::id::RiscvRegId;
use gdbstub_arch::riscv::Riscv64;
use std::fmt::Write;
use sv39_arch::csr::{self, Priv};

/// GDB's number of CSR 0 and of `priv`.
const FIRST_CSR: usize = 65;
const PRIV: usize = FIRST_CSR + 4096;

/// The FP registers by their ABI names, as GDB's own description names them.
const FP_NAMES: [&str; 32] = [
    "ft0", "ft1", "ft2", "ft3", "ft4", "ft5", "ft6", "ft7", "fs0", "fs1", "fa0", "fa1", "fa2", "fa3", "fa4", "fa5",
    "fa6", "fa7", "fs2", "fs3", "fs4", "fs5", "fs6", "fs7", "fs8", "fs9", "fs10", "fs11", "ft8", "ft9", "ft10", "ft11",
];

/// The annex of the integer registers' description, which `gdbstub_arch` provides.
pub const CPU_ANNEX: &[u8] = b"riscv-64bit-cpu.xml";

/// Reads register `reg` of `h` into `buf` (sized by gdbstub for the register:
/// 8 bytes, 1 for `priv`); returns the bytes written, 0 when the register is
/// not implemented (GDB shows it as unavailable).
pub fn read(h: &mut Hart, bus: &mut Bus, reg: RiscvRegId<u64>, buf: &mut [u8]) -> usize {
    let value = match reg {
        RiscvRegId::Gpr(i) => h.x.get(i as usize).copied(),
        RiscvRegId::Pc => Some(h.pc),
        RiscvRegId::Fpr(i) => h.fp.f.get(i as usize).copied(),
        RiscvRegId::Csr(n) => h.csr_value(bus, n),
        RiscvRegId::Priv => Some(h.prv as u64),
        _ => None,
    };
    let Some(value) = value else { return 0 };
    let n = buf.len().min(8);
    buf[..n].copy_from_slice(&value.to_le_bytes()[..n]);
    n
}

/// Writes register `reg` of `h` from little-endian `bytes`, as a debugger
/// may: any CSR at any privilege (under the CSR's WARL rule). None when the
/// register does not exist or the value is not one it can hold.
pub fn write(h: &mut Hart, reg: RiscvRegId<u64>, bytes: &[u8]) -> Option<()> {
    if bytes.is_empty() || bytes.len() > 8 {
        return None;
    }
    let mut le = [0u8; 8];
    le[..bytes.len()].copy_from_slice(bytes);
    let value = u64::from_le_bytes(le);
    match reg {
        RiscvRegId::Gpr(i) if i < 32 => h.set_reg(i, value),
        // IALIGN = 16: bit 0 of pc is always zero.
        RiscvRegId::Pc => h.pc = value & !1,
        RiscvRegId::Fpr(i) => *h.fp.f.get_mut(i as usize)? = value,
        RiscvRegId::Csr(n) => h.csr_write_as_debugger(n, value)?,
        RiscvRegId::Priv => h.set_priv(Priv::from_bits(value).filter(|_| value < 4)?),
        _ => return None,
    }
    Some(())
}

/// The target description: GDB's RISC-V features with the registers above;
/// the CSRs are those `h` implements.
pub fn target_xml(h: &mut Hart, bus: &mut Bus) -> String {
    let mut x = String::from(
        "<?xml version=\"1.0\"?>\n<!DOCTYPE target SYSTEM \"gdb-target.dtd\">\n<target version=\"1.0\">\n\
         <architecture>riscv:rv64</architecture>\n",
    );
    let _ = writeln!(x, "<xi:include href=\"{}\"/>", String::from_utf8_lossy(CPU_ANNEX));
    fpu_feature(&mut x);
    csr_feature(&mut x, h, bus);
    x.push_str("<feature name=\"org.gnu.gdb.riscv.virtual\">\n");
    reg(&mut x, "priv", 8, PRIV, "int");
    x.push_str("</feature>\n</target>\n");
    x
}

/// The description of the integer registers (the `g` packet's layout).
pub fn cpu_xml() -> &'static str {
    Riscv64::target_description_xml().unwrap_or_default()
}

/// f0-f31 as float-or-double, and fcsr with its two views.
fn fpu_feature(x: &mut String) {
    x.push_str(
        "<feature name=\"org.gnu.gdb.riscv.fpu\">\n<union id=\"riscv_double\">\
         <field name=\"float\" type=\"ieee_single\"/><field name=\"double\" type=\"ieee_double\"/></union>\n",
    );
    for (i, name) in FP_NAMES.iter().enumerate() {
        reg(x, name, 64, 33 + i, "riscv_double");
    }
    for n in [csr::FFLAGS, csr::FRM, csr::FCSR] {
        reg(x, csr::name(n).unwrap_or_default(), 64, FIRST_CSR + n as usize, "int");
    }
    x.push_str("</feature>\n");
}

/// Every named CSR that `h` implements, but the FP ones.
fn csr_feature(x: &mut String, h: &mut Hart, bus: &mut Bus) {
    x.push_str("<feature name=\"org.gnu.gdb.riscv.csr\">\n");
    for n in 0..4096u16 {
        if matches!(n, csr::FFLAGS | csr::FRM | csr::FCSR) || h.csr_value(bus, n).is_none() {
            continue;
        }
        if let Some(name) = csr::name(n) {
            reg(x, name, 64, FIRST_CSR + n as usize, "int");
        }
    }
    x.push_str("</feature>\n");
}

/// One `<reg>`; GDB neither saves nor restores the CSRs and `priv` around
/// the functions it calls in the guest.
fn reg(x: &mut String, name: &str, bits: u32, regnum: usize, ty: &str) {
    let save = if regnum >= FIRST_CSR { " save-restore=\"no\"" } else { "" };
    let _ = writeln!(x, "<reg name=\"{name}\" bitsize=\"{bits}\" regnum=\"{regnum}\" type=\"{ty}\"{save}/>");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registers_read_and_write_in_gdb_numbering() {
        let (mut h, mut bus) = super::super::test_hart(&[]);
        let mut buf = [0u8; 8];
        assert_eq!(write(&mut h, RiscvRegId::Gpr(5), &0x1234u64.to_le_bytes()), Some(()));
        assert_eq!(read(&mut h, &mut bus, RiscvRegId::Gpr(5), &mut buf), 8);
        assert_eq!(u64::from_le_bytes(buf), 0x1234);
        assert_eq!(write(&mut h, RiscvRegId::Gpr(0), &[1]), Some(()), "x0 takes writes");
        assert_eq!(h.x[0], 0, "and stays zero");
        assert_eq!(write(&mut h, RiscvRegId::Fpr(31), &[7]), Some(()));
        assert_eq!(h.fp.f[31], 7);
        // From U-mode, as an instruction could not: a debugger writes M-mode CSRs.
        h.set_priv(Priv::U);
        assert_eq!(write(&mut h, RiscvRegId::Csr(csr::MSCRATCH), &[0x55]), Some(()));
        assert_eq!(h.csr.mscratch, 0x55);
        assert_eq!(write(&mut h, RiscvRegId::Csr(0x7ff), &[1]), None, "not implemented");
        assert_eq!(read(&mut h, &mut bus, RiscvRegId::Csr(0x7ff), &mut buf), 0, "unavailable");
        let mut one = [0u8; 1];
        assert_eq!(read(&mut h, &mut bus, RiscvRegId::Priv, &mut one), 1);
        assert_eq!(one[0], 0);
        assert_eq!(write(&mut h, RiscvRegId::Priv, &[2]), None, "2 is no privilege");
        assert_eq!(write(&mut h, RiscvRegId::Priv, &[1]), Some(()));
        assert_eq!(h.prv, Priv::S);
        assert_eq!(write(&mut h, RiscvRegId::Pc, &[]), None, "no bytes");
    }

    #[test]
    fn the_description_names_the_implemented_csrs() {
        let (mut h, mut bus) = super::super::test_hart(&[]);
        let xml = target_xml(&mut h, &mut bus);
        assert!(xml.contains("<reg name=\"mstatus\" bitsize=\"64\" regnum=\"833\""), "65 + 0x300");
        assert!(xml.contains("<reg name=\"satp\" bitsize=\"64\" regnum=\"449\""));
        assert!(xml.contains("<reg name=\"fcsr\" bitsize=\"64\" regnum=\"68\""));
        assert!(xml.contains("<reg name=\"ft0\" bitsize=\"64\" regnum=\"33\""));
        assert!(xml.contains("<reg name=\"priv\" bitsize=\"8\" regnum=\"4161\""));
        assert!(xml.contains("<reg name=\"mcountinhibit\" bitsize=\"64\" regnum=\"865\""), "65 + 0x320");
        assert_eq!(xml.matches("name=\"fflags\"").count(), 1, "in the FPU feature only");
        assert!(cpu_xml().contains("org.gnu.gdb.riscv.cpu"));
    }
}
