//! Links every case with `bare.ld`, without debug information or local
//! symbols: the sv39 binary embeds all case ELFs, so each should stay small
//! (the global symbols, `tohost` and `fromhost` among them, are kept).
fn main() {
    println!("cargo:rustc-link-arg-bins=-Tbare.ld");
    println!("cargo:rustc-link-arg-bins=--strip-debug");
    println!("cargo:rustc-link-arg-bins=--discard-all");
}
