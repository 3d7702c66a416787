//! A guided tour of the Sv39 MMU, in plain words and real numbers: what `make run`
//! boots until the kernel exists.
//!
//! M-mode (untranslated) builds a page table, prints it and walks one address by
//! hand, then runs tiny functions (`user`) in U- and S-mode under that table and
//! reports what the MMU did: the A and D bits it set, the page faults it raised,
//! a page mapped on demand, a 2 MiB superpage, a no-execute page and a
//! supervisor-only page. Each scene checks the outcome the privileged spec
//! requires; the program exits with the number of the first scene that differed,
//! 0 when all behaved. Its output is the same on sv39 and QEMU.
#![no_std]
#![no_main]

mod user;

use bare::paging::{alloc_page, alloc_pages_aligned, heap_start, set_satp, sfence_vma, PageTable};
use bare::trap::{self, run_in, Trap};
use bare::{pmp_allow_all, println};
use core::fmt;
use core::ptr::{read_volatile, write_volatile};
use sv39_arch::cause::{exc, exception_name};
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::memmap::RAM_BASE;
use sv39_arch::pte::{is_leaf, pte_ppn, PTE_A, PTE_D, PTE_R, PTE_U, PTE_W, PTE_X};
use sv39_arch::sv39::{level_size, vpn_index, LEVELS, PAGE_SIZE};

// The lower modes' addresses: all translated, none identity except the image.
const DATA_VA: u64 = 0x4000_0000;
const READ_ONLY_VA: u64 = 0x4000_1000;
const CODE_X_VA: u64 = 0x4000_2000;
const CODE_NX_VA: u64 = 0x4000_3000;
const KERNEL_VA: u64 = 0x4000_4000;
const LAZY_VA: u64 = 0x4001_0000;
const HUGE_VA: u64 = 0x4020_0000;

/// What M-mode leaves in the pages before the lower modes look.
const DATA_VALUE: u64 = 0x1111_2222_3333_4444;
const READ_ONLY_VALUE: u64 = 0x0bad_c0de_0bad_c0de;
const KERNEL_VALUE: u64 = 0x5ec2_e700_0000_0001;

/// The size a leaf maps at each level.
const LEAF_NAMES: [&str; LEVELS] = ["4 KiB", "2 MiB", "1 GiB"];

const IMAGE_FLAGS: u64 = PTE_R | PTE_W | PTE_X | PTE_U | PTE_A | PTE_D;

/// One leaf mapping (or run of 4 KiB leaves) the demo installs.
struct Mapping {
    what: &'static str,
    va: u64,
    pa: u64,
    len: u64,
    level: usize,
    flags: u64,
}

/// The two address spaces: `user` for U-mode, `kernel` for S-mode (the image
/// without U, since S-mode may never execute U pages), and the pages behind them.
struct Demo {
    user: PageTable,
    kernel: PageTable,
    data_pa: u64,
    read_only_pa: u64,
    kernel_pa: u64,
    huge_pa: u64,
}

/// A scene's verdict: Err names the expectation the MMU did not meet.
type Scene = Result<(), &'static str>;

fn ensure(ok: bool, expectation: &'static str) -> Scene {
    if ok {
        Ok(())
    } else {
        Err(expectation)
    }
}

/// PTE bits 7..0 as the spec's letters in bit order, '-' where clear.
struct Flags(u64);

impl fmt::Display for Flags {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        for (bit, letter) in "VRWXUGAD".chars().enumerate() {
            let c = if self.0 >> bit & 1 != 0 { letter } else { '-' };
            fmt::Write::write_char(f, c)?;
        }
        Ok(())
    }
}

/// A byte count as " 4 KiB", " 2 MiB", right-aligned in 8 columns.
struct Size(u64);

impl fmt::Display for Size {
    fn fmt(&self, f: &mut fmt::Formatter) -> fmt::Result {
        if self.0 >= 1 << 20 && self.0.is_multiple_of(1 << 20) {
            write!(f, "{:>4} MiB", self.0 >> 20)
        } else {
            write!(f, "{:>4} KiB", self.0 >> 10)
        }
    }
}

