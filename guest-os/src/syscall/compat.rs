//! System calls that glibc's and Rust std's start-up and library paths use
//! beyond the core set: positional I/O, rename, /proc/self/exe, statx, the
//! robust futex list, resource limits and CPU affinity.

use super::fs::{at_path, file, read_into, stat_at, write_from};
use super::SysResult;
use crate::fs::p9fs;
use crate::fs::vfs::{self, File, FileKind, Place};
use crate::mm::uaccess::{copy_to_user, read_value, write_value};
use crate::proc::scheduler;
use alloc::string::String;
use alloc::vec::Vec;
use sv39_abi::futex::ROBUST_LIST_HEAD_LEN;
use sv39_abi::fcntl::{
    AT_EMPTY_PATH, AT_NO_AUTOMOUNT, AT_SYMLINK_NOFOLLOW, RENAME_EXCHANGE, RENAME_NOREPLACE, RENAME_WHITEOUT,
};
use sv39_abi::resource::*;
use sv39_abi::stat::*;
use sv39_abi::sched::CPU_SET_MIN_BYTES;
use sv39_abi::Errno;

/// Runs `io` on `f` at `offset`, leaving the file offset as it was.
fn at_offset(f: &File, offset: i64, io: impl FnOnce(&File) -> SysResult) -> SysResult {
    if !matches!(f.kind, FileKind::Inode(_) | FileKind::Shared(_)) {
        return Err(Errno::ESPIPE);
    }
    let offset = u64::try_from(offset).map_err(|_| Errno::EINVAL)?;
    let saved = f.offset.replace(offset);
    let done = io(f);
    f.offset.set(saved);
    done
}

pub fn pread64(fd: i32, buf: u64, len: usize, offset: i64) -> SysResult {
    let f = file(fd)?;
    if !f.readable() {
        return Err(Errno::EBADF);
    }
    at_offset(&f, offset, |f| read_into(f, buf, len))
}

/// pwrite64: as Linux, O_APPEND files still append.
pub fn pwrite64(fd: i32, buf: u64, len: usize, offset: i64) -> SysResult {
    let f = file(fd)?;
    if !f.writable() {
        return Err(Errno::EBADF);
    }
    at_offset(&f, offset, |f| write_from(f, buf, len))
}

/// renameat2 (renameat is flags 0): moves an entry, replacing a target of
/// the same kind (a directory only if empty). RENAME_EXCHANGE and
/// RENAME_WHITEOUT are not supported (EINVAL).
pub fn renameat2(olddirfd: i32, oldpath: u64, newdirfd: i32, newpath: u64, flags: u32) -> SysResult {
    if flags & !RENAME_NOREPLACE != 0 || flags & (RENAME_EXCHANGE | RENAME_WHITEOUT) != 0 {
        return Err(Errno::EINVAL);
    }
    let (old, new) = (at_path(olddirfd, oldpath)?, at_path(newdirfd, newpath)?);
    let (old_parts, new_parts) = (vfs::components(&old), vfs::components(&new));
    if p9fs::is_mount_point(&old_parts) || p9fs::is_mount_point(&new_parts) {
        return Err(Errno::EBUSY);
    }
    match (vfs::locate_parent(&old_parts)?, vfs::locate_parent(&new_parts)?) {
        ((Place::Shared(from), old_name), (Place::Shared(to), new_name)) => {
            if flags & RENAME_NOREPLACE != 0 && vfs::lstat_path(&new_parts).is_ok() {
                return Err(Errno::EEXIST);
            }
            p9fs::rename(&from, old_name, &to, new_name).map(|_| 0)
        }
        ((Place::Local(mut from), old_name), (Place::Local(mut to), new_name)) => {
            from.push(String::from(old_name));
            to.push(String::from(new_name));
            rename_local(&from, &to, flags)
        }
        _ => Err(Errno::EXDEV),
    }
}

