//! Zeroing and copying whole pages, 64 bytes per loop iteration, as Linux's
//! riscv memset and memcpy do for large sizes (arch/riscv/lib/memset.S,
//! memcpy.S). The generic `fill` and `copy_from_slice` run a word per loop
//! iteration: 3 instructions per word zeroed and 5 per word copied, where
//! these take 1.25 and 2.25. Every anonymous page faulted in is zeroed and
//! every copy-on-write fault copies one.

use core::arch::asm;
use sv39_arch::sv39::PAGE_SIZE;

type Page = [u8; PAGE_SIZE as usize];

/// Zeroes `page`.
pub fn clear_page(page: &mut Page) {
    let p = page.as_mut_ptr();
    // SAFETY: the loop stores exactly the page's 4096 bytes, 8-byte aligned
    // (a page is), through the exclusive borrow.
    unsafe {
        asm!(
            "2:",
            "sd zero, 0({p})",
            "sd zero, 8({p})",
            "sd zero, 16({p})",
            "sd zero, 24({p})",
            "sd zero, 32({p})",
            "sd zero, 40({p})",
            "sd zero, 48({p})",
            "sd zero, 56({p})",
            "addi {p}, {p}, 64",
            "bne {p}, {end}, 2b",
            p = inout(reg) p => _,
            end = in(reg) p.add(page.len()),
            options(nostack),
        );
    }
}

/// Copies `src` into `dst`.
pub fn copy_page(dst: &mut Page, src: &Page) {
    let (d, s) = (dst.as_mut_ptr(), src.as_ptr());
    // SAFETY: the loop reads the 4096 bytes of `src` and writes the 4096 of
    // `dst`, both page-aligned, which cannot overlap (one is borrowed
    // exclusively).
    unsafe {
        asm!(
            "2:",
            "ld {a}, 0({s})",
            "ld {b}, 8({s})",
            "ld {c}, 16({s})",
            "ld {e}, 24({s})",
            "ld {f}, 32({s})",
            "ld {g}, 40({s})",
            "ld {h}, 48({s})",
            "ld {i}, 56({s})",
            "sd {a}, 0({d})",
            "sd {b}, 8({d})",
            "sd {c}, 16({d})",
            "sd {e}, 24({d})",
            "sd {f}, 32({d})",
            "sd {g}, 40({d})",
            "sd {h}, 48({d})",
            "sd {i}, 56({d})",
            "addi {s}, {s}, 64",
            "addi {d}, {d}, 64",
            "bne {s}, {end}, 2b",
            d = inout(reg) d => _,
            s = inout(reg) s => _,
            end = in(reg) s.add(src.len()),
            a = out(reg) _,
            b = out(reg) _,
            c = out(reg) _,
            e = out(reg) _,
            f = out(reg) _,
            g = out(reg) _,
            h = out(reg) _,
            i = out(reg) _,
            options(nostack),
        );
    }
}
