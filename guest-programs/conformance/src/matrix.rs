//! The permission matrix: one access type through every leaf R/W/X encoding,
//! U = 0 and 1, from S, U and (for data) M with MPRV and MPP = S or U, with
//! SUM and MXR each 0 and 1. Each combination is a [`Case`] whose expectation
//! comes from [`permitted`], the rules of 4.3.1, 4.1.1.2 and 3.1.6.3 written
//! out; a failure names the combination in front of the check that failed.

use crate::case::Case;
use crate::expect::{DONE, PAGE_FAULT};
use crate::Scenario;
use bare::access::Access;
use bare::check::{set_context, Outcome};
use sv39_arch::csr::{mstatus, Priv};
use sv39_arch::pte::{PTE_A, PTE_D, PTE_R, PTE_U, PTE_V, PTE_W, PTE_X};

/// Every combination for one access type.
pub struct Matrix(pub Access);

/// Who accesses: the mode entered and, for MPRV, MPP.
const WHO: [(Priv, Option<Priv>); 4] =
    [(Priv::S, None), (Priv::U, None), (Priv::M, Some(Priv::S)), (Priv::M, Some(Priv::U))];

impl Scenario for Matrix {
    fn run(&self) -> Outcome {
        let access = self.0;
        for rwx in 1..8u64 {
            let rwx_bits = (rwx << 1) & (PTE_R | PTE_W | PTE_X);
            for user in [0, PTE_U] {
                // MPRV does not apply to fetches (3.1.6.3).
                let who = if access == Access::Fetch { &WHO[..2] } else { &WHO[..] };
                for &(mode, mprv) in who {
                    for status in [0, mstatus::SUM, mstatus::MXR, mstatus::SUM | mstatus::MXR] {
                        let pte = PTE_V | rwx_bits | user | PTE_A | PTE_D;
                        let prv = mprv.unwrap_or(mode);
                        label(pte, mode, mprv, status);
                        let ok = permitted(pte, prv, status, access);
                        let base = match mprv {
                            Some(mpp) => Case::mprv(mpp, access),
                            None if mode == Priv::U => Case::u(access),
                            None => Case::s(access),
                        };
                        base.leaf(0, pte).status(status).expect(if ok { DONE } else { PAGE_FAULT }).run()?;
                    }
                }
            }
        }
        set_context(format_args!(""));
        Ok(())
    }
}

/// Names the combination in failure messages, e.g. `R-X U=1, S-mode, SUM MXR`.
fn label(pte: u64, mode: Priv, mprv: Option<Priv>, status: u64) {
    let bit = |mask, c| if pte & mask != 0 { c } else { '-' };
    let who = match mprv {
        Some(mpp) => ["MPRV MPP=", mpp_name(mpp)],
        None => [mpp_name(mode), "-mode"],
    };
    let sum = if status & mstatus::SUM != 0 { ", SUM" } else { "" };
    let mxr = if status & mstatus::MXR != 0 { ", MXR" } else { "" };
    set_context(format_args!(
        "{}{}{} U={}, {}{}{sum}{mxr}",
        bit(PTE_R, 'R'),
        bit(PTE_W, 'W'),
        bit(PTE_X, 'X'),
        (pte & PTE_U != 0) as u8,
        who[0],
        who[1],
    ));
}

fn mpp_name(p: Priv) -> &'static str {
    match p {
        Priv::S => "S",
        Priv::U => "U",
        Priv::M => "M",
    }
}

/// Whether the spec lets `access` use a leaf holding `pte` at effective
/// privilege `prv` with `status` (SUM, MXR) in `mstatus`:
/// - W without R is reserved: a page fault (4.3.2 step 3);
/// - "U-mode software may only access the page when U=1"; S-mode may access
///   U pages when SUM=1, but "Irrespective of SUM, the supervisor may not
///   execute code on pages with U=1" (4.3.1);
/// - fetches need X; loads (and LR) need R, or X with MXR=1; stores, SCs and
///   AMOs need W (4.3.1, 4.1.1.2).
pub fn permitted(pte: u64, prv: Priv, status: u64, access: Access) -> bool {
    let (r, w, x, user) = (pte & PTE_R != 0, pte & PTE_W != 0, pte & PTE_X != 0, pte & PTE_U != 0);
    let sum = status & mstatus::SUM != 0;
    let mxr = status & mstatus::MXR != 0;
    let privilege = match prv {
        Priv::U => user,
        _ => !user || (sum && access != Access::Fetch),
    };
    let kind = match access {
        Access::Fetch => x,
        Access::Load | Access::Lr => r || (mxr && x),
        _ => w,
    };
    (r || !w) && privilege && kind
}
