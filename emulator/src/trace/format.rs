//! Text and JSON for the events harts record (traps, walks, TLB, satp).

use super::config::{Kind, TraceConfig};
use super::event::{HartEvent, TranslateFault};
use super::record::{core_prefix, hex, Record};
use crate::mmu::walk::WalkSteps;
use std::fmt::Write;
use sv39_arch::cause::{exception_name, interrupt_name};
use sv39_arch::csr::Priv;
use sv39_arch::pte::*;

/// The record for `e`, if its kind is traced.
pub fn event(hart: usize, e: &HartEvent, cfg: &TraceConfig) -> Option<Record> {
    let c = e.ctx();
    let kind = match e {
        HartEvent::Trap { .. } | HartEvent::Xret { .. } => Kind::Trap,
        HartEvent::Walk { .. } => Kind::Mmu,
        HartEvent::Satp { .. } => Kind::Mmu,
        HartEvent::TlbMiss { .. } | HartEvent::TlbFill { .. } | HartEvent::Sfence { .. } => Kind::Tlb,
    };
    if !cfg.wants(kind) {
        return None;
    }
    let mut r = Record::new(kind.name(), hart, c.cycle, c.prv, c.pc);
    let body = match e {
        HartEvent::Trap { code, interrupt, tval, to, .. } => trap(&mut r, *code, *interrupt, *tval, c.prv, *to),
        HartEvent::Xret { to, target, .. } => xret(&mut r, c.prv, *to, *target),
        HartEvent::Walk { access, va, steps, outcome, .. } => {
            r.field("access", access.name()).field("va", hex(*va));
            walk(&mut r, access.name(), *va, steps, outcome)
        }
        HartEvent::Satp { value, .. } => satp(&mut r, *value),
        HartEvent::TlbMiss { access, va, .. } => {
            r.field("what", "miss").field("access", access.name()).field("va", hex(*va));
            format!("miss {} va 0x{va:x}", access.name())
        }
        HartEvent::TlbFill { access, va, pa, level, global, .. } => {
            r.field("what", "fill").field("access", access.name()).field("va", hex(*va)).field("pa", hex(*pa));
            r.field("level", *level).field("global", *global);
            let size = ["4 KiB", "2 MiB", "1 GiB"][(*level as usize).min(2)];
            let scope = if *global { "global".to_string() } else { c.asid.map_or("bare".into(), |a| format!("asid {a}")) };
            format!("fill {} va 0x{va:x} -> pa 0x{pa:x} ({size} page, {scope})", access.name())
        }
        HartEvent::Sfence { va, asid, removed, .. } => {
            r.field("what", "sfence.vma").field("removed", *removed);
            r.field("va", va.map_or(serde_json::Value::Null, hex));
            r.field("asid", asid.map_or(serde_json::Value::Null, |a| a.into()));
            let va = va.map_or("all".into(), |v| format!("0x{v:x}"));
            let asid = asid.map_or("all".into(), |a| a.to_string());
            format!("sfence.vma va={va} asid={asid}: {removed} entries removed")
        }
    };
    let tag = format!("{:<6} ", kind.name());
    r.text = format!("{}{tag}{body}", core_prefix(hart));
    Some(r)
}

fn trap(r: &mut Record, code: u64, interrupt: bool, tval: u64, from: Priv, to: Priv) -> String {
    let (what, name) =
        if interrupt { ("interrupt", interrupt_name(code)) } else { ("exception", exception_name(code)) };
    let delegated = to == Priv::S;
    r.field("what", what).field("cause", code).field("name", name).field("tval", hex(tval));
    r.field("to", to.letter().to_string()).field("delegated", delegated);
    let epc = r.fields["pc"].as_str().unwrap_or("?").to_string();
    let deleg = if delegated { " (delegated)" } else { "" };
    format!("{what} {code} ({name}), epc {epc}, tval 0x{tval:x}, {} -> {}{deleg}", from.letter(), to.letter())
}

fn xret(r: &mut Record, from: Priv, to: Priv, target: u64) -> String {
    let insn = if from == Priv::M { "mret" } else { "sret" };
    r.field("what", insn).field("to", to.letter().to_string()).field("target", hex(target));
    format!("{insn}: {} -> {} at 0x{target:x}", from.letter(), to.letter())
}

fn satp(r: &mut Record, value: u64) -> String {
    use sv39_arch::csr::satp as f;
    let mode = match value >> f::MODE_SHIFT {
        f::MODE_BARE => "Bare",
        f::MODE_SV39 => "Sv39",
        _ => "?",
    };
    let asid = (value & f::ASID) >> f::ASID_SHIFT;
    let root = (value & f::PPN) << 12;
    r.field("what", "satp").field("satp", hex(value)).field("mode", mode).field("asid", asid).field("root", hex(root));
    format!("satp <- 0x{value:x} ({mode}, asid {asid}, root table 0x{root:x})")
}

fn walk(r: &mut Record, access: &str, va: u64, steps: &WalkSteps, outcome: &Result<(u64, u64, usize), TranslateFault>) -> String {
    let mut text = format!("walk {access} va 0x{va:x}:");
    let mut levels = Vec::new();
    for &(level, addr, pte) in &steps.steps[..steps.len] {
        let _ = write!(text, " L{level} [0x{addr:x}]=0x{pte:x}");
        levels.push(serde_json::json!({"level": level, "pte_addr": hex(addr), "pte": hex(pte)}));
    }
    r.field("levels", levels);
    match outcome {
        Ok((pa, pte, level)) => {
            r.field("pa", hex(*pa)).field("flags", flags(*pte)).field("level", *level);
            let _ = write!(text, " => pa 0x{pa:x} [{}] level {level}", flags(*pte));
        }
        Err(fault) => {
            let why = describe(*fault);
            r.field("fault", why);
            let _ = write!(text, " => fault: {why}");
        }
    }
    text
}

/// The reason a translation failed, in the spec's terms.
pub fn describe(f: TranslateFault) -> &'static str {
    match f {
        TranslateFault::NonCanonical => "non-canonical address (bits 63:39 differ from bit 38)",
        TranslateFault::Walk(w) => w.describe(),
        TranslateFault::Pmp => "PMP denies the physical address",
    }
}

/// A PTE's flags as `DAGUXWRV` letters, `-` where clear.
pub fn flags(pte: u64) -> String {
    [(PTE_D, 'D'), (PTE_A, 'A'), (PTE_G, 'G'), (PTE_U, 'U'), (PTE_X, 'X'), (PTE_W, 'W'), (PTE_R, 'R'), (PTE_V, 'V')]
        .iter()
        .map(|&(bit, c)| if pte & bit != 0 { c } else { '-' })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pte_flags_read_like_the_spec() {
        assert_eq!(flags(PTE_V | PTE_R | PTE_W | PTE_A | PTE_D), "DA---WRV");
        assert_eq!(flags(PTE_V | PTE_X | PTE_U | PTE_G), "--GUX--V");
    }
}
