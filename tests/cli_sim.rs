//! Every device command of `nvme-mi` against the built-in simulated drive, run as a process;
//! values are checked against the simulated drive's own model.

mod common;

use common::{nvme_mi, ok, temp_path};
use nvme_mi_sim::Sim;

#[test]
fn no_arguments_lists_the_simulated_drive() {
    let r = ok(&[]);
    let serial = Sim::new(1).serial_number().to_owned();
    assert!(r.stdout.contains(&serial), "{}", r.stdout);
    assert!(r.stdout.contains(nvme_mi_sim::MODEL));
    let ids = ok(&["ctrl-list", "-o", "json"]).json()["ctrl_list"].clone();
    for id in ids.as_array().unwrap() {
        assert!(
            r.stdout.contains(&format!("Controller {id}")),
            "{}",
            r.stdout
        );
    }
    assert!(r.stdout.contains("400.00 GB"), "{}", r.stdout);
    // The same as `list sim`.
    assert_eq!(ok(&["list", "sim"]).stdout, r.stdout);
}

#[test]
fn list_json_has_every_namespace() {
    let j = ok(&["list", "-o", "json", "--seed", "5"]).json();
    let devices = j["Devices"].as_array().unwrap();
    let nsids: Vec<u64> = devices
        .iter()
        .map(|d| d["NameSpace"].as_u64().unwrap())
        .collect();
    assert_eq!(nsids, [1, 3, 2]);
    let serial = Sim::new(5).serial_number().to_owned();
    for d in devices {
        assert_eq!(d["SerialNumber"], serial.as_str());
        assert_eq!(d["Firmware"], "1.1.0");
    }
    assert_eq!(devices[0]["PhysicalSize"], 400_000_000_000u64);
    assert_eq!(devices[0]["SectorSize"], 512);
}

#[test]
fn seed_changes_the_serial_number() {
    for seed in ["1", "77"] {
        let j = ok(&["id-ctrl", "sim", "-o", "json", "--seed", seed]).json();
        let serial = Sim::new(seed.parse().unwrap()).serial_number().to_owned();
        assert_eq!(j["sn"], serial.as_str());
    }
}

#[test]
fn id_ctrl_json_uses_nvme_cli_names() {
    let j = ok(&["id-ctrl", "sim", "-o", "json"]).json();
    assert_eq!(j["vid"], nvme_mi_sim::VENDOR_ID);
    assert_eq!(j["ssvid"], nvme_mi_sim::VENDOR_ID);
    assert_eq!(j["sn"], Sim::new(1).serial_number());
    assert_eq!(j["mn"], nvme_mi_sim::MODEL);
    assert_eq!(j["fr"], "1.1.0");
    assert_eq!(j["cntlid"], 0);
    assert_eq!(j["ver"], 0x0001_0400);
    assert_eq!(j["nn"], 16);
    assert_eq!(
        (j["wctemp"].as_u64(), j["cctemp"].as_u64()),
        (Some(343), Some(358))
    );
    for k in [
        "rab", "ieee", "cmic", "mdts", "oacs", "frmw", "lpa", "subnqn", "psds",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }
    // Controller 1 through the device name's controller, as in nvme-cli.
    assert_eq!(ok(&["id-ctrl", "sim:1", "-o", "json"]).json()["cntlid"], 1);
    // nvme-cli's JSON shape: FGUID as a UUID, 128-bit values as strings, PSD names.
    assert_eq!(j["fguid"].as_str().unwrap().len(), 36);
    assert!(j["tnvmcap"].is_string(), "{}", j["tnvmcap"]);
    for k in ["entry_lat", "exit_lat", "active_scale", "idle_scale"] {
        assert!(j["psds"][0].get(k).is_some(), "psds: no {k}");
    }
    let text = ok(&["id-ctrl", "sim"]).stdout;
    assert!(text.contains("sn") && text.contains(Sim::new(1).serial_number()));
}

#[test]
fn id_ns_and_list_ns() {
    let j = ok(&["id-ns", "sim", "-n", "1", "-o", "json"]).json();
    assert_eq!(j["nsze"].as_u64().unwrap() * 512, 400_000_000_000);
    assert!(j["nuse"].as_u64().unwrap() <= j["nsze"].as_u64().unwrap());
    assert_eq!(j["lbafs"][0]["ds"], 9);
    assert!(j["lbafs"].as_array().unwrap().len() >= 2);
    let j = ok(&["list-ns", "sim", "-o", "json"]).json();
    let ids: Vec<u64> = j["nsid_list"]
        .as_array()
        .unwrap()
        .iter()
        .map(|n| n["nsid"].as_u64().unwrap())
        .collect();
    assert_eq!(ids, [1, 3]);
    let j = ok(&["list-ns", "sim:1", "-o", "json"]).json();
    assert_eq!(j["nsid_list"].as_array().unwrap().len(), 2);
}

