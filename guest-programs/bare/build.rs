//! Puts the linker script `bare.ld` on the link search path of every program that
//! depends on `bare`; a program selects it with `cargo:rustc-link-arg-bins=-Tbare.ld`.
use std::{env, fs, path::PathBuf};

fn main() {
    let out = PathBuf::from(env::var("OUT_DIR").unwrap());
    fs::copy("bare.ld", out.join("bare.ld")).unwrap();
    println!("cargo:rustc-link-search={}", out.display());
    println!("cargo:rerun-if-changed=bare.ld");
}
