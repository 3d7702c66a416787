//! Swap (issue 10): `sv39 run --swap SIZE` attaches a `mkswap`ed scratch
//! disk that the kernel switches on at boot; swapon(2)/swapoff(2) through
//! the `swapon` program; /proc/swaps and /proc/meminfo in Linux's layout;
//! the `swap` program's working set of three times the RAM, forked and
//! verified word by word, with its figures, the same as under Linux and on
//! QEMU with the same kernel and image; swapoff bringing everything back;
//! POSIX shared memory swapped as Linux swaps shmem; the OOM killer once
//! swap is full too; no frame and no slot lost.

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
    ]
    .concat();
    assert_eq!(run.stdout, want, "{}", run.stderr);
    let errors = "swapon: /dev/vda: Device or resource busy\nswapon: /dev/null: Invalid argument\n\
                  swapon: /dev/null: Invalid argument\nswapon: /dev/vda: Invalid argument\n";
    assert_eq!(without_kernel_lines(&run.stderr), errors);
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

/// The value after `key` (`key +N` or `key N kB`) in the first line of
/// `console` that starts with `line`.
fn figure(console: &str, line: &str, key: &str) -> u64 {
    let l = console.lines().find(|l| l.starts_with(line)).unwrap_or_else(|| panic!("no {line:?} in\n{console}"));
    let at = l.find(&format!("{key} ")).unwrap_or_else(|| panic!("no {key} in {l:?}"));
    let digits: String = l[at + key.len() + 1..].trim_start_matches('+').chars().take_while(char::is_ascii_digit).collect();
    digits.parse().unwrap_or_else(|_| panic!("no number after {key} in {l:?}"))
}

/// `cat` of /proc/meminfo and the status of init and the shell, as the
/// leak checks print before and after.
const MEMORY_AND_THE_REST: &str = "cat /proc/meminfo /proc/1/status /proc/2/status";

/// For each `MEMORY_AND_THE_REST` in `out`: the frames no process holds
/// plus the pages init and the shell have resident. Reclaim may take pages
/// from those two (and a touch bring them back), so their share is counted
/// with the free frames: a frame lost shows as a difference.
fn frames_accounted(out: &str) -> Vec<u64> {
    let rss_pages = |chunk: &str| -> u64 {
        let kb = chunk.lines().filter_map(|l| l.strip_prefix("VmRSS:")).map(|v| v.trim().trim_end_matches(" kB").parse::<u64>().unwrap());
        kb.sum::<u64>() / 4
    };
    let chunks = out.split("MemTotal:").skip(1);
    chunks.map(|c| sv39_abi::procfs::frames_unused(c).expect("a /proc/meminfo") + rss_pages(c)).collect()
}

/// The seeds' point: a working set three times the RAM runs to its end;
/// the fill pushes pages out, the reads are major faults that bring them back.
#[test]
fn three_times_ram_runs_under_swap() {
    let run = sv39_run_console(&["--mem", "32M", "--swap", "256M"], &["swap"], None);
    let out = without_kernel_lines(&run.stdout);
    assert_eq!(run.code, Some(0), "{out}{}", run.stderr);
    assert!(out.contains("swap (child): 2 checks, all held\n") && out.ends_with("swap: 2 checks, all held\n"), "{out}");
    let mib = figure(&out, "swap: a working set", "of");
    assert!(mib >= 60, "three times MemTotal (about 23 MiB):\n{out}");
    assert!(figure(&out, "  [parent filled]", "pswpout") * 4 >= (mib - 32) * 1024, "the fill swaps out:\n{out}");
    let faults = figure(&out, "  [child read]", "majflt");
    assert!(faults * 4 >= (mib - 32) * 1024, "the child's reads are major faults:\n{out}");
    // Nearly all from swap; the rest are program pages the page cache
    // dropped (clean) and read again from the initramfs.
    assert!(figure(&out, "  [child read]", "pswpin") * 100 >= faults * 99, "{out}");
    assert_eq!(figure(&out, "swap: after", "VmSwap"), 0, "{out}");
}

