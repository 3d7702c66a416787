//! `--dump-pagetable` and `--dump-vm` on the bundled MMU demo, whose page
//! tables are known (guest-programs/mmu-demo): the text names every mapping
//! the demo installs with the flags its scenes leave, and the SVG is
//! well-formed XML that draws them; and on the kernel, a process's space.

mod common;
use common::*;
use std::path::PathBuf;
use std::process::Command;
use std::time::Duration;

/// A scratch path for this test process.
fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("sv39-inspect-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

/// Runs the demo with `options` plus a text and an SVG dump; returns both.
fn dump_demo(tag: &str, options: &[&str]) -> (String, String) {
    let (text, svg) = (scratch(&format!("{tag}.txt")), scratch(&format!("{tag}.svg")));
    let text_opt = format!("--dump-pagetable={}", text.display());
    let mut args = vec![text_opt.as_str(), "--dump-vm", svg.to_str().unwrap()];
    args.extend(options);
    let run = sv39(&args, &guest_bin("mmu-demo"));
    assert_eq!(run.code, Some(0), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    (std::fs::read_to_string(text).unwrap(), std::fs::read_to_string(svg).unwrap())
}

/// The line of the region starting at `va`.
fn region<'a>(text: &'a str, va: &str) -> &'a str {
    text.lines()
        .find(|l| l.starts_with(&format!("-- region {va}-")))
        .unwrap_or_else(|| panic!("no region at {va}:\n{text}"))
}

#[test]
fn the_demo_table_at_exit_as_text() {
    let (text, _) = dump_demo("exit", &[]);
    assert_eq!(text.matches("== page table").count(), 1, "{text}");
    assert!(text.contains("== page table 1 of 1: ASID 0, root table at PA 0x8"), "{text}");
    assert!(text.contains("read at exit: hart 0"), "{text}");
    // Scene 3 loaded and stored through the data page: A and D.
    assert!(region(&text, "0x0000000040000000").contains("4 KiB  DA-U-WRV  user"), "{text}");
    // Scene 4's store faulted: A from the load, no D.
    assert!(region(&text, "0x0000000040001000").contains("-A-U--RV  user  rodata (inferred)"), "{text}");
    // One frame at two addresses, executable and not.
    let x = region(&text, "0x0000000040002000");
    assert!(x.contains("-A-UX-RV  user  text (inferred)") && x.contains("more than one address"), "{x}");
    assert!(region(&text, "0x0000000040003000").contains("more than one address"), "{text}");
    // U-mode's load faulted and S-mode read it under the other table: no A here.
    assert!(region(&text, "0x0000000040004000").contains("-----WRV  supervisor"), "{text}");
    // Scene 5 mapped three pages on demand, one PTE each, contiguous in one table.
    assert!(region(&text, "0x0000000040010000").contains("12 KiB  DA-U-WRV"), "{text}");
    assert!(text.lines().any(|l| l.starts_with("   0x0000000040010000-0x0000000040012fff") && l.contains("4 KiB x3")));
    // Scene 6's superpage: one level-1 leaf, its PTE reached in two steps.
    let huge = text.lines().find(|l| l.starts_with("   0x0000000040200000-0x00000000403fffff")).unwrap();
    assert!(huge.contains("2 MiB       DA-U-WRV") && huge.matches(" / ").count() == 1, "{huge}");
    assert!(
        region(&text, "0x0000000080000000").contains("DA-UXWRV  user  code + data (RWX) (inferred)  identity-mapped")
    );
    assert!(text.contains("(1 GiB unmapped)") && !text.contains("!!"), "{text}");
}

