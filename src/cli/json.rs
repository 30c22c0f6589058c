//! JSON renderings of the Admin data structures in the shape nvme-cli 2.3 prints them
//! (`nvme id-ctrl -o json`, `id-ns`, `smart-log`, `fw-log`, `error-log`, `self-test-log`,
//! `sanitize-log`, `effects-log`, `supported-log-pages`, `ns-descs`, `list-ctrl`): the same
//! key names, nesting and value types (128-bit values as decimal strings, as nvme-cli
//! prints them), so that scripts written for nvme-cli read them unchanged.

use nvme_mi_core::mi::admin_data::{
    CommandsEffectsLog, ErrorLogEntry, FirmwareSlotLog, IdentifyController, IdentifyNamespace,
    NsId, NsIdDescriptors, SanitizeStatusLog, SelfTestLog, SmartLog, SupportedLogPages, VDI_SCT,
};
use serde_json::{json, Map, Value};
use zerocopy::byteorder::little_endian::{U128, U16, U32, U64};

/// A field value as JSON: numbers as numbers, 128-bit values as decimal strings (as
/// nvme-cli prints every 128-bit field), byte arrays as hex strings.
trait ToJson {
    fn to_json(&self) -> Value;
}

impl ToJson for u8 {
    fn to_json(&self) -> Value {
        json!(self)
    }
}
impl ToJson for U16 {
    fn to_json(&self) -> Value {
        json!(self.get())
    }
}
impl ToJson for U32 {
    fn to_json(&self) -> Value {
        json!(self.get())
    }
}
impl ToJson for U64 {
    fn to_json(&self) -> Value {
        json!(self.get())
    }
}
impl ToJson for U128 {
    fn to_json(&self) -> Value {
        json!(self.get().to_string())
    }
}
impl<const N: usize> ToJson for [u8; N] {
    fn to_json(&self) -> Value {
        json!(hex::encode(self))
    }
}

macro_rules! fields {
    ($map:ident, $src:expr, [$($f:ident),* $(,)?]) => {
        $( $map.insert(stringify!($f).to_string(), $src.$f.to_json()); )*
    };
}

/// `nvme id-ctrl -o json`.
pub fn id_ctrl(id: &IdentifyController) -> Value {
    let mut m = Map::new();
    fields!(m, id, [vid, ssvid]);
    m.insert("sn".into(), json!(id.sn()));
    m.insert("mn".into(), json!(id.mn()));
    m.insert("fr".into(), json!(id.fr()));
    m.insert("rab".into(), id.rab.to_json());
    m.insert("ieee".into(), json!(id.ieee_oui()));
    fields!(
        m,
        id,
        [cmic, mdts, cntlid, ver, rtd3r, rtd3e, oaes, ctratt, rrls, cntrltype]
    );
    m.insert("fguid".into(), json!(uuid_text(&id.fguid)));
    fields!(
        m,
        id,
        [
            crdt1, crdt2, crdt3, nvmsr, vwci, mec, oacs, acl, aerl, frmw, lpa, elpe, npss, avscc,
            apsta, wctemp, cctemp, mtfa, hmpre, hmmin, tnvmcap, unvmcap, rpmbs, edstt, dsto, fwug,
            kas, hctma, mntmt, mxtmt, sanicap, hmminds, hmmaxd, nsetidmax, endgidmax, anatt,
            anacap, anagrpmax, nanagrpid, pels, domainid, megcap, sqes, cqes, maxcmd, nn, oncs,
            fuses, fna, vwc, awun, awupf, icsvscc, nwpc, acwu, ocfs, sgls, mnan, maxdna, maxcna,
        ]
    );
    m.insert("subnqn".into(), json!(id.subnqn()));
    fields!(m, id, [ioccsz, iorcsz, icdoff, fcatt, msdbd, ofcs]);
    let npss = usize::from(id.npss);
    let psds: Vec<Value> = id
        .psd
        .iter()
        .take(npss + 1)
        .map(|p| {
            let mut q = Map::new();
            q.insert("max_power".into(), p.mxps.to_json());
            q.insert("flags".into(), p.flags.to_json());
            q.insert("entry_lat".into(), p.enlat.to_json());
            q.insert("exit_lat".into(), p.exlat.to_json());
            q.insert("read_tput".into(), p.rrt.to_json());
            q.insert("read_lat".into(), p.rrl.to_json());
            q.insert("write_tput".into(), p.rwt.to_json());
            q.insert("write_lat".into(), p.rwl.to_json());
            q.insert("idle_power".into(), p.idlp.to_json());
            q.insert("idle_scale".into(), json!(power_scale(p.ips)));
            q.insert("active_power".into(), p.actp.to_json());
            q.insert("active_power_work".into(), json!(p.apws & 7));
            q.insert("active_scale".into(), json!(power_scale(p.apws)));
            Value::Object(q)
        })
        .collect();
    m.insert("psds".into(), Value::Array(psds));
    Value::Object(m)
}

