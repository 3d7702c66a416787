//! Records derived from one traced step: the instruction's commit-log line
//! with its register and memory writes, its loads and stores with physical
//! addresses, its CSR write, and its TLB hits.

use super::config::{Kind, TraceConfig};
use super::record::{core_prefix, hex, Record};
use crate::bus::Bus;
use crate::hart::decode::decode;
use crate::hart::disasm::disassemble;
use crate::hart::exception::Access;
use crate::hart::op::{Decoded, Op};
use crate::hart::Hart;
use std::fmt::Write;
use sv39_arch::csr::Priv;

/// The hart's state before a traced step.
pub struct Before {
    pub pc: u64,
    pub prv: Priv,
    pub asid: Option<u16>,
    cycle: u64,
    x: [u64; 32],
    insn: Option<Decoded>,
    traps: u64,
    hits: (u64, u64),
    /// The CSR a Zicsr instruction names, and its value before.
    csr: Option<(u16, u64)>,
}

impl Before {
    pub fn capture(h: &mut Hart, bus: &mut Bus) -> Before {
        let insn = fetch_probe(h, bus);
        let csr = insn.filter(|d| writes_csr(d)).and_then(|d| {
            let n = d.imm as u16 & 0xfff;
            h.csr_value(bus, n).map(|v| (n, v))
        });
        Before {
            pc: h.pc,
            prv: h.prv,
            asid: h.mmu.asid(),
            cycle: h.cycle + 1,
            x: h.x,
            insn,
            traps: traps(h),
            hits: (h.mmu.load_tlb.stats.hits, h.mmu.store_tlb.stats.hits),
            csr,
        }
    }
}

fn traps(h: &Hart) -> u64 {
    h.stats.exceptions.iter().sum::<u64>() + h.stats.interrupts.iter().sum::<u64>()
}

/// The instruction at pc, read without side effects (None if it cannot be fetched).
pub(crate) fn fetch_probe(h: &Hart, bus: &mut Bus) -> Option<Decoded> {
    let half = |bus: &mut Bus, va: u64| {
        let pa = h.probe(bus, va, Access::Fetch, h.prv).ok()?;
        bus.ram.read(pa, 2).map(|v| v as u32)
    };
    let lo = half(bus, h.pc)?;
    if lo & 3 != 3 {
        return Some(decode(lo));
    }
    Some(decode(lo | half(bus, h.pc.wrapping_add(2))? << 16))
}

/// Whether a Zicsr instruction writes its CSR: csrrw always, the others with
/// a nonzero source (Zicsr 9.1).
fn writes_csr(d: &Decoded) -> bool {
    match d.op {
        Op::Csrrw | Op::Csrrwi => true,
        Op::Csrrs | Op::Csrrc | Op::Csrrsi | Op::Csrrci => d.rs1 != 0,
        _ => false,
    }
}

/// A memory access the instruction made: (access, size, va).
pub(crate) fn memory_access(d: &Decoded, x: &[u64; 32]) -> Option<(Access, u64, u64)> {
    let base = x[(d.rs1 & 31) as usize];
    let at = base.wrapping_add(d.imm as i64 as u64);
    use Op::*;
    Some(match d.op {
        Lb | Lbu => (Access::Load, 1, at),
        Lh | Lhu => (Access::Load, 2, at),
        Lw | Lwu | Flw => (Access::Load, 4, at),
        Ld | Fld => (Access::Load, 8, at),
        Sb => (Access::Store, 1, at),
        Sh => (Access::Store, 2, at),
        Sw | Fsw => (Access::Store, 4, at),
        Sd | Fsd => (Access::Store, 8, at),
        LrW => (Access::Load, 4, base),
        LrD => (Access::Load, 8, base),
        ScW | AmoswapW | AmoaddW | AmoxorW | AmoandW | AmoorW | AmominW | AmomaxW | AmominuW | AmomaxuW => {
            (Access::Store, 4, base)
        }
        ScD | AmoswapD | AmoaddD | AmoxorD | AmoandD | AmoorD | AmominD | AmomaxD | AmominuD | AmomaxuD => {
            (Access::Store, 8, base)
        }
        _ => return None,
    })
}

/// The records of a step that retired (a trapped step shows as its trap).
pub fn records(h: &mut Hart, bus: &mut Bus, b: &Before, cfg: &TraceConfig) -> Vec<Record> {
    let Some(d) = b.insn.filter(|_| traps(h) == b.traps) else { return Vec::new() };
    let mut out = Vec::new();
    let mem = memory_access(&d, &b.x).map(|(access, size, va)| (access, size, va, value(h, bus, &d, b, size, va)));
    if cfg.wants(Kind::Insn) {
        out.push(commit_line(h, b, &d, mem));
    }
    if let (true, Some((access, size, va, v))) = (cfg.wants(Kind::Mem), mem) {
        let pa = h.probe(bus, va, access, data_priv(h)).ok();
        out.push(mem_record(h, b, access, size, va, pa, v));
    }
    if let (true, Some((n, old))) = (cfg.wants(Kind::Csr), b.csr) {
        let new = h.csr_value(bus, n).unwrap_or(old);
        out.push(csr_record(h, b, n, old, new));
    }
    if cfg.wants(Kind::TlbHit) {
        let hits = (h.mmu.load_tlb.stats.hits, h.mmu.store_tlb.stats.hits);
        if let Some((access, _, va, _)) = mem.filter(|_| hits != b.hits) {
            out.push(hit_record(h, b, access, va));
        }
    }
    out
}

