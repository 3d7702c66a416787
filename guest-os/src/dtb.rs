//! What the device tree says about the board: RAM, the UART, the PLIC and the
//! boot hart's S-mode context on it, the CLINT, the test finisher, the
//! timebase, whether the harts have Sstc, and /chosen (bootargs, initrd,
//! rng-seed). Read once at boot with the `fdt` crate; the strings and the seed
//! point into the DTB, which stays reserved and mapped for the kernel's life.

use fdt::node::FdtNode;
use fdt::Fdt;

/// A device's registers.
#[derive(Clone, Copy, Debug)]
pub struct Mmio {
    pub base: u64,
    pub size: u64,
}

/// The most virtio-mmio slots the kernel looks at (QEMU's virt has 8).
pub const MAX_VIRTIO: usize = 8;

/// The board as the DTB describes it.
pub struct Board {
    pub ram: Mmio,
    pub uart: Mmio,
    /// `reg-shift` of the UART: registers are `1 << shift` bytes apart.
    pub uart_reg_shift: u32,
    pub uart_irq: u32,
    pub plic: Mmio,
    /// The PLIC context of the boot hart's S-mode external interrupt.
    pub plic_context: usize,
    pub clint: Option<Mmio>,
    pub finisher: Option<Mmio>,
    /// The virtio-mmio slots with their PLIC sources, by address (QEMU's
    /// virtio-mmio-bus.0 first), empty ones included.
    pub virtio: [Option<(Mmio, u32)>; MAX_VIRTIO],
    pub timebase_hz: u64,
    pub sstc: bool,
    pub isa: &'static str,
    pub bootargs: &'static str,
    /// Physical `[start, end)` of the initramfs.
    pub initrd: Option<(u64, u64)>,
    pub rng_seed: &'static [u8],
    /// Physical `[start, end)` of the DTB itself.
    pub dtb: (u64, u64),
}

/// Reads the tree at kernel address `va` (physical `pa`) for hart `hartid`.
///
/// # Safety
/// `va` must point to a DTB that stays mapped and unchanged from now on.
pub unsafe fn parse(va: u64, pa: u64, hartid: u64) -> Board {
    // SAFETY: the caller guarantees a valid tree that lives for 'static.
    let fdt: Fdt<'static> = match unsafe { Fdt::from_ptr(va as *const u8) } {
        Ok(f) => f,
        Err(e) => panic!("no device tree at {pa:#x}: {e:?}"),
    };
    board(&fdt, pa, hartid)
}

fn board(fdt: &Fdt<'static>, pa: u64, hartid: u64) -> Board {
    let uart = compatible(fdt, &["ns16550a", "ns16550"]).expect("the DTB has no ns16550a UART");
    let plic = compatible(fdt, &["sifive,plic-1.0.0", "riscv,plic0"]).expect("the DTB has no PLIC");
    let cpu = boot_cpu(fdt, hartid);
    let isa = cpu.property("riscv,isa").and_then(|p| p.as_str()).unwrap_or("");
    let chosen = fdt.find_node("/chosen");
    Board {
        ram: memory(fdt),
        uart: reg(&uart),
        uart_reg_shift: prop_u64(&uart, "reg-shift").unwrap_or(0) as u32,
        uart_irq: uart.interrupts().and_then(|mut i| i.next()).expect("the UART has no interrupt") as u32,
        plic: reg(&plic),
        plic_context: plic_context(&plic, &cpu),
        clint: compatible(fdt, &["sifive,clint0", "riscv,clint0"]).map(|n| reg(&n)),
        finisher: compatible(fdt, &["sifive,test1", "sifive,test0"]).map(|n| reg(&n)),
        virtio: virtio_slots(fdt),
        timebase_hz: timebase(fdt, &cpu),
        sstc: isa.split('_').any(|ext| ext == "sstc"),
        isa,
        bootargs: fdt.chosen().bootargs().unwrap_or(""),
        initrd: chosen.and_then(initrd),
        rng_seed: chosen.and_then(|c| c.property("rng-seed")).map_or(&[], |p| p.value),
        dtb: (pa, pa + fdt.total_size() as u64),
    }
}