/// `nvme id-ns -o json`: the keys in nvme-cli's order; NPWG..NOWS only when NSFEAT bit 4
/// says they are defined.
pub fn id_ns(ns: &IdentifyNamespace) -> Value {
    let mut m = Map::new();
    fields!(
        m,
        ns,
        [
            nsze, ncap, nuse, nsfeat, nlbaf, flbas, mc, dpc, dps, nmic, rescap, fpi, dlfeat, nawun,
            nawupf, nacwu, nabsn, nabo, nabspf, noiob, nvmcap, nsattr, nvmsetid
        ]
    );
    if ns.nsfeat & 0x10 != 0 {
        fields!(m, ns, [npwg, npwa, npdg, npda, nows]);
    }
    fields!(
        m,
        ns,
        [mssrl, mcl, msrc, nulbaf, anagrpid, endgid, eui64, nguid]
    );
    let count = usize::from(ns.nlbaf) + 1;
    let lbafs: Vec<Value> = ns
        .lbaf
        .iter()
        .take(count)
        .map(|f| json!({ "ms": f.ms.get(), "ds": f.lbads, "rp": f.rp }))
        .collect();
    m.insert("lbafs".into(), Value::Array(lbafs));
    Value::Object(m)
}

/// `nvme smart-log -o json` (temperatures in kelvin, as the log carries them); with `human`
/// (`-H`) the critical warning as an object of its bits, as nvme-cli's.
pub fn smart_log(s: &SmartLog, human: bool) -> Value {
    let mut m = Map::new();
    let cw = s.critical_warning;
    if human {
        m.insert(
            "critical_warning".into(),
            json!({
                "value": cw,
                "available_spare": cw & 1,
                "temp_threshold": (cw >> 1) & 1,
                "reliability_degraded": (cw >> 2) & 1,
                "ro": (cw >> 3) & 1,
                "vmbu_failed": (cw >> 4) & 1,
                "pmr_ro": (cw >> 5) & 1,
            }),
        );
    } else {
        m.insert("critical_warning".into(), json!(cw));
    }
    fields!(
        m,
        s,
        [
            temperature,
            avail_spare,
            spare_thresh,
            percent_used,
            endurance_grp_critical_warning_summary,
            data_units_read,
            data_units_written,
            host_read_commands,
            host_write_commands,
            controller_busy_time,
            power_cycles,
            power_on_hours,
            unsafe_shutdowns,
            media_errors,
            num_err_log_entries,
            warning_temp_time,
            critical_comp_time,
        ]
    );
    for (i, t) in s.temperature_sensor.iter().enumerate() {
        if t.get() != 0 {
            m.insert(format!("temperature_sensor_{}", i + 1), t.to_json());
        }
    }
    fields!(
        m,
        s,
        [
            thm_temp1_trans_count,
            thm_temp2_trans_count,
            thm_temp1_total_time,
            thm_temp2_total_time
        ]
    );
    Value::Object(m)
}

/// `nvme fw-log -o json`: under the device's name, AFI and each slot holding a revision as
/// "<its 8 bytes as a little-endian number> (<the text, spaces as dots>)".
pub fn fw_log(log: &FirmwareSlotLog, dev: &str) -> Value {
    let mut m = Map::new();
    m.insert("Active Firmware Slot (afi)".into(), log.afi.to_json());
    for (i, frs) in log.frs.iter().enumerate() {
        if frs[0] != 0 {
            let text: String = frs
                .iter()
                .map(|&b| match b {
                    b' ' => '.',
                    0x21..=0x7e => b as char,
                    _ => '.',
                })
                .collect();
            m.insert(
                format!("Firmware Rev Slot {}", i + 1),
                json!(format!("{} ({text})", u64::from_le_bytes(*frs))),
            );
        }
    }
    let mut root = Map::new();
    root.insert(dev.to_string(), Value::Object(m));
    Value::Object(root)
}

/// One entry of `nvme error-log -o json`.
pub fn error_entry(e: &ErrorLogEntry) -> Value {
    json!({
        "error_count": e.error_count.get(),
        "sqid": e.sqid.get(),
        "cmdid": e.cmdid.get(),
        "status_field": e.status_field.get() >> 1,
        "phase_tag": e.status_field.get() & 1,
        "parm_error_location": e.parm_error_location.get(),
        "lba": e.lba.get(),
        "nsid": e.nsid.get(),
        "vs": e.vs,
        "trtype": e.trtype,
        "cs": e.cs.get(),
        "trtype_spec_info": e.trtype_spec_info.get(),
    })
}