/// The privilege loads and stores use (MPRV considered).
fn data_priv(h: &Hart) -> Priv {
    let mprv = h.csr.mstatus & sv39_arch::csr::mstatus::MPRV != 0;
    if mprv && h.prv == Priv::M { h.csr.mpp() } else { h.prv }
}

/// The value stored (from rs2 before the step) or loaded (from rd after it).
fn value(h: &Hart, bus: &mut Bus, d: &Decoded, b: &Before, size: u64, va: u64) -> u64 {
    let mask = if size == 8 { u64::MAX } else { (1 << (8 * size)) - 1 };
    match d.op {
        Op::Fsw | Op::Fsd => h.fp.f[(d.rs2 & 31) as usize] & mask,
        Op::Sb | Op::Sh | Op::Sw | Op::Sd | Op::ScW | Op::ScD => b.x[(d.rs2 & 31) as usize] & mask,
        _ if d.rd != 0 && !matches!(d.op, Op::Flw | Op::Fld) => h.x[(d.rd & 31) as usize] & mask,
        _ => {
            let mut bytes = Vec::new();
            h.probe_read(bus, va, data_priv(h), &mut bytes, size as usize);
            bytes.iter().rev().fold(0, |v, &byte| v << 8 | byte as u64)
        }
    }
}

/// `core   0: 3 0x0000000080000000 (0x00000297) x5  0x0000000080000000 mem 0x...  ; auipc t0,0x0`
fn commit_line(h: &Hart, b: &Before, d: &Decoded, mem: Option<(Access, u64, u64, u64)>) -> Record {
    let mut r = Record::new("insn", h.id, b.cycle, b.prv, b.pc);
    let insn = if d.len == 2 { format!("0x{:04x}", d.raw & 0xffff) } else { format!("0x{:08x}", d.raw) };
    let mut text = format!("{}{} 0x{:016x} ({insn})", core_prefix(h.id), b.prv as u8, b.pc);
    let mut writes = Vec::new();
    for (i, (&old, &new)) in b.x.iter().zip(&h.x).enumerate().skip(1) {
        if old != new || i == d.rd as usize && writes_rd(d.op) {
            let _ = write!(text, " x{i:<2} 0x{new:016x}");
            writes.push(serde_json::json!([format!("x{i}"), hex(new)]));
        }
    }
    if let Some((access, size, va, v)) = mem {
        let _ = write!(text, " mem 0x{va:016x}");
        if access == Access::Store {
            let _ = write!(text, " 0x{v:0width$x}", width = 2 * size as usize);
        }
    }
    let disasm = disassemble(d, b.pc);
    let _ = write!(text, "  ; {disasm}");
    r.text = text;
    r.field("insn", insn).field("disasm", disasm).field("writes", writes);
    r
}

/// Whether the op writes x rd (so a write of an unchanged value still shows).
fn writes_rd(op: Op) -> bool {
    op.syntax().writes_rd()
}

fn mem_record(h: &Hart, b: &Before, access: Access, size: u64, va: u64, pa: Option<u64>, v: u64) -> Record {
    let mut r = Record::new("mem", h.id, b.cycle, b.prv, b.pc);
    let pa_text = pa.map_or("?".into(), |pa| format!("0x{pa:x}"));
    r.text = format!("{}mem    {} va 0x{va:x} pa {pa_text} size {size} value 0x{v:x}", core_prefix(h.id), access.name());
    r.field("access", access.name()).field("va", hex(va)).field("size", size).field("value", hex(v));
    r.field("pa", pa.map_or(serde_json::Value::Null, hex));
    r
}

fn csr_record(h: &Hart, b: &Before, n: u16, old: u64, new: u64) -> Record {
    let mut r = Record::new("csr", h.id, b.cycle, b.prv, b.pc);
    let name = sv39_arch::csr::name(n).map_or(format!("csr{n:#x}"), str::to_string);
    r.text = format!("{}csr    {name} 0x{old:x} -> 0x{new:x}", core_prefix(h.id));
    r.field("csr", name).field("old", hex(old)).field("new", hex(new));
    r
}

fn hit_record(h: &Hart, b: &Before, access: Access, va: u64) -> Record {
    let mut r = Record::new("tlb-hit", h.id, b.cycle, b.prv, b.pc);
    r.text = format!("{}tlb    hit {} va 0x{va:x}", core_prefix(h.id), access.name());
    r.field("access", access.name()).field("va", hex(va));
    r
}
