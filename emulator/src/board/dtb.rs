//! The flattened device tree handed to the guest in a1, a copy of the tree
//! QEMU 7.2 builds for `-M virt -bios none` (`hw/riscv/virt.c`) with what
//! sv39 lacks left out: no PMU, fw-cfg, flash, platform bus, RTC or PCIe.
//!
//! Nodes, properties and phandles come in QEMU's order, so `dtc -I dtb -O dts`
//! of both trees can be compared line by line:
//!
//! ```text
//!   /chosen            stdout-path, bootargs, rng-seed, linux,initrd-*
//!   /poweroff /reboot  syscon commands for the test finisher
//!   /memory@80000000
//!   /cpus              timebase 10 MHz; cpu@N with its interrupt-controller; cpu-map
//!   /soc               serial, test, virtio_mmio x8, plic, clint
//! ```

use sv39_arch::cause::irq;
use sv39_arch::memmap::{
    CLINT_BASE, CLINT_SIZE, FINISHER_PASS, FINISHER_RESET, PLIC_BASE, PLIC_SIZE, TEST_BASE, TEST_SIZE, TIMEBASE_HZ,
    UART0_BASE, UART0_IRQ, UART0_SIZE, VIRTIO_BASE, VIRTIO_COUNT, VIRTIO_IRQ, VIRTIO_SIZE,
};
use vm_fdt::{Error, FdtWriter};

/// `riscv,ndev` as QEMU 7.2 writes it: `devices::plic::NUM_SOURCES`.
const PLIC_NDEV: u32 = 96;
/// The UART's input clock (QEMU's `clock-frequency`, 0x384000).
const UART_CLOCK_HZ: u32 = 3_686_400;

/// What varies between runs.
pub struct DtbConfig {
    pub harts: usize,
    pub ram_base: u64,
    pub ram_size: u64,
    /// `riscv,isa` of every hart.
    pub isa: String,
    /// `mmu-type`, e.g. "riscv,sv39".
    pub mmu_type: &'static str,
    pub bootargs: Option<String>,
    /// Physical start and end of the initrd.
    pub initrd: Option<(u64, u64)>,
    pub rng_seed: Option<Vec<u8>>,
    /// The harts implement Sstc: `_sstc` is appended to `isa` if missing.
    pub sstc: bool,
}

/// Phandles, numbered as QEMU numbers them: the harts from the last down (the
/// cpu node, then its interrupt controller), then the PLIC, then the test device.
struct Phandles {
    harts: u32,
}

impl Phandles {
    fn cpu(&self, hart: u32) -> u32 {
        2 * (self.harts - 1 - hart) + 1
    }

    fn intc(&self, hart: u32) -> u32 {
        self.cpu(hart) + 1
    }

    fn plic(&self) -> u32 {
        2 * self.harts + 1
    }

    fn test(&self) -> u32 {
        2 * self.harts + 2
    }
}

/// Builds the tree for `cfg`.
pub fn build(cfg: &DtbConfig) -> Result<Vec<u8>, Error> {
    let harts = u32::try_from(cfg.harts).map_err(|_| Error::TotalSizeTooLarge)?;
    let ph = Phandles { harts };
    let mut fdt = FdtWriter::new()?;
    let root = fdt.begin_node("")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string("compatible", "riscv-virtio")?;
    fdt.property_string("model", "riscv-virtio,qemu")?;
    chosen(&mut fdt, cfg)?;
    syscon(&mut fdt, "poweroff", "syscon-poweroff", FINISHER_PASS, &ph)?;
    syscon(&mut fdt, "reboot", "syscon-reboot", FINISHER_RESET, &ph)?;
    memory(&mut fdt, cfg)?;
    cpus(&mut fdt, cfg, &ph)?;
    soc(&mut fdt, &ph)?;
    fdt.end_node(root)?;
    fdt.finish()
}

