//! Builds the guest workspace (guest-programs/, and the kernel when it exists)
//! for riscv64 with a nested cargo, and tells the emulator where the ELFs are.
//!
//! The nested build gets its own target directory under target/ (sharing the
//! outer one deadlocks on its lock), runs from the guest workspace so its
//! .cargo/config.toml applies, and gets an environment scrubbed of the outer
//! build's flags (coverage and other tools would otherwise leak into it).
use std::path::{Path, PathBuf};
use std::process::Command;

const GUEST_TARGET: &str = "riscv64imac-unknown-none-elf";

fn main() {
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let root = manifest.parent().unwrap().to_path_buf();
    let guest = root.join("guest-programs");
    let target_dir = std::env::var("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|_| root.join("target"));
    let target_dir = target_dir.join("guest");

    rerun_if_changed(&guest);
    rerun_if_changed(&root.join("arch"));
    // The kernel and the user programs (`sv39 run` embeds both) share the ABI crate.
    rerun_if_changed(&root.join("guest-os"));
    rerun_if_changed(&root.join("abi"));

    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let mut cmd = Command::new(cargo);
    cmd.current_dir(&guest)
        .args(["build", "--release", "--workspace", "--target", GUEST_TARGET, "--target-dir"])
        .arg(&target_dir);
    scrub(&mut cmd);
    let status = cmd.status().expect("cannot run cargo for the guest workspace");
    if !status.success() {
        panic!(
            "building the guest programs failed; is the target installed? \
             `rustup target add {GUEST_TARGET}` (make does this)"
        );
    }
    let bins = target_dir.join(GUEST_TARGET).join("release");
    println!("cargo:rustc-env=SV39_GUEST_BIN_DIR={}", bins.display());
    write_conformance_list(&guest, &bins);
    let bundled = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("bundled");
    write_bundled(&guest, &bins, &bundled);
    println!("cargo:rustc-env=SV39_BUNDLED_DIR={}", bundled.display());
}

/// Writes to `out` the files `sv39 run` embeds (the kernel and the user
/// programs of guest-programs/programs) stripped: the symbol tables were 85%
/// of each program (the initramfs of every run: 7.3 MB, 1.3 MB without),
/// the kernel's debug information 9.7 of its 12.5 MB. The files in `bins`
/// keep everything, for GDB.
fn write_bundled(guest: &Path, bins: &Path, out: &Path) {
    std::fs::create_dir_all(out).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    let names = bin_names(&guest.join("programs/src/bin")).into_iter().chain(["guest-os".to_string()]);
    for name in names {
        let path = bins.join(&name);
        let data = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        let stripped = strip_symbols(&data).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        std::fs::write(out.join(&name), stripped).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
    }
}

/// `data`, an ELF file, without .symtab, .strtab and debug information
/// (what `strip` removes from an executable; the loadable segments are
/// unchanged).
fn strip_symbols(data: &[u8]) -> object::build::Result<Vec<u8>> {
    let mut elf = object::build::elf::Builder::read(data)?;
    for symbol in elf.symbols.iter_mut() {
        symbol.delete = true;
    }
    for section in elf.sections.iter_mut() {
        let name: &[u8] = &section.name;
        if matches!(name, b".symtab" | b".strtab") || name.starts_with(b".debug") {
            section.delete = true;
        }
    }
    let mut out = Vec::new();
    elf.write(&mut out)?;
    Ok(out)
}

/// The names of the bins in a package's src/bin, sorted.
fn bin_names(src: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(src)
        .unwrap_or_else(|e| panic!("{}: {e}", src.display()))
        .flatten()
        .filter_map(|e| e.file_name().to_str()?.strip_suffix(".rs").map(str::to_string))
        .collect();
    names.sort();
    names
}

/// The conformance suite (src/conformance/) embeds its cases: writes
/// `$OUT_DIR/conformance_cases.rs`, an `include!`-able `&[(name, ELF bytes)]`
/// with one entry per bin of guest-programs/conformance, sorted by name.
fn write_conformance_list(guest: &Path, bins: &Path) {
    let names = bin_names(&guest.join("conformance/src/bin"));
    let entries: String = names
        .iter()
        .map(|n| format!("    ({n:?}, include_bytes!({:?})),\n", bins.join(n).display().to_string()))
        .collect();
    let out = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("conformance_cases.rs");
    std::fs::write(&out, format!("&[\n{entries}]\n")).unwrap_or_else(|e| panic!("{}: {e}", out.display()));
}

/// Removes the outer build's settings from the nested cargo's environment.
fn scrub(cmd: &mut Command) {
    for (key, _) in std::env::vars() {
        let drop = matches!(
            key.as_str(),
            "RUSTFLAGS"
                | "CARGO_ENCODED_RUSTFLAGS"
                | "CARGO_TARGET_DIR"
                | "RUSTC_WORKSPACE_WRAPPER"
                | "RUSTC_WRAPPER"
                | "CARGO_MAKEFLAGS"
                | "CARGO_LLVM_COV"
                | "LLVM_PROFILE_FILE"
        ) || key.starts_with("CARGO_BUILD_")
            || key.starts_with("CARGO_CFG_")
            || key.starts_with("CARGO_FEATURE_")
            || key.starts_with("CARGO_PROFILE_")
            || key.starts_with("CARGO_ENCODED_");
        if drop {
            cmd.env_remove(key);
        }
    }
}

/// Every source folder, manifest and linker script of the guest side.
/// Folders are listed too, so a new file (a new test program) triggers a build.
fn rerun_if_changed(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    println!("cargo:rerun-if-changed={}", dir.display());
    for e in entries.flatten() {
        let path = e.path();
        let name = e.file_name();
        if name == "target" || name.to_string_lossy().starts_with('.') && name != ".cargo" {
            continue;
        }
        if path.is_dir() {
            rerun_if_changed(&path);
        } else {
            println!("cargo:rerun-if-changed={}", path.display());
        }
    }
}