fn virtio_slots(fdt: &Fdt<'static>) -> [Option<(Mmio, u32)>; MAX_VIRTIO] {
    let mut slots = [None; MAX_VIRTIO];
    let nodes = fdt.all_nodes().filter(|n| n.compatible().is_some_and(|c| c.all().any(|c| c == "virtio,mmio")));
    let found = nodes.filter_map(|n| Some((reg(&n), n.interrupts()?.next()? as u32)));
    for (i, slot) in found.take(MAX_VIRTIO).enumerate() {
        slots[i] = Some(slot);
    }
    let n = slots.iter().flatten().count();
    slots[..n].sort_unstable_by_key(|s| s.map(|(m, _)| m.base));
    slots
}

fn compatible<'b>(fdt: &'b Fdt<'static>, with: &[&str]) -> Option<FdtNode<'b, 'static>> {
    fdt.find_compatible(with)
}

fn prop_u64(node: &FdtNode, name: &str) -> Option<u64> {
    node.property(name).and_then(|p| p.as_usize()).map(|v| v as u64)
}

/// The first `reg` region of `node`.
fn reg(node: &FdtNode) -> Mmio {
    let r = node.reg().and_then(|mut r| r.next());
    let r = r.unwrap_or_else(|| panic!("DTB node {} has no reg", node.name));
    Mmio { base: r.starting_address as u64, size: r.size.unwrap_or(0) as u64 }
}

fn memory(fdt: &Fdt) -> Mmio {
    let r = fdt.memory().regions().next().expect("the DTB has no memory node");
    Mmio { base: r.starting_address as u64, size: r.size.unwrap_or(0) as u64 }
}

/// The `/cpus/cpu@N` node whose `reg` is `hartid`.
fn boot_cpu<'b>(fdt: &'b Fdt<'static>, hartid: u64) -> FdtNode<'b, 'static> {
    let cpus = fdt.find_node("/cpus").expect("the DTB has no /cpus");
    cpus.children()
        .find(|c| c.name.starts_with("cpu@") && prop_u64(c, "reg") == Some(hartid))
        .unwrap_or_else(|| panic!("the DTB has no cpu node for hart {hartid}"))
}

fn timebase(fdt: &Fdt, cpu: &FdtNode) -> u64 {
    prop_u64(cpu, "timebase-frequency")
        .or_else(|| fdt.find_node("/cpus").and_then(|c| prop_u64(&c, "timebase-frequency")))
        .expect("the DTB gives no timebase-frequency")
}

/// The index of the (intc, 9 = S-mode external) pair in the PLIC's
/// `interrupts-extended` that names the boot hart's interrupt controller.
fn plic_context(plic: &FdtNode, cpu: &FdtNode) -> usize {
    let intc = cpu.children().find(|c| c.name.starts_with("interrupt-controller"));
    let phandle = intc.and_then(|n| prop_u64(&n, "phandle")).expect("the boot cpu has no interrupt controller");
    let cells = plic.property("interrupts-extended").expect("the PLIC has no interrupts-extended").value;
    let word =
        |i: usize| u32::from_be_bytes([cells[4 * i], cells[4 * i + 1], cells[4 * i + 2], cells[4 * i + 3]]) as u64;
    (0..cells.len() / 8)
        .position(|k| word(2 * k) == phandle && word(2 * k + 1) == sv39_arch::cause::irq::SEI)
        .expect("the PLIC has no S-mode context for the boot hart")
}

fn initrd(chosen: FdtNode) -> Option<(u64, u64)> {
    let start = prop_u64(&chosen, "linux,initrd-start")?;
    let end = prop_u64(&chosen, "linux,initrd-end")?;
    (end > start).then_some((start, end))
}
