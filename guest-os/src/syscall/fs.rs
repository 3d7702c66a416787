//! File system calls: descriptors, reading and writing, paths, directories,
//! pipes, ioctl and ppoll.

use super::SysResult;
use crate::fs::pipe;
use crate::fs::ramfs::{self, Body};
use crate::fs::vfs::{self, Fd, File, FileKind};
use crate::mm::uaccess::{self, copy_from_user, copy_to_user, read_value, write_value};
use crate::proc::scheduler::{self, Channel};
use crate::timer;
use alloc::string::String;
use alloc::vec;
use alloc::vec::Vec;
use sv39_abi::fcntl::*;
use sv39_abi::ioctl::{FIONBIO, FIONREAD};
use sv39_abi::poll::{PollFd, POLLIN, POLLNVAL, POLLOUT};
use sv39_abi::time::Timespec;
use sv39_abi::uio::{IoVec, UIO_MAXIOV};
use sv39_abi::Errno;

/// The most bytes moved through the kernel per step of a read or write.
const CHUNK: usize = 64 * 1024;

/// The open file behind `fd`.
pub(super) fn file(fd: i32) -> Result<File, Errno> {
    scheduler::current().inner.borrow().files.get(fd)
}

/// Installs `f` as the lowest free descriptor.
fn install(f: File, cloexec: bool) -> SysResult {
    let p = scheduler::current();
    let fd = p.inner.borrow_mut().files.insert(Fd { file: f, cloexec })?;
    Ok(fd as usize)
}

/// The user string at `ptr` as a path.
fn read_path(ptr: u64) -> Result<String, Errno> {
    let bytes = uaccess::read_cstr(ptr, PATH_MAX, Errno::ENAMETOOLONG)?;
    String::from_utf8(bytes).map_err(|_| Errno::ENOENT)
}

/// The absolute path that (`dirfd`, user path at `ptr`) names.
pub(super) fn at_path(dirfd: i32, ptr: u64) -> Result<String, Errno> {
    let path = read_path(ptr)?;
    let base = if path.starts_with('/') {
        String::from("/")
    } else if dirfd == AT_FDCWD {
        scheduler::current().inner.borrow().cwd.clone()
    } else {
        let dir = file(dirfd)?;
        if dir.path.is_empty() {
            return Err(Errno::ENOTDIR);
        }
        dir.path.clone()
    };
    Ok(vfs::join(&vfs::resolve(&base, &path)?))
}

