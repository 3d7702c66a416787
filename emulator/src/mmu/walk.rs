//! The Sv39 page walk: privileged spec 4.3.2 "Virtual Address Translation
//! Process", applied to Sv39 (4.4.1: LEVELS = 3, PTESIZE = 8), one loop over
//! levels with the steps named in comments, and one function that checks a
//! leaf's permissions.

use super::pmp::Pmp;
use crate::hart::exception::Access;
use sv39_arch::csr::Priv;
use sv39_arch::pte::*;
use sv39_arch::sv39::{vpn_index, LEVELS, PAGE_SHIFT, PTE_SIZE};

/// Physical memory as the walker sees it: `None` is a bus error.
pub trait PhysMem {
    fn read_pte(&mut self, pa: u64) -> Option<u64>;
    fn write_pte(&mut self, pa: u64, pte: u64) -> Option<()>;
}

/// How the A and D bits are kept (privileged spec 4.3.1, Svade).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum AdPolicy {
    /// The hart sets A, and D on a store, in memory (as QEMU 7.2 does).
    #[default]
    Update,
    /// A page fault when A = 0, or D = 0 on a store (Svade; Spike, RVA profiles).
    Fault,
}

/// What the walk is translating for.
#[derive(Clone, Copy, Debug)]
pub struct WalkRequest {
    pub root_ppn: u64,
    pub access: Access,
    /// The effective privilege: S or U.
    pub prv: Priv,
    pub sum: bool,
    pub mxr: bool,
    pub ad: AdPolicy,
    /// Whether the walk may write A/D (false for `--strict-tlb` re-checks).
    pub update_ad: bool,
}

/// Why a walk failed, in the spec's terms.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum WalkFault {
    /// Step 3: V = 0.
    Invalid,
    /// Step 3: R = 0 and W = 1.
    WriteWithoutRead,
    /// Step 3: bits 63:54 set (no Svnapot, no Svpbmt).
    ReservedBits,
    /// Step 3: a pointer PTE with A, D or U set ("for non-leaf PTEs, the D, A,
    /// and U bits are reserved for future standard use", 4.3.1).
    PointerReservedBits,
    /// Step 4: a pointer PTE at level 0.
    NoLeaf,
    /// Step 5: R/W/X does not allow the access (MXR considered).
    Permission,
    /// Step 5: U-mode access to a page without U.
    SupervisorPage,
    /// Step 5: S-mode access to a U page (fetch, or SUM = 0).
    UserPage,
    /// Step 6: a superpage whose low PPN fields are not zero.
    MisalignedSuperpage,
    /// Step 7 under Svade: A = 0, or D = 0 on a store.
    AccessedDirtyClear,
    /// Step 2: PMP forbids reading the PTE (an access fault).
    PmpPte,
    /// Step 7: PMP forbids writing the A/D update (an access fault).
    PmpAdUpdate,
    /// The PTE address is not memory (an access fault).
    BusError,
}

impl WalkFault {
    /// Whether the fault is an access fault rather than a page fault.
    pub fn is_access_fault(self) -> bool {
        matches!(self, WalkFault::PmpPte | WalkFault::PmpAdUpdate | WalkFault::BusError)
    }

    pub fn describe(self) -> &'static str {
        match self {
            WalkFault::Invalid => "invalid PTE (V=0)",
            WalkFault::WriteWithoutRead => "reserved PTE encoding (W=1, R=0)",
            WalkFault::ReservedBits => "reserved PTE bits 63:54 set",
            WalkFault::PointerReservedBits => "pointer PTE with A, D or U set",
            WalkFault::NoLeaf => "pointer PTE at level 0",
            WalkFault::Permission => "permission denied by R/W/X",
            WalkFault::SupervisorPage => "U-mode access to a supervisor page",
            WalkFault::UserPage => "S-mode access to a user page (SUM=0 or fetch)",
            WalkFault::MisalignedSuperpage => "misaligned superpage",
            WalkFault::AccessedDirtyClear => "A or D clear (Svade)",
            WalkFault::PmpPte => "PMP denies reading the PTE",
            WalkFault::PmpAdUpdate => "PMP denies the A/D update",
            WalkFault::BusError => "PTE address is not memory",
        }
    }
}

/// The leaf a walk found.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Leaf {
    pub pa: u64,
    /// The PTE as left in memory (after any A/D update).
    pub pte: u64,
    pub pte_addr: u64,
    pub level: usize,
}

/// Every PTE read, for traces: (level, PTE address, PTE value).
#[derive(Clone, Copy, Debug, Default)]
pub struct WalkSteps {
    pub steps: [(u8, u64, u64); LEVELS],
    pub len: usize,
}

