//! `get-feature` and `set-feature`: Get/Set Features (NVMe Base §5.15, §5.27), tunnelled.

use nvme_mi_core::mi::admin::{
    AdminCommand, FeatureDwords, Fid, GetFeatures, NvmeStatus, Sel, SetFeatures,
};
use nvme_mi_core::mi::MAX_DATA_LEN;
use nvme_mi_core::requester::RequestError;
use serde_json::json;

use crate::cli::args::OutputFormat;
use crate::cli::device::DeviceError;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{emit, hex_dump};
use crate::cli::Ctx;

/// A feature's name, as NVMe Base 2.x's Feature Identifiers figure gives it.
pub fn feature_name(fid: u8) -> String {
    let known = match Fid::from_u8(fid) {
        Fid::Arbitration => "Arbitration",
        Fid::PowerManagement => "Power Management",
        Fid::LbaRangeType => "LBA Range Type",
        Fid::TemperatureThreshold => "Temperature Threshold",
        Fid::ErrorRecovery => "Error Recovery",
        Fid::VolatileWriteCache => "Volatile Write Cache",
        Fid::NumberOfQueues => "Number of Queues",
        Fid::InterruptCoalescing => "Interrupt Coalescing",
        Fid::InterruptVectorConfiguration => "Interrupt Vector Configuration",
        Fid::WriteAtomicityNormal => "Write Atomicity Normal",
        Fid::AsyncEventConfiguration => "Asynchronous Event Configuration",
        Fid::AutonomousPowerStateTransition => "Autonomous Power State Transition",
        Fid::HostMemoryBuffer => "Host Memory Buffer",
        Fid::Timestamp => "Timestamp",
        Fid::KeepAliveTimer => "Keep Alive Timer",
        Fid::HostControlledThermalManagement => "Host Controlled Thermal Management",
        Fid::NonOperationalPowerStateConfig => "Non-Operational Power State Config",
        Fid::ReadRecoveryLevelConfig => "Read Recovery Level Config",
        Fid::PredictableLatencyModeConfig => "Predictable Latency Mode Config",
        Fid::PredictableLatencyModeWindow => "Predictable Latency Mode Window",
        Fid::HostBehaviorSupport => "Host Behavior Support",
        Fid::SanitizeConfig => "Sanitize Config",
        Fid::SoftwareProgressMarker => "Software Progress Marker",
        Fid::HostIdentifier => "Host Identifier",
        Fid::ReservationNotificationMask => "Reservation Notification Mask",
        Fid::ReservationPersistence => "Reservation Persistence",
        Fid::NamespaceWriteProtectionConfig => "Namespace Write Protection Config",
        _ if fid >= 0xc0 => "Vendor Specific",
        _ => "Unknown",
    };
    known.to_string()
}

/// `-s 8`: nvme-cli's "changed" selection, not a value of the Select field. The current value
/// is read, then the default, and the feature is shown only where the two differ.
pub const SEL_CHANGED: u8 = 8;

/// The selection's name, as nvme-cli 2.3 prints it.
fn sel_name(sel: u8) -> &'static str {
    match sel {
        0 => "Current",
        1 => "Default",
        2 => "Saved",
        3 => "Supported capabilities",
        _ => "Changed",
    }
}

/// The capabilities a Supported Capabilities read reports in completion dword 0 (NVMe Base
/// 2.x §5.1.11.1, "Select (SEL)": bit 0 saveable, bit 1 namespace specific, bit 2
/// changeable), in nvme-cli's words.
const CAPABILITIES: [(u32, &str, &str); 3] = [
    (1, "saveable", "Feature is saveable"),
    (2, "per-namespace", "Feature is per-namespace"),
    (4, "changeable", "Feature is changeable"),
];

/// The fields of a `get-feature`.
pub struct GetQuery {
    /// Feature identifier; every identifier (00h to FFh, in order) if absent.
    pub fid: Option<u8>,
    /// Namespace.
    pub nsid: u32,
    /// Select: 0..=3 (the Select field) or [`SEL_CHANGED`], checked by the parser.
    pub sel: u8,
    /// Bytes of data to receive.
    pub data_len: Option<u32>,
    /// CDW11.
    pub cdw11: u32,
    /// UUID index.
    pub uuid_index: u8,
}

