//! The 9P device and server fed real T-messages through a virtqueue, as
//! Linux's and the bundled kernel's clients send them, over a scratch host
//! tree with a file outside the share that no request may reach.

use super::server::{MAX_FIDS, MAX_MSIZE, MAX_OPEN};
use super::wire::{msg, Qid, Reader, Writer, HEADER_LEN, QTDIR, QTFILE, QTSYMLINK};
use super::*;
use crate::devices::virtio::mmio::VirtioMmio;
use crate::devices::virtio::queue::tests::{Driver, BASE};
use crate::devices::virtio::queue::QueueError;
use std::path::{Path, PathBuf};

const NEXT: u16 = 1;
const WRITE: u16 = 2;
const REQ: u64 = BASE + 0x3000;
const REPLY: u64 = BASE + 0x6000;
const ROOM: u32 = 0x8000;
const TAG: u16 = 1;

/// 9P2000.L open flags (P9_DOTL_*).
const RDONLY: u32 = 0;
const WRONLY: u32 = 1;
const RDWR: u32 = 2;
const TRUNC: u32 = 0o1000;

/// `<tmp>/sv39-p9-NAME-PID/{share,outside}`: the share holds a.txt,
/// sub/b.txt, a symlink to it, symlinks leading out, and 40 files in many/.
struct Tree {
    top: PathBuf,
    share: PathBuf,
}

impl Tree {
    fn new(name: &str) -> Tree {
        let top = std::env::temp_dir().join(format!("sv39-p9-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&top);
        let share = top.join("share");
        std::fs::create_dir_all(share.join("sub")).unwrap();
        std::fs::create_dir_all(share.join("many")).unwrap();
        std::fs::create_dir_all(top.join("outside")).unwrap();
        std::fs::write(top.join("outside/secret"), "secret\n").unwrap();
        std::fs::write(share.join("a.txt"), "hello\n").unwrap();
        std::fs::write(share.join("sub/b.txt"), "deep\n").unwrap();
        std::os::unix::fs::symlink("sub/b.txt", share.join("link")).unwrap();
        std::os::unix::fs::symlink("..", share.join("up")).unwrap();
        std::os::unix::fs::symlink(top.join("outside"), share.join("out")).unwrap();
        std::os::unix::fs::symlink("../outside/new", share.join("dangle")).unwrap();
        for i in 0..40 {
            std::fs::write(share.join(format!("many/file-with-a-long-name-{i:02}")), "x").unwrap();
        }
        Tree { top, share }
    }

    fn outside(&self) -> Vec<String> {
        let mut names: Vec<String> = std::fs::read_dir(self.top.join("outside"))
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        names
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.top);
    }
}

/// A client of one 9P device: each call is a chain of the T-message and
/// `room` writable bytes, served as the transport serves it.
struct Client {
    d: Driver,
    dev: P9,
}

impl Client {
    fn new(share: &Path, readonly: bool) -> Client {
        Client { d: Driver::new(8), dev: P9::new(share, "share0", readonly).unwrap() }
    }

    /// A session: Tversion, then Tattach of fid 0 at the root.
    fn attached(share: &Path, readonly: bool) -> Client {
        let mut c = Client::new(share, readonly);
        c.ok(msg::TVERSION, |w| {
            w.u32(69632).str(b"9P2000.L");
        });
        c.ok(msg::TATTACH, |w| {
            w.u32(0).u32(!0).str(b"root").str(b"").u32(!0);
        });
        c
    }

    /// Serves the raw bytes `t` with `room` bytes for the reply.
    fn raw(&mut self, t: &[u8], room: u32) -> Result<Vec<u8>, QueueError> {
        self.d.ram.write_bytes(REQ, t).unwrap();
        self.d.set_desc(0, REQ, t.len() as u32, NEXT, 1);
        self.d.set_desc(1, REPLY, room, WRITE, 0);
        self.d.make_available(0);
        let chain = self.d.pop(false).unwrap().unwrap();
        assert_eq!(self.dev.cost(&chain), START_TICKS + (t.len() as u64 + u64::from(room)) / BYTES_PER_TICK);
        let (n, _) = self.dev.serve(0, &chain, &mut self.d.dma())?;
        let mut reply = vec![0; n as usize];
        self.d.ram.read_bytes(REPLY, &mut reply).unwrap();
        Ok(reply)
    }

