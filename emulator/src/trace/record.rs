//! One line of trace output, as text or as a JSON object.

use super::config::Format;
use serde_json::{Map, Value};
use std::io::{self, Write};
use sv39_arch::csr::Priv;

/// A trace line: the text a person reads and the fields a tool reads.
pub struct Record {
    pub text: String,
    pub fields: Map<String, Value>,
}

impl Record {
    /// A record of `event` on `hart` at instruction `cycle`.
    pub fn new(event: &str, hart: usize, cycle: u64, prv: Priv, pc: u64) -> Record {
        let mut fields = Map::new();
        fields.insert("event".into(), event.into());
        fields.insert("hart".into(), hart.into());
        fields.insert("cycle".into(), cycle.into());
        fields.insert("priv".into(), prv.letter().to_string().into());
        fields.insert("pc".into(), hex(pc));
        Record { text: String::new(), fields }
    }

    /// A record of device `device`'s `event`: no hart, pc or privilege.
    pub fn new_device(event: &str, device: &str) -> Record {
        let mut fields = Map::new();
        fields.insert("event".into(), event.into());
        fields.insert("device".into(), device.into());
        Record { text: String::new(), fields }
    }

    pub fn field(&mut self, name: &str, value: impl Into<Value>) -> &mut Record {
        self.fields.insert(name.into(), value.into());
        self
    }

    pub fn write(&self, out: &mut impl Write, format: Format) -> io::Result<()> {
        match format {
            Format::Text => writeln!(out, "{}", self.text),
            Format::Jsonl => {
                serde_json::to_writer(&mut *out, &self.fields)?;
                writeln!(out)
            }
        }
    }
}

/// A 64-bit value for JSON: a hex string, since JSON numbers lose precision.
pub fn hex(v: u64) -> Value {
    Value::String(format!("{v:#x}"))
}

/// Spike's line prefix: `core   0: `.
pub fn core_prefix(hart: usize) -> String {
    format!("core{hart:>4}: ")
}