#[test]
fn health_poll_is_plausible() {
    let r = ok(&["health"]);
    assert!(r.stdout.contains("DF"), "{}", r.stdout);
    let j = ok(&["health", "-o", "json", "--clear"]).json();
    let t = j["ctemp"].as_i64().unwrap();
    assert!((30..=50).contains(&t), "temperature {t}");
    assert_eq!(j["sw"], 0x7f);
    assert!(j["status"].as_array().unwrap().iter().any(|s| s == "DF"));
    let raw = nvme_mi(&["health", "-o", "binary"]);
    assert_eq!(raw.raw.len(), 8);
}

#[test]
fn controller_health_lists_both_controllers() {
    let j = ok(&["ctrl-health", "-o", "json"]).json();
    let list = j.as_array().unwrap();
    assert_eq!(list.len(), 2);
    let ids = ok(&["ctrl-list", "-o", "json"]).json()["ctrl_list"].clone();
    assert_eq!(list[0]["ctlid"], ids[0]);
    // Degrees Celsius, as `health` reports the composite temperature.
    let t = list[0]["ctemp"].as_i64().unwrap();
    assert!((27..=52).contains(&t), "{t} °C");
    assert!(ok(&["ctrl-health", "--clear"])
        .stdout
        .contains(&format!("controller {}", ids[1])));
    // The device's controller only.
    let j = ok(&["ctrl-health", "sim:1", "-o", "json"]).json();
    assert_eq!(j.as_array().unwrap().len(), 1);
    assert_eq!(j[0]["ctlid"], 1);
}

#[test]
fn data_structures() {
    let j = ok(&["subsys-info", "-o", "json"]).json();
    assert_eq!((j["nump"].as_u64(), j["mjr"].as_u64()), (Some(1), Some(2)));
    let j = ok(&["port-info", "-o", "json"]).json();
    let ports = j.as_array().unwrap();
    assert_eq!(ports.len(), 2);
    assert_eq!(ports[1]["cmeaddr"], nvme_mi_sim::ME_ADDRESS);
    assert_eq!(ports[1]["cvpdaddr"], nvme_mi_sim::VPD_ADDRESS);
    assert!(ok(&["port-info", "--port", "0"]).stdout.contains("PCIe"));
    let j = ok(&["ctrl-list", "-o", "json"]).json();
    assert_eq!(j["ctrl_list"].as_array().unwrap().len(), 2);
    let j = ok(&["ctrl-info", "sim:1", "-o", "json"]).json();
    assert_eq!(j["ctlid"], 1);
    assert_eq!(j["pcivid"], nvme_mi_sim::VENDOR_ID);
    // A port that does not exist: Invalid Parameter, exit code 5, in words.
    let r = nvme_mi(&["port-info", "--port", "7"]);
    assert_eq!(r.code, 5, "{}", r.stderr);
    assert!(
        r.stderr.contains("port 7 does not exist (ports: 0, 1)"),
        "{}",
        r.stderr
    );
}

#[test]
fn configuration_get_and_set() {
    let j = ok(&["config-get", "mtu", "--port", "1", "-o", "json"]).json();
    assert_eq!(j["mtu"], nvme_mi_sim::BASELINE_MTU);
    let j = ok(&["config-get", "smbus-freq", "-o", "json"]).json();
    assert_eq!(j["smbus_freq"], "100k");
    let r = ok(&["config-get", "ae"]);
    assert!(r.stdout.contains("disabled"), "{}", r.stdout);
    let state = temp_path("config.json");
    let s = state.to_str().unwrap();
    ok(&[
        "--sim-state",
        s,
        "config-set",
        "mtu",
        "--port",
        "1",
        "--value",
        "250",
    ]);
    ok(&[
        "--sim-state",
        s,
        "config-set",
        "smbus-freq",
        "--value",
        "400k",
    ]);
    assert_eq!(
        ok(&["--sim-state", s, "config-get", "mtu", "-o", "json"]).json()["mtu"],
        250
    );
    assert_eq!(
        ok(&["--sim-state", s, "config-get", "smbus-freq", "-o", "json"]).json()["smbus_freq"],
        "400k"
    );
    ok(&["--sim-state", s, "config-set", "hsc", "--value", "0x1fff"]);
    ok(&["--sim-state", s, "config-set", "ae", "--value", "9"]);
    let j = ok(&["--sim-state", s, "config-get", "ae", "-o", "json"]).json();
    let smart = j["events"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["aeid"] == 9)
        .unwrap()
        .clone();
    assert_eq!(smart["enabled"], true);
    // Out of range: Invalid Parameter.
    assert_eq!(nvme_mi(&["config-set", "mtu", "--value", "251"]).code, 5);
    let _ = std::fs::remove_file(&state);
}