/// Translates canonical `va` per spec 4.3.2.
pub fn walk(
    mem: &mut impl PhysMem,
    pmp: &Pmp,
    va: u64,
    req: &WalkRequest,
    trace: &mut WalkSteps,
) -> Result<Leaf, WalkFault> {
    // Step 1: a = satp.ppn × PAGESIZE, i = LEVELS − 1.
    let mut a = req.root_ppn << PAGE_SHIFT;
    let mut level = LEVELS - 1;
    loop {
        // Step 2: pte = mem[a + va.vpn[i] × PTESIZE], PMP-checked as an S-mode read.
        let pte_addr = a + vpn_index(va, level) as u64 * PTE_SIZE;
        if !pmp.allows(pte_addr, PTE_SIZE, Access::Load, Priv::S) {
            return Err(WalkFault::PmpPte);
        }
        let pte = mem.read_pte(pte_addr).ok_or(WalkFault::BusError)?;
        trace.steps[trace.len] = (level as u8, pte_addr, pte);
        trace.len += 1;
        // Steps 3 and 4: a pointer to the next level, or a leaf.
        if classify(pte, level)? == PteKind::Pointer {
            level -= 1;
            a = pte_ppn(pte) << PAGE_SHIFT;
            continue;
        }
        // Step 5: the leaf's permissions.
        check_leaf(pte, req)?;
        // Step 6: a superpage must be aligned.
        if misaligned_superpage(pte, level) {
            return Err(WalkFault::MisalignedSuperpage);
        }
        // Step 7: the A and D bits.
        let pte = update_ad(mem, pmp, pte, pte_addr, req)?;
        // Step 8: pa.ppn[LEVELS−1:i] = pte.ppn[LEVELS−1:i], the rest from va.
        let page_mask = (1u64 << (PAGE_SHIFT + 9 * level as u32)) - 1;
        let pa = (pte_ppn(pte) << PAGE_SHIFT) & !page_mask | va & page_mask;
        return Ok(Leaf { pa, pte, pte_addr, level });
    }
}

/// What a valid PTE is (step 4 of the walk).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum PteKind {
    /// A pointer to the next level's table.
    Pointer,
    Leaf,
}

/// Steps 3 and 4 of the walk for `pte`, read at `level`: a pointer or a
/// leaf, or the fault that stops the walk there (permissions not checked).
pub fn classify(pte: u64, level: usize) -> Result<PteKind, WalkFault> {
    // Step 3: invalid or reserved encodings.
    if pte & PTE_V == 0 {
        return Err(WalkFault::Invalid);
    }
    if pte & PTE_R == 0 && pte & PTE_W != 0 {
        return Err(WalkFault::WriteWithoutRead);
    }
    if pte & PTE_RESERVED != 0 {
        return Err(WalkFault::ReservedBits);
    }
    // Step 4: R = W = X = 0 is a pointer, which may not carry A, D or U.
    if is_leaf(pte) {
        return Ok(PteKind::Leaf);
    }
    if pte & (PTE_A | PTE_D | PTE_U) != 0 {
        return Err(WalkFault::PointerReservedBits);
    }
    if level == 0 {
        return Err(WalkFault::NoLeaf);
    }
    Ok(PteKind::Pointer)
}

/// Step 6: a leaf at `level` > 0 whose low PPN fields are not zero.
pub fn misaligned_superpage(pte: u64, level: usize) -> bool {
    let low_ppn_mask = (1u64 << (9 * level)) - 1;
    pte_ppn(pte) & low_ppn_mask != 0
}

/// Step 5 of the walk: may this access use this leaf? (privileged spec 4.3.1
/// for R/W/X and MXR; 4.1.1.2 for U and SUM: S-mode never executes U pages).
pub fn check_leaf(pte: u64, req: &WalkRequest) -> Result<(), WalkFault> {
    let user_page = pte & PTE_U != 0;
    match req.prv {
        Priv::U if !user_page => return Err(WalkFault::SupervisorPage),
        Priv::S if user_page && (req.access == Access::Fetch || !req.sum) => {
            return Err(WalkFault::UserPage)
        }
        _ => {}
    }
    let allowed = match req.access {
        Access::Fetch => pte & PTE_X != 0,
        Access::Load => pte & PTE_R != 0 || (req.mxr && pte & PTE_X != 0),
        Access::Store => pte & PTE_W != 0,
    };
    if allowed { Ok(()) } else { Err(WalkFault::Permission) }
}

