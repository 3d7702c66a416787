//! Swap areas (issue 10, so far: the areas, not yet the swapping):
//! `sv39 run --swap SIZE` attaches a `mkswap`ed scratch disk that the kernel
//! switches on at boot; swapon(2)/swapoff(2) through the `swapon` program;
//! /proc/swaps and /proc/meminfo in Linux's layout; the same kernel on QEMU
//! takes the same image.

mod common;
use common::*;
use std::time::Duration;

const HEADER: &str = "Filename\t\t\t\tType\t\tSize\t\tUsed\t\tPriority\n";

fn area(name: &str, kb: u64, prio: i32) -> String {
    format!("{name:<40}partition\t{kb}\t\t0\t\t{prio}\n")
}

#[test]
fn run_swap_switches_on_a_scratch_area() {
    let run = sv39_run_console(&["--swap", "512M"], &["cat", "/proc/swaps"], None);
    assert_eq!(run.code, Some(0), "{}{}", run.stdout, run.stderr);
    // Linux counts the pages after the header: 131071 of them.
    assert_eq!(without_kernel_lines(&run.stdout), format!("{HEADER}{}", area("/dev/vda", 524_284, -2)));
    let run = sv39_run_console(&["--swap", "1M"], &["cat", "/proc/meminfo"], None);
    assert!(run.stdout.contains("SwapTotal:          1020 kB\nSwapFree:           1020 kB\n"), "{}", run.stdout);
}

#[test]
fn the_swap_disk_comes_after_the_drives() {
    let image = temp_file("data.img", &[0u8; 64 << 10]);
    let run = sv39_run_console(&["--drive", image.to_str().unwrap(), "--swap", "64K"], &["cat", "/proc/swaps"], None);
    assert!(run.stdout.contains(&area("/dev/vdb", 60, -2)), "{}", run.stdout);
}

#[test]
fn swapon_and_swapoff_as_linux() {
    let script = "swapon --off /dev/vda; swapon -s; swapon -p 7 /dev/vda; swapon -s; swapon /dev/vda; \
                  swapon /dev/null; swapon --off /dev/null; swapon --off /dev/vda; swapon --off /dev/vda";
    let run = sv39_run_console(&["--swap", "1M"], &["sh", "-c", script], None);
    let want = [
        HEADER.to_string(),
        HEADER.to_string(),
        area("/dev/vda", 1020, 7),
        "swapon: /dev/vda: Device or resource busy\n".into(),
        "swapon: /dev/null: Invalid argument\n".into(),
        "swapon: /dev/null: Invalid argument\n".into(),
        "swapon: /dev/vda: Invalid argument\n".into(),
    ]
    .concat();
    assert_eq!(without_kernel_lines(&run.stdout), want, "{}", run.stderr);
}

/// A disk without the signature is refused at boot with one line.
#[test]
fn an_unformatted_disk_is_refused() {
    let image = temp_file("plain.img", &[0u8; 64 << 10]);
    let opts = ["--drive", image.to_str().unwrap(), "--append", "swap=/dev/vda"];
    let run = sv39_run_console(&opts, &["cat", "/proc/swaps"], None);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    assert_eq!(run.stdout.replace("[kernel] swap=/dev/vda: Invalid argument\n", ""), HEADER, "{}", run.stdout);
}

#[test]
fn same_on_qemu() {
    if !qemu_available() {
        return;
    }
    let mut bytes = sv39::board::swap::header(1 << 20).unwrap();
    bytes.resize(1 << 20, 0);
    let image = temp_file("qemu-swap.img", &bytes);
    let drive = format!("file={},format=raw,if=none,id=d0", image.display());
    let args = ["-drive", &drive, "-device", "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0"];
    let run = qemu_system_run_with(&args, Some("swap=/dev/vda"), &["cat", "/proc/swaps"], None, Duration::from_secs(60));
    assert_eq!(without_kernel_lines(&run.stdout), format!("{HEADER}{}", area("/dev/vda", 1020, -2)), "{}", run.stderr);
}
