//! Debian's OpenSBI (generic platform, fw_jump) on sv39 beside QEMU: the
//! firmware probes the hart's CSRs by trapping and prints what it found. Its
//! privilege version comes from which CSRs exist (mcounteren: 1.10,
//! mcountinhibit: 1.11, menvcfg: 1.12), and only at 1.12 does it enable Sstc
//! through menvcfg.STCE; the board lines come from the device tree.

mod common;
use common::*;
use std::path::Path;
use std::process::Command;
use std::time::Duration;

const FW_JUMP: &str = "/usr/lib/riscv64-linux-gnu/opensbi/generic/fw_jump.elf";

/// The firmware, or None outside CI when the `opensbi` package is missing.
fn firmware() -> Option<&'static Path> {
    let path = Path::new(FW_JUMP);
    if path.exists() {
        return Some(path);
    }
    if std::env::var_os("CI").is_some() {
        panic!("{FW_JUMP} is missing in CI: `make` installs it (apt-get install opensbi)");
    }
    eprintln!("{FW_JUMP} not found: skipping (run `make` to install opensbi)");
    None
}

/// The banner lines that must read the same on every faithful virt board:
/// what the firmware found of the board and of the hart's privileged
/// architecture. (Base ISA, MHPM count and the delegation masks differ on
/// purpose: QEMU's hart has H and 16 event counters, sv39's neither. The
/// boot hart is whichever hart wins OpenSBI's lottery: always hart 0 on sv39,
/// whose harts take turns, any hart on QEMU, whose harts are host threads.)
fn board_and_priv_lines(console: &str) -> Vec<String> {
    const KEYS: [&str; 5] = ["Platform ", "Domain0 Next", "Boot HART Priv Version", "Boot HART ISA Extensions", "Boot HART PMP"];
    console.lines().filter(|l| KEYS.iter().any(|k| l.starts_with(k))).map(|l| l.trim_end().to_owned()).collect()
}

fn sv39_banner(fw: &Path, harts: usize) -> String {
    let mut cmd = Command::new(SV39);
    cmd.args(["boot", "--harts", &harts.to_string(), "--max-insns", "20000000"]).arg(fw);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    // The firmware jumps to an empty next stage at 0x8020_0000 and spins in its
    // trap handler: the instruction limit ends the run.
    assert_eq!(run.code, Some(124), "stderr: {}", run.stderr);
    run.stdout
}

fn qemu_banner(fw: &Path, harts: usize) -> String {
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", "128M", "-smp", &harts.to_string(), "-nographic", "-kernel"]);
    cmd.arg(fw);
    // QEMU never ends by itself here: it is killed at the limit.
    run_with_limit(cmd, Duration::from_secs(5)).stdout
}

#[test]
fn opensbi_finds_priv_1_12_and_sstc() {
    let Some(fw) = firmware() else { return };
    let console = sv39_banner(fw, 1);
    let lines = board_and_priv_lines(&console);
    assert!(lines.iter().any(|l| l.ends_with(": v1.12") && l.starts_with("Boot HART Priv Version")), "{console}");
    assert!(lines.iter().any(|l| l.starts_with("Boot HART ISA Extensions") && l.ends_with(": time,sstc")), "{console}");
}

#[test]
fn opensbi_sees_the_same_board_as_on_qemu() {
    let Some(fw) = firmware() else { return };
    if !qemu_available() {
        return;
    }
    for harts in [1, 2] {
        let ours = board_and_priv_lines(&sv39_banner(fw, harts));
        let theirs = board_and_priv_lines(&qemu_banner(fw, harts));
        assert!(ours.len() >= 15, "banner incomplete on sv39: {ours:#?}");
        assert_eq!(ours, theirs, "{harts} hart(s): sv39 left, QEMU right");
    }
}