    /// The reply to the T-message of type `op` whose body `body` writes.
    fn call(&mut self, op: u8, body: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let mut w = Writer::default();
        w.start(op, TAG);
        body(&mut w);
        let reply = self.raw(w.finish(), ROOM).expect("a well-formed chain");
        let size = u32::from_le_bytes(reply[0..4].try_into().unwrap()) as usize;
        assert_eq!(size, reply.len(), "size[4] is the reply's length");
        assert_eq!(u16::from_le_bytes([reply[5], reply[6]]), TAG, "the tag comes back");
        reply
    }

    /// The body of the R-message answering a successful `op`.
    fn ok(&mut self, op: u8, body: impl FnOnce(&mut Writer)) -> Vec<u8> {
        let reply = self.call(op, body);
        let errno = (reply[4] == msg::RLERROR).then(|| u32::from_le_bytes(reply[7..11].try_into().unwrap()));
        assert_eq!((reply[4], errno), (op + 1, None), "R-message type of T{op}");
        reply[HEADER_LEN..].to_vec()
    }

    /// The errno of the Rlerror answering `op`.
    fn err(&mut self, op: u8, body: impl FnOnce(&mut Writer)) -> i32 {
        let reply = self.call(op, body);
        assert_eq!(reply[4], msg::RLERROR, "T{op} fails");
        assert_eq!(reply.len(), HEADER_LEN + 4);
        u32::from_le_bytes(reply[7..11].try_into().unwrap()) as i32
    }

    /// Twalk from `fid` to `newfid` through `names`: the qids.
    fn walk(&mut self, fid: u32, newfid: u32, names: &[&str]) -> Result<Vec<Qid>, i32> {
        let reply = self.call(msg::TWALK, |w| {
            w.u32(fid).u32(newfid).u16(names.len() as u16);
            names.iter().for_each(|n| {
                w.str(n.as_bytes());
            });
        });
        if reply[4] == msg::RLERROR {
            return Err(u32::from_le_bytes(reply[7..11].try_into().unwrap()) as i32);
        }
        let mut r = Reader::new(&reply[HEADER_LEN..]);
        let n = r.u16().unwrap();
        Ok((0..n).map(|_| qid(&mut r)).collect())
    }

    fn lopen(&mut self, fid: u32, flags: u32) -> Result<Qid, i32> {
        let reply = self.call(msg::TLOPEN, |w| {
            w.u32(fid).u32(flags);
        });
        if reply[4] == msg::RLERROR {
            return Err(u32::from_le_bytes(reply[7..11].try_into().unwrap()) as i32);
        }
        Ok(qid(&mut Reader::new(&reply[HEADER_LEN..])))
    }

    fn read(&mut self, fid: u32, offset: u64, count: u32) -> Vec<u8> {
        let body = self.ok(msg::TREAD, |w| {
            w.u32(fid).u64(offset).u32(count);
        });
        let n = u32::from_le_bytes(body[0..4].try_into().unwrap()) as usize;
        assert_eq!(body.len(), 4 + n);
        body[4..].to_vec()
    }

    /// Every entry of the open directory `fid`, by Treaddirs of `count` bytes
    /// each starting at the offset of the last entry returned.
    fn readdir_all(&mut self, fid: u32, count: u32) -> Vec<String> {
        let (mut names, mut offset) = (vec![], 0);
        loop {
            let body = self.ok(msg::TREADDIR, |w| {
                w.u32(fid).u64(offset).u32(count);
            });
            let mut r = Reader::new(&body);
            let n = r.u32().unwrap() as usize;
            assert!(n <= count as usize, "{n} bytes for count {count}");
            if n == 0 {
                return names;
            }
            let mut r = Reader::new(&body[4..4 + n]);
            while let Ok(kind) = r.u8() {
                let (_version, _path, next, _type) = (r.u32().unwrap(), r.u64().unwrap(), r.u64().unwrap(), r.u8());
                let name = String::from_utf8(r.str().unwrap().to_vec()).unwrap();
                assert_eq!(kind == QTDIR, name == "." || name == ".." || !name.contains("file"), "{name}");
                names.push(name);
                offset = next;
            }
        }
    }

