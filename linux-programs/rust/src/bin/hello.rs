//! hello: the smallest Rust std program: std's start-up (stack guard, signal
//! handlers, stdout lock) and one line out.

fn main() {
    println!("Hello from Rust (std, static)");
}
