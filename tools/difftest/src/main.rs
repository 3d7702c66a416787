//! `sv39-difftest`: finds the first instruction where sv39 and QEMU disagree.
//!
//! QEMU runs the ELF one instruction per translation block with `-d
//! cpu,nochain`, printing the whole CPU state before each instruction; sv39
//! runs it with `--trace insn --trace-format jsonl`, giving each retired
//! instruction's pc and register writes. Starting from QEMU's state at the
//! ELF's entry (QEMU's reset ROM leaves t0 and a2 set where sv39 starts at the
//! entry directly), the tool applies sv39's writes one instruction at a time
//! and compares the result with QEMU's next state. A trapping instruction
//! retires nothing in sv39's trace; QEMU shows it as one more state, which is
//! skipped. Where the spec leaves a choice (e.g. mtval of ebreak: sv39 writes
//! the pc as Spike does, QEMU 7.2 writes 0) the tool reports it like any other
//! difference, for the reader to judge. Timer interrupts arrive at different instructions on the two
//! (QEMU's clock is the host's), so use it on code that does not depend on them.
//!
//! QEMU 7.2 spells one-instruction blocks `-singlestep`; 8.1 and later
//! `-one-insn-per-tb`: `--qemu-one-insn` chooses.

use clap::Parser;
use std::collections::VecDeque;
use std::io::{BufRead, BufReader};
use std::path::PathBuf;
use std::process::{Child, Command, Stdio};

#[derive(Parser)]
#[command(about = "Report the first instruction where sv39's and QEMU's register state differ")]
struct Args {
    /// The guest ELF (bare metal, entered at reset like `sv39 boot`).
    elf: PathBuf,
    /// Compare at most this many instructions.
    #[arg(long, default_value_t = 1_000_000)]
    max: u64,
    /// Guest RAM for both machines.
    #[arg(long, default_value = "128M")]
    mem: String,
    /// The sv39 binary.
    #[arg(long, default_value = "target/release/sv39")]
    sv39: PathBuf,
    /// QEMU's option for one instruction per block.
    #[arg(long, default_value = "-singlestep")]
    qemu_one_insn: String,
    /// Instructions of context to print before the difference.
    #[arg(long, default_value_t = 8)]
    context: usize,
}

/// One state QEMU printed: pc and x0..x31, before an instruction.
#[derive(Clone, Debug, PartialEq)]
struct State {
    pc: u64,
    x: [u64; 32],
}

/// One instruction sv39 retired.
struct Retired {
    pc: u64,
    disasm: String,
    writes: Vec<(usize, u64)>,
}

fn main() {
    let args = Args::parse();
    match run(&args) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("sv39-difftest: error: {e}");
            std::process::exit(2);
        }
    }
}

fn run(args: &Args) -> Result<i32, String> {
    let mut qemu = spawn_qemu(args)?;
    let mut sv39 = spawn_sv39(args)?;
    let mut qemu_states = QemuStates::new(&mut qemu)?;
    let mut retired = BufReader::new(sv39.stderr.take().ok_or("no sv39 trace")?).lines();
    let first = next_retired(&mut retired)?.ok_or("sv39 retired no instruction")?;
    let mut state = qemu_states.skip_to(first.pc)?.ok_or_else(|| format!("QEMU never reached {:#x}", first.pc))?;
    let mut recent: VecDeque<String> = VecDeque::new();
    let mut current = Some(first);
    let mut n = 0u64;
    let verdict = loop {
        let Some(insn) = current.take() else { break Ok(format!("sv39's trace ended after {n} instructions: no difference")) };
        if n >= args.max {
            break Ok(format!("no difference in {n} instructions"));
        }
        apply(&mut state, &insn);
        recent.push_back(format!("{:#018x}  {}", insn.pc, insn.disasm));
        if recent.len() > args.context {
            recent.pop_front();
        }
        let next = next_retired(&mut retired)?;
        let Some(theirs) = qemu_states.next_matching(next.as_ref().map(|r| r.pc))? else {
            break Ok(format!("QEMU's log ended after {n} instructions: no difference"));
        };
        if let Some(diff) = compare(&state, &theirs) {
            break Err((n, diff));
        }
        state = theirs;
        current = next;
        n += 1;
    };
    let _ = qemu.kill();
    let _ = sv39.kill();
    match verdict {
        Ok(msg) => {
            println!("{msg}");
            Ok(0)
        }
        Err((n, diff)) => {
            println!("first difference after instruction {n}:");
            recent.iter().for_each(|l| println!("  {l}"));
            println!("{diff}");
            Ok(1)
        }
    }
}

