//! Memory system calls: brk (mmap and the rest come with issue 4).

use super::SysResult;
use crate::proc::scheduler;
use sv39_abi::Errno;

/// brk: moves the program break; returns the break in force (Linux's
/// convention: the old break when the move failed).
pub fn brk(addr: u64) -> SysResult {
    let p = scheduler::current();
    let mut inner = p.inner.borrow_mut();
    let space = inner.space.as_mut().ok_or(Errno::ENOMEM)?;
    Ok(space.set_brk(addr) as usize)
}
