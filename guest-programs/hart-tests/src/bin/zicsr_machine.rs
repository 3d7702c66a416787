//! Machine and supervisor CSR contents (priv spec 3.1, 4.1): misa (3.1.1: MXL=2
//! and I, M, A, C, S, U set; F and D set exactly when FP instructions execute;
//! E clear), mhartid = 0 (3.1.5) and the other ID CSRs readable, mstatus
//! (3.1.6: SXL = UXL = 2; MPP/SPP and the enable/trap bits writable; "xPP
//! fields are WARL fields that can hold only privilege mode x and any
//! implemented privilege mode lower than x": qemubug_mpp_warl), sstatus as
//! a restricted view of mstatus (4.1.1), sie/sip as the mideleg-masked views of
//! mie/mip (3.1.9: "Otherwise, the corresponding bits in sip and sie are
//! read-only zero"; 4.1.3), mepc/sepc[1] writable (IALIGN=16; bit 0:
//! qemubug_xepc_bit0), the 1.12 CSRs mconfigptr, menvcfg and senvcfg readable.
#![no_std]
#![no_main]

use hart_tests::*;
use sv39_arch::csr::misa;

// fmv.x.w a0, f0 and fmv.x.d a0, f0: legal only with F / D and mstatus.FS != 0.
core::arch::global_asm!(
    r#"
    .globl m_fmv_w, m_fmv_d
m_fmv_w: .4byte 0xe0000553
         ret
m_fmv_d: .4byte 0xe2000553
         ret
"#
);
unsafe extern "C" {
    safe fn m_fmv_w(a: u64) -> u64;
    safe fn m_fmv_d(a: u64) -> u64;
}

const MSTATUS_RW: u64 = mstatus::SIE
    | mstatus::MIE
    | mstatus::SPIE
    | mstatus::MPIE
    | mstatus::SPP
    | mstatus::MPRV
    | mstatus::SUM
    | mstatus::MXR
    | mstatus::TVM
    | mstatus::TW
    | mstatus::TSR;
/// sstatus bits every S-mode hart has (FS/VS/XS/SD/UBE depend on extensions).
const SSTATUS_CORE: u64 = mstatus::SIE | mstatus::SPIE | mstatus::SPP | mstatus::SUM | mstatus::MXR;
/// mstatus bits sstatus must not show.
const M_ONLY: u64 =
    mstatus::MIE | mstatus::MPIE | mstatus::MPP | mstatus::MPRV | mstatus::TVM | mstatus::TW | mstatus::TSR;

fn mpp_roundtrip(v: u64) -> u64 {
    let ms = csrr!("mstatus");
    csrw!("mstatus", (ms & !mstatus::MPP) | (v << mstatus::MPP_SHIFT));
    let got = (csrr!("mstatus") & mstatus::MPP) >> mstatus::MPP_SHIFT;
    csrw!("mstatus", ms);
    got
}