/// Reads up to `len` bytes from `f` into user memory at `buf`.
pub(super) fn read_into(f: &File, buf: u64, len: usize) -> SysResult {
    let mut kbuf = vec![0u8; len.min(CHUNK)];
    let mut done = 0;
    while done < len {
        let want = (len - done).min(CHUNK);
        let n = match f.read(&mut kbuf[..want]) {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        copy_to_user(buf + done as u64, &kbuf[..n])?;
        done += n;
        if n < want {
            break;
        }
    }
    Ok(done)
}

/// Writes `len` bytes of user memory at `buf` to `f`.
pub(super) fn write_from(f: &File, buf: u64, len: usize) -> SysResult {
    let mut kbuf = vec![0u8; len.min(CHUNK)];
    let mut done = 0;
    while done < len {
        let want = (len - done).min(CHUNK);
        copy_from_user(&mut kbuf[..want], buf + done as u64)?;
        let n = match f.write(&kbuf[..want]) {
            Ok(n) => n,
            Err(e) if done == 0 => return Err(e),
            Err(_) => break,
        };
        done += n;
        if n < want {
            break;
        }
    }
    Ok(done)
}

pub fn read(fd: i32, buf: u64, len: usize) -> SysResult {
    read_into(&file(fd)?, buf, len)
}

pub fn write(fd: i32, buf: u64, len: usize) -> SysResult {
    write_from(&file(fd)?, buf, len)
}

/// The iovec array at `iov` (EINVAL past UIO_MAXIOV).
fn iovecs(iov: u64, count: usize) -> Result<Vec<IoVec>, Errno> {
    if count > UIO_MAXIOV {
        return Err(Errno::EINVAL);
    }
    (0..count).map(|i| read_value::<IoVec>(iov + 16 * i as u64)).collect()
}

/// readv/writev: `op` on each buffer until one comes up short.
fn vectored(fd: i32, iov: u64, count: usize, op: fn(&File, u64, usize) -> SysResult) -> SysResult {
    let f = file(fd)?;
    let mut total = 0;
    for v in iovecs(iov, count)? {
        let n = match op(&f, v.iov_base as u64, v.iov_len) {
            Ok(n) => n,
            Err(e) if total == 0 => return Err(e),
            Err(_) => break,
        };
        total += n;
        if n < v.iov_len {
            break;
        }
    }
    Ok(total)
}

pub fn readv(fd: i32, iov: u64, count: usize) -> SysResult {
    vectored(fd, iov, count, read_into)
}

pub fn writev(fd: i32, iov: u64, count: usize) -> SysResult {
    vectored(fd, iov, count, write_from)
}

pub fn openat(dirfd: i32, path: u64, flags: u32, mode: u32) -> SysResult {
    let abs = at_path(dirfd, path)?;
    let f = vfs::open(&vfs::components(&abs), flags, mode)?;
    install(f, flags & O_CLOEXEC != 0)
}

pub fn close(fd: i32) -> SysResult {
    let p = scheduler::current();
    let removed = p.inner.borrow_mut().files.remove(fd)?;
    drop(removed);
    Ok(0)
}

/// fsync and fdatasync: a disk's write cache to the medium; ramfs files
/// have no medium; pipes cannot be synced (EINVAL, as Linux).
pub fn fsync(fd: i32) -> SysResult {
    file(fd)?.sync().map(|_| 0)
}

/// sync: every disk's write cache to the medium.
pub fn sync() -> SysResult {
    crate::fs::sync_all();
    Ok(0)
}

pub fn lseek(fd: i32, offset: i64, whence: u32) -> SysResult {
    file(fd)?.seek(offset, whence).map(|o| o as usize)
}

/// What `path` relative to `dirfd` names, or with AT_EMPTY_PATH and an
/// empty path, `dirfd` itself (newfstatat, statx).
pub(super) fn stat_at(dirfd: i32, path: u64, flags: u32) -> Result<sv39_abi::stat::Stat, Errno> {
    let empty = flags & AT_EMPTY_PATH != 0 && read_path(path)?.is_empty();
    if empty {
        let f = if dirfd == AT_FDCWD { return Err(Errno::EINVAL) } else { file(dirfd)? };
        vfs::stat_of(&f)
    } else if flags & AT_SYMLINK_NOFOLLOW != 0 {
        vfs::lstat_path(&vfs::components(&at_path(dirfd, path)?))
    } else {
        vfs::stat_path(&vfs::components(&at_path(dirfd, path)?))
    }
}

pub fn newfstatat(dirfd: i32, path: u64, statbuf: u64, flags: u32) -> SysResult {
    write_value(statbuf, &stat_at(dirfd, path, flags)?)?;
    Ok(0)
}

pub fn fstat(fd: i32, statbuf: u64) -> SysResult {
    write_value(statbuf, &vfs::stat_of(&*file(fd)?)?)?;
    Ok(0)
}

pub fn dup(fd: i32) -> SysResult {
    install(file(fd)?, false)
}

pub fn dup3(old: i32, new: i32, flags: u32) -> SysResult {
    if old == new || flags & !O_CLOEXEC != 0 || new < 0 {
        return Err(Errno::EINVAL);
    }
    let f = file(old)?;
    let p = scheduler::current();
    let replaced = p.inner.borrow_mut().files.replace(new as usize, Fd { file: f, cloexec: flags & O_CLOEXEC != 0 })?;
    drop(replaced);
    Ok(new as usize)
}

pub fn fcntl(fd: i32, cmd: u32, arg: u64) -> SysResult {
    let f = file(fd)?;
    let p = scheduler::current();
    let mut inner = p.inner.borrow_mut();
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            let fd = Fd { file: f, cloexec: cmd == F_DUPFD_CLOEXEC };
            inner.files.insert_from(arg as usize, fd).map(|n| n as usize)
        }
        F_GETFD => Ok(if inner.files.cloexec(fd)? { FD_CLOEXEC as usize } else { 0 }),
        F_SETFD => inner.files.set_cloexec(fd, arg as u32 & FD_CLOEXEC != 0).map(|_| 0),
        F_GETFL => Ok(f.flags.get() as usize),
        F_SETFL => {
            let keep = f.flags.get() & !(O_APPEND | O_NONBLOCK);
            f.flags.set(keep | (arg as u32 & (O_APPEND | O_NONBLOCK)));
            Ok(0)
        }
        _ => Err(Errno::EINVAL),
    }
}

