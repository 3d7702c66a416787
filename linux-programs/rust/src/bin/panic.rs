//! panic: a panic in main unwinds and the program exits with 101, after the
//! panic message on stderr and the destructors on the way out.

struct Farewell;

impl Drop for Farewell {
    fn drop(&mut self) {
        println!("unwinding ran the destructor");
    }
}

fn main() {
    let _farewell = Farewell;
    println!("about to panic");
    let v: Vec<u32> = std::env::args().skip(1).map(|a| a.parse().unwrap()).collect();
    panic!("deliberate panic with {} arguments", v.len());
}