    /// Rgetattr's size field of `fid`.
    fn size(&mut self, fid: u32) -> u64 {
        let body = self.ok(msg::TGETATTR, |w| {
            w.u32(fid).u64(0x7ff);
        });
        // valid[8] qid[13] mode[4] uid[4] gid[4] nlink[8] rdev[8] size[8]
        u64::from_le_bytes(body[49..57].try_into().unwrap())
    }
}

fn qid(r: &mut Reader) -> Qid {
    Qid { kind: r.u8().unwrap(), version: r.u32().unwrap(), path: r.u64().unwrap() }
}

#[test]
fn the_device_names_its_mount_tag() {
    let t = Tree::new("tag");
    let dev = P9::new(&t.share, "share0", true).unwrap();
    assert_eq!(dev.device_id(), 9);
    assert_eq!(dev.features(), VIRTIO_9P_MOUNT_TAG);
    assert_eq!(dev.config(), b"\x06\x00share0");
    for legacy in [false, true] {
        use crate::devices::Mmio;
        let mut slot = VirtioMmio::new(Box::new(P9::new(&t.share, "share0", true).unwrap()), legacy);
        assert_eq!(slot.read(0x004, 4), Some(if legacy { 1 } else { 2 }), "version");
        assert_eq!(slot.read(0x008, 4), Some(9), "device ID");
        assert_eq!(slot.read(0x100, 4), Some(u64::from_le_bytes(*b"\x06\x00sh\0\0\0\0")), "tag_len, tag");
    }
    assert!(P9::new(&t.share.join("nope"), "share0", true).is_err(), "a missing directory");
}

#[test]
fn version_and_attach_start_a_session() {
    let t = Tree::new("version");
    let mut c = Client::new(&t.share, true);
    let body = c.ok(msg::TVERSION, |w| {
        w.u32(8192).str(b"9P2000.L");
    });
    assert_eq!(body, [&8192u32.to_le_bytes()[..], b"\x08\x009P2000.L"].concat());
    let body = c.ok(msg::TVERSION, |w| {
        w.u32(u32::MAX).str(b"9P2000.u");
    });
    assert_eq!(body, [&MAX_MSIZE.to_le_bytes()[..], b"\x07\x00unknown"].concat(), "msize capped");
    assert_eq!(
        c.err(msg::TVERSION, |w| {
            w.u32(512).str(b"9P2000.L");
        }),
        libc::EMSGSIZE
    );
    c.ok(msg::TVERSION, |w| {
        w.u32(69632).str(b"9P2000.L");
    });
    let body = c.ok(msg::TATTACH, |w| {
        w.u32(0).u32(!0).str(b"root").str(b"").u32(!0);
    });
    assert_eq!(body[0], QTDIR, "the root is a directory");
    assert_eq!(
        c.err(msg::TATTACH, |w| {
            w.u32(0).u32(!0).str(b"root").str(b"").u32(!0);
        }),
        libc::EINVAL,
        "fid in use"
    );
    c.ok(msg::TVERSION, |w| {
        w.u32(69632).str(b"9P2000.L");
    });
    assert_eq!(c.walk(0, 1, &[]), Err(libc::ENOENT), "a new session has no fids");
}

#[test]
fn walk_open_read_and_getattr() {
    let t = Tree::new("read");
    let mut c = Client::attached(&t.share, true);
    let qids = c.walk(0, 1, &["sub", "b.txt"]).unwrap();
    assert_eq!(qids.iter().map(|q| q.kind).collect::<Vec<_>>(), [QTDIR, QTFILE]);
    assert_eq!(c.size(1), 5);
    assert_eq!(
        c.err(msg::TREAD, |w| {
            w.u32(1).u64(0).u32(100);
        }),
        libc::EBADF,
        "not open"
    );
    assert_eq!(c.lopen(1, RDONLY).map(|q| q.kind), Ok(QTFILE));
    assert_eq!(c.lopen(1, RDONLY), Err(libc::EINVAL), "opened twice");
    assert_eq!(c.read(1, 0, 100), b"deep\n");
    assert_eq!(c.read(1, 2, 2), b"ep");
    assert_eq!(c.read(1, 5, 100), b"", "at the end");
    assert_eq!(c.walk(0, 2, &["link"]).unwrap()[0].kind, QTSYMLINK, "a symlink is not followed");
    assert_eq!(
        c.ok(msg::TREADLINK, |w| {
            w.u32(2);
        }),
        b"\x09\x00sub/b.txt"
    );
    assert_eq!(c.walk(0, 3, &["sub", "nope"]).map(|q| q.len()), Ok(1), "a partial walk");
    assert_eq!(
        c.err(msg::TGETATTR, |w| {
            w.u32(3).u64(0x7ff);
        }),
        libc::ENOENT,
        "makes no newfid"
    );
    assert_eq!(c.walk(0, 3, &["nope"]), Err(libc::ENOENT));
    assert_eq!(c.walk(0, 3, &["a.txt", "x"]).map(|q| q.len()), Ok(1), "a file has no children");
    assert_eq!(c.walk(0, 1, &[]), Err(libc::EINVAL), "newfid in use");
    c.ok(msg::TCLUNK, |w| {
        w.u32(1);
    });
    assert_eq!(
        c.err(msg::TCLUNK, |w| {
            w.u32(1);
        }),
        libc::ENOENT,
        "clunked"
    );
}

#[test]
fn read_and_readdir_fit_the_reply_room() {
    let t = Tree::new("room");
    std::fs::write(t.share.join("big"), vec![7u8; 20000]).unwrap();
    let mut c = Client::attached(&t.share, true);
    c.walk(0, 1, &["big"]).unwrap();
    c.lopen(1, RDONLY).unwrap();
    let mut w = Writer::default();
    w.start(msg::TREAD, TAG);
    w.u32(1).u64(0).u32(20000);
    let reply = c.raw(w.finish(), 1000).unwrap();
    assert_eq!(reply.len(), 1000, "count cut to the room");
    assert_eq!(u32::from_le_bytes(reply[7..11].try_into().unwrap()), 1000 - 11);
    assert_eq!(c.read(1, 0, 20000).len(), 20000);
}

#[test]
fn readdir_continues_from_each_entry_offset() {
    let t = Tree::new("readdir");
    let mut c = Client::attached(&t.share, true);
    c.walk(0, 1, &["many"]).unwrap();
    assert_eq!(c.lopen(1, RDONLY).map(|q| q.kind), Ok(QTDIR));
    let mut want: Vec<String> = (0..40).map(|i| format!("file-with-a-long-name-{i:02}")).collect();
    want.extend([".".into(), "..".into()]);
    want.sort();
    for count in [200, 4096] {
        let mut got = c.readdir_all(1, count);
        got.sort();
        assert_eq!(got, want, "in replies of {count} bytes");
    }
    c.walk(0, 2, &["a.txt"]).unwrap();
    assert_eq!(
        c.err(msg::TREADDIR, |w| {
            w.u32(2).u64(0).u32(4096);
        }),
        libc::EBADF,
        "not open"
    );
}

#[test]
fn a_read_only_share_refuses_every_change() {
    let t = Tree::new("ro");
    let mut c = Client::attached(&t.share, true);
    c.walk(0, 1, &["a.txt"]).unwrap();
    for flags in [WRONLY, RDWR, RDONLY | TRUNC] {
        assert_eq!(c.lopen(1, flags), Err(libc::EROFS), "flags {flags:o}");
    }
    c.lopen(1, RDONLY).unwrap();
    assert_eq!(
        c.err(msg::TWRITE, |w| {
            w.u32(1).u64(0).u32(1).data(b"x");
        }),
        libc::EROFS
    );
    let refused: [(u8, &dyn Fn(&mut Writer)); 10] = [
        (msg::TLCREATE, &|w| {
            w.u32(0).str(b"new").u32(WRONLY).u32(0o644).u32(0);
        }),
        (msg::TMKDIR, &|w| {
            w.u32(0).str(b"dir").u32(0o755).u32(0);
        }),
        (msg::TSYMLINK, &|w| {
            w.u32(0).str(b"s").str(b"a.txt").u32(0);
        }),
        (msg::TLINK, &|w| {
            w.u32(0).u32(1).str(b"hard");
        }),
        (msg::TUNLINKAT, &|w| {
            w.u32(0).str(b"a.txt").u32(0);
        }),
        (msg::TRENAMEAT, &|w| {
            w.u32(0).str(b"a.txt").u32(0).str(b"b.txt");
        }),
        (msg::TRENAME, &|w| {
            w.u32(1).u32(0).str(b"b.txt");
        }),
        (msg::TSETATTR, &|w| {
            w.u32(1).u32(8).u32(0).u32(0).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0);
        }),
        (msg::TMKNOD, &|w| {
            w.u32(0).str(b"fifo").u32(0o10644).u32(0).u32(0).u32(0);
        }),
        (msg::TXATTRCREATE, &|w| {
            w.u32(1).str(b"user.x").u64(1).u32(0);
        }),
    ];
    for (op, body) in refused {
        assert_eq!(c.err(op, body), libc::EROFS, "T{op}");
    }
    let mut names: Vec<_> = std::fs::read_dir(&t.share).unwrap().map(|e| e.unwrap().file_name()).collect();
    names.sort();
    assert_eq!(names, ["a.txt", "dangle", "link", "many", "out", "sub", "up"]);
    assert_eq!(std::fs::read(t.share.join("a.txt")).unwrap(), b"hello\n");
}