pub fn pipe2(fds: u64, flags: u32) -> SysResult {
    if flags & !(O_CLOEXEC | O_NONBLOCK) != 0 {
        return Err(Errno::EINVAL);
    }
    let (r, w) = pipe::new();
    let nonblock = flags & O_NONBLOCK;
    let cloexec = flags & O_CLOEXEC != 0;
    let rfd = install(vfs::new_file(FileKind::Pipe(r), O_RDONLY | nonblock, String::new()), cloexec)?;
    let wfd = match install(vfs::new_file(FileKind::Pipe(w), O_WRONLY | nonblock, String::new()), cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            close(rfd as i32)?;
            return Err(e);
        }
    };
    let pair = ((wfd as u64) << 32) | rfd as u64;
    if let Err(e) = write_value(fds, &pair) {
        close(rfd as i32)?;
        close(wfd as i32)?;
        return Err(e);
    }
    Ok(0)
}

pub fn getdents64(fd: i32, buf: u64, len: usize) -> SysResult {
    let f = file(fd)?;
    let mut kbuf = vec![0u8; len.min(CHUNK)];
    let before = f.offset.get();
    let n = f.getdents(&mut kbuf)?;
    if let Err(e) = copy_to_user(buf, &kbuf[..n]) {
        f.offset.set(before);
        return Err(e);
    }
    Ok(n)
}

pub fn mkdirat(dirfd: i32, path: u64, mode: u32) -> SysResult {
    vfs::mkdir(&vfs::components(&at_path(dirfd, path)?), mode).map(|_| 0)
}

pub fn unlinkat(dirfd: i32, path: u64, flags: u32) -> SysResult {
    if flags & !AT_REMOVEDIR != 0 {
        return Err(Errno::EINVAL);
    }
    vfs::unlink(&vfs::components(&at_path(dirfd, path)?), flags & AT_REMOVEDIR != 0).map(|_| 0)
}

/// faccessat and faccessat2. Every process is root, so reading and writing
/// are allowed; executing needs an execute bit, unless it is a directory
/// (Linux's generic_permission for CAP_DAC_OVERRIDE).
pub fn faccessat(dirfd: i32, path: u64, mode: u32, flags: u32) -> SysResult {
    const X_OK: u32 = 1;
    if mode & !7 != 0 || flags & !(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH) != 0 {
        return Err(Errno::EINVAL);
    }
    let st = stat_at(dirfd, path, flags)?;
    let executable = sv39_abi::stat::S_ISDIR(st.st_mode) || st.st_mode & 0o111 != 0;
    if mode & X_OK != 0 && !executable {
        return Err(Errno::EACCES);
    }
    Ok(0)
}

pub fn chdir(path: u64) -> SysResult {
    change_dir(at_path(AT_FDCWD, path)?)
}

/// fchdir: to the directory `fd` was opened by.
pub fn fchdir(fd: i32) -> SysResult {
    let f = file(fd)?;
    if f.path.is_empty() {
        return Err(Errno::ENOTDIR);
    }
    change_dir(f.path.clone())
}

