//! JSON renderings of the Admin data structures with the field names nvme-cli prints
//! (`nvme id-ctrl -o json`, `id-ns`, `smart-log`, `fw-log`, `error-log`).

use nvme_mi_core::mi::admin_data::{
    ErrorLogEntry, FirmwareSlotLog, IdentifyController, IdentifyNamespace, SmartLog,
};
use serde_json::{json, Map, Value};
use zerocopy::byteorder::little_endian::{U128, U16, U32, U64};

/// A field value as JSON: numbers as numbers (a 128-bit value above `u64::MAX` as a decimal
/// string), byte arrays as hex strings.
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
        let v = self.get();
        match u64::try_from(v) {
            Ok(small) => json!(small),
            Err(_) => json!(v.to_string()),
        }
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
    m.insert("fguid".into(), id.fguid.to_json());
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
            fields!(q, p, [enlat, exlat]);
            q.insert("read_tput".into(), p.rrt.to_json());
            q.insert("read_lat".into(), p.rrl.to_json());
            q.insert("write_tput".into(), p.rwt.to_json());
            q.insert("write_lat".into(), p.rwl.to_json());
            q.insert("idle_power".into(), p.idlp.to_json());
            q.insert("idle_scale".into(), p.ips.to_json());
            q.insert("active_power".into(), p.actp.to_json());
            q.insert("active_power_work".into(), p.apws.to_json());
            Value::Object(q)
        })
        .collect();
    m.insert("psds".into(), Value::Array(psds));
    Value::Object(m)
}

/// `nvme id-ns -o json`.
pub fn id_ns(ns: &IdentifyNamespace) -> Value {
    let mut m = Map::new();
    fields!(
        m,
        ns,
        [
            nsze, ncap, nuse, nsfeat, nlbaf, flbas, mc, dpc, dps, nmic, rescap, fpi, dlfeat, nawun,
            nawupf, nacwu, nabsn, nabo, nabspf, noiob, nvmcap, npwg, npwa, npdg, npda, nows, mssrl,
            mcl, msrc, nulbaf, anagrpid, nsattr, nvmsetid, endgid, nguid, eui64,
        ]
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

/// `nvme smart-log -o json` (temperatures in kelvin, as the log carries them).
pub fn smart_log(s: &SmartLog) -> Value {
    let mut m = Map::new();
    fields!(
        m,
        s,
        [
            critical_warning,
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

/// `nvme fw-log -o json`: AFI and the revision of every slot that holds one.
pub fn fw_log(log: &FirmwareSlotLog) -> Value {
    let mut m = Map::new();
    m.insert("afi".into(), log.afi.to_json());
    for slot in 1..=7u8 {
        if let Some(r) = log.revision(slot).filter(|r| !r.is_empty()) {
            m.insert(format!("frs{slot}"), json!(r));
        }
    }
    Value::Object(m)
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
        "csi": e.csi,
        "opcode": e.opcode,
        "cs": e.cs.get(),
        "trtype_spec_info": e.trtype_spec_info.get(),
        "log_page_version": e.log_page_version,
    })
}
