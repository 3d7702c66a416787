//! x86-64 code for one guest block, emitted with dynasm-rs.
//!
//! Registers: rbx = `Hart::x`, where guest registers live between blocks (x0
//! is never written, so it reads 0); inside a block the most used ones are
//! held in rbp, rdi, r8, r10, r11 and r13 (`CACHE`), loaded after the
//! prologue; those the block writes go back before every exit and every
//! call. r15 = the `Frame`, r14 = the cycle count, r12 = TLB hits (loads and
//! stores in one register, `frame::LOAD_HIT`/`STORE_HIT`: a count in memory
//! would chain every access to the last); rax, rcx, rdx, rsi, r9 are
//! scratch. Slow paths (TLB misses, faults, the batch running out) are
//! placed after the block's code, so its fast path runs straight through;
//! the exits share per-block tails and the calls per-block thunks, which
//! write the cached registers back, so each site is a few bytes. An aligned
//! load or store to the page of the last one of its kind the TLB served
//! compares one word of the frame instead of running the TLB's hit test.
//! A block is entered at its prologue, which checks that it fits in the batch
//! (`cycle + n <= batch_end`), then adds n to `cycle`; an exit in the middle (a fault, or an access that must end the block) takes
//! back the instructions not reached, so `cycle` and `pc` are exactly the
//! interpreter's. Every exit stores the next pc and returns an `Exit` code
//! through the shared epilogue; exits to a pc on the block's own page start
//! with a `jmp rel32` to the next instruction, which the dispatcher patches
//! to jump straight to that block once it exists (chaining); jalr and exits
//! to other pages look their target up in the jump table first.

use super::frame::{self, ASID, BATCH_END, CYCLE, EXIT_SLOT, HITS, LOAD_HIT, LOAD_HOT, LOAD_TAG, PC, STATUS};
use super::frame::{FETCH_HOT, FETCH_MASK, FETCH_TAG, GENERATIONS, TABLE, TABLE_JUMPS};
use super::frame::{LAST_LOAD, LAST_LOAD_OFF, LAST_STORE, LAST_STORE_OFF};
use super::frame::{LOAD_MASK, STORE_HIT, STORE_HOT, STORE_MASK, STORE_TAG};
use super::jump_table;
use crate::hart::isa::Translation;
use crate::hart::op::{Decoded, Op};
use crate::mmu::tlb::{HOT_ASID, HOT_HOST_OFF, HOT_SIZE, HOT_TAG};

// The inlined lookup finds a slot by shifting: entries are 32 bytes.
const _: () = assert!(HOT_SIZE == 32);
use dynasmrt::x64::X64Relocation;
use dynasmrt::{dynasm, DynamicLabel, DynasmApi, DynasmLabelApi, VecAssembler};

/// Why translated code returned to the dispatcher.
pub const EXIT_NEXT: u64 = 0;
pub const EXIT_FAULT: u64 = 1;
pub const EXIT_BUDGET: u64 = 2;

type Asm = VecAssembler<X64Relocation>;

/// Whether the translator covers `op` (the instruction table's engine
/// column), as host code or a call; anything else ends the block before it.
pub fn covers(op: Op) -> bool {
    op.translation() != Translation::None
}

/// Whether `op` ends a block: jumps do; a block runs on past a conditional
/// branch, whose taken side leaves (so a loop whose body branches stays one
/// block that loops to itself).
pub fn ends_block(op: Op) -> bool {
    matches!(op, Op::Jal | Op::Jalr)
}

/// The shared entry and exit: `enter(frame, x, block) -> Exit`, and the
/// epilogue every block jumps to with the exit code in eax.
pub fn trampoline(base: usize) -> (Vec<u8>, usize, usize) {
    let mut ops = Asm::new(base);
    let enter = ops.offset().0;
    dynasm!(ops
        ; .arch x64
        ; push rbx ; push rbp ; push r12 ; push r13 ; push r14 ; push r15
        ; sub rsp, 8 // 16-byte aligned for the helper calls
        ; mov r15, rdi
        ; mov rbx, rsi
        ; mov r14, QWORD [r15 + CYCLE]
        ; xor r12d, r12d
        ; jmp rdx
    );
    let epilogue = ops.offset().0;
    dynasm!(ops
        ; .arch x64
        ; mov QWORD [r15 + CYCLE], r14
        ; mov QWORD [r15 + HITS], r12
        ; add rsp, 8
        ; pop r15 ; pop r14 ; pop r13 ; pop r12 ; pop rbp ; pop rbx
        ; ret
    );
    let bytes = ops.finalize().unwrap_or_default();
    (bytes, base + enter, base + epilogue)
}

/// One instruction to translate, at `pc`.
pub struct Insn {
    pub pc: u64,
    pub d: Decoded,
}

/// Where a block's code stops the block early.
enum Stub {
    /// The instruction at `pc` faulted; `back` instructions were not reached.
    Fault { label: DynamicLabel, pc: u64, back: u64 },
    /// The instruction before `pc` completed but the block stops there.
    Stop { label: DynamicLabel, pc: u64, back: u64 },
    /// A branch taken to `pc`, `back` instructions before the block's end.
    Taken { label: DynamicLabel, pc: u64, back: u64 },
    /// The block does not fit in what is left of the batch.
    Budget { label: DynamicLabel },
    /// A TLB tag matched under another ASID: a hit if the entry is global.
    Global { label: DynamicLabel, hit: DynamicLabel, slow: DynamicLabel },
    /// An access not to the last page: the TLB's hit test, which makes its
    /// page the last one on a hit and goes back to `done`, or the slow path.
    Lookup { label: DynamicLabel, done: DynamicLabel, slow: DynamicLabel, size: i32, store: bool },
    /// The load or store at `pc` missed the inlined TLB lookup: the helper
    /// call, then back to `done`.
    Slow { label: DynamicLabel, done: DynamicLabel, d: Decoded, pc: u64, back: u64 },
}

