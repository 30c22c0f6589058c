//! The README's command-line quick start, run line by line: the simulated drive's block here
//! as processes; the served drive's block by tests/uml/cli.sh in UML, which takes it from the
//! README (checked here).

mod common;

use std::process::Command;

/// The `sh` blocks of the README section `title`, as lines without their comments.
fn blocks(title: &str) -> Vec<Vec<String>> {
    let readme = include_str!("../README.md");
    let section = readme
        .split("\n## ")
        .find(|s| s.starts_with(title))
        .unwrap_or_else(|| panic!("README has no section {title:?}"));
    let mut out = Vec::new();
    let mut cur: Option<Vec<String>> = None;
    for line in section.lines() {
        match (&mut cur, line.trim()) {
            (None, "```sh") => cur = Some(Vec::new()),
            (Some(_), "```") => out.push(cur.take().unwrap()),
            (Some(v), l) => {
                let cmd = l.split("  #").next().unwrap().trim();
                if !cmd.is_empty() {
                    v.push(cmd.to_string());
                }
            }
            _ => {}
        }
    }
    out
}

#[test]
fn every_quick_start_line_runs() {
    let b = blocks("Command-line quick start");
    assert_eq!(b.len(), 2, "{b:?}");
    let dir = common::temp_path("readme");
    std::fs::create_dir_all(&dir).unwrap();
    for line in &b[0] {
        let mut words = line.split_whitespace();
        assert_eq!(words.next(), Some("nvme-mi"), "{line}");
        let out = Command::new(env!("CARGO_BIN_EXE_nvme-mi"))
            .args(words)
            .current_dir(&dir)
            .env_remove("NVME_MI_SIM_STATE")
            .output()
            .unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{line}: {stderr}");
        assert!(!out.stdout.is_empty(), "{line}: no output");
    }
    assert!(dir.join("target/man1/nvme-mi-get-feature.1").exists());
    let _ = std::fs::remove_dir_all(&dir);
    // The served drive's block needs AF_MCTP: tests/uml/cli.sh (scripts/test-cli-uml.sh)
    // takes it from the README with the same rules (the second `sh` block of the section,
    // comments cut at two spaces and `#`) and runs each line; here, that it reads the README
    // and that every line is one it can run: nvme-mi or nvme, the serve line in the
    // background.
    let script = include_str!("uml/cli.sh");
    assert!(
        script.contains("README.md") && script.contains("Command-line quick start"),
        "tests/uml/cli.sh does not read the README's quick start"
    );
    assert!(b[1]
        .iter()
        .any(|l| l.starts_with("nvme-mi serve ") && l.ends_with(" &")));
    for line in &b[1] {
        let first = line.split_whitespace().next();
        assert!(
            matches!(first, Some("nvme-mi" | "nvme")),
            "tests/uml/cli.sh cannot run {line:?}"
        );
    }
}

#[test]
fn man_pages_have_the_options_and_exit_codes() {
    let dir = common::temp_path("man");
    common::ok(&["man", dir.to_str().unwrap()]);
    let page = std::fs::read_to_string(dir.join("nvme-mi-get-feature.1")).unwrap();
    for w in ["cdw11", "feature\\-id", "Exit status"] {
        assert!(page.contains(w), "{w:?} not in the page:\n{page}");
    }
    let n = std::fs::read_dir(&dir).unwrap().count();
    assert!(n > 40, "{n} pages");
    let _ = std::fs::remove_dir_all(&dir);
}
