//! The MMU conformance suite (guest-programs/conformance, `sv39 conformance`):
//! every case passes on sv39 under both A/D schemes; on QEMU 7.2 every case
//! passes except the ones named for a known difference (`qemubug_*`,
//! `adfault_*`), which must still fail there, so a change on either side
//! shows up; cases named for one A/D scheme fail under the other (the cases
//! can fail); `--export` writes ELFs that run on their own.

mod common;
use common::*;
use std::process::Command;
use std::time::Duration;
use sv39::conformance::{cases, export, run, run_suite, ConformanceArgs};
use sv39::mmu::walk::AdPolicy;

/// Runs the cases matching `filter` that apply to `ad` and fails with every
/// case that went wrong.
fn check_suite(ad: AdPolicy, filter: Option<&str>, qemu: bool) {
    let args = ConformanceArgs { ad, filter: filter.map(str::to_string), qemu, jobs: None, export: None, engine: engine() };
    let suite = run_suite(&args).unwrap();
    let wrong: Vec<String> = suite
        .rows
        .iter()
        .filter(|r| !r.sv39.passed() || !r.qemu_as_expected())
        .map(|r| {
            let qemu = r.qemu.as_ref().map_or(String::new(), |q| format!(", qemu {} {:?}", q.short(), q.detail()));
            format!("{}: sv39 {} {:?}{qemu}", r.case.name, r.sv39.short(), r.sv39.detail())
        })
        .collect();
    assert!(wrong.is_empty(), "{} case(s) wrong:\n{}\n\n{}", wrong.len(), wrong.join("\n"), suite.render());
    assert!(suite.ok());
}

#[test]
fn suite_passes_on_sv39_with_hardware_ad() {
    check_suite(AdPolicy::Update, None, false);
}

#[test]
fn suite_passes_on_sv39_with_svade() {
    check_suite(AdPolicy::Fault, None, false);
}

/// Every case once on QEMU: all but the `adfault_*` ones with hardware A/D
/// on sv39 alongside, then those with Svade.
#[test]
fn qemu_differs_only_where_a_case_says_so() {
    if qemu_available() {
        check_suite(AdPolicy::Update, None, true);
        check_suite(AdPolicy::Fault, Some("adfault_"), true);
    }
}

/// `adfault_*` cases fail with hardware A/D and `adhw_*` cases under Svade,
/// each at a numbered check it names on the console.
#[test]
fn cases_for_one_ad_scheme_fail_under_the_other() {
    let all = cases::all();
    let wrong_scheme = all.iter().filter_map(|c| Some((c, c.needs()?)));
    let mut count = 0;
    for (case, needs) in wrong_scheme {
        let other = if needs == AdPolicy::Fault { AdPolicy::Update } else { AdPolicy::Fault };
        let verdict = run::on_sv39(case, other, engine());
        let detail = verdict.detail().unwrap_or_default();
        assert!(!verdict.passed() && detail.starts_with("check "), "{} under {other:?}: {verdict:?}", case.name);
        count += 1;
    }
    assert!(count >= 20, "only {count} cases name an A/D scheme");
}

#[test]
fn export_writes_runnable_elves_and_a_readme() {
    let dir = std::env::temp_dir().join(format!("sv39-conformance-export-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let out = Command::new(SV39).args(["conformance", "--export"]).arg(&dir).output().unwrap();
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let all = cases::all();
    for case in &all {
        assert_eq!(std::fs::read(dir.join(format!("{}.elf", case.name))).unwrap(), case.elf, "{}", case.name);
    }
    assert_eq!(std::fs::read_to_string(dir.join("README.md")).unwrap(), export::readme(&all));
    let run = sv39(&["--ad=fault"], &dir.join("adfault_store_d0.elf"));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let run = sv39(&[], &dir.join("adfault_store_d0.elf"));
    assert_eq!(run.code, Some(1), "hardware A/D: check 1 (the store completes)\n{}", run.stdout);
    std::fs::remove_dir_all(&dir).unwrap();
}

/// The command line: a table with one row per selected case, exit 0; an
/// empty selection is a tool error.
#[test]
fn command_line_table_and_status() {
    let mut cmd = Command::new(SV39);
    cmd.args(["conformance", "--filter", "pte_v0_*_s", "--jobs", "2"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let rows = run.stdout.lines().filter(|l| l.starts_with("pte_v0_") && l.contains(" pass")).count();
    let selected = cases::matching(Some("pte_v0_*_s")).len();
    assert!(selected >= 4 && rows == selected, "{rows} rows for {selected} cases:\n{}", run.stdout);
    assert!(run.stdout.contains("4.3.2 step 3: V=0 leaf"), "{}", run.stdout);

    let mut cmd = Command::new(SV39);
    cmd.args(["conformance", "--ad", "update", "--filter", "adfault_"]);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(run.code, Some(2), "adfault_ cases do not apply to --ad update\n{}", run.stderr);
    assert!(run.stderr.contains("no case matches"), "{}", run.stderr);
}