struct Emitter {
    ops: Asm,
    base: usize,
    epilogue: usize,
    /// The block's virtual page: exits there can be chained.
    page: u64,
    /// The block's first pc and its length.
    start: u64,
    len: i32,
    /// Each instruction's pc and code (the first's after the registers are
    /// loaded): a branch to one of them stays in the block.
    pcs: Vec<u64>,
    labels: Vec<DynamicLabel>,
    /// Guest registers held in host registers: (guest, host), and those of
    /// them the block writes (written back at exits and calls).
    cached: Vec<(u8, u8)>,
    dirty: Vec<(u8, u8)>,
    stubs: Vec<Stub>,
    /// The block's shared exit tails, made when first used (`Tail`).
    tails: [Option<DynamicLabel>; 3],
    /// The block's shared calls into the emulator, one per helper
    /// (`call_helper`).
    thunks: Vec<(usize, Args, DynamicLabel)>,
}

/// The ways out of a block its exits share, so each exit site is a few
/// bytes: rax = the next pc less the block's start, and for `Fault` and
/// `Stop` edx = the instructions not reached (flushed in the tail), for
/// `Next` rdx = the chainable jump's slot (the site has flushed already).
#[derive(Clone, Copy)]
enum Tail {
    Fault,
    Stop,
    Next,
}

/// The operands a helper takes before pc and back.
#[derive(Clone, Copy)]
enum Args {
    One,
    Two,
}

/// Host registers that hold guest registers inside a block: rbp, rdi, r8, r10, r11, r13.
const CACHE: [u8; 6] = [5, 7, 8, 10, 11, 13];
const RAX: u8 = 0;
const RCX: u8 = 1;
const RSI: u8 = 6;
const R9: u8 = 9;

/// The guest registers worth holding in host registers: the most used, used twice or more.
fn choose_cached(insns: &[Insn]) -> Vec<(u8, u8)> {
    let mut uses = [0u32; 32];
    for Insn { d, .. } in insns {
        for r in [d.rd, d.rs1, d.rs2] {
            uses[r as usize & 31] += 1;
        }
    }
    uses[0] = 0;
    let mut regs: Vec<u8> = (1..32).filter(|&r| uses[r as usize] >= 2).collect();
    regs.sort_by_key(|&r| std::cmp::Reverse(uses[r as usize]));
    regs.into_iter().zip(CACHE).collect()
}

/// Whether `op` writes its `rd` (branches, stores and fences do not).
fn writes_rd(op: Op) -> bool {
    op.syntax().writes_rd()
}

/// The code for `insns` (a block on one page), to be placed at host address `base`.
pub fn block(base: usize, epilogue: usize, insns: &[Insn]) -> Vec<u8> {
    // Room for what a block typically needs (kernel suite: 150 bytes of code
    // and 4 labels per instruction), so the assembler seldom grows.
    let n = insns.len();
    let mut ops = Asm::new_with_capacity(base, 512 + 192 * n, 4, 0, 8 * n, 4, 8 * n);
    let labels = insns.iter().map(|_| ops.new_dynamic_label()).collect();
    let pcs = insns.iter().map(|i| i.pc).collect();
    let start = insns[0].pc;
    let (page, len, cached) = (start >> 12, insns.len() as i32, choose_cached(insns));
    let written = |g: u8| insns.iter().any(|i| writes_rd(i.d.op) && i.d.rd & 31 == g);
    let dirty = cached.iter().copied().filter(|&(g, _)| written(g)).collect();
    let mut e = Emitter {
        ops,
        base,
        epilogue,
        page,
        start,
        len,
        pcs,
        labels,
        cached,
        dirty,
        stubs: Vec::with_capacity(4 * n),
        tails: [None; 3],
        thunks: Vec::new(),
    };
    e.prologue();
    for (i, insn) in insns.iter().enumerate() {
        if i > 0 {
            let label = e.labels[i];
            dynasm!(e.ops ; .arch x64 ; =>label);
        }
        e.insn(insn, (n - i - 1) as u64);
    }
    let last = &insns[insns.len() - 1];
    if !ends_block(last.d.op) {
        e.exit_to(last.pc.wrapping_add(last.d.len as u64), 0);
    }
    e.stubs();
    e.tails();
    e.thunks();
    e.ops.finalize().unwrap_or_default()
}

fn x(r: u8) -> i32 {
    (r as i32 & 31) * 8
}

impl Emitter {
    fn prologue(&mut self) {
        let budget = self.ops.new_dynamic_label();
        self.stubs.push(Stub::Budget { label: budget });
        dynasm!(self.ops
            ; .arch x64
            ; lea rax, [r14 + self.len]
            ; cmp rax, QWORD [r15 + BATCH_END]
            ; ja =>budget
            ; mov r14, rax
        );
        self.reload();
        let first = self.labels[0];
        dynasm!(self.ops ; .arch x64 ; =>first);
    }

    /// Host register `dst` = guest register `g`.
    fn read(&mut self, dst: u8, g: u8) {
        match self.host_of(g) {
            _ if g & 31 == 0 => dynasm!(self.ops ; .arch x64 ; xor Rd(dst), Rd(dst)),
            Some(h) if h == dst => {}
            Some(h) => dynasm!(self.ops ; .arch x64 ; mov Rq(dst), Rq(h)),
            None => dynasm!(self.ops ; .arch x64 ; mov Rq(dst), QWORD [rbx + x(g)]),
        }
    }