/// Makes the directory at absolute path `abs` the working directory.
fn change_dir(abs: String) -> SysResult {
    let st = vfs::stat_path(&vfs::components(&abs))?;
    if !sv39_abi::stat::S_ISDIR(st.st_mode) {
        return Err(Errno::ENOTDIR);
    }
    scheduler::current().inner.borrow_mut().cwd = abs;
    Ok(0)
}

pub fn getcwd(buf: u64, size: usize) -> SysResult {
    let mut cwd = scheduler::current().inner.borrow().cwd.clone().into_bytes();
    cwd.push(0);
    if cwd.len() > size {
        return Err(Errno::ERANGE);
    }
    copy_to_user(buf, &cwd)?;
    Ok(cwd.len())
}

/// ftruncate: a regular file open for writing (else EINVAL, as Linux);
/// its mappings lose the pages past a new, lower end.
pub fn ftruncate(fd: i32, len: i64) -> SysResult {
    let f = file(fd)?;
    if len < 0 {
        return Err(Errno::EINVAL);
    }
    match &f.kind {
        FileKind::Inode(i) if f.writable() && matches!(i.body, Body::File(_)) => {
            ramfs::truncate(i, len as u64).map(|_| 0)
        }
        FileKind::Shared(s) if f.writable() && !s.is_dir() => s.truncate(len as u64).map(|_| 0),
        _ => Err(Errno::EINVAL),
    }
}

/// ioctl: FIONBIO; FIONREAD of a pipe; the terminal's (`tty::ioctl`).
pub fn ioctl(fd: i32, request: u32, arg: u64) -> SysResult {
    let f = file(fd)?;
    match request {
        FIONBIO | FIONREAD => {}
        _ if f.is_terminal() => return crate::tty::ioctl(request, arg),
        _ => return Err(Errno::ENOTTY),
    }
    match request {
        FIONBIO => {
            let on = read_value::<i32>(arg)? != 0;
            let flags = f.flags.get() & !O_NONBLOCK;
            f.flags.set(if on { flags | O_NONBLOCK } else { flags });
        }
        FIONREAD => match &f.kind {
            FileKind::Pipe(end) if !end.is_write_end() => write_value(arg, &(end.len() as i32))?,
            _ => return Err(Errno::ENOTTY),
        },
        _ => return Err(Errno::ENOTTY),
    }
    Ok(0)
}

/// Fills `revents` of each entry; returns how many have any.
fn poll_once(fds: &mut [PollFd]) -> usize {
    let p = scheduler::current();
    let files = &p.inner.borrow().files;
    let mut ready = 0;
    for pfd in fds.iter_mut() {
        pfd.revents = if pfd.fd < 0 {
            0
        } else {
            match files.get(pfd.fd) {
                Err(_) => POLLNVAL,
                Ok(f) => {
                    let (r, w) = f.poll();
                    (if r { pfd.events & POLLIN } else { 0 }) | (if w { pfd.events & POLLOUT } else { 0 })
                }
            }
        };
        ready += (pfd.revents != 0) as usize;
    }
    ready
}

/// ppoll: waits (in timer ticks) until an entry is ready or the time is up.
pub fn ppoll(fds_ptr: u64, nfds: usize, timeout: u64) -> SysResult {
    if nfds > vfs::MAX_FDS * 16 {
        return Err(Errno::EINVAL);
    }
    let mut fds: Vec<PollFd> = (0..nfds).map(|i| read_value(fds_ptr + 8 * i as u64)).collect::<Result<_, _>>()?;
    let deadline = if timeout == 0 {
        u64::MAX
    } else {
        let t: Timespec = read_value(timeout)?;
        if !t.is_valid() {
            return Err(Errno::EINVAL);
        }
        timer::now_ns().saturating_add(t.tv_sec as u64 * 1_000_000_000 + t.tv_nsec as u64)
    };
    loop {
        let ready = poll_once(&mut fds);
        if ready > 0 || timer::now_ns() >= deadline {
            for (i, pfd) in fds.iter().enumerate() {
                write_value(fds_ptr + 8 * i as u64, pfd)?;
            }
            return Ok(ready);
        }
        scheduler::sleep_interruptible(Channel::Timer)?;
    }
}
