//! `sv39 run --share`: sv39's own virtio-9p device serving a host directory
//! to the bundled kernel's 9P client. ripgrep (a public program none of us
//! wrote, built from its crates.io source by linux-programs/Makefile) searches
//! a scratch tree through the share and must print what it prints under
//! qemu-riscv64 run in the same directory: stdout, stderr and exit status,
//! byte for byte. linux-programs/c/share.c checks a read-only share (EROFS)
//! and a writable one (the host tree afterwards), and a GUESTDIR mapping,
//! `--no-share` and a missing HOSTDIR are checked too. One boot runs every
//! search and checks that each frame is free again after them.
//!
//! The programs come from `make -C linux-programs` into
//! `<target dir>/linux-programs/`, as tests/linux_programs.rs gets them.
//! Without the cross toolchain or qemu-riscv64 the cases are skipped with a
//! message, except in CI (`CI` set), where that is a failure.

mod common;

use common::*;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::OnceLock;
use std::time::Duration;
use sv39_abi::bootargs::INIT_ENVP;

const LIMIT: Duration = Duration::from_secs(120);

/// The folder holding `rg` and `c-share`, or None when this machine cannot
/// build or judge them.
fn programs() -> Option<&'static Path> {
    static BUILT: OnceLock<Option<PathBuf>> = OnceLock::new();
    BUILT.get_or_init(build).as_deref()
}

