//! Boot: the entry code (entry.S: M-mode set-up, drop to S-mode, boot page
//! table), the M-mode trap handler (mtrap.S), and `kmain`, which brings the
//! kernel up from the device tree and starts init.

use crate::dtb::{self, Board};
use crate::fs::{self, vfs};
use crate::memlayout::{self, heap_size, phys_to_virt, virt_to_phys};
use crate::mm::{address_space, frame, heap, kernel_space, swap};
use crate::proc::{self, exec, scheduler};
use crate::{cpu, drivers, println, rand, timer, trap};
use alloc::string::String;
use alloc::vec::Vec;
use core::arch::global_asm;
use sv39_abi::bootargs;
use sv39_arch::memmap::CLINT_MTIMECMP;
use sv39_arch::sv39::PAGE_SIZE;
use sv39_arch::PhysAddr;

global_asm!(include_str!("entry.S"));
global_asm!(include_str!("mtrap.S"));

mod symbols {
    extern "C" {
        pub static boot_stack_guard: u8;
    }
}

/// The kernel address of the boot stack's guard page (left unmapped).
pub fn boot_stack_guard() -> u64 {
    core::ptr::addr_of!(symbols::boot_stack_guard) as u64
}

/// Whether the boot log is wanted (`verbose`).
static VERBOSE: core::sync::atomic::AtomicBool = core::sync::atomic::AtomicBool::new(false);

macro_rules! log {
    ($($arg:tt)*) => {
        if VERBOSE.load(core::sync::atomic::Ordering::Relaxed) {
            println!("[kernel] {}", format_args!($($arg)*));
        }
    };
}

/// The S-mode entry on the boot hart, on the boot stack, with the boot page
/// table (entry.S). Never returns.
#[no_mangle]
extern "C" fn kmain(hartid: u64, dtb_pa: u64) -> ! {
    // SAFETY: QEMU's reset ROM and sv39 pass a DTB in a1, reserved below.
    let board = unsafe { dtb::parse(phys_to_virt(PhysAddr(dtb_pa)).as_u64(), dtb_pa, hartid) };
    drivers::init(&board);
    VERBOSE.store(bootargs::flag(board.bootargs, "verbose"), core::sync::atomic::Ordering::Relaxed);
    // The log waits for the devices: a virtio console may carry it.
    let memory = init_memory(&board);
    let devices = drivers::init_virtio(&board);
    log!(
        "sv39 guest-os on hart {hartid}: {} MiB RAM at {:#x}, isa {}",
        board.ram.size >> 20,
        board.ram.base,
        board.isa
    );
    log!("{memory}");
    for line in devices {
        log!("{line}");
    }
    trap::init();
    scheduler::register_spaces();
    address_space::init_asids(cpu::probe_asid_bits());
    rand::init(board.rng_seed, cpu::time());
    address_space::set_randomize(!bootargs::flag(board.bootargs, "norandmaps"));
    proc::set_eager_fork(bootargs::flag(board.bootargs, "nocow"));
    start_timer(&board, hartid);
    unpack_initrd(&board);
    if let Err(e) = address_space::init_vdso() {
        panic!("cannot make the signal trampoline: {e:?}");
    }
    start_swap(&board);
    mount_shares(&board);
    start_init(&board);
    scheduler::run()
}

