//! Linux error numbers (include/uapi/asm-generic/errno-base.h and errno.h, which
//! riscv64 uses unchanged), their names and the messages `strerror` gives.
//!
//! A system call fails by returning `-errno` in a0: a value in
//! `-MAX_ERRNO..=-1`. [`Errno::to_ret`] makes that value in the kernel and
//! [`Errno::from_ret`] reads it in user space.

use core::fmt;

/// The largest error number a system call may return (include/linux/err.h).
pub const MAX_ERRNO: usize = 4095;

/// A Linux error number.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[repr(transparent)]
pub struct Errno(u16);

/// Defines each error as an associated constant and lists it with its name and
/// message.
macro_rules! errnos {
    ($($name:ident = $n:literal $msg:literal,)*) => {
        impl Errno {
            $(#[doc = $msg] pub const $name: Errno = Errno($n);)*
        }
        /// Every error as (number, name, message), in increasing number order.
        pub const ERRNOS: &[(u16, &str, &str)] = &[$(($n, stringify!($name), $msg)),*];
    };
}

errnos! {
    EPERM = 1 "Operation not permitted",
    ENOENT = 2 "No such file or directory",
    ESRCH = 3 "No such process",
    EINTR = 4 "Interrupted system call",
    EIO = 5 "Input/output error",
    ENXIO = 6 "No such device or address",
    E2BIG = 7 "Argument list too long",
    ENOEXEC = 8 "Exec format error",
    EBADF = 9 "Bad file descriptor",
    ECHILD = 10 "No child processes",
    EAGAIN = 11 "Resource temporarily unavailable",
    ENOMEM = 12 "Cannot allocate memory",
    EACCES = 13 "Permission denied",
    EFAULT = 14 "Bad address",
    ENOTBLK = 15 "Block device required",
    EBUSY = 16 "Device or resource busy",
    EEXIST = 17 "File exists",
    EXDEV = 18 "Invalid cross-device link",
    ENODEV = 19 "No such device",
    ENOTDIR = 20 "Not a directory",
    EISDIR = 21 "Is a directory",
    EINVAL = 22 "Invalid argument",
    ENFILE = 23 "Too many open files in system",
    EMFILE = 24 "Too many open files",
    ENOTTY = 25 "Inappropriate ioctl for device",
    ETXTBSY = 26 "Text file busy",
    EFBIG = 27 "File too large",
    ENOSPC = 28 "No space left on device",
    ESPIPE = 29 "Illegal seek",
    EROFS = 30 "Read-only file system",
    EMLINK = 31 "Too many links",
    EPIPE = 32 "Broken pipe",
    EDOM = 33 "Numerical argument out of domain",
    ERANGE = 34 "Numerical result out of range",
    EDEADLK = 35 "Resource deadlock avoided",
    ENAMETOOLONG = 36 "File name too long",
    ENOLCK = 37 "No locks available",
    ENOSYS = 38 "Function not implemented",
    ENOTEMPTY = 39 "Directory not empty",
    ELOOP = 40 "Too many levels of symbolic links",
    ENOMSG = 42 "No message of desired type",
    EIDRM = 43 "Identifier removed",
    ECHRNG = 44 "Channel number out of range",
    EL2NSYNC = 45 "Level 2 not synchronized",
    EL3HLT = 46 "Level 3 halted",
    EL3RST = 47 "Level 3 reset",
    ELNRNG = 48 "Link number out of range",
    EUNATCH = 49 "Protocol driver not attached",
    ENOCSI = 50 "No CSI structure available",
    EL2HLT = 51 "Level 2 halted",
    EBADE = 52 "Invalid exchange",
    EBADR = 53 "Invalid request descriptor",
    EXFULL = 54 "Exchange full",
    ENOANO = 55 "No anode",
    EBADRQC = 56 "Invalid request code",
    EBADSLT = 57 "Invalid slot",
    EBFONT = 59 "Bad font file format",
    ENOSTR = 60 "Device not a stream",
    ENODATA = 61 "No data available",
    ETIME = 62 "Timer expired",
    ENOSR = 63 "Out of streams resources",
    ENONET = 64 "Machine is not on the network",
    ENOPKG = 65 "Package not installed",
    EREMOTE = 66 "Object is remote",
    ENOLINK = 67 "Link has been severed",
    EADV = 68 "Advertise error",
    ESRMNT = 69 "Srmount error",
    ECOMM = 70 "Communication error on send",
    EPROTO = 71 "Protocol error",
    EMULTIHOP = 72 "Multihop attempted",
    EDOTDOT = 73 "RFS specific error",
    EBADMSG = 74 "Bad message",
    EOVERFLOW = 75 "Value too large for defined data type",
    ENOTUNIQ = 76 "Name not unique on network",
    EBADFD = 77 "File descriptor in bad state",
    EREMCHG = 78 "Remote address changed",
    ELIBACC = 79 "Can not access a needed shared library",
    ELIBBAD = 80 "Accessing a corrupted shared library",
    ELIBSCN = 81 ".lib section in a.out corrupted",
    ELIBMAX = 82 "Attempting to link in too many shared libraries",
    ELIBEXEC = 83 "Cannot exec a shared library directly",
    EILSEQ = 84 "Invalid or incomplete multibyte or wide character",
    ERESTART = 85 "Interrupted system call should be restarted",
    ESTRPIPE = 86 "Streams pipe error",
    EUSERS = 87 "Too many users",
    ENOTSOCK = 88 "Socket operation on non-socket",
    EDESTADDRREQ = 89 "Destination address required",
    EMSGSIZE = 90 "Message too long",
    EPROTOTYPE = 91 "Protocol wrong type for socket",
    ENOPROTOOPT = 92 "Protocol not available",
    EPROTONOSUPPORT = 93 "Protocol not supported",
    ESOCKTNOSUPPORT = 94 "Socket type not supported",
    EOPNOTSUPP = 95 "Operation not supported",
    EPFNOSUPPORT = 96 "Protocol family not supported",
    EAFNOSUPPORT = 97 "Address family not supported by protocol",
    EADDRINUSE = 98 "Address already in use",
    EADDRNOTAVAIL = 99 "Cannot assign requested address",
    ENETDOWN = 100 "Network is down",
    ENETUNREACH = 101 "Network is unreachable",
    ENETRESET = 102 "Network dropped connection on reset",
    ECONNABORTED = 103 "Software caused connection abort",
    ECONNRESET = 104 "Connection reset by peer",
    ENOBUFS = 105 "No buffer space available",
    EISCONN = 106 "Transport endpoint is already connected",
    ENOTCONN = 107 "Transport endpoint is not connected",
    ESHUTDOWN = 108 "Cannot send after transport endpoint shutdown",
    ETOOMANYREFS = 109 "Too many references: cannot splice",
    ETIMEDOUT = 110 "Connection timed out",
    ECONNREFUSED = 111 "Connection refused",
    EHOSTDOWN = 112 "Host is down",
    EHOSTUNREACH = 113 "No route to host",
    EALREADY = 114 "Operation already in progress",
    EINPROGRESS = 115 "Operation now in progress",
    ESTALE = 116 "Stale file handle",
    EUCLEAN = 117 "Structure needs cleaning",
    ENOTNAM = 118 "Not a XENIX named type file",
    ENAVAIL = 119 "No XENIX semaphores available",
    EISNAM = 120 "Is a named type file",
    EREMOTEIO = 121 "Remote I/O error",
    EDQUOT = 122 "Disk quota exceeded",
    ENOMEDIUM = 123 "No medium found",
    EMEDIUMTYPE = 124 "Wrong medium type",
    ECANCELED = 125 "Operation canceled",
    ENOKEY = 126 "Required key not available",
    EKEYEXPIRED = 127 "Key has expired",
    EKEYREVOKED = 128 "Key has been revoked",
    EKEYREJECTED = 129 "Key was rejected by service",
    EOWNERDEAD = 130 "Owner died",
    ENOTRECOVERABLE = 131 "State not recoverable",
    ERFKILL = 132 "Operation not possible due to RF-kill",
    EHWPOISON = 133 "Memory page has hardware error",
}

impl Errno {
    /// Another name of `EAGAIN`.
    pub const EWOULDBLOCK: Errno = Errno::EAGAIN;
    /// Another name of `EDEADLK`.
    pub const EDEADLOCK: Errno = Errno::EDEADLK;

    /// The error numbered `n`; `None` outside `1..=MAX_ERRNO`.
    pub const fn new(n: usize) -> Option<Errno> {
        if n >= 1 && n <= MAX_ERRNO {
            Some(Errno(n as u16))
        } else {
            None
        }
    }

    /// The number, as C's `errno` holds it.
    pub const fn raw(self) -> i32 {
        self.0 as i32
    }

    /// What a failing system call leaves in a0: `-errno`.
    pub const fn to_ret(self) -> usize {
        (self.0 as usize).wrapping_neg()
    }

    /// Reads a system call's a0: a value in `-MAX_ERRNO..=-1` is an error, any
    /// other value the result.
    pub const fn from_ret(ret: usize) -> Result<usize, Errno> {
        if ret >= MAX_ERRNO.wrapping_neg() {
            Err(Errno(ret.wrapping_neg() as u16))
        } else {
            Ok(ret)
        }
    }

    /// The symbolic name (`"EFAULT"`), if Linux defines this number.
    pub fn name(self) -> Option<&'static str> {
        errno_name(self.raw())
    }

    /// The message `strerror` gives (`"Bad address"`), or `"Unknown error"`.
    pub fn description(self) -> &'static str {
        entry(self.raw()).map_or("Unknown error", |e| e.2)
    }
}

