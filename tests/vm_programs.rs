//! The virtual-memory programs (guest-programs/programs: layout, lazy,
//! pageedge, cow, mmapfile, shm, segv, uvm, aslr, sharetext) as tests. Each
//! program checks its own figures and exits 0 only when they hold; here they
//! run on the bundled kernel (`sv39 run`) under both A/D policies and with
//! `--strict-tlb`, all in one boot per configuration (so the run takes
//! seconds and FramesFree before and after shows that every frame came
//! back), and under qemu-riscv64, Linux's own semantics, where that means
//! something. Not there: `layout` (QEMU lays out its guests its own way:
//! the stack below the mmap area, the heap unnamed), `aslr` (QEMU does not
//! randomize, and cannot exec a riscv64 program from one) and `sharetext`
//! (exec again).

mod common;
use common::*;
use std::process::Command;
use std::time::Duration;
use sv39_abi::procfs::{FRAMES_CACHED, FRAMES_FREE};

/// The programs run in one boot, and the lines each must print.
const ON_SV39: &[(&str, &[&str])] = &[
    ("layout", &["layout: 8 checks, all held", "[heap]", "[stack]", "/bin/layout"]),
    ("lazy", &["lazy: 5 checks, all held"]),
    ("pageedge", &["pageedge: 3 checks, all held"]),
    (
        "cow",
        &[
            "cow (child): 6 checks, all held",
            "child: it copied 1 page(s): CowCopies +1 (want +1)",
            "parent, sole owner again: writing page 2000 took 1 fault(s)",
            "parent, sole owner again: it copied 0 page(s): CowCopies +0 (want +0)",
            "cow: 4 checks, all held",
        ],
    ),
    ("mmapfile", &["mmapfile: 11 checks, all held"]),
    ("shm", &["shm: 6 checks, all held", "/dev/shm/sv39-shm-"]),
    ("segv --fork", &["segv: 4 checks, all held"]),
    ("segv --catch", &["segv: 4 checks, all held"]),
    ("uvm", &["uvm: 4 checks, all held"]),
    ("aslr", &["aslr: 5 checks, all held"]),
    ("sharetext", &["sharetext: 7 checks, all held"]),
];

/// Those that also run under qemu-riscv64, and what they print there.
const ON_QEMU: &[(&str, &[&str])] = &[
    ("lazy", &["lazy: 5 checks, all held"]),
    ("pageedge", &["pageedge: 3 checks, all held"]),
    ("cow", &["cow (child): 5 checks, all held", "cow: 4 checks, all held"]),
    ("mmapfile", &["mmapfile: 11 checks, all held"]),
    ("shm", &["shm: 6 checks, all held"]),
    ("segv --fork", &["segv: 4 checks, all held"]),
    ("segv --catch", &["segv: 4 checks, all held"]),
    ("uvm", &["uvm: 4 checks, all held"]),
];

/// `sv39 run OPTIONS COMMAND...`: stdout, and the kernel's messages on stderr.
fn sv39_run(options: &[&str], command: &[&str]) -> Run {
    let mut cmd = Command::new(SV39);
    cmd.arg("run").args(options).args(command);
    run_with_limit(cmd, Duration::from_secs(300))
}

/// The shell line that runs every program of [`ON_SV39`], each followed by
/// `NAME status N`, in a shell of their own between two readings of
/// /proc/meminfo (so what that shell allocates is freed too).
fn all_in_one_line() -> String {
    let runs: Vec<String> = ON_SV39.iter().map(|(cmd, _)| format!("{cmd}; echo \"{cmd} status $?\"")).collect();
    format!("cat /proc/meminfo; sh -c '{}'; cat /proc/meminfo", runs.join("; "))
}

/// The frames free or holding clean page cache (`FramesFree` +
/// `FramesCached`, which the kernel can take back) in each /proc/meminfo of
/// `console`, in order. The programs' files stay cached after they exit.
fn frames_free(console: &str) -> Vec<u64> {
    let free_or_cached = |m: &str| {
        let value = |key| sv39_abi::procfs::keyed_value(m, key);
        Some(value(FRAMES_FREE)? + value(FRAMES_CACHED).unwrap_or(0))
    };
    console.split("MemTotal:").skip(1).filter_map(free_or_cached).collect()
}

