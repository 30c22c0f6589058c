//! Identify (NVMe Base §5.17) tunnelled through NVMe-MI (§6): `id-ctrl`, `id-ns`, `list-ns`,
//! and `list`, the overview of the subsystem.

use nvme_mi_core::mi::admin::{Cns, Identify, IDENTIFY_DATA_LEN};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, IdentifyNamespace};
use nvme_mi_core::mi::command::{DataStructure, Dtyp, ReadDataStructureRequest};
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::json;
use crate::cli::output::{emit, hex_dump, human_size};
use crate::cli::Ctx;

/// Run Identify `cmd` on controller `ctrl` and return its 4096 bytes.
pub fn identify(c: &mut Ctx, ctrl: u16, cmd: &Identify) -> CliResult<Vec<u8>> {
    let mut out = vec![0u8; IDENTIFY_DATA_LEN as usize];
    let n =
        c.ep.read_admin_data(ctrl, cmd, &mut out, IDENTIFY_DATA_LEN as usize)?;
    out.truncate(n);
    Ok(out)
}

fn controller(c: &mut Ctx, ctrl: u16) -> CliResult<(IdentifyController, Vec<u8>)> {
    let raw = identify(c, ctrl, &Identify::controller())?;
    Ok((IdentifyController::read(&raw)?, raw))
}

fn namespace(c: &mut Ctx, ctrl: u16, nsid: u32) -> CliResult<(IdentifyNamespace, Vec<u8>)> {
    let raw = identify(c, ctrl, &Identify::namespace(nsid))?;
    Ok((IdentifyNamespace::read(&raw)?, raw))
}

fn ns_list(c: &mut Ctx, ctrl: u16, all: bool) -> CliResult<Vec<u32>> {
    ns_list_from(c, ctrl, all, 0)
}

fn ns_list_from(c: &mut Ctx, ctrl: u16, all: bool, start: u32) -> CliResult<Vec<u32>> {
    let cns = if all {
        Cns::AllocatedNamespaceList
    } else {
        Cns::ActiveNamespaceList
    };
    let raw = identify(
        c,
        ctrl,
        &Identify {
            nsid: start,
            ..Identify::new(cns)
        },
    )?;
    Ok(raw
        .chunks_exact(4)
        .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .take_while(|&n| n != 0)
        .collect())
}

/// The fields of a JSON object as `name : value` lines (numbers above 9 in hex, as nvme-cli
/// prints them), leaving out the array `skip`.
fn fields_text(v: &serde_json::Value, skip: &str, width: usize) -> String {
    let mut s = String::new();
    for (k, val) in v.as_object().into_iter().flatten() {
        if k == skip {
            continue;
        }
        let shown = match val {
            serde_json::Value::Number(n) => match n.as_u64() {
                Some(x) if x > 9 => format!("{x:#x}"),
                _ => n.to_string(),
            },
            serde_json::Value::String(t) => t.clone(),
            other => other.to_string(),
        };
        s.push_str(&format!("{k:<width$}: {shown}\n"));
    }
    s
}

/// `id-ctrl`.
pub fn id_ctrl(c: &mut Ctx, vendor_specific: bool) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let (id, raw) = controller(c, ctrl)?;
    emit(
        fmt,
        || {
            let mut s = format!("NVME Identify Controller (controller {ctrl}):\n");
            s.push_str(&fields_text(&json::id_ctrl(&id), "psds", 10));
            if vendor_specific {
                s.push_str("vs[]:\n");
                s.push_str(&hex_dump(raw.get(3072..).unwrap_or(&[])));
            }
            s
        },
        || json::id_ctrl(&id),
        &raw,
    )
}