/// A `reg` of one (address, size) pair in two cells each.
fn reg(fdt: &mut FdtWriter, base: u64, size: u64) -> Result<(), Error> {
    fdt.property_array_u64("reg", &[base, size])
}

fn strings(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// The hart's ISA string, with `_sstc` when the harts have Sstc.
fn isa(cfg: &DtbConfig) -> String {
    let named = cfg.isa.split('_').any(|ext| ext == "sstc");
    if cfg.sstc && !named {
        format!("{}_sstc", cfg.isa)
    } else {
        cfg.isa.clone()
    }
}

fn chosen(fdt: &mut FdtWriter, cfg: &DtbConfig) -> Result<(), Error> {
    let node = fdt.begin_node("chosen")?;
    if let Some((start, end)) = cfg.initrd {
        // QEMU writes one cell each; two when the addresses need them.
        match (u32::try_from(start), u32::try_from(end)) {
            (Ok(start), Ok(end)) => {
                fdt.property_u32("linux,initrd-end", end)?;
                fdt.property_u32("linux,initrd-start", start)?;
            }
            _ => {
                fdt.property_u64("linux,initrd-end", end)?;
                fdt.property_u64("linux,initrd-start", start)?;
            }
        }
    }
    if let Some(seed) = &cfg.rng_seed {
        fdt.property("rng-seed", seed)?;
    }
    if let Some(bootargs) = &cfg.bootargs {
        fdt.property_string("bootargs", bootargs)?;
    }
    fdt.property_string("stdout-path", &format!("/soc/serial@{UART0_BASE:x}"))?;
    fdt.end_node(node)
}

/// A syscon-poweroff or syscon-reboot node writing `value` to the test device.
fn syscon(fdt: &mut FdtWriter, name: &str, compatible: &str, value: u32, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node(name)?;
    fdt.property_u32("value", value)?;
    fdt.property_u32("offset", 0)?;
    fdt.property_u32("regmap", ph.test())?;
    fdt.property_string("compatible", compatible)?;
    fdt.end_node(node)
}

fn memory(fdt: &mut FdtWriter, cfg: &DtbConfig) -> Result<(), Error> {
    let node = fdt.begin_node(&format!("memory@{:x}", cfg.ram_base))?;
    fdt.property_string("device_type", "memory")?;
    reg(fdt, cfg.ram_base, cfg.ram_size)?;
    fdt.end_node(node)
}

fn cpus(fdt: &mut FdtWriter, cfg: &DtbConfig, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node("cpus")?;
    fdt.property_u32("#address-cells", 1)?;
    fdt.property_u32("#size-cells", 0)?;
    fdt.property_u32("timebase-frequency", TIMEBASE_HZ as u32)?;
    let isa = isa(cfg);
    for hart in 0..ph.harts {
        cpu(fdt, hart, &isa, cfg.mmu_type, ph)?;
    }
    let map = fdt.begin_node("cpu-map")?;
    let cluster = fdt.begin_node("cluster0")?;
    for hart in 0..ph.harts {
        let core = fdt.begin_node(&format!("core{hart}"))?;
        fdt.property_u32("cpu", ph.cpu(hart))?;
        fdt.end_node(core)?;
    }
    fdt.end_node(cluster)?;
    fdt.end_node(map)?;
    fdt.end_node(node)
}

fn cpu(fdt: &mut FdtWriter, hart: u32, isa: &str, mmu_type: &str, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node(&format!("cpu@{hart:x}"))?;
    fdt.property_phandle(ph.cpu(hart))?;
    fdt.property_string("device_type", "cpu")?;
    fdt.property_u32("reg", hart)?;
    fdt.property_string("status", "okay")?;
    fdt.property_string("compatible", "riscv")?;
    fdt.property_string("riscv,isa", isa)?;
    fdt.property_string("mmu-type", mmu_type)?;
    let intc = fdt.begin_node("interrupt-controller")?;
    fdt.property_u32("#interrupt-cells", 1)?;
    fdt.property_null("interrupt-controller")?;
    fdt.property_string("compatible", "riscv,cpu-intc")?;
    fdt.property_phandle(ph.intc(hart))?;
    fdt.end_node(intc)?;
    fdt.end_node(node)
}

fn soc(fdt: &mut FdtWriter, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node("soc")?;
    fdt.property_u32("#address-cells", 2)?;
    fdt.property_u32("#size-cells", 2)?;
    fdt.property_string("compatible", "simple-bus")?;
    fdt.property_null("ranges")?;

    let serial = fdt.begin_node(&format!("serial@{UART0_BASE:x}"))?;
    fdt.property_u32("interrupts", UART0_IRQ)?;
    fdt.property_u32("interrupt-parent", ph.plic())?;
    fdt.property_u32("clock-frequency", UART_CLOCK_HZ)?;
    reg(fdt, UART0_BASE, UART0_SIZE)?;
    fdt.property_string("compatible", "ns16550a")?;
    fdt.end_node(serial)?;

    let test = fdt.begin_node(&format!("test@{TEST_BASE:x}"))?;
    fdt.property_phandle(ph.test())?;
    reg(fdt, TEST_BASE, TEST_SIZE)?;
    fdt.property_string_list("compatible", strings(&["sifive,test1", "sifive,test0", "syscon"]))?;
    fdt.end_node(test)?;

    for slot in (0..VIRTIO_COUNT as u32).rev() {
        let base = VIRTIO_BASE + u64::from(slot) * VIRTIO_SIZE;
        let virtio = fdt.begin_node(&format!("virtio_mmio@{base:x}"))?;
        fdt.property_u32("interrupts", VIRTIO_IRQ + slot)?;
        fdt.property_u32("interrupt-parent", ph.plic())?;
        reg(fdt, base, VIRTIO_SIZE)?;
        fdt.property_string("compatible", "virtio,mmio")?;
        fdt.end_node(virtio)?;
    }

    plic(fdt, ph)?;
    clint(fdt, ph)?;
    fdt.end_node(node)
}

/// `interrupts-extended`: for each hart, its interrupt controller and `codes`.
fn interrupts_extended(fdt: &mut FdtWriter, ph: &Phandles, codes: [u64; 2]) -> Result<(), Error> {
    let cells: Vec<u32> =
        (0..ph.harts).flat_map(|hart| codes.map(|code| [ph.intc(hart), code as u32])).flatten().collect();
    fdt.property_array_u32("interrupts-extended", &cells)
}

fn plic(fdt: &mut FdtWriter, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node(&format!("plic@{PLIC_BASE:x}"))?;
    fdt.property_phandle(ph.plic())?;
    fdt.property_u32("riscv,ndev", PLIC_NDEV)?;
    reg(fdt, PLIC_BASE, PLIC_SIZE)?;
    // Context 2h is hart h's M-mode external interrupt, 2h+1 its S-mode one.
    interrupts_extended(fdt, ph, [irq::MEI, irq::SEI])?;
    fdt.property_null("interrupt-controller")?;
    fdt.property_string_list("compatible", strings(&["sifive,plic-1.0.0", "riscv,plic0"]))?;
    fdt.property_u32("#address-cells", 0)?;
    fdt.property_u32("#interrupt-cells", 1)?;
    fdt.end_node(node)
}

fn clint(fdt: &mut FdtWriter, ph: &Phandles) -> Result<(), Error> {
    let node = fdt.begin_node(&format!("clint@{CLINT_BASE:x}"))?;
    interrupts_extended(fdt, ph, [irq::MSI, irq::MTI])?;
    reg(fdt, CLINT_BASE, CLINT_SIZE)?;
    fdt.property_string_list("compatible", strings(&["sifive,clint0", "riscv,clint0"]))?;
    fdt.end_node(node)
}

#[cfg(test)]
mod tests {
    use super::*;

    const FDT_BEGIN_NODE: u32 = 1;
    const FDT_END_NODE: u32 = 2;
    const FDT_PROP: u32 = 3;
    const FDT_NOP: u32 = 4;

    fn be32(blob: &[u8], at: usize) -> u32 {
        u32::from_be_bytes(blob[at..at + 4].try_into().unwrap())
    }

    fn cstr(bytes: &[u8]) -> String {
        let end = bytes.iter().position(|&b| b == 0).unwrap();
        String::from_utf8(bytes[..end].to_vec()).unwrap()
    }

    /// Every property of the tree as (node path, name, value), in order: a
    /// reader for the structure block, enough to check what `build` wrote.
    fn properties(blob: &[u8]) -> Vec<(String, String, Vec<u8>)> {
        let (struct_off, strings_off) = (be32(blob, 8) as usize, be32(blob, 12) as usize);
        let mut path: Vec<String> = Vec::new();
        let mut props = Vec::new();
        let mut at = struct_off;
        loop {
            let token = be32(blob, at);
            at += 4;
            match token {
                FDT_BEGIN_NODE => {
                    let name = cstr(&blob[at..]);
                    at += (name.len() + 1).next_multiple_of(4);
                    path.push(name);
                }
                FDT_END_NODE => {
                    path.pop();
                }
                FDT_PROP => {
                    let (len, nameoff) = (be32(blob, at) as usize, be32(blob, at + 4) as usize);
                    let name = cstr(&blob[strings_off + nameoff..]);
                    let node = if path.len() <= 1 { "/".to_string() } else { path.join("/") };
                    props.push((node, name, blob[at + 8..at + 8 + len].to_vec()));
                    at += 8 + len.next_multiple_of(4);
                }
                FDT_NOP => {}
                _ => return props,
            }
        }
    }

    fn prop(blob: &[u8], node: &str, name: &str) -> Option<Vec<u8>> {
        properties(blob).into_iter().find(|(n, p, _)| n == node && p == name).map(|(_, _, v)| v)
    }

    fn cells(bytes: &[u8]) -> Vec<u32> {
        bytes.chunks(4).map(|c| u32::from_be_bytes(c.try_into().unwrap())).collect()
    }

    fn nodes(blob: &[u8]) -> Vec<String> {
        let mut nodes: Vec<String> = properties(blob).into_iter().map(|(n, _, _)| n).collect();
        nodes.dedup();
        nodes
    }

    fn config(harts: usize) -> DtbConfig {
        DtbConfig {
            harts,
            ram_base: 0x8000_0000,
            ram_size: 128 << 20,
            isa: "rv64imafdc_zicsr_zifencei".to_string(),
            mmu_type: "riscv,sv39",
            bootargs: None,
            initrd: None,
            rng_seed: None,
            sstc: false,
        }
    }

    #[test]
    fn header_is_a_version_17_blob_of_its_own_size() {
        let blob = build(&config(1)).unwrap();
        assert_eq!(be32(&blob, 0), 0xd00d_feed);
        assert_eq!(be32(&blob, 4) as usize, blob.len());
        assert_eq!(be32(&blob, 20), 17);
        assert_eq!(be32(&blob, 28), 0, "boot hart");
    }

    #[test]
    fn node_set_and_order_follow_qemu() {
        let blob = build(&config(1)).unwrap();
        let expected = [
            "/",
            "/chosen",
            "/poweroff",
            "/reboot",
            "/memory@80000000",
            "/cpus",
            "/cpus/cpu@0",
            "/cpus/cpu@0/interrupt-controller",
            "/cpus/cpu-map/cluster0/core0",
            "/soc",
            "/soc/serial@10000000",
            "/soc/test@100000",
            "/soc/virtio_mmio@10008000",
            "/soc/virtio_mmio@10007000",
            "/soc/virtio_mmio@10006000",
            "/soc/virtio_mmio@10005000",
            "/soc/virtio_mmio@10004000",
            "/soc/virtio_mmio@10003000",
            "/soc/virtio_mmio@10002000",
            "/soc/virtio_mmio@10001000",
            "/soc/plic@c000000",
            "/soc/clint@2000000",
        ];
        assert_eq!(nodes(&blob), expected);
    }

    #[test]
    fn devices_have_qemu_reg_compatible_and_interrupts() {
        let blob = build(&config(1)).unwrap();
        let serial = "/soc/serial@10000000";
        assert_eq!(prop(&blob, serial, "compatible").unwrap(), b"ns16550a\0");
        assert_eq!(cells(&prop(&blob, serial, "reg").unwrap()), [0, 0x1000_0000, 0, 0x100]);
        assert_eq!(cells(&prop(&blob, serial, "interrupts").unwrap()), [10]);
        assert_eq!(cells(&prop(&blob, serial, "interrupt-parent").unwrap()), [3]);
        assert_eq!(cells(&prop(&blob, serial, "clock-frequency").unwrap()), [0x38_4000]);
        let test = "/soc/test@100000";
        assert_eq!(prop(&blob, test, "compatible").unwrap(), b"sifive,test1\0sifive,test0\0syscon\0");
        assert_eq!(cells(&prop(&blob, test, "phandle").unwrap()), [4]);
        assert_eq!(cells(&prop(&blob, "/poweroff", "value").unwrap()), [0x5555]);
        assert_eq!(cells(&prop(&blob, "/reboot", "value").unwrap()), [0x7777]);
        assert_eq!(cells(&prop(&blob, "/reboot", "regmap").unwrap()), [4]);
        let virtio = "/soc/virtio_mmio@10003000";
        assert_eq!(cells(&prop(&blob, virtio, "interrupts").unwrap()), [3]);
        assert_eq!(cells(&prop(&blob, virtio, "reg").unwrap()), [0, 0x1000_3000, 0, 0x1000]);
        let plic = "/soc/plic@c000000";
        assert_eq!(prop(&blob, plic, "compatible").unwrap(), b"sifive,plic-1.0.0\0riscv,plic0\0");
        assert_eq!(cells(&prop(&blob, plic, "riscv,ndev").unwrap()), [96]);
        assert_eq!(cells(&prop(&blob, plic, "reg").unwrap()), [0, 0xc00_0000, 0, 0x60_0000]);
        assert_eq!(prop(&blob, plic, "interrupt-controller").unwrap(), b"");
        let clint = "/soc/clint@2000000";
        assert_eq!(prop(&blob, clint, "compatible").unwrap(), b"sifive,clint0\0riscv,clint0\0");
        assert_eq!(cells(&prop(&blob, clint, "reg").unwrap()), [0, 0x200_0000, 0, 0x1_0000]);
        assert_eq!(prop(&blob, "/soc", "ranges").unwrap(), b"");
    }

    #[test]
    fn cpus_and_interrupt_wiring_for_two_harts_match_qemu_phandles() {
        let blob = build(&config(2)).unwrap();
        assert_eq!(cells(&prop(&blob, "/cpus", "timebase-frequency").unwrap()), [10_000_000]);
        assert_eq!(cells(&prop(&blob, "/cpus/cpu@0", "phandle").unwrap()), [3]);
        assert_eq!(cells(&prop(&blob, "/cpus/cpu@0/interrupt-controller", "phandle").unwrap()), [4]);
        assert_eq!(cells(&prop(&blob, "/cpus/cpu@1", "phandle").unwrap()), [1]);
        assert_eq!(cells(&prop(&blob, "/cpus/cpu@1", "reg").unwrap()), [1]);
        assert_eq!(cells(&prop(&blob, "/cpus/cpu-map/cluster0/core1", "cpu").unwrap()), [1]);
        assert_eq!(prop(&blob, "/cpus/cpu@1", "mmu-type").unwrap(), b"riscv,sv39\0");
        assert_eq!(prop(&blob, "/cpus/cpu@1", "riscv,isa").unwrap(), b"rv64imafdc_zicsr_zifencei\0");
        let plic = cells(&prop(&blob, "/soc/plic@c000000", "interrupts-extended").unwrap());
        assert_eq!(plic, [4, 11, 4, 9, 2, 11, 2, 9]);
        let clint = cells(&prop(&blob, "/soc/clint@2000000", "interrupts-extended").unwrap());
        assert_eq!(clint, [4, 3, 4, 7, 2, 3, 2, 7]);
        assert_eq!(cells(&prop(&blob, "/soc/plic@c000000", "phandle").unwrap()), [5]);
        assert_eq!(cells(&prop(&blob, "/soc/test@100000", "phandle").unwrap()), [6]);
    }

    #[test]
    fn chosen_carries_only_what_is_set() {
        let blob = build(&config(1)).unwrap();
        let chosen: Vec<String> =
            properties(&blob).into_iter().filter(|(n, _, _)| n == "/chosen").map(|(_, p, _)| p).collect();
        assert_eq!(chosen, ["stdout-path"]);
        assert_eq!(prop(&blob, "/chosen", "stdout-path").unwrap(), b"/soc/serial@10000000\0");

        let cfg = DtbConfig {
            bootargs: Some("console=ttyS0".to_string()),
            initrd: Some((0x87ff_f000, 0x87ff_f003)),
            rng_seed: Some(vec![1, 2, 3, 4, 5, 6, 7, 8]),
            ..config(1)
        };
        let blob = build(&cfg).unwrap();
        assert_eq!(prop(&blob, "/chosen", "bootargs").unwrap(), b"console=ttyS0\0");
        assert_eq!(cells(&prop(&blob, "/chosen", "linux,initrd-start").unwrap()), [0x87ff_f000]);
        assert_eq!(cells(&prop(&blob, "/chosen", "linux,initrd-end").unwrap()), [0x87ff_f003]);
        assert_eq!(prop(&blob, "/chosen", "rng-seed").unwrap(), [1, 2, 3, 4, 5, 6, 7, 8]);
    }

    #[test]
    fn initrd_above_4_gib_takes_two_cells() {
        let cfg = DtbConfig { initrd: Some((0x1_0000_0000, 0x1_0000_1000)), ..config(1) };
        let blob = build(&cfg).unwrap();
        assert_eq!(cells(&prop(&blob, "/chosen", "linux,initrd-start").unwrap()), [1, 0]);
        assert_eq!(cells(&prop(&blob, "/chosen", "linux,initrd-end").unwrap()), [1, 0x1000]);
    }

    #[test]
    fn memory_node_follows_ram() {
        let cfg = DtbConfig { ram_size: 0x1_2000_0000, ..config(1) };
        let blob = build(&cfg).unwrap();
        assert_eq!(cells(&prop(&blob, "/memory@80000000", "reg").unwrap()), [0, 0x8000_0000, 1, 0x2000_0000]);
        assert_eq!(prop(&blob, "/memory@80000000", "device_type").unwrap(), b"memory\0");
    }

    #[test]
    fn sstc_is_appended_once() {
        let cfg = DtbConfig { sstc: true, ..config(1) };
        let blob = build(&cfg).unwrap();
        assert_eq!(prop(&blob, "/cpus/cpu@0", "riscv,isa").unwrap(), b"rv64imafdc_zicsr_zifencei_sstc\0");
        let cfg = DtbConfig { sstc: true, isa: "rv64imac_sstc".to_string(), ..config(1) };
        let blob = build(&cfg).unwrap();
        assert_eq!(prop(&blob, "/cpus/cpu@0", "riscv,isa").unwrap(), b"rv64imac_sstc\0");
    }

    #[test]
    fn bad_strings_are_errors_not_panics() {
        let cfg = DtbConfig { bootargs: Some("a\0b".to_string()), ..config(1) };
        assert_eq!(build(&cfg), Err(Error::InvalidString));
        assert!(build(&config(0)).is_ok());
    }
}
