//! `nvme-mi decode` against every conformance vector of `tests/vectors/vectors.json`: each
//! decodes with its PEC and MIC reported OK, a corrupted copy reports the failure, and the
//! two Identify packets reassemble into the Identify request.

mod common;

use common::{nvme_mi, nvme_mi_stdin, ok, temp_path};
use serde_json::Value;

struct Vector {
    name: String,
    layer: String,
    bytes: Vec<u8>,
}

fn vectors() -> Vec<Vector> {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/vectors/vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let all: Vec<Value> = serde_json::from_str(&text).unwrap();
    all.into_iter()
        .filter(|v| v["layer"] != "algorithm")
        .map(|v| Vector {
            name: v["name"].as_str().unwrap().to_owned(),
            layer: v["layer"].as_str().unwrap().to_owned(),
            bytes: v["hex"]
                .as_str()
                .unwrap()
                .split_whitespace()
                .map(|b| u8::from_str_radix(b, 16).unwrap())
                .collect(),
        })
        .collect()
}

fn hex(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// The fields of every layer of the single unit `j` describes, flattened.
fn fields(j: &Value) -> Vec<(String, String, String)> {
    let mut v = Vec::new();
    for unit in j.as_array().unwrap() {
        for l in unit["layers"].as_array().unwrap() {
            for (k, val) in l["fields"].as_object().unwrap() {
                v.push((
                    l["layer"].as_str().unwrap().to_owned(),
                    k.clone(),
                    val.as_str().unwrap().to_owned(),
                ));
            }
        }
    }
    v
}

fn field<'a>(f: &'a [(String, String, String)], name: &str) -> Option<&'a str> {
    f.iter()
        .find(|(_, k, _)| k == name)
        .map(|(_, _, v)| v.as_str())
}

#[test]
fn every_vector_decodes_with_integrity_ok() {
    let vs = vectors();
    assert!(vs.len() >= 19);
    for v in &vs {
        // The identify packets are checked together below.
        if v.name.starts_with("smbus-identify-packet") {
            continue;
        }
        let r = nvme_mi(&["decode", "-o", "json", &hex(&v.bytes)]);
        assert_eq!(r.code, 0, "{}: {}\n{}", v.name, r.stdout, r.stderr);
        let j = r.json();
        assert_eq!(j[0]["ok"], true, "{}", v.name);
        let f = fields(&j);
        if v.layer == "smbus frame" {
            let pec = field(&f, "PEC").unwrap_or_else(|| panic!("{}: no PEC", v.name));
            assert!(pec.ends_with("OK"), "{}: {pec}", v.name);
            assert!(
                field(&f, "destination EID").is_some(),
                "{}: MCTP header",
                v.name
            );
        }
        if v.bytes[0] == 0x84 || v.layer == "smbus frame" && v.bytes[8] == 0x84 {
            let mic = field(&f, "MIC").unwrap_or_else(|| panic!("{}: no MIC", v.name));
            assert!(mic.ends_with("OK"), "{}: {mic}", v.name);
        }
        // Decoded fields in words: no Rust notation (type names with braces, Some/None).
        for (_, k, val) in &f {
            assert!(
                !val.contains('{') && !val.contains("Some(") && !val.contains("None"),
                "{}: {k} is Rust notation: {val}",
                v.name
            );
        }
    }
}