fn spawn_qemu(args: &Args) -> Result<Child, String> {
    Command::new("qemu-system-riscv64")
        .args(["-M", "virt", "-bios", "none", "-m", &args.mem, "-nographic", "-display", "none"])
        .args([args.qemu_one_insn.as_str(), "-d", "cpu,nochain", "-kernel"])
        .arg(&args.elf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start qemu-system-riscv64: {e}"))
}

fn spawn_sv39(args: &Args) -> Result<Child, String> {
    Command::new(&args.sv39)
        .args(["boot", "--mem", &args.mem, "--trace", "insn", "--trace-format", "jsonl"])
        .args(["--trace-count", &args.max.saturating_add(1).to_string()])
        .arg(&args.elf)
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start {}: {e}", args.sv39.display()))
}

/// QEMU's `-d cpu` dump, read as it is written.
struct QemuStates {
    lines: std::io::Lines<BufReader<std::process::ChildStderr>>,
}

impl QemuStates {
    fn new(qemu: &mut Child) -> Result<QemuStates, String> {
        let err = qemu.stderr.take().ok_or("no QEMU log")?;
        Ok(QemuStates { lines: BufReader::new(err).lines() })
    }

    /// The next full state in the dump.
    fn next(&mut self) -> Result<Option<State>, String> {
        let mut pc = None;
        let mut x = [0u64; 32];
        let mut seen = 0;
        for line in self.lines.by_ref() {
            let line = line.map_err(|e| e.to_string())?;
            let mut words = line.split_whitespace();
            while let Some(name) = words.next() {
                let value = words.next().and_then(|v| u64::from_str_radix(v, 16).ok());
                match (name, value) {
                    ("pc", Some(v)) => pc = Some(v),
                    (reg, Some(v)) if reg.starts_with('x') && reg.contains('/') => {
                        if let Ok(i) = reg[1..reg.find('/').unwrap_or(1)].parse::<usize>() {
                            x[i % 32] = v;
                            seen += 1;
                        }
                    }
                    _ => {}
                }
            }
            if seen == 32 {
                return Ok(pc.map(|pc| State { pc, x }));
            }
        }
        Ok(None)
    }

    /// Skips QEMU's reset ROM: the first state at `pc`.
    fn skip_to(&mut self, pc: u64) -> Result<Option<State>, String> {
        while let Some(s) = self.next()? {
            if s.pc == pc {
                return Ok(Some(s));
            }
        }
        Ok(None)
    }

    /// The next state, skipping one that sv39 did not retire (a trap).
    fn next_matching(&mut self, pc: Option<u64>) -> Result<Option<State>, String> {
        let Some(s) = self.next()? else { return Ok(None) };
        match pc {
            Some(pc) if s.pc != pc => Ok(self.next()?.filter(|t| t.pc == pc).or(Some(s))),
            _ => Ok(Some(s)),
        }
    }
}

fn next_retired(lines: &mut std::io::Lines<BufReader<std::process::ChildStderr>>) -> Result<Option<Retired>, String> {
    for line in lines.by_ref() {
        let line = line.map_err(|e| e.to_string())?;
        if !line.starts_with('{') {
            continue; // sv39's own messages share stderr with the trace
        }
        let v: serde_json::Value = serde_json::from_str(&line).map_err(|e| format!("sv39 trace: {e}: {line}"))?;
        if v["event"] != "insn" {
            continue;
        }
        let hex = |v: &serde_json::Value| v.as_str().and_then(|s| u64::from_str_radix(s.trim_start_matches("0x"), 16).ok());
        let writes = v["writes"]
            .as_array()
            .into_iter()
            .flatten()
            .filter_map(|w| Some((w[0].as_str()?.trim_start_matches('x').parse().ok()?, hex(&w[1])?)))
            .collect();
        let pc = hex(&v["pc"]).ok_or("sv39 trace: no pc")?;
        return Ok(Some(Retired { pc, disasm: v["disasm"].as_str().unwrap_or("").into(), writes }));
    }
    Ok(None)
}

fn apply(state: &mut State, insn: &Retired) {
    for &(r, v) in &insn.writes {
        state.x[r % 32] = v;
    }
}

/// What differs between sv39's state and QEMU's, if anything (pc included).
fn compare(ours: &State, theirs: &State) -> Option<String> {
    let mut diffs = Vec::new();
    for i in 1..32 {
        if ours.x[i] != theirs.x[i] {
            diffs.push(format!("  x{i:<2}  sv39 {:#018x}  qemu {:#018x}", ours.x[i], theirs.x[i]));
        }
    }
    (!diffs.is_empty()).then(|| format!("registers after it (next pc {:#x}):\n{}", theirs.pc, diffs.join("\n")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn writes_apply_and_differences_name_the_register() {
        let mut s = State { pc: 0, x: [0; 32] };
        apply(&mut s, &Retired { pc: 0, disasm: String::new(), writes: vec![(5, 7)] });
        assert_eq!(s.x[5], 7);
        let mut q = s.clone();
        assert_eq!(compare(&s, &q), None);
        q.x[6] = 1;
        assert!(compare(&s, &q).unwrap().contains("x6"));
    }
}
