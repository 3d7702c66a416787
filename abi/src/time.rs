//! Clocks and time values (include/uapi/linux/time.h, time_types.h): 64-bit
//! seconds on riscv64.

pub const CLOCK_REALTIME: u32 = 0;
pub const CLOCK_MONOTONIC: u32 = 1;
pub const CLOCK_PROCESS_CPUTIME_ID: u32 = 2;
pub const CLOCK_THREAD_CPUTIME_ID: u32 = 3;
pub const CLOCK_MONOTONIC_RAW: u32 = 4;
pub const CLOCK_REALTIME_COARSE: u32 = 5;
pub const CLOCK_MONOTONIC_COARSE: u32 = 6;
pub const CLOCK_BOOTTIME: u32 = 7;
/// `clock_nanosleep`: the time is absolute.
pub const TIMER_ABSTIME: u32 = 1;

/// `struct timespec` (`__kernel_timespec`).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C)]
pub struct Timespec {
    pub tv_sec: i64,
    pub tv_nsec: i64,
}

/// `struct timeval` (`__kernel_old_timeval`), as in `struct rusage`.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, PartialOrd, Ord)]
#[repr(C)]
pub struct Timeval {
    pub tv_sec: i64,
    pub tv_usec: i64,
}

impl Timespec {
    /// Whether `tv_nsec` is in 0..1e9 and `tv_sec` not negative, as
    /// `nanosleep` requires (else `EINVAL`).
    pub fn is_valid(&self) -> bool {
        self.tv_sec >= 0 && (0..1_000_000_000).contains(&self.tv_nsec)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn layout_and_values() {
        assert_eq!(core::mem::size_of::<Timespec>(), 16);
        assert_eq!(core::mem::size_of::<Timeval>(), 16);
        assert_eq!((CLOCK_REALTIME, CLOCK_MONOTONIC, CLOCK_BOOTTIME), (0, 1, 7));
        assert!(Timespec { tv_sec: 1, tv_nsec: 999_999_999 }.is_valid());
        assert!(!Timespec { tv_sec: 0, tv_nsec: 1_000_000_000 }.is_valid());
        assert!(!Timespec { tv_sec: -1, tv_nsec: 0 }.is_valid());
    }
}