#[test]
fn the_demo_tables_over_time_share_frames() {
    let (text, svg) = dump_demo("asid0", &["--dump-vm-asid", "0"]);
    // The user table, the S-mode table (scene 8), the user table again.
    assert_eq!(text.matches("== page table").count(), 3, "{text}");
    assert!(text.contains("read 2 times, shown as last read at exit"), "{text}");
    let roots: Vec<&str> = text.lines().filter_map(|l| l.split("root table at PA ").nth(1)).collect();
    assert!(roots[0] != roots[1] && roots[0] == roots[2], "{roots:?}");
    // The data page is a user page of both tables.
    let data: Vec<&str> = text.lines().filter(|l| l.starts_with("-- region 0x0000000040000000-")).collect();
    assert_eq!(data.len(), 3, "{text}");
    assert!(data.iter().all(|l| l.contains("4 KiB of frames also mapped by ASID 0 (root 0x8")), "{data:?}");
    // Pages mapped on demand come only in the last reading.
    assert_eq!(text.matches("-- region 0x0000000040010000-").count(), 1, "{text}");

    let doc = roxmltree::Document::parse(&svg).unwrap_or_else(|e| panic!("not well-formed XML: {e}"));
    assert_eq!(doc.root_element().tag_name().name(), "svg");
    let texts: Vec<&str> = doc.descendants().filter(|n| n.has_tag_name("text")).filter_map(|n| n.text()).collect();
    for name in ["data / heap", "rodata", "text", "code + data (RWX)", "kernel data", "kernel code + data (RWX)"] {
        assert!(texts.contains(&name), "no box named {name:?}: {texts:?}");
    }
    assert!(texts.iter().any(|t| t.starts_with("3 of 3: ASID 0")), "{texts:?}");
    assert!(texts.iter().any(|t| t.contains("2 MiB · DA-U-WRV · 2 MiB page x1")), "{texts:?}");
    assert!(texts.iter().any(|t| t.ends_with("page table L2 (root)")), "{texts:?}");
    let classes: Vec<&str> =
        doc.descendants().filter(|n| n.has_tag_name("rect")).filter_map(|n| n.attribute("class")).collect();
    for class in ["super", "shared", "alias", "sup", "pt", "gap"] {
        assert!(classes.contains(&class), "no rect of class {class}: {classes:?}");
    }
    assert!(!classes.contains(&"hole"), "the demo maps only the lower half: no non-canonical hole");
}

#[test]
fn a_kernel_process_space_shows_text_stack_and_the_kernel_half() {
    let path = scratch("hello.txt");
    let mut cmd = Command::new(SV39);
    cmd.arg("run").arg(format!("--dump-pagetable={}", path.display())).args(["--dump-vm-asid", "all", "hello"]);
    let run = run_with_limit(cmd, Duration::from_secs(120));
    assert_eq!(run.code, Some(0), "stdout: {}\nstderr: {}", run.stdout, run.stderr);
    let text = std::fs::read_to_string(path).unwrap();
    let process = |t: &&str| t.contains("user  text (inferred)") && t.contains("user  stack (inferred)");
    let user = text.split("== page table").find(process).unwrap_or_else(|| panic!("no process's table:\n{text}"));
    assert!(user.contains("supervisor  kernel text (inferred)"), "{user}");
    assert!(user.contains("the non-canonical hole"), "{user}");
}

#[test]
fn bad_options_get_one_line_and_status_2() {
    let demo = guest_bin("mmu-demo");
    let run = sv39(&["--dump-vm-asid", "1"], &demo);
    assert_eq!(
        (run.code, run.stderr.trim()),
        (Some(2), "sv39: error: --dump-vm-asid needs --dump-vm or --dump-pagetable")
    );
    let run = sv39(&["--dump-vm", "/no/such/dir/x.svg"], &demo);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.starts_with("sv39: error: cannot create /no/such/dir/x.svg"), "{}", run.stderr);
    let run = sv39(&["--dump-pagetable", "--dump-vm-asid", "x"], &demo);
    assert_eq!(run.code, Some(2), "{}", run.stderr);
    assert!(run.stderr.contains("`x` is not an ASID"), "{}", run.stderr);
}