    /// Guest register `g` = host register `src` (nothing for x0).
    fn write(&mut self, g: u8, src: u8) {
        match self.host_of(g) {
            _ if g & 31 == 0 => {}
            Some(h) if h == src => {}
            Some(h) => dynasm!(self.ops ; .arch x64 ; mov Rq(h), Rq(src)),
            None => dynasm!(self.ops ; .arch x64 ; mov QWORD [rbx + x(g)], Rq(src)),
        }
    }

    fn host_of(&self, g: u8) -> Option<u8> {
        self.cached.iter().find(|&&(r, _)| r == g & 31).map(|&(_, h)| h)
    }

    /// Where an instruction writing guest `rd` computes: rd's host register,
    /// or rax (then `write` stores it).
    fn dest(&self, rd: u8) -> u8 {
        self.host_of(rd).unwrap_or(RAX)
    }

    /// Writes the cached guest registers the block changes back to `Hart::x`.
    fn flush(&mut self) {
        for k in 0..self.dirty.len() {
            let (g, h) = self.dirty[k];
            dynasm!(self.ops ; .arch x64 ; mov QWORD [rbx + x(g)], Rq(h));
        }
    }

    /// Loads the cached guest registers from `Hart::x`.
    fn reload(&mut self) {
        for k in 0..self.cached.len() {
            let (g, h) = self.cached[k];
            dynasm!(self.ops ; .arch x64 ; mov Rq(h), QWORD [rbx + x(g)]);
        }
    }

    /// Returns `exit` with `pc` as the next pc, not chainable.
    fn leave(&mut self, pc: u64, exit: u64) {
        dynasm!(self.ops
            ; .arch x64
            ; mov rax, QWORD pc as i64
            ; mov QWORD [r15 + PC], rax
            ; mov QWORD [r15 + EXIT_SLOT], 0
            ; mov eax, exit as i32
        );
        self.jmp_abs(self.epilogue);
    }

    /// `jmp rel32` to a host address.
    fn jmp_abs(&mut self, target: usize) {
        let at = self.base + self.ops.offset().0 + 5;
        let rel = (target as i64 - at as i64) as i32;
        self.ops.push(0xe9);
        self.ops.extend(rel.to_le_bytes());
    }

    /// Goes on at `pc` from the instruction `back` instructions before the
    /// block's end: inside the block when `pc` is one of its instructions,
    /// else out of it, through a patchable jump when `pc` is on its page.
    fn exit_to(&mut self, pc: u64, back: u64) {
        let from = self.len as u64 - 1 - back;
        match self.pcs.iter().position(|&p| p == pc) {
            Some(to) if to as u64 > from => return self.skip_to(to, to as u64 - from - 1),
            Some(to) => return self.loop_to(to, from, back),
            None => {}
        }
        if back > 0 {
            dynasm!(self.ops ; .arch x64 ; sub r14, back as i32);
        }
        self.flush();
        if pc >> 12 != self.page {
            dynasm!(self.ops ; .arch x64 ; mov rsi, QWORD pc as i64);
            return self.jump_through_table();
        }
        let slot = self.base + self.ops.offset().0 + 1;
        self.ops.push(0xe9);
        self.ops.extend(0i32.to_le_bytes()); // falls through until chained
        let tail = self.tail(Tail::Next);
        let off = self.offset_of(pc);
        dynasm!(self.ops ; .arch x64 ; mov rax, off ; mov rdx, QWORD slot as i64 ; jmp =>tail);
    }

    /// `pc` less the block's start (the block and its exits lie within a
    /// page of it).
    fn offset_of(&self, pc: u64) -> i32 {
        pc.wrapping_sub(self.start) as i64 as i32
    }

    /// The label of the block's `kind` tail.
    fn tail(&mut self, kind: Tail) -> DynamicLabel {
        let slot = &mut self.tails[kind as usize];
        *slot.get_or_insert_with(|| self.ops.new_dynamic_label())
    }

    /// The tails the block's exits jumped to.
    fn tails(&mut self) {
        for kind in [Tail::Fault, Tail::Stop, Tail::Next] {
            let Some(label) = self.tails[kind as usize] else { continue };
            dynasm!(self.ops ; .arch x64 ; =>label);
            if !matches!(kind, Tail::Next) {
                dynasm!(self.ops ; .arch x64 ; sub r14, rdx);
                self.flush();
                dynasm!(self.ops ; .arch x64 ; xor edx, edx);
            }
            let exit = if let Tail::Fault = kind { EXIT_FAULT } else { EXIT_NEXT };
            dynasm!(self.ops
                ; .arch x64
                ; mov rcx, QWORD self.start as i64
                ; add rax, rcx
                ; mov QWORD [r15 + PC], rax
                ; mov QWORD [r15 + EXIT_SLOT], rdx
                ; mov eax, exit as i32
            );
            self.jmp_abs(self.epilogue);
        }
    }

    /// A jump forward over `skipped` instructions of the block, which are
    /// not counted.
    fn skip_to(&mut self, to: usize, skipped: u64) {
        let label = self.labels[to];
        dynasm!(self.ops ; .arch x64 ; sub r14, skipped as i32 ; jmp =>label);
    }

    /// A jump back to instruction `to` from instruction `from`: the
    /// instructions from `to` on are counted again, if the batch has room
    /// for them; else the block returns with `pc` at `to`.
    fn loop_to(&mut self, to: usize, from: u64, back: u64) {
        let (out, label) = (self.ops.new_dynamic_label(), self.labels[to]);
        self.stubs.push(Stub::Stop { label: out, pc: self.pcs[to], back });
        let again = (from + 1 - to as u64) as i32;
        dynasm!(self.ops
            ; .arch x64
            ; lea rax, [r14 + again]
            ; cmp rax, QWORD [r15 + BATCH_END]
            ; ja =>out
            ; mov r14, rax
            ; jmp =>label
        );
    }

