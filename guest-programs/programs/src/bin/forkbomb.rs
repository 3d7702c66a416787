//! `forkbomb [MAX]`: forks children that stay alive (blocked reading a pipe)
//! until fork fails with EAGAIN or ENOMEM (or MAX children exist), then
//! releases them all, reaps every one, checks each exited with 0, and checks
//! that fork works again. Exits 0 when all of that holds.
#![no_std]
#![no_main]

use sv39_rt::abi::wait::{WEXITSTATUS, WIFEXITED};
use sv39_rt::{eprintln, println, process, sys, Args, Errno};

sv39_rt::entry!(main);

/// A child: waits for end of file on the pipe, then exits 0.
fn child(read_end: i32, write_end: i32) -> ! {
    let _ = sys::close(write_end);
    let mut b = [0u8; 1];
    while sys::read(read_end, &mut b) == Err(Errno::EINTR) {}
    process::exit(0)
}

/// Forks until refused or `max`; returns how many children exist.
fn spawn_all(max: usize, pipe: [i32; 2]) -> Result<usize, Errno> {
    let mut n = 0;
    while n < max {
        match sys::fork() {
            Ok(0) => child(pipe[0], pipe[1]),
            Ok(_) => n += 1,
            Err(Errno::EAGAIN | Errno::ENOMEM) => break,
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

/// Reaps `n` children; returns how many did not exit with 0.
fn reap(n: usize) -> Result<usize, Errno> {
    let mut bad = 0;
    for _ in 0..n {
        let (_, status) = process::wait(-1)?;
        if !WIFEXITED(status) || WEXITSTATUS(status) != 0 {
            bad += 1;
        }
    }
    Ok(bad)
}

fn run(max: usize) -> Result<bool, Errno> {
    let pipe = sys::pipe2(0)?;
    let n = spawn_all(max, pipe)?;
    let _ = sys::close(pipe[1]);
    let bad = reap(n)?;
    let _ = sys::close(pipe[0]);
    let leftover = sys::wait4(-1, sv39_rt::abi::wait::WNOHANG);
    let again = match sys::fork()? {
        0 => process::exit(0),
        pid => process::wait(pid as i32)?.1 == 0,
    };
    let limited = if n < max { "fork refused" } else { "the limit" };
    println!("forkbomb: {n} children until {limited}; reaped all, {bad} failed; fork works again: {again}");
    if leftover != Err(Errno::ECHILD) {
        eprintln!("forkbomb: a child remained after reaping all: {leftover:?}");
    }
    Ok(bad == 0 && again && leftover == Err(Errno::ECHILD))
}

fn main(args: Args) -> i32 {
    let max = match args.str(1).map(str::parse::<usize>) {
        None => usize::MAX,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            eprintln!("usage: forkbomb [MAX]");
            return 2;
        }
    };
    match run(max) {
        Ok(true) => 0,
        Ok(false) => 1,
        Err(e) => {
            eprintln!("forkbomb: {e}");
            1
        }
    }
}