/// `swap -q` prints only what Linux prints too, private or shared.
#[test]
fn the_same_output_as_under_linux() {
    if !qemu_user_available() {
        return;
    }
    same_as_linux(&["-q", "96"]);
    same_as_linux(&["-q", "-s", "80"]);
}

fn same_as_linux(args: &[&str]) {
    let linux = run_with_limit(
        {
            let mut cmd = std::process::Command::new("qemu-riscv64");
            cmd.arg(guest_bin("swap")).args(args);
            cmd
        },
        Duration::from_secs(120),
    );
    assert_eq!(linux.code, Some(0), "{}{}", linux.stdout, linux.stderr);
    let run = sv39_run_console(&["--mem", "32M", "--swap", "256M"], &[&["swap"][..], args].concat(), None);
    assert_eq!(without_kernel_lines(&run.stdout), linux.stdout);
    assert_eq!(run.code, Some(0));
}

/// The measure: `--mem 64M --swap 512M`, three times the RAM, and
/// the same kernel with the same image on QEMU.
#[test]
fn the_same_on_sv39_and_qemu_under_64m() {
    let command = ["swap", "-q", "160"];
    let run = sv39_run_console(&["--mem", "64M", "--swap", "512M"], &command, None);
    let ours = without_kernel_lines(&run.stdout);
    assert!(ours.ends_with("swap: 2 checks, all held\n"), "{ours}");
    if !qemu_available() {
        return;
    }
    let image = std::env::temp_dir().join(format!("sv39-qemu-swap-{}.img", std::process::id()));
    let mut file = std::fs::File::create(&image).unwrap();
    std::io::Write::write_all(&mut file, &sv39::board::swap::header(512 << 20).unwrap()).unwrap();
    file.set_len(512 << 20).unwrap(); // sparse, as `sv39 run --swap` makes it
    let drive = format!("file={},format=raw,if=none,id=d0", image.display());
    let args = ["-m", "64M", "-drive", &drive, "-device", "virtio-blk-device,drive=d0,bus=virtio-mmio-bus.0"];
    let qemu = qemu_system_run_with(&args, Some("swap=/dev/vda"), &command, None, Duration::from_secs(600));
    std::fs::remove_file(&image).unwrap();
    assert_eq!(without_kernel_lines(&qemu.stdout), ours, "{}", qemu.stderr);
}

/// After the program and swapoff (which reads back what the shells had
/// out), every frame is unused again and every slot was free (else
/// swapoff would say EBUSY).
#[test]
fn swapoff_after_the_program_leaves_nothing_behind() {
    let m = MEMORY_AND_THE_REST;
    let script = format!("{m}; sh -c 'swap -q 64'; swapon --off /dev/vda; cat /proc/swaps; {m}");
    let run = sv39_run_console(&["--mem", "32M", "--swap", "128M"], &["sh", "-c", &script], None);
    let out = without_kernel_lines(&run.stdout);
    assert!(out.contains("swap: 2 checks, all held\n"), "{out}");
    assert!(out.contains(&format!("{HEADER}MemTotal:")), "swapoff succeeded, no area left:\n{out}");
    let frames = frames_accounted(&out);
    assert_eq!(frames.len(), 2, "{out}");
    assert_eq!(frames[0], frames[1], "frames lost:\n{out}");
    assert!(out.contains("SwapTotal:             0 kB\n"), "{out}");
}

