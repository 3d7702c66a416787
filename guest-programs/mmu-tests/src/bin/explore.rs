#![no_std]
#![no_main]
use mmu_tests::*;
use bare::println;
use sv39_arch::csr::Priv;
use sv39_arch::pte::*;

fn show(what: &str, r: Result<u64, bare::trap::Trap>) {
    match r { Ok(v) => println!("{what}: ok {v:#x}"), Err(t) => println!("{what}: trap {} tval {:#x} epc {:#x}", t.cause, t.tval, t.epc) }
}
#[unsafe(naked)]
pub extern "C" fn acc_swap(_va: u64) -> u64 { core::arch::naked_asm!("amoswap.d a0, a0, (a0)", "ret") }
#[unsafe(naked)]
pub extern "C" fn acc_amow(_va: u64) -> u64 { core::arch::naked_asm!("amoor.w a0, a0, (a0)", "ret") }

#[no_mangle]
extern "C" fn main() -> u32 {
    let code = code_page(0x8888);
    let mut pt = setup(Priv::S);
    let (rw, ro, xo, inv) = (TEST_VA, TEST_VA + 0x1000, TEST_VA + 0x2000, TEST_VA + 0x3000);
    pt.map(rw, code, 0, S_RW);
    pt.map(ro, code, 0, S_R);
    pt.map(xo, code, 0, S_X);
    pt.set_pte(inv, 0, make_pte(code, PTE_R | PTE_W | PTE_A | PTE_D));
    activate(&pt);
    for (name, va) in [("ro", ro), ("xo", xo), ("inv", inv), ("unmapped", TEST_VA+0x10_0000)] {
        show(name, run_in(Priv::S, acc_amo, va + 8));
        show(name, run_in(Priv::S, acc_swap, va + 8));
        show(name, run_in(Priv::S, acc_amow, va + 8));
        show(name, run_in(Priv::S, acc_lrsc, va + 8));
    }
    0
}
