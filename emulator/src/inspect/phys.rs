//! What a physical address is on this board: RAM, one of the devices the bus
//! maps (named as the board's memory map names them), or nothing at all.
//! These names are facts, not inferences.

use crate::bus::{Bus, DeviceId};

/// The board's physical map, as far as pictures need it.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct PhysMap {
    /// RAM as (base, size).
    pub ram: (u64, u64),
    /// Devices as (base, size, name), in address order.
    pub devices: Vec<(u64, u64, &'static str)>,
}

impl PhysMap {
    /// The map of `bus`.
    pub fn of(bus: &Bus) -> PhysMap {
        let devices = bus.devices().map(|(base, size, dev)| (base, size, device_name(dev))).collect();
        PhysMap { ram: (bus.ram.base(), bus.ram.size()), devices }
    }

    /// What `pa` is: "RAM", a device's name, or None for no memory at all.
    pub fn name(&self, pa: u64) -> Option<&'static str> {
        let (base, size) = self.ram;
        if pa.wrapping_sub(base) < size {
            return Some("RAM");
        }
        self.devices.iter().find(|&&(b, s, _)| pa.wrapping_sub(b) < s).map(|&(_, _, name)| name)
    }

    /// The names of the devices `[pa, end)` touches, in address order.
    pub fn devices_in(&self, pa: u64, end: u64) -> Vec<&'static str> {
        let mut names: Vec<_> = self.devices.iter().filter(|&&(b, s, _)| pa < b + s && b < end).map(|d| d.2).collect();
        names.dedup(); // the eight virtio-mmio slots are one name
        names
    }
}

fn device_name(dev: DeviceId) -> &'static str {
    match dev {
        DeviceId::Mrom => "MROM",
        DeviceId::TestFinisher => "test finisher",
        DeviceId::Clint => "CLINT",
        DeviceId::Plic => "PLIC",
        DeviceId::Uart => "UART",
        DeviceId::Virtio(_) => "virtio-mmio",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::Clock;
    use sv39_arch::memmap::{RAM_BASE, UART0_BASE};

    #[test]
    fn names_follow_the_bus() {
        let bus = crate::board::build_bus(1, 1 << 20, Clock::Instructions { per_tick: 10 }, Box::new(std::io::sink()))
            .unwrap();
        let map = PhysMap::of(&bus);
        assert_eq!(map.name(RAM_BASE + 0x1000), Some("RAM"));
        assert_eq!(map.name(RAM_BASE + (1 << 20)), None, "past the end of RAM");
        assert_eq!(map.name(UART0_BASE + 5), Some("UART"));
        assert_eq!(map.devices_in(UART0_BASE, UART0_BASE + 0x1000), ["UART"], "the UART's page");
        assert_eq!(map.devices_in(UART0_BASE, UART0_BASE + 0x9000), ["UART", "virtio-mmio"]);
        assert!(map.devices_in(RAM_BASE, RAM_BASE + 0x1000).is_empty());
        assert_eq!(map.name(0), None);
    }
}
