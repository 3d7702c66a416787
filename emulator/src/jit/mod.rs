//! The translator (`--engine jit`): guest blocks on one page become x86-64
//! code (dynasm-rs), kept per hart in a cache keyed by the block's virtual and
//! physical address, chained block to block on the same page, with a
//! direct-mapped jump table in front of the cache (`jump_table`) that
//! translated code reads itself for every other jump. A block
//! is translated only once its start has been reached `HOT_AFTER` times
//! (the interpreter runs it until then), as most run a few times only.
//!
//! The interpreter stays the reference: the translator emits host code for
//! RV64I and M (compressed forms included, as the decoder expands them),
//! calls the interpreter from the block for the other instructions but mret
//! and sret (`frame::interpret`), and ends a block before those two, which
//! the interpreter runs (`Hart::interpret_one`); so it does blocks that do
//! not fit in what is left of the batch, and pcs whose page the fetch TLB
//! does not hold (the interpreter walks and fills it).
//!
//! Why a cached block is still right:
//! - translation: a block is found by (va, pa) with pa from the fetch TLB, so
//!   satp writes and sfence.vma need no flush here; a chained jump stays on
//!   the page its block was entered on, whose translation was just checked;
//!   a jump through the jump table checks the fetch TLB inline.
//! - code changes: the dispatcher compares a block's page generation
//!   (`CodePages::generation`), which every write to a code page moves
//!   (stores, DMA, the debugger), before it enters the block; a write from
//!   inside a block stops it at once, so a chain (same page) never runs on
//!   into code written since.
//! - time: a block runs only when it ends by the batch end, so interrupts and
//!   timer deadlines come at the interpreter's instruction.

mod code_buffer;
mod emit;
mod frame;
mod jump_table;

use crate::bus::Bus;
use crate::hart::decode;
use crate::hart::Hart;
use code_buffer::CodeBuffer;
use emit::{Insn, EXIT_BUDGET, EXIT_FAULT, EXIT_NEXT};
use frame::Frame;
use jump_table::Block;
use std::collections::HashMap;
use std::time::Instant;

/// Which engine runs the harts.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// The interpreter (the reference; per-instruction tracing, --strict-tlb).
    Interp,
    /// The translator, with the interpreter for what it does not cover.
    Jit,
}

impl Default for Engine {
    /// The translator where it runs (x86-64 hosts), else the interpreter.
    /// Features only the interpreter has (--strict-tlb, per-instruction
    /// tracing, single-stepping) fall back to it by themselves.
    fn default() -> Engine {
        if cfg!(target_arch = "x86_64") {
            Engine::Jit
        } else {
            Engine::Interp
        }
    }
}

/// The longest block, in instructions.
const MAX_BLOCK: usize = 64;
/// Executable memory per hart; when it fills, every block is dropped.
const CODE_SIZE: usize = 64 << 20;
/// Times a block's start is interpreted before it is translated: most
/// blocks run a few times only, and translating costs microseconds.
pub const HOT_AFTER: u8 = 8;
/// Execution counters, direct-mapped by physical pc (2 MiB of code before
/// two pcs share one); a collision only makes a block hot sooner.
const HEAT_ENTRIES: usize = 1 << 20;

#[derive(Clone, Copy, Debug, Default)]
pub struct JitStats {
    /// Blocks translated, and the host time spent translating them.
    pub blocks: u64,
    pub compile_ns: u64,
    /// Guest instructions in the blocks translated, and the host code bytes
    /// they became.
    pub block_insns: u64,
    pub code_bytes: u64,
    /// Jumps patched to go straight to their target block.
    pub chained: u64,
    /// Times the code buffer filled and every block was dropped.
    pub flushes: u64,
    /// Entries from the dispatcher into translated code.
    pub entries: u64,
    /// Jumps translated code took through the jump table by itself.
    pub table_jumps: u64,
}

