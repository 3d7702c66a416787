fn main() { println!("cargo:rustc-link-arg-bins=-Tbare.ld"); }