#[test]
fn a_writable_share_creates_writes_renames_and_removes() {
    let t = Tree::new("rw");
    let mut c = Client::attached(&t.share, false);
    c.walk(0, 1, &["sub"]).unwrap();
    let body = c.ok(msg::TLCREATE, |w| {
        w.u32(1).str(b"new.txt").u32(RDWR).u32(0o640).u32(0);
    });
    assert_eq!(body[0], QTFILE, "fid 1 is now the open new file");
    assert_eq!(
        c.ok(msg::TWRITE, |w| {
            w.u32(1).u64(0).u32(6).data(b"first\n");
        }),
        6u32.to_le_bytes()
    );
    assert_eq!(c.read(1, 0, 100), b"first\n");
    assert_eq!(std::fs::read(t.share.join("sub/new.txt")).unwrap(), b"first\n");
    c.ok(msg::TMKDIR, |w| {
        w.u32(0).str(b"made").u32(0o755).u32(0);
    });
    c.walk(0, 2, &["sub"]).unwrap();
    c.walk(0, 3, &["made"]).unwrap();
    c.ok(msg::TRENAMEAT, |w| {
        w.u32(2).str(b"new.txt").u32(3).str(b"moved.txt");
    });
    assert_eq!(std::fs::read(t.share.join("made/moved.txt")).unwrap(), b"first\n");
    assert_eq!(c.size(1), 6, "the open fid follows its file");
    c.walk(0, 4, &["made", "moved.txt"]).unwrap();
    c.ok(msg::TSETATTR, |w| {
        w.u32(4).u32(8).u32(0).u32(0).u32(0).u64(2).u64(0).u64(0).u64(0).u64(0);
    });
    assert_eq!(std::fs::read(t.share.join("made/moved.txt")).unwrap(), b"fi", "truncated");
    c.ok(msg::TSYMLINK, |w| {
        w.u32(3).str(b"l").str(b"/etc/passwd").u32(0);
    });
    assert_eq!(std::fs::read_link(t.share.join("made/l")).unwrap(), Path::new("/etc/passwd"), "stored as given");
    assert_eq!(
        c.err(msg::TUNLINKAT, |w| {
            w.u32(0).str(b"made").u32(0x200);
        }),
        libc::ENOTEMPTY
    );
    c.ok(msg::TUNLINKAT, |w| {
        w.u32(3).str(b"moved.txt").u32(0);
    });
    c.ok(msg::TUNLINKAT, |w| {
        w.u32(3).str(b"l").u32(0);
    });
    c.ok(msg::TUNLINKAT, |w| {
        w.u32(0).str(b"made").u32(0x200);
    });
    assert!(!t.share.join("made").exists());
    assert_eq!(
        c.err(msg::TMKNOD, |w| {
            w.u32(0).str(b"fifo").u32(0o10644).u32(0).u32(0).u32(0);
        }),
        libc::EOPNOTSUPP
    );
}

