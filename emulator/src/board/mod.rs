//! The `virt` board: QEMU's memory map (sv39_arch::memmap), its devices on the
//! bus, and the device tree that describes them to the guest.

pub mod dtb;
pub mod rom;
pub mod swap;

use crate::bus::{Bus, Clock, DeviceId, Overlap};
use crate::bus::ram::Ram;
use crate::devices::virtio::{blk::Blk, mmio::VirtioMmio, p9::P9};
use crate::devices::{clint::Clint, plic::Plic, uart::Uart};
use sv39_arch::memmap::*;

/// The ISA string of the device tree: what the hart implements.
pub const ISA: &str = "rv64imafdc_zicsr_zifencei_sstc";

/// Builds the bus of a virt board with `harts` harts and `ram_size` bytes of RAM.
pub fn build_bus(harts: usize, ram_size: u64, clock: Clock, console: Box<dyn std::io::Write + Send>) -> std::io::Result<Bus> {
    let ram = Ram::new(RAM_BASE, ram_size)?;
    let mut bus = Bus::new(ram, Clint::new(harts), Plic::new(harts), Uart::new(console), clock);
    bus.virtio = (0..VIRTIO_COUNT).map(|_| VirtioMmio::empty()).collect();
    map_devices(&mut bus).map_err(|o| std::io::Error::other(format!("device map overlap at {:#x}+{:#x}", o.base, o.size)))?;
    Ok(bus)
}

/// A disk on a virtio-mmio slot (QEMU's `-drive file=...,format=raw` with
/// `-device virtio-blk-device`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Disk {
    /// A raw image file; writes reach it unless `readonly`.
    Image { path: std::path::PathBuf, readonly: bool },
    /// A scratch image of `size` bytes formatted as swap (`mkswap`), gone
    /// when the run ends.
    Swap { size: u64 },
}

/// Puts a virtio block device for each of `disks` on the virtio-mmio slots,
/// from the first (0x1000_1000, IRQ 1) on, as QEMU's `bus=virtio-mmio-bus.N`.
pub fn attach_disks(bus: &mut Bus, disks: &[Disk], legacy: bool) -> Result<(), String> {
    if disks.len() > bus.virtio.len() {
        return Err(format!("at most {} drives fit the board's virtio-mmio slots", bus.virtio.len()));
    }
    for (slot, disk) in disks.iter().enumerate() {
        let blk = match disk {
            Disk::Image { path, readonly } => Blk::open(path, *readonly)
                .map_err(|e| format!("cannot open the drive {}: {e}", path.display()))?,
            Disk::Swap { size } => {
                let header = swap::header(*size)?;
                Blk::scratch(*size, &header).map_err(|e| format!("cannot make a {size}-byte swap disk: {e}"))?
            }
        };
        bus.virtio[slot] = VirtioMmio::new(Box::new(blk), legacy);
    }
    Ok(())
}

/// A host directory shared with the guest (QEMU's `-virtfs
/// local,path=HOST,mount_tag=TAG,security_model=none[,readonly=on]`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Share {
    pub host: std::path::PathBuf,
    /// Where the guest mounts it (absolute).
    pub guest: String,
    pub readonly: bool,
}

/// The mount tag of the `n`-th share.
pub fn share_tag(n: usize) -> String {
    format!("share{n}")
}

/// Puts a virtio-9p device for each of `shares` on the virtio-mmio slots
/// from `first` on (after the disks), tagged `share0`, `share1`...
pub fn attach_shares(bus: &mut Bus, first: usize, shares: &[Share], legacy: bool) -> Result<(), String> {
    if first + shares.len() > bus.virtio.len() {
        return Err(format!("at most {} drives and shares fit the board's virtio-mmio slots", bus.virtio.len()));
    }
    for (n, share) in shares.iter().enumerate() {
        let dev = P9::new(&share.host, &share_tag(n), share.readonly)
            .map_err(|e| format!("cannot share {}: {e}", share.host.display()))?;
        bus.virtio[first + n] = VirtioMmio::new(Box::new(dev), legacy);
    }
    Ok(())
}

fn map_devices(bus: &mut Bus) -> Result<(), Overlap> {
    bus.map_device(MROM_BASE, MROM_SIZE, DeviceId::Mrom)?;
    bus.map_device(TEST_BASE, TEST_SIZE, DeviceId::TestFinisher)?;
    bus.map_device(CLINT_BASE, CLINT_SIZE, DeviceId::Clint)?;
    bus.map_device(PLIC_BASE, PLIC_SIZE, DeviceId::Plic)?;
    bus.map_device(UART0_BASE, UART0_SIZE, DeviceId::Uart)?;
    for i in 0..VIRTIO_COUNT {
        bus.map_device(VIRTIO_BASE + i as u64 * VIRTIO_SIZE, VIRTIO_SIZE, DeviceId::Virtio(i))?;
    }
    Ok(())
}

/// Where QEMU 7.2 puts the device tree: the end of RAM (below 3 GiB), aligned
/// down to 2 MiB (hw/riscv/boot.c, riscv_load_fdt).
pub fn dtb_address(ram_size: u64, dtb_len: u64) -> u64 {
    let end = (RAM_BASE + ram_size).min(0xc000_0000);
    (end - dtb_len) & !((2 << 20) - 1)
}

/// Where QEMU 7.2 puts `-initrd`: the kernel's lowest load address plus half
/// the RAM, at most 128 MiB (hw/riscv/boot.c, riscv_load_initrd).
pub fn initrd_address(kernel_base: u64, ram_size: u64) -> u64 {
    kernel_base + (ram_size / 2).min(128 << 20)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initrd_goes_where_qemu_puts_it() {
        // Read from QEMU 7.2's own /chosen with -kernel at 0x8000_0000.
        assert_eq!(initrd_address(RAM_BASE, 128 << 20), 0x8400_0000);
        assert_eq!(initrd_address(RAM_BASE, 64 << 20), 0x8200_0000);
        assert_eq!(initrd_address(RAM_BASE, 512 << 20), 0x8800_0000);
    }

    #[test]
    fn device_map_rejects_overlaps() {
        let mut bus = build_bus(1, 1 << 20, Clock::Instructions { per_tick: 10 }, Box::new(std::io::sink())).unwrap();
        assert_eq!(bus.map_device(UART0_BASE + 0x80, 0x100, DeviceId::Uart), Err(Overlap { base: UART0_BASE + 0x80, size: 0x100 }));
        assert!(bus.map_device(RAM_BASE + 0x1000, 0x1000, DeviceId::Uart).is_err(), "RAM is taken");
        assert!(bus.map_device(0x3000_0000, 0x1000, DeviceId::Uart).is_ok());
    }

    #[test]
    fn unmapped_addresses_are_bus_errors() {
        let mut bus = build_bus(1, 1 << 20, Clock::Instructions { per_tick: 10 }, Box::new(std::io::sink())).unwrap();
        assert_eq!(bus.read(0x0, 8), None);
        assert_eq!(bus.read(RAM_BASE + (1 << 20), 1), None);
        assert_eq!(bus.read(VIRTIO_BASE, 4), Some(0x7472_6976), "virtio magic");
        assert_eq!(bus.read(VIRTIO_BASE + 2, 4), None, "misaligned device access");
    }

    #[test]
    fn dtb_placement_matches_qemu() {
        assert_eq!(dtb_address(128 << 20, 0x1000), 0x87e0_0000);
        assert_eq!(dtb_address(4 << 30, 0x1000), 0xbfe0_0000);
    }
}
