#![no_std]
#![no_main]
use core::arch::asm;
use hart_tests::*;
use bare::println;
static mut CELL: [u64; 4] = [0; 4];
extern "C" fn amo_d(p: u64) -> u64 { let d: u64; unsafe { asm!("amoswap.d {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 1u64, p = in(reg) p) }; d }
extern "C" fn lr_w(p: u64) -> u64 { let d: u64; unsafe { asm!("lr.w {d}, ({p})", d = out(reg) d, p = in(reg) p) }; d }
extern "C" fn sc_w(p: u64) -> u64 { let d: u64; unsafe { asm!("sc.w {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 1u64, p = in(reg) p) }; d }
extern "C" fn lr_sc_d(p: u64) -> u64 { let d: u64; unsafe { asm!("lr.w {d}, ({p})", "sc.d {d}, {v}, ({p})", d = out(reg) d, v = in(reg) 1u64, p = in(reg) p) }; d }
extern "C" fn ebreak(_: u64) -> u64 { unsafe { asm!("ebreak") }; 0 }
extern "C" fn cebreak(_: u64) -> u64 { unsafe { asm!("c.ebreak") }; 0 }
#[no_mangle]
extern "C" fn main() -> u32 {
    setup();
    let b = &raw mut CELL as u64;
    println!("amo.d+4 M {:x?}", run_in(Priv::M, amo_d, b + 4));
    println!("lr.w+2 M {:x?}", run_in(Priv::M, lr_w, b + 2));
    println!("sc.w+2 M {:x?}", run_in(Priv::M, sc_w, b + 2));
    println!("lr.w/sc.d+4 M {:x?}", run_in(Priv::M, lr_sc_d, b + 4));
    println!("ebreak {:x?}", run_in(Priv::M, ebreak, 0));
    println!("c.ebreak {:x?}", run_in(Priv::U, cebreak, 0));
    let ms = csrr!("mstatus");
    csrw!("mstatus", (ms & !mstatus::MPP) | (2 << 11));
    println!("mpp=2 -> {:x}", csrr!("mstatus"));
    csrw!("mstatus", ms);
    println!("misa {:x} mstatus {:x} medeleg {:x} mideleg {:x}", csrr!("misa"), csrr!("mstatus"), csrr!("medeleg"), csrr!("mideleg"));
    csrw!("medeleg", u64::MAX); csrw!("mideleg", u64::MAX);
    println!("medeleg {:x} mideleg {:x} menvcfg {:x}", csrr!("medeleg"), csrr!("mideleg"), csrr!("menvcfg"));
    csrw!("mip", u64::MAX);
    println!("mip {:x}", csrr!("mip"));
    csrw!("mip", 0);
    0
}