fn build() -> Option<PathBuf> {
    let gcc = Command::new("riscv64-linux-gnu-gcc").arg("--version").output().is_ok();
    let target = Command::new("rustc")
        .args(["--print", "target-libdir", "--target", "riscv64gc-unknown-linux-gnu"])
        .output()
        .is_ok_and(|o| Path::new(String::from_utf8_lossy(&o.stdout).trim()).is_dir());
    if !(gcc && target) {
        assert!(std::env::var_os("CI").is_none(), "riscv64-linux-gnu-gcc or the riscv64 Rust target missing in CI");
        eprintln!("skipping: riscv64-linux-gnu-gcc and the riscv64gc-unknown-linux-gnu Rust target are needed");
        return None;
    }
    if !qemu_user_available() {
        return None;
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap();
    // CARGO_TARGET_TMPDIR is <target dir>/tmp, wherever the target dir is.
    let out = Path::new(env!("CARGO_TARGET_TMPDIR")).parent().unwrap().join("linux-programs");
    let mut make = Command::new("make");
    make.arg("-s").arg("-C").arg(root.join("linux-programs")).arg(format!("OUT={}", out.display()));
    make.arg(out.join("rg")).arg(out.join("c-share"));
    for var in ["MAKEFLAGS", "MFLAGS", "MAKELEVEL"] {
        make.env_remove(var);
    }
    let made = run_with_limit(make, Duration::from_secs(900));
    assert_eq!(made.code, Some(0), "make -C linux-programs failed:\n{}{}", made.stdout, made.stderr);
    Some(out)
}

fn scratch(name: &str) -> PathBuf {
    let dir = Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!("share-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// A tree for ripgrep: nested directories, symlinks, a hidden file, an
/// `.ignore`d one, and a file of 400 KB (one file searched alone is mmapped).
fn search_tree(dir: &Path) {
    for d in ["sub/deeper", "empty", "other"] {
        std::fs::create_dir_all(dir.join(d)).unwrap();
    }
    std::fs::write(dir.join("a.txt"), "hello world\nfoo bar\n").unwrap();
    std::fs::write(dir.join("sub/b.txt"), "deep hello\n").unwrap();
    std::fs::write(dir.join("sub/deeper/c.rs"), "fn main() {}\n// hello again\n").unwrap();
    std::fs::write(dir.join("other/d.md"), "# Hello, capitalised\n").unwrap();
    std::fs::write(dir.join(".hidden"), "hello hidden\n").unwrap();
    std::fs::write(dir.join(".ignore"), "ignored.txt\n").unwrap();
    std::fs::write(dir.join("ignored.txt"), "hello ignored\n").unwrap();
    std::os::unix::fs::symlink("sub/b.txt", dir.join("link")).unwrap();
    std::os::unix::fs::symlink("sub", dir.join("dirlink")).unwrap();
    let big: String =
        (0..20_000).map(|i| format!("line {i} {}\n", if i % 997 == 0 { "hello" } else { "nothing" })).collect();
    std::fs::write(dir.join("big.txt"), big).unwrap();
}

/// `qemu-riscv64 PROGRAM ARGS` in `dir`, with the environment init gives.
fn qemu_user(program: &Path, args: &[&str], dir: &Path) -> Run {
    let mut cmd = Command::new("qemu-riscv64");
    cmd.arg(program).args(args).current_dir(dir).env_clear();
    cmd.envs(INIT_ENVP.iter().filter_map(|e| e.split_once('=')));
    run_with_limit(cmd, LIMIT)
}

/// `sv39 run --quiet OPTIONS PROGRAM ARGS` in `dir`.
fn sv39_run(options: &[&str], program: &Path, args: &[&str], dir: &Path) -> Run {
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("--quiet").args(options).arg(program).args(args).current_dir(dir);
    run_with_limit(cmd, LIMIT)
}

fn same(what: &str, got: &Run, want: &Run) {
    let show = |r: &Run| format!("status {:?}\n--- stdout\n{}--- stderr\n{}", r.code, r.stdout, r.stderr);
    assert!(
        (&got.code, &got.stdout, &got.stderr) == (&want.code, &want.stdout, &want.stderr),
        "{what}\n=== sv39 run --share\n{}=== qemu-riscv64\n{}",
        show(got),
        show(want)
    );
}

/// The searches, each with the status qemu-riscv64 gives it.
const SEARCHES: &[(&[&str], i32)] = &[
    (&["--sort", "path", "-n", "hello"], 0),
    (&["--sort", "path", "-c", "hello"], 0),
    (&["--files", "--sort", "path"], 0),
    (&["-j2", "--sort", "path", "-i", "hello"], 0),
    (&["-L", "--sort", "path", "-l", "hello"], 0),
    (&["--sort", "path", "-uu", "hello"], 0),
    (&["-n", "hello", "big.txt"], 0),
    (&["--sort", "path", "hello", "sub", "nope"], 2),
    (&["no-such-words-anywhere"], 1),
];

#[test]
fn ripgrep_searches_a_shared_directory_as_under_qemu_user() {
    let Some(bin) = programs() else { return };
    // A name the kernel command line must quote (share= and cwd=).
    let dir = scratch("rg \"a b\"");
    search_tree(&dir);
    for (args, status) in SEARCHES {
        let want = qemu_user(&bin.join("rg"), args, &dir);
        assert_eq!(want.code, Some(*status), "qemu-riscv64 rg {args:?}: {}", want.stderr);
        same(&format!("rg {args:?}"), &sv39_run(&[], &bin.join("rg"), args, &dir), &want);
    }
    let legacy = sv39_run(&["--virtio-legacy"], &bin.join("rg"), SEARCHES[0].0, &dir);
    same("rg on the legacy virtio-mmio interface", &legacy, &qemu_user(&bin.join("rg"), SEARCHES[0].0, &dir));
    let _ = std::fs::remove_dir_all(&dir);
}

/// A shared directory mounted elsewhere: the cwd inside it is the
/// program's, at its guest path.
#[test]
fn a_guestdir_mounts_the_share_there() {
    let Some(bin) = programs() else { return };
    let dir = scratch("guestdir");
    search_tree(&dir);
    let share = format!("{}:/data/tree", dir.display());
    let args = ["--sort", "path", "-n", "hello"];
    same(
        "rg in a share at /data/tree",
        &sv39_run(&["--share", &share], &bin.join("rg"), &args, &dir),
        &qemu_user(&bin.join("rg"), &args, &dir),
    );
    let got = sv39_run(&["--share", &share], &bin.join("rg"), &["-n", "hello", "/data/tree/sub/b.txt"], &dir);
    assert_eq!((got.code, got.stdout.as_str()), (Some(0), "1:deep hello\n"), "{}", got.stderr);
    // From outside the share the program starts at the guest's root.
    let got = sv39_run(&["--share", &share], &bin.join("rg"), &["--files", "--sort", "path", "/data"], Path::new("/"));
    assert_eq!(got.stdout.lines().next(), Some("/data/tree/a.txt"), "{}", got.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn no_share_hides_the_host_and_a_missing_hostdir_is_one_error_line() {
    let Some(bin) = programs() else { return };
    let dir = scratch("noshare");
    search_tree(&dir);
    let got = sv39_run(&["--no-share"], &bin.join("rg"), &["hello", "a.txt"], &dir);
    assert_eq!(got.code, Some(2), "{}{}", got.stdout, got.stderr);
    assert!(got.stderr.starts_with("rg: a.txt: "), "{}", got.stderr);
    let missing = dir.join("missing");
    let got = sv39_run(&["--share", missing.to_str().unwrap()], &bin.join("rg"), &["hello"], &dir);
    assert_eq!(got.code, Some(2));
    assert_eq!(got.stderr.lines().count(), 1, "{}", got.stderr);
    assert!(
        got.stderr.starts_with("sv39: error: cannot share ") && got.stderr.contains("No such file"),
        "{}",
        got.stderr
    );
    let file = dir.join("a.txt");
    let got = sv39_run(&["--share", file.to_str().unwrap()], &bin.join("rg"), &["hello"], &dir);
    assert_eq!((got.code, got.stderr.lines().count()), (Some(2), 1), "{}", got.stderr);
    assert!(got.stderr.contains("not a directory"), "{}", got.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}


#[test]
fn a_read_only_share_refuses_writes_and_stays_unchanged() {
    let Some(bin) = programs() else { return };
    let (shared, copy) = (scratch("ro"), scratch("ro-ref"));
    share_tree(&shared);
    share_tree(&copy);
    let want = qemu_user(&bin.join("c-share"), &["read"], &copy);
    assert_eq!(want.code, Some(0), "{}", want.stderr);
    let refused: String =
        ["create", "write open", "mkdir", "unlink", "rename"].map(|w| format!("{w}: Read-only file system\n")).concat();
    let before = tree(&shared);
    let got = sv39_run(&[], &bin.join("c-share"), &["ro"], &shared);
    assert_eq!((got.code, got.stdout), (Some(0), want.stdout + &refused), "{}", got.stderr);
    assert_eq!(tree(&shared), before, "the read-only share is unchanged");
    let _ = std::fs::remove_dir_all(&shared);
    let _ = std::fs::remove_dir_all(&copy);
}

#[test]
fn a_writable_share_changes_the_host_as_linux_would() {
    let Some(bin) = programs() else { return };
    let (shared, copy) = (scratch("rw"), scratch("rw-ref"));
    share_tree(&shared);
    share_tree(&copy);
    let want = qemu_user(&bin.join("c-share"), &["rw"], &copy);
    assert_eq!(want.code, Some(0), "{}", want.stderr);
    // Linux's 9p without a cache refuses a writable shared mapping too.
    let want = want.stdout.replace("mmap shared writable: mapped", "mmap shared writable: refused");
    let got = sv39_run(&["--share-rw"], &bin.join("c-share"), &["rw"], &shared);
    assert_eq!((got.code, got.stdout), (Some(0), want), "{}", got.stderr);
    assert_eq!(tree(&shared), tree(&copy), "the host directory after the guest's writes");
    assert!(tree(&shared).contains(&("made/moved.txt".into(), "file \"first line\\nappended\\n\"".into())));
    let _ = std::fs::remove_dir_all(&shared);
    let _ = std::fs::remove_dir_all(&copy);
}

/// A program on a share runs from it (the kernel execs a copy of the file),
/// with the output it has under qemu-riscv64, and leaves no frame behind;
/// a file without an execute bit is refused.
#[test]
fn a_program_runs_straight_from_a_share() {
    let Some(bin) = programs() else { return };
    let dir = scratch("exec");
    search_tree(&dir);
    let shares =
        ["--share".to_string(), dir.display().to_string(), "--share".into(), format!("{}:/hostbin", bin.display())];
    let sv39 = |line: &str| {
        let mut cmd = Command::new(SV39);
        cmd.args(["run", "--quiet"]).args(&shares).args(["sh", "-c", line]).current_dir(&dir);
        run_with_limit(cmd, LIMIT)
    };
    let args = SEARCHES[0].0;
    let got = sv39(&format!("/hostbin/rg {}", args.join(" ")));
    same("/hostbin/rg from a share", &got, &qemu_user(&bin.join("rg"), args, &dir));
    let run = sv39("cat /proc/meminfo; sh -c '/hostbin/rg -j2 hello; /hostbin/rg -c hello big.txt'; cat /proc/meminfo");
    let unused: Vec<u64> = run.stdout.split("MemTotal:").skip(1).filter_map(sv39_abi::procfs::frames_unused).collect();
    assert_eq!(unused.len(), 2, "two readings of the frames in\n{}", run.stdout);
    assert_eq!(unused[0], unused[1], "frames lost by programs run from a share:\n{}", run.stdout);
    let refused = sv39("./a.txt");
    assert!(refused.stderr.contains("Permission denied"), "{}{}", refused.stdout, refused.stderr);
    let _ = std::fs::remove_dir_all(&dir);
}

/// Every search in one boot, from a shell of its own, between two readings
/// of /proc/meminfo: each frame they used (page-cache copies of mmapped
/// share files among them) is free again afterwards.
#[test]
fn every_frame_is_free_again_after_the_searches() {
    let Some(bin) = programs() else { return };
    let dir = scratch("frames");
    search_tree(&dir);
    let mut archive = sv39::run::initramfs::Archive::new();
    for (name, data) in sv39::run::PROGRAMS {
        archive.file(&format!("bin/{name}"), 0o755, data);
    }
    archive.file("bin/rg", 0o755, &std::fs::read(bin.join("rg")).unwrap());
    let initrd = Path::new(env!("CARGO_TARGET_TMPDIR")).join("share-frames.cpio");
    std::fs::write(&initrd, archive.finish()).unwrap();
    let quote = |a: &&str| format!("\"{a}\"");
    let runs: Vec<String> = SEARCHES
        .iter()
        .map(|(args, _)| format!("rg {}", args.iter().map(quote).collect::<Vec<_>>().join(" ")))
        .collect();
    let line = format!("cat /proc/meminfo; sh -c '{}; echo searched'; cat /proc/meminfo", runs.join("; "));
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg("--quiet").arg("--initrd").arg(&initrd).args(["sh", "-c", &line]).current_dir(&dir);
    let run = run_with_limit(cmd, LIMIT);
    assert!(run.stdout.contains("searched\n"), "{}{}", run.stdout, run.stderr);
    let unused: Vec<u64> = run.stdout.split("MemTotal:").skip(1).filter_map(sv39_abi::procfs::frames_unused).collect();
    assert_eq!(unused.len(), 2, "two readings of the frames in\n{}", run.stdout);
    assert_eq!(unused[0], unused[1], "frames lost by the searches:\n{}", run.stdout);
    let _ = std::fs::remove_dir_all(&dir);
}
