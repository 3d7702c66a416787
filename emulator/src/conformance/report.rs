//! The suite's results as a table: one row per case with its rule and the
//! result on sv39 (and on QEMU with `--qemu`, marking where the two differ
//! and whether the case's name expects it), the first failed check under
//! each failing row, and a summary.

use super::cases::Case;
use super::run::Verdict;
use crate::mmu::walk::AdPolicy;
use std::fmt::Write;
use std::time::Duration;

/// One case's results.
pub struct Row {
    pub case: Case,
    pub rule: String,
    pub sv39: Verdict,
    pub qemu: Option<Verdict>,
}

impl Row {
    /// Whether QEMU did what the case's name says it does (pass, or fail for
    /// `qemubug_`/`adfault_`); true without a QEMU run.
    pub fn qemu_as_expected(&self) -> bool {
        self.qemu.as_ref().is_none_or(|q| q.passed() == self.case.qemu_passes())
    }

    /// Whether sv39 and QEMU disagree, and the name does not explain it.
    pub fn unexpected_disagreement(&self) -> bool {
        self.qemu.as_ref().is_some_and(|q| q.passed() != self.sv39.passed()) && !self.expected_disagreement()
    }

    fn expected_disagreement(&self) -> bool {
        self.sv39.passed() && !self.case.qemu_passes() && self.qemu.as_ref().is_some_and(|q| !q.passed())
    }

    /// The note in the last column: why sv39 and QEMU differ, if they do.
    fn note(&self) -> &'static str {
        let Some(q) = &self.qemu else { return "" };
        match (q.passed() == self.sv39.passed(), self.expected_disagreement()) {
            (true, _) if !self.case.qemu_passes() && self.sv39.passed() => "agrees, though named for a QEMU difference",
            (true, _) => "",
            (false, true) if self.case.qemu_bug() => "differs: QEMU 7.2 bug (expected)",
            (false, true) => "differs: QEMU has no Svade (expected)",
            (false, false) => "DIFFERS (unexpected)",
        }
    }
}

/// A finished run of the suite.
pub struct Suite {
    pub rows: Vec<Row>,
    pub ad: AdPolicy,
    /// QEMU's version line when it ran too.
    pub qemu: Option<String>,
    pub threads: usize,
    pub wall: Duration,
}

impl Suite {
    /// Every case passed on sv39 and every disagreement with QEMU is expected.
    pub fn ok(&self) -> bool {
        self.rows.iter().all(|r| r.sv39.passed() && !r.unexpected_disagreement())
    }

    /// The table, failure details and summary.
    pub fn render(&self) -> String {
        let name_w = self.rows.iter().map(|r| r.case.name.len()).max().unwrap_or(4).max(4);
        let rule_w = self.rows.iter().map(|r| r.rule.len()).max().unwrap_or(4).max(4);
        let sv39 = format!("sv39 (--ad {})", policy_name(self.ad));
        let mut out = String::new();
        let qemu_head = if self.qemu.is_some() { format!("{:<14}", "qemu") } else { String::new() };
        let head = format!("{:<name_w$}  {:<rule_w$}  {sv39:<18}  {qemu_head}", "case", "rule");
        let _ = writeln!(out, "{}", head.trim_end());
        for row in &self.rows {
            let qemu = row.qemu.as_ref().map_or(String::new(), |q| format!("{:<14}", q.short()));
            let line = format!(
                "{:<name_w$}  {:<rule_w$}  {:<18}  {qemu}  {}",
                row.case.name,
                row.rule,
                row.sv39.short(),
                row.note()
            );
            let _ = writeln!(out, "{}", line.trim_end());
            for (engine, verdict) in [("sv39", Some(&row.sv39)), ("qemu", row.qemu.as_ref())] {
                if let Some(detail) = verdict.and_then(Verdict::detail) {
                    let _ = writeln!(out, "    {engine}: {detail}");
                }
            }
        }
        out + &self.summary()
    }

    fn summary(&self) -> String {
        let passed = self.rows.iter().filter(|r| r.sv39.passed()).count();
        let mut s = format!(
            "\n{} cases on sv39 (--ad {}): {passed} pass, {} fail",
            self.rows.len(),
            policy_name(self.ad),
            self.rows.len() - passed
        );
        if let Some(version) = &self.qemu {
            let differ = self.rows.iter().filter(|r| r.qemu.as_ref().is_some_and(|q| q.passed() != r.sv39.passed()));
            let (total, unexpected) =
                differ.fold((0, 0), |(t, u), r| (t + 1, u + r.unexpected_disagreement() as usize));
            let _ = write!(s, "\n{version}: differs on {total} cases, {unexpected} of them unexpected");
        }
        let _ = writeln!(s, "\n{:.1} s on {} threads", self.wall.as_secs_f64(), self.threads);
        s
    }
}

pub fn policy_name(ad: AdPolicy) -> &'static str {
    match ad {
        AdPolicy::Update => "update",
        AdPolicy::Fault => "fault",
    }
}