pub struct Jit {
    code: CodeBuffer,
    enter: usize,
    epilogue: usize,
    /// Bytes of the buffer the trampoline keeps across flushes.
    kept: usize,
    blocks: HashMap<(u64, u64), Block, foldhash::fast::RandomState>,
    /// Direct-mapped by va, in front of `blocks`.
    table: Box<[Block; jump_table::ENTRIES]>,
    heat: Box<[u8]>,
    hot_after: u8,
    frame: Box<Frame>,
    pub stats: JitStats,
}

type Enter = extern "sysv64" fn(*mut Frame, *mut u64, usize) -> u64;

impl Jit {
    /// A translator with its code buffer; None where executable memory
    /// cannot be had (the interpreter runs instead); a block is translated
    /// once its start has been reached `hot_after` times.
    pub fn new(hot_after: u8) -> Option<Jit> {
        let mut code = CodeBuffer::new(CODE_SIZE).ok()?;
        let (bytes, enter, epilogue) = emit::trampoline(code.next_addr());
        code.append(&bytes)?;
        let kept = code.used();
        Some(Jit {
            code,
            enter,
            epilogue,
            kept,
            blocks: HashMap::default(),
            table: Box::new([jump_table::EMPTY; jump_table::ENTRIES]),
            heat: vec![0; HEAT_ENTRIES].into_boxed_slice(),
            hot_after,
            frame: Box::default(),
            stats: JitStats::default(),
        })
    }

    /// Runs `hart` until its batch ends.
    pub fn run(&mut self, hart: &mut Hart, bus: &mut Bus) {
        while hart.cycle < hart.batch_end() {
            match self.block_at(hart, bus) {
                Some(code) => self.enter(hart, bus, code),
                None => hart.interpret_one(bus),
            }
        }
    }

    /// The translated code for `hart.pc`, translating it if needed; None
    /// where the interpreter must run the next instruction.
    fn block_at(&mut self, hart: &mut Hart, bus: &mut Bus) -> Option<usize> {
        let va = hart.pc;
        let host = hart.mmu.fetch_tlb.lookup(va, hart.mmu.tlb_asid())?;
        let pa = bus.ram.base() + (host - bus.ram.host_addr(0)) as u64;
        let slot = jump_table::slot(va);
        let cached = self.table[slot];
        let b = if cached.va == va && cached.host == host {
            cached
        } else {
            let b = match self.blocks.get(&(va, pa)).copied() {
                Some(b) => b,
                None if self.warm_up(pa) => return None,
                None => self.translate(hart, bus, va, pa, host)?,
            };
            self.table[slot] = b;
            b
        };
        if bus.code.generation(b.page as usize) != b.gen {
            self.forget(va, pa);
            return self.block_at(hart, bus);
        }
        (b.code != 0).then_some(b.code)
    }

    /// Counts one execution at `pa`; true while it is still too cold to
    /// translate (counts, not host time, keep runs deterministic).
    fn warm_up(&mut self, pa: u64) -> bool {
        let n = &mut self.heat[(pa as usize >> 1) % HEAT_ENTRIES];
        if *n >= self.hot_after {
            return false;
        }
        *n += 1;
        true
    }

    /// Translates the block at `va` (physical `pa`) and caches it.
    fn translate(&mut self, hart: &mut Hart, bus: &mut Bus, va: u64, pa: u64, host: usize) -> Option<Block> {
        let start = Instant::now();
        let page = bus.ram_page(pa)?;
        let insns = decode_block(bus, va, pa);
        let mut b = Block { va, host, code: 0, page: page as u32, gen: bus.code.generation(page) };
        if !insns.is_empty() {
            // Stores to the page now take the slow path, which moves its generation.
            bus.code.code_page(page);
            hart.sync_store_tlb(bus);
            b.gen = bus.code.generation(page);
            b.code = self.place(&insns);
            self.stats.blocks += 1;
            self.stats.block_insns += insns.len() as u64;
            self.stats.compile_ns += start.elapsed().as_nanos() as u64;
        }
        self.blocks.insert((va, pa), b);
        Some(b)
    }