/// One feature as read.
struct Reading {
    fid: u8,
    dw0: u32,
    data: Vec<u8>,
}

/// What one Get Features brought back.
enum Outcome {
    /// Completion dword 0 and the data.
    Value(u32, Vec<u8>),
    /// Invalid Field in Command: the controller does not implement the feature (or the
    /// selection for it). nvme-cli 2.3 passes over these silently when it reads every feature.
    Refused(CliError),
}

/// One Get Features command.
fn read(c: &mut Ctx, ctrl: u16, q: &GetQuery, fid: u8, sel: Sel) -> CliResult<Outcome> {
    let cmd = GetFeatures {
        nsid: q.nsid,
        dw: FeatureDwords {
            uuid_index: q.uuid_index,
            ..FeatureDwords::cdw11(q.cdw11)
        },
        ..GetFeatures::new(Fid::from_u8(fid), sel)
    };
    let dlen = match (sel, q.data_len) {
        (Sel::SupportedCapabilities, _) => 0,
        (_, Some(l)) => l,
        (_, None) => cmd.data_transfer().len().min(MAX_DATA_LEN as u32),
    };
    match c.ep.admin(ctrl, &cmd, 0, dlen, &[]) {
        Ok(r) => Ok(Outcome::Value(r.completion.dw0, r.data.to_vec())),
        Err(RequestError::Nvme(s)) if s.is(NvmeStatus::INVALID_FIELD) => Ok(Outcome::Refused(
            RequestError::<DeviceError>::Nvme(s).into(),
        )),
        Err(e) => Err(e.into()),
    }
}

/// One feature under the query's selection: `None` where the drive refused it or, for
/// [`SEL_CHANGED`], where the current value is the default.
fn reading(
    c: &mut Ctx,
    ctrl: u16,
    q: &GetQuery,
    fid: u8,
) -> CliResult<Result<Option<Reading>, CliError>> {
    let sel = if q.sel == SEL_CHANGED {
        Sel::Current
    } else {
        Sel::from_u8(q.sel)
    };
    let (dw0, data) = match read(c, ctrl, q, fid, sel)? {
        Outcome::Value(dw0, data) => (dw0, data),
        Outcome::Refused(e) => return Ok(Err(e)),
    };
    if q.sel == SEL_CHANGED {
        // The Timestamp's data is the controller's clock, different at every read: only its
        // dword 0 tells a change.
        let clock = Fid::from_u8(fid) == Fid::Timestamp;
        match read(c, ctrl, q, fid, Sel::Default)? {
            Outcome::Value(d0, d) if d0 == dw0 && (clock || d == data) => return Ok(Ok(None)),
            Outcome::Value(..) => {}
            Outcome::Refused(e) => return Ok(Err(e)),
        }
    }
    Ok(Ok(Some(Reading { fid, dw0, data })))
}

/// A feature's line(s), in nvme-cli 2.3's shape: `get-feature:0x04 (Temperature Threshold),
/// Current value:0x0000015e`, a zero value as `00000000` (C's `%#010x`), then the
/// capabilities of a Supported Capabilities read or a hex dump of the data.
fn text(r: &Reading, sel: u8) -> String {
    let fid = match r.fid {
        0 => "00".to_string(),
        f => format!("{f:#04x}"),
    };
    let value = match r.dw0 {
        0 => "00000000".to_string(),
        v => format!("{v:#010x}"),
    };
    let mut s = format!(
        "get-feature:{fid} ({}), {} value:{value}\n",
        feature_name(r.fid),
        sel_name(sel)
    );
    if sel == Sel::SupportedCapabilities.to_u8() {
        for (bit, _, words) in CAPABILITIES {
            if r.dw0 & bit != 0 {
                s.push_str(&format!("  {words}\n"));
            }
        }
    } else if !r.data.is_empty() {
        s.push_str(&hex_dump(&r.data));
    }
    s
}

