//! The frame translated code runs against (r15 points at it), and the calls
//! it makes back into the emulator: the loads and stores its inlined TLB
//! lookup does not serve.
//!
//! A helper runs the interpreter's own `Hart::load`/`store` with `pc` and
//! `cycle` set as the interpreter would have them for that instruction, so
//! slow paths, faults and events are the interpreter's. It reports through
//! `status`: OK, FAULT (the exception is in `exception`; nothing was written),
//! or END (the access completed but the block must stop after it: it ended
//! the batch, or it wrote to a page holding translated code).

use crate::bus::Bus;
use crate::hart::exception::Exception;
use crate::hart::op::{Decoded, Op};
use crate::hart::Hart;
use crate::mmu::tlb::HOT_SIZE;
use crate::mmu::Word;
use std::mem::offset_of;

pub const OK: u64 = 0;
pub const FAULT: u64 = 1;
pub const END: u64 = 2;

#[repr(C)]
pub struct Frame {
    /// The hart's cycle; a block adds its length on entry.
    pub cycle: u64,
    /// The hart's batch end: a block runs only if it ends by then.
    pub batch_end: u64,
    /// Where the hart goes on when the block returns.
    pub pc: u64,
    /// The displacement of the exit's `jmp rel32` to patch (0: not chainable).
    pub exit_slot: u64,
    /// The load and store TLBs as `Tlb::jit_view` gives them (the slot mask
    /// scaled to bytes), and the ASID.
    pub load_hot: *const u8,
    pub load_tag: u64,
    pub load_mask: u64,
    pub store_hot: *const u8,
    pub store_tag: u64,
    pub store_mask: u64,
    pub asid: u64,
    /// The page (va) of the last load and of the last store the TLB served
    /// inline, and its host offset: an aligned access to the same page
    /// skips the TLB (`NO_PAGE` when the TLBs have changed since).
    pub last_load: u64,
    pub last_load_off: u64,
    pub last_store: u64,
    pub last_store_off: u64,
    /// The fetch TLB as for loads and stores, the jump table, and the
    /// code pages' generations (`CodePages::generations`), for jumps through
    /// the table; and the number of them.
    pub fetch_hot: *const u8,
    pub fetch_tag: u64,
    pub fetch_mask: u64,
    pub table: *const super::jump_table::Block,
    pub generations: *const u32,
    pub table_jumps: u64,
    /// TLB hits on the inlined path, added to the TLBs' figures on return:
    /// loads count `LOAD_HIT`, stores `STORE_HIT` (`split_hits`).
    pub hits: u64,
    pub status: u64,
    pub hart: *mut Hart,
    pub bus: *mut Bus,
    pub exception: Option<Exception>,
}

pub const CYCLE: i32 = offset_of!(Frame, cycle) as i32;
pub const BATCH_END: i32 = offset_of!(Frame, batch_end) as i32;
pub const PC: i32 = offset_of!(Frame, pc) as i32;
pub const EXIT_SLOT: i32 = offset_of!(Frame, exit_slot) as i32;
pub const LOAD_HOT: i32 = offset_of!(Frame, load_hot) as i32;
pub const LOAD_TAG: i32 = offset_of!(Frame, load_tag) as i32;
pub const STORE_HOT: i32 = offset_of!(Frame, store_hot) as i32;
pub const STORE_TAG: i32 = offset_of!(Frame, store_tag) as i32;
pub const LOAD_MASK: i32 = offset_of!(Frame, load_mask) as i32;
pub const STORE_MASK: i32 = offset_of!(Frame, store_mask) as i32;
pub const ASID: i32 = offset_of!(Frame, asid) as i32;
pub const LAST_LOAD: i32 = offset_of!(Frame, last_load) as i32;
pub const LAST_LOAD_OFF: i32 = offset_of!(Frame, last_load_off) as i32;
pub const LAST_STORE: i32 = offset_of!(Frame, last_store) as i32;
pub const LAST_STORE_OFF: i32 = offset_of!(Frame, last_store_off) as i32;
/// No page: not page-aligned, so no access's page equals it.
pub const NO_PAGE: u64 = 1;
pub const FETCH_HOT: i32 = offset_of!(Frame, fetch_hot) as i32;
pub const FETCH_TAG: i32 = offset_of!(Frame, fetch_tag) as i32;
pub const FETCH_MASK: i32 = offset_of!(Frame, fetch_mask) as i32;
pub const TABLE: i32 = offset_of!(Frame, table) as i32;
pub const GENERATIONS: i32 = offset_of!(Frame, generations) as i32;
pub const TABLE_JUMPS: i32 = offset_of!(Frame, table_jumps) as i32;
pub const HITS: i32 = offset_of!(Frame, hits) as i32;

/// One counter holds both kinds of hit: an entry into translated code runs
/// at most a batch (100,000 instructions, one access each), far below 2^30.
pub const LOAD_HIT: i32 = 1;
pub const STORE_HIT: i32 = 1 << 30;

/// (load hits, store hits) from the combined counter.
pub fn split_hits(hits: u64) -> (u64, u64) {
    (hits & (STORE_HIT as u64 - 1), hits >> 30)
}
pub const STATUS: i32 = offset_of!(Frame, status) as i32;