#[test]
fn vpd_read_and_write() {
    let r = nvme_mi(&["vpd-read", "-o", "binary"]);
    assert_eq!(r.code, 0);
    let j = ok(&["vpd-read", "-o", "json"]).json();
    let vpd = hex::decode(j["data"].as_str().unwrap()).unwrap();
    assert_eq!(vpd.len(), nvme_mi_sim::VPD_LEN);
    assert_eq!(&vpd[..], &Sim::new(1).vpd()[..]);
    let state = temp_path("vpd.json");
    let data = temp_path("vpd.bin");
    std::fs::write(&data, b"asset-42").unwrap();
    let s = state.to_str().unwrap();
    ok(&[
        "--sim-state",
        s,
        "vpd-write",
        "--offset",
        "200",
        "--data",
        data.to_str().unwrap(),
    ]);
    let j = ok(&[
        "--sim-state",
        s,
        "vpd-read",
        "--offset",
        "200",
        "--length",
        "8",
        "-o",
        "json",
    ])
    .json();
    assert_eq!(
        hex::decode(j["data"].as_str().unwrap()).unwrap(),
        b"asset-42"
    );
    let _ = std::fs::remove_file(&state);
    let _ = std::fs::remove_file(&data);
}

#[test]
fn logs() {
    let j = ok(&["smart-log", "sim", "-o", "json"]).json();
    for k in [
        "critical_warning",
        "temperature",
        "avail_spare",
        "spare_thresh",
        "percent_used",
        "data_units_read",
        "data_units_written",
        "host_read_commands",
        "power_cycles",
        "power_on_hours",
        "unsafe_shutdowns",
        "media_errors",
        "num_err_log_entries",
    ] {
        assert!(j.get(k).is_some(), "missing {k}");
    }
    let k = j["temperature"].as_u64().unwrap();
    assert!((273 + 30..=273 + 50).contains(&k), "{k} K");
    assert_eq!(j["avail_spare"], 100);
    assert!(ok(&["smart-log", "sim"]).stdout.contains("°C"));
    // nvme-cli's shape: under the device name, each revision as its 8 bytes read as a
    // little-endian number and as text with spaces as dots.
    let j = ok(&["fw-log", "sim", "-o", "json"]).json();
    let log = &j["sim"];
    let rev = |r: &str| {
        let mut b = [b' '; 8];
        b[..r.len()].copy_from_slice(r.as_bytes());
        format!(
            "{} ({})",
            u64::from_le_bytes(b),
            r.to_string() + &".".repeat(8 - r.len())
        )
    };
    assert_eq!(log["Firmware Rev Slot 1"], rev("1.0.0"), "{j}");
    assert_eq!(log["Firmware Rev Slot 2"], rev("1.1.0"), "{j}");
    assert_eq!(log["Active Firmware Slot (afi)"].as_u64().unwrap() & 7, 2);
    let j = ok(&["error-log", "sim", "-e", "4", "-o", "json"]).json();
    let errors = j["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 4);
    assert!(errors[0].get("error_count").is_some() && errors[0].get("status_field").is_some());
    let r = ok(&["get-log", "sim", "--log-id", "2", "--log-len", "512", "-b"]);
    assert_eq!(r.raw.len(), 512);
    assert_eq!(
        nvme_mi(&["get-log", "sim", "--log-id", "2", "--log-len", "6"]).code,
        1
    );
    // --aen: the log page an Asynchronous Event Request's dword 0 names (bits 23:16, here
    // the SMART / Health log of a SMART event), as much of it as 4096 bytes hold.
    let aen = ok(&["get-log", "sim", "--aen", "0x00020001", "-b"]);
    let full = ok(&["get-log", "sim", "--log-id", "2", "--log-len", "4096", "-b"]);
    assert_eq!(aen.raw.len(), 512);
    assert_eq!(aen.raw[..200], full.raw[..200]);
    let r = nvme_mi(&["get-log", "sim", "--aen", "0x00020001", "--log-id", "2"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
}

#[test]
fn features() {
    // Temperature threshold (FID 4): the default over-temperature threshold is 343 K.
    let j = ok(&["get-feature", "sim", "-f", "4", "-o", "json"]).json();
    assert_eq!(j["value"].as_u64().unwrap() & 0xffff, 343);
    let state = temp_path("feature.json");
    let s = state.to_str().unwrap();
    ok(&[
        "--sim-state",
        s,
        "set-feature",
        "sim",
        "-f",
        "4",
        "-v",
        "330",
    ]);
    let j = ok(&[
        "--sim-state",
        s,
        "get-feature",
        "sim",
        "-f",
        "4",
        "-o",
        "json",
    ])
    .json();
    assert_eq!(j["value"].as_u64().unwrap() & 0xffff, 330);
    let _ = std::fs::remove_file(&state);
}

#[test]
fn every_feature_and_the_selections() {
    // Without -f: the features the drive implements, in order, those it refuses left out.
    let r = ok(&["get-feature", "sim"]);
    let fids: Vec<&str> = r
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("get-feature:")?.split(' ').next())
        .collect();
    assert_eq!(
        fids,
        ["0x01", "0x02", "0x04", "0x05", "0x06", "0x07", "0x08", "0x09", "0x0a", "0x0b", "0x0e"],
        "{}",
        r.stdout
    );
    assert!(r
        .stdout
        .contains("get-feature:0x02 (Power Management), Current value:00000000\n"));
    let j = ok(&["get-feature", "sim", "-o", "json"]).json();
    assert_eq!(j["features"].as_array().unwrap().len(), 11, "{j}");
    // -s 3: capabilities in words.
    let r = ok(&["get-feature", "sim", "-f", "1", "-s", "3"]);
    assert_eq!(
        r.stdout,
        "get-feature:0x01 (Arbitration), Supported capabilities value:0x00000004\n  Feature is changeable\n"
    );
    // -s 8: only what differs from the default.
    let state = temp_path("changed.json");
    let s = state.to_str().unwrap();
    assert_eq!(
        ok(&["--sim-state", s, "get-feature", "sim", "-s", "8"]).stdout,
        ""
    );
    ok(&[
        "--sim-state",
        s,
        "set-feature",
        "sim",
        "-f",
        "1",
        "-v",
        "0x10203",
    ]);
    let r = ok(&["--sim-state", s, "get-feature", "sim", "-s", "8"]);
    assert!(
        r.stdout
            .starts_with("get-feature:0x01 (Arbitration), Changed value:0x00010203\n"),
        "{}",
        r.stdout
    );
    // A controller reset (CC.EN cleared and set) returns it to its default.
    let r = ok(&["--sim-state", s, "reset", "sim"]);
    assert_eq!(
        r.stdout,
        "controller 0 reset (CC.EN cleared, CSTS.RDY 0; CC.EN set, CSTS.RDY 1)\n"
    );
    let r = ok(&["--sim-state", s, "get-feature", "sim", "-f", "1"]);
    assert_eq!(
        r.stdout,
        "get-feature:0x01 (Arbitration), Current value:0x00000003\n"
    );
    assert!(!ok(&["--sim-state", s, "get-feature", "sim", "-s", "8"])
        .stdout
        .contains("0x01"));
    // One feature the drive refuses is the command's error; reserved selections are refused.
    let r = nvme_mi(&["get-feature", "sim", "-f", "0x03"]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(
        r.stderr.contains("Invalid Field in Command"),
        "{}",
        r.stderr
    );
    let r = nvme_mi(&["get-feature", "sim", "-f", "1", "-s", "5"]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("reserved Select value"), "{}", r.stderr);
    let _ = std::fs::remove_file(&state);
}

fn firmware_image(rev: &str, len: usize) -> Vec<u8> {
    let mut img: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
    img[..4].copy_from_slice(&nvme_mi_sim::IMAGE_MAGIC);
    img[4..12].fill(b' ');
    img[4..4 + rev.len()].copy_from_slice(rev.as_bytes());
    img
}

#[test]
fn firmware_download_and_commit_change_the_revision() {
    let state = temp_path("fw.json");
    let image = temp_path("fw.bin");
    std::fs::write(&image, firmware_image("2.0.0", 10_000)).unwrap();
    let s = state.to_str().unwrap();
    let r = ok(&[
        "--sim-state",
        s,
        "fw-download",
        "sim",
        "--fw",
        image.to_str().unwrap(),
    ]);
    assert!(r.stdout.contains("10000 bytes"), "{}", r.stdout);
    // --progress: nvme-cli's line before each of the three pieces, on standard output.
    let r = ok(&[
        "fw-download",
        "sim",
        "--fw",
        image.to_str().unwrap(),
        "--progress",
    ]);
    assert!(
        r.stdout.starts_with(
            "Firmware download: transferring 0x00000000/0x00002710 bytes: 000%\r\
             Firmware download: transferring 0x00001000/0x00002710 bytes: 040%\r\
             Firmware download: transferring 0x00002000/0x00002710 bytes: 081%\r\n"
        ),
        "{:?}",
        r.stdout
    );
    assert!(r.stderr.is_empty(), "{}", r.stderr);
    // Slot 1 is read-only: an NVMe status error, exit code 6, named.
    let r = nvme_mi(&[
        "--sim-state",
        s,
        "fw-commit",
        "sim",
        "--slot",
        "1",
        "--action",
        "0",
    ]);
    assert_eq!(r.code, 6, "{}", r.stderr);
    assert!(r.stderr.contains("Invalid Firmware Slot"), "{}", r.stderr);
    ok(&[
        "--sim-state",
        s,
        "fw-commit",
        "sim",
        "--slot",
        "3",
        "--action",
        "3",
        "--force",
    ]);
    let j = ok(&["--sim-state", s, "id-ctrl", "sim", "-o", "json"]).json();
    assert_eq!(j["fr"], "2.0.0");
    let j = ok(&["--sim-state", s, "fw-log", "sim", "-o", "json"]).json();
    assert!(
        j["sim"]["Firmware Rev Slot 3"]
            .as_str()
            .unwrap()
            .ends_with("(2.0.0...)"),
        "{j}"
    );
    assert_eq!(
        j["sim"]["Active Firmware Slot (afi)"].as_u64().unwrap() & 7,
        3
    );
    // Without the state file the drive is fresh again.
    assert_eq!(ok(&["id-ctrl", "sim", "-o", "json"]).json()["fr"], "1.1.0");
    let _ = std::fs::remove_file(&state);
    let _ = std::fs::remove_file(&image);
}

#[test]
fn firmware_download_refuses_a_misaligned_image() {
    let image = temp_path("odd.bin");
    std::fs::write(&image, [1u8, 2, 3]).unwrap();
    let r = nvme_mi(&["fw-download", "sim", "--fw", image.to_str().unwrap()]);
    assert_eq!(r.code, 1);
    assert!(r.stderr.contains("multiple of 4"));
    let _ = std::fs::remove_file(&image);
}

#[test]
fn format_completes_after_more_processing_required() {
    let state = temp_path("format.json");
    let s = state.to_str().unwrap();
    let r = ok(&[
        "--sim-state",
        s,
        "-v",
        "format",
        "sim",
        "-n",
        "1",
        "--lbaf",
        "1",
        "--force",
        "-o",
        "json",
    ]);
    assert!(
        r.stderr.contains("More Processing Required"),
        "{}",
        r.stderr
    );
    let j = r.json();
    let ms = j["elapsed_ms"].as_u64().unwrap();
    assert!(ms >= nvme_mi_sim::FORMAT_TIME.as_millis() as u64, "{ms} ms");
    let j = ok(&["--sim-state", s, "id-ns", "sim", "-n", "1", "-o", "json"]).json();
    assert_eq!(j["flbas"].as_u64().unwrap() & 0xf, 1);
    assert_eq!(j["nuse"], 0);
    let _ = std::fs::remove_file(&state);
}

#[test]
fn sanitize_and_security() {
    let r = ok(&["sanitize", "sim", "--sanact", "4", "--force", "-o", "json"]).json();
    assert!(r["elapsed_ms"].as_u64().unwrap() >= nvme_mi_sim::SANITIZE_TIME.as_millis() as u64);
    let r = nvme_mi(&["security-recv", "sim", "--secp", "0", "--al", "64"]);
    assert!(r.code == 0 || r.code == 6, "{}", r.stderr);
}

#[test]
fn admin_passthru_identify() {
    let r = ok(&[
        "admin-passthru",
        "sim",
        "--opcode",
        "6",
        "--cdw10",
        "1",
        "--data-len",
        "4096",
        "--output-format",
        "json",
    ]);
    let j = r.json();
    let data = hex::decode(j["data"].as_str().unwrap()).unwrap();
    assert_eq!(data.len(), 4096);
    assert_eq!(&data[4..19], Sim::new(1).serial_number().as_bytes());
    // An opcode the drive does not implement: NVMe status, exit code 6.
    let r = nvme_mi(&["admin-passthru", "sim", "--opcode", "0xc5"]);
    assert!(r.code == 6 || r.code == 5, "{} {}", r.code, r.stderr);
}

#[test]
fn shutdown_and_reset() {
    let state = temp_path("shutdown.json");
    let s = state.to_str().unwrap();
    ok(&["--sim-state", s, "shutdown"]);
    let j = ok(&["--sim-state", s, "ctrl-health", "-o", "json"]).json();
    // SHST (CSTS bits 3:2) = 2: shutdown processing complete.
    assert_eq!((j[0]["csts"].as_u64().unwrap() >> 2) & 3, 2);
    ok(&["--sim-state", s, "subsystem-reset", "--force"]);
    let j = ok(&["--sim-state", s, "health", "-o", "json"]).json();
    assert!(
        j["changed"]
            .as_array()
            .unwrap()
            .iter()
            .any(|f| f == "NSSRO"),
        "{j}"
    );
    let _ = std::fs::remove_file(&state);
}

#[test]
fn aem_enables_events_and_stops() {
    let r = ok(&["--timeout", "2000", "aem", "--count", "1"]);
    assert!(r.stdout.contains("enabled"), "{}", r.stdout);
    assert!(r.stdout.contains("event message(s) received"));
}

#[test]
fn aem_reports_a_temperature_event() {
    // Enable SMART Warnings events, then lower the over-temperature threshold below the
    // drive's temperature: the drive sends an AEM (and sends it again until acknowledged),
    // which `aem` receives and acknowledges.
    let state = temp_path("aem.json");
    let s = state.to_str().unwrap();
    ok(&["--sim-state", s, "config-set", "ae", "--value", "9"]);
    ok(&[
        "--sim-state",
        s,
        "set-feature",
        "sim",
        "-f",
        "4",
        "-v",
        "300",
    ]);
    let r = ok(&["--sim-state", s, "--timeout", "3000", "aem", "--count", "1"]);
    assert!(r.stdout.contains("SMART Warnings"), "{}", r.stdout);
    assert!(
        r.stdout.contains("1 event message(s) received"),
        "{}",
        r.stdout
    );
    let _ = std::fs::remove_file(&state);
}

#[test]
fn basic_management_on_sim() {
    let j = ok(&["basic", "-o", "json"]).json();
    assert_eq!(j["vid"], nvme_mi_sim::VENDOR_ID);
    assert_eq!(j["sn"], Sim::new(1).serial_number());
    let t = j["ctemp"].as_i64().unwrap();
    assert!((30..=50).contains(&t));
    assert_eq!(j["transfer"], "simulated drive, no bus");
    assert_eq!(j["pec_checked"], false);
    assert_eq!(ok(&["basic", "-o", "binary"]).raw.len(), 28);
}

#[test]
fn verbose_logs_every_message() {
    let r = ok(&["-v", "health"]);
    assert!(
        r.stderr.contains("-> 20 bytes: 84 08 00 00 01"),
        "{}",
        r.stderr
    );
    assert!(r.stderr.contains("<- "), "{}", r.stderr);
}

#[test]
fn timeouts_and_bad_arguments_have_their_exit_codes() {
    assert_eq!(nvme_mi(&["frobnicate"]).code, 1);
    assert_eq!(nvme_mi(&["health", "nvme0"]).code, 1);
    assert_eq!(nvme_mi(&["basic", "mctp:1,8"]).code, 1);
    assert_eq!(nvme_mi(&["health", "i2c:1,0x1d"]).code, 1);
    let help = ok(&["--help"]).stdout;
    for line in ["Exit status", "3  timeout", "5  the endpoint answered"] {
        assert!(help.contains(line), "{help}");
    }
    assert!(ok(&["id-ctrl", "sim", "--help"]).stdout.contains("§5.17"));
}

#[test]
fn completions() {
    for shell in ["bash", "zsh", "fish"] {
        let r = ok(&["completions", shell]);
        assert!(r.stdout.contains("fw-download"), "{shell}");
    }
}