/// What is wrong with one boot's console, program by program; the kernel's
/// fault reports are in `kernel_log`.
fn problems(console: &str, kernel_log: &str) -> Vec<String> {
    let mut wrong = Vec::new();
    for (cmd, lines) in ON_SV39 {
        if !console.contains(&format!("{cmd} status 0\n")) {
            wrong.push(format!("{cmd}: did not exit with status 0"));
        }
        wrong.extend(lines.iter().filter(|l| !console.contains(*l)).map(|l| format!("{cmd}: no line with {l:?}")));
    }
    let free = frames_free(console);
    if free.len() != 2 || free[0] != free[1] {
        wrong.push(format!("frames free or cached before and after all the programs: {free:?}"));
    }
    let reports = kernel_log.lines().filter(|l| l.starts_with("[kernel] pid ") && l.contains("(segv): SIGSEGV")).count();
    if reports != 4 {
        wrong.push(format!("{reports} kernel fault reports for segv, want 4 (one a child of segv --fork)"));
    }
    wrong
}

/// Runs every program in one boot with `options`; fails listing what went wrong.
fn check_on_sv39(options: &[&str]) {
    let run = sv39_run(options, &["sh", "-c", &all_in_one_line()]);
    let wrong = problems(&run.stdout, &run.stderr);
    assert!(wrong.is_empty(), "{}\n--- console\n{}--- stderr\n{}", wrong.join("\n"), run.stdout, run.stderr);
}

#[test]
fn vm_programs_on_sv39() {
    check_on_sv39(&[]);
}

#[test]
fn vm_programs_on_sv39_with_ad_faults() {
    check_on_sv39(&["--ad", "fault"]);
}

#[test]
fn vm_programs_on_sv39_with_strict_tlb() {
    check_on_sv39(&["--strict-tlb"]);
}

/// The numbers in the `lazy` row named `step` (after the step name).
fn lazy_row(console: &str, step: &str) -> Vec<String> {
    let row = console.lines().find(|l| l.starts_with(step)).unwrap_or_else(|| panic!("no {step:?} row in\n{console}"));
    row[step.len()..].split_whitespace().filter(|w| *w != "kB").map(str::to_string).collect()
}

#[test]
fn lazy_counts_the_same_faults_in_getrusage_and_proc_stat() {
    let run = sv39_run(&[], &["lazy"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    for step in ["after allocating", "after touching"] {
        let row = lazy_row(&run.stdout, step);
        assert_eq!(row[0], row[1], "{step}: getrusage and /proc/self/stat minflt disagree:\n{}", run.stdout);
    }
}

/// The layout line `aslr --once` prints on a fresh boot with `options`.
fn layout_line(options: &[&str]) -> String {
    let run = sv39_run(options, &["aslr", "--once"]);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let line = run.stdout.lines().find(|l| l.starts_with("stack ")).map(str::to_string);
    line.unwrap_or_else(|| panic!("no layout line in\n{}", run.stdout))
}

#[test]
fn aslr_moves_between_boots_with_different_seeds() {
    let (r1, r2) = (layout_line(&["--seed", "random"]), layout_line(&["--seed", "random"]));
    assert_ne!(r1, r2, "two boots with --seed random gave one layout");
    let (s1, s2, other) = (layout_line(&["--seed", "7"]), layout_line(&["--seed", "7"]), layout_line(&["--seed", "8"]));
    assert_eq!(s1, s2, "the same seed must give the same layout");
    assert_ne!(s1, other, "seeds 7 and 8 gave one layout");
    assert_eq!(layout_line(&[]), layout_line(&["--seed", "0"]), "without --seed, the seed is 0: repeatable runs");
}

#[test]
fn norandmaps_gives_every_exec_the_same_layout() {
    let run = sv39_run(&["--append", "norandmaps"], &["aslr", "3", "--expect", "same"]);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert!(run.stdout.contains("aslr: 5 checks, all held"), "{}", run.stdout);
}

#[test]
fn vm_programs_on_qemu_user() {
    if !qemu_user_available() {
        return;
    }
    let mut wrong = Vec::new();
    for (cmd, lines) in ON_QEMU {
        let words: Vec<&str> = cmd.split(' ').collect();
        let mut qemu = Command::new("qemu-riscv64");
        qemu.arg(guest_bin(words[0])).args(&words[1..]);
        let run = run_with_limit(qemu, Duration::from_secs(60));
        let missing: Vec<&&str> = lines.iter().filter(|l| !run.stdout.contains(*l)).collect();
        if run.code != Some(0) || !missing.is_empty() {
            wrong.push(format!("{cmd}: status {:?}, missing {missing:?}\n{}{}", run.code, run.stdout, run.stderr));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}
