//! Counters kept per hart and the `--stats` summary printed at exit.

use crate::hart::Hart;
use std::fmt::Write;
use std::time::Duration;
use sv39_arch::cause::{exception_name, interrupt_name};

#[derive(Clone, Debug, Default)]
pub struct HartStats {
    /// Exceptions taken, by cause code.
    pub exceptions: [u64; 16],
    /// Interrupts taken, by cause code.
    pub interrupts: [u64; 16],
    pub sfence_vma: u64,
    /// Instructions executed at each privilege (U, S, -, M) before the last
    /// privilege change; see `Hart::cycles_by_priv`.
    pub cycles_by_priv: [u64; 4],
    /// `cycle` at the last privilege change.
    pub priv_since: u64,
}

const PRIV_NAMES: [&str; 4] = ["U", "S", "-", "M"];

/// The summary of a run: instructions, traps by cause, MMU and TLB figures, speed.
pub fn summary(harts: &[Hart], wall: Duration, decode_invalidations: u64) -> String {
    let mut s = String::from("sv39 stats\n");
    let retired: u64 = harts.iter().map(|h| h.minstret()).sum();
    let secs = wall.as_secs_f64();
    let line = |s: &mut String, name: &str, value: String| {
        let _ = writeln!(s, "  {name:<24} {value}");
    };
    line(&mut s, "instructions", retired.to_string());
    line(&mut s, "wall-seconds", format!("{secs:.3}"));
    line(&mut s, "MIPS", format!("{:.1}", retired as f64 / secs.max(1e-9) / 1e6));
    for h in harts {
        let p = format!("hart{}", h.id);
        for (code, &n) in h.stats.exceptions.iter().enumerate().filter(|(_, &n)| n > 0) {
            line(&mut s, &format!("{p}.exception.{code}"), format!("{n}  ({})", exception_name(code as u64)));
        }
        for (code, &n) in h.stats.interrupts.iter().enumerate().filter(|(_, &n)| n > 0) {
            line(&mut s, &format!("{p}.interrupt.{code}"), format!("{n}  ({})", interrupt_name(code as u64)));
        }
        for (prv, n) in h.cycles_by_priv().iter().enumerate().filter(|(i, _)| *i != 2) {
            line(&mut s, &format!("{p}.instructions.{}", PRIV_NAMES[prv]), n.to_string());
        }
        let m = &h.mmu;
        let walks: u64 = m.walk_depths.iter().sum();
        line(&mut s, &format!("{p}.page-walks"), walks.to_string());
        let depths = (1..=3).map(|d| format!("{d}:{}", m.walk_depths[d])).collect::<Vec<_>>().join(" ");
        line(&mut s, &format!("{p}.page-walks.by-depth"), depths);
        for (prv, by_access) in m.page_faults.iter().enumerate().filter(|(_, a)| a.iter().any(|&n| n > 0)) {
            let counts = ["fetch", "load", "store"].iter().zip(by_access).map(|(a, n)| format!("{a} {n}"));
            line(&mut s, &format!("{p}.page-faults.{}", PRIV_NAMES[prv]), counts.collect::<Vec<_>>().join(", "));
        }
        line(&mut s, &format!("{p}.sfence.vma"), h.stats.sfence_vma.to_string());
        for (name, t) in [("fetch", &m.fetch_tlb), ("load", &m.load_tlb), ("store", &m.store_tlb)] {
            let st = t.stats;
            let total = st.hits + st.misses;
            let rate = if total > 0 { 100.0 * st.hits as f64 / total as f64 } else { 0.0 };
            line(
                &mut s,
                &format!("{p}.tlb.{name}"),
                format!(
                    "hits {} misses {} flushes {} hit-rate {rate:.2}% entries {}",
                    st.hits,
                    st.misses,
                    st.flushes,
                    t.entries()
                ),
            );
        }
        if m.strict {
            line(&mut s, &format!("{p}.strict-tlb-reports"), m.stale_reports.to_string());
        }
        if let Some(j) = h.jit_stats() {
            let per_block = j.compile_ns as f64 / 1e3 / j.blocks.max(1) as f64;
            let share = 100.0 * j.compile_ns as f64 / 1e9 / secs.max(1e-9);
            line(
                &mut s,
                &format!("{p}.jit"),
                format!(
                    "blocks {} insns {} us-per-block {per_block:.2} compile-share {share:.2}% chained {} entries {} table-jumps {} flushes {} code-bytes {}",
                    j.blocks, j.block_insns, j.chained, j.entries, j.table_jumps, j.flushes, j.code_bytes
                ),
            );
        }
    }
    line(&mut s, "decode-invalidations", decode_invalidations.to_string());
    s
}
