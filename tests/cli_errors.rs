//! Bad input to `nvme-mi`, run as a process against the simulated drive: every case exits
//! with its documented code and says in words what is wrong and what is allowed; nothing
//! panics, aborts or prints a Rust type name.

mod common;

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

use common::{nvme_mi, ok, Run};

/// Require exit code `code` and `words` in standard error, and no panic.
fn fails(args: &[&str], code: i32, words: &str) -> Run {
    let r = nvme_mi(args);
    assert_eq!(r.code, code, "nvme-mi {args:?}: {}", r.stderr);
    assert!(
        r.stderr.contains(words),
        "nvme-mi {args:?}: {words:?} not in:\n{}",
        r.stderr
    );
    no_debug_text(&r);
    r
}

/// No panic and no Rust Debug rendering in either stream.
fn no_debug_text(r: &Run) {
    for s in [&r.stdout, &r.stderr] {
        for bad in [
            "panicked",
            "RUST_BACKTRACE",
            "Some(",
            "None)",
            "Khz",
            "Mhz",
            "Celsius(",
            "Unknown(",
            " { ",
            "TemperatureThreshold",
            "invalid argument",
        ] {
            assert!(!s.contains(bad), "{bad:?} in output:\n{s}");
        }
    }
}

#[test]
fn values_outside_the_spec_are_refused_with_what_is_allowed() {
    fails(
        &["get-feature", "sim:1", "-f", "4", "-s", "9"],
        1,
        "9 is out of range: SEL is 0 (current), 1 (default), 2 (saved), 3",
    );
    fails(
        &["get-feature", "sim:1", "-f", "4", "-s", "4"],
        1,
        "4 is a reserved Select value: SEL is 0 (current)",
    );
    fails(&["error-log", "sim:1", "-e", "0"], 1, "at least 1 entry");
    fails(
        &["security-recv", "sim:1", "-p", "0", "--al", "6"],
        1,
        "multiple of 4",
    );
    fails(
        &["fw-commit", "sim:1", "-a", "4"],
        1,
        "the commit action is 0 (replace)",
    );
    fails(
        &["fw-commit", "sim:1", "-s", "8", "-a", "0"],
        1,
        "the firmware slot is 0..=7",
    );
    fails(
        &["format", "sim:1", "-n", "1", "--lbaf", "64", "--force"],
        1,
        "0..=63",
    );
    fails(
        &["format", "sim:1", "-n", "1", "--ses", "3", "--force"],
        1,
        "SES is 0 (none)",
    );
    fails(
        &["sanitize", "sim:1", "-a", "scrub", "--force"],
        1,
        "start-crypto-erase",
    );
    fails(
        &["sanitize", "sim:1", "-a", "0", "--force"],
        1,
        "1 exit-failure",
    );
    fails(
        &["sanitize", "sim:1", "-a", "2", "--ovrpat", "5", "--force"],
        1,
        "overwrite action",
    );
    fails(
        &["get-log", "sim:1", "-i", "2", "-l", "6"],
        1,
        "multiple of 4",
    );
    fails(
        &["get-log", "sim:1", "-i", "2", "-l", "512", "--lpo", "2"],
        1,
        "multiple of 4",
    );
    fails(
        &["get-log", "sim:1", "-i", "2", "-l", "512", "--lsp", "0x80"],
        1,
        "7 bits",
    );
    fails(
        &["device-self-test", "sim:1", "-s", "5"],
        1,
        "1 (short), 2 (extended)",
    );
    fails(&["self-test-log", "sim:1", "-e", "21"], 1, "at most 20");
    fails(
        &["vpd-read", "--offset", "65535", "--length", "2"],
        1,
        "64 KiB",
    );
    fails(&["config-set", "mtu", "--value", "10"], 1, "64..=65535");
    fails(
        &["config-set", "smbus-freq", "--value", "3m"],
        1,
        "100k, 400k or 1m",
    );
    fails(
        &["get-feature", "sim:1", "-f", "0x100"],
        1,
        "out of range: a byte",
    );
    fails(&["id-ns", "sim:1", "-n", "0"], 1, "1 or more");
    fails(
        &["list-ns", "sim:1", "--csi", "2"],
        1,
        "only the NVM command set",
    );
    fails(
        &["admin-passthru", "sim:1", "-o", "6", "-l", "4097"],
        1,
        "at most 4096",
    );
    fails(
        &["create-ns", "sim:1", "-s", "10", "-c", "11"],
        1,
        "at most the size",
    );
    fails(&["attach-ns", "sim:1", "-n", "0"], 1, "one namespace");
}