/// POSIX shared memory (tmpfs pages, as Linux's shmem) goes to swap too:
/// the clock unmaps its pages, the page cache puts out those nothing maps,
/// a touch reads them back (a major fault); the child's writes reach the
/// parent. After the object is gone and swap is off, every frame is free.
#[test]
fn shared_memory_is_swapped_and_leaves_nothing_behind() {
    let m = MEMORY_AND_THE_REST;
    let script = format!("{m}; swap -s; swapon --off /dev/vda; {m}");
    let run = sv39_run_console(&["--mem", "32M", "--swap", "256M"], &["sh", "-c", &script], None);
    let out = without_kernel_lines(&run.stdout);
    assert!(out.contains("of shared memory (shm_open, MAP_SHARED)") && out.contains("swap: 2 checks, all held\n"), "{out}");
    assert!(out.contains("words as written, the child's writes among them (none differ)"), "{out}");
    let pages = figure(&out, "swap: a working set", "MAP_SHARED):");
    assert!(figure(&out, "swap: in all", "pswpout") > pages, "the working set went out:\n{out}");
    assert!(figure(&out, "  [parent read]", "majflt") >= pages / 2, "and came back on major faults:\n{out}");
    assert_eq!(figure(&out, "  [parent read]", "VmSwap"), 0, "shared pages are not the process's VmSwap:\n{out}");
    let frames = frames_accounted(&out);
    assert_eq!(frames.len(), 2, "{out}");
    assert_eq!(frames[0], frames[1], "frames lost:\n{out}");
    assert!(out.contains("SwapTotal:             0 kB\n"), "{out}");
}

/// With swap full too, the largest process is killed with one line and
/// the rest go on; its slots are free again.
#[test]
fn the_oom_killer_ends_the_largest_process() {
    let script = "swap -q 100; echo status $?; cat /proc/swaps; swap -q 4";
    let run = sv39_run_console(&["--mem", "32M", "--swap", "8M"], &["sh", "-c", script], None);
    assert_eq!(run.code, Some(0), "{}", run.stdout);
    let report: Vec<&str> = run.stderr.lines().filter(|l| l.contains("Out of memory")).collect();
    assert_eq!(report.len(), 1, "{}", run.stderr);
    assert!(report[0].starts_with("[kernel] Out of memory: Killed process ") && report[0].contains(" (swap) total-vm:"), "{report:?}");
    let out = without_kernel_lines(&run.stdout);
    assert!(out.contains("status 137\n"), "SIGKILL:\n{out}");
    assert!(out.ends_with("swap: 2 checks, all held\n"), "the next program runs:\n{out}");
    let used = out.lines().find(|l| l.starts_with("/dev/vda")).and_then(|l| l.split('\t').nth(3)).unwrap();
    assert!(used.parse::<u64>().unwrap() <= 64, "the victim's slots are free again (the shell's may stay): {used}\n{out}");
}

/// A shared memory object far larger than RAM (400 MiB with 512 MiB of swap
/// under --mem 32M) runs the kernel out of memory: the program is killed as
/// out of memory, never the kernel (whose heap, which tracks each page of
/// the object, refuses to grow page caches when short: `heap::has_room`),
/// and no frame is lost once the object is gone.
#[test]
fn a_shared_object_larger_than_the_heap_can_track_kills_the_program_not_the_kernel() {
    let m = MEMORY_AND_THE_REST;
    let script = format!("{m}; swap -s -q 400; echo status $?; {m}");
    let run = sv39_run_console(&["--mem", "32M", "--swap", "512M"], &["sh", "-c", &script], None);
    assert_eq!(run.code, Some(0), "{}\n{}", run.stdout, run.stderr);
    assert!(!run.stderr.contains("panic"), "{}", run.stderr);
    assert!(run.stderr.contains("[kernel] Out of memory: Killed process ") && run.stderr.contains(" (swap) "), "{}", run.stderr);
    let out = without_kernel_lines(&run.stdout);
    assert!(out.contains("status 137\n"), "SIGKILL:\n{out}");
    let frames = frames_accounted(&out);
    assert_eq!(frames.len(), 2, "{out}");
    // Pressure may also have put out cached pages of cat and sh's files:
    // more frames unused afterwards is right, fewer would be a leak.
    assert!(frames[1] >= frames[0], "frames lost:\n{out}");
}
