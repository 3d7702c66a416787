//! Global kernel state on one hart.
//!
//! The kernel runs on one hart with interrupts off except while idle in
//! `wfi` (where it holds nothing), so no two borrows of a global can be live
//! at once unless the kernel itself nests them: `Global` is a `RefCell` that
//! turns such a bug into a panic (a clear report and a power-off) instead of
//! a deadlock or silent corruption.

use core::cell::{Ref, RefCell, RefMut};

pub struct Global<T> {
    cell: RefCell<T>,
}

// SAFETY: one hart, and no interrupt handler runs while a borrow is live (see
// the module comment), so the RefCell is never touched concurrently.
unsafe impl<T> Sync for Global<T> {}

impl<T> Global<T> {
    pub const fn new(value: T) -> Self {
        Global { cell: RefCell::new(value) }
    }

    /// Exclusive access; panics if the kernel already holds a borrow.
    #[track_caller]
    pub fn borrow_mut(&self) -> RefMut<'_, T> {
        match self.cell.try_borrow_mut() {
            Ok(r) => r,
            Err(_) => panic!("kernel global borrowed twice"),
        }
    }

    /// Exclusive access, or None while the kernel holds a borrow (a panic
    /// report that must not panic again).
    pub fn try_borrow_mut(&self) -> Option<RefMut<'_, T>> {
        self.cell.try_borrow_mut().ok()
    }

    /// Shared access; panics if the kernel holds an exclusive borrow.
    #[track_caller]
    pub fn borrow(&self) -> Ref<'_, T> {
        match self.cell.try_borrow() {
            Ok(r) => r,
            Err(_) => panic!("kernel global borrowed while being changed"),
        }
    }
}
