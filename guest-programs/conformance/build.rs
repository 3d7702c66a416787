//! Links every case with `bare.ld`, without debug information: the sv39 binary
//! embeds all case ELFs, so each should stay small (the symbol table, which
//! holds `tohost`, is kept).
fn main() {
    println!("cargo:rustc-link-arg-bins=-Tbare.ld");
    println!("cargo:rustc-link-arg-bins=--strip-debug");
}
