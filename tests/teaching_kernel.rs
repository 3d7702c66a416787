//! teaching-kernel/, a C kernel of the xv6-riscv kind written for QEMU's virt
//! board and nothing else, boots unchanged on sv39 and on QEMU 7.2 from a
//! virtio disk on 3 harts (legacy and modern virtio-mmio), runs its user test
//! suite and powers off through the test finisher with status 0.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;

/// Instructions the whole run may take on sv39 (it takes about 1.2e9).
const MAX_INSNS: &str = "4000000000";

/// Builds the kernel and fs.img once per test binary; their directory, or
/// None outside CI when the cross compiler is missing.
fn built() -> Option<&'static Path> {
    static BUILD: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILD
        .get_or_init(|| {
            let gcc = Command::new("riscv64-linux-gnu-gcc").arg("--version").output();
            if !gcc.is_ok_and(|o| o.status.success()) {
                if std::env::var_os("CI").is_some() {
                    panic!("riscv64-linux-gnu-gcc is missing in CI: `make setup` installs gcc-riscv64-linux-gnu");
                }
                eprintln!("riscv64-linux-gnu-gcc not found: skipping (run `make setup`)");
                return None;
            }
            let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join("teaching-kernel");
            let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../teaching-kernel");
            let out = Command::new("make")
                .arg("-C")
                .arg(&src)
                .arg(format!("BUILD={}", dir.display()))
                .output()
                .expect("make");
            assert!(
                out.status.success(),
                "make -C teaching-kernel:\n{}{}",
                String::from_utf8_lossy(&out.stdout),
                String::from_utf8_lossy(&out.stderr)
            );
            Some(dir)
        })
        .as_deref()
}

/// A private copy of the built fs.img: the kernel writes to its disk.
fn disk(dir: &Path, name: &str) -> PathBuf {
    temp_file(name, &std::fs::read(dir.join("fs.img")).unwrap())
}

fn check(run: &Run, what: &str, version: u32) {
    let all = format!("{}{}", run.stdout, run.stderr);
    assert!(run.stdout.contains(&format!("virtio-mmio version {version}")), "{what}:\n{all}");
    assert!(run.stdout.contains("ALL TESTS PASSED"), "{what}:\n{all}");
    assert!(!run.stdout.contains("FAILED"), "{what}:\n{all}");
    assert!(run.stdout.contains("teaching kernel: hart 2 started"), "{what}: 3 harts:\n{all}");
    assert_eq!(run.code, Some(0), "{what}: exit status:\n{all}");
}

fn on_sv39(legacy: bool) {
    let Some(dir) = built() else { return };
    let img = disk(dir, if legacy { "sv39-legacy.img" } else { "sv39-modern.img" });
    let mut cmd = Command::new(SV39);
    cmd.args(["boot", "--harts", "3", "--max-insns", MAX_INSNS]);
    if legacy {
        cmd.arg("--virtio-legacy");
    }
    cmd.arg("--drive").arg(&img).arg(dir.join("kernel"));
    let run = run_with_limit(cmd, Duration::from_secs(120));
    check(&run, "sv39", if legacy { 1 } else { 2 });
}

fn on_qemu(legacy: bool) {
    let Some(dir) = built() else { return };
    if !qemu_available() {
        return;
    }
    let img = disk(dir, if legacy { "qemu-legacy.img" } else { "qemu-modern.img" });
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", "128M", "-smp", "3", "-nographic"]);
    if !legacy {
        cmd.args(["-global", "virtio-mmio.force-legacy=false"]);
    }
    cmd.arg("-drive").arg(format!("file={},if=none,format=raw,id=x0", img.display()));
    cmd.args(["-device", "virtio-blk-device,drive=x0,bus=virtio-mmio-bus.0", "-kernel"]);
    cmd.arg(dir.join("kernel"));
    let run = run_with_limit(cmd, Duration::from_secs(120));
    check(&run, "qemu", if legacy { 1 } else { 2 });
}

#[test]
fn usertests_pass_on_sv39_legacy_virtio() {
    on_sv39(true);
}

#[test]
fn usertests_pass_on_sv39_modern_virtio() {
    on_sv39(false);
}

#[test]
fn usertests_pass_on_qemu_legacy_virtio() {
    on_qemu(true);
}

#[test]
fn usertests_pass_on_qemu_modern_virtio() {
    on_qemu(false);
}