#[test]
fn a_refused_field_is_named_with_what_is_valid() {
    fails(
        &["id-ctrl", "sim:3"],
        5,
        "controller 3 does not exist (controllers: ",
    );
    fails(
        &["ctrl-info", "sim:9"],
        5,
        "controller 9 does not exist (controllers: ",
    );
    fails(
        &["port-info", "--port", "7"],
        5,
        "port 7 does not exist (ports: 0, 1)",
    );
    fails(
        &["config-get", "mtu", "--port", "5"],
        5,
        "port 5 does not exist (ports: 0, 1)",
    );
}

#[test]
fn bad_devices_and_files_are_usage_errors() {
    fails(
        &["health", "nvme0"],
        1,
        "expected sim[:<ctrl-id>], mctp:<net>,<eid>",
    );
    fails(&["health", "mctp:1"], 1, "mctp:<net>,<eid>[:<ctrl-id>]");
    fails(&["health", "sim:x"], 1, "sim:<ctrl-id>");
    fails(&["basic", "mctp:1,8"], 1, "i2c:<bus>,<addr> or sim");
    fails(&["health", "i2c:1,0x1d"], 1, "Basic Management Command");
    fails(
        &["fw-download", "sim:1", "-f", "/nonexistent/fw.bin"],
        1,
        "/nonexistent/fw.bin",
    );
    fails(&["frobnicate"], 1, "unrecognized subcommand");
}

#[test]
fn destructive_commands_need_a_terminal_or_force() {
    for args in [
        &["format", "sim:1", "-n", "1"][..],
        &["sanitize", "sim:1", "-a", "start-block-erase"],
        &["subsystem-reset"],
        &["delete-ns", "sim:1", "-n", "1"],
        &["fw-commit", "sim:1", "-s", "2", "-a", "3"],
    ] {
        fails(args, 1, "give --force");
    }
    // Not destructive: exiting sanitize failure mode, committing for the next reset.
    ok(&["sanitize", "sim:1", "-a", "exit-failure"]);
    ok(&["fw-commit", "sim:1", "-s", "2", "-a", "2"]);
    ok(&["sanitize", "sim:1", "-a", "start-crypto-erase", "--force"]);
    ok(&["delete-ns", "sim:1", "-n", "3", "--force"]);
}

/// The bytes of the first request logged by `-v` (`-> N bytes: aa bb ...`).
fn first_request(stderr: &str) -> Vec<u8> {
    let line = stderr
        .lines()
        .find(|l| l.contains("] -> "))
        .unwrap_or_else(|| panic!("no request logged:\n{stderr}"));
    let hex = line.split("bytes: ").nth(1).unwrap();
    hex.split_whitespace()
        .take_while(|w| w.len() == 2)
        .map(|w| u8::from_str_radix(w, 16).unwrap())
        .collect()
}

fn dword(b: &[u8], at: usize) -> u32 {
    u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
}

#[test]
fn short_options_mean_what_they_mean_in_nvme_cli() {
    // get-feature -c is CDW11 (message bytes 51:48), set-feature -c CDW12 (55:52), and the
    // controller is the device name's (CTLID, bytes 7:6).
    let r = ok(&["get-feature", "sim:1", "-f", "4", "-c", "0x100000", "-v"]);
    let req = first_request(&r.stderr);
    assert_eq!((req[4], u16::from_le_bytes([req[6], req[7]])), (0x0a, 1));
    assert_eq!(dword(&req, 48), 0x100000);
    let r = ok(&[
        "set-feature",
        "sim:1",
        "-f",
        "4",
        "-v",
        "330",
        "-c",
        "7",
        "--verbose",
    ]);
    let req = first_request(&r.stderr);
    assert_eq!((req[4], dword(&req, 48), dword(&req, 52)), (0x09, 330, 7));
    // list-ctrl -c is the first controller ID (Identify CNTID, CDW10 bits 31:16).
    let all = ok(&["ctrl-list", "-o", "json"]).json()["ctrl_list"].clone();
    let last = all[1].as_u64().unwrap().to_string();
    let j = ok(&["list-ctrl", "sim:1", "-c", &last, "-o", "json"]).json();
    assert_eq!(j["ctrl_list"], serde_json::json!([{ "ctrl_id": all[1] }]));
    // -b is raw binary, -H decodes.
    assert_eq!(ok(&["smart-log", "sim:1", "-b"]).raw.len(), 512);
    assert_eq!(
        ok(&["error-log", "sim:1", "--log-entries", "2", "-b"])
            .raw
            .len(),
        128
    );
    let j = ok(&["smart-log", "sim:1", "-H", "-o", "json"]).json();
    assert!(j["critical_warning"]["value"].is_number(), "{j}");
    // -H where it would change nothing is refused, not ignored.
    fails(
        &["id-ctrl", "sim:1", "-H"],
        1,
        "changes nothing for id-ctrl",
    );
    // fw-download -f/-x, security -p/-s/-t.
    let img = common::temp_path("x.bin");
    std::fs::write(&img, [0u8; 8]).unwrap();
    let r = nvme_mi(&[
        "fw-download",
        "sim:1",
        "-f",
        img.to_str().unwrap(),
        "-x",
        "6",
    ]);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.contains("--xfer 6: a multiple of 4"),
        "{}",
        r.stderr
    );
    let _ = std::fs::remove_file(&img);
    let r = ok(&[
        "security-recv",
        "sim:1",
        "-p",
        "0",
        "-s",
        "0",
        "-t",
        "16",
        "-o",
        "json",
    ]);
    assert_eq!(r.json()["data"].as_str().unwrap().len(), 32);
}