/// `id-ns`; with `force`, Identify Namespace of an allocated namespace (CNS 11h).
pub fn id_ns(c: &mut Ctx, nsid: u32, force: bool, vendor_specific: bool) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    if nsid == 0 {
        return Err(CliError::usage(
            "--namespace-id 0: a namespace ID is 1 or more (0xffffffff: the common capabilities)",
        ));
    }
    let cmd = if force {
        Identify {
            nsid,
            ..Identify::new(Cns::AllocatedNamespace)
        }
    } else {
        Identify::namespace(nsid)
    };
    let raw = identify(c, ctrl, &cmd)?;
    let ns = IdentifyNamespace::read(&raw)?;
    emit(
        fmt,
        || {
            let mut s = format!("NVME Identify Namespace {nsid}:\n");
            s.push_str(&fields_text(&json::id_ns(&ns), "lbafs", 8));
            let current = ns.flbas_index();
            for (i, f) in ns.lbaf.iter().take(usize::from(ns.nlbaf) + 1).enumerate() {
                s.push_str(&format!(
                    "lbaf {i:>2} : ms:{:<3} lbads:{:<3} rp:{:#x}{}\n",
                    f.ms.get(),
                    f.lbads,
                    f.rp,
                    if i == usize::from(current) {
                        " (in use)"
                    } else {
                        ""
                    }
                ));
            }
            if vendor_specific {
                s.push_str("vs[]:\n");
                s.push_str(&hex_dump(raw.get(3840..).unwrap_or(&[])));
            }
            s
        },
        || json::id_ns(&ns),
        &raw,
    )
}

/// `ns-descs`: the Namespace Identification Descriptor list (Identify CNS 03h).
pub fn ns_descs(c: &mut Ctx, nsid: u32) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let raw = identify(
        c,
        ctrl,
        &Identify {
            nsid,
            ..Identify::new(Cns::NamespaceDescriptorList)
        },
    )?;
    let list = json::ns_descs(&raw);
    emit(
        fmt,
        || {
            let mut s = format!("NVME Namespace Identification Descriptors NS {nsid}:\n");
            for d in &list {
                s.push_str(&format!("{:<6}: {}\n", d.kind, d.value));
            }
            s
        },
        || json::ns_descs_json(&list),
        &raw,
    )
}

/// `list-ctrl`: the controller list of Identify CNS 13h (every controller of the
/// subsystem) or, for a namespace, CNS 12h (the controllers attached to it), from `cntid`.
pub fn list_ctrl(c: &mut Ctx, cntid: u16, nsid: Option<u32>) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = Identify {
        nsid: nsid.unwrap_or(0),
        cntid,
        ..Identify::new(if nsid.is_some() {
            Cns::NamespaceControllerList
        } else {
            Cns::ControllerList
        })
    };
    let raw = identify(c, ctrl, &cmd)?;
    let num = usize::from(u16::from_le_bytes([raw[0], raw[1]])).min(2047);
    let ids: Vec<u16> = raw[2..]
        .chunks_exact(2)
        .take(num)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    emit(
        fmt,
        || {
            let mut s = format!("num of ctrls present: {}\n", ids.len());
            for (i, id) in ids.iter().enumerate() {
                s.push_str(&format!("[{i:>4}]:{id:#x}\n"));
            }
            s
        },
        || {
            json!({
                "num_ctrl": ids.len(),
                "ctrl_list": ids.iter().map(|i| json!({ "ctrl_id": i })).collect::<Vec<_>>(),
            })
        },
        &raw,
    )
}

/// `list-ns`: namespace IDs greater than `start`.
pub fn list_ns(c: &mut Ctx, start: u32, csi: u8, all: bool) -> CliResult {
    let fmt = c.fmt;
    if csi != 0 {
        return Err(CliError::usage(format!(
            "--csi {csi}: only the NVM command set (0) is listed (Identify CNS 02h / 10h)"
        )));
    }
    let ctrl = c.ctrl()?;
    let ids = ns_list_from(c, ctrl, all, start)?;
    let raw: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
    emit(
        fmt,
        || {
            ids.iter()
                .enumerate()
                .map(|(i, n)| format!("[{i:>4}]:{n:#x}\n"))
                .collect()
        },
        || json!({ "nsid_list": ids.iter().map(|n| json!({ "nsid": n })).collect::<Vec<_>>() }),
        &raw,
    )
}