    /// The slow paths, after the block's code (a slow path may add more).
    fn stubs(&mut self) {
        while let Some(stub) = self.stubs.pop() {
            let (label, pc, back, kind) = match stub {
                Stub::Fault { label, pc, back } => (label, pc, back, Tail::Fault),
                Stub::Stop { label, pc, back } => (label, pc, back, Tail::Stop),
                Stub::Taken { label, pc, back } => {
                    dynasm!(self.ops ; .arch x64 ; =>label);
                    self.exit_to(pc, back);
                    continue;
                }
                Stub::Global { label, hit, slow } => {
                    dynasm!(self.ops ; .arch x64 ; =>label ; cmp ecx, -1 ; jne =>slow ; jmp =>hit);
                    continue;
                }
                Stub::Lookup { label, done, slow, size, store } => {
                    dynasm!(self.ops ; .arch x64 ; =>label);
                    self.tlb_refill(size, store, slow);
                    dynasm!(self.ops ; .arch x64 ; jmp =>done);
                    continue;
                }
                Stub::Budget { label } => {
                    dynasm!(self.ops ; .arch x64 ; =>label);
                    self.leave(self.start, EXIT_BUDGET);
                    continue;
                }
                Stub::Slow { label, done, d, pc, back } => {
                    dynasm!(self.ops ; .arch x64 ; =>label);
                    if is_store(d.op) {
                        self.slow_store(d, pc, back);
                    } else {
                        self.slow_load(d, pc, back);
                    }
                    dynasm!(self.ops ; .arch x64 ; jmp =>done);
                    continue;
                }
            };
            let (tail, off) = (self.tail(kind), self.offset_of(pc));
            dynasm!(self.ops ; .arch x64 ; =>label ; mov edx, back as i32 ; mov rax, off ; jmp =>tail);
        }
    }

    /// One instruction; `back` instructions of the block follow it.
    fn insn(&mut self, insn: &Insn, back: u64) {
        let Insn { pc, d } = *insn;
        let next = pc.wrapping_add(d.len as u64);
        let (rd, rs1, rs2, imm) = (d.rd, d.rs1, d.rs2, d.imm);
        use Op::*;
        match d.op {
            _ if d.op.translation() == Translation::Call => self.call_interpreter(d, pc, back),
            Lui if rd != 0 => self.set_const(rd, imm as i64 as u64),
            Auipc if rd != 0 => self.set_const(rd, pc.wrapping_add(imm as i64 as u64)),
            Jal => {
                self.set_const(rd, next);
                self.exit_to(pc.wrapping_add(imm as i64 as u64), back);
            }
            Jalr => self.jalr(rd, rs1, imm, next),
            Beq | Bne | Blt | Bge | Bltu | Bgeu => {
                self.branch(d.op, rs1, rs2, pc.wrapping_add(imm as i64 as u64), back)
            }
            Lb | Lh | Lw | Ld | Lbu | Lhu | Lwu => self.load(d, pc, back),
            Sb | Sh | Sw | Sd => self.store(d, pc, back),
            Fence => {}
            _ if rd == 0 => {} // computations into x0 have no effect
            Addi | Slti | Sltiu | Xori | Ori | Andi | Slli | Srli | Srai | Addiw | Slliw | Srliw | Sraiw => {
                self.alu_imm(d.op, rd, rs1, imm)
            }
            _ => self.alu_reg(d.op, rd, rs1, rs2),
        }
    }

    fn set_const(&mut self, rd: u8, v: u64) {
        if rd & 31 == 0 {
            return;
        }
        let dst = self.dest(rd);
        dynasm!(self.ops ; .arch x64 ; mov Rq(dst), QWORD v as i64);
        self.write(rd, dst);
    }

    fn jalr(&mut self, rd: u8, rs1: u8, imm: i32, next: u64) {
        // The target is taken before rd is written (rd may be rs1).
        self.read(RAX, rs1);
        dynasm!(self.ops
            ; .arch x64
            ; add rax, imm
            ; and rax, -2
            ; mov QWORD [r15 + PC], rax
        );
        self.set_const(rd, next);
        self.flush();
        dynasm!(self.ops ; .arch x64 ; mov rsi, QWORD [r15 + PC]);
        self.jump_through_table();
    }

