#![no_std]
#![no_main]
use core::arch::asm;
use hart_tests::*;
use bare::println;
extern "C" fn load(p: u64) -> u64 { let d: u64; unsafe { asm!("ld {d}, 0({p})", d = out(reg) d, p = in(reg) p) }; d }
extern "C" fn store(p: u64) -> u64 { unsafe { asm!("sd zero, 0({p})", p = in(reg) p) }; 0 }
extern "C" fn jump(p: u64) -> u64 { unsafe { asm!("jalr {p}", p = in(reg) p) }; 0 }
#[no_mangle]
extern "C" fn main() -> u32 {
    setup();
    println!("load 0x90000000 {:x?}", run_in(Priv::M, load, 0x9000_0000));
    println!("store 0x90000000 {:x?}", run_in(Priv::M, store, 0x9000_0000));
    println!("jump 0x90000000 {:x?}", run_in(Priv::M, jump, 0x9000_0000));
    println!("load 0x0 {:x?}", run_in(Priv::M, load, 0x0));
    let t = csrr!("mtvec");
    csrw!("mtvec", t | 3);
    println!("mtvec {:x} after writing {:x}", csrr!("mtvec"), t | 3);
    csrw!("mtvec", t);
    csrw!("pmpaddr1", u64::MAX);
    println!("pmpaddr1 {:x}", csrr!("pmpaddr1"));
    csrw!("menvcfg", u64::MAX);
    println!("menvcfg {:x}", csrr!("menvcfg"));
    csrw!("menvcfg", 0);
    println!("stimecmp {:x}", csrr!("stimecmp"));
    csrw!("mcountinhibit", 0);
    0
}
