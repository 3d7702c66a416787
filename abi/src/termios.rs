//! The kernel's `struct termios` and its flags (include/uapi/asm-generic/
//! termbits.h, termbits-common.h), as `TCGETS` and `TCSETS` carry it.
//! glibc's `struct termios` is larger (NCCS 32, and speeds); its
//! `tcgetattr` converts.

/// `c_cc`'s length in the kernel's struct.
pub const NCCS: usize = 19;

/// `struct termios` (36 bytes).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
#[repr(C)]
pub struct Termios {
    pub c_iflag: u32,
    pub c_oflag: u32,
    pub c_cflag: u32,
    pub c_lflag: u32,
    pub c_line: u8,
    pub c_cc: [u8; NCCS],
}

// c_cc indices.
pub const VINTR: usize = 0;
pub const VQUIT: usize = 1;
pub const VERASE: usize = 2;
pub const VKILL: usize = 3;
pub const VEOF: usize = 4;
pub const VTIME: usize = 5;
pub const VMIN: usize = 6;
pub const VSWTC: usize = 7;
pub const VSTART: usize = 8;
pub const VSTOP: usize = 9;
pub const VSUSP: usize = 10;
pub const VEOL: usize = 11;
pub const VREPRINT: usize = 12;
pub const VDISCARD: usize = 13;
pub const VWERASE: usize = 14;
pub const VLNEXT: usize = 15;
pub const VEOL2: usize = 16;

// c_iflag.
pub const IGNBRK: u32 = 0o1;
pub const BRKINT: u32 = 0o2;
pub const INLCR: u32 = 0o100;
pub const IGNCR: u32 = 0o200;
pub const ICRNL: u32 = 0o400;
pub const IXON: u32 = 0o2000;
pub const IUTF8: u32 = 0o40000;

// c_oflag.
pub const OPOST: u32 = 0o1;
pub const ONLCR: u32 = 0o4;
pub const OCRNL: u32 = 0o10;

// c_cflag.
pub const B38400: u32 = 0o17;
pub const CS8: u32 = 0o60;
pub const CREAD: u32 = 0o200;
pub const HUPCL: u32 = 0o2000;

// c_lflag.
pub const ISIG: u32 = 0o1;
pub const ICANON: u32 = 0o2;
pub const ECHO: u32 = 0o10;
pub const ECHOE: u32 = 0o20;
pub const ECHOK: u32 = 0o40;
pub const ECHONL: u32 = 0o100;
pub const NOFLSH: u32 = 0o200;
pub const TOSTOP: u32 = 0o400;
pub const ECHOCTL: u32 = 0o1000;
pub const ECHOKE: u32 = 0o4000;
pub const IEXTEN: u32 = 0o100000;

/// `_POSIX_VDISABLE`: a `c_cc` entry of 0 is no character.
pub const VDISABLE: u8 = 0;

impl Termios {
    /// What a new tty starts with (drivers/tty/tty_io.c, tty_std_termios;
    /// the characters are include/linux/tty.h's INIT_C_CC).
    pub const fn linux_default() -> Termios {
        let mut c_cc = [0u8; NCCS];
        c_cc[VINTR] = 0x03; // ^C
        c_cc[VQUIT] = 0x1c; // ^\
        c_cc[VERASE] = 0x7f; // DEL
        c_cc[VKILL] = 0x15; // ^U
        c_cc[VEOF] = 0x04; // ^D
        c_cc[VMIN] = 1;
        c_cc[VSTART] = 0x11; // ^Q
        c_cc[VSTOP] = 0x13; // ^S
        c_cc[VSUSP] = 0x1a; // ^Z
        c_cc[VREPRINT] = 0x12; // ^R
        c_cc[VDISCARD] = 0x0f; // ^O
        c_cc[VWERASE] = 0x17; // ^W
        c_cc[VLNEXT] = 0x16; // ^V
        Termios {
            c_iflag: ICRNL | IXON,
            c_oflag: OPOST | ONLCR,
            c_cflag: B38400 | CS8 | CREAD | HUPCL,
            c_lflag: ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN,
            c_line: 0,
            c_cc,
        }
    }

    pub fn lflag(&self, f: u32) -> bool {
        self.c_lflag & f != 0
    }

    pub fn iflag(&self, f: u32) -> bool {
        self.c_iflag & f != 0
    }

    pub fn oflag(&self, f: u32) -> bool {
        self.c_oflag & f != 0
    }

    /// Whether `c` is the special character `index` (a disabled one never is).
    pub fn is(&self, index: usize, c: u8) -> bool {
        self.c_cc[index] != VDISABLE && self.c_cc[index] == c
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_defaults_match_linux() {
        assert_eq!(core::mem::size_of::<Termios>(), 36);
        let t = Termios::linux_default();
        // As `stty -g` shows a fresh Linux tty's iflag, oflag and lflag: 500:5:...:8a3b.
        assert_eq!((t.c_iflag, t.c_oflag, t.c_lflag), (0o2400, 0o5, 0x8a3b));
        assert_eq!((ECHOCTL, IEXTEN, ICRNL), (512, 0x8000, 0x100));
        assert_eq!(&t.c_cc[..7], &[3, 0x1c, 0x7f, 0x15, 4, 0, 1]);
    }
}