fn entry(n: i32) -> Option<&'static (u16, &'static str, &'static str)> {
    let n = u16::try_from(n).ok()?;
    ERRNOS.binary_search_by_key(&n, |e| e.0).ok().map(|i| &ERRNOS[i])
}

/// The symbolic name of error number `n` (`"ENOMEM"` for 12).
pub fn errno_name(n: i32) -> Option<&'static str> {
    entry(n).map(|e| e.1)
}

/// `EFAULT`, or `E4000` for a number Linux does not name.
impl fmt::Debug for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(name) => f.write_str(name),
            None => write!(f, "E{}", self.0),
        }
    }
}

/// `Bad address`, as `strerror`.
impl fmt::Display for Errno {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match entry(self.raw()) {
            Some(e) => f.write_str(e.2),
            None => write!(f, "Unknown error {}", self.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_match_linux() {
        assert_eq!(Errno::EPERM.raw(), 1);
        assert_eq!(Errno::ENOENT.raw(), 2);
        assert_eq!(Errno::ENOEXEC.raw(), 8);
        assert_eq!(Errno::EBADF.raw(), 9);
        assert_eq!(Errno::ECHILD.raw(), 10);
        assert_eq!(Errno::EAGAIN.raw(), 11);
        assert_eq!(Errno::ENOMEM.raw(), 12);
        assert_eq!(Errno::EFAULT.raw(), 14);
        assert_eq!(Errno::EEXIST.raw(), 17);
        assert_eq!(Errno::EINVAL.raw(), 22);
        assert_eq!(Errno::ENOTTY.raw(), 25);
        assert_eq!(Errno::ESPIPE.raw(), 29);
        assert_eq!(Errno::EPIPE.raw(), 32);
        assert_eq!(Errno::ENOSYS.raw(), 38);
        assert_eq!(Errno::ENOTEMPTY.raw(), 39);
        assert_eq!(Errno::EOVERFLOW.raw(), 75);
        assert_eq!(Errno::EOPNOTSUPP.raw(), 95);
        assert_eq!(Errno::EHWPOISON.raw(), 133);
        assert_eq!(Errno::EWOULDBLOCK, Errno::EAGAIN);
    }

    #[test]
    fn table_is_sorted_and_named() {
        assert!(ERRNOS.windows(2).all(|w| w[0].0 < w[1].0));
        assert_eq!(ERRNOS.len(), 131, "1..=133 less 41 and 58, which Linux leaves out");
        assert_eq!(errno_name(14), Some("EFAULT"));
        assert_eq!(errno_name(41), None);
        assert_eq!(errno_name(-14), None);
        assert_eq!(Errno::ENOENT.description(), "No such file or directory");
    }

    #[test]
    fn return_values_round_trip() {
        assert_eq!(Errno::EFAULT.to_ret(), -14isize as usize);
        assert_eq!(Errno::from_ret(-14isize as usize), Err(Errno::EFAULT));
        assert_eq!(Errno::from_ret(-4095isize as usize), Err(Errno::new(4095).unwrap()));
        assert_eq!(Errno::from_ret(-4096isize as usize), Ok(-4096isize as usize), "an address, not an error");
        assert_eq!(Errno::from_ret(0), Ok(0));
        assert_eq!(Errno::new(0), None);
        assert_eq!(Errno::new(4096), None);
    }
}
