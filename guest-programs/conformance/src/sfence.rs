//! SFENCE.VMA and what takes effect without it (4.2.1, 4.1.11).
//!
//! [`Remap`]: an S-mode access caches a translation, M-mode changes the page
//! table, runs one fence form (or none), and S accesses again. A fence that
//! covers the change must show the new translation; otherwise "an
//! implementation may use any translation for an address that was valid at any
//! time since the most recent SFENCE.VMA that subsumes that address", so the
//! old and the new are both allowed, and nothing else.
//!
//! [`AsidSwitch`], [`StatusSwitch`]: "changes to satp.ASID take effect
//! immediately", "Changes to the sstatus fields SUM and MXR take effect
//! immediately, without the need to execute an SFENCE.VMA instruction".
//! [`FenceNoTrap`]: "If the value held in rs1 is not a valid virtual address,
//! then the SFENCE.VMA instruction has no effect. No exception is raised".
//!
//! Checks: 10 the first access, 11 the access after the change.

use crate::case::RWX_AD;
use crate::space::{pattern, prepare_hart};
use crate::Scenario;
use bare::access::{write64, Access};
use bare::check::{expect_ok, fail, Hex, Outcome, Shown};
use bare::paging::{alloc_page, alloc_pages_aligned, identity_map_image, satp, set_satp, write_satp};
use bare::paging::{sfence_vma, sfence_vma_addr, sfence_vma_all, sfence_vma_asid, PageTable, S_RWX, TEST_VA};
use bare::trap::{run_in, Trap};
use core::arch::naked_asm;
use sv39_arch::csr::{mstatus, satp as satp_f, Priv};
use sv39_arch::pte::{make_pte, PTE_A, PTE_D, PTE_G, PTE_U, PTE_V, PTE_W, PTE_X};
use sv39_arch::sv39::level_size;

/// The ASID the remap cases run in.
const ASID: u64 = 1;

/// What changes in the page table between the two accesses.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    /// The leaf points at another physical page (loads).
    Leaf,
    /// The leaf's V is cleared (loads: new = page fault).
    Invalidate,
    /// A read-only leaf becomes writable (stores: old = page fault).
    Upgrade,
    /// An invalid leaf becomes valid (loads: old = page fault).
    Validate,
    /// The level-1 pointer moves to another table mapping another page (loads).
    Pointer,
}

/// The fence run after the change.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Fence {
    None,
    /// `sfence.vma x0, x0`
    All,
    /// `sfence.vma va, x0`
    Va,
    /// `sfence.vma x0, asid`
    Asid,
    /// `sfence.vma va, asid`
    VaAsid,
    /// `sfence.vma x0, other asid`
    OtherAsid,
    /// `sfence.vma other va, x0`: a VA in another gigabyte.
    OtherVa,
    /// `sfence.vma va2, x0`: another VA inside the same 2 MiB leaf.
    VaInside,
}

/// Map, access, change, fence, access again.
pub struct Remap {
    /// The leaf's level (0 or 1).
    pub level: usize,
    /// The leaf is global (G = 1).
    pub global: bool,
    pub change: Change,
    pub fence: Fence,
    /// The fence covers the change: only the new translation is allowed.
    pub covers: bool,
}

impl Remap {
    fn leaf_flags(&self) -> u64 {
        let g = if self.global { PTE_G } else { 0 };
        (RWX_AD & !PTE_X) | g
    }

    /// The PTE before the change, and after it.
    fn ptes(&self, old: u64, new: u64) -> (u64, u64) {
        let flags = self.leaf_flags();
        match self.change {
            Change::Leaf | Change::Pointer => (make_pte(old, flags), make_pte(new, flags)),
            Change::Invalidate => (make_pte(old, flags), make_pte(old, flags & !PTE_V)),
            Change::Upgrade => (make_pte(old, flags & !PTE_W), make_pte(old, flags)),
            Change::Validate => (make_pte(old, flags & !PTE_V), make_pte(old, flags)),
        }
    }

