//! `sv39 run -L SYSROOT`: the files a dynamically linked program needs, as
//! `qemu-riscv64 -L SYSROOT` finds them. QEMU sends the guest's opens of
//! `/lib/...` to `SYSROOT/lib/...`; here the interpreter PT_INTERP names
//! and every library DT_NEEDED names (the interpreter's and the libraries'
//! own too) are copied from SYSROOT into the initramfs at the same paths,
//! so the guest's ld.so finds them where it looks and maps them with mmap.

use crate::loader::elf;
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// Where ld.so looks for a library with no cache and no RUNPATH: glibc's
/// system directories on riscv64 (multiarch first, as Debian builds it).
const SEARCH_DIRS: [&str; 6] =
    ["lib/riscv64-linux-gnu", "usr/lib/riscv64-linux-gnu", "lib", "usr/lib", "lib64/lp64d", "usr/lib64/lp64d"];

/// The guest paths and contents of the interpreter `interp` and of every
/// library `program` needs, read from `sysroot`.
pub fn files(sysroot: &Path, program: &[u8], interp: &str) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let mut files = BTreeMap::new();
    let interp_path = under(sysroot, interp);
    let data = std::fs::read(&interp_path).map_err(|e| format!("{}: {e} (the interpreter)", interp_path.display()))?;
    elf::linux_program_interp(&data).map_err(|e| format!("{}: {e}", interp_path.display()))?;
    files.insert(interp.to_string(), data);
    let mut wanted = vec![program.to_vec()];
    while let Some(object) = wanted.pop() {
        let (needed, runpaths) = elf::needed_libraries(&object).map_err(|e| e.to_string())?;
        for name in needed {
            if files.keys().any(|p| file_name(p) == name) {
                continue;
            }
            let (guest, data) = find(sysroot, &name, &runpaths)?;
            wanted.push(data.clone());
            files.insert(guest, data);
        }
    }
    Ok(files)
}

/// `path` (absolute in the guest) inside `sysroot`.
fn under(sysroot: &Path, path: &str) -> PathBuf {
    sysroot.join(path.trim_start_matches('/'))
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Library `name` in the RUNPATH directories, then the system ones.
fn find(sysroot: &Path, name: &str, runpaths: &[String]) -> Result<(String, Vec<u8>), String> {
    let dirs = runpaths.iter().map(|d| d.trim_matches('/').to_string()).chain(SEARCH_DIRS.map(String::from));
    for dir in dirs {
        let guest = format!("/{dir}/{name}");
        if let Ok(data) = std::fs::read(under(sysroot, &guest)) {
            return Ok((guest, data));
        }
    }
    Err(format!("{name}: not found in {} (looked in {})", sysroot.display(), SEARCH_DIRS.join(", ")))
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEBIAN: &str = "/usr/riscv64-linux-gnu";

    #[test]
    fn libc_and_the_interpreter_come_from_the_sysroot() {
        let Ok(program) = std::fs::read(Path::new(DEBIAN).join("lib/libm.so.6")) else { return };
        let files = files(Path::new(DEBIAN), &program, "/lib/ld-linux-riscv64-lp64d.so.1").unwrap();
        let names: Vec<&str> = files.keys().map(String::as_str).collect();
        assert_eq!(names, ["/lib/ld-linux-riscv64-lp64d.so.1", "/lib/libc.so.6"], "libm needs libc, libc ld.so");
        assert!(files.values().all(|d| d.starts_with(b"\x7fELF")));
    }

    #[test]
    fn a_missing_library_is_named() {
        let err = find(Path::new("/nonexistent"), "libnothing.so.1", &[]).unwrap_err();
        assert!(err.starts_with("libnothing.so.1: not found in /nonexistent"), "{err}");
    }
}