/// `list`: the subsystem, its controllers and their namespaces.
pub fn list(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let r =
        c.ep.mi_command(&ReadDataStructureRequest::new(Dtyp::SubsystemInformation))?;
    let (nump, mjr, mnr) = match r.structure {
        DataStructure::SubsystemInformation(i) => (u16::from(i.nump) + 1, i.mjr, i.mnr),
        _ => (0, 0, 0),
    };
    let ctrls = match c.dev.ctrl() {
        Some(one) => vec![one],
        None => c.controllers()?,
    };
    let dev = c.dev.to_string();
    let mut text = format!(
        "Subsystem {dev}: NVMe-MI {mjr}.{mnr}, {nump} port(s), {} controller(s)\n",
        ctrls.len()
    );
    let mut js_ctrls = Vec::new();
    let mut devices = Vec::new();
    let mut seen_ns = Vec::new();
    for &ctrl in &ctrls {
        let (id, _) = controller(c, ctrl)?;
        text.push_str(&format!(
            "\nController {ctrl}\n  Model Number  : {}\n  Serial Number : {}\n  Firmware Rev  : {}\n  PCI VID/SSVID : {:#06x}/{:#06x}\n",
            id.mn(),
            id.sn(),
            id.fr(),
            id.vid.get(),
            id.ssvid.get()
        ));
        text.push_str(&format!(
            "  {:<6} {:<22} {:<22} {:<8}\n",
            "NSID", "Usage", "Format", "Shared"
        ));
        let nsids = ns_list(c, ctrl, false)?;
        let mut js_ns = Vec::new();
        for nsid in nsids {
            let (ns, _) = namespace(c, ctrl, nsid)?;
            let bs = ns
                .current_lba_format()
                .and_then(|f| f.block_size())
                .unwrap_or(0);
            let size = u128::from(ns.nsze.get()) * u128::from(bs);
            let used = u128::from(ns.nuse.get()) * u128::from(bs);
            let ms = ns.current_lba_format().map(|f| f.ms.get()).unwrap_or(0);
            text.push_str(&format!(
                "  {:<6} {:<22} {:<22} {:<8}\n",
                nsid,
                format!("{} / {}", human_size(used), human_size(size)),
                format!("{bs} B + {ms} B"),
                if ns.nmic & 1 != 0 { "yes" } else { "no" }
            ));
            js_ns.push(json!({
                "NameSpace": nsid,
                "NSZE": ns.nsze.get(),
                "UsedBytes": used as u64,
                "PhysicalSize": size as u64,
                "SectorSize": bs,
            }));
            if !seen_ns.contains(&nsid) {
                seen_ns.push(nsid);
                devices.push(json!({
                    "NameSpace": nsid,
                    "DevicePath": c.dev.with_ctrl(ctrl).to_string(),
                    "Firmware": id.fr(),
                    "ModelNumber": id.mn(),
                    "SerialNumber": id.sn(),
                    "UsedBytes": used as u64,
                    "MaximumLBA": ns.nsze.get(),
                    "PhysicalSize": size as u64,
                    "SectorSize": bs,
                }));
            }
        }
        js_ctrls.push(json!({
            "Controller": ctrl,
            "ModelNumber": id.mn(),
            "SerialNumber": id.sn(),
            "Firmware": id.fr(),
            "Namespaces": js_ns,
        }));
    }
    emit(
        fmt,
        || text,
        || {
            json!({
                "Subsystem": { "Device": dev, "MIVersion": format!("{mjr}.{mnr}"), "Ports": nump, "Controllers": js_ctrls },
                "Devices": devices,
            })
        },
        &[],
    )
}