/// A UUID as 8-4-4-4-12 hex digits (RFC 9562 §4), as nvme-cli prints FGUID.
pub fn uuid_text(b: &[u8; 16]) -> String {
    let h = hex::encode(b);
    format!(
        "{}-{}-{}-{}-{}",
        &h[0..8],
        &h[8..12],
        &h[12..16],
        &h[16..20],
        &h[20..32]
    )
}

/// The power scale of IPS / APWS (bits 7:6): 0 not reported, 1 0.0001 W, 2 0.01 W.
fn power_scale(v: u8) -> u8 {
    v >> 6
}

/// `nvme self-test-log -o json` from the Device Self-test log: the first `entries` results.
pub fn self_test_log(log: &SelfTestLog, entries: u8) -> Value {
    let mut list = Vec::new();
    for r in log.results.iter().take(usize::from(entries)) {
        let mut o = Map::new();
        o.insert("Self test result".into(), json!(r.result()));
        if r.used() {
            o.insert("Self test code".into(), json!(r.code()));
            o.insert("Segment number".into(), json!(r.seg));
            o.insert("Valid Diagnostic Information".into(), json!(r.vdi));
            o.insert("Power on hours".into(), json!(r.poh.get()));
            if let Some(nsid) = r.valid_nsid() {
                o.insert("Namespace Identifier".into(), json!(nsid));
            }
            if let Some(flba) = r.valid_flba() {
                o.insert("Failing LBA".into(), json!(flba));
            }
            if r.vdi & VDI_SCT != 0 {
                o.insert("Status Code Type".into(), json!(r.sct));
            }
            if let Some(sc) = r.valid_sc() {
                o.insert("Status Code".into(), json!(sc));
            }
            o.insert("Vendor Specific".into(), json!(r.vs.get()));
        }
        list.push(Value::Object(o));
    }
    json!({
        "Current Device Self-Test Operation": log.cdsto,
        "Current Device Self-Test Completion": log.cdstc,
        "List of Valid Reports": list,
    })
}

/// The words of the Sanitize Status field (SSTAT bits 2:0, NVMe Base 2.x §5.1.12.1.33).
pub fn sanitize_status_text(sstat: u16) -> &'static str {
    match sstat & 7 {
        0 => "NVM Subsystem has never been sanitized.",
        1 => "Most Recent Sanitize Command Completed Successfully.",
        2 => "Sanitize in Progress.",
        3 => "Most Recent Sanitize Command Failed.",
        4 => "Most Recent Sanitize Command (No-Deallocate After Sanitize) Completed Successfully.",
        _ => "Unknown",
    }
}

/// `nvme sanitize-log -o json` from the Sanitize Status log, under the device's name.
pub fn sanitize_log(log: &SanitizeStatusLog, dev: &str) -> Value {
    let sstat = log.sstat.get();
    let mut root = Map::new();
    root.insert(
        dev.to_string(),
        json!({
            "sprog": log.sprog.get(),
            "sstat": {
                "global_erased": u8::from(log.global_data_erased()),
                "no_cmplted_passes": log.passes(),
                "status": format!("({}) {}", log.status(), sanitize_status_text(sstat)),
            },
            "cdw10_info": log.scdw10.get(),
            "time_over_write": log.eto.get(),
            "time_block_erase": log.etbe.get(),
            "time_crypto_erase": log.etce.get(),
            "time_over_write_no_dealloc": log.etond.get(),
            "time_block_erase_no_dealloc": log.etbend.get(),
            "time_crypto_erase_no_dealloc": log.etcend.get(),
        }),
    );
    Value::Object(root)
}

/// `nvme effects-log -o json`: a list of one page per command set, each with the supported
/// Admin and I/O commands' effects.
pub fn effects_log(log: &CommandsEffectsLog, csi: u8) -> Value {
    let mut acs = Map::new();
    let mut iocs = Map::new();
    for (op, e) in log.admin_commands() {
        let name = nvme_mi_core::mi::admin::AdminOpcode::from_u8(op).to_string();
        acs.insert(format!("ACS_{op} ({name})"), json!(e.bits()));
    }
    for (op, e) in log.io_commands() {
        iocs.insert(
            format!("IOCS_{op} ({})", io_opcode_name(op)),
            json!(e.bits()),
        );
    }
    json!([{ "command_set_identifier": csi, "admin_cmd_set": acs, "io_cmd_set": iocs }])
}

