//! command: std::process::Command runs the system's /bin/echo, /bin/sh and
//! /bin/cat (the bundled ones on sv39, the host's under qemu-riscv64), with
//! output captured, an exit code, and input through a pipe.

use std::io::{ErrorKind, Write};
use std::process::{Command, Stdio};

fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("check failed: {what}");
        std::process::exit(1);
    }
}

fn main() -> std::io::Result<()> {
    let out = Command::new("/bin/echo").args(["hello", "from", "echo"]).output()?;
    check(out.status.success() && out.stdout == b"hello from echo\n", "echo's output");
    print!("echo said: {}", String::from_utf8_lossy(&out.stdout));

    let status = Command::new("/bin/sh").args(["-c", "exit 3"]).status()?;
    check(status.code() == Some(3), "sh's exit code");
    println!("sh -c 'exit 3': {:?}", status.code());

    let mut cat = Command::new("/bin/cat").stdin(Stdio::piped()).stdout(Stdio::piped()).spawn()?;
    cat.stdin.take().unwrap().write_all(b"through a pipe and back\n")?;
    let out = cat.wait_with_output()?;
    check(out.status.success() && out.stdout == b"through a pipe and back\n", "cat's output");
    print!("cat said: {}", String::from_utf8_lossy(&out.stdout));

    // Linux reports the failed exec through posix_spawn's CLONE_VM child:
    // NotFound. qemu-riscv64 runs CLONE_VM|CLONE_VFORK as a plain fork, so the
    // parent never sees the error and the child exits with 127 instead.
    let missing = Command::new("/no/such/program").status();
    let refused = match &missing {
        Err(e) => e.kind() == ErrorKind::NotFound,
        Ok(status) => status.code() == Some(127),
    };
    check(refused, &format!("NotFound, got {missing:?}"));
    println!("a missing program is not run");
    Ok(())
}