fn read_pa(pa: u64) -> u64 {
    // SAFETY: callers pass RAM this demo allocated; M-mode accesses are untranslated.
    unsafe { read_volatile(pa as *const u64) }
}

fn write_pa(pa: u64, value: u64) {
    // SAFETY: as in `read_pa`.
    unsafe { write_volatile(pa as *mut u64, value) }
}

/// Sets or clears `mstatus.SUM`, which lets S-mode load and store to U pages.
fn set_sum(on: bool) {
    // SAFETY: SUM changes only what S-mode may access.
    unsafe {
        if on {
            core::arch::asm!("csrs mstatus, {}", in(reg) mstatus::SUM);
        } else {
            core::arch::asm!("csrc mstatus, {}", in(reg) mstatus::SUM);
        }
    }
}

/// The code at `va` in the lower modes' address space, as a function for `run_in`.
fn code_at(va: u64) -> extern "C" fn(u64) -> u64 {
    // SAFETY: only `run_in` enters it, in S/U mode, where the MMU decides whether
    // `va` may be executed; M-mode never calls it.
    unsafe { core::mem::transmute::<usize, extern "C" fn(u64) -> u64>(va as usize) }
}

/// Runs `f(va)` in `mode` and says what happened.
fn attempt(mode: Priv, what: &str, f: extern "C" fn(u64) -> u64, va: u64) -> Result<u64, Trap> {
    let result = run_in(mode, f, va);
    match result {
        Ok(v) => println!("   {}-mode {what} {va:#x}: ok, result {v:#x}", mode.letter()),
        Err(t) => println!(
            "   {}-mode {what} {va:#x}: {} (cause {}), tval {:#x}",
            mode.letter(),
            exception_name(t.cause),
            t.cause,
            t.tval
        ),
    }
    result
}

fn faulted(result: Result<u64, Trap>, cause: u64, tval: u64) -> bool {
    matches!(result, Err(t) if t.cause == cause && t.tval == tval)
}

fn heading(n: u32, title: &str) {
    println!("\n{n}. {title}");
}

impl Demo {
    /// Allocates the pages and builds both page tables.
    fn new() -> Demo {
        let mut demo = Demo {
            user: PageTable::new(),
            kernel: PageTable::new(),
            data_pa: alloc_page(),
            read_only_pa: alloc_page(),
            kernel_pa: alloc_page(),
            huge_pa: alloc_pages_aligned(512, level_size(1)),
        };
        let mappings = demo.user_mappings();
        for m in &mappings {
            map(&mut demo.user, m);
        }
        let [image, data, .., kernel, _] = mappings;
        map(&mut demo.kernel, &Mapping { flags: image.flags & !PTE_U, ..image });
        map(&mut demo.kernel, &data);
        map(&mut demo.kernel, &kernel);
        write_pa(demo.data_pa, DATA_VALUE);
        write_pa(demo.read_only_pa, READ_ONLY_VALUE);
        write_pa(demo.kernel_pa, KERNEL_VALUE);
        demo
    }

    fn user_mappings(&self) -> [Mapping; 7] {
        let code_pa = user::answer_pa();
        let m = |what, va, pa, len, level, flags| Mapping { what, va, pa, len, level, flags };
        [
            m("program image and stacks", RAM_BASE, RAM_BASE, heap_start() - RAM_BASE, 0, IMAGE_FLAGS),
            m("data page", DATA_VA, self.data_pa, PAGE_SIZE, 0, PTE_R | PTE_W | PTE_U),
            m("read-only page", READ_ONLY_VA, self.read_only_pa, PAGE_SIZE, 0, PTE_R | PTE_U),
            m("answer() again, executable", CODE_X_VA, code_pa, PAGE_SIZE, 0, PTE_R | PTE_X | PTE_U),
            m("answer() again, not executable", CODE_NX_VA, code_pa, PAGE_SIZE, 0, PTE_R | PTE_U),
            m("supervisor-only page (no U)", KERNEL_VA, self.kernel_pa, PAGE_SIZE, 0, PTE_R | PTE_W),
            m("2 MiB superpage", HUGE_VA, self.huge_pa, level_size(1), 1, PTE_R | PTE_W | PTE_U),
        ]
    }

