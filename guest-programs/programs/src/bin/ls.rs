//! `ls [-a] [-l] [PATH...]`: lists directories (sorted, one name per line,
//! dot files only with `-a`) and names files; `-l` adds type and
//! permissions, link count and size.
#![no_std]
#![no_main]

extern crate alloc;

use alloc::string::String;
use alloc::vec::Vec;
use sv39_rt::abi::stat::{Stat, S_IFBLK, S_IFCHR, S_IFDIR, S_IFIFO, S_IFLNK, S_IFMT, S_IFREG, S_ISDIR};
use sv39_rt::{eprintln, fs, println, Args, Errno};

sv39_rt::entry!(main);

#[derive(Default)]
struct Options {
    all: bool,
    long: bool,
}

/// `drwxr-xr-x` for a mode.
fn mode_string(mode: u32) -> String {
    let kind = match mode & S_IFMT {
        S_IFDIR => 'd',
        S_IFCHR => 'c',
        S_IFBLK => 'b',
        S_IFLNK => 'l',
        S_IFIFO => 'p',
        S_IFREG => '-',
        _ => '?',
    };
    let rwx = (0..9).rev().map(|bit| if mode & (1 << bit) == 0 { '-' } else { b"xwr"[bit % 3] as char });
    core::iter::once(kind).chain(rwx).collect()
}

fn show(name: &[u8], st: Option<&Stat>, opts: &Options) {
    let name = String::from_utf8_lossy(name);
    match st.filter(|_| opts.long) {
        Some(st) => println!("{} {:2} {:8} {}", mode_string(st.st_mode), st.st_nlink, st.st_size, name),
        None => println!("{name}"),
    }
}

fn list_dir(path: &[u8], opts: &Options) -> Result<(), Errno> {
    let mut entries = fs::read_dir(path)?;
    entries.retain(|(_, name)| opts.all || !name.starts_with(b"."));
    entries.sort_by(|a, b| a.1.cmp(&b.1));
    for (_, name) in entries {
        let st = opts.long.then(|| fs::stat(&[path, b"/", &name].concat()).ok()).flatten();
        show(&name, st.as_ref(), opts);
    }
    Ok(())
}

fn list(path: &[u8], opts: &Options, heading: bool) -> Result<(), Errno> {
    let st = fs::stat(path)?;
    if !S_ISDIR(st.st_mode) {
        show(path, Some(&st), opts);
        return Ok(());
    }
    if heading {
        println!("{}:", String::from_utf8_lossy(path));
    }
    list_dir(path, opts)
}

fn main(args: Args) -> i32 {
    let mut opts = Options::default();
    let mut paths: Vec<&[u8]> = Vec::new();
    for a in args.iter().skip(1).map(|a| a.to_bytes()) {
        match a {
            [b'-', flags @ ..] if !flags.is_empty() => {
                for f in flags {
                    match f {
                        b'a' => opts.all = true,
                        b'l' => opts.long = true,
                        _ => {
                            eprintln!("ls: invalid option -- '{}'\nusage: ls [-a] [-l] [PATH...]", *f as char);
                            return 2;
                        }
                    }
                }
            }
            _ => paths.push(a),
        }
    }
    if paths.is_empty() {
        paths.push(b".");
    }
    let mut status = 0;
    for p in &paths {
        if let Err(e) = list(p, &opts, paths.len() > 1) {
            eprintln!("ls: cannot access '{}': {e}", String::from_utf8_lossy(p));
            status = 2;
        }
    }
    status
}
