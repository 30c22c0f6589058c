//! The README's command-line quick start, run line by line: the simulated drive's block here
//! as processes; the served drive's block is run by the UML scripts, which this test checks
//! contain each of its lines.

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
    // The served drive's lines, as the UML scripts run them.
    let uml = [
        include_str!("uml/serve.sh"),
        include_str!("uml/cli.sh"),
        include_str!("uml/nvme_cli.sh"),
    ]
    .concat();
    for line in &b[1] {
        let rest = line
            .trim_end_matches('&')
            .trim()
            .trim_start_matches("nvme-mi ")
            .trim_start_matches("nvme ");
        assert!(uml.contains(rest), "no UML script runs {rest:?}");
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
