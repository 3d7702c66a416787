//! `layout`: the pieces of a process's address space, and the mappings that
//! hold them. It takes the address of its own code, read-only data,
//! initialized data, zeroed data (bss), heap (grown with brk), an anonymous
//! mmap and a stack variable, prints each next to the line of
//! /proc/self/maps that holds it, then the whole file. Exits 0 when each
//! piece lies in a mapping with the permissions its role needs (code r-x,
//! read-only data r--, data, bss, heap, mmap and stack rw-; the heap named
//! [heap], the stack [stack], code and read-only data the program's file,
//! the mmap no file: no name, as Linux, or [anon])
//! and the pieces come in Linux's order: code and read-only data lowest,
//! then data, bss, heap, the mmap area, and the stack highest. (Under
//! qemu-riscv64 the layout is QEMU's own: the stack sits below the mmap area
//! and the heap is not named, so there two checks fail.)
#![no_std]
#![no_main]

extern crate alloc;

use alloc::format;
use alloc::string::String;
use alloc::vec::Vec;
use core::sync::atomic::{AtomicU64, Ordering::Relaxed};
use sv39_rt::abi::mman::{PROT_READ, PROT_WRITE};
use sv39_rt::abi::procfs::Mapping;
use sv39_rt::check::Checks;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::procfs::Maps;
use sv39_rt::{eprintln, println, sys, Args, Errno};

sv39_rt::entry!(main);

static RODATA: [u8; 16] = *b"read-only bytes.";
static DATA: AtomicU64 = AtomicU64::new(0x5eed);
static BSS: AtomicU64 = AtomicU64::new(0);

/// A piece of the address space: its name, an address in it, and what the
/// mapping holding it must be (permissions; path, or `None` for any).
struct Piece {
    name: &'static str,
    addr: usize,
    perms: &'static str,
    path: Option<&'static str>,
}

/// Grows the heap by a page (and writes to it); returns the page's address.
fn heap_page() -> Result<usize, Errno> {
    let start = sys::brk(0);
    if sys::brk(start + PAGE) < start + PAGE {
        return Err(Errno::ENOMEM);
    }
    // SAFETY: the page between the old and the new break is ours alone.
    unsafe { core::ptr::write_volatile(start as *mut u8, 1) };
    Ok(start)
}

fn pieces(program: &'static str, heap: usize, map: &Mmap, stack: usize) -> [Piece; 7] {
    let code = main as fn(Args) -> i32 as usize;
    let own = Some(program);
    [
        Piece { name: "read-only data", addr: RODATA.as_ptr() as usize, perms: "r--p", path: own },
        Piece { name: "code", addr: code, perms: "r-xp", path: own },
        Piece { name: "data", addr: DATA.as_ptr() as usize, perms: "rw-p", path: None },
        Piece { name: "bss", addr: BSS.as_ptr() as usize, perms: "rw-p", path: None },
        Piece { name: "heap (brk)", addr: heap, perms: "rw-p", path: Some("[heap]") },
        Piece { name: "mmap", addr: map.addr(), perms: "rw-p", path: Some("") },
        Piece { name: "stack", addr: stack, perms: "rw-p", path: Some("[stack]") },
    ]
}

/// Whether `m` is the mapping piece `p` needs; the path of the program's
/// file is matched by its last component.
fn fits(p: &Piece, m: &Mapping) -> bool {
    let path_ok = match p.path {
        None => true,
        // Anonymous memory: no name on Linux; issue 4's kernel writes [anon].
        Some("") => m.path.is_empty() || m.path == "[anon]",
        Some(name) if name.starts_with('[') => m.path == name,
        Some(name) => m.path.rsplit('/').next() == Some(name),
    };
    m.perms == p.perms && path_ok
}

/// Prints piece `p` and its maps line; checks the mapping suits it.
fn show_piece(c: &mut Checks, maps: &Maps, p: &Piece) {
    println!("{:<15} {:#12x}  {}", p.name, p.addr, maps.line(p.addr).unwrap_or("(in no mapping)"));
    let want = match p.path {
        None => String::new(),
        Some("") => " of no file".into(),
        Some(name) if name.starts_with('[') => format!(" named {name}"),
        Some(name) => format!(" of the program's file, {name}"),
    };
    let fit = maps.find(p.addr).is_some_and(|m| fits(p, &m));
    c.check(fit, format_args!("{}: in a {} mapping{want}", p.name, p.perms));
}

fn run(c: &mut Checks, program: &'static str) -> Result<(), Errno> {
    DATA.fetch_add(BSS.fetch_add(1, Relaxed), Relaxed);
    let map = Mmap::anon(PAGE, PROT_READ | PROT_WRITE)?;
    map.write(0, 1);
    let local = 0u64;
    let all = pieces(program, heap_page()?, &map, &local as *const u64 as usize);
    let maps = Maps::read(None)?;
    println!("layout: where each piece of this process is, and the /proc/self/maps line holding it");
    all.iter().for_each(|p| show_piece(c, &maps, p));
    let addrs: Vec<usize> = all.iter().map(|p| p.addr).collect();
    let order = addrs[0].max(addrs[1]) < addrs[2] && addrs[2..].is_sorted();
    c.check(order, format_args!("code and read-only data < data < bss < heap < mmap < stack"));
    println!("\n/proc/self/maps:\n{}", maps.text().trim_end());
    Ok(())
}

fn main(args: Args) -> i32 {
    let mut c = Checks::new();
    match run(&mut c, args.program()) {
        Ok(()) => c.finish("layout"),
        Err(e) => {
            eprintln!("layout: {e}");
            1
        }
    }
}