/// renameat2 within the ramfs, of the located paths `old` to `new`.
fn rename_local(old: &[String], new: &[String], flags: u32) -> SysResult {
    let old_parts: Vec<&str> = old.iter().map(String::as_str).collect();
    let new_parts: Vec<&str> = new.iter().map(String::as_str).collect();
    let (from_dir, from_name) = vfs::parent_of(&old_parts)?;
    let inode = from_dir.child(from_name)?;
    if old_parts == new_parts {
        return Ok(0);
    }
    if inode.is_dir() && new_parts.starts_with(&old_parts) {
        return Err(Errno::EINVAL);
    }
    let (to_dir, to_name) = vfs::parent_of(&new_parts)?;
    if let Ok(target) = to_dir.child(to_name) {
        if flags & RENAME_NOREPLACE != 0 {
            return Err(Errno::EEXIST);
        }
        if inode.is_dir() && !target.is_dir() {
            return Err(Errno::ENOTDIR);
        }
        to_dir.unlink(to_name, target.is_dir())?;
    }
    from_dir.unlink(from_name, inode.is_dir())?;
    to_dir.link(to_name, inode)?;
    Ok(0)
}

/// readlinkat: only /proc/self/exe and /proc/<pid>/exe are links (the
/// path the program was executed by); anything else that exists is EINVAL.
pub fn readlinkat(dirfd: i32, path: u64, buf: u64, size: usize) -> SysResult {
    if size == 0 {
        return Err(Errno::EINVAL);
    }
    let abs = at_path(dirfd, path)?;
    let parts = vfs::components(&abs);
    let target = match parts.as_slice() {
        ["proc", who, "exe"] => {
            let p = match *who {
                "self" => scheduler::current(),
                pid => pid.parse().ok().and_then(scheduler::get).ok_or(Errno::ENOENT)?,
            };
            let exe = p.exe.borrow().clone();
            exe
        }
        _ => match vfs::locate(&parts, false)? {
            Place::Shared(fid) => p9fs::readlink(&fid)?,
            Place::Local(_) => {
                vfs::lstat_path(&parts)?;
                return Err(Errno::EINVAL);
            }
        },
    };
    let n = target.len().min(size);
    copy_to_user(buf, &target.as_bytes()[..n])?;
    Ok(n)
}

/// A `struct stat` time as statx gives it.
fn statx_time(sec: i64, nsec: u64) -> StatxTimestamp {
    StatxTimestamp { tv_sec: sec, tv_nsec: nsec as u32, __reserved: 0 }
}

/// statx(dirfd, path, flags, mask, buf): what newfstatat knows, in
/// `struct statx`, checked as Linux's statx does. Every field of
/// STATX_BASIC_STATS is filled whatever `mask` asks (Linux may do so), and
/// STATX_MNT_ID (one file system: mount 1); there is no birth time.
pub fn statx(dirfd: i32, path: u64, flags: u32, mask: u32, buf: u64) -> SysResult {
    const FLAGS: u32 = AT_SYMLINK_NOFOLLOW | AT_NO_AUTOMOUNT | AT_EMPTY_PATH | AT_STATX_SYNC_TYPE;
    if flags & !FLAGS != 0 || flags & AT_STATX_SYNC_TYPE == AT_STATX_SYNC_TYPE || mask & STATX__RESERVED != 0 {
        return Err(Errno::EINVAL);
    }
    let st = stat_at(dirfd, path, flags)?;
    let x = Statx {
        stx_mask: STATX_BASIC_STATS | STATX_MNT_ID,
        stx_blksize: st.st_blksize as u32,
        stx_nlink: st.st_nlink,
        stx_uid: st.st_uid,
        stx_gid: st.st_gid,
        stx_mode: st.st_mode as u16,
        stx_ino: st.st_ino,
        stx_size: st.st_size as u64,
        stx_blocks: st.st_blocks as u64,
        stx_atime: statx_time(st.st_atime, st.st_atime_nsec),
        stx_ctime: statx_time(st.st_ctime, st.st_ctime_nsec),
        stx_mtime: statx_time(st.st_mtime, st.st_mtime_nsec),
        stx_rdev_major: dev_major(st.st_rdev),
        stx_rdev_minor: dev_minor(st.st_rdev),
        stx_dev_major: dev_major(st.st_dev),
        stx_dev_minor: dev_minor(st.st_dev),
        stx_mnt_id: 1,
        ..Statx::default()
    };
    write_value(buf, &x)?;
    Ok(0)
}