    fn fence(&self, va: u64) {
        match self.fence {
            Fence::None => {}
            Fence::All => sfence_vma_all(),
            Fence::Va => sfence_vma_addr(va),
            Fence::Asid => sfence_vma_asid(ASID),
            Fence::VaAsid => sfence_vma(va, ASID),
            Fence::OtherAsid => sfence_vma_asid(ASID + 1),
            Fence::OtherVa => sfence_vma_addr(va + level_size(2)),
            Fence::VaInside => sfence_vma_addr((va & !(level_size(1) - 1)) + 0x1a_5000),
        }
    }
}

/// A page (or 2 MiB region) whose accessed doubleword holds its pattern.
fn backing(level: usize, offset: u64) -> u64 {
    let pa = if level == 0 { alloc_page() } else { alloc_pages_aligned(512, level_size(1)) };
    write64(pa + offset, pattern(pa + offset));
    pa
}

/// What an access may see: the old translation's result and the new one's.
struct Seen {
    old: Result<u64, Trap>,
    new: Result<u64, Trap>,
}

impl Remap {
    /// The access after the change (stores for an upgrade, else loads).
    fn access(&self) -> Access {
        if self.change == Change::Upgrade {
            Access::Store
        } else {
            Access::Load
        }
    }

    /// What the access at `va` sees through the old and the new PTE, for
    /// pages `old` and `new` whose doubleword at `va` holds their pattern.
    fn seen(&self, va: u64, old: u64, new: u64) -> Seen {
        let access = self.access();
        let loaded = |page: u64| Ok(pattern(page + (va - TEST_VA)));
        let fault = Err(Trap { cause: access.page_fault(), tval: va, epc: access.epc(va) });
        let (old, new) = match self.change {
            Change::Leaf | Change::Pointer => (loaded(old), loaded(new)),
            Change::Invalidate => (loaded(old), fault),
            Change::Upgrade => (fault, Ok(0)),
            Change::Validate => (fault, loaded(old)),
        };
        Seen { old, new }
    }

    /// Writes the PTE after the change (for a pointer change: a new level-0
    /// table holding it, linked from the level-1 entry).
    fn apply(&self, pt: &mut PageTable, after: u64) {
        if self.change == Change::Pointer {
            let mut other = PageTable::new();
            other.set_pte(TEST_VA, 0, after);
            pt.set_pte(TEST_VA, 1, other.pte(TEST_VA, 1));
        } else {
            pt.set_pte(TEST_VA, self.level, after);
        }
    }
}

impl Scenario for Remap {
    fn run(&self) -> Outcome {
        prepare_hart();
        let mut pt = PageTable::new();
        identity_map_image(&mut pt, S_RWX);
        let offset = if self.level == 0 { 0x800 } else { 0x12_3800 };
        let (old, new) = (backing(self.level, offset), backing(self.level, offset));
        let va = TEST_VA + offset;
        let (before, after) = self.ptes(old, new);
        pt.set_pte(TEST_VA, self.level, before);
        set_satp(pt.satp(ASID as u16));
        let seen = self.seen(va, old, new);
        // An upgrade's first access is a load (the store would fault).
        let (first, first_seen) = match self.change {
            Change::Upgrade => (Access::Load, Ok(pattern(old + offset))),
            _ => (self.access(), seen.old),
        };
        let r = first.run(Priv::S, va);
        if r != first_seen {
            write_satp(0);
            return Err(fail(10, "access before the change", Shown(first_seen), Shown(r)));
        }
        self.apply(&mut pt, after);
        self.fence(va);
        let r = self.access().run(Priv::S, va);
        write_satp(0);
        match (r == seen.new || (!self.covers && r == seen.old), self.covers) {
            (true, _) => Ok(()),
            (false, true) => Err(fail(11, "access after the fence", Shown(seen.new), Shown(r))),
            (false, false) => {
                Err(fail(11, "access after the change: the new translation, or", Shown(seen.old), Shown(r)))
            }
        }
    }
}

/// Two address spaces, ASIDs 1 and 2, map `TEST_VA` to different pages; after
/// one fence, switching `satp` alone selects the right one, three times over.
pub struct AsidSwitch;

