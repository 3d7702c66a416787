//! Terminal `ioctl`s (include/uapi/asm-generic/ioctls.h, termios.h): a
//! terminal answers them (its settings, `crate::termios`; its session and
//! foreground process group; its size); other files answer `ENOTTY`.

pub const TCGETS: u32 = 0x5401;
pub const TCSETS: u32 = 0x5402;
pub const TCSETSW: u32 = 0x5403;
pub const TCSETSF: u32 = 0x5404;
pub const TIOCSCTTY: u32 = 0x540e;
pub const TIOCGPGRP: u32 = 0x540f;
pub const TIOCSPGRP: u32 = 0x5410;
pub const TIOCGWINSZ: u32 = 0x5413;
pub const TIOCSWINSZ: u32 = 0x5414;
pub const FIONREAD: u32 = 0x541b;
pub const FIONBIO: u32 = 0x5421;
pub const TIOCGSID: u32 = 0x5429;

/// `struct winsize`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Winsize {
    pub ws_row: u16,
    pub ws_col: u16,
    pub ws_xpixel: u16,
    pub ws_ypixel: u16,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_match_asm_generic() {
        assert_eq!((TCGETS, TIOCGWINSZ, TIOCSWINSZ), (0x5401, 0x5413, 0x5414));
        assert_eq!((TCSETSF, TIOCSCTTY, TIOCGPGRP, TIOCGSID), (0x5404, 0x540e, 0x540f, 0x5429));
        assert_eq!(core::mem::size_of::<Winsize>(), 8);
    }
}