#[test]
fn reset_is_one_controller_and_subsystem_reset_the_subsystem() {
    let r = ok(&["reset", "sim:1", "-v"]);
    assert!(r.stdout.contains("controller 1 reset"), "{}", r.stdout);
    // PCIe commands (NMIMT 4), not the MI Reset command.
    let req = first_request(&r.stderr);
    assert_eq!((req[1] >> 3) & 0xf, 4, "{req:02x?}");
    let r = ok(&["subsystem-reset", "--force", "-v"]);
    let req = first_request(&r.stderr);
    assert_eq!(((req[1] >> 3) & 0xf, req[4]), (1, 0x07));
}

#[test]
fn list_json_device_paths_are_devices_the_tool_takes() {
    let j = ok(&["list", "-o", "json"]).json();
    for d in j["Devices"].as_array().unwrap() {
        let path = d["DevicePath"].as_str().unwrap();
        let id = ok(&["id-ctrl", path, "-o", "json"]).json();
        assert_eq!(id["sn"], d["SerialNumber"], "{path}");
    }
}

#[test]
fn config_defaults_to_the_smbus_port_and_says_so() {
    let r = ok(&["config-get", "smbus-freq"]);
    assert!(
        r.stderr
            .contains("using port 1, the endpoint's SMBus/I2C port"),
        "{}",
        r.stderr
    );
    assert!(r.stdout.contains("port 1"), "{}", r.stdout);
    let r = ok(&["config-get", "smbus-freq", "--port", "1"]);
    assert!(!r.stderr.contains("using port"), "{}", r.stderr);
    // A dual-port drive has its SMBus/I2C port after the two PCIe ports.
    let r = ok(&["--sim-dual-port", "config-get", "smbus-freq"]);
    assert!(r.stderr.contains("using port 2"), "{}", r.stderr);
}

#[test]
fn the_simulated_drive_takes_other_topologies() {
    let j = ok(&["--sim-controllers", "4", "ctrl-list", "-o", "json"]).json();
    assert_eq!(j["ctrl_list"], serde_json::json!([0, 1, 2, 3]));
    let j = ok(&["--sim-controllers", "4", "id-ctrl", "sim:3", "-o", "json"]).json();
    assert_eq!(j["cntlid"], 3);
    let j = ok(&["--sim-dual-port", "subsys-info", "-o", "json"]).json();
    assert_eq!(j["nump"], 2);
    let j = ok(&["--sim-namespaces", "1", "list-ns", "-o", "json"]).json();
    assert_eq!(j["nsid_list"], serde_json::json!([{ "nsid": 1 }]));
    fails(&["--sim-controllers", "0", "health"], 1, "1 to 8");
}

#[test]
fn large_lengths_never_decide_an_allocation() {
    // 4 GiB - 4 of a 512-byte log: read in chunks, stopped at the log's size, under a
    // 400 MB address-space limit (a BMC's).
    let bin = env!("CARGO_BIN_EXE_nvme-mi");
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 400000 && exec '{bin}' get-log sim:1 -i 2 -l 4294967292 -b"
        ))
        .env_remove("NVME_MI_SIM_STATE")
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert_eq!(out.stdout.len(), 512, "{stderr}");
    assert!(stderr.contains("log 0x02 is 512 bytes"), "{stderr}");
    // A log of unknown size: the chunk the controller refuses ends it.
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!(
            "ulimit -v 400000 && exec '{bin}' get-log sim:1 -i 1 -l 4294967292 -b"
        ))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{stderr}");
    assert!(stderr.contains("the log ends at"), "{stderr}");
    assert!(out.stdout.len() <= 1 << 20, "{}", out.stdout.len());
    // Text output of more than 16 MiB is refused before anything is read.
    fails(
        &["get-log", "sim:1", "-i", "1", "-l", "4294967292"],
        1,
        "use -b",
    );
}