    /// Emits `insns` into the code buffer, dropping every block first if it is full.
    fn place(&mut self, insns: &[Insn]) -> usize {
        let bytes = emit::block(self.code.next_addr(), self.epilogue, insns);
        self.stats.code_bytes += bytes.len() as u64;
        if let Some(at) = self.code.append(&bytes) {
            return at;
        }
        self.flush();
        let bytes = emit::block(self.code.next_addr(), self.epilogue, insns);
        self.code.append(&bytes).unwrap_or(0)
    }

    fn flush(&mut self) {
        self.blocks.clear();
        self.table.fill(jump_table::EMPTY);
        self.code.truncate(self.kept);
        self.stats.flushes += 1;
    }

    fn forget(&mut self, va: u64, pa: u64) {
        self.blocks.remove(&(va, pa));
        self.table[jump_table::slot(va)] = jump_table::EMPTY;
    }

    /// Runs translated code from `code` until it returns, then does what its
    /// exit asks.
    fn enter(&mut self, hart: &mut Hart, bus: &mut Bus, code: usize) {
        let f = &mut *self.frame;
        f.cycle = hart.cycle;
        f.batch_end = hart.batch_end();
        f.refresh_tlbs(hart);
        f.table = self.table.as_ptr();
        f.generations = bus.code.generations();
        f.status = frame::OK;
        let hart_ptr: *mut Hart = hart;
        f.hart = hart_ptr;
        f.bus = bus;
        self.stats.entries += 1;
        // SAFETY: `enter` is the trampoline `emit::trampoline` made and `code` a
        // block entry in the live buffer; the block reads and writes the
        // registers through the x pointer and everything else through the
        // frame, whose hart and bus pointers are the only ones used until it
        // returns.
        let exit = unsafe {
            let run: Enter = std::mem::transmute::<usize, Enter>(self.enter);
            run(f, std::ptr::addr_of_mut!((*hart_ptr).x) as *mut u64, code)
        };
        hart.cycle = f.cycle;
        hart.pc = f.pc;
        let (load_hits, store_hits) = frame::split_hits(std::mem::take(&mut f.hits));
        hart.mmu.load_tlb.stats.hits += load_hits;
        hart.mmu.store_tlb.stats.hits += store_hits;
        self.stats.table_jumps += std::mem::take(&mut f.table_jumps);
        let (exception, slot) = (f.exception.take(), f.exit_slot as usize);
        match exit {
            EXIT_FAULT => {
                if let Some(e) = exception {
                    hart.take_exception(e);
                }
            }
            EXIT_BUDGET => hart.interpret(bus),
            EXIT_NEXT if slot != 0 => self.chain(hart, bus, slot),
            _ => {}
        }
    }

    /// Patches the exit whose jump displacement is at `slot` to go straight
    /// to the block at `hart.pc` (on the same page), translating it first.
    fn chain(&mut self, hart: &mut Hart, bus: &mut Bus, slot: usize) {
        let flushes = self.stats.flushes;
        let target = self.block_at(hart, bus);
        // A flush while translating the target took the exit's block with it.
        if let (Some(target), true) = (target, self.stats.flushes == flushes) {
            self.code.patch_rel32(slot, target);
            self.stats.chained += 1;
        }
    }
}

/// The instructions from `va` (physical `pa`) up to and including the first
/// jump, stopping before anything the translator does not cover,
/// the end of the page, or an instruction that crosses it.
fn decode_block(bus: &Bus, va: u64, pa: u64) -> Vec<Insn> {
    let mut insns = Vec::new();
    let (mut va, mut pa) = (va, pa);
    while insns.len() < MAX_BLOCK {
        let Some(lo) = bus.ram.read(pa, 2) else { break };
        let mut word = lo as u32;
        if word & 3 == 3 {
            if va & 0xfff == 0xffe {
                break;
            }
            let Some(hi) = bus.ram.read(pa + 2, 2) else { break };
            word |= (hi as u32) << 16;
        }
        let d = decode::decode(word);
        if !emit::covers(d.op) {
            break;
        }
        insns.push(Insn { pc: va, d });
        if emit::ends_block(d.op) {
            break;
        }
        va = va.wrapping_add(d.len as u64);
        pa += d.len as u64;
        if va & 0xfff == 0 {
            break;
        }
    }
    insns
}
