//! `forkbench [N]`: fills a 64 MiB heap (16384 pages), then N times forks a
//! child that exits at once and waits for it. Run with N and with 0, the
//! difference is what N fork+exit+wait of a 64 MiB process cost: with
//! copy-on-write, page tables; booted with `nocow`, every page copied.
//! `make bench` compares the two (scripts/bench.sh). Exits 0 when every
//! child exited with 0.
#![no_std]
#![no_main]

use sv39_rt::abi::mman::{PROT_READ, PROT_WRITE};
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::{eprintln, println, process, Args};

sv39_rt::entry!(main);

const SIZE: usize = 64 << 20;

fn main(args: Args) -> i32 {
    let Some(n) = args.str(1).map_or(Some(1), |s| s.parse::<u32>().ok()) else {
        eprintln!("usage: forkbench [N]");
        return 2;
    };
    let heap = match Mmap::anon(SIZE, PROT_READ | PROT_WRITE) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("forkbench: {e}");
            return 1;
        }
    };
    (0..SIZE / PAGE).for_each(|i| heap.write(i * PAGE, i as u8));
    let mut failed = 0;
    for _ in 0..n {
        match process::fork_child(|| 0).and_then(process::wait) {
            Ok((_, 0)) => {}
            Ok(_) | Err(_) => failed += 1,
        }
    }
    println!("forkbench: {n} fork+exit+wait of a 64 MiB process, {failed} failed");
    (failed != 0) as i32
}
