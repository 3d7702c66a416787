//! The benchmark's workloads. Each runs in U-mode over the data region at `base`
//! and returns a checksum; all are pure functions of fixed seeds, so the
//! checksums are constants and the instruction counts never vary.

/// Size of the data region the workloads use (mapped with 4 KiB pages).
pub const DATA_SIZE: u64 = 256 << 20;
/// The sieve finds the primes below this, one byte per number, `SIEVE_ROUNDS`
/// times: 1 MiB, so the integer phases measure the CPU rather than host RAM.
pub const SIEVE_N: usize = 1 << 20;
pub const SIEVE_ROUNDS: u64 = 16;
/// Number of u32 the sort phase sorts (512 KiB), placed after the sieve's
/// bytes, `SORT_ROUNDS` times with different data.
pub const SORT_LEN: usize = 128 << 10;
pub const SORT_ROUNDS: u64 = 8;
const SORT_OFFSET: u64 = SIEVE_N as u64;
/// Where the one-round-per-call forms (`sieve_round`, `sort_round`) keep
/// their state between calls: the sieve's total, the sort's xorshift state
/// and hash (all zero in fresh RAM: no round run yet).
const STATE_OFFSET: u64 = 2 << 20;
/// Number of random u64 reads over the whole region.
pub const READS: u64 = 4 << 20;
const SEED: u64 = 0x2545_f491_4f6c_dd1d;

/// Marsaglia's xorshift64 with shifts (13, 7, 17).
fn xorshift64(x: &mut u64) -> u64 {
    *x ^= *x << 13;
    *x ^= *x >> 7;
    *x ^= *x << 17;
    *x
}

/// The `len` elements of type T at `base + offset`.
///
/// # Safety
/// `[base + offset, + len * size_of::<T>())` must lie in the mapped data region,
/// aligned for T, and be used by no other live reference.
unsafe fn region<'a, T>(base: u64, offset: u64, len: usize) -> &'a mut [T] {
    // SAFETY: the caller's contract.
    unsafe { core::slice::from_raw_parts_mut((base + offset) as *mut T, len) }
}

/// Sieve of Eratosthenes over bytes, `SIEVE_ROUNDS` times: the total of the
/// counts of primes below `SIEVE_N`.
pub extern "C" fn sieve(base: u64) -> u64 {
    // SAFETY: SIEVE_N bytes at offset 0 fit the region; one phase runs at a time.
    let is_prime = unsafe { region::<u8>(base, 0, SIEVE_N) };
    (0..SIEVE_ROUNDS).map(|_| sieve_once(is_prime)).sum()
}

/// One round of `sieve` per call: the total so far (after `SIEVE_ROUNDS`
/// calls, `sieve`'s result).
pub extern "C" fn sieve_round(base: u64) -> u64 {
    // SAFETY: the sieve's bytes and the state words lie apart in the region.
    let (is_prime, state) = unsafe { (region::<u8>(base, 0, SIEVE_N), region::<u64>(base, STATE_OFFSET, 1)) };
    state[0] += sieve_once(is_prime);
    state[0]
}

fn sieve_once(is_prime: &mut [u8]) -> u64 {
    let n = is_prime.len();
    is_prime.fill(1);
    is_prime[0] = 0;
    is_prime[1] = 0;
    let mut i = 2;
    while i * i < n {
        if is_prime[i] != 0 {
            for j in (i * i..n).step_by(i) {
                is_prime[j] = 0;
            }
        }
        i += 1;
    }
    is_prime.iter().filter(|&&b| b != 0).count() as u64
}

/// Heapsorts `SORT_LEN` pseudo-random u32, `SORT_ROUNDS` times with fresh
/// data, and returns an order-dependent hash of the results, or 0 when one is
/// not sorted.
pub extern "C" fn sort(base: u64) -> u64 {
    // SAFETY: the u32s after the sieve's bytes fit the region; one phase runs at a time.
    let v = unsafe { region::<u32>(base, SORT_OFFSET, SORT_LEN) };
    let mut x = SEED;
    let mut hash = 0u64;
    for _ in 0..SORT_ROUNDS {
        match sort_once(v, &mut x, hash) {
            Some(h) => hash = h,
            None => return 0,
        }
    }
    hash
}

/// One round of `sort` per call: the hash so far (after `SORT_ROUNDS` calls,
/// `sort`'s result), or 0 when a round did not sort.
pub extern "C" fn sort_round(base: u64) -> u64 {
    // SAFETY: the sort's u32s and the state words lie apart in the region.
    let (v, state) = unsafe { (region::<u32>(base, SORT_OFFSET, SORT_LEN), region::<u64>(base, STATE_OFFSET + 8, 2)) };
    let mut x = if state[0] == 0 { SEED } else { state[0] };
    let hash = sort_once(v, &mut x, state[1]).unwrap_or(0);
    (state[0], state[1]) = (x, hash);
    hash
}

/// Fills `v` from `x`, sorts it and folds it into `hash`; None if unsorted.
fn sort_once(v: &mut [u32], x: &mut u64, hash: u64) -> Option<u64> {
    for e in v.iter_mut() {
        *e = (xorshift64(x) >> 32) as u32;
    }
    heapsort(v);
    if v.windows(2).any(|w| w[0] > w[1]) {
        return None;
    }
    Some(v.iter().fold(hash, |h, &e| h.wrapping_mul(31).wrapping_add(e as u64)))
}

fn heapsort(v: &mut [u32]) {
    let n = v.len();
    for root in (0..n / 2).rev() {
        sift_down(v, root, n);
    }
    for end in (1..n).rev() {
        v.swap(0, end);
        sift_down(v, 0, end);
    }
}

/// Restores the max-heap property below `root` in `v[..end]`.
fn sift_down(v: &mut [u32], mut root: usize, end: usize) {
    loop {
        let mut child = 2 * root + 1;
        if child >= end {
            return;
        }
        if child + 1 < end && v[child] < v[child + 1] {
            child += 1;
        }
        if v[root] >= v[child] {
            return;
        }
        v.swap(root, child);
        root = child;
    }
}

/// Fills the whole region with a pattern, then sums `READS` u64 at pseudo-random
/// indices: nearly every read lands on a page no TLB still holds.
pub extern "C" fn random_reads(base: u64) -> u64 {
    // SAFETY: exactly the region; one phase runs at a time.
    let words = unsafe { region::<u64>(base, 0, (DATA_SIZE / 8) as usize) };
    for (i, w) in words.iter_mut().enumerate() {
        *w = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
    }
    let mask = words.len() - 1;
    let mut x = SEED;
    let mut sum = 0u64;
    for _ in 0..READS {
        sum = sum.wrapping_add(words[xorshift64(&mut x) as usize & mask]);
    }
    sum
}