#[test]
fn vectors_name_their_commands_and_statuses() {
    let vs = vectors();
    let by_name = |n: &str| vs.iter().find(|v| v.name == n).unwrap().bytes.clone();
    let text = |n: &str| ok(&["decode", &hex(&by_name(n))]).stdout;
    assert!(text("mi-health-poll-req").contains("NVM Subsystem Health Status Poll"));
    assert!(text("mi-health-poll-req-clear").contains("clear_status true"));
    assert!(text("mi-invalid-parameter-resp").contains("Invalid Parameter"));
    assert!(text("mi-invalid-command-size-resp").contains("Invalid Command Size"));
    assert!(text("admin-mpr-resp").contains("More Processing Required (wait 5000 ms)"));
    assert!(text("ctrl-primitive-get-state-req").contains("get state"));
    assert!(text("mi-admin-identify-ctrl-req").contains("Identify"));
    let t = text("smbus-get-eid-resp");
    assert!(
        t.contains("MCTP control") && t.contains("get endpoint id"),
        "{t}"
    );
    let t = text("smbus-health-poll-resp");
    assert!(t.contains("0x1d") && t.contains("0x10"), "{t}");
    // A request followed by its response: the response is read in its light.
    let file = temp_path("pair.txt");
    std::fs::write(
        &file,
        format!(
            "{}\n{}\n",
            hex(&by_name("mi-read-ctrl-list-req")),
            hex(&by_name("mi-read-ctrl-list-resp"))
        ),
    )
    .unwrap();
    let t = ok(&["decode", "-f", file.to_str().unwrap()]).stdout;
    assert!(t.contains("controller list (1): 1"), "{t}");
    let _ = std::fs::remove_file(&file);
}

#[test]
fn corrupted_vectors_report_the_failure() {
    for v in vectors() {
        if v.name.starts_with("smbus-identify-packet") {
            continue;
        }
        // Flip a bit of the last byte: the PEC of a frame, the MIC of a message.
        let mut bad = v.bytes.clone();
        *bad.last_mut().unwrap() ^= 0x01;
        let r = nvme_mi(&["decode", &hex(&bad)]);
        assert_eq!(r.code, 4, "{}: {}", v.name, r.stdout);
        let what = if v.layer == "smbus frame" {
            "PEC CHECK FAILED"
        } else {
            "MIC CHECK FAILED"
        };
        assert!(r.stdout.contains(what), "{}: {}", v.name, r.stdout);
        assert!(r.stderr.contains("failed"), "{}", r.stderr);
        // A corrupted payload byte inside a frame is also a PEC failure.
        if v.layer == "smbus frame" {
            let mut bad = v.bytes.clone();
            bad[8] ^= 0x40;
            let r = nvme_mi(&["decode", &hex(&bad)]);
            assert_eq!(r.code, 4, "{}", v.name);
            assert!(r.stdout.contains("PEC CHECK FAILED"), "{}", v.name);
        }
    }
}

#[test]
fn identify_packets_reassemble_into_the_identify_request() {
    let vs = vectors();
    let get = |n: &str| vs.iter().find(|v| v.name == n).unwrap().bytes.clone();
    let input = format!(
        "# two SMBus frames of one message\n{}\n\n{}\n",
        hex(&get("smbus-identify-packet-1")),
        hex(&get("smbus-identify-packet-2"))
    );
    let r = nvme_mi_stdin(&["decode", "-f", "-", "-o", "json"], &input);
    assert_eq!(r.code, 0, "{}\n{}", r.stdout, r.stderr);
    let j = r.json();
    let units = j.as_array().unwrap();
    assert_eq!(units.len(), 2);
    let first = fields(&Value::Array(vec![units[0].clone()]));
    assert!(field(&first, "message").unwrap().contains("waiting"));
    let second = fields(&Value::Array(vec![units[1].clone()]));
    let whole = field(&second, "message bytes").unwrap();
    assert_eq!(
        hex::decode(whole).unwrap(),
        get("mi-admin-identify-ctrl-req")
    );
    assert!(field(&second, "MIC").unwrap().ends_with("OK"));
    assert!(field(&second, "opcode").unwrap().contains("Identify"));
    // Out of order: the second packet alone has no start.
    let r = nvme_mi_stdin(
        &["decode", "-f", "-"],
        &hex(&get("smbus-identify-packet-2")),
    );
    assert_eq!(r.code, 4);
    assert!(r.stdout.contains("dropped"), "{}", r.stdout);
}

