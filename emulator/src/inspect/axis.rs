//! The vertical scale of a picture: addresses run from high (top) to low, as
//! in the textbook diagrams. An address space is cut into stretches at every
//! region boundary; each stretch is as tall as a log of its size, so a 4 KiB
//! page and a 1 GiB page are both readable, and an unmapped gap of 256 GiB
//! takes a few pixels more than one of 64 KiB (the picture draws a break).
//! Within a stretch, addresses map linearly.

/// What a stretch holds.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// Something maps it (in at least one snapshot).
    Used,
    /// Nothing maps it.
    Gap,
    /// Addresses that do not exist (the non-canonical hole).
    Hole,
}

/// A stretch of addresses `[lo, hi)` drawn from `top` down `height` pixels.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Stretch {
    pub lo: u128,
    pub hi: u128,
    pub top: f64,
    pub height: f64,
    pub kind: Kind,
}

/// Heights in pixels: a minimum for 4 KiB and an increment per doubling.
#[derive(Clone, Copy, Debug)]
pub struct Scale {
    pub used_min: f64,
    pub used_per_doubling: f64,
    pub gap_min: f64,
    pub gap_per_doubling: f64,
    pub gap_max: f64,
    pub hole: f64,
}

impl Scale {
    fn height(&self, kind: Kind, bytes: u128) -> f64 {
        let doublings = (bytes as f64 / 4096.0).max(1.0).log2();
        match kind {
            Kind::Used => self.used_min + self.used_per_doubling * doublings,
            Kind::Gap => (self.gap_min + self.gap_per_doubling * doublings).min(self.gap_max),
            Kind::Hole => self.hole,
        }
    }
}

/// Stretches from the highest address down.
#[derive(Clone, Debug)]
pub struct Axis {
    pub stretches: Vec<Stretch>,
    pub height: f64,
}

impl Axis {
    /// An axis cut at `cuts`; stretches inside a range of `holes` are holes,
    /// inside a range of `used` used, and gaps otherwise.
    pub fn new(cuts: &[u128], used: &[(u128, u128)], holes: &[(u128, u128)], scale: &Scale) -> Axis {
        let mut cuts = cuts.to_vec();
        cuts.sort_unstable();
        cuts.dedup();
        let mut stretches = Vec::with_capacity(cuts.len());
        let mut y = 0.0;
        for w in cuts.windows(2).rev() {
            let (lo, hi) = (w[0], w[1]);
            let kind = if inside(holes, lo, hi) {
                Kind::Hole
            } else if inside(used, lo, hi) {
                Kind::Used
            } else {
                Kind::Gap
            };
            let height = scale.height(kind, hi - lo);
            stretches.push(Stretch { lo, hi, top: y, height, kind });
            y += height;
        }
        Axis { stretches, height: y }
    }

    /// The y of `addr`: 0 at the top of the highest stretch.
    pub fn y(&self, addr: u128) -> f64 {
        let i = self.stretches.partition_point(|s| s.lo > addr);
        match self.stretches.get(i) {
            None => self.height,
            Some(s) => s.top + s.height * (s.hi - addr.min(s.hi)) as f64 / (s.hi - s.lo) as f64,
        }
    }
}

fn inside(ranges: &[(u128, u128)], lo: u128, hi: u128) -> bool {
    ranges.iter().any(|&(a, b)| a <= lo && hi <= b)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SCALE: Scale = Scale {
        used_min: 20.0,
        used_per_doubling: 4.0,
        gap_min: 6.0,
        gap_per_doubling: 4.0,
        gap_max: 30.0,
        hole: 40.0,
    };

    #[test]
    fn high_addresses_on_top_heights_by_log_size() {
        let used = [(0x1000, 0x2000), (0x20_0000, 0x40_0000)];
        let axis = Axis::new(&[0, 0x1000, 0x2000, 0x20_0000, 0x40_0000], &used, &[], &SCALE);
        let kinds: Vec<Kind> = axis.stretches.iter().map(|s| s.kind).collect();
        assert_eq!(kinds, [Kind::Used, Kind::Gap, Kind::Used, Kind::Gap], "from the top down");
        assert_eq!(axis.stretches[0].height, 20.0 + 4.0 * 9.0, "2 MiB = 4 KiB doubled 9 times");
        assert_eq!(axis.stretches[2].height, 20.0);
        assert_eq!(axis.stretches[1].height, 30.0, "a large gap is capped");
        assert_eq!(axis.y(0x40_0000), 0.0);
        assert_eq!(axis.y(0x30_0000), 28.0, "linear within a stretch");
        assert_eq!(axis.y(0x2000), 56.0 + 30.0);
        assert_eq!(axis.y(0), axis.height);
    }

    #[test]
    fn holes_win_over_gaps() {
        let axis =
            Axis::new(&[0, 1 << 38, (1 << 64) - (1 << 38), 1 << 64], &[], &[(1 << 38, (1 << 64) - (1 << 38))], &SCALE);
        assert_eq!(axis.stretches[1].kind, Kind::Hole);
        assert_eq!(axis.stretches[1].height, 40.0);
    }
}