fn json(r: &Reading, sel: u8) -> serde_json::Value {
    let mut v = json!({
        "feature_id": r.fid,
        "name": feature_name(r.fid),
        "sel": sel,
        "value": r.dw0,
        "data": hex::encode(&r.data),
    });
    if sel == Sel::SupportedCapabilities.to_u8() {
        let caps: Vec<&str> = CAPABILITIES
            .iter()
            .filter(|(bit, ..)| r.dw0 & bit != 0)
            .map(|(_, name, _)| *name)
            .collect();
        v["capabilities"] = json!(caps);
    }
    v
}

/// `get-feature`. With `-f`, one feature: a refusal is the command's error. Without, every
/// feature identifier from 00h to FFh in turn, as nvme-cli 2.3 does: those the controller
/// refuses with Invalid Field in Command are passed over, any other failure ends the walk
/// (what was read so far is printed first). JSON: one object for one feature, else
/// `{"features": [...]}`; with `-s 8` always the list (it may be empty).
pub fn get(c: &mut Ctx, q: &GetQuery) -> CliResult {
    if let Some(l) = q.data_len {
        if l as usize > MAX_DATA_LEN || l % 4 != 0 {
            return Err(CliError::usage(format!(
                "--data-len {l}: a multiple of 4, at most {MAX_DATA_LEN} (one NVMe-MI response)"
            )));
        }
    }
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let fids = match q.fid {
        Some(f) => f..=f,
        None => 0..=u8::MAX,
    };
    let mut found = Vec::new();
    let mut failure = None;
    for fid in fids {
        match reading(c, ctrl, q, fid) {
            Ok(Ok(Some(r))) => found.push(r),
            Ok(Ok(None)) => {}
            Ok(Err(refused)) if q.fid.is_some() => failure = Some(refused),
            Ok(Err(_)) => {}
            Err(e) => {
                failure = Some(e);
                break;
            }
        }
    }
    let sel = q.sel;
    let list = q.fid.is_none() || sel == SEL_CHANGED;
    if !(found.is_empty() && (failure.is_some() || fmt != OutputFormat::Json)) {
        let raw: Vec<u8> = found.iter().flat_map(|r| r.data.iter().copied()).collect();
        emit(
            fmt,
            || found.iter().map(|r| text(r, sel)).collect(),
            || match (&found[..], list) {
                ([one], false) => json(one, sel),
                _ => json!({ "features": found.iter().map(|r| json(r, sel)).collect::<Vec<_>>() }),
            },
            &raw,
        )?;
    }
    failure.map_or(Ok(()), Err)
}

/// The fields of a `set-feature`.
pub struct SetQuery {
    /// Feature identifier.
    pub fid: u8,
    /// Namespace.
    pub nsid: u32,
    /// CDW11.
    pub value: u32,
    /// CDW12.
    pub cdw12: u32,
    /// UUID index.
    pub uuid_index: u8,
    /// Save.
    pub save: bool,
}

/// `set-feature`.
pub fn set(c: &mut Ctx, q: &SetQuery, data: &[u8]) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let fid = q.fid;
    let cmd = SetFeatures {
        nsid: q.nsid,
        dw: FeatureDwords {
            cdw12: q.cdw12,
            uuid_index: q.uuid_index,
            ..FeatureDwords::cdw11(q.value)
        },
        ..SetFeatures::new(Fid::from_u8(fid), q.value, q.save)
    };
    let want = cmd.data_transfer().len() as usize;
    let name = feature_name(fid);
    if want != data.len() {
        return Err(CliError::usage(format!(
            "feature {fid:#04x} ({name}) carries {want} data bytes; --data gave {}",
            data.len()
        )));
    }
    let r = c.ep.admin(ctrl, &cmd, 0, 0, data)?;
    let dw0 = r.completion.dw0;
    let value = q.value;
    emit(
        fmt,
        || {
            format!(
                "set-feature:{fid:#04x} ({name}), value:{value:#010x}, cdw12:{:#010x}, save:{}",
                q.cdw12,
                u8::from(q.save)
            )
        },
        || json!({ "feature_id": fid, "name": name, "value": value, "cdw12": q.cdw12, "save": q.save, "cdw0": dw0 }),
        &[],
    )
}
