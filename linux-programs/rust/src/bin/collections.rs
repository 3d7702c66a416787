//! collections: Vec, HashMap (seeded from getrandom, so printed in sorted
//! order), BTreeMap, VecDeque and String, with float arithmetic and
//! formatting; every result is checked against its known value.

use std::collections::{BTreeMap, HashMap, HashSet, VecDeque};
use std::fmt::Write;

/// Exits with 1, naming the check, when `ok` is false.
fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("check failed: {what}");
        std::process::exit(1);
    }
}

fn main() {
    let words = "the quick brown fox jumps over the lazy dog the end".split(' ');
    let mut counts: HashMap<&str, usize> = HashMap::new();
    for w in words {
        *counts.entry(w).or_default() += 1;
    }
    let mut sorted: Vec<_> = counts.iter().map(|(w, n)| (*w, *n)).collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    check(sorted[0] == ("the", 3) && sorted.len() == 9, "word counts");
    println!("words: {sorted:?}");

    let squares: BTreeMap<u32, u64> = (1..=20).map(|i| (i, u64::from(i * i))).collect();
    let sum: u64 = squares.range(5..=10).map(|(_, v)| v).sum();
    check(sum == 355, "sum of squares 5..=10");
    println!("squares 5..=10 sum to {sum}; last {:?}", squares.last_key_value());

    let mut ring: VecDeque<i32> = (0..10).collect();
    ring.rotate_left(3);
    ring.push_front(-1);
    check(ring.iter().take(3).eq([-1, 3, 4].iter()), "rotated deque");
    println!("deque: {ring:?}");

    let unique: HashSet<u64> = (0..10_000u64).map(|i| i * i % 1009).collect();
    check(unique.len() == 505, "quadratic residues mod 1009");
    println!("quadratic residues mod 1009: {}", unique.len());

    let xs: Vec<f64> = (1..=1000).map(|i| 1.0 / f64::from(i)).collect();
    let harmonic: f64 = xs.iter().sum();
    let mean = harmonic / xs.len() as f64;
    let var = xs.iter().map(|x| (x - mean).powi(2)).sum::<f64>() / xs.len() as f64;
    check(harmonic.to_bits() == 7.485470860550343f64.to_bits(), "harmonic sum");
    println!("H(1000) = {harmonic:.12}, mean {mean:.6e}, std dev {:.6}", var.sqrt());

    let mut text = String::new();
    for x in [0.1 + 0.2, 1e21, 1.5e-7, -0.0, f64::INFINITY, f64::NAN, 2.5f64.sqrt(), std::f64::consts::E.ln()] {
        write!(text, "{x} ").unwrap();
    }
    check(text == "0.30000000000000004 1000000000000000000000 0.00000015 -0 inf NaN 1.5811388300841898 1 ", "floats");
    println!("floats: {}", text.trim_end());
    let single = 16_777_217f32;
    check(single == 16_777_216.0, "f32 rounding");
    println!("f32: {single} {:.3} {:e} {:?}", 1.0f32 / 3.0, 6.5e-3f32, 0.1f32 as f64);
    check(format!("{:>10.3}|{:<+8.1}|{:08.2}", 3.14159, 2.0, -1.5) == "     3.142|+2.0    |-0001.50", "padding");
    println!("{:>10.3}|{:<+8.1}|{:08.2}", 3.14159, 2.0, -1.5);
    let parsed: f64 = "2.718281828459045".parse().unwrap();
    check(parsed == std::f64::consts::E, "parse");
    check((1u64 << 53) as f64 + 1.0 == (1u64 << 53) as f64, "53-bit mantissa");
    check((-7.9f64) as i64 == -7 && (3.0e10f64) as i32 == i32::MAX && f64::NAN as u8 == 0, "saturating casts");
    println!("parse, casts and rounding agree with IEEE 754");
}