/// The heap right after the kernel image, frames for the rest of RAM
/// (except the initrd and the DTB), the zero page, then the kernel page
/// table; a line for the boot log.
fn init_memory(board: &Board) -> String {
    let ram_end = board.ram.base + board.ram.size;
    let image_end = virt_to_phys(memlayout::kernel_sections().end).as_u64();
    let heap_len = heap_size(board.ram.size);
    let frames_start = image_end + heap_len;
    assert!(frames_start + (4 << 20) <= ram_end, "too little RAM: {} MiB", board.ram.size >> 20);
    // SAFETY: [image_end, frames_start) is RAM past the image, used for nothing else.
    unsafe { heap::init(phys_to_virt(PhysAddr(image_end)).as_u64(), heap_len) };
    let first = PhysAddr(frames_start).ppn();
    frame::init(first, (ram_end / PAGE_SIZE - first.0) as usize);
    let mut reserved: Vec<(u64, u64)> = board.initrd.into_iter().chain([board.dtb]).collect();
    reserved.sort();
    if let Some(&(start, _)) = reserved.first() {
        assert!(start >= frames_start, "the initrd or DTB at {start:#x} overlaps the kernel heap");
    }
    let mut at = frames_start;
    for (start, end) in reserved {
        frame::release(PhysAddr(at), PhysAddr(start.max(at)));
        at = at.max((end + PAGE_SIZE - 1) & !(PAGE_SIZE - 1));
    }
    frame::release(PhysAddr(at), PhysAddr(ram_end));
    if frame::init_zero_page().is_err() {
        panic!("no frame for the zero page");
    }
    let devices = [Some(board.uart), Some(board.plic), board.finisher];
    let virtio = board.virtio.iter().flatten().map(|&(m, _)| m);
    let devices: Vec<(u64, u64)> = devices.into_iter().flatten().chain(virtio).map(|d| (d.base, d.size)).collect();
    if let Err(e) = kernel_space::init(board.ram.base, ram_end, &devices, boot_stack_guard()) {
        panic!("cannot build the kernel page table: {e:?}");
    }
    let (free, total) = frame::counts();
    alloc::format!("memory: heap {} KiB, {free} of {total} frames free", heap_len / 1024)
}

/// Ticks through Sstc, or the CLINT when Sstc is missing or `nosstc` is
/// given; the CLINT's comparator is parked at "never" either way.
fn start_timer(board: &Board, hartid: u64) {
    let sstc = board.sstc && !bootargs::flag(board.bootargs, "nosstc");
    let mtimecmp = match (sstc, board.clint) {
        (_, Some(c)) => c.base + CLINT_MTIMECMP + 8 * hartid,
        (true, None) => 0,
        (false, None) => panic!("no Sstc and no CLINT: the kernel has no timer"),
    };
    let finisher = board.finisher.map_or(0, |f| f.base);
    timer::init(board.timebase_hz, sstc, mtimecmp, finisher);
    log!("timer: {} Hz timebase, {}", board.timebase_hz, if timer::uses_sstc() { "Sstc" } else { "CLINT via M-mode" });
}

/// Unpacks the initramfs into the ramfs. The archive stays where it is, as
/// the store the files' pages are read from (a major fault each).
fn unpack_initrd(board: &Board) {
    let Some((start, end)) = board.initrd else {
        println!("[kernel] no initramfs: boot with -initrd (QEMU) or sv39 run; powering off");
        drivers::finisher::power_off(1);
    };
    // SAFETY: the initrd is RAM in the direct map, reserved from the frame
    // pool for good and never written: 'static and immutable.
    let archive: &'static [u8] = unsafe {
        core::slice::from_raw_parts(phys_to_virt(PhysAddr(start)).as_u64() as *const u8, (end - start) as usize)
    };
    fs::ramfs::init();
    match fs::unpack(archive) {
        Ok(n) => log!("initramfs: {n} entries, {} KiB", (end - start) / 1024),
        Err(e) => panic!("bad initramfs: {e}"),
    }
    if let Err(e) = fs::add_standard_nodes() {
        panic!("cannot create /dev, /tmp, /proc: {e:?}");
    }
}

/// `swap=/dev/vdX` on the command line (as `sv39 run --swap` puts it):
/// swapon before init runs, as a boot script's `swapon -a` would.
fn start_swap(board: &Board) {
    let Some(path) = bootargs::param(board.bootargs, "swap").map(word) else { return };
    let result = vfs::disk_at(&vfs::components(&path)).and_then(|disk| swap::swapon(disk, &path, 0));
    match result {
        Ok(()) => log!("swap: {path}, {} KiB", swap::totals().0 * 4),
        Err(e) => println!("[kernel] swap={path}: {}", e.description()),
    }
}

