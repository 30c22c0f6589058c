//! `get-feature` and `set-feature`: Get/Set Features (NVMe Base §5.15, §5.27), tunnelled.

use nvme_mi_core::mi::admin::{AdminCommand, FeatureDwords, Fid, GetFeatures, Sel, SetFeatures};
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{emit, hex_dump};
use crate::cli::Ctx;

/// `get-feature`.
pub fn get(c: &mut Ctx, fid: u8, sel: u8, nsid: u32, cdw11: u32) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = GetFeatures {
        nsid,
        dw: FeatureDwords::cdw11(cdw11),
        ..GetFeatures::new(Fid::from_u8(fid), Sel::from_u8(sel))
    };
    let dlen = cmd.data_transfer().len().min(4096) & !3;
    let r = c.ep.admin(ctrl, &cmd, 0, dlen, &[])?;
    let (dw0, data) = (r.completion.dw0, r.data.to_vec());
    emit(
        fmt,
        || {
            let mut s = format!(
                "get-feature:{fid:#04x} ({:?}), value: {dw0:#010x}\n",
                Fid::from_u8(fid)
            );
            if !data.is_empty() {
                s.push_str(&hex_dump(&data));
            }
            s
        },
        || json!({ "feature_id": fid, "value": dw0, "data": hex::encode(&data) }),
        &data,
    )
}

/// `set-feature`.
pub fn set(c: &mut Ctx, fid: u8, value: u32, nsid: u32, save: bool, data: &[u8]) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = SetFeatures {
        nsid,
        ..SetFeatures::new(Fid::from_u8(fid), value, save)
    };
    let want = cmd.data_transfer().len() as usize;
    if want != data.len() {
        return Err(CliError::usage(format!(
            "feature {fid:#04x} with this value carries {want} data bytes; --data gave {}",
            data.len()
        )));
    }
    let r = c.ep.admin(ctrl, &cmd, 0, 0, data)?;
    let dw0 = r.completion.dw0;
    emit(
        fmt,
        || {
            format!(
                "set-feature:{fid:#04x} ({:?}), value: {value:#010x}, cdw0: {dw0:#010x}",
                Fid::from_u8(fid)
            )
        },
        || json!({ "feature_id": fid, "value": value, "cdw0": dw0 }),
        &[],
    )
}