/// Step 7: under Svade, fault when A (or D for a store) is clear; otherwise set
/// them in memory. Harts run interleaved on one host thread, so this
/// read-modify-write is atomic with respect to every other hart's accesses.
fn update_ad(
    mem: &mut impl PhysMem,
    pmp: &Pmp,
    pte: u64,
    pte_addr: u64,
    req: &WalkRequest,
) -> Result<u64, WalkFault> {
    let needed = if req.access == Access::Store { PTE_A | PTE_D } else { PTE_A };
    if pte & needed == needed {
        return Ok(pte);
    }
    if req.ad == AdPolicy::Fault {
        return Err(WalkFault::AccessedDirtyClear);
    }
    if !req.update_ad {
        return Ok(pte | needed);
    }
    if !pmp.allows(pte_addr, PTE_SIZE, Access::Store, Priv::S) {
        return Err(WalkFault::PmpAdUpdate);
    }
    mem.write_pte(pte_addr, pte | needed).ok_or(WalkFault::BusError)?;
    Ok(pte | needed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    /// Host-side physical memory holding page tables.
    #[derive(Default)]
    struct Mem(HashMap<u64, u64>);

    impl PhysMem for Mem {
        fn read_pte(&mut self, pa: u64) -> Option<u64> {
            (pa >= 0x8000_0000).then(|| *self.0.get(&pa).unwrap_or(&0))
        }
        fn write_pte(&mut self, pa: u64, pte: u64) -> Option<()> {
            self.0.insert(pa, pte);
            Some(())
        }
    }

    const ROOT: u64 = 0x8010_0000;
    const L1: u64 = 0x8010_1000;
    const L0: u64 = 0x8010_2000;

    fn pmp_all() -> Pmp {
        let mut p = Pmp::default();
        p.write_addr(0, u64::MAX);
        p.write_cfg(0, 0x1f);
        p
    }

    fn req(access: Access, prv: Priv) -> WalkRequest {
        WalkRequest { root_ppn: ROOT >> 12, access, prv, sum: false, mxr: false, ad: AdPolicy::Update, update_ad: true }
    }

    /// Tables mapping va 0x4000_1000 (vpn2=1, vpn1=0, vpn0=1) with `leaf` flags to 0x8020_0000.
    fn tables(leaf: u64) -> Mem {
        let mut m = Mem::default();
        m.0.insert(ROOT + 8, make_pte(L1, PTE_V));
        m.0.insert(L1, make_pte(L0, PTE_V));
        m.0.insert(L0 + 8, make_pte(0x8020_0000, leaf));
        m
    }

    const VA: u64 = 0x4000_1234;

    fn run(m: &mut Mem, r: &WalkRequest) -> Result<Leaf, WalkFault> {
        walk(m, &pmp_all(), VA, r, &mut WalkSteps::default())
    }

    #[test]
    fn four_kib_leaf_translates_and_sets_a() {
        let mut m = tables(PTE_V | PTE_R | PTE_W);
        let leaf = run(&mut m, &req(Access::Load, Priv::S)).unwrap();
        assert_eq!(leaf.pa, 0x8020_0234);
        assert_eq!(leaf.level, 0);
        assert_eq!(m.0[&(L0 + 8)] & (PTE_A | PTE_D), PTE_A, "load sets A only");
        run(&mut m, &req(Access::Store, Priv::S)).unwrap();
        assert_eq!(m.0[&(L0 + 8)] & (PTE_A | PTE_D), PTE_A | PTE_D, "store sets A and D");
    }

    #[test]
    fn step3_invalid_encodings() {
        assert_eq!(run(&mut tables(PTE_R), &req(Access::Load, Priv::S)), Err(WalkFault::Invalid));
        assert_eq!(run(&mut tables(PTE_V | PTE_W), &req(Access::Load, Priv::S)), Err(WalkFault::WriteWithoutRead));
        assert_eq!(run(&mut tables(PTE_V | PTE_R | 1 << 54), &req(Access::Load, Priv::S)), Err(WalkFault::ReservedBits));
        assert_eq!(run(&mut tables(PTE_V | PTE_R | 1 << 63), &req(Access::Load, Priv::S)), Err(WalkFault::ReservedBits));
        assert!(run(&mut tables(PTE_V | PTE_R | PTE_RSW), &req(Access::Load, Priv::S)).is_ok(), "RSW is ignored");
        for bit in [PTE_A, PTE_D, PTE_U] {
            let mut m = tables(PTE_V | PTE_R);
            m.0.insert(L1, make_pte(L0, PTE_V | bit));
            assert_eq!(run(&mut m, &req(Access::Load, Priv::S)), Err(WalkFault::PointerReservedBits));
        }
    }

    #[test]
    fn step4_pointer_at_level0_faults() {
        let mut m = tables(PTE_V);
        assert_eq!(run(&mut m, &req(Access::Load, Priv::S)), Err(WalkFault::NoLeaf));
    }

    #[test]
    fn step5_permissions() {
        let rx = PTE_V | PTE_R | PTE_X;
        assert_eq!(run(&mut tables(rx), &req(Access::Store, Priv::S)), Err(WalkFault::Permission));
        let xo = PTE_V | PTE_X;
        assert_eq!(run(&mut tables(xo), &req(Access::Load, Priv::S)), Err(WalkFault::Permission));
        let mxr = WalkRequest { mxr: true, ..req(Access::Load, Priv::S) };
        assert!(run(&mut tables(xo), &mxr).is_ok(), "MXR makes X pages readable");
        let u = PTE_V | PTE_R | PTE_W | PTE_X | PTE_U;
        assert_eq!(run(&mut tables(u), &req(Access::Load, Priv::S)), Err(WalkFault::UserPage));
        let sum = WalkRequest { sum: true, ..req(Access::Load, Priv::S) };
        assert!(run(&mut tables(u), &sum).is_ok(), "SUM opens U pages to S loads");
        let sum_fetch = WalkRequest { sum: true, ..req(Access::Fetch, Priv::S) };
        assert_eq!(run(&mut tables(u), &sum_fetch), Err(WalkFault::UserPage), "never S fetch from U");
        assert_eq!(run(&mut tables(rx), &req(Access::Fetch, Priv::U)), Err(WalkFault::SupervisorPage));
        assert!(run(&mut tables(u), &req(Access::Fetch, Priv::U)).is_ok());
    }

    #[test]
    fn superpages_and_misalignment() {
        let mut m = Mem::default();
        // 2 MiB leaf at level 1 for vpn2=1, vpn1=0.
        m.0.insert(ROOT + 8, make_pte(L1, PTE_V));
        m.0.insert(L1, make_pte(0x8040_0000, PTE_V | PTE_R));
        let leaf = run(&mut m, &req(Access::Load, Priv::S)).unwrap();
        assert_eq!((leaf.pa, leaf.level), (0x8040_1234, 1));
        m.0.insert(L1, make_pte(0x8040_1000, PTE_V | PTE_R));
        assert_eq!(run(&mut m, &req(Access::Load, Priv::S)), Err(WalkFault::MisalignedSuperpage));
        // 1 GiB leaf at level 2: PPN[1] must be zero too.
        m.0.insert(ROOT + 8, make_pte(0x8000_0000, PTE_V | PTE_R));
        assert_eq!(run(&mut m, &req(Access::Load, Priv::S)).unwrap().pa, 0x8000_1234);
        m.0.insert(ROOT + 8, make_pte(0x8020_0000, PTE_V | PTE_R));
        assert_eq!(run(&mut m, &req(Access::Load, Priv::S)), Err(WalkFault::MisalignedSuperpage));
    }

    #[test]
    fn svade_faults_and_never_writes() {
        let svade = |a| WalkRequest { ad: AdPolicy::Fault, ..req(a, Priv::S) };
        let mut m = tables(PTE_V | PTE_R | PTE_W);
        assert_eq!(run(&mut m, &svade(Access::Load)), Err(WalkFault::AccessedDirtyClear));
        m.0.insert(L0 + 8, make_pte(0x8020_0000, PTE_V | PTE_R | PTE_W | PTE_A));
        assert!(run(&mut m, &svade(Access::Load)).is_ok());
        assert_eq!(run(&mut m, &svade(Access::Store)), Err(WalkFault::AccessedDirtyClear));
        assert_eq!(m.0[&(L0 + 8)] & PTE_D, 0);
    }

    #[test]
    fn faulting_store_never_sets_d() {
        let mut m = tables(PTE_V | PTE_R);
        assert_eq!(run(&mut m, &req(Access::Store, Priv::S)), Err(WalkFault::Permission));
        assert_eq!(m.0[&(L0 + 8)] & (PTE_A | PTE_D), 0);
    }

    #[test]
    fn pmp_on_pte_read_is_an_access_fault() {
        let mut m = tables(PTE_V | PTE_R);
        let none = Pmp::default(); // entries exist, none match: S denied
        let r = walk(&mut m, &none, VA, &req(Access::Load, Priv::S), &mut WalkSteps::default());
        assert_eq!(r, Err(WalkFault::PmpPte));
        assert!(WalkFault::PmpPte.is_access_fault());
    }

    #[test]
    fn steps_are_recorded() {
        let mut m = tables(PTE_V | PTE_R | PTE_A);
        let mut steps = WalkSteps::default();
        walk(&mut m, &pmp_all(), VA, &req(Access::Load, Priv::S), &mut steps).unwrap();
        assert_eq!(steps.len, 3);
        assert_eq!(steps.steps[0].1, ROOT + 8);
        assert_eq!(steps.steps[2].1, L0 + 8);
    }
}