#[test]
fn no_walk_or_change_leaves_the_share() {
    let t = Tree::new("escape");
    let mut c = Client::attached(&t.share, false);
    let root = c.walk(0, 1, &[]).unwrap();
    assert!(root.is_empty());
    let up = c.walk(0, 2, &["..", "..", ".."]).unwrap();
    assert_eq!(up.len(), 3);
    assert_eq!(c.size(2), c.size(1), "`..` at the root stays at the root");
    assert_eq!(c.walk(0, 3, &["..", "outside"]).map(|q| q.len()), Ok(1), "no `outside` at the root");
    assert_eq!(
        c.err(msg::TGETATTR, |w| {
            w.u32(3).u64(0x7ff);
        }),
        libc::ENOENT,
        "nor fid 3"
    );
    assert_eq!(c.walk(0, 3, &["sub", "..", "..", "a.txt"]).map(|q| q.len()), Ok(4), "up from sub, then the root");
    for name in ["../outside", "sub/b.txt", "", "a\0b"] {
        assert_eq!(c.walk(0, 4, &[name]), Err(libc::EINVAL), "{name:?} is not one name");
    }
    // Symlinks are walked to, never through, and never opened.
    for link in ["up", "out"] {
        assert!(c.walk(0, 4, &[link, "secret"]).is_ok_and(|q| q.len() == 1), "{link}");
        assert!(c.walk(0, 4, &[link, "outside", "secret"]).is_ok_and(|q| q.len() == 1), "{link}");
    }
    c.walk(0, 4, &["out"]).unwrap();
    assert_eq!(c.lopen(4, RDONLY), Err(libc::ENXIO), "a symlink is no file to open");
    assert_eq!(
        c.err(msg::TLCREATE, |w| {
            w.u32(4).str(b"x").u32(WRONLY).u32(0o644).u32(0);
        }),
        libc::ENOTDIR
    );
    assert_eq!(
        c.err(msg::TMKDIR, |w| {
            w.u32(4).str(b"d").u32(0o755).u32(0);
        }),
        libc::ENOTDIR
    );
    assert_eq!(
        c.err(msg::TLCREATE, |w| {
            w.u32(0).str(b"dangle").u32(WRONLY).u32(0o644).u32(0);
        }),
        libc::ELOOP
    );
    assert_eq!(
        c.err(msg::TLCREATE, |w| {
            w.u32(0).str(b"..").u32(WRONLY).u32(0o644).u32(0);
        }),
        libc::EINVAL
    );
    c.walk(0, 5, &["dangle"]).unwrap();
    let truncate = |w: &mut Writer| {
        w.u32(5).u32(8).u32(0).u32(0).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    };
    assert_eq!(c.err(msg::TSETATTR, truncate), libc::ELOOP);
    let chmod = |w: &mut Writer| {
        w.u32(4).u32(1).u32(0o777).u32(0).u32(0).u64(0).u64(0).u64(0).u64(0).u64(0);
    };
    assert_eq!(c.err(msg::TSETATTR, chmod), libc::ELOOP);
    assert_eq!(
        c.err(msg::TRENAMEAT, |w| {
            w.u32(0).str(b"a.txt").u32(4).str(b"a.txt");
        }),
        libc::ENOTDIR
    );
    assert_eq!(
        c.err(msg::TUNLINKAT, |w| {
            w.u32(4).str(b"secret").u32(0);
        }),
        libc::ENOTDIR
    );
    assert_eq!(t.outside(), ["secret"], "nothing made or removed outside");
    assert_eq!(std::fs::read(t.top.join("outside/secret")).unwrap(), b"secret\n");
}