    fn pte(&self, va: u64, level: usize) -> u64 {
        self.user.pte(va, level)
    }

    /// Scene 1: the mappings, as installed.
    fn show_mappings(&self) -> Scene {
        heading(1, "The page table");
        let root = self.user.root();
        println!(
            "   root table at PA {root:#x}; satp = {:#x} (MODE 8 = Sv39, ASID 0, PPN {:#x})",
            self.user.satp(0),
            root >> 12
        );
        println!("   flags are the PTE's bits V R W X U G A D, '-' where clear\n");
        println!("   {:<25}{:<12}{:>8}  {:<8}  {:<11}  what", "VA range", "PA", "size", "flags", "leaf PTEs");
        for m in self.user_mappings() {
            let leaf = level_size(m.level);
            println!(
                "   {:#010x}-{:#010x} -> {:#010x}  {}  {}  {:>3} x {:<5}  {}",
                m.va,
                m.va + m.len - 1,
                m.pa,
                Size(m.len),
                Flags(self.pte(m.va, m.level)),
                m.len.div_ceil(leaf),
                LEAF_NAMES[m.level],
                m.what
            );
        }
        let lazy_end = LAZY_VA + user::LAZY_PAGES * PAGE_SIZE - 1;
        println!("   {LAZY_VA:#010x}-{lazy_end:#010x}    not mapped yet: pages appear on demand (scene 5)");
        Ok(())
    }

    /// Scene 2: the walk the MMU does for one load, done by hand.
    fn show_walk(&self, va: u64) -> Scene {
        heading(2, "How the MMU translates one address");
        println!(
            "   VA {va:#x} = VPN[2] {} | VPN[1] {} | VPN[0] {} | offset {:#x}",
            vpn_index(va, 2),
            vpn_index(va, 1),
            vpn_index(va, 0),
            va % PAGE_SIZE
        );
        let mut table = self.user.root();
        for level in (0..LEVELS).rev() {
            let pte_pa = self.user.pte_ptr(va, level) as u64;
            let pte = read_pa(pte_pa);
            let next = pte_ppn(pte) << 12;
            println!(
                "   level {level}: table {table:#x}, entry {} at PA {pte_pa:#x} = {pte:#018x} {} -> {} {next:#x}",
                vpn_index(va, level),
                Flags(pte),
                if is_leaf(pte) { "leaf: page at" } else { "next table at" }
            );
            if is_leaf(pte) {
                println!("   PA = {next:#x} + offset {:#x} = {:#x}", va % PAGE_SIZE, next + va % PAGE_SIZE);
                return ensure(next == self.data_pa, "the walk should end at the data page");
            }
            table = next;
        }
        Err("the walk found no leaf")
    }

