//! `get-feature` and `set-feature`: Get/Set Features (NVMe Base §5.15, §5.27), tunnelled.

use nvme_mi_core::mi::admin::{AdminCommand, FeatureDwords, Fid, GetFeatures, Sel, SetFeatures};
use nvme_mi_core::mi::MAX_DATA_LEN;
use serde_json::json;

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

fn sel_name(sel: u8) -> &'static str {
    match sel {
        0 => "Current",
        1 => "Default",
        2 => "Saved",
        _ => "Supported capabilities",
    }
}

/// The fields of a `get-feature`.
pub struct GetQuery {
    /// Feature identifier.
    pub fid: u8,
    /// Namespace.
    pub nsid: u32,
    /// Select (0..=3, checked by the parser).
    pub sel: u8,
    /// Bytes of data to receive.
    pub data_len: Option<u32>,
    /// CDW11.
    pub cdw11: u32,
    /// UUID index.
    pub uuid_index: u8,
}

/// `get-feature`.
pub fn get(c: &mut Ctx, q: &GetQuery) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let fid = q.fid;
    let cmd = GetFeatures {
        nsid: q.nsid,
        dw: FeatureDwords {
            uuid_index: q.uuid_index,
            ..FeatureDwords::cdw11(q.cdw11)
        },
        ..GetFeatures::new(Fid::from_u8(fid), Sel::from_u8(q.sel))
    };
    let dlen = match q.data_len {
        Some(l) if l as usize > MAX_DATA_LEN || l % 4 != 0 => {
            return Err(CliError::usage(format!(
                "--data-len {l}: a multiple of 4, at most {MAX_DATA_LEN} (one NVMe-MI response)"
            )))
        }
        Some(l) => l,
        None => cmd.data_transfer().len().min(MAX_DATA_LEN as u32),
    };
    let r = c.ep.admin(ctrl, &cmd, 0, dlen, &[])?;
    let (dw0, data) = (r.completion.dw0, r.data.to_vec());
    let name = feature_name(fid);
    emit(
        fmt,
        || {
            let mut s = format!(
                "get-feature:{fid:#04x} ({name}), {} value:{dw0:#010x}\n",
                sel_name(q.sel)
            );
            if !data.is_empty() {
                s.push_str(&hex_dump(&data));
            }
            s
        },
        || json!({ "feature_id": fid, "name": name, "sel": q.sel, "value": dw0, "data": hex::encode(&data) }),
        &data,
    )
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
