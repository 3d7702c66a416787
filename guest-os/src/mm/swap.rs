//! Swap areas on block devices: `swapon`/`swapoff` as Linux's (a `mkswap`ed
//! device, priorities), the slot maps, the swap cache (guest_os's
//! mm/swap_cache.rs) over them, the watermarks that start reclaim, and the
//! figures of /proc/swaps, /proc/meminfo and /proc/vmstat. The areas give
//! slots from the highest priority first.
//!
//! Page I/O waits on the hart (polled, not sleeping as file I/O does): a
//! page-out runs inside a fault, while the faulting process holds its
//! address space, which no other process may then touch.

use crate::drivers::virtio::blk::{self, Op};
use crate::mm::address_space;
use crate::mm::frame::{self, Frame};
use crate::sync::Global;
use alloc::string::String;
use alloc::vec::Vec;
use guest_os::mm::swap_cache::{SwapCache, SwapIn, SwapInError, SwapIo, SwapSlot, SwapStats};
use guest_os::mm::swap_map::{parse_header, SwapMap, PAGE_SIZE};
use guest_os::mm::uvm::FaultError;
use sv39_abi::Errno;
use sv39_arch::Ppn;

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
    /// Being switched off: it takes no new pages.
    draining: bool,
}

struct Areas {
    list: Vec<Area>,
    /// The priority of the next area switched on without SWAP_FLAG_PREFER:
    /// -2, -3, ... as Linux gives them.
    next_default: i32,
}

impl Areas {
    fn of(&mut self, slot: SwapSlot) -> Option<&mut Area> {
        self.list.iter_mut().find(|a| a.disk == slot.area())
    }
}

struct Swap {
    areas: Areas,
    cache: SwapCache,
}

static SWAP: Global<Swap> =
    Global::new(Swap { areas: Areas { list: Vec::new(), next_default: -2 }, cache: SwapCache::new() });

/// What the file systems give back under pressure: the pages of their page
/// caches that no mapping holds. fs registers it, so mm does not name fs.
#[derive(Clone, Copy)]
pub struct FileCaches {
    /// Frees up to `want` frames (clean pages dropped, dirty ones put out);
    /// how many.
    pub reclaim: fn(usize) -> usize,
    /// Reads back every page put out to swap area `area` (swapoff).
    pub bring_in_area: fn(usize) -> Result<usize, Errno>,
}

static FILE_CACHES: Global<Option<FileCaches>> = Global::new(None);

pub fn register_file_caches(caches: FileCaches) {
    *FILE_CACHES.borrow_mut() = Some(caches);
}

fn file_caches() -> Option<FileCaches> {
    *FILE_CACHES.borrow()
}

/// Sectors of a page.
const PAGE_SECTORS: u64 = PAGE_SIZE as u64 / 512;
/// Pages reclaimed at most before one fault goes on.
const RECLAIM_BATCH: usize = 32;

/// The cache's frames, slots and disk I/O.
struct Io<'a>(&'a mut Areas);

impl SwapIo for Io<'_> {
    fn frame_alloc(&mut self) -> Option<Ppn> {
        Frame::alloc_for_device().ok().map(Frame::into_raw)
    }

    fn frame_get(&mut self, ppn: Ppn) {
        frame::get(ppn);
    }

    fn frame_put(&mut self, ppn: Ppn) {
        frame::put(ppn);
    }

    fn frame_count(&self, ppn: Ppn) -> u32 {
        frame::refs(ppn)
    }

    fn slot_alloc(&mut self) -> Option<SwapSlot> {
        let mut open = self.0.list.iter_mut().filter(|a| !a.draining);
        open.find_map(|a| a.map.alloc().map(|page| SwapSlot::new(a.disk, page)))
    }

    fn slot_dup(&mut self, slot: SwapSlot) {
        if let Some(a) = self.0.of(slot) {
            a.map.dup(slot.page());
        }
    }

    fn slot_put(&mut self, slot: SwapSlot) -> u16 {
        self.0.of(slot).map_or(0, |a| {
            a.map.put(slot.page());
            a.map.count(slot.page())
        })
    }

    fn write_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool {
        page_io(slot, Op::Write, ppn)
    }

    fn read_page(&mut self, slot: SwapSlot, ppn: Ppn) -> bool {
        page_io(slot, Op::Read, ppn)
    }
}

fn page_io(slot: SwapSlot, op: Op, ppn: Ppn) -> bool {
    let sector = u64::from(slot.page()) * PAGE_SECTORS;
    blk::transfer_polled(slot.area(), op, sector, ppn.addr().as_u64(), PAGE_SIZE as u32).is_ok()
}

fn with_cache<T>(f: impl FnOnce(&mut SwapCache, &mut Io) -> T) -> T {
    let mut swap = SWAP.borrow_mut();
    let Swap { areas, cache } = &mut *swap;
    f(cache, &mut Io(areas))
}

/// A PTE gives up `ppn` for a slot (see SwapCache::swap_out).
pub fn swap_out(ppn: Ppn) -> Option<SwapSlot> {
    with_cache(|c, io| c.swap_out(io, ppn))
}