#[test]
fn layers_can_be_forced() {
    let vs = vectors();
    let frame = &vs
        .iter()
        .find(|v| v.name == "smbus-health-poll-req")
        .unwrap()
        .bytes;
    // The MCTP packet inside the frame: after the 4 SMBus header bytes, before the PEC.
    let packet = &frame[4..frame.len() - 1];
    let r = ok(&["decode", "--layer", "mctp", &hex(packet)]);
    assert!(
        r.stdout.contains("NVM Subsystem Health Status Poll"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("SMBus frame"));
    // Auto-detection finds the same.
    assert!(ok(&["decode", &hex(packet)]).stdout.contains("MCTP packet"));
    // Not hex at all: a usage error.
    assert_eq!(nvme_mi(&["decode", "zz"]).code, 1);
    // Truncated message: malformed.
    assert_eq!(nvme_mi(&["decode", "84 08"]).code, 4);
}

#[test]
fn decode_reads_its_own_log_dumps_binary_and_captures() {
    // A capture written by a requester command on the simulated drive: one pcap record
    // (LINKTYPE_MCTP) per packet of 64 payload bytes at most, as a baseline link carries
    // them: the 72-byte Identify request in 2, the 4120-byte response in 65.
    let cap = temp_path("c.pcap");
    let c = cap.to_str().unwrap();
    ok(&["--capture", c, "id-ctrl", "-o", "json"]);
    let raw = std::fs::read(&cap).unwrap();
    assert_eq!(&raw[..4], &0xa1b2_c3d4u32.to_le_bytes());
    assert_eq!(&raw[20..24], &291u32.to_le_bytes());
    let r = ok(&["decode", "-f", c, "--summary"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2 + 65, "{}", r.stdout);
    let whole: Vec<&&str> = lines
        .iter()
        .filter(|l| !l.contains("(packet of a longer message)"))
        .collect();
    assert_eq!(whole.len(), 2, "{}", r.stdout);
    assert!(
        lines[1].contains("EOM") && lines[1].contains("request") && lines[1].contains("(Identify)"),
        "{}",
        r.stdout
    );
    assert!(
        lines[66].contains("EOM")
            && lines[66].contains("response")
            && lines[66].contains("Successful Completion"),
        "{}",
        r.stdout
    );
    // The --verbose log, through a pipe.
    let log = nvme_mi(&["-v", "health"]).stderr;
    let r = nvme_mi_stdin(&["decode", "-f", "-", "-s"], &log);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{}", r.stdout);
    assert!(
        lines[0].contains("->") && lines[0].contains("NVM Subsystem Health Status Poll"),
        "{}",
        r.stdout
    );
    assert!(
        lines[1].contains("<-") && lines[1].contains("Success"),
        "{}",
        r.stdout
    );
    // The request as raw binary, hexdump -C and xxd -p: the same dissection.
    let msg = hex::decode("84080000010000000000000000000000d2d47736").unwrap();
    let bin = temp_path("m.bin");
    std::fs::write(&bin, &msg).unwrap();
    let want = ok(&["decode", "-f", bin.to_str().unwrap(), "-s"]).stdout;
    assert!(want.contains("NVM Subsystem Health Status Poll"), "{want}");
    let mut dump = String::new();
    for (i, line) in msg.chunks(16).enumerate() {
        let h: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        dump.push_str(&format!(
            "{:08x}  {}  |................|\n",
            i * 16,
            h.join(" ")
        ));
    }
    dump.push_str(&format!("{:08x}\n", msg.len()));
    assert_eq!(
        nvme_mi_stdin(&["decode", "-f", "-", "-s"], &dump).stdout,
        want
    );
    let long: Vec<u8> = msg
        .iter()
        .chain(msg.iter())
        .chain(msg.iter())
        .copied()
        .collect();
    let xxd: String = long.chunks(30).map(|c| hex::encode(c) + "\n").collect();
    let r = nvme_mi_stdin(&["decode", "-f", "-", "-s"], &xxd);
    assert_eq!(r.stdout.lines().count(), 1, "{}", r.stdout);
    for p in [cap, bin] {
        let _ = std::fs::remove_file(p);
    }
}
