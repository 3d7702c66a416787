//! What to trace and where: the `--trace*` options, parsed and checked.

use sv39_arch::csr::Priv;

/// One kind of trace event (`--trace LIST`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Every retired instruction, Spike's commit-log layout plus disassembly.
    Insn,
    /// Exceptions, interrupts, mret/sret.
    Trap,
    /// Page walks: each level's PTE and the outcome.
    Mmu,
    /// TLB misses, fills and sfence.vma.
    Tlb,
    /// TLB hits (many).
    TlbHit,
    /// Linux system calls from U-mode, strace style.
    Syscall,
    /// Loads and stores with virtual and physical addresses.
    Mem,
    /// CSR writes with old and new value.
    Csr,
    /// virtio-blk requests: sector, length, read or write, latency.
    Blk,
    /// virtio-9p requests: type, fid, path or offset and count, result.
    P9,
}

pub const KINDS: [(&str, Kind); 10] = [
    ("insn", Kind::Insn),
    ("trap", Kind::Trap),
    ("mmu", Kind::Mmu),
    ("tlb", Kind::Tlb),
    ("tlb-hit", Kind::TlbHit),
    ("syscall", Kind::Syscall),
    ("mem", Kind::Mem),
    ("csr", Kind::Csr),
    ("blk", Kind::Blk),
    ("9p", Kind::P9),
];

impl Kind {
    pub fn name(self) -> &'static str {
        KINDS.iter().find(|(_, k)| *k == self).map_or("?", |(n, _)| n)
    }

    /// Kinds seen only by running one instruction at a time.
    pub fn needs_steps(self) -> bool {
        matches!(self, Kind::Insn | Kind::Mem | Kind::Csr | Kind::TlbHit)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Format {
    #[default]
    Text,
    /// One JSON object per line, for tools.
    Jsonl,
}

#[derive(Clone, Debug, Default)]
pub struct TraceConfig {
    pub kinds: Vec<Kind>,
    /// Only events at these privileges (None: all).
    pub privs: Option<Vec<Priv>>,
    pub asid: Option<u16>,
    /// Only events whose pc lies in [lo, hi].
    pub pc: Option<(u64, u64)>,
    /// The instruction window: from the `from`-th instruction, `count` of them.
    pub from: u64,
    pub count: Option<u64>,
    pub format: Format,
}

impl TraceConfig {
    pub fn wants(&self, kind: Kind) -> bool {
        self.kinds.contains(&kind)
    }

    pub fn needs_steps(&self) -> bool {
        self.kinds.iter().any(|k| k.needs_steps())
    }

    /// Whether instruction number `cycle` (counting from 1) lies in the window:
    /// after the first `from`, and among the `count` that follow.
    pub fn in_window(&self, cycle: u64) -> bool {
        cycle > self.from && self.count.is_none_or(|n| cycle <= self.from.saturating_add(n))
    }

    /// Whether the window is over for good.
    pub fn window_closed(&self, cycle: u64) -> bool {
        self.count.is_some_and(|n| cycle >= self.from.saturating_add(n))
    }

    /// The filters on privilege, ASID and pc.
    pub fn selects(&self, prv: Priv, asid: Option<u16>, pc: u64) -> bool {
        self.privs.as_ref().is_none_or(|p| p.contains(&prv))
            && self.asid.is_none_or(|a| asid == Some(a))
            && self.pc.is_none_or(|(lo, hi)| (lo..=hi).contains(&pc))
    }
}

/// Parses `insn,trap,mmu` (or `all`: everything but TLB hits).
pub fn parse_kinds(list: &str) -> Result<Vec<Kind>, String> {
    let mut kinds = Vec::new();
    for word in list.split(',').map(str::trim).filter(|w| !w.is_empty()) {
        if word == "all" {
            kinds.extend(KINDS.iter().map(|(_, k)| *k).filter(|k| *k != Kind::TlbHit));
            continue;
        }
        let (_, k) = KINDS.iter().find(|(n, _)| *n == word).ok_or_else(|| {
            let names: Vec<&str> = KINDS.iter().map(|(n, _)| *n).collect();
            format!("unknown trace event `{word}` (known: {}, all)", names.join(", "))
        })?;
        kinds.push(*k);
    }
    kinds.dedup();
    Ok(kinds)
}

/// Parses `u,s,m`.
pub fn parse_privs(list: &str) -> Result<Vec<Priv>, String> {
    list.split(',')
        .map(|w| match w.trim() {
            "u" | "U" => Ok(Priv::U),
            "s" | "S" => Ok(Priv::S),
            "m" | "M" => Ok(Priv::M),
            other => Err(format!("unknown privilege `{other}` (use u, s, m)")),
        })
        .collect()
}

/// Parses `LO..HI` (hex with 0x, or decimal), inclusive.
pub fn parse_pc_range(s: &str) -> Result<(u64, u64), String> {
    let (lo, hi) = s.split_once("..").ok_or_else(|| format!("`{s}`: expected LO..HI, e.g. 0x80000000..0x80001000"))?;
    let (lo, hi) = (parse_u64(lo)?, parse_u64(hi)?);
    if lo > hi {
        return Err(format!("`{s}`: the range is empty"));
    }
    Ok((lo, hi))
}

pub fn parse_u64(s: &str) -> Result<u64, String> {
    let t = s.trim().replace('_', "");
    let r = match t.strip_prefix("0x").or_else(|| t.strip_prefix("0X")) {
        Some(hex) => u64::from_str_radix(hex, 16),
        None => t.parse(),
    };
    r.map_err(|_| format!("`{s}` is not a number"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_and_filters() {
        assert_eq!(parse_kinds("insn,trap").unwrap(), vec![Kind::Insn, Kind::Trap]);
        assert!(parse_kinds("all").unwrap().contains(&Kind::Syscall));
        assert!(!parse_kinds("all").unwrap().contains(&Kind::TlbHit));
        assert!(parse_kinds("insn,bogus").unwrap_err().contains("bogus"));
        assert_eq!(parse_privs("u,s").unwrap(), vec![Priv::U, Priv::S]);
        assert_eq!(parse_pc_range("0x80000000..0x80000fff").unwrap(), (0x8000_0000, 0x8000_0fff));
        assert!(parse_pc_range("5..4").is_err());
        let cfg = TraceConfig { from: 10, count: Some(5), privs: Some(vec![Priv::U]), ..Default::default() };
        assert!(!cfg.in_window(10) && cfg.in_window(11) && cfg.in_window(15) && !cfg.in_window(16));
        assert!(cfg.window_closed(15));
        assert!(cfg.selects(Priv::U, None, 0) && !cfg.selects(Priv::S, None, 0));
    }
}