    /// Goes on at the guest pc in rsi, the block's registers written back:
    /// straight into its block when the jump table holds it and the entry is
    /// still good (the fetch TLB gives the same host address, the page's
    /// generation is unchanged, there is code), else back to the dispatcher.
    /// The target's prologue checks the batch as on any entry.
    fn jump_through_table(&mut self) {
        let miss = self.ops.new_dynamic_label();
        let slot_mask = (jump_table::ENTRIES as i32 - 1) << jump_table::SIZE_SHIFT;
        self.tlb_hit_test(FETCH_HOT, FETCH_TAG, FETCH_MASK, 1, miss);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, rsi
            ; add rcx, QWORD [rax + HOT_HOST_OFF as i32]
            // The table's slot for the target: (va >> 1) % ENTRIES * 32.
            ; mov eax, esi
            ; shl eax, jump_table::SIZE_SHIFT as i8 - 1
            ; and eax, slot_mask
            ; add rax, QWORD [r15 + TABLE]
            ; cmp rsi, QWORD [rax + jump_table::VA]
            ; jne =>miss
            ; cmp rcx, QWORD [rax + jump_table::HOST]
            ; jne =>miss
            ; mov edx, DWORD [rax + jump_table::PAGE]
            ; mov rcx, QWORD [r15 + GENERATIONS]
            ; mov edx, DWORD [rcx + rdx * 4]
            ; cmp edx, DWORD [rax + jump_table::GEN]
            ; jne =>miss
            ; mov rdx, QWORD [rax + jump_table::CODE]
            ; test rdx, rdx
            ; jz =>miss
            ; add QWORD [r15 + TABLE_JUMPS], 1
            ; jmp rdx
            ; =>miss
            ; mov QWORD [r15 + PC], rsi
            ; mov QWORD [r15 + EXIT_SLOT], 0
            ; mov eax, EXIT_NEXT as i32
        );
        self.jmp_abs(self.epilogue);
    }

    /// A conditional branch: the taken side leaves through a stub, the
    /// block goes on with the next instruction.
    fn branch(&mut self, op: Op, rs1: u8, rs2: u8, target: u64, back: u64) {
        let taken = self.ops.new_dynamic_label();
        self.stubs.push(Stub::Taken { label: taken, pc: target, back });
        let a = self.source(rs1, RAX);
        if rs2 & 31 == 0 {
            dynasm!(self.ops ; .arch x64 ; test Rq(a), Rq(a));
        } else {
            let b = self.source(rs2, RCX);
            dynasm!(self.ops ; .arch x64 ; cmp Rq(a), Rq(b));
        }
        match op {
            Op::Beq => dynasm!(self.ops ; .arch x64 ; je =>taken),
            Op::Bne => dynasm!(self.ops ; .arch x64 ; jne =>taken),
            Op::Blt => dynasm!(self.ops ; .arch x64 ; jl =>taken),
            Op::Bge => dynasm!(self.ops ; .arch x64 ; jge =>taken),
            Op::Bltu => dynasm!(self.ops ; .arch x64 ; jb =>taken),
            _ => dynasm!(self.ops ; .arch x64 ; jae =>taken),
        }
    }

    /// The host register holding guest `g`: its cache register, or `scratch`
    /// loaded with it.
    fn source(&mut self, g: u8, scratch: u8) -> u8 {
        match self.host_of(g) {
            Some(h) if g & 31 != 0 => h,
            _ => {
                self.read(scratch, g);
                scratch
            }
        }
    }

    /// rd = rs1 op imm, computed in rd's host register when it has one.
    fn alu_imm(&mut self, op: Op, rd: u8, rs1: u8, imm: i32) {
        let sh = (imm & 63) as i8;
        let shw = (imm & 31) as i8;
        let d = self.dest(rd);
        if op == Op::Addi && rs1 & 31 == 0 {
            dynasm!(self.ops ; .arch x64 ; mov Rq(d), imm); // li
            return self.write(rd, d);
        }
        match self.host_of(rs1) {
            Some(h) if op == Op::Addi && imm == 0 => {
                dynasm!(self.ops ; .arch x64 ; mov Rq(d), Rq(h)); // mv
                return self.write(rd, d);
            }
            Some(h) if op == Op::Addi && h != d => {
                dynasm!(self.ops ; .arch x64 ; lea Rq(d), [Rq(h) + imm]);
                return self.write(rd, d);
            }
            _ => self.read(d, rs1),
        }
        match op {
            Op::Addi => dynasm!(self.ops ; .arch x64 ; add Rq(d), imm),
            Op::Slti => dynasm!(self.ops ; .arch x64 ; cmp Rq(d), imm ; setl Rb(d) ; movzx Rd(d), Rb(d)),
            Op::Sltiu => dynasm!(self.ops ; .arch x64 ; cmp Rq(d), imm ; setb Rb(d) ; movzx Rd(d), Rb(d)),
            Op::Xori => dynasm!(self.ops ; .arch x64 ; xor Rq(d), imm),
            Op::Ori => dynasm!(self.ops ; .arch x64 ; or Rq(d), imm),
            Op::Andi => dynasm!(self.ops ; .arch x64 ; and Rq(d), imm),
            Op::Slli => dynasm!(self.ops ; .arch x64 ; shl Rq(d), sh),
            Op::Srli => dynasm!(self.ops ; .arch x64 ; shr Rq(d), sh),
            Op::Srai => dynasm!(self.ops ; .arch x64 ; sar Rq(d), sh),
            Op::Addiw => dynasm!(self.ops ; .arch x64 ; add Rd(d), imm ; movsxd Rq(d), Rd(d)),
            Op::Slliw => dynasm!(self.ops ; .arch x64 ; shl Rd(d), shw ; movsxd Rq(d), Rd(d)),
            Op::Srliw => dynasm!(self.ops ; .arch x64 ; shr Rd(d), shw ; movsxd Rq(d), Rd(d)),
            _ => dynasm!(self.ops ; .arch x64 ; sar Rd(d), shw ; movsxd Rq(d), Rd(d)), // Sraiw
        }
        self.write(rd, d);
    }

    /// Register-register computations: in rd's host register when it has one
    /// (rs2 comes from its own register, or rcx), else in rax; multiplies
    /// and divides use rax and rcx.
    fn alu_reg(&mut self, op: Op, rd: u8, rs1: u8, rs2: u8) {
        use Op::*;
        if !matches!(op, Add | Sub | Xor | Or | And | Sll | Srl | Sra | Slt | Sltu | Addw | Subw | Sllw | Srlw | Sraw) {
            return self.mul_div(op, rd, rs1, rs2);
        }
        let d = self.dest(rd);
        // Shift counts must be in cl; rs2 must not live where rs1 is copied.
        let shift = matches!(op, Sll | Srl | Sra | Sllw | Srlw | Sraw);
        let b = match self.host_of(rs2) {
            Some(h) if !shift && rs2 & 31 != 0 && (h != d || rs1 & 31 == rs2 & 31) => h,
            _ => {
                self.read(RCX, rs2);
                RCX
            }
        };
        self.read(d, rs1);
        match op {
            Add => dynasm!(self.ops ; .arch x64 ; add Rq(d), Rq(b)),
            Sub => dynasm!(self.ops ; .arch x64 ; sub Rq(d), Rq(b)),
            Xor => dynasm!(self.ops ; .arch x64 ; xor Rq(d), Rq(b)),
            Or => dynasm!(self.ops ; .arch x64 ; or Rq(d), Rq(b)),
            And => dynasm!(self.ops ; .arch x64 ; and Rq(d), Rq(b)),
            // x86 masks the count to 6 bits (5 for 32-bit operands), as RISC-V does.
            Sll => dynasm!(self.ops ; .arch x64 ; shl Rq(d), cl),
            Srl => dynasm!(self.ops ; .arch x64 ; shr Rq(d), cl),
            Sra => dynasm!(self.ops ; .arch x64 ; sar Rq(d), cl),
            Slt => dynasm!(self.ops ; .arch x64 ; cmp Rq(d), Rq(b) ; setl Rb(d) ; movzx Rd(d), Rb(d)),
            Sltu => dynasm!(self.ops ; .arch x64 ; cmp Rq(d), Rq(b) ; setb Rb(d) ; movzx Rd(d), Rb(d)),
            Addw => dynasm!(self.ops ; .arch x64 ; add Rd(d), Rd(b) ; movsxd Rq(d), Rd(d)),
            Subw => dynasm!(self.ops ; .arch x64 ; sub Rd(d), Rd(b) ; movsxd Rq(d), Rd(d)),
            Sllw => dynasm!(self.ops ; .arch x64 ; shl Rd(d), cl ; movsxd Rq(d), Rd(d)),
            Srlw => dynasm!(self.ops ; .arch x64 ; shr Rd(d), cl ; movsxd Rq(d), Rd(d)),
            _ => dynasm!(self.ops ; .arch x64 ; sar Rd(d), cl ; movsxd Rq(d), Rd(d)), // Sraw
        }
        self.write(rd, d);
    }

    /// Multiplies and divides: rax = rs1 op rs2 (rcx = rs2), then rd = rax.
    fn mul_div(&mut self, op: Op, rd: u8, rs1: u8, rs2: u8) {
        self.read(RAX, rs1);
        self.read(RCX, rs2);
        match op {
            Op::Mul => dynasm!(self.ops ; .arch x64 ; imul rax, rcx),
            Op::Mulw => dynasm!(self.ops ; .arch x64 ; imul eax, ecx ; movsxd rax, eax),
            Op::Mulh => dynasm!(self.ops ; .arch x64 ; imul rcx ; mov rax, rdx),
            Op::Mulhu => dynasm!(self.ops ; .arch x64 ; mul rcx ; mov rax, rdx),
            // signed × unsigned: the unsigned high half, less rs2 when rs1 < 0.
            Op::Mulhsu => dynasm!(self.ops
                ; .arch x64
                ; mov rsi, rax
                ; mul rcx
                ; sar rsi, 63
                ; and rsi, rcx
                ; sub rdx, rsi
                ; mov rax, rdx
            ),
            _ => self.divide(op),
        }
        self.write(rd, RAX);
    }

    /// Division and remainder (unprivileged spec table 7.1): by zero, the
    /// quotient is all ones and the remainder the dividend; MIN / -1 gives
    /// MIN remainder 0. x86 traps on both, so they are branched around.
    /// rax holds rs1 and rcx rs2; the result is left in rax.
    fn divide(&mut self, op: Op) {
        match op {
            Op::Div | Op::Rem => {
                let rem = op == Op::Rem;
                dynasm!(self.ops
                    ; .arch x64
                    ; test rcx, rcx
                    ; jz >zero
                    ; cmp rcx, -1
                    ; je >minus_one
                    ; cqo
                    ; idiv rcx
                );
                if rem {
                    dynasm!(self.ops ; .arch x64 ; mov rax, rdx ; jmp >done ; minus_one: ; xor eax, eax ; jmp >done ; zero:);
                } else {
                    dynasm!(self.ops ; .arch x64 ; jmp >done ; minus_one: ; neg rax ; jmp >done ; zero: ; mov rax, -1);
                }
                dynasm!(self.ops ; .arch x64 ; done:);
            }
            Op::Divu | Op::Remu => {
                dynasm!(self.ops ; .arch x64 ; test rcx, rcx ; jz >zero ; xor edx, edx ; div rcx);
                if op == Op::Remu {
                    dynasm!(self.ops ; .arch x64 ; mov rax, rdx ; zero:);
                } else {
                    dynasm!(self.ops ; .arch x64 ; jmp >done ; zero: ; mov rax, -1 ; done:);
                }
            }
            Op::Divw | Op::Remw => {
                dynasm!(self.ops
                    ; .arch x64
                    ; test ecx, ecx
                    ; jz >zero
                    ; cmp ecx, -1
                    ; je >minus_one
                    ; cdq
                    ; idiv ecx
                );
                if op == Op::Remw {
                    dynasm!(self.ops ; .arch x64 ; mov eax, edx ; jmp >done ; minus_one: ; xor eax, eax ; jmp >done ; zero:);
                } else {
                    dynasm!(self.ops ; .arch x64 ; jmp >done ; minus_one: ; neg eax ; jmp >done ; zero: ; mov eax, -1);
                }
                dynasm!(self.ops ; .arch x64 ; done: ; movsxd rax, eax);
            }
            _ => {
                // Divuw, Remuw
                dynasm!(self.ops ; .arch x64 ; test ecx, ecx ; jz >zero ; xor edx, edx ; div ecx);
                if op == Op::Remuw {
                    dynasm!(self.ops ; .arch x64 ; mov eax, edx ; zero:);
                } else {
                    dynasm!(self.ops ; .arch x64 ; jmp >done ; zero: ; mov eax, -1 ; done:);
                }
                dynasm!(self.ops ; .arch x64 ; movsxd rax, eax);
            }
        }
    }

    /// rsi = rs1 + imm; jumps to `slow` unless the access of `size` bytes
    /// stays in its page and the TLB holds it; then rsi is the host address.
    /// An aligned access to the page of the last one of its kind the TLB
    /// served needs only a compare (an aligned access cannot cross pages);
    /// any other runs the TLB's hit test out of line (`tlb_refill`).
    fn tlb_lookup(&mut self, rs1: u8, imm: i32, size: i32, store: bool, slow: DynamicLabel) {
        let (last, last_off) = last_page(store);
        match self.host_of(rs1) {
            Some(h) if rs1 & 31 != 0 => dynasm!(self.ops ; .arch x64 ; lea rsi, [Rq(h) + imm]),
            _ => {
                self.read(RSI, rs1);
                if imm != 0 {
                    dynasm!(self.ops ; .arch x64 ; add rsi, imm);
                }
            }
        }
        let (lookup, done) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        self.stubs.push(Stub::Lookup { label: lookup, done, slow, size, store });
        if size > 1 {
            dynasm!(self.ops ; .arch x64 ; test esi, size - 1 ; jnz =>lookup);
        }
        let count = if store { STORE_HIT } else { LOAD_HIT };
        dynasm!(self.ops
            ; .arch x64
            ; mov rdx, rsi
            ; and rdx, -4096
            ; cmp rdx, QWORD [r15 + last]
            ; jne =>lookup
            ; =>done
            ; add rsi, QWORD [r15 + last_off]
            ; add r12, count
        );
    }

    /// The TLB's own hit test (`Tlb::lookup`, inlined; a global entry's
    /// ASID is matched out of line) for the access at rsi, whose page
    /// becomes the last one; a miss goes to `slow`.
    fn tlb_refill(&mut self, size: i32, store: bool, slow: DynamicLabel) {
        let (hot, tag, mask) = if store { (STORE_HOT, STORE_TAG, STORE_MASK) } else { (LOAD_HOT, LOAD_TAG, LOAD_MASK) };
        let (last, last_off) = last_page(store);
        self.tlb_hit_test(hot, tag, mask, size, slow);
        dynasm!(self.ops
            ; .arch x64
            ; mov rcx, QWORD [rax + HOT_HOST_OFF as i32]
            ; mov QWORD [r15 + last_off], rcx
            ; mov rdx, rsi
            ; and rdx, -4096
            ; mov QWORD [r15 + last], rdx
        );
    }

    /// The hit test of `Tlb::lookup`, inlined, for an access of `size` bytes
    /// at the va in rsi, through the TLB the frame holds at `hot`, `tag` and
    /// `mask`: on a hit rax is the entry, else it jumps to `miss` (a global
    /// entry's ASID is matched out of line). Uses rdx and rcx.
    fn tlb_hit_test(&mut self, hot: i32, tag: i32, mask: i32, size: i32, miss: DynamicLabel) {
        let (hit, global) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        self.stubs.push(Stub::Global { label: global, hit, slow: miss });
        // The slot: (va >> 12 & mask) * 32, with the mask pre-scaled in the frame.
        // The tag is taken from the access's last byte: one that crosses into
        // the next page cannot match the entry of its first byte's page.
        dynasm!(self.ops
            ; .arch x64
            ; mov eax, esi
            ; shr eax, 7
            ; and eax, DWORD [r15 + mask]
            ; add rax, QWORD [r15 + hot]
            ; lea rdx, [rsi + size - 1]
            ; and rdx, -4096
            ; or rdx, QWORD [r15 + tag]
            ; cmp rdx, QWORD [rax + HOT_TAG as i32]
            ; jne =>miss
            ; mov ecx, DWORD [rax + HOT_ASID as i32]
            ; cmp ecx, DWORD [r15 + ASID]
            ; jne =>global
            ; =>hit
        );
    }

    /// Checks the helper's status: a fault leaves through a stub.
    fn check_fault(&mut self, pc: u64, back: u64) {
        let label = self.ops.new_dynamic_label();
        self.stubs.push(Stub::Fault { label, pc, back });
        dynasm!(self.ops ; .arch x64 ; cmp QWORD [r15 + STATUS], frame::FAULT as i32 ; je =>label);
    }

    /// After a completed slow access: the block stops if the helper says so.
    fn check_stop(&mut self, next: u64, back: u64) {
        let label = self.ops.new_dynamic_label();
        self.stubs.push(Stub::Stop { label, pc: next, back });
        dynasm!(self.ops ; .arch x64 ; cmp QWORD [r15 + STATUS], frame::OK as i32 ; jne =>label);
    }

    /// Calls `helper(frame, a[, b], pc, back)` for the instruction at `pc`,
    /// with a in rsi (and b in rdx) set by the caller, through the block's
    /// thunk for it, which writes the cached registers back before the call
    /// and loads them after (the helper may read or change any of them).
    fn call_helper(&mut self, helper: usize, args: Args, pc: u64, back: u64) {
        let thunk = match self.thunks.iter().find(|&&(h, _, _)| h == helper) {
            Some(&(_, _, label)) => label,
            None => {
                let label = self.ops.new_dynamic_label();
                self.thunks.push((helper, args, label));
                label
            }
        };
        // rcx and r9: neither holds a guest register, so nothing is lost before the flush.
        dynasm!(self.ops ; .arch x64 ; mov rcx, QWORD pc as i64 ; mov r9d, back as i32 ; call =>thunk);
    }

    /// The thunks `call_helper` used: pc and back go from rcx and r9 to the
    /// helper's argument registers after its own.
    fn thunks(&mut self) {
        for (helper, args, label) in std::mem::take(&mut self.thunks) {
            dynasm!(self.ops ; .arch x64 ; =>label);
            self.flush();
            match args {
                Args::One => dynasm!(self.ops ; .arch x64 ; mov rdx, rcx ; mov rcx, r9),
                Args::Two => dynasm!(self.ops ; .arch x64 ; mov r8, r9),
            }
            dynasm!(self.ops
                ; .arch x64
                ; mov QWORD [r15 + CYCLE], r14
                ; mov rdi, r15
                ; mov rax, QWORD helper as i64
                ; sub rsp, 8 // the call here keeps rsp 16-byte aligned at the helper's
                ; call rax
                ; add rsp, 8
            );
            self.reload();
            dynasm!(self.ops ; .arch x64 ; ret);
        }
    }

    fn load(&mut self, d: Decoded, pc: u64, back: u64) {
        let (slow, done) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        self.stubs.push(Stub::Slow { label: slow, done, d, pc, back });
        self.tlb_lookup(d.rs1, d.imm, access_size(d.op), false, slow);
        let r = self.dest(d.rd);
        match d.op {
            Op::Lb => dynasm!(self.ops ; .arch x64 ; movsx Rq(r), BYTE [rsi]),
            Op::Lbu => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), BYTE [rsi]),
            Op::Lh => dynasm!(self.ops ; .arch x64 ; movsx Rq(r), WORD [rsi]),
            Op::Lhu => dynasm!(self.ops ; .arch x64 ; movzx Rd(r), WORD [rsi]),
            Op::Lw => dynasm!(self.ops ; .arch x64 ; movsxd Rq(r), DWORD [rsi]),
            Op::Lwu => dynasm!(self.ops ; .arch x64 ; mov Rd(r), DWORD [rsi]),
            _ => dynasm!(self.ops ; .arch x64 ; mov Rq(r), QWORD [rsi]),
        }
        self.write(d.rd, r);
        dynasm!(self.ops ; .arch x64 ; =>done);
    }

    /// A load the inlined lookup missed: `frame::load`, out of line.
    fn slow_load(&mut self, d: Decoded, pc: u64, back: u64) {
        let helper = match access_size(d.op) {
            1 => frame::load::<u8> as *const () as usize,
            2 => frame::load::<u16> as *const () as usize,
            4 => frame::load::<u32> as *const () as usize,
            _ => frame::load::<u64> as *const () as usize,
        };
        self.call_helper(helper, Args::One, pc, back);
        self.check_fault(pc, back);
        match d.op {
            Op::Lb => dynasm!(self.ops ; .arch x64 ; movsx rax, al),
            Op::Lh => dynasm!(self.ops ; .arch x64 ; movsx rax, ax),
            Op::Lw => dynasm!(self.ops ; .arch x64 ; movsxd rax, eax),
            _ => {}
        }
        self.write(d.rd, RAX);
        self.check_stop(pc.wrapping_add(d.len as u64), back);
    }

    /// An instruction the interpreter runs from inside the block
    /// (`frame::interpret`): a fault leaves, as does a change the rest of the
    /// block must not run past (the helper's END).
    fn call_interpreter(&mut self, d: Decoded, pc: u64, back: u64) {
        let (lo, hi) = frame::pack(d);
        dynasm!(self.ops ; .arch x64 ; mov rsi, QWORD lo as i64 ; mov rdx, QWORD hi as i64);
        self.call_helper(frame::interpret as *const () as usize, Args::Two, pc, back);
        self.check_fault(pc, back);
        self.check_stop(pc.wrapping_add(d.len as u64), back);
    }

    fn store(&mut self, d: Decoded, pc: u64, back: u64) {
        let (slow, done) = (self.ops.new_dynamic_label(), self.ops.new_dynamic_label());
        self.stubs.push(Stub::Slow { label: slow, done, d, pc, back });
        let v = self.source(d.rs2, R9);
        self.tlb_lookup(d.rs1, d.imm, access_size(d.op), true, slow);
        match access_size(d.op) {
            1 => dynasm!(self.ops ; .arch x64 ; mov BYTE [rsi], Rb(v)),
            2 => dynasm!(self.ops ; .arch x64 ; mov WORD [rsi], Rw(v)),
            4 => dynasm!(self.ops ; .arch x64 ; mov DWORD [rsi], Rd(v)),
            _ => dynasm!(self.ops ; .arch x64 ; mov QWORD [rsi], Rq(v)),
        }
        dynasm!(self.ops ; .arch x64 ; =>done);
    }

    /// A store the inlined lookup missed: `frame::store`, out of line.
    fn slow_store(&mut self, d: Decoded, pc: u64, back: u64) {
        let helper = match access_size(d.op) {
            1 => frame::store::<u8> as *const () as usize,
            2 => frame::store::<u16> as *const () as usize,
            4 => frame::store::<u32> as *const () as usize,
            _ => frame::store::<u64> as *const () as usize,
        };
        let v = self.source(d.rs2, R9);
        dynasm!(self.ops ; .arch x64 ; mov rdx, Rq(v));
        self.call_helper(helper, Args::Two, pc, back);
        self.check_fault(pc, back);
        self.check_stop(pc.wrapping_add(d.len as u64), back);
    }
}

/// The frame's last page of stores or of loads, and its host offset.
fn last_page(store: bool) -> (i32, i32) {
    if store {
        (LAST_STORE, LAST_STORE_OFF)
    } else {
        (LAST_LOAD, LAST_LOAD_OFF)
    }
}

/// The bytes a load or store accesses.
fn access_size(op: Op) -> i32 {
    match op {
        Op::Lb | Op::Lbu | Op::Sb => 1,
        Op::Lh | Op::Lhu | Op::Sh => 2,
        Op::Lw | Op::Lwu | Op::Sw => 4,
        _ => 8,
    }
}

fn is_store(op: Op) -> bool {
    matches!(op, Op::Sb | Op::Sh | Op::Sw | Op::Sd)
}
