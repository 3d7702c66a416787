//! Names for regions in the textbook's vocabulary (text, rodata, data / heap,
//! stack, kernel text, ...). A page table says only what is mapped and how,
//! so these names are guesses from permissions and position, and say so;
//! only a device's name, read from the board's map, is a fact.

use super::phys::PhysMap;
use super::region::Region;
use sv39_arch::pte::{PTE_RSW, PTE_W, PTE_X};

/// The top quarter of the user half (the lower 256 GiB): where stacks live.
const STACK_ZONE: u128 = 1 << 37;
/// A user region this far above everything else in the user half is a stack.
const STACK_GAP: u128 = 1 << 30;
/// Kernel stacks are small and have an unmapped guard page below.
const KERNEL_STACK_MAX: u64 = 64 << 10;
/// Where the upper half (the kernel's, by convention) begins.
const KERNEL_HALF: u64 = 1 << 63;
/// A linear kernel mapping this large is the direct map of RAM.
const DIRECT_MAP_MIN: u64 = 16 << 20;

/// What a region is called, and whether that is a guess.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Label {
    pub name: String,
    pub inferred: bool,
}

impl Label {
    /// The name with "(inferred)" after a guess.
    pub fn text(&self) -> String {
        if self.inferred {
            format!("{} (inferred)", self.name)
        } else {
            self.name.clone()
        }
    }
}

/// A label for each of `regions` (in address order).
pub fn label(regions: &[Region], phys: &PhysMap) -> Vec<Label> {
    (0..regions.len())
        .map(|i| {
            physical(&regions[i], phys)
                .unwrap_or_else(|| Label { name: by_permissions(regions, i).into(), inferred: true })
        })
        .collect()
}

/// A region whose frames are all devices (or all nothing) is named by them.
fn physical(r: &Region, phys: &PhysMap) -> Option<Label> {
    if r.runs.iter().any(|run| phys.name(run.pa) == Some("RAM")) {
        return None;
    }
    let mut names: Vec<&str> = r.runs.iter().flat_map(|run| phys.devices_in(run.pa, run.pa_end())).collect();
    names.dedup();
    let name = if names.is_empty() { "no memory behind it".to_string() } else { names.join(", ") };
    Some(Label { name, inferred: false })
}

fn by_permissions(regions: &[Region], i: usize) -> &'static str {
    let r = &regions[i];
    let (x, w) = (r.perms & PTE_X != 0, r.perms & PTE_W != 0);
    match (r.user(), x, w) {
        (true, true, true) => "code + data (RWX)",
        (true, true, false) => "text",
        // Kernels mark copy-on-write pages in the RSW bits (which bit is theirs to choose).
        (true, false, false) if r.runs.iter().any(|run| run.bits & PTE_RSW != 0) => "rodata or COW",
        (true, false, false) => "rodata",
        (true, false, true) if user_stack(regions, i) => "stack",
        (true, false, true) => "data / heap",
        (false, true, true) => "kernel code + data (RWX)",
        (false, true, false) => "kernel text",
        (false, false, false) => "kernel rodata",
        (false, false, true) if r.size >= DIRECT_MAP_MIN && r.linear() => "kernel data + direct map",
        (false, false, true) if kernel_stack(regions, i) => "kernel stack",
        (false, false, true) => "kernel data",
    }
}

/// The highest user region, near the top of the user half or far above the
/// user region below it.
fn user_stack(regions: &[Region], i: usize) -> bool {
    let r = &regions[i];
    let highest = regions[i + 1..].iter().all(|other| !other.user());
    let below = regions[..i].iter().rev().find(|other| other.user());
    let far_above = below.is_some_and(|b| r.va as u128 - b.end() >= STACK_GAP);
    highest && (r.end() >= STACK_ZONE || far_above)
}

/// A small supervisor region in the upper half, with an unmapped page
/// right below it.
fn kernel_stack(regions: &[Region], i: usize) -> bool {
    let guarded = i == 0 || regions[i - 1].end() < regions[i].va as u128;
    regions[i].va >= KERNEL_HALF && regions[i].size <= KERNEL_STACK_MAX && guarded
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::inspect::collect::{collect, tests::Mem};
    use crate::inspect::region::group;
    use crate::inspect::runs::coalesce;
    use sv39_arch::pte::{PTE_G, PTE_R, PTE_U};

    const ROOT: u64 = 0x8010_0000;

    fn names(m: &mut Mem) -> Vec<String> {
        let regions = group(&coalesce(&collect(m, ROOT).leaves));
        let phys = PhysMap { ram: (0x8000_0000, 1 << 30), devices: vec![(0x1000_0000, 0x100, "UART")] };
        label(&regions, &phys).iter().map(Label::text).collect()
    }

    #[test]
    fn a_process_layout_reads_like_the_textbook() {
        let mut m = Mem::new(ROOT);
        let u = PTE_U;
        m.map(ROOT, 0x1_0000, 0x8040_0000, 0, PTE_R | PTE_X | u);
        m.map(ROOT, 0x1_1000, 0x8040_1000, 0, PTE_R | u);
        m.map(ROOT, 0x1_2000, 0x8040_2000, 0, PTE_R | PTE_W | u);
        m.map(ROOT, 0x1_3000, 0x8040_4000, 0, PTE_R | u | 1 << 8); // RSW bit 8
        m.map(ROOT, 0x3f_ffff_e000, 0x8040_3000, 0, PTE_R | PTE_W | u);
        m.map(ROOT, 0xffff_ffc0_1000_0000, 0x1000_0000, 0, PTE_R | PTE_W | PTE_G);
        m.map(ROOT, 0xffff_ffc0_8000_0000, 0x8000_0000, 0, PTE_R | PTE_X | PTE_G);
        let expected = [
            "text (inferred)",
            "rodata (inferred)",
            "data / heap (inferred)",
            "rodata or COW (inferred)",
            "stack (inferred)",
            "UART",
            "kernel text (inferred)",
        ];
        assert_eq!(names(&mut m), expected);
    }

    #[test]
    fn a_lone_low_region_is_no_stack_and_a_low_supervisor_page_no_kernel_stack() {
        let mut m = Mem::new(ROOT);
        m.map(ROOT, 0x4000_0000, 0x8040_0000, 0, PTE_R | PTE_W | PTE_U);
        m.map(ROOT, 0x4000_4000, 0x8040_1000, 0, PTE_R | PTE_W);
        m.map(ROOT, 0x8000_0000, 0x8000_0000, 0, PTE_R | PTE_W | PTE_X);
        let expected = ["data / heap (inferred)", "kernel data (inferred)", "kernel code + data (RWX) (inferred)"];
        assert_eq!(names(&mut m), expected);
    }

    #[test]
    fn a_small_guarded_supervisor_region_is_a_kernel_stack() {
        let mut m = Mem::new(ROOT);
        let rw = PTE_R | PTE_W | PTE_G;
        for page in 1..5 {
            m.map(ROOT, 0xffff_ffd0_0000_0000 + page * 0x1000, 0x8050_0000 + page * 0x3000, 0, rw);
        }
        m.map(ROOT, 0xffff_ffd0_0000_5000, 0x8060_0000, 0, PTE_R | PTE_W | PTE_X | PTE_U);
        m.map(ROOT, 0xffff_ffd0_0010_0000, 0x7000_0000, 0, PTE_R);
        let expected = ["kernel stack (inferred)", "code + data (RWX) (inferred)", "no memory behind it"];
        assert_eq!(names(&mut m), expected);
    }
}