    /// Scene 3: loads, stores and a call through the mappings; A and D bits.
    fn use_mappings(&self) -> Scene {
        heading(3, "U-mode loads, stores and executes; the MMU sets A and D");
        println!("   M-mode put {DATA_VALUE:#x} at PA {:#x}; PTE flags {}", self.data_pa, Flags(self.pte(DATA_VA, 0)));
        let loaded = attempt(Priv::U, "load from", user::load, DATA_VA);
        let after_load = self.pte(DATA_VA, 0);
        println!("   PTE flags now {}: a load sets A (accessed) only", Flags(after_load));
        let stored = attempt(Priv::U, "store to", user::store, DATA_VA + 8);
        let after_store = self.pte(DATA_VA, 0);
        let found = read_pa(self.data_pa + 8);
        println!("   PTE flags now {}: a store sets D (dirty) too", Flags(after_store));
        println!("   M-mode finds {found:#x} at PA {:#x}", self.data_pa + 8);
        let answer = attempt(Priv::U, "call to", code_at(CODE_X_VA), CODE_X_VA);
        println!(
            "   (the code at {CODE_X_VA:#x} is answer() from PA {:#x}, reached through a second mapping)",
            user::answer_pa()
        );
        ensure(loaded == Ok(DATA_VALUE), "the load should return M-mode's value")?;
        ensure(after_load & (PTE_A | PTE_D) == PTE_A, "a load should set A and not D")?;
        ensure(stored.is_ok() && after_store & (PTE_A | PTE_D) == PTE_A | PTE_D, "a store should set D")?;
        ensure(found == user::MARKER, "the store should reach the data page")?;
        ensure(answer == Ok(42), "answer() should return 42")
    }

    /// Scene 4: a store to a page without W.
    fn read_only(&self) -> Scene {
        heading(4, "A store to a read-only page");
        let loaded = attempt(Priv::U, "load from", user::load, READ_ONLY_VA);
        let stored = attempt(Priv::U, "store to", user::store, READ_ONLY_VA);
        let pte = self.pte(READ_ONLY_VA, 0);
        println!(
            "   PTE flags {}: no W, so the store faults before it sets D; the page still holds {:#x}",
            Flags(pte),
            read_pa(self.read_only_pa)
        );
        ensure(loaded == Ok(READ_ONLY_VALUE), "the load should succeed")?;
        ensure(faulted(stored, exc::STORE_PAGE_FAULT, READ_ONLY_VA), "the store should be a store page fault")?;
        ensure(pte & PTE_D == 0 && read_pa(self.read_only_pa) == READ_ONLY_VALUE, "the page should be unchanged")
    }

    /// Scene 5: page faults on unmapped pages, answered by mapping them.
    fn demand_paging(&mut self) -> Scene {
        heading(5, "Pages mapped on demand (lazy allocation in miniature)");
        let mut faults = 0;
        let sum = loop {
            match attempt(Priv::U, "write one word per page from", user::fill_lazy, LAZY_VA) {
                Ok(sum) => break sum,
                Err(t) if t.cause == exc::STORE_PAGE_FAULT && faults < user::LAZY_PAGES => {
                    let page = t.tval & !(PAGE_SIZE - 1);
                    let pa = alloc_page();
                    self.user.map(page, pa, 0, PTE_R | PTE_W | PTE_U);
                    sfence_vma(page, 0);
                    println!("     M-mode: mapped VA {page:#x} to a fresh zeroed page at PA {pa:#x}; run it again");
                    faults += 1;
                }
                Err(_) => return Err("only store page faults in the lazy region were expected"),
            }
        };
        println!("   {faults} page faults, {faults} pages allocated; the words read back sum to {sum}");
        ensure(faults == user::LAZY_PAGES && sum == 6, "three faults, then 1 + 2 + 3")
    }

    /// Scene 6: one level-1 leaf maps 2 MiB.
    fn superpage(&self) -> Scene {
        heading(6, "A 2 MiB superpage: one level-1 PTE, no level-0 table");
        let last = HUGE_VA + level_size(1) - 8;
        attempt(Priv::U, "store to first and last word from", user::touch_superpage, HUGE_VA)
            .map_err(|_| "the superpage should be writable")?;
        let (first_pa, last_pa) = (self.huge_pa, self.huge_pa + level_size(1) - 8);
        println!("   VA {HUGE_VA:#x} -> PA {first_pa:#x}: M-mode finds {:#x}", read_pa(first_pa));
        println!("   VA {last:#x} -> PA {last_pa:#x}: M-mode finds {:#x}", read_pa(last_pa));
        let pte = self.pte(HUGE_VA, 1);
        println!("   level-1 PTE {pte:#018x} flags {}", Flags(pte));
        ensure(
            read_pa(first_pa) == user::MARKER && read_pa(last_pa) == user::MARKER,
            "both stores should land in the superpage",
        )?;
        ensure(pte & (PTE_A | PTE_D) == PTE_A | PTE_D, "the superpage PTE should be accessed and dirty")
    }

