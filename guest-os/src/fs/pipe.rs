//! Pipes: a bounded byte queue with a read end and a write end. Readers wait
//! while it is empty and a writer remains; writers wait while it is full and
//! a reader remains; writing with no reader left is EPIPE (and SIGPIPE).

use crate::proc::scheduler::{self, Channel};
use alloc::collections::VecDeque;
use alloc::rc::Rc;
use core::cell::{Cell, RefCell};
use sv39_abi::signal::{SigInfo, SIGPIPE};
use sv39_abi::Errno;

/// Bytes a pipe holds (Linux's is 16 pages; one is enough here).
const CAPACITY: usize = 4096;

pub struct Pipe {
    buf: RefCell<VecDeque<u8>>,
    readers: Cell<usize>,
    writers: Cell<usize>,
}

impl Pipe {
    fn channel(&self) -> Channel {
        Channel::Pipe(self as *const Pipe as usize)
    }
}

/// One end of a pipe; the end closes when the handle drops.
pub struct PipeEnd {
    pipe: Rc<Pipe>,
    write: bool,
}

/// A new pipe: (read end, write end).
pub fn new() -> (PipeEnd, PipeEnd) {
    let pipe = Rc::new(Pipe { buf: RefCell::new(VecDeque::new()), readers: Cell::new(1), writers: Cell::new(1) });
    (PipeEnd { pipe: Rc::clone(&pipe), write: false }, PipeEnd { pipe, write: true })
}

impl PipeEnd {
    pub fn is_write_end(&self) -> bool {
        self.write
    }

    /// Reads what is there, waiting for data or the last writer's close.
    pub fn read(&self, out: &mut [u8], nonblock: bool) -> Result<usize, Errno> {
        loop {
            let n = {
                let mut buf = self.pipe.buf.borrow_mut();
                let n = out.len().min(buf.len());
                for (o, b) in out.iter_mut().zip(buf.drain(..n)) {
                    *o = b;
                }
                n
            };
            if n > 0 || out.is_empty() || self.pipe.writers.get() == 0 {
                scheduler::wakeup(self.pipe.channel());
                return Ok(n);
            }
            if nonblock {
                return Err(Errno::EAGAIN);
            }
            scheduler::sleep_interruptible(self.pipe.channel())?;
        }
    }

    /// Writes all of `data`, waiting for room; EPIPE once no reader is left.
    pub fn write(&self, data: &[u8], nonblock: bool) -> Result<usize, Errno> {
        let mut done = 0;
        while done < data.len() {
            if self.pipe.readers.get() == 0 {
                let me = scheduler::current();
                crate::proc::signal::send(&me, SigInfo::kill(SIGPIPE, me.pid as i32, 0));
                return Err(Errno::EPIPE);
            }
            let n = {
                let mut buf = self.pipe.buf.borrow_mut();
                let n = (CAPACITY - buf.len()).min(data.len() - done);
                buf.extend(&data[done..done + n]);
                n
            };
            done += n;
            scheduler::wakeup(self.pipe.channel());
            if n == 0 {
                if nonblock {
                    return if done > 0 { Ok(done) } else { Err(Errno::EAGAIN) };
                }
                scheduler::sleep_interruptible(self.pipe.channel())?;
            }
        }
        Ok(done)
    }

    /// Whether a read (or a write, on the write end) would not wait.
    pub fn ready(&self) -> bool {
        let len = self.pipe.buf.borrow().len();
        if self.write {
            len < CAPACITY || self.pipe.readers.get() == 0
        } else {
            len > 0 || self.pipe.writers.get() == 0
        }
    }

    /// Bytes waiting in the pipe.
    pub fn len(&self) -> usize {
        self.pipe.buf.borrow().len()
    }
}

impl Drop for PipeEnd {
    fn drop(&mut self) {
        let count = if self.write { &self.pipe.writers } else { &self.pipe.readers };
        count.set(count.get() - 1);
        scheduler::wakeup(self.pipe.channel());
    }
}
