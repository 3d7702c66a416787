//! The decode cache, kept per physical RAM page and shared by all harts, and the
//! page flags that keep it coherent.
//!
//! A page becomes a *code page* when an instruction is first decoded from it.
//! Stores never reach a code page through a TLB fast path: the store TLBs hold
//! no entry for it (a page turning into code bumps `epoch`, and each hart
//! flushes its store TLB when the epoch moves). The slow store path calls
//! `on_write`, which empties the page's decoded slots and makes it a data page
//! again. So self-modifying code and DMA are seen at once; `fence.i` has nothing
//! left to do. The same flag mechanism marks *watched* pages (HTIF `tohost`).

use crate::hart::op::Decoded;
use sv39_arch::sv39::PAGE_SHIFT;

/// Decoded instructions of one 4 KiB page, one slot per halfword.
pub type DecodedPage = [Decoded; 2048];

const CODE: u8 = 1;
const WATCH: u8 = 2;

pub struct CodePages {
    pages: Vec<Option<Box<DecodedPage>>>,
    flags: Vec<u8>,
    /// Moves whenever a page becomes a code page.
    pub epoch: u64,
    /// Per page, moves whenever its decoded instructions are forgotten: a
    /// translated block of the page is valid while the count is unchanged.
    generations: Vec<u32>,
    /// Decoded slots emptied by writes, for `--stats`.
    pub invalidations: u64,
}

impl CodePages {
    pub fn new(ram_size: u64) -> CodePages {
        let n = (ram_size >> PAGE_SHIFT) as usize;
        CodePages { pages: (0..n).map(|_| None).collect(), flags: vec![0; n], epoch: 0, generations: vec![0; n], invalidations: 0 }
    }

    /// Whether stores to RAM page `page` must take the slow path.
    #[inline(always)]
    pub fn is_special(&self, page: usize) -> bool {
        self.flags[page] != 0
    }

    pub fn is_watched(&self, page: usize) -> bool {
        self.flags[page] & WATCH != 0
    }

    /// The decoded slots of RAM page `page`, making it a code page.
    pub fn code_page(&mut self, page: usize) -> *mut Decoded {
        if self.flags[page] & CODE == 0 {
            self.flags[page] |= CODE;
            self.epoch += 1;
        }
        self.pages[page].get_or_insert_with(|| Box::new([Decoded::default(); 2048])).as_mut_ptr()
    }

    /// A write reached RAM page `page`: forget what was decoded there.
    #[inline]
    pub fn on_write(&mut self, page: usize) {
        if self.flags[page] & CODE != 0 {
            self.flags[page] &= !CODE;
            self.invalidations += 1;
            self.generations[page] = self.generations[page].wrapping_add(1);
            if let Some(p) = &mut self.pages[page] {
                p.fill(Decoded::default());
            }
        }
    }

    /// Page `page`'s generation (the JIT compares it before entering a block).
    pub fn generation(&self, page: usize) -> u32 {
        self.generations[page]
    }

    /// Every page's generation, for translated code to read (valid until
    /// the next write through `self`).
    pub fn generations(&self) -> *const u32 {
        self.generations.as_ptr()
    }

    pub fn watch(&mut self, page: usize) {
        self.flags[page] |= WATCH;
        self.epoch += 1;
    }

    /// Forgets every decoded instruction (machine reset).
    pub fn clear(&mut self) {
        for page in 0..self.pages.len() {
            self.on_write(page);
        }
    }
}