#[test]
fn malformed_messages_are_errors_not_panics() {
    let t = Tree::new("malformed");
    let mut c = Client::attached(&t.share, true);
    assert_eq!(
        c.err(msg::TWALK, |w| {
            w.u32(0);
        }),
        libc::EPROTO,
        "a body too short"
    );
    assert_eq!(
        c.err(msg::TWALK, |w| {
            w.u32(0).u32(1).u16(1).u16(50).data(b"ab");
        }),
        libc::EPROTO,
        "a name past the end"
    );
    assert_eq!(
        c.err(msg::TWRITE, |w| {
            w.u32(0).u64(0).u32(100).data(b"ab");
        }),
        libc::EPROTO,
        "data past the end"
    );
    assert_eq!(
        c.err(msg::TWALK, |w| {
            w.u32(0).u32(1).u16(17);
        }),
        libc::EINVAL,
        "more than 16 names"
    );
    assert_eq!(c.err(200, |_| {}), libc::EOPNOTSUPP, "an unknown type");
    assert_eq!(
        c.err(msg::TWALK + 1, |w| {
            w.u32(0);
        }),
        libc::EOPNOTSUPP,
        "an R-message"
    );
    // Chains the transport cannot answer: DEVICE_NEEDS_RESET, as QEMU's virtio_error.
    assert_eq!(c.raw(&[3, 0, 0, 0, 100, 1], ROOM), Err(QueueError::BadRequest), "shorter than a header");
    assert_eq!(c.raw(&[6, 0, 0, 0, 100, 1, 0], ROOM), Err(QueueError::BadRequest), "size below the header's");
    assert_eq!(c.raw(&[99, 0, 0, 0, 100, 1, 0, 0], ROOM), Err(QueueError::BadRequest), "size past the chain");
    let huge = (MAX_MSIZE + 1).to_le_bytes();
    assert_eq!(
        c.raw(&[huge[0], huge[1], huge[2], huge[3], 120, 1, 0], ROOM),
        Err(QueueError::BadRequest),
        "past msize"
    );
    assert_eq!(c.raw(&[7, 0, 0, 0, 120, 1, 0], 8), Err(QueueError::BadRequest), "no room for an Rlerror");
    let mut w = Writer::default();
    w.start(msg::TGETATTR, TAG);
    w.u32(0).u64(0x7ff);
    assert_eq!(c.raw(w.finish(), 11), Err(QueueError::BadRequest), "nor an Rgetattr");
    c.walk(0, 1, &["a.txt"]).unwrap();
}

#[test]
fn fids_and_open_files_are_bounded() {
    let t = Tree::new("fids");
    let mut c = Client::attached(&t.share, true);
    for fid in 1..MAX_FIDS as u32 {
        c.walk(0, fid, &[]).unwrap();
    }
    assert_eq!(c.walk(0, MAX_FIDS as u32, &[]), Err(libc::EMFILE));
    c.ok(msg::TCLUNK, |w| {
        w.u32(1);
    });
    c.walk(0, MAX_FIDS as u32, &[]).unwrap();
    for fid in 2..=MAX_OPEN as u32 + 1 {
        c.lopen(fid, RDONLY).unwrap();
    }
    assert_eq!(c.lopen(MAX_OPEN as u32 + 2, RDONLY), Err(libc::EMFILE));
    c.ok(msg::TCLUNK, |w| {
        w.u32(2);
    });
    c.lopen(MAX_OPEN as u32 + 2, RDONLY).unwrap();
}