pub fn swap_in(slot: SwapSlot) -> Result<SwapIn, SwapInError> {
    with_cache(|c, io| c.swap_in(io, slot))
}

/// A page cache's page goes to a slot of its own (see SwapCache::write_alone).
pub fn write_alone(ppn: Ppn) -> Option<SwapSlot> {
    with_cache(|c, io| c.write_alone(io, ppn))
}

/// Reads a page cache's page back from `slot` into `ppn`.
pub fn read_alone(slot: SwapSlot, ppn: Ppn) -> bool {
    with_cache(|c, io| c.read_alone(io, slot, ppn))
}

pub fn dup(slot: SwapSlot) {
    with_cache(|c, io| c.dup(io, slot));
}

pub fn free(slot: SwapSlot) {
    with_cache(|c, io| c.free(io, slot));
}

pub fn stats() -> SwapStats {
    SWAP.borrow().cache.stats()
}

/// Frames in the swap cache (SwapCached).
pub fn cached_pages() -> usize {
    SWAP.borrow().cache.len()
}

/// Pages to reclaim before a fault takes a frame: under the low watermark
/// (1/64 of the frames, 32 to 1024) up to twice it, by batches, while swap
/// has free slots.
pub fn reclaim_wanted() -> usize {
    let (free, total) = frame::counts();
    let low = (total / 64).clamp(32, 1024);
    if free >= low || !SWAP.borrow().areas.list.iter().any(|a| !a.draining && a.map.free() > 0) {
        return 0;
    }
    (2 * low - free).min(RECLAIM_BATCH)
}

/// Reclaims up to `want` pages: cached swap pages nothing maps, file pages
/// nothing maps, then the clock over every address space not in use (the
/// faulting one reclaims from itself after).
pub fn reclaim_elsewhere(want: usize) -> usize {
    let mut got = with_cache(|c, io| c.shrink(io, want));
    if let Some(files) = file_caches().filter(|_| got < want) {
        got += (files.reclaim)(want - got);
    }
    address_space::for_each_space(&mut |space| {
        if got < want {
            got += space.reclaim(want - got);
        }
    });
    got
}

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
    if SWAP.borrow().areas.list.iter().any(|a| a.disk == disk) {
        return Err(Errno::EBUSY);
    }
    let (bytes, _) = blk::geometry(disk).ok_or(Errno::ENXIO)?;
    let frame = Frame::alloc().map_err(|_| Errno::ENOMEM)?;
    blk::transfer(disk, Op::Read, 0, frame.pa().as_u64(), PAGE_SIZE as u32)?;
    let last = parse_header(frame.bytes(), bytes / PAGE_SIZE as u64).map_err(|_| Errno::EINVAL)?;
    let mut swap = SWAP.borrow_mut();
    let areas = &mut swap.areas;
    let priority = if flags & SWAP_FLAG_PREFER != 0 {
        (flags & SWAP_FLAG_PRIO_MASK) as i32
    } else {
        areas.next_default -= 1;
        areas.next_default + 1
    };
    let area = Area { disk, name: String::from(name), priority, map: SwapMap::new(last), draining: false };
    let at = areas.list.iter().position(|a| a.priority < priority).unwrap_or(areas.list.len());
    areas.list.insert(at, area);
    Ok(())
}

/// Switches off swap to `disk`, as Linux's `try_to_unuse`: the area takes
/// no new pages, every page in it is read back into the spaces that hold
/// it, then it goes. EINVAL when it is not on; ENOMEM when memory cannot
/// take the pages back (the area stays on, as in Linux).
pub fn swapoff(disk: usize) -> Result<(), Errno> {
    start_draining(disk).ok_or(Errno::EINVAL)?;
    let mut back = Ok(0);
    address_space::for_each_space(&mut |space| {
        if back.is_ok() {
            back = space.swap_in_area(disk);
        }
    });
    if let Some(files) = file_caches().filter(|_| back.is_ok()) {
        back = (files.bring_in_area)(disk).map_err(|_| FaultError::NoMemory);
    }
    let mut swap = SWAP.borrow_mut();
    let at = swap.areas.list.iter().position(|a| a.disk == disk).ok_or(Errno::EINVAL)?;
    let map = &swap.areas.list[at].map;
    if back.is_err() || map.free() != map.total() {
        swap.areas.list[at].draining = false;
        return Err(if back.is_err() { Errno::ENOMEM } else { Errno::EBUSY });
    }
    swap.areas.list.remove(at);
    Ok(())
}

fn start_draining(disk: usize) -> Option<()> {
    let mut swap = SWAP.borrow_mut();
    swap.areas.list.iter_mut().find(|a| a.disk == disk).map(|a| a.draining = true)
}

/// (total, free) swap in pages, over every area.
pub fn totals() -> (u64, u64) {
    let swap = SWAP.borrow();
    let areas = &swap.areas;
    areas.list.iter().fold((0, 0), |(t, f), a| (t + u64::from(a.map.total()), f + u64::from(a.map.free())))
}

/// The areas, highest priority first.
pub fn areas() -> Vec<AreaInfo> {
    let kb = |pages: u32| u64::from(pages) * PAGE_SIZE as u64 / 1024;
    let swap = SWAP.borrow();
    let areas = &swap.areas;
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
