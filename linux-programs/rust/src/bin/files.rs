//! files: std::fs on the system's /tmp: create a directory, write, append,
//! read back, metadata, list, rename, remove; errors come back as io::Error
//! kinds.

use std::fs::{self, OpenOptions};
use std::io::{ErrorKind, Read, Seek, SeekFrom, Write};

fn check(ok: bool, what: &str) {
    if !ok {
        eprintln!("check failed: {what}");
        std::process::exit(1);
    }
}

fn main() -> std::io::Result<()> {
    // The process id keeps runs apart on a shared host /tmp; it is never printed.
    let dir = std::env::temp_dir().join(format!("sv39-files-{}", std::process::id()));
    fs::create_dir(&dir)?;
    let a = dir.join("a.txt");
    fs::write(&a, "first line\n")?;
    let mut f = OpenOptions::new().append(true).open(&a)?;
    writeln!(f, "second line")?;
    drop(f);
    let text = fs::read_to_string(&a)?;
    check(text == "first line\nsecond line\n", "append");
    print!("{text}");

    let big: Vec<u8> = (0..100_000u32).map(|i| (i % 253) as u8).collect();
    let b = dir.join("b.bin");
    fs::write(&b, &big)?;
    check(fs::metadata(&b)?.len() == 100_000 && fs::metadata(&b)?.is_file(), "metadata");
    let mut f = fs::File::open(&b)?;
    f.seek(SeekFrom::Start(50_000))?;
    let mut rest = Vec::new();
    f.read_to_end(&mut rest)?;
    check(rest == big[50_000..], "seek and read");
    println!("b.bin: {} bytes, the second half read back after a seek", big.len());

    fs::create_dir(dir.join("sub"))?;
    fs::rename(&a, dir.join("sub/renamed.txt"))?;
    let mut names: Vec<String> = fs::read_dir(&dir)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()?;
    names.sort();
    check(names == ["b.bin", "sub"], "listing");
    println!("listing: {names:?}");

    let missing = fs::read(dir.join("missing"));
    check(missing.as_ref().is_err_and(|e| e.kind() == ErrorKind::NotFound), "NotFound");
    let exists = fs::create_dir(dir.join("sub"));
    check(exists.as_ref().is_err_and(|e| e.kind() == ErrorKind::AlreadyExists), "AlreadyExists");
    println!("errors: NotFound and AlreadyExists");

    fs::remove_dir_all(&dir)?;
    check(!dir.exists(), "removed");
    println!("removed the directory and everything in it");
    Ok(())
}