impl Default for Frame {
    fn default() -> Frame {
        Frame {
            cycle: 0,
            batch_end: 0,
            pc: 0,
            exit_slot: 0,
            load_hot: std::ptr::null(),
            load_tag: 0,
            load_mask: 0,
            store_hot: std::ptr::null(),
            store_tag: 0,
            store_mask: 0,
            asid: 0,
            last_load: NO_PAGE,
            last_load_off: 0,
            last_store: NO_PAGE,
            last_store_off: 0,
            fetch_hot: std::ptr::null(),
            fetch_tag: 0,
            fetch_mask: 0,
            table: std::ptr::null(),
            generations: std::ptr::null(),
            table_jumps: 0,
            hits: 0,
            status: OK,
            hart: std::ptr::null_mut(),
            bus: std::ptr::null_mut(),
            exception: None,
        }
    }
}

impl Frame {
    /// Copies what the inlined lookups read from the hart's MMU, and
    /// forgets the last pages: the entries they came from may be gone.
    pub fn refresh_tlbs(&mut self, hart: &Hart) {
        self.last_load = NO_PAGE;
        self.last_store = NO_PAGE;
        (self.load_hot, self.load_tag, self.load_mask) = hart.mmu.load_tlb.jit_view();
        (self.store_hot, self.store_tag, self.store_mask) = hart.mmu.store_tlb.jit_view();
        (self.fetch_hot, self.fetch_tag, self.fetch_mask) = hart.mmu.fetch_tlb.jit_view();
        // The inlined lookup wants the mask in bytes of the entry array.
        self.load_mask *= HOT_SIZE as u64;
        self.store_mask *= HOT_SIZE as u64;
        self.fetch_mask *= HOT_SIZE as u64;
        self.asid = hart.mmu.tlb_asid() as u64;
    }

    /// The hart as the interpreter would have it at the instruction at `pc`,
    /// `back` instructions before the end of the block.
    fn enter_slow_path(&self, hart: &mut Hart, pc: u64, back: u64) {
        hart.cycle = self.cycle - back;
        hart.pc = pc;
    }

    fn leave_slow_path(&mut self, hart: &Hart, invalidations: u64, result: Result<(), Exception>) {
        // SAFETY: `bus` is live for the whole block (see `Jit::enter`).
        let wrote_code = unsafe { (*self.bus).code.invalidations } != invalidations;
        self.status = match result {
            Err(e) => {
                self.exception = Some(e);
                FAULT
            }
            Ok(()) if wrote_code || hart.batch_end() < self.batch_end => END,
            Ok(()) => OK,
        };
        self.batch_end = hart.batch_end();
        self.refresh_tlbs(hart);
    }
}

/// A load the inlined lookup missed: the value zero-extended (0 on a fault).
pub extern "sysv64" fn load<T: Word>(frame: *mut Frame, va: u64, pc: u64, back: u64) -> u64 {
    // SAFETY: translated code passes the frame `Jit::enter` set up, whose hart
    // and bus pointers are live and used by nothing else during the call.
    let (f, hart, bus) = unsafe { (&mut *frame, &mut *(*frame).hart, &mut *(*frame).bus) };
    f.enter_slow_path(hart, pc, back);
    let invalidations = bus.code.invalidations;
    let result = hart.load::<T>(bus, va);
    let value = result.map_or(0, T::to_u64);
    f.leave_slow_path(hart, invalidations, result.map(|_| ()));
    value
}

/// `d` as two words for translated code to pass to `interpret`.
pub fn pack(d: Decoded) -> (u64, u64) {
    let lo =
        d.op as u64 | (d.rd as u64) << 8 | (d.rs1 as u64) << 16 | (d.rs2 as u64) << 24 | (d.imm as u32 as u64) << 32;
    (lo, d.raw as u64)
}

fn unpack(lo: u64, hi: u64) -> Decoded {
    let op = Op::from_u8(lo as u8).unwrap_or(Op::Illegal);
    Decoded::new(op, (lo >> 8) as u8, (lo >> 16) as u8, (lo >> 24) as u8, (lo >> 32) as i32, hi as u32)
}

/// One instruction the translator leaves to the interpreter inside a block
/// (CSRs, atomics, F/D, ecall, sfence.vma...), packed by `pack`: run by
/// `Hart::execute` as the interpreter would at `pc`. Its END also covers a
/// change of what the rest of the block was translated under: the fetch
/// TLB's context or entries, or the ASID (satp writes, sfence.vma).
pub extern "sysv64" fn interpret(frame: *mut Frame, lo: u64, hi: u64, pc: u64, back: u64) {
    // SAFETY: as in `load`.
    let (f, hart, bus) = unsafe { (&mut *frame, &mut *(*frame).hart, &mut *(*frame).bus) };
    f.enter_slow_path(hart, pc, back);
    let invalidations = bus.code.invalidations;
    let fetch = (hart.mmu.fetch_tlb.jit_view(), hart.mmu.tlb_asid());
    let result = hart.execute_one(bus, unpack(lo, hi), pc).map(|_| ());
    let moved = (hart.mmu.fetch_tlb.jit_view(), hart.mmu.tlb_asid()) != fetch;
    f.leave_slow_path(hart, invalidations, result);
    if moved && f.status == OK {
        f.status = END;
    }
}

/// A store the inlined lookup missed (code pages and devices come here).
pub extern "sysv64" fn store<T: Word>(frame: *mut Frame, va: u64, value: u64, pc: u64, back: u64) {
    // SAFETY: as in `load`.
    let (f, hart, bus) = unsafe { (&mut *frame, &mut *(*frame).hart, &mut *(*frame).bus) };
    f.enter_slow_path(hart, pc, back);
    let invalidations = bus.code.invalidations;
    let result = hart.store::<T>(bus, va, T::from_u64(value));
    f.leave_slow_path(hart, invalidations, result);
}