#[test]
fn a_closed_pipe_ends_quietly() {
    for args in [
        &["completions", "bash"][..],
        &["id-ctrl", "sim:1"],
        &["--help"],
    ] {
        let mut child = Command::new(env!("CARGO_BIN_EXE_nvme-mi"))
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut line = String::new();
        BufReader::new(child.stdout.take().unwrap())
            .read_line(&mut line)
            .unwrap();
        let out = child.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{args:?}: {:?} {stderr}", out.status);
        assert!(stderr.is_empty(), "{args:?}: {stderr}");
        assert!(!line.is_empty());
    }
}

#[test]
fn every_exit_code_is_in_every_help_and_manual_page() {
    let codes = [
        "0  success",
        "1  usage error",
        "2  transport error",
        "3  timeout",
        "4  integrity check failed",
        "5  the endpoint answered with an NVMe-MI status",
        "6  the Admin command completed with an NVMe status",
    ];
    let dir = common::temp_path("man-exit-codes");
    ok(&["man", dir.to_str().unwrap()]);
    let mut pages = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        let page = std::fs::read_to_string(&path).unwrap();
        // roff escapes the hyphen; the words are what matter.
        let page = page.replace("\\-", "-");
        let name = path.file_stem().unwrap().to_str().unwrap().to_string();
        let help = match name.strip_prefix("nvme-mi-") {
            Some(sub) => ok(&[sub, "--help"]).stdout,
            None => ok(&["--help"]).stdout,
        };
        for code in codes {
            assert!(page.contains(code), "{name}.1: {code:?} not in\n{page}");
            assert!(
                help.contains(code),
                "{name} --help: {code:?} not in\n{help}"
            );
        }
        pages += 1;
    }
    let _ = std::fs::remove_dir_all(&dir);
    assert!(pages > 40, "{pages} manual pages");
}

#[test]
fn outputs_have_no_debug_text() {
    for args in [
        &["health"][..],
        &["ctrl-health"],
        &["port-info"],
        &["get-feature", "sim:1", "-f", "4"],
        &["basic"],
        &["config-get", "smbus-freq"],
        &["config-get", "ae"],
        &["fw-commit", "sim:1", "-s", "2", "-a", "2"],
        &["sanitize-log", "sim:1"],
        &["self-test-log", "sim:1"],
        &["effects-log", "sim:1"],
        &["ns-descs", "sim", "-n", "1"],
        &["list-ctrl", "sim:1"],
        &["id-ctrl", "sim:1"],
        &["id-ns", "sim:1", "-n", "1"],
    ] {
        no_debug_text(&ok(args));
    }
}

#[test]
fn new_commands_answer_in_nvme_cli_shape() {
    let j = ok(&["sanitize-log", "sim:1", "-o", "json"]).json();
    assert!(
        j["sim:1"]["sstat"]["status"]
            .as_str()
            .unwrap()
            .starts_with("(0)"),
        "{j}"
    );
    let j = ok(&["self-test-log", "sim:1", "-o", "json"]).json();
    assert_eq!(j["List of Valid Reports"].as_array().unwrap().len(), 20);
    let j = ok(&["effects-log", "sim:1", "-o", "json"]).json();
    assert!(
        j[0]["admin_cmd_set"]
            .as_object()
            .unwrap()
            .keys()
            .any(|k| k.starts_with("ACS_6 (")),
        "{j}"
    );
    let j = ok(&["ns-descs", "sim", "-n", "1", "-o", "json"]).json();
    assert!(
        j["ns-descs"].as_array().is_some_and(|a| !a.is_empty()),
        "{j}"
    );
    let j = ok(&["list-ctrl", "sim:1", "-o", "json"]).json();
    assert_eq!(j["num_ctrl"], 2);
    let state = common::temp_path("ns.json");
    let s = state.to_str().unwrap();
    ok(&["--sim-state", s, "detach-ns", "sim", "-n", "1"]);
    let j = ok(&["--sim-state", s, "list-ns", "sim", "-o", "json"]).json();
    assert!(
        !j["nsid_list"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["nsid"] == 1),
        "{j}"
    );
    ok(&["--sim-state", s, "attach-ns", "sim", "-n", "1"]);
    let j = ok(&["--sim-state", s, "list-ns", "sim", "-o", "json"]).json();
    assert!(
        j["nsid_list"]
            .as_array()
            .unwrap()
            .iter()
            .any(|n| n["nsid"] == 1),
        "{j}"
    );
    let _ = std::fs::remove_file(&state);
}
