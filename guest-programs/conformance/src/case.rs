//! A case as data: who makes the access (S, U, or M with MPRV), how its page
//! is mapped, which access at which address, and the outcomes the spec allows.
//!
//! `Case::s(Load)` starts from a 4 KiB leaf `V R W X A D` at [`TEST_VA`] over a
//! fresh page, a data access at offset 0x800 (fetches at 0) and the expectation
//! that the access completes; the builder methods change one thing each.
//!
//! [`TEST_VA`]: bare::paging::TEST_VA

use crate::expect::{self, Effect, DONE};
use crate::space::Space;
use crate::Scenario;
use bare::access::Access;
use bare::check::Outcome;
use sv39_arch::csr::Priv;
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_V, PTE_W, PTE_X};

/// How the page under test is reached.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Map {
    /// A leaf PTE at `level` (0 = 4 KiB, 1 = 2 MiB, 2 = 1 GiB) holding exactly
    /// `flags` (V included or not), its PPN `ppn_offset` pages past an aligned
    /// region (nonzero: a misaligned superpage).
    Leaf { level: usize, flags: u64, ppn_offset: u64 },
    /// No mapping at the address.
    Unmapped,
    /// `satp` = Bare: the address is physical.
    Bare,
}

/// Which page PMP restricts for S/U (entry 0, NAPOT 4 KiB).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Pmp {
    /// The page-table page holding the PTE of the address at this level.
    Table(usize),
    /// The physical page the access lands on.
    Leaf,
}

/// One access and what the spec says about it. Build with [`Case::s`],
/// [`Case::u`] or [`Case::mprv`] and the methods below.
#[derive(Clone, Copy, Debug)]
pub struct Case {
    /// The privilege `run` enters: S, U, or M for MPRV accesses.
    pub mode: Priv,
    /// `Some(mpp)`: an M-mode access with `mstatus.MPRV` = 1 and MPP = `mpp`.
    pub mprv: Option<Priv>,
    /// `mstatus` bits set during the access (SUM, MXR).
    pub status: u64,
    pub map: Map,
    /// Bits flipped in the PTE at level `.0` on the way to the address (a
    /// pointer, which holds V alone, or the leaf).
    pub flip: Option<(usize, u64)>,
    /// An access done first, which must complete: (mode, access, status).
    pub warm: Option<(Priv, Access, u64)>,
    /// A 4 KiB leaf with these flags for the page after the accessed one.
    pub next: Option<u64>,
    /// The address accessed (default: `TEST_VA` + offset); non-canonical
    /// addresses map their sign-extended twin.
    pub va: Option<u64>,
    /// The access is at the physical address of its page (MPRV fetches).
    pub va_pa: bool,
    /// Offset of the access from the start of the leaf's region.
    pub at: Option<u64>,
    pub pmp: Option<(Pmp, u8)>,
    pub access: Access,
    /// Fetches run `c.li a0, tag; c.jr ra` instead of `li a0, tag; ret`.
    pub compressed: bool,
    /// Page and access faults go to S (medeleg); only for S-mode accesses.
    pub delegated: bool,
    /// The outcomes the spec allows (one of them must happen).
    pub expect: &'static [Effect],
    /// A/D bits the leaf must gain when the access completes.
    pub gains: u64,
    /// Bits the leaf may or may not gain (the spec leaves it open).
    pub may_gain: u64,
}

/// Leaf flags for a page every access may use, A and D preset.
pub const RWX_AD: u64 = PTE_V | PTE_R | PTE_W | PTE_X | PTE_A | PTE_D;

impl Case {
    fn new(mode: Priv, access: Access) -> Case {
        Case {
            mode,
            mprv: None,
            status: 0,
            map: Map::Leaf { level: 0, flags: RWX_AD, ppn_offset: 0 },
            flip: None,
            warm: None,
            next: None,
            va: None,
            va_pa: false,
            at: None,
            pmp: None,
            access,
            compressed: false,
            delegated: false,
            expect: DONE,
            gains: 0,
            may_gain: 0,
        }
    }

