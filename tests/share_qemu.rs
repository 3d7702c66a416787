//! The kernel's 9P2000.L client against QEMU's virtio-9p device (the
//! reference): the bundled kernel on `qemu-system-riscv64` with `-fsdev
//! local` and `-device virtio-9p-device`, `share=share0:DIR cwd=DIR`, runs
//! linux-programs/c/share.c in a host directory mounted at its own path;
//! its output must be what the same program prints under qemu-riscv64 in
//! a copy of that directory, and after the read-write run the two
//! directories must hold the same files. Both virtio-mmio layouts.
//! Skipped without qemu-system-riscv64 (or its virtfs), qemu-riscv64 or
//! riscv64-linux-gnu-gcc, except in CI, where that is a failure.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

/// Whether every tool is here (in CI, a missing one fails the test).
fn tools() -> bool {
    let virtfs = Command::new("qemu-system-riscv64")
        .args(["-device", "help"])
        .output()
        .is_ok_and(|o| String::from_utf8_lossy(&o.stdout).contains("virtio-9p-device"));
    let gcc = Command::new("riscv64-linux-gnu-gcc").arg("--version").output().is_ok();
    let present = virtfs && gcc && qemu_user_available();
    assert!(present || std::env::var_os("CI").is_none(), "virtfs, qemu-riscv64 or riscv64-linux-gnu-gcc missing in CI");
    if !present {
        eprintln!("skipping: qemu-system-riscv64 with virtfs, qemu-riscv64 and riscv64-linux-gnu-gcc are needed");
    }
    present
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("share-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// share.c, built static as the Makefile of linux-programs builds it.
fn program() -> PathBuf {
    let out = scratch("bin").with_extension("elf");
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("../linux-programs/c/share.c");
    let mut cc = Command::new("riscv64-linux-gnu-gcc");
    cc.args(["-static", "-O2", "-Wall", "-Wextra", "-Werror", "-o"]).arg(&out).arg(src);
    let built = run_with_limit(cc, Duration::from_secs(120));
    assert_eq!(built.code, Some(0), "{}", built.stderr);
    out
}

/// share.c under qemu-riscv64 in `dir`.
fn reference(elf: &Path, dir: &Path, mode: &str) -> String {
    let mut cmd = Command::new("qemu-riscv64");
    cmd.arg(elf).arg(mode).current_dir(dir);
    let run = run_with_limit(cmd, Duration::from_secs(60));
    assert_eq!(run.code, Some(0), "qemu-riscv64: {}{}", run.stdout, run.stderr);
    run.stdout
}

/// share.c on the bundled kernel on qemu-system-riscv64, `dir` shared at its own path.
fn guest(elf: &Path, dir: &Path, mode: &str, legacy: bool, readonly: bool) -> String {
    let path = dir.to_str().unwrap();
    let mut qemu = vec![];
    if !legacy {
        qemu.extend(["-global".to_string(), "virtio-mmio.force-legacy=false".into()]);
    }
    let ro = if readonly { ",readonly=on" } else { "" };
    qemu.extend([
        "-fsdev".to_string(),
        format!("local,id=f0,path={path},security_model=none{ro}"),
        "-device".into(),
        "virtio-9p-device,fsdev=f0,mount_tag=share0".into(),
    ]);
    let qemu: Vec<&str> = qemu.iter().map(String::as_str).collect();
    let append = format!("share=share0:{path} cwd={path}");
    let command = [elf.to_str().unwrap(), mode];
    let run = qemu_system_run_with(&qemu, Some(&append), &command, None, Duration::from_secs(180));
    let out = without_kernel_lines(&run.stdout);
    assert_eq!(run.code, Some(0), "qemu-system-riscv64: {out}{}", run.stderr);
    out
}


/// What sv39's 9p refuses where Linux with a page cache maps (Linux's 9p
/// without a cache refuses it too).
fn without_shared_writable_mmap(out: &str) -> String {
    out.replace("mmap shared writable: mapped", "mmap shared writable: refused")
}

#[test]
fn a_read_only_share_reads_like_the_host_and_refuses_writes_legacy_virtio() {
    if !tools() {
        return;
    }
    let elf = program();
    let (shared, copy) = (scratch("ro"), scratch("ro-ref"));
    share_tree(&shared);
    share_tree(&copy);
    let want = reference(&elf, &copy, "read");
    let refused = ["create", "write open", "mkdir", "unlink", "rename"]
        .map(|what| format!("{what}: Read-only file system\n"))
        .concat();
    let before = tree(&shared);
    let got = guest(&elf, &shared, "ro", true, true);
    assert_eq!(got, want + &refused);
    assert_eq!(tree(&shared), before, "the read-only share is unchanged");
    let _ = std::fs::remove_dir_all(&shared);
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn a_read_write_share_changes_the_host_as_linux_would_modern_virtio() {
    if !tools() {
        return;
    }
    let elf = program();
    let (shared, copy) = (scratch("rw"), scratch("rw-ref"));
    share_tree(&shared);
    share_tree(&copy);
    let want = without_shared_writable_mmap(&reference(&elf, &copy, "rw"));
    let got = guest(&elf, &shared, "rw", false, false);
    assert_eq!(got, want);
    assert_eq!(tree(&shared), tree(&copy), "the host directory after the guest's writes");
    assert!(tree(&shared).contains(&("made/moved.txt".into(), "file \"first line\\nappended\\n\"".into())));
    let _ = std::fs::remove_dir_all(&shared);
    let _ = std::fs::remove_dir_all(&copy);
}
