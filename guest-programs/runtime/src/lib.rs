//! `sv39-rt`: the user runtime of the bundled programs. It runs on the sv39
//! kernel and on Linux alike (riscv64, static, no libc), because it speaks only
//! Linux's user ABI as defined in `sv39-abi`.
//!
//! A program is `#![no_std] #![no_main]`, says `sv39_rt::entry!(main);` and
//! defines `fn main(args: sv39_rt::Args) -> i32`; the value is its exit code.
//! It is linked as a static ET_EXEC at 0x10000 (see the programs' build.rs),
//! as Linux toolchains do.
//!
//! - [`start`]: `_start`, argc/argv/envp/auxv as Linux lays them out.
//! - [`sys`]: one safe wrapper per system call, `Result<usize, Errno>`;
//!   [`syscall!`] for raw calls.
//! - [`io`]: `print!`, `println!`, `eprint!`, `eprintln!`, whole writes, lines.
//! - [`heap`]: the global allocator (mmap, or brk when mmap is missing).
//! - [`process`]: fork (and run a closure in the child), exec with `PATH`
//!   lookup, wait, exit.
//! - [`fs`]: paths as C strings, whole-file reads, directory entries.
//! - [`shm`]: POSIX `shm_open`/`shm_unlink` over /dev/shm.
//! - [`mman`]: a mapping owned as a value, unmapped when dropped.
//! - [`signal`]: `SA_SIGINFO` handlers in Rust, alternate signal stacks.
//! - [`job`]: the controlling terminal and its foreground process group,
//!   as init and an interactive sh use them.
//! - [`check`]: self-checks for programs that are also tests.
//! - [`procfs`]: figures from /proc files, the mappings in a maps file.
//! - A panic prints its message and exits with 101, as Rust's std does.
#![no_std]

extern crate alloc;

pub mod check;
pub mod fs;
pub mod heap;
pub mod io;
pub mod job;
pub mod mman;
mod panic;
pub mod process;
pub mod procfs;
pub mod shm;
pub mod signal;
pub mod start;
pub mod sys;

pub use start::{env, getauxval, Args};
pub use sv39_abi as abi;
pub use sv39_abi::Errno;

/// Names the program's `main`: `sv39_rt::entry!(main);` with
/// `fn main(args: sv39_rt::Args) -> i32`.
#[macro_export]
macro_rules! entry {
    ($main:path) => {
        #[no_mangle]
        fn __sv39_rt_main(args: $crate::Args) -> i32 {
            let main: fn($crate::Args) -> i32 = $main;
            main(args)
        }
    };
}