    /// `access` from S-mode.
    pub fn s(access: Access) -> Case {
        Case::new(Priv::S, access)
    }

    /// `access` from U-mode.
    pub fn u(access: Access) -> Case {
        Case::new(Priv::U, access)
    }

    /// `access` from M-mode with MPRV = 1 and MPP = `mpp` (3.1.6.3).
    pub fn mprv(mpp: Priv, access: Access) -> Case {
        Case { mprv: Some(mpp), ..Case::new(Priv::M, access) }
    }

    /// The page is mapped by a leaf at `level` holding `flags` (V not added).
    pub fn leaf(self, level: usize, flags: u64) -> Case {
        Case { map: Map::Leaf { level, flags, ppn_offset: 0 }, ..self }
    }

    /// The leaf's PPN lies `pages` 4 KiB pages past its aligned region.
    pub fn misaligned(self, pages: u64) -> Case {
        let Map::Leaf { level, flags, .. } = self.map else { panic!("misaligned: not a leaf") };
        Case { map: Map::Leaf { level, flags, ppn_offset: pages }, ..self }
    }

    pub fn unmapped(self) -> Case {
        Case { map: Map::Unmapped, ..self }
    }

    /// `satp` = Bare; the access goes to its page's physical address.
    pub fn bare(self) -> Case {
        Case { map: Map::Bare, va_pa: true, ..self }
    }

    /// Flips `bits` in the PTE at `level` on the way to the address: a pointer
    /// (which holds V alone, so A sets A and V clears V) or the leaf.
    pub fn flip(self, level: usize, bits: u64) -> Case {
        Case { flip: Some((level, bits)), ..self }
    }

    /// First does `access` in `mode` with `status` at the same address, which
    /// must complete: the translation may then be cached when the case's own
    /// access is checked (in S or U directly when the image is executable
    /// there, else from M with MPRV).
    pub fn cached(self, mode: Priv, access: Access, status: u64) -> Case {
        Case { warm: Some((mode, access, status)), ..self }
    }

    /// Maps the following 4 KiB page (to another fresh page) with `flags`.
    pub fn next(self, flags: u64) -> Case {
        Case { next: Some(flags), ..self }
    }

    /// Accesses exactly `va`.
    pub fn va(self, va: u64) -> Case {
        Case { va: Some(va), ..self }
    }

    /// Accesses the page's physical address (nothing maps it there).
    pub fn va_pa(self) -> Case {
        Case { va_pa: true, ..self }
    }

    /// Accesses offset `at` of the leaf's region.
    pub fn at(self, at: u64) -> Case {
        Case { at: Some(at), ..self }
    }

    pub fn status(self, bits: u64) -> Case {
        Case { status: bits, ..self }
    }

    /// PMP gives S/U only `rwx` on the page `on`.
    pub fn pmp(self, on: Pmp, rwx: u8) -> Case {
        Case { pmp: Some((on, rwx)), ..self }
    }

    pub fn compressed(self) -> Case {
        Case { compressed: true, ..self }
    }

    pub fn delegated(self) -> Case {
        Case { delegated: true, ..self }
    }

    pub fn expect(self, effects: &'static [Effect]) -> Case {
        Case { expect: effects, ..self }
    }

    pub fn gains(self, bits: u64) -> Case {
        Case { gains: bits, ..self }
    }

    pub fn may_gain(self, bits: u64) -> Case {
        Case { may_gain: bits, ..self }
    }

    /// The leaf's level (0 when nothing is mapped).
    pub fn level(&self) -> usize {
        match self.map {
            Map::Leaf { level, .. } => level,
            _ => 0,
        }
    }
}

impl Scenario for Case {
    fn run(&self) -> Outcome {
        let space = Space::build(self);
        space.warm(self)?;
        let before = space.snapshot();
        let result = space.perform(self);
        let after = space.snapshot();
        expect::check(self, &space, &before, &after, result)
    }
}
