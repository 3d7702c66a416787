//! Links every program as Linux toolchains link a static executable: ET_EXEC,
//! its first segment (ELF header and program headers included) at 0x10000.
fn main() {
    println!("cargo:rustc-link-arg-bins=--image-base=0x10000");
    println!("cargo:rustc-link-arg-bins=-static");
    println!("cargo:rustc-link-arg-bins=-znoexecstack");
}