fn body() -> Checks {
    setup();
    // 1..: misa.
    let isa = csrr!("misa");
    check_eq!(1, isa >> 62, 2);
    for (i, c) in [b'I', b'M', b'A', b'C', b'S', b'U'].into_iter().enumerate() {
        check!(2 + i as u32, isa & misa::ext(c) != 0, "misa {isa:#x} lacks {}", c as char);
    }
    check_eq!(8, isa & misa::ext(b'E'), 0);
    csrs!("mstatus", 1 << mstatus::FS_SHIFT); // FS = Initial: FP usable if present
    let f = run_in(Priv::M, m_fmv_w, 0);
    let d = run_in(Priv::M, m_fmv_d, 0);
    csrc!("mstatus", mstatus::FS);
    check_eq!(9, f.is_ok(), isa & misa::ext(b'F') != 0);
    check_eq!(10, d.is_ok(), isa & misa::ext(b'D') != 0);
    if f.is_err() {
        expect_trap(11, f, exc::ILLEGAL_INSTRUCTION, Some(0xe000_0553))?;
    }

    // 15..: ID registers.
    check_eq!(15, csrr!("mhartid"), 0);
    let _ = (csrr!("mvendorid"), csrr!("marchid"), csrr!("mimpid"), csrr!("mconfigptr"));
    let _ = (csrr!("menvcfg"), csrr!("senvcfg"));

    // 20..: mstatus fields.
    let ms = csrr!("mstatus");
    check_eq!(20, (ms & mstatus::SXL) >> mstatus::SXL_SHIFT, 2);
    check_eq!(21, (ms & mstatus::UXL) >> mstatus::UXL_SHIFT, 2);
    for (i, v) in [0, 1, 3].into_iter().enumerate() {
        check_eq!(22 + i as u32, mpp_roundtrip(v), v);
    }
    csrs!("mstatus", MSTATUS_RW);
    check_eq!(25, csrr!("mstatus") & MSTATUS_RW, MSTATUS_RW);
    csrc!("mstatus", MSTATUS_RW);
    check_eq!(26, csrr!("mstatus") & MSTATUS_RW, 0);

    // 30..: sstatus is a view of mstatus.
    csrs!("mstatus", SSTATUS_CORE | M_ONLY & !mstatus::MIE);
    let ss = csrr!("sstatus");
    check_eq!(30, ss & SSTATUS_CORE, SSTATUS_CORE);
    check_eq!(31, ss & M_ONLY, 0);
    check_eq!(32, ss & (mstatus::UXL | mstatus::SXL), 2 << mstatus::UXL_SHIFT); // UXL shown, SXL not
    csrw!("sstatus", 0);
    let m = csrr!("mstatus");
    check_eq!(33, m & SSTATUS_CORE, 0);
    check_eq!(34, m & M_ONLY, M_ONLY & !mstatus::MIE);
    csrc!("mstatus", M_ONLY);
    csrw!("sstatus", SSTATUS_CORE | M_ONLY);
    let m = csrr!("mstatus");
    check_eq!(35, m & SSTATUS_CORE, SSTATUS_CORE);
    check_eq!(36, m & M_ONLY, 0);
    csrw!("mstatus", ms);

    // 40..: sie/sip are mie/mip masked by mideleg (interrupts stay off: mstatus.MIE = 0).
    let s_bits = S_INTS;
    csrw!("mideleg", s_bits);
    csrw!("mie", 0);
    csrw!("sie", s_bits);
    check_eq!(40, csrr!("mie") & s_bits, s_bits);
    check_eq!(41, csrr!("sie") & s_bits, s_bits);
    csrw!("mideleg", 0);
    check_eq!(42, csrr!("sie") & s_bits, 0);
    check_eq!(43, csrr!("mie") & s_bits, s_bits);
    csrw!("sie", 0);
    check_eq!(44, csrr!("mie") & s_bits, s_bits); // read-only zero: no effect
    csrw!("mie", 0);
    csrs!("mip", mip::SSIP);
    check_eq!(45, csrr!("sip") & mip::SSIP, 0);
    csrw!("mideleg", s_bits);
    check_eq!(46, csrr!("sip") & mip::SSIP, mip::SSIP);
    csrc!("sip", mip::SSIP);
    check_eq!(47, csrr!("mip") & mip::SSIP, 0);
    csrs!("sip", mip::SSIP);
    check_eq!(48, csrr!("mip") & mip::SSIP, mip::SSIP);
    csrc!("mip", mip::SSIP);
    csrw!("mideleg", 0);

    // 50..: bit 1 of mepc/sepc is writable with IALIGN=16.
    csrw!("mepc", 0x8000_1236);
    check_eq!(50, csrr!("mepc"), 0x8000_1236);
    csrw!("sepc", 0x8000_1236);
    check_eq!(51, csrr!("sepc"), 0x8000_1236);
    csrw!("mscratch", u64::MAX);
    check_eq!(52, csrr!("mscratch"), u64::MAX);
    csrw!("sscratch", 1 << 63);
    check_eq!(53, csrr!("sscratch"), 1 << 63);
    Ok(())
}

const S_INTS: u64 = mip::SSIP | mip::STIP | mip::SEIP;

#[no_mangle]
extern "C" fn main() -> u32 {
    status(body())
}
