//! `pageedge`: memory is mapped a page at a time, so what a buffer costs
//! depends on how many pages it spans, not on its length. Writing a buffer
//! of one page, page-aligned, takes one page fault; page size + 1 bytes,
//! two; one page starting one byte past a page boundary, two as well.
//! Each buffer is written whole, in fresh memory, and the faults are counted
//! with getrusage. Exits 0 when each buffer cost one fault per page it spans.
#![no_std]
#![no_main]

use sv39_rt::abi::mman::{PROT_READ, PROT_WRITE};
use sv39_rt::check::Checks;
use sv39_rt::mman::{Mmap, PAGE};
use sv39_rt::{eprintln, println, process, Args, Errno};

sv39_rt::entry!(main);

/// A buffer: where it starts in its page, and how long it is.
struct Buffer {
    what: &'static str,
    offset: usize,
    len: usize,
}

const BUFFERS: [Buffer; 3] = [
    Buffer { what: "one page, page-aligned", offset: 0, len: PAGE },
    Buffer { what: "a page + 1 byte, page-aligned", offset: 0, len: PAGE + 1 },
    Buffer { what: "one page, 1 byte past a page boundary", offset: 1, len: PAGE },
];

impl Buffer {
    /// Pages the buffer spans.
    fn pages(&self) -> u64 {
        ((self.offset + self.len - 1) / PAGE - self.offset / PAGE + 1) as u64
    }
}

/// Writes `b` whole in a fresh mapping; returns the page faults it took.
fn faults_to_write(b: &Buffer) -> Result<u64, Errno> {
    let map = Mmap::anon(2 * PAGE, PROT_READ | PROT_WRITE)?;
    let before = process::minor_faults()?;
    for i in b.offset..b.offset + b.len {
        map.write(i, i as u8);
    }
    Ok(process::minor_faults()? - before)
}

fn run() -> Result<i32, Errno> {
    // Once for nothing: the code and stack used while counting are then
    // mapped, so the counts below are the buffers' alone.
    faults_to_write(&BUFFERS[2])?;
    println!("pageedge: page faults taken to write a buffer whole, in fresh memory ({PAGE}-byte pages)");
    let mut c = Checks::new();
    for b in &BUFFERS {
        let (faults, pages) = (faults_to_write(b)?, b.pages());
        let what = format_args!("{} bytes, {}: spans {pages} page(s), took {faults} page fault(s)", b.len, b.what);
        c.check(faults == pages, what);
    }
    Ok(c.finish("pageedge"))
}

fn main(_args: Args) -> i32 {
    run().unwrap_or_else(|e| {
        eprintln!("pageedge: {e}");
        1
    })
}