/// Each `share=TAG:GUESTDIR` of the command line: the 9p device tagged TAG
/// mounted at GUESTDIR, made with its parents in the ramfs as needed. A
/// share that cannot be mounted gets a line and is left out.
fn mount_shares(board: &Board) {
    let words = bootargs::kernel_params(board.bootargs).map(|w| w.bytes().collect::<Vec<u8>>());
    let specs = words.filter_map(|w| Some(String::from_utf8_lossy(w.strip_prefix(b"share=")?).into_owned()));
    for spec in specs {
        let Some((tag, dir)) = spec.split_once(':') else {
            println!("[kernel] share={spec}: not TAG:GUESTDIR");
            continue;
        };
        match mount_share(tag, dir) {
            Ok(()) => log!("share: {tag} at {dir}"),
            Err(e) => println!("[kernel] share={spec}: {}", e.description()),
        }
    }
}

fn mount_share(tag: &str, dir: &str) -> Result<(), sv39_abi::Errno> {
    let parts = vfs::resolve("/", dir)?;
    for depth in 1..=parts.len() {
        match vfs::mkdir(&parts[..depth], 0o755) {
            Ok(()) | Err(sv39_abi::Errno::EEXIST) => {}
            Err(e) => return Err(e),
        }
    }
    fs::p9fs::mount(tag, parts.iter().map(|s| String::from(*s)).collect())
}

/// Makes pid 1 and execs init with the bootargs' words after `--`.
fn start_init(board: &Board) {
    let files = stdio().unwrap_or_else(|e| panic!("no /dev/console: {e:?}"));
    let init_path = bootargs::param(board.bootargs, "init").map_or(String::from(bootargs::INIT_PATH), |w| word(w));
    let mut argv: Vec<Vec<u8>> = alloc::vec![b"init".to_vec()];
    argv.extend(bootargs::init_args(board.bootargs).map(|w| w.bytes().collect()));
    let envp: Vec<Vec<u8>> = bootargs::INIT_ENVP.iter().map(|e| e.as_bytes().to_vec()).collect();
    // `cwd=DIR`: where init (and so the program and the shell) starts.
    let cwd = bootargs::param(board.bootargs, "cwd").map_or(String::from("/"), word);
    let cwd = vfs::resolve("/", &cwd).map_or(String::from("/"), |p| vfs::join(&p));
    let p = proc::create_init(files, cwd).unwrap_or_else(|e| panic!("cannot create init: {e:?}"));
    let parts = vfs::components(&init_path);
    // SAFETY: init has not run yet; its trap frame is ours to fill.
    let frame = unsafe { &mut *p.trap_frame() };
    if let Err(e) = exec::exec(&p, frame, &parts, &argv, &envp) {
        println!("[kernel] cannot run {init_path}: {}", e.description());
        drivers::finisher::power_off(1);
    }
    log!("init: {init_path} with {} arguments", argv.len() - 1);
}

/// Init's fds 0, 1 and 2: /dev/console, read-write, where the stream is
/// the terminal; else the stream's virtio console port as bytes (stdin
/// read-only, stdout and stderr write-only, as shells redirect them).
fn stdio() -> Result<vfs::FdTable, sv39_abi::Errno> {
    use crate::console::{has_stderr_port, is_terminal, Stream};
    use sv39_abi::fcntl::{O_RDONLY, O_RDWR, O_WRONLY};
    let stderr = if has_stderr_port() { "vport0p1" } else { "vport0p0" };
    let mut files = vfs::FdTable::default();
    for (s, port, flags) in [
        (Stream::Stdin, "vport0p0", O_RDONLY),
        (Stream::Stdout, "vport0p0", O_WRONLY),
        (Stream::Stderr, stderr, O_WRONLY),
    ] {
        let (name, flags) = if is_terminal(s) { ("console", O_RDWR) } else { (port, flags) };
        let file = vfs::open(&["dev", name], flags, 0)?;
        files.insert(vfs::Fd { file, cloexec: false })?;
    }
    Ok(files)
}

/// A bootargs word as a string.
fn word(w: bootargs::Word) -> String {
    String::from_utf8_lossy(&w.bytes().collect::<Vec<u8>>()).into_owned()
}
