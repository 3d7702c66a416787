//! The virtio block device: guest-programs/hart-tests' `blk_virtio` drives it
//! from bare metal in both interfaces (version 2 and legacy), on sv39 and on
//! QEMU 7.2 with the same disk, and the disk file holds what the guest wrote.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

const SECTORS: u64 = 64;

/// A fresh 64-sector disk: byte i of sector s is s ^ (i & 0xff).
fn disk(name: &str) -> PathBuf {
    let bytes: Vec<u8> = (0..SECTORS * 512).map(|i| ((i / 512) as u8) ^ (i as u8)).collect();
    temp_file(name, &bytes)
}

fn sector(path: &Path, s: usize) -> Vec<u8> {
    std::fs::read(path).unwrap()[s * 512..(s + 1) * 512].to_vec()
}

fn pristine(s: usize) -> Vec<u8> {
    (0..512).map(|i| (s as u8) ^ (i as u8)).collect()
}

fn qemu_with_disk(path: &Path, legacy: bool, readonly: bool) -> Run {
    let mut cmd = Command::new("qemu-system-riscv64");
    cmd.args(["-M", "virt", "-bios", "none", "-m", "128M", "-nographic"]);
    if !legacy {
        cmd.args(["-global", "virtio-mmio.force-legacy=false"]);
    }
    let ro = if readonly { ",readonly=on" } else { "" };
    cmd.arg("-drive").arg(format!("file={},format=raw,if=none,id=d0{ro}", path.display()));
    cmd.args(["-device", "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0", "-kernel"]);
    cmd.arg(guest_bin("blk_virtio"));
    run_with_limit(cmd, Duration::from_secs(60))
}

fn check_run(run: &Run, what: &str, version: u32, readonly: bool) {
    assert_eq!(run.code, Some(0), "{what}:\n{}{}", run.stdout, run.stderr);
    let line = format!("virtio-blk: version {version}, 7 requests, read-only {readonly}");
    assert!(run.stdout.contains(&line), "{what}: {}", run.stdout);
}

fn check_disk(path: &Path, readonly: bool) {
    let want = if readonly { pristine(10) } else { vec![0xab; 512] };
    assert_eq!(sector(path, 10), want, "sector 10 of {}", path.display());
    assert_eq!(sector(path, 11), pristine(11), "sector 11 untouched");
    assert_eq!(std::fs::metadata(path).unwrap().len(), SECTORS * 512, "size kept");
}

#[test]
fn modern_interface_on_sv39() {
    let path = disk("modern.img");
    let run = sv39(&["--drive", path.to_str().unwrap()], &guest_bin("blk_virtio"));
    check_run(&run, "sv39", 2, false);
    check_disk(&path, false);
}

#[test]
fn legacy_interface_on_sv39() {
    let path = disk("legacy.img");
    let run = sv39(&["--virtio-legacy", "--drive", path.to_str().unwrap()], &guest_bin("blk_virtio"));
    check_run(&run, "sv39 legacy", 1, false);
    check_disk(&path, false);
}

#[test]
fn read_only_disk_on_sv39() {
    let path = disk("ro.img");
    let arg = format!("{},readonly", path.display());
    let run = sv39(&["--drive", &arg], &guest_bin("blk_virtio"));
    check_run(&run, "sv39 read-only", 2, true);
    check_disk(&path, true);
}

#[test]
fn same_on_qemu() {
    if !qemu_available() {
        return;
    }
    for (legacy, readonly, version) in [(false, false, 2), (true, false, 1), (false, true, 2)] {
        let path = disk(&format!("qemu-{legacy}-{readonly}.img"));
        let run = qemu_with_disk(&path, legacy, readonly);
        check_run(&run, &format!("QEMU legacy={legacy} readonly={readonly}"), version, readonly);
        check_disk(&path, readonly);
    }
}

#[test]
fn bad_drives_are_one_line_errors() {
    let elf = guest_bin("blk_virtio");
    let run = sv39(&["--drive", "/nonexistent/disk.img"], &elf);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("cannot open the drive /nonexistent/disk.img"), "{}", run.stderr);
    assert_eq!(run.stderr.lines().count(), 1, "{}", run.stderr);
    let run = sv39(&["--drive", "x.img,cache=none"], &elf);
    assert_eq!(run.code, Some(2));
    assert!(run.stderr.contains("unknown drive option `cache=none`"), "{}", run.stderr);
}

#[test]
fn without_a_drive_the_slot_is_empty() {
    let run = sv39(&[], &guest_bin("blk_virtio"));
    assert_eq!(run.code, Some(3), "device ID 0 fails check 3: {}", run.stdout);
}