impl Scenario for AsidSwitch {
    fn run(&self) -> Outcome {
        prepare_hart();
        let bits = asid_bits();
        let spaces: [(PageTable, u64, u64); 2] = core::array::from_fn(|i| {
            let mut pt = PageTable::new();
            identity_map_image(&mut pt, S_RWX);
            let page = backing(0, 0x800);
            pt.set_pte(TEST_VA, 0, make_pte(page, RWX_AD));
            (pt, 1 + i as u64, pattern(page + 0x800))
        });
        sfence_vma_all();
        // Without two distinct ASIDs (ASIDLEN < 2) the spaces would share one:
        // then a fence must follow each switch, as for ASID reuse.
        let distinct = bits >= 2;
        for round in 0..3 {
            for (pt, asid, value) in &spaces {
                write_satp(pt.satp(*asid as u16));
                if !distinct {
                    sfence_vma_all();
                }
                let got = expect_ok(10, Access::Load.run(Priv::S, TEST_VA + 0x800), "load after the satp switch")?;
                if got != *value {
                    write_satp(0);
                    return Err(fail(11 + round, "value through the new ASID", Hex(*value), Hex(got)));
                }
            }
        }
        write_satp(0);
        Ok(())
    }
}

/// The number of implemented ASID bits (4.1.11: write ones, read back).
pub fn asid_bits() -> u32 {
    let old = satp();
    write_satp(satp_f::sv39(0xffff, alloc_page() >> 12));
    let asid = (satp() & satp_f::ASID) >> satp_f::ASID_SHIFT;
    write_satp(old);
    64 - asid.leading_zeros()
}

/// An `mstatus` bit (SUM or MXR) changes between two S-mode loads with no
/// fence: the second load sees the new setting. `set`: 0 -> 1 (fault, then
/// success), else 1 -> 0 (success, then fault).
pub struct StatusSwitch {
    pub bit: u64,
    pub set: bool,
}

impl Scenario for StatusSwitch {
    fn run(&self) -> Outcome {
        prepare_hart();
        let mut pt = PageTable::new();
        identity_map_image(&mut pt, S_RWX);
        let page = backing(0, 0x800);
        // SUM opens a user page to S; MXR an execute-only page to loads.
        let flags = if self.bit == mstatus::SUM { RWX_AD | PTE_U } else { PTE_V | PTE_X | PTE_A | PTE_D };
        pt.set_pte(TEST_VA, 0, make_pte(page, flags));
        set_satp(pt.satp(0));
        let va = TEST_VA + 0x800;
        let ok = Ok(pattern(page + 0x800));
        let fault = Err(Trap { cause: Access::Load.page_fault(), tval: va, epc: Access::Load.epc(va) });
        let (want1, want2) = if self.set { (fault, ok) } else { (ok, fault) };
        set_status(self.bit, !self.set);
        let got1 = Access::Load.run(Priv::S, va);
        set_status(self.bit, self.set);
        let got2 = Access::Load.run(Priv::S, va);
        bare::mstatus_clear(self.bit);
        write_satp(0);
        if got1 != want1 {
            return Err(fail(10, "load before the change", Shown(want1), Shown(got1)));
        }
        if got2 != want2 {
            return Err(fail(11, "load right after the change", Shown(want2), Shown(got2)));
        }
        Ok(())
    }
}

fn set_status(bit: u64, on: bool) {
    if on {
        bare::mstatus_set(bit)
    } else {
        bare::mstatus_clear(bit)
    }
}

/// S-mode `sfence.vma a0, zero`; returns 0.
#[unsafe(naked)]
extern "C" fn s_sfence_va(_va: u64) -> u64 {
    naked_asm!("sfence.vma a0, zero", "li a0, 0", "ret")
}

/// S-mode `sfence.vma` with a non-canonical `rs1` completes without a trap.
pub struct FenceNoTrap(pub u64);

impl Scenario for FenceNoTrap {
    fn run(&self) -> Outcome {
        prepare_hart();
        let mut pt = PageTable::new();
        identity_map_image(&mut pt, S_RWX);
        set_satp(pt.satp(0));
        let r = run_in(Priv::S, s_sfence_va, self.0);
        write_satp(0);
        if r != Ok(0) {
            return Err(fail(10, "sfence.vma with an invalid address", Shown(Ok(0)), Shown(r)));
        }
        Ok(())
    }
}
