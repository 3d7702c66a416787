//! Self-checks, for the programs that are also tests: each check prints one
//! line, `ok:` or `FAILED:`, with the figures it judged; [`Checks::finish`]
//! prints the tally and gives the exit status (0 only when every check held).

use crate::println;
use core::fmt;

#[derive(Default)]
pub struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    pub const fn new() -> Checks {
        Checks { passed: 0, failed: 0 }
    }

    /// Records and prints one check; returns `ok`.
    pub fn check(&mut self, ok: bool, what: fmt::Arguments) -> bool {
        if ok {
            self.passed += 1;
            println!("ok:     {what}");
        } else {
            self.failed += 1;
            println!("FAILED: {what}");
        }
        ok
    }

    /// Prints `PROGRAM: N checks, all held` (or how many failed); returns
    /// the exit status.
    pub fn finish(&self, program: &str) -> i32 {
        let all = self.passed + self.failed;
        if self.failed == 0 && all > 0 {
            println!("{program}: {all} checks, all held");
            0
        } else {
            println!("{program}: {} of {all} checks FAILED", self.failed);
            1
        }
    }
}
