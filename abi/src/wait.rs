//! `wait4`/`waitid` options (include/uapi/linux/wait.h) and the wait status
//! word, encoded by the kernel and decoded by the parent as glibc's
//! `<sys/wait.h>` macros do.
//!
//! Status word: exited with code c -> `c << 8`; killed by signal s -> `s`
//! (`| 0x80` with a core dump); stopped by s -> `s << 8 | 0x7f`; continued
//! -> `0xffff`.
#![allow(non_snake_case)]

pub const WNOHANG: u32 = 0x1;
pub const WUNTRACED: u32 = 0x2;
pub const WSTOPPED: u32 = WUNTRACED;
pub const WEXITED: u32 = 0x4;
pub const WCONTINUED: u32 = 0x8;
pub const WNOWAIT: u32 = 0x0100_0000;
pub const __WNOTHREAD: u32 = 0x2000_0000;
pub const __WALL: u32 = 0x4000_0000;
pub const __WCLONE: u32 = 0x8000_0000;

/// `waitid` id types.
pub const P_ALL: u32 = 0;
pub const P_PID: u32 = 1;
pub const P_PGID: u32 = 2;
pub const P_PIDFD: u32 = 3;

/// The status of a process that called `exit(code)` (the low 8 bits count).
pub const fn W_EXITCODE(code: i32) -> i32 {
    (code & 0xff) << 8
}

/// The status of a process killed by signal `sig`.
pub const fn W_TERMSIG_STATUS(sig: u32) -> i32 {
    (sig & 0x7f) as i32
}

pub const fn WIFEXITED(status: i32) -> bool {
    status & 0x7f == 0
}

pub const fn WEXITSTATUS(status: i32) -> i32 {
    (status >> 8) & 0xff
}

pub const fn WIFSIGNALED(status: i32) -> bool {
    let sig = status & 0x7f;
    sig != 0 && sig != 0x7f
}

pub const fn WTERMSIG(status: i32) -> u32 {
    (status & 0x7f) as u32
}

pub const fn WCOREDUMP(status: i32) -> bool {
    status & 0x80 != 0
}

pub const fn WIFSTOPPED(status: i32) -> bool {
    status & 0xff == 0x7f
}

pub const fn WSTOPSIG(status: i32) -> u32 {
    WEXITSTATUS(status) as u32
}

/// The exit status a shell reports for a wait status: the exit code, or
/// 128 + the signal for a process killed by one (as `$?` in sh, and as the
/// status init hands to the power-off call).
pub const fn shell_status(status: i32) -> i32 {
    if WIFSIGNALED(status) {
        128 + WTERMSIG(status) as i32
    } else {
        WEXITSTATUS(status)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encode_decode() {
        let s = W_EXITCODE(42);
        assert_eq!(s, 0x2a00);
        assert!(WIFEXITED(s) && !WIFSIGNALED(s) && WEXITSTATUS(s) == 42);
        assert_eq!(W_EXITCODE(256 + 3), W_EXITCODE(3), "only the low byte survives");
        let k = W_TERMSIG_STATUS(11);
        assert!(WIFSIGNALED(k) && !WIFEXITED(k) && WTERMSIG(k) == 11);
        assert!(WIFSTOPPED(0x137f) && WSTOPSIG(0x137f) == 19 && !WIFSIGNALED(0x137f));
        assert_eq!((shell_status(s), shell_status(k), shell_status(0x8b)), (42, 139, 139));
        assert!(WCOREDUMP(0x8b));
    }

    #[test]
    fn option_values() {
        assert_eq!((WNOHANG, WUNTRACED, WEXITED, WCONTINUED, __WALL), (1, 2, 4, 8, 0x40000000));
    }
}
