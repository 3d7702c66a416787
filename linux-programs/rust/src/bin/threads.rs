//! threads: Rust std's threads on riscv64 Linux: spawn and join with
//! results, a Mutex and Condvar hand-off, an mpsc channel from several
//! producers, scoped threads borrowing the caller's data, thread names and
//! ids, and a thread that panics, whose join gives Err. Everything printed
//! is printed by main, in a fixed order; the panic message goes to stderr.

use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{mpsc, Arc, Condvar, Mutex};
use std::thread;

fn main() {
    // Spawn and join: each thread sums its own range.
    let handles: Vec<_> = (0..4u64).map(|i| thread::spawn(move || (i * 1000..(i + 1) * 1000).sum::<u64>())).collect();
    let sums: Vec<u64> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    println!("joined 4 threads: sums {:?}, total {}", sums, sums.iter().sum::<u64>());

    // A shared counter under a Mutex.
    let counter = Arc::new(Mutex::new(0u64));
    let workers: Vec<_> = (0..4)
        .map(|_| {
            let c = Arc::clone(&counter);
            thread::spawn(move || {
                for _ in 0..10_000 {
                    *c.lock().unwrap() += 1;
                }
            })
        })
        .collect();
    workers.into_iter().for_each(|w| w.join().unwrap());
    println!("mutex counter: {}", *counter.lock().unwrap());

    // A Condvar: the worker waits for "go", then answers.
    let pair = Arc::new((Mutex::new(0u32), Condvar::new()));
    let p2 = Arc::clone(&pair);
    let answerer = thread::spawn(move || {
        let (lock, cv) = &*p2;
        let mut state = cv.wait_while(lock.lock().unwrap(), |s| *s == 0).unwrap();
        *state += 41;
        cv.notify_all();
    });
    {
        let (lock, cv) = &*pair;
        *lock.lock().unwrap() = 1;
        cv.notify_all();
        let state = cv.wait_while(lock.lock().unwrap(), |s| *s == 1).unwrap();
        println!("condvar hand-off: {}", *state);
    }
    answerer.join().unwrap();

    // mpsc: three producers, one consumer.
    let (tx, rx) = mpsc::channel();
    for id in 0..3u32 {
        let tx = tx.clone();
        thread::spawn(move || {
            for n in 0..100u32 {
                tx.send(id * 1000 + n).unwrap();
            }
        });
    }
    drop(tx);
    let mut got: Vec<u32> = rx.iter().collect();
    got.sort();
    println!("channel: {} messages, first {}, last {}, sum {}", got.len(), got[0], got[got.len() - 1], got.iter().sum::<u32>());

    // Scoped threads borrow the caller's data.
    let data: Vec<u32> = (1..=1000).collect();
    let seen = AtomicUsize::new(0);
    let (left, right) = data.split_at(500);
    let (a, b) = thread::scope(|s| {
        let a = s.spawn(|| {
            seen.fetch_add(left.len(), Ordering::SeqCst);
            left.iter().sum::<u32>()
        });
        let b = s.spawn(|| {
            seen.fetch_add(right.len(), Ordering::SeqCst);
            right.iter().sum::<u32>()
        });
        (a.join().unwrap(), b.join().unwrap())
    });
    println!("scoped threads: {a} + {b} = {}, {} elements seen", a + b, seen.load(Ordering::SeqCst));

    // Names and ids.
    let main_id = thread::current().id();
    let named = thread::Builder::new()
        .name("worker-7".into())
        .spawn(move || (thread::current().name().map(String::from), thread::current().id() != main_id))
        .unwrap();
    let (name, other_id) = named.join().unwrap();
    println!("named thread: {:?}, its id differs from main's: {other_id}", name);

    // A panicking thread: join gives Err with the payload.
    let bad = thread::Builder::new().name("doomed".into()).spawn(|| -> u32 { panic!("deliberate panic in a thread") }).unwrap();
    match bad.join() {
        Ok(_) => println!("the panicking thread returned?"),
        Err(e) => println!("join of the panicking thread: Err({:?})", e.downcast_ref::<&str>().copied().unwrap_or("?")),
    }
    println!("main still running after the panic; exiting 0");
}
