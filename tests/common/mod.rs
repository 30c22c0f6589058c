//! Running the built `nvme-mi` binary as a process.

#![allow(dead_code)]

use std::path::PathBuf;
use std::process::{Command, Output, Stdio};

/// The result of one invocation.
pub struct Run {
    /// Exit code.
    pub code: i32,
    /// Standard output.
    pub stdout: String,
    /// Standard output, as bytes.
    pub raw: Vec<u8>,
    /// Standard error.
    pub stderr: String,
}

impl Run {
    /// Standard output as JSON.
    pub fn json(&self) -> serde_json::Value {
        serde_json::from_str(&self.stdout)
            .unwrap_or_else(|e| panic!("not JSON ({e}):\n{}\nstderr: {}", self.stdout, self.stderr))
    }
}

fn finish(out: Output) -> Run {
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        raw: out.stdout.clone(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// Run `nvme-mi` with `args` (no simulator state from the environment).
pub fn nvme_mi(args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_nvme-mi"))
        .args(args)
        .env_remove("NVME_MI_SIM_STATE")
        .env_remove("NVME_MI_SIM_SEED")
        .stdin(Stdio::null())
        .output()
        .expect("run nvme-mi");
    finish(out)
}

/// Run `nvme-mi` with `args`, feeding `input` on standard input.
pub fn nvme_mi_stdin(args: &[&str], input: &str) -> Run {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_nvme-mi"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run nvme-mi");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(input.as_bytes())
        .unwrap();
    finish(child.wait_with_output().unwrap())
}

/// Run and require success.
pub fn ok(args: &[&str]) -> Run {
    let r = nvme_mi(args);
    assert_eq!(
        r.code, 0,
        "nvme-mi {args:?} failed:\n{}\n{}",
        r.stdout, r.stderr
    );
    r
}

/// A fresh temporary path for this test (removed first if present).
pub fn temp_path(name: &str) -> PathBuf {
    let p = std::env::temp_dir().join(format!("nvme-mi-test-{}-{name}", std::process::id()));
    let _ = std::fs::remove_file(&p);
    p
}
