//! The `sv39` command line: bad input gets one clear line and exit status 2,
//! never a backtrace; the run-ending statuses are as documented.

mod common;
use common::*;
use std::path::{Path, PathBuf};


/// Asserts a one-line error containing `needle` and exit status 2.
fn assert_clear_error(run: &Run, needle: &str) {
    assert_eq!(run.code, Some(2), "stderr: {}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "one line, got: {}", run.stderr);
    assert!(run.stderr.starts_with("sv39: error: "), "{}", run.stderr);
    assert!(run.stderr.contains(needle), "expected `{needle}` in: {}", run.stderr);
    assert!(!run.stderr.contains("panicked"), "{}", run.stderr);
}

#[test]
fn missing_file() {
    assert_clear_error(&sv39(&[], &PathBuf::from("/no/such/file.elf")), "cannot read");
}

#[test]
fn not_an_elf() {
    assert_clear_error(&sv39(&[], &temp_file("script.sh", b"#!/bin/sh\necho hi\n")), "not an ELF file");
}

#[test]
fn host_elf_is_not_risc_v() {
    let host = std::env::current_exe().unwrap();
    assert_clear_error(&sv39(&[], &host), "not RISC-V");
}

#[test]
fn thirty_two_bit_elf() {
    let mut elf = elf_with_code(0x8000_0000, &[0x0000_006f]);
    elf[4] = 1;
    assert_clear_error(&sv39(&[], &temp_file("rv32.elf", &elf)), "32-bit");
}

#[test]
fn truncated_elf() {
    let elf = elf_with_code(0x8000_0000, &[0x0000_006f, 0x0000_006f]);
    assert_clear_error(&sv39(&[], &temp_file("cut.elf", &elf[..124])), "truncated");
    assert_clear_error(&sv39(&[], &temp_file("cut2.elf", &elf[..40])), "truncated");
}

#[test]
fn segment_outside_ram() {
    let elf = elf_with_code(0x4000_0000, &[0x0000_006f]);
    assert_clear_error(&sv39(&[], &temp_file("low.elf", &elf)), "outside RAM");
    let elf = elf_with_code(0x8000_0000 + (128 << 20), &[0x0000_006f]);
    assert_clear_error(&sv39(&[], &temp_file("high.elf", &elf)), "outside RAM");
}

#[test]
fn bad_option_values() {
    let elf = temp_file("loop.elf", &elf_with_code(0x8000_0000, &[0x0000_006f]));
    let run = sv39(&["--mem", "12x"], &elf);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("not a size"), "{}", run.stderr);
}

#[test]
fn instruction_limit_stops_with_124() {
    // j . — spins forever.
    let elf = temp_file("spin.elf", &elf_with_code(0x8000_0000, &[0x0000_006f]));
    let run = sv39(&["--max-insns", "100000", "--stats"], &elf);
    assert_eq!(run.code, Some(124), "{}", run.stderr);
    assert!(run.stderr.contains("instruction limit"), "{}", run.stderr);
    assert!(run.stderr.contains("instructions             100000"), "{}", run.stderr);
}

#[test]
fn wfi_with_nothing_to_wake_it_stops_with_125() {
    // csrw mie, zero; wfi; j .-4 — no interrupt source enabled, no input.
    let code = [0x3040_1073, 0x1050_0073, 0xffdf_f06f];
    let elf = temp_file("wfi.elf", &elf_with_code(0x8000_0000, &code));
    let run = sv39(&[], &elf);
    assert_eq!(run.code, Some(125), "{}", run.stderr);
    assert!(run.stderr.contains("WFI"), "{}", run.stderr);
}

#[test]
fn finisher_fail_code_is_the_exit_status() {
    // li t0, 0x100000; li t1, (7 << 16) | 0x3333; sw t1, 0(t0); j .
    let code = [0x0010_02b7, 0x0007_3337, 0x3333_0313, 0x0062_a023, 0x0000_006f];
    let elf = temp_file("fail7.elf", &elf_with_code(0x8000_0000, &code));
    assert_eq!(sv39(&[], &elf).code, Some(7));
}

// ---- `sv39 run` with a host ELF the bundled kernel cannot exec -------------

/// `sv39 run PROGRAM`, which must refuse it before booting.
fn sv39_run(program: &Path) -> Run {
    let mut cmd = std::process::Command::new(SV39);
    cmd.arg("run").arg(program).env_remove("QEMU_LD_PREFIX");
    run_with_limit(cmd, std::time::Duration::from_secs(60))
}

#[test]
fn run_without_a_sysroot_refuses_a_dynamically_linked_elf() {
    // The one program header becomes a PT_INTERP naming glibc's dynamic linker.
    let interp = b"/lib/ld-linux-riscv64-lp64d.so.1\0\0\0\0";
    let words: Vec<u32> = interp.chunks(4).map(|c| u32::from_le_bytes(c.try_into().unwrap())).collect();
    let mut elf = elf_with_code(0x10000, &words);
    elf[64..68].copy_from_slice(&3u32.to_le_bytes()); // PT_INTERP
    let run = sv39_run(&temp_file("dynamic", &elf));
    assert_clear_error(&run, "dynamically linked (its interpreter is /lib/ld-linux-riscv64-lp64d.so.1)");
    assert!(run.stderr.contains("give the riscv64 sysroot with -L DIR"), "{}", run.stderr);
}

#[test]
fn run_refuses_an_elf_for_another_architecture() {
    // This test program is an ELF for the host's architecture.
    let run = sv39_run(&std::env::current_exe().unwrap());
    assert_clear_error(&run, "not RISC-V");
    assert!(run.stderr.contains(": an ELF for "), "{}", run.stderr);
}

#[test]
fn run_refuses_a_32_bit_elf() {
    let mut elf = elf_with_code(0x10000, &[0x0000_006f]);
    elf[4] = 1; // ELFCLASS32
    assert_clear_error(&sv39_run(&temp_file("rv32", &elf)), "a 32-bit ELF; sv39 runs RV64 programs only");
}

#[test]
fn realtime_clock_runs_programs_too() {
    let elf = temp_file("pass-rt.elf", &elf_with_code(0x8000_0000, &PASS));
    assert_eq!(sv39(&["--realtime"], &elf).code, Some(0));
}

/// Guest RAM is reserved, not touched: 8 GiB costs nothing until used.
#[test]
fn large_guest_ram_is_reserved_lazily() {
    let elf = temp_file("pass-big.elf", &elf_with_code(0x8000_0000, &PASS));
    let start = std::time::Instant::now();
    assert_eq!(sv39(&["--mem", "8G"], &elf).code, Some(0));
    assert!(start.elapsed() < std::time::Duration::from_secs(5), "{:?}", start.elapsed());
}

/// li t0, 0x100000; li t1, 0x5555; sw t1, 0(t0); j .
const PASS: [u32; 5] = [0x0010_02b7, 0x0000_5337, 0x5553_031b, 0x0062_a023, 0x0000_006f];
