//! The kernel's random numbers (AT_RANDOM, getrandom, ASLR): xoshiro256**
//! seeded from the DTB's `/chosen/rng-seed` alone when the board gives one
//! (so the same seed gives the same numbers: `sv39 run --seed N`), else from
//! the time at boot. Not cryptographic; enough for stack canaries and ASLR.

use crate::sync::Global;

static STATE: Global<[u64; 4]> = Global::new([0x9e37_79b9_7f4a_7c15, 0xbf58_476d_1ce4_e5b9, 0x94d0_49bb_1331_11eb, 1]);

/// splitmix64, to spread seed words over the state.
fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e37_79b9_7f4a_7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// Seeds from `seed` bytes, or from `time` when there are none.
pub fn init(seed: &[u8], time: u64) {
    let mut mix = if seed.is_empty() { time } else { 0 };
    for chunk in seed.chunks(8) {
        let mut w = [0u8; 8];
        w[..chunk.len()].copy_from_slice(chunk);
        mix ^= splitmix(&mut u64::from_le_bytes(w));
    }
    let mut s = STATE.borrow_mut();
    for word in s.iter_mut() {
        *word = splitmix(&mut mix);
    }
}

/// The next 64 random bits (xoshiro256**).
pub fn next() -> u64 {
    let mut s = STATE.borrow_mut();
    let result = s[1].wrapping_mul(5).rotate_left(7).wrapping_mul(9);
    let t = s[1] << 17;
    s[2] ^= s[0];
    s[3] ^= s[1];
    s[1] ^= s[2];
    s[0] ^= s[3];
    s[2] ^= t;
    s[3] = s[3].rotate_left(45);
    result
}

/// Fills `buf` with random bytes.
pub fn fill(buf: &mut [u8]) {
    for chunk in buf.chunks_mut(8) {
        chunk.copy_from_slice(&next().to_le_bytes()[..chunk.len()]);
    }
}
