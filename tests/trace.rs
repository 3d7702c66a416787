//! Tracing (`--trace`): the layouts users and tools read, the spec's terms in
//! walk outcomes, strace-style system calls, and byte-identical repeat runs.

mod common;
use common::*;
use std::process::Command;
use std::time::Duration;

/// li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .  — passes through the finisher.
const PASS: [u32; 5] = [0x0010_02b7, 0x0000_5337, 0x5553_031b, 0x0062_a023, 0x0000_006f];

fn sv39_cmd(args: &[&str]) -> Run {
    let mut cmd = Command::new(SV39);
    cmd.args(args);
    run_with_limit(cmd, Duration::from_secs(60))
}

#[test]
fn insn_lines_use_spikes_commit_log_layout() {
    let elf = temp_file("pass.elf", &elf_with_code(0x8000_0000, &PASS));
    let run = sv39(&["--trace", "insn"], &elf);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let lines: Vec<&str> = run.stderr.lines().collect();
    assert_eq!(lines[0], "core   0: 3 0x0000000080000000 (0x001002b7) x5  0x0000000000100000  ; lui t0,0x100");
    assert_eq!(lines[1], "core   0: 3 0x0000000080000004 (0x00005337) x6  0x0000000000005000  ; lui t1,0x5");
    assert_eq!(lines[3], "core   0: 3 0x000000008000000c (0x0062a023) mem 0x0000000000100000 0x00005555  ; sw t1,0(t0)");
}

#[test]
fn mem_and_csr_records_name_both_addresses_and_values() {
    // csrrw t2, mscratch, t0 after the two lui.
    let code = [0x0010_02b7, 0x0000_5337, 0x3402_93f3, 0x5553_031b, 0x0062_a023, 0x0000_006f];
    let elf = temp_file("csr.elf", &elf_with_code(0x8000_0000, &code));
    let run = sv39(&["--trace", "mem,csr"], &elf);
    assert!(run.stderr.contains("csr    mscratch 0x0 -> 0x100000"), "{}", run.stderr);
    assert!(run.stderr.contains("mem    store va 0x100000 pa 0x100000 size 4 value 0x5555"), "{}", run.stderr);
}

#[test]
fn walks_report_each_level_and_the_reason_for_a_fault() {
    let demo = guest_bin("mmu-demo");
    let run = sv39(&["--trace", "mmu,trap", "--trace-priv", "u"], &demo);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let walk = run.stderr.lines().find(|l| l.contains("walk store va 0x40001000")).expect("the read-only store walks");
    assert!(walk.contains(" L2 [0x") && walk.contains(" L1 [0x") && walk.contains(" L0 [0x"), "{walk}");
    assert!(walk.ends_with("=> fault: permission denied by R/W/X"), "{walk}");
    assert!(run.stderr.contains("exception 15 (store/AMO page fault), epc 0x"), "{}", run.stderr);
}

#[test]
fn syscalls_read_like_strace() {
    let run = sv39_cmd(&["run", "--trace", "syscall", "echo", "hi", "there"]);
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let s = &run.stderr;
    assert!(s.contains(r#"execve("/bin/echo", ["/bin/echo", "hi", "there"], 0x"#), "{s}");
    assert!(s.lines().any(|l| l.starts_with("[asid ") && l.ends_with(r#"write(1, "hi there\n", 9) = 9"#)), "{s}");
    assert!(s.lines().any(|l| l.ends_with("exit_group(0) = ?")), "{s}");
    assert!(s.contains("= -1 ECHILD (No child processes)"), "{s}");
}

#[test]
fn jsonl_lines_are_json_objects_with_hex_addresses() {
    let dir = std::env::temp_dir().join(format!("sv39-trace-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("t.jsonl");
    let demo = guest_bin("mmu-demo");
    let run = sv39(
        &["--trace", "insn,trap,mmu,tlb", "--trace-format", "jsonl", "--trace-priv", "u", "--trace-file"]
            .iter()
            .map(|s| s.to_string())
            .chain([path.display().to_string()])
            .collect::<Vec<_>>()
            .iter()
            .map(String::as_str)
            .collect::<Vec<_>>(),
        &demo,
    );
    assert_eq!(run.code, Some(0), "{}", run.stderr);
    let text = std::fs::read_to_string(&path).unwrap();
    let mut kinds = std::collections::BTreeSet::new();
    for line in text.lines() {
        let v: serde_json::Value = serde_json::from_str(line).unwrap_or_else(|e| panic!("{e}: {line}"));
        assert!(v["pc"].as_str().is_some_and(|pc| pc.starts_with("0x")), "{line}");
        kinds.insert(v["event"].as_str().unwrap().to_string());
    }
    assert!(kinds.contains("insn") && kinds.contains("mmu") && kinds.contains("tlb"), "{kinds:?}");
}

#[test]
fn same_options_give_a_byte_identical_trace() {
    let trace = || {
        let run = sv39_cmd(&[
            "run",
            "--trace",
            "trap,mmu,tlb,syscall",
            "echo",
            "determinism",
        ]);
        assert_eq!(run.code, Some(0), "{}", run.stderr);
        run.stderr
    };
    let (a, b) = (trace(), trace());
    assert!(a.lines().count() > 1000, "a real trace: {} lines", a.lines().count());
    assert_eq!(a, b);
}

#[test]
fn the_instruction_window_bounds_the_trace() {
    let demo = guest_bin("mmu-demo");
    let run = sv39(&["--trace", "insn", "--trace-from", "100", "--trace-count", "50"], &demo);
    assert_eq!(run.code, Some(0));
    let insns: Vec<&str> = run.stderr.lines().filter(|l| l.starts_with("core")).collect();
    assert!((40..=50).contains(&insns.len()), "{} lines (traps take a step without a line)", insns.len());
}
