//! Swap areas on block devices: `swapon`/`swapoff` as Linux's (a `mkswap`ed
//! device, priorities), the slot maps, and the figures of /proc/swaps and
//! /proc/meminfo. The areas take slots from the highest priority first.
//!
//! Half-built (issue 10): nothing writes pages to swap yet; the reclaim
//! that would (a clock scan over the A bits) is still to come, so every
//! area's slots stay free.

use crate::drivers::virtio::blk::{self, Op};
use crate::mm::frame::Frame;
use crate::sync::Global;
use alloc::string::String;
use alloc::vec::Vec;
use guest_os::mm::swap_map::{parse_header, SwapMap, PAGE_SIZE};
use sv39_abi::Errno;

/// `swapon` flags (linux/swap.h).
pub const SWAP_FLAG_PREFER: u32 = 0x8000;
pub const SWAP_FLAG_PRIO_MASK: u32 = 0x7fff;
const SWAP_FLAG_DISCARD: u32 = 0x10000;
const SWAP_FLAG_DISCARD_ONCE: u32 = 0x20000;
const SWAP_FLAG_DISCARD_PAGES: u32 = 0x40000;
const SWAP_FLAGS_VALID: u32 =
    SWAP_FLAG_PRIO_MASK | SWAP_FLAG_PREFER | SWAP_FLAG_DISCARD | SWAP_FLAG_DISCARD_ONCE | SWAP_FLAG_DISCARD_PAGES;

struct Area {
    disk: usize,
    /// The path it was switched on by, for /proc/swaps.
    name: String,
    priority: i32,
    map: SwapMap,
}

struct Areas {
    list: Vec<Area>,
    /// The priority of the next area switched on without SWAP_FLAG_PREFER:
    /// -2, -3, ... as Linux gives them.
    next_default: i32,
}

static AREAS: Global<Areas> = Global::new(Areas { list: Vec::new(), next_default: -2 });

/// A line of /proc/swaps.
pub struct AreaInfo {
    pub name: String,
    pub size_kb: u64,
    pub used_kb: u64,
    pub priority: i32,
}

/// Switches on swap to disk `disk` (opened as `name`): reads and checks
/// its header. EINVAL for bad flags or no swap signature, EBUSY when it is
/// on already.
pub fn swapon(disk: usize, name: &str, flags: u32) -> Result<(), Errno> {
    if flags & !SWAP_FLAGS_VALID != 0 {
        return Err(Errno::EINVAL);
    }
    if AREAS.borrow().list.iter().any(|a| a.disk == disk) {
        return Err(Errno::EBUSY);
    }
    let (bytes, _) = blk::geometry(disk).ok_or(Errno::ENXIO)?;
    let frame = Frame::alloc().map_err(|_| Errno::ENOMEM)?;
    blk::transfer(disk, Op::Read, 0, frame.pa().as_u64(), PAGE_SIZE as u32)?;
    let last = parse_header(frame.bytes(), bytes / PAGE_SIZE as u64).map_err(|_| Errno::EINVAL)?;
    let mut areas = AREAS.borrow_mut();
    let priority = if flags & SWAP_FLAG_PREFER != 0 {
        (flags & SWAP_FLAG_PRIO_MASK) as i32
    } else {
        areas.next_default -= 1;
        areas.next_default + 1
    };
    let area = Area { disk, name: String::from(name), priority, map: SwapMap::new(last) };
    let at = areas.list.iter().position(|a| a.priority < priority).unwrap_or(areas.list.len());
    areas.list.insert(at, area);
    Ok(())
}

/// Switches off swap to `disk`. EINVAL when it is not on; EBUSY while any
/// of its slots holds a page (bringing them back in is not built yet).
pub fn swapoff(disk: usize) -> Result<(), Errno> {
    let mut areas = AREAS.borrow_mut();
    let at = areas.list.iter().position(|a| a.disk == disk).ok_or(Errno::EINVAL)?;
    if areas.list[at].map.free() != areas.list[at].map.total() {
        return Err(Errno::EBUSY);
    }
    areas.list.remove(at);
    Ok(())
}

/// (total, free) swap in pages, over every area.
pub fn totals() -> (u64, u64) {
    let areas = AREAS.borrow();
    areas.list.iter().fold((0, 0), |(t, f), a| (t + u64::from(a.map.total()), f + u64::from(a.map.free())))
}

/// The areas, highest priority first.
pub fn areas() -> Vec<AreaInfo> {
    let kb = |pages: u32| u64::from(pages) * PAGE_SIZE as u64 / 1024;
    let areas = AREAS.borrow();
    areas
        .list
        .iter()
        .map(|a| AreaInfo {
            name: a.name.clone(),
            size_kb: kb(a.map.total()),
            used_kb: kb(a.map.total() - a.map.free()),
            priority: a.priority,
        })
        .collect()
}
