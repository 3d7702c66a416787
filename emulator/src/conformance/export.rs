//! `sv39 conformance --export DIR`: the case ELFs, and a README saying how to
//! run them on any RISC-V implementation and how each reports its result.

use super::cases::Case;
use crate::mmu::walk::AdPolicy;
use std::fmt::Write;
use std::path::Path;

/// Writes `DIR/<case>.elf` for every case and `DIR/README.md`.
pub fn write(dir: &Path, cases: &[Case]) -> Result<(), String> {
    let fail = |e: std::io::Error| format!("{}: {e}", dir.display());
    std::fs::create_dir_all(dir).map_err(fail)?;
    for case in cases {
        std::fs::write(dir.join(format!("{}.elf", case.name)), case.elf).map_err(fail)?;
    }
    std::fs::write(dir.join("README.md"), readme(cases)).map_err(fail)
}

/// The README: protocol, A/D schemes, known QEMU 7.2 differences, the cases.
pub fn readme(cases: &[Case]) -> String {
    let mut s = String::from(INTRO);
    let _ = writeln!(s, "\n## The cases ({})\n", cases.len());
    let _ = writeln!(s, "| case | rule (privileged spec 1.12 section) | A/D scheme | QEMU 7.2 |");
    let _ = writeln!(s, "|---|---|---|---|");
    for case in cases {
        let scheme = case.needs().map_or("either", |ad| match ad {
            AdPolicy::Update => "hardware update",
            AdPolicy::Fault => "page fault (Svade)",
        });
        let qemu = if case.qemu_passes() {
            "passes"
        } else if case.qemu_bug() {
            "fails: QEMU bug"
        } else {
            "fails: no Svade"
        };
        let _ = writeln!(s, "| `{}` | {} | {scheme} | {qemu} |", case.name, case.rule());
    }
    s
}

const INTRO: &str = r#"# An Sv39 MMU conformance suite

Each `*.elf` here is one self-checking bare-metal test of one rule of Sv39
address translation and protection (RISC-V privileged specification 1.12,
chapter 4, with MPRV/SUM/MXR of 3.1.6.3, TVM of 3.1.6.5 and PMP of 3.7). A
case builds its own page tables, provokes one behaviour from S-mode, U-mode
or M-mode with MPRV, and checks the trap cause, trap value and trap PC, the
value returned, memory and the PTEs against what the specification allows.
Further cases check the CSRs and PMP rules firmware relies on: the counters
and their enables (`hpm_*`, `counteren_*`, `mcountinhibit_*`), `mconfigptr`,
`menvcfg`/`senvcfg` (`envcfg_*`), Sstc's `stimecmp` and STIP (`sstc_*`), and
PMP address matching, priority and locking (`pmp_*`, `pmpcfg_*`).
Where the specification leaves a choice (misaligned accesses, the priority
of a misaligned exception, stale translations without SFENCE.VMA, optional
Sv48/Sv57, ASID width) the case accepts every allowed outcome. Each case's
source in the sv39 repository (`guest-programs/conformance/src/bin/<case>.rs`)
quotes the specification text it checks.

## What a case needs

- An RV64IMAC hart with M, S and U modes, Sv39, and PMP (the case programs
  `pmpaddr0-3` and `pmpcfg0` itself; the `pmp_*` cases use NA4 regions, so a
  grain of 4 bytes, and may lock entries until reset), Zicntr, Sstc, and no
  Svpbmt, Zicbom or Zicboz (the `envcfg_*` cases check their fields read 0).
- RAM at physical 0x8000_0000 (a case uses a few MiB of the first 128 MiB).
  The ELF is linked and loaded there; execution starts at its entry point,
  0x8000_0000, in M-mode (other harts park in WFI).
- No firmware: the case owns the machine (no SBI; `-bios none` on QEMU).
- Optional: an NS16550A UART at 0x1000_0000 for the console.

## How a case reports

- Pass: it writes 1 to `tohost` (HTIF: `(status << 1) | 1`), then 0x5555 to
  the SiFive test finisher at 0x0010_0000.
- Failure of check N: `tohost` = `(N << 1) | 1`, then `(N << 16) | 0x3333` to
  the finisher. `tohost` and `fromhost` are symbols in each ELF's symbol
  table (HTIF hosts such as Spike find the mailbox there and stop at the
  `tohost` write, before the finisher store).
- The console shows `<case>: <rule>` and, on failure, one line
  `check N failed: <what>: expected X, got Y` before `<case>: FAIL (check N)`.
- The rule is also stored in each ELF's (non-loaded) section
  `.conformance.rule`.

Check numbers of the access cases: 1 completed or trapped, 2 cause
(`mcause`, or `scause` when delegated), 3 trap value, 4 trap PC, 5 the mode
that took the trap, 6 the value returned, 7 memory at the address, 8 the
leaf PTE, 9 the pointer PTEs, 10 an access that first caches the
translation. Cases about satp, SFENCE.VMA, TVM, the permission matrix, CSRs
and PMP number their checks from 10. Exit statuses above 250 come from the support
code: 254 an unexpected trap, 255 a panic.

## Running them

QEMU (`virt` board):

    for f in *.elf; do
        qemu-system-riscv64 -M virt -bios none -m 128M -nographic -kernel "$f" >/dev/null
        echo "$f: $?"
    done

sv39: `sv39 boot --ad update CASE.elf` (or `--ad fault`), or
`sv39 conformance [--ad update|fault] [--filter PATTERN] [--qemu]`, which
runs the embedded copy of this suite in parallel.

Other implementations (RTL simulators, emulators): load the ELF at its
physical addresses, start hart 0 at the entry point in M-mode and watch for
the `tohost` write or the finisher store.

## A/D schemes

The specification allows two ways of keeping the PTE A and D bits (4.3.1):
raising a page fault when A is clear or a store finds D clear (Svade), or
setting them in hardware. Cases named `adfault_*` expect the page fault;
`adhw_*` expect the hardware update; all other cases preset A and D or
accept both, and pass under either scheme.

## Known QEMU 7.2 differences

Cases named `qemubug_*` check rules QEMU 7.2 breaks; each case's source
quotes the text that decides. QEMU 7.2 performs an AMO as a load then a
store, so an AMO on an unreadable or unmapped page raises a load page fault
(13) instead of a store/AMO page fault (15), a misaligned AMO a load
address-misaligned exception (4) instead of 6, and PMP denying an AMO a load
access fault; a misaligned SC without a reservation does not trap; a PTE
read from an address with no memory gives a page fault instead of an access
fault; and A/D updates ignore PMP (a read-only page table still gets A and D
written). QEMU 7.2 has no Svade, so `adfault_*` cases fail there too.
"#;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_lists_every_case_with_its_rule() {
        let cases = super::super::cases::all();
        let text = readme(&cases);
        for c in &cases {
            assert!(text.contains(&format!("| `{}` | {} |", c.name, c.rule())), "{} missing", c.name);
        }
        assert!(text.contains("0x0010_0000") && text.contains("tohost"));
    }
}