    /// Scene 7: the same bytes, readable but not executable.
    fn no_execute(&self) -> Scene {
        heading(7, "Executing from a page without X");
        let word = attempt(Priv::U, "32-bit load from", user::load_u32, CODE_NX_VA);
        println!("   that is answer()'s first instruction, addi a0, zero, 42: readable here...");
        let call = attempt(Priv::U, "call to", code_at(CODE_NX_VA), CODE_NX_VA);
        println!("   ...but not executable: the fetch faults, tval = the instruction's address");
        ensure(word == Ok(user::ANSWER_INSN as u64), "the load should see the instruction")?;
        ensure(faulted(call, exc::INSTRUCTION_PAGE_FAULT, CODE_NX_VA), "the call should be an instruction page fault")
    }

    /// Scene 8: U-mode against a page without U, and S-mode against U pages.
    fn supervisor_only(&self) -> Scene {
        heading(8, "Supervisor pages and user pages");
        let user_load = attempt(Priv::U, "load from", user::load, KERNEL_VA);
        println!("   PTE flags {}: no U bit, so U-mode may not touch it", Flags(self.pte(KERNEL_VA, 0)));
        println!("   S-mode runs under a second table whose image mapping has no U (S never executes U pages):");
        set_satp(self.kernel.satp(0));
        let kernel_load = attempt(Priv::S, "load from", user::load, KERNEL_VA);
        let no_sum = attempt(Priv::S, "load (sstatus.SUM = 0) from U page", user::load, DATA_VA);
        set_sum(true);
        let sum = attempt(Priv::S, "load (sstatus.SUM = 1) from U page", user::load, DATA_VA);
        set_sum(false);
        set_satp(self.user.satp(0));
        ensure(faulted(user_load, exc::LOAD_PAGE_FAULT, KERNEL_VA), "U-mode should take a load page fault")?;
        ensure(kernel_load == Ok(KERNEL_VALUE), "S-mode should read the page")?;
        ensure(faulted(no_sum, exc::LOAD_PAGE_FAULT, DATA_VA), "S-mode without SUM should fault on a U page")?;
        ensure(sum == Ok(DATA_VALUE), "S-mode with SUM should read the U page")
    }
}

/// Installs `m` in `pt`: 4 KiB leaves, or one leaf at `m.level`.
fn map(pt: &mut PageTable, m: &Mapping) {
    if m.level == 0 {
        pt.map_range(m.va, m.pa, m.len, m.flags);
    } else {
        pt.map(m.va, m.pa, m.level, m.flags);
    }
}

#[no_mangle]
extern "C" fn main() -> u32 {
    trap::init();
    pmp_allow_all();
    println!("mmu-demo: a tour of the Sv39 MMU. M-mode sets up page tables and runs small");
    println!("functions in U- and S-mode; every trap they cause comes back to M-mode.");
    let mut demo = Demo::new();
    set_satp(demo.user.satp(0));
    let scenes: [fn(&mut Demo) -> Scene; 8] = [
        |d| d.show_mappings(),
        |d| d.show_walk(DATA_VA + 8),
        |d| d.use_mappings(),
        |d| d.read_only(),
        |d| d.demand_paging(),
        |d| d.superpage(),
        |d| d.no_execute(),
        |d| d.supervisor_only(),
    ];
    for (n, scene) in (1..).zip(scenes) {
        if let Err(expectation) = scene(&mut demo) {
            println!("\nscene {n} went wrong: {expectation}");
            return n;
        }
    }
    println!("\nAll 8 scenes behaved as the privileged spec says.");
    0
}
