//! The bundled kernel's virtio-blk driver: the program `disk` reads
//! /dev/vda as a block-device file (two processes at once, each sleeping on
//! its requests), writes across sector boundaries and up to the last byte,
//! and the image file holds those bytes after exit; a read-only drive
//! refuses writers with EROFS. The same kernel and image on QEMU, in both
//! virtio-mmio interfaces, agree.

mod common;
use common::*;
use std::path::{Path, PathBuf};
use std::time::Duration;

const SIZE: usize = 256 * 1024;
const MIDDLE: &[u8] = b"sv39 wrote this across a sector boundary";
const TAIL: &[u8] = b"END-OF-DISK";

/// A fresh image of pseudo-random bytes (a xorshift stream).
fn image(name: &str) -> PathBuf {
    let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
    let bytes: Vec<u8> = (0..SIZE)
        .map(|_| {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x as u8
        })
        .collect();
    temp_file(name, &bytes)
}

fn fnv1a(bytes: &[u8]) -> String {
    let h = bytes.iter().fold(0xcbf2_9ce4_8422_2325u64, |h, &b| (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3));
    format!("digest: fnv1a64 {h:016x}")
}

/// Checks the run's report and the image's bytes afterwards.
fn check(what: &str, run: &Run, path: &Path, before: &[u8], readonly: bool) {
    let out = without_kernel_lines(&run.stdout);
    assert_eq!(run.code, Some(0), "{what}:\n{}{}", run.stdout, run.stderr);
    assert!(out.contains(&format!("/dev/vda: {SIZE} bytes ({} sectors)", SIZE / 512)), "{what}: {out}");
    assert!(out.contains(&fnv1a(before)), "{what}: the digest of the image is {}\n{out}", fnv1a(before));
    assert!(out.contains(&format!("disk: {} checks, all held", if readonly { 3 } else { 10 })), "{what}: {out}");
    let after = std::fs::read(path).unwrap();
    assert_eq!(after.len(), SIZE, "{what}: the image keeps its size");
    if readonly {
        assert!(after == before, "{what}: a read-only image is untouched");
        return;
    }
    let mut want = before.to_vec();
    want[1000..1000 + MIDDLE.len()].copy_from_slice(MIDDLE);
    want[SIZE - TAIL.len()..].copy_from_slice(TAIL);
    let first_diff = after.iter().zip(&want).position(|(a, b)| a != b);
    assert_eq!(first_diff, None, "{what}: the image differs from the writes at byte {first_diff:?}");
}

fn on_sv39(name: &str, options: &[&str], readonly: bool) {
    let path = image(name);
    let before = std::fs::read(&path).unwrap();
    let drive = format!("{}{}", path.display(), if readonly { ",readonly" } else { "" });
    let mut opts = vec!["--drive", drive.as_str()];
    opts.extend_from_slice(options);
    let command: &[&str] = if readonly { &["disk", "--readonly"] } else { &["disk"] };
    let run = sv39_run_console(&opts, command, None);
    check(&format!("sv39 {options:?}"), &run, &path, &before, readonly);
}

fn on_qemu(name: &str, legacy: bool, readonly: bool) {
    let path = image(name);
    let before = std::fs::read(&path).unwrap();
    let drive =
        format!("file={},format=raw,if=none,id=d0{}", path.display(), if readonly { ",readonly=on" } else { "" });
    let mut args = vec!["-drive", &drive, "-device", "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0"];
    if !legacy {
        args.extend(["-global", "virtio-mmio.force-legacy=false"]);
    }
    let command: &[&str] = if readonly { &["disk", "--readonly"] } else { &["disk"] };
    let run = qemu_system_run_with(&args, None, command, None, Duration::from_secs(60));
    check(&format!("QEMU legacy={legacy}"), &run, &path, &before, readonly);
}

#[test]
fn reads_and_writes_on_sv39() {
    on_sv39("rw.img", &[], false);
}

#[test]
fn legacy_interface_on_sv39() {
    on_sv39("legacy.img", &["--virtio-legacy"], false);
}

#[test]
fn read_only_drive_on_sv39() {
    on_sv39("ro.img", &[], true);
}

#[test]
fn same_on_qemu() {
    if !qemu_available() {
        return;
    }
    on_qemu("q-modern.img", false, false);
    on_qemu("q-legacy.img", true, false);
    on_qemu("q-ro.img", false, true);
}

/// The kernel names the disk it found, and `ls -l /dev` shows a block device.
#[test]
fn dev_vda_is_listed() {
    let path = image("ls.img");
    let run = sv39_run_console(&["--drive", path.to_str().unwrap()], &["ls", "-l", "/dev"], None);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let line = run.stdout.lines().find(|l| l.ends_with(" vda")).unwrap_or_else(|| panic!("{}", run.stdout));
    assert!(line.starts_with("brw-rw----"), "{line}");
}

/// `--trace blk` prints each request as the device completes it: the three
/// writes of `disk` (the middle one's sectors 1..8, the last sector twice),
/// the flush, and the latency the device model gives (100 ticks to start,
/// then 256 bytes a tick; 10 instructions a tick).
#[test]
fn trace_blk_shows_each_request() {
    let path = image("trace.img");
    let trace = path.with_extension("trace");
    let opts = ["--drive", path.to_str().unwrap(), "--trace", "blk", "--trace-file", trace.to_str().unwrap()];
    let run = sv39_run_console(&opts, &["disk"], None);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(&trace).unwrap();
    let writes: Vec<&str> = text.lines().filter(|l| l.contains(" vda write ")).collect();
    assert_eq!(
        writes.iter().map(|l| l.split(':').next().unwrap()).collect::<Vec<_>>(),
        [
            "blk    vda write sector 1 +4096 bytes",
            &format!("blk    vda write sector {} +512 bytes", SIZE / 512 - 1),
            &format!("blk    vda write sector {} +512 bytes", SIZE / 512 - 1),
        ],
        "{text}"
    );
    assert!(writes[0].contains(": ok, 116 ticks (1160 instructions)"), "{}", writes[0]);
    assert!(text.lines().any(|l| l.starts_with("blk    vda flush: ok, 100 ticks")), "{text}");
    let reads = text.lines().filter(|l| l.contains(" vda read ")).count();
    let stats = run.stdout.lines().find(|l| l.starts_with("diskstats:")).unwrap();
    assert_eq!(stats.split_whitespace().nth(4), Some(reads.to_string().as_str()), "one line a read: {stats}");
}