/// NVM command set opcodes (NVMe NVM Command Set 1.0 §3).
fn io_opcode_name(op: u8) -> &'static str {
    match op {
        0x00 => "Flush",
        0x01 => "Write",
        0x02 => "Read",
        0x04 => "Write Uncorrectable",
        0x05 => "Compare",
        0x08 => "Write Zeroes",
        0x09 => "Dataset Management",
        0x0c => "Verify",
        0x0d => "Reservation Register",
        0x0e => "Reservation Report",
        0x11 => "Reservation Acquire",
        0x15 => "Reservation Release",
        0x19 => "Copy",
        _ => "Unknown",
    }
}

/// `nvme supported-log-pages -o json`: each supported LID as an object of one key,
/// `"lid_0x<lid> "` (the trailing space is nvme-cli's).
pub fn supported_log_pages(log: &SupportedLogPages) -> Value {
    let list: Vec<Value> = log
        .iter()
        .map(|(lid, v)| {
            let mut o = Map::new();
            o.insert(format!("lid_0x{lid:x} "), json!(v));
            Value::Object(o)
        })
        .collect();
    json!({ "supported_logs": list })
}

/// One Namespace Identification Descriptor (NVMe Base 2.x §5.1.13.2.3): its type, length
/// and value as nvme-cli names them.
pub struct NsDesc {
    /// Byte offset in the list.
    pub loc: usize,
    /// NIDT.
    pub nidt: u8,
    /// NIDL.
    pub nidl: u8,
    /// "eui64", "nguid", "uuid" or "csi".
    pub kind: &'static str,
    /// The value as text.
    pub value: String,
}

/// The descriptors of a Namespace Identification Descriptor list of the types nvme-cli
/// shows; others, and a descriptor cut short, are skipped.
pub fn ns_descs(b: &[u8]) -> Vec<NsDesc> {
    NsIdDescriptors::new(b)
        .filter_map(Result::ok)
        .filter_map(|d| {
            let (kind, value) = match d.id() {
                NsId::Eui64(v) => ("eui64", hex::encode(v)),
                NsId::Nguid(v) => ("nguid", hex::encode(v)),
                NsId::Uuid(v) => ("uuid", uuid_text(&v)),
                NsId::Csi(v) => ("csi", format!("{v:#x}")),
                NsId::Unknown(_) => return None,
            };
            Some(NsDesc {
                loc: d.offset,
                nidt: d.nidt,
                nidl: d.nidl(),
                kind,
                value,
            })
        })
        .collect()
}

/// `nvme ns-descs -o json`.
pub fn ns_descs_json(list: &[NsDesc]) -> Value {
    if list.is_empty() {
        return json!({});
    }
    let a: Vec<Value> = list
        .iter()
        .map(|d| {
            let mut o = Map::new();
            o.insert("loc".into(), json!(d.loc));
            o.insert("nidt".into(), json!(d.nidt));
            o.insert("nidl".into(), json!(d.nidl));
            o.insert("type".into(), json!(d.kind));
            o.insert(d.kind.into(), json!(d.value));
            Value::Object(o)
        })
        .collect();
    json!({ "ns-descs": a })
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn uuids_and_descriptors() {
        let u: [u8; 16] = core::array::from_fn(|i| i as u8);
        assert_eq!(uuid_text(&u), "00010203-0405-0607-0809-0a0b0c0d0e0f");
        let mut b = vec![0u8; 64];
        b[0] = 4;
        b[1] = 1;
        b[4] = 0;
        // The next descriptor follows at once: 4 header bytes and NIDL bytes.
        b[5] = 2;
        b[6] = 16;
        b[9..25].fill(0xab);
        let d = ns_descs(&b);
        assert_eq!(d.len(), 2);
        assert_eq!((d[0].kind, d[0].value.as_str()), ("csi", "0x0"));
        assert_eq!((d[1].loc, d[1].kind), (5, "nguid"));
        let j = ns_descs_json(&d);
        assert_eq!(j["ns-descs"][1]["nguid"], "ab".repeat(16));
    }

    #[test]
    fn sanitize_log_in_nvme_cli_shape() {
        let mut b = SanitizeStatusLog::new_zeroed();
        b.sprog.set(0xffff);
        b.sstat.set(0x01);
        let j = sanitize_log(&b, "mctp:1,8");
        assert_eq!(j["mctp:1,8"]["sprog"], 0xffff);
        assert!(j["mctp:1,8"]["sstat"]["status"]
            .as_str()
            .unwrap()
            .starts_with("(1) Most Recent"));
    }
}