/// set_robust_list: `len` must be that of `struct robust_list_head`; the
/// list is walked when the thread exits (proc/robust.rs).
pub fn set_robust_list(head: u64, len: usize) -> SysResult {
    if len != ROBUST_LIST_HEAD_LEN {
        return Err(Errno::EINVAL);
    }
    scheduler::current().robust_list.set(head);
    Ok(0)
}

/// get_robust_list of thread `tid` (0: the caller): the head and its length.
pub fn get_robust_list(tid: i32, head: u64, len: u64) -> SysResult {
    let t = match tid {
        0 => scheduler::current(),
        t => scheduler::get(t as u32).filter(|t| !t.is_zombie()).ok_or(Errno::ESRCH)?,
    };
    write_value(head, &t.robust_list.get())?;
    write_value(len, &(ROBUST_LIST_HEAD_LEN as u64))?;
    Ok(0)
}

/// The limits every process has (soft, hard); `None` for an unknown resource.
fn limit(resource: u32) -> Option<Rlimit> {
    let (cur, max) = match resource {
        RLIMIT_STACK => (crate::memlayout::STACK_LIMIT, RLIM_INFINITY),
        RLIMIT_NOFILE => (vfs::MAX_FDS as u64, vfs::MAX_FDS as u64),
        RLIMIT_NPROC => (crate::memlayout::MAX_PROCS as u64, crate::memlayout::MAX_PROCS as u64),
        RLIMIT_CORE => (0, RLIM_INFINITY),
        RLIMIT_CPU | RLIMIT_FSIZE | RLIMIT_DATA | RLIMIT_RSS | RLIMIT_MEMLOCK | RLIMIT_AS => {
            (RLIM_INFINITY, RLIM_INFINITY)
        }
        _ => return None,
    };
    Some(Rlimit { rlim_cur: cur, rlim_max: max })
}

/// prlimit64 of the caller (pid 0 or its own): reports the fixed limits. A
/// new limit is checked as Linux does (soft above hard: EINVAL; raising the
/// hard limit: EPERM) but the limits stay fixed.
pub fn prlimit64(pid: i32, resource: u32, new: u64, old: u64) -> SysResult {
    let me = scheduler::current();
    if pid != 0 && pid as u32 != me.tgid && pid as u32 != me.pid {
        return Err(Errno::ESRCH);
    }
    let lim = limit(resource).ok_or(Errno::EINVAL)?;
    if new != 0 {
        let (cur, max) = (read_value::<u64>(new)?, read_value::<u64>(new + 8)?);
        if cur > max {
            return Err(Errno::EINVAL);
        }
        if max > lim.rlim_max {
            return Err(Errno::EPERM);
        }
    }
    if old != 0 {
        write_value(old, &lim.rlim_cur)?;
        write_value(old + 8, &lim.rlim_max)?;
    }
    Ok(0)
}

/// sched_getaffinity: one hart, CPU 0; returns the bytes written.
pub fn sched_getaffinity(pid: i32, len: usize, mask: u64) -> SysResult {
    if pid != 0 && scheduler::get(pid as u32).is_none() {
        return Err(Errno::ESRCH);
    }
    if len < CPU_SET_MIN_BYTES || len % CPU_SET_MIN_BYTES != 0 {
        return Err(Errno::EINVAL);
    }
    write_value(mask, &1u64)?;
    Ok(CPU_SET_MIN_BYTES)
}
