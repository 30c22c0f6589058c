//! NVMe-MI commands (NVMe-MI 1.2 §5): health polls, data structures, VPD, reset, shutdown.

use nvme_mi_core::mi::command::{
    CompositeTemperature, ControllerHealthStatusPollRequest, DataStructure, Dtyp, PortType,
    ReadDataStructureRequest, ResetRequest, ResetType, ShutdownRequest, ShutdownType,
    SmbusFrequency, SubsystemHealthStatusPollRequest,
};
use nvme_mi_core::mi::pcie::{Bar, PcieCommand};
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{
    emit, flags_text, hex_dump, CCS_FLAGS, CRITICAL_WARNING_FLAGS, CSTS_FLAGS, NSS_FLAGS,
};
use crate::cli::Ctx;

/// A composite temperature in words (NVMe-MI 1.2 §5.6, CTEMP).
pub fn temp_text(t: CompositeTemperature) -> String {
    match t {
        CompositeTemperature::Celsius(c) => format!("{c} °C"),
        CompositeTemperature::AtLeast127 => "127 °C or more".into(),
        CompositeTemperature::AtMostMinus60 => "-60 °C or less".into(),
        CompositeTemperature::NoData => "no temperature data (or older than 5 s)".into(),
        CompositeTemperature::SensorFailure => "temperature sensor failure".into(),
        CompositeTemperature::Reserved(v) => format!("reserved value {v:#04x}"),
    }
}

/// An SMBus frequency in words.
pub fn freq_text(f: SmbusFrequency) -> String {
    match f {
        SmbusFrequency::Khz100 => "100 kHz".into(),
        SmbusFrequency::Khz400 => "400 kHz".into(),
        SmbusFrequency::Mhz1 => "1 MHz".into(),
        SmbusFrequency::Unknown(0) => "not supported".into(),
        SmbusFrequency::Unknown(v) => format!("reserved value {v}"),
    }
}

/// `health`: NVM Subsystem Health Status Poll.
pub fn health(c: &mut Ctx, clear: bool) -> CliResult {
    let fmt = c.fmt;
    let h =
        c.ep.mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: clear,
        })?
        .health;
    let raw = zerocopy::IntoBytes::as_bytes(&h).to_vec();
    emit(
        fmt,
        || {
            format!(
                "NVM Subsystem Health\n\
                 subsystem status (nss)     : {:#04x} {}\n\
                 smart warnings (sw)        : {:#04x} (present: {})\n\
                 composite temperature      : {}\n\
                 percentage used (pdlu)     : {}%\n\
                 controller status (ccs)    : {:#06x} {}\n",
                h.nss,
                flags_text(h.status().bits().into(), NSS_FLAGS),
                h.sw,
                flags_text(h.warnings().bits().into(), CRITICAL_WARNING_FLAGS),
                temp_text(h.temperature()),
                h.pdlu,
                h.ccs().bits(),
                flags_text(h.ccs().bits().into(), CCS_FLAGS),
            )
        },
        || {
            json!({
                "nss": h.nss,
                "sw": h.sw,
                "ctemp": h.temperature().celsius(),
                "pdlu": h.pdlu,
                "ccs": h.ccs().bits(),
                "status": crate::cli::output::flag_names(h.status().bits().into(), NSS_FLAGS),
                "warnings": crate::cli::output::flag_names(h.warnings().bits().into(), CRITICAL_WARNING_FLAGS),
                "changed": crate::cli::output::flag_names(h.ccs().bits().into(), CCS_FLAGS),
            })
        },
        &raw,
    )
}

/// `ctrl-health`: Controller Health Status Poll of every controller.
pub fn ctrl_health(c: &mut Ctx, clear: bool) -> CliResult {
    let fmt = c.fmt;
    let one = c.dev.ctrl();
    let req = ControllerHealthStatusPollRequest {
        all: true,
        incf: true,
        incpf: true,
        incvf: true,
        sctlid: one.unwrap_or(0),
        maxrent: if one.is_some() { 0 } else { 254 },
        ccf: clear,
        ..Default::default()
    };
    let r = c.ep.mi_command(&req)?;
    let entries: Vec<_> = r
        .entries
        .iter()
        .copied()
        .filter(|e| one.is_none_or(|id| e.controller_id() == id))
        .collect();
    let raw = r.entries.as_bytes().to_vec();
    emit(
        fmt,
        || {
            let mut s = String::new();
            for e in &entries {
                s.push_str(&format!(
                    "controller {}\n  status (csts)       : {:#06x} {}\n  temperature         : {} °C\n  percentage used     : {}%\n  available spare     : {}%\n  critical warnings   : {}\n  changed (chscf)     : {}\n",
                    e.controller_id(),
                    e.status().bits(),
                    flags_text(e.status().bits().into(), CSTS_FLAGS),
                    e.temperature_celsius(),
                    e.pdlu,
                    e.spare,
                    flags_text(e.warnings().bits().into(), CRITICAL_WARNING_FLAGS),
                    flags_text(e.changed().bits().into(), CCS_FLAGS),
                ));
            }
            if entries.is_empty() {
                s.push_str("no controller reported\n");
            }
            s
        },
        || {
            json!(entries
                .iter()
                .map(|e| json!({
                    "ctlid": e.controller_id(),
                    "csts": e.status().bits(),
                    "ctemp": e.temperature_celsius(),
                    "pdlu": e.pdlu,
                    "spare": e.spare,
                    "cwarn": e.cwarn,
                    "chscf": e.changed().bits(),
                }))
                .collect::<Vec<_>>())
        },
        &raw,
    )
}

/// Read one NVMe-MI data structure (NVMe-MI 1.2 §5.7) and pass it to `f`.
fn read_ds<R>(
    c: &mut Ctx,
    req: ReadDataStructureRequest,
    f: impl FnOnce(&DataStructure<'_>) -> CliResult<R>,
) -> CliResult<R> {
    let r = c.ep.mi_command(&req)?;
    f(&r.structure)
}

fn wrong() -> CliError {
    CliError::integrity("the endpoint returned another data structure")
}

/// `subsys-info`: NVM Subsystem Information.
pub fn subsys_info(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let info = read_ds(
        c,
        ReadDataStructureRequest::new(Dtyp::SubsystemInformation),
        |d| match d {
            DataStructure::SubsystemInformation(i) => Ok(*i),
            _ => Err(wrong()),
        },
    )?;
    emit(
        fmt,
        || {
            format!(
                "NVM Subsystem Information\nports (nump+1)      : {}\nNVMe-MI version     : {}.{}\nnnsc                : {:#04x}\n",
                u16::from(info.nump) + 1,
                info.mjr,
                info.mnr,
                info.nnsc
            )
        },
        || json!({ "nump": info.nump, "mjr": info.mjr, "mnr": info.mnr, "nnsc": info.nnsc }),
        zerocopy::IntoBytes::as_bytes(&info),
    )
}

/// `port-info`: Port Information of one or every port.
pub fn port_info(c: &mut Ctx, port: Option<u8>) -> CliResult {
    let fmt = c.fmt;
    let ports: Vec<u8> = match port {
        Some(p) => vec![p],
        None => {
            let n = read_ds(
                c,
                ReadDataStructureRequest::new(Dtyp::SubsystemInformation),
                |d| match d {
                    DataStructure::SubsystemInformation(i) => Ok(i.nump),
                    _ => Err(wrong()),
                },
            )?;
            (0..=n).collect()
        }
    };
    let mut text = String::new();
    let mut js = Vec::new();
    let mut raw = Vec::new();
    for p in ports {
        let req = ReadDataStructureRequest {
            port_id: p,
            ..ReadDataStructureRequest::new(Dtyp::PortInformation)
        };
        let info = read_ds(c, req, |d| match d {
            DataStructure::PortInformation(i) => Ok(*i),
            _ => Err(wrong()),
        })?;
        raw.extend_from_slice(zerocopy::IntoBytes::as_bytes(&info));
        let kind = match info.port_type() {
            PortType::Inactive => "inactive".to_string(),
            PortType::Pcie => "PCIe".to_string(),
            PortType::TwoWire => "SMBus/I2C".to_string(),
            PortType::Unknown(v) => format!("unknown ({v})"),
        };
        text.push_str(&format!(
            "port {p}\n  type                : {kind}\n  capabilities        : {:#04x}\n  max MCTP TU (mmtus) : {} bytes\n  MEB size (mebs)     : {} bytes\n",
            info.prtcap,
            info.mmtus.get(),
            info.mebs.get()
        ));
        let mut j = json!({
            "portid": p, "prttyp": info.prttyp, "prtcap": info.prtcap,
            "mmtus": info.mmtus.get(), "mebs": info.mebs.get(),
        });
        if let Some(pcie) = info.pcie_data() {
            text.push_str(&format!(
                "  PCIe max payload    : {}\n  PCIe link width     : max x{} negotiated x{}\n  PCIe port number    : {}\n",
                match pcie.max_payload_bytes() {
                    Some(b) => format!("{b} bytes"),
                    None => format!("reserved value {}", pcie.pciemps),
                },
                pcie.pciemlw,
                pcie.pcienlw,
                pcie.pciepn
            ));
            j["pciemps"] = json!(pcie.pciemps);
            j["pciemlw"] = json!(pcie.pciemlw);
            j["pcienlw"] = json!(pcie.pcienlw);
            j["pciepn"] = json!(pcie.pciepn);
        }
        if let Some(tw) = info.two_wire_data() {
            text.push_str(&format!(
                "  VPD address         : {:#04x}\n  ME address          : {:#04x}\n  max SMBus frequency : {}\n  basic management    : {}\n",
                tw.cvpdaddr,
                tw.cmeaddr,
                tw.max_smbus_frequency()
                    .map(freq_text)
                    .unwrap_or_else(|| format!("reserved value {}", tw.mvpdfreq)),
                if tw.basic_management_supported() { "supported" } else { "not supported" }
            ));
            j["cvpdaddr"] = json!(tw.cvpdaddr);
            j["mvpdfreq"] = json!(tw.mvpdfreq);
            j["cmeaddr"] = json!(tw.cmeaddr);
            j["twprt"] = json!(tw.twprt);
            j["nvmebm"] = json!(tw.nvmebm);
        }
        js.push(j);
    }
    emit(fmt, || text, || json!(js), &raw)
}

/// `ctrl-list`: the Controller List.
pub fn ctrl_list(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let ids = c.controllers()?;
    let raw: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
    emit(
        fmt,
        || {
            let mut s = format!("{} controller(s)\n", ids.len());
            for i in &ids {
                s.push_str(&format!("  {i}\n"));
            }
            s
        },
        || json!({ "num_ctrl": ids.len(), "ctrl_list": ids }),
        &raw,
    )
}

/// `ctrl-info`: Controller Information of the controller named in the device.
pub fn ctrl_info(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let req = ReadDataStructureRequest {
        ctrl_id: ctrl,
        ..ReadDataStructureRequest::new(Dtyp::ControllerInformation)
    };
    let info = read_ds(c, req, |d| match d {
        DataStructure::ControllerInformation(i) => Ok(*i),
        _ => Err(wrong()),
    })?;
    emit(
        fmt,
        || {
            format!(
                "controller {ctrl}\n  port                : {}\n  routing ID (pri)    : {:#06x} ({})\n  PCI vendor ID       : {:#06x}\n  PCI device ID       : {:#06x}\n  PCI subsystem VID   : {:#06x}\n  PCI subsystem DID   : {:#06x}\n  PCIe segment        : {}\n",
                info.portid,
                info.pri.get(),
                if info.prii & 1 != 0 { "valid" } else { "not valid" },
                info.pcivid.get(),
                info.pcidid.get(),
                info.pcisvid.get(),
                info.pcisdid.get(),
                info.pciesn
            )
        },
        || {
            json!({
                "ctlid": ctrl, "portid": info.portid, "prii": info.prii, "pri": info.pri.get(),
                "pcivid": info.pcivid.get(), "pcidid": info.pcidid.get(),
                "pcisvid": info.pcisvid.get(), "pcisdid": info.pcisdid.get(), "pciesn": info.pciesn,
            })
        },
        zerocopy::IntoBytes::as_bytes(&info),
    )
}

/// `vpd-read`.
pub fn vpd_read(c: &mut Ctx, offset: u16, length: u16) -> CliResult {
    let fmt = c.fmt;
    if usize::from(offset) + usize::from(length) > usize::from(u16::MAX) + 1 {
        return Err(CliError::usage(format!(
            "--offset {offset} + --length {length} reaches beyond the 64 KiB the VPD commands address"
        )));
    }
    let mut buf = vec![0u8; usize::from(length)];
    let n = c.ep.vpd_read(offset, &mut buf)?;
    buf.truncate(n);
    emit(
        fmt,
        || hex_dump(&buf),
        || json!({ "offset": offset, "length": n, "data": hex::encode(&buf) }),
        &buf,
    )
}

/// `vpd-write`.
pub fn vpd_write(c: &mut Ctx, offset: u16, data: &[u8]) -> CliResult {
    let fmt = c.fmt;
    if usize::from(offset) + data.len() > usize::from(u16::MAX) + 1 {
        return Err(CliError::usage(format!(
            "--offset {offset} + {} bytes reaches beyond the 64 KiB the VPD commands address",
            data.len()
        )));
    }
    c.ep.vpd_write(offset, data)?;
    emit(
        fmt,
        || format!("wrote {} bytes of VPD at offset {offset}", data.len()),
        || json!({ "offset": offset, "length": data.len() }),
        &[],
    )
}

/// Offset of the Controller Configuration register, CC, in BAR0 (NVMe Base 2.x §3.1.4.5).
const CC: u64 = 0x14;
/// Offset of the Controller Status register, CSTS, in BAR0 (NVMe Base 2.x §3.1.4.6).
const CSTS: u64 = 0x1c;
/// How long `reset` waits for CSTS.RDY to follow CC.EN (a controller reports its own bound
/// in CAP.TO, up to 127.5 s; a drive over NVMe-MI answering at all is expected far sooner).
const READY_WAIT: std::time::Duration = std::time::Duration::from_secs(10);

/// Read a 32-bit controller register of BAR0 through a PCIe Memory Read (NVMe-MI 1.2 §7).
fn register(c: &mut Ctx, ctrl: u16, offset: u64) -> CliResult<u32> {
    let read = PcieCommand::MemoryRead {
        bar: Bar(0),
        offset,
        length: 4,
    };
    let b = c.ep.pcie(ctrl, read).map_err(|e| {
        CliError::from(e).context(&format!(
            "reading the registers of controller {ctrl} (a controller reset needs the PCIe commands of NVMe-MI §7)"
        ))
    })?;
    let mut w = [0u8; 4];
    w.copy_from_slice(b.get(..4).unwrap_or(&[0; 4]));
    Ok(u32::from_le_bytes(w))
}

/// Wait until CSTS.RDY is `ready`, as the host must between clearing and setting CC.EN
/// (NVMe Base 2.x §3.5.2).
fn wait_ready(c: &mut Ctx, ctrl: u16, ready: bool) -> CliResult {
    let start = std::time::Instant::now();
    loop {
        if (register(c, ctrl, CSTS)? & 1 != 0) == ready {
            return Ok(());
        }
        if start.elapsed() > READY_WAIT {
            return Err(CliError::timeout(format!(
                "controller {ctrl}: CSTS.RDY did not become {} within {} s of the CC.EN write",
                u8::from(ready),
                READY_WAIT.as_secs()
            )));
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
}

/// `reset`: a Controller Level Reset of one controller (NVMe Base 2.x §3.7.2): CC.EN cleared,
/// CSTS.RDY awaited at 0, CC.EN set, CSTS.RDY awaited at 1, with PCIe Memory Reads and Writes
/// to the controller's registers (NVMe-MI 1.2 §7).
pub fn controller_reset(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cc = register(c, ctrl, CC)?;
    for enable in [false, true] {
        let value = if enable { cc | 1 } else { cc & !1 };
        c.ep.pcie(
            ctrl,
            PcieCommand::MemoryWrite {
                bar: Bar(0),
                offset: CC,
                data: &value.to_le_bytes(),
            },
        )?;
        wait_ready(c, ctrl, enable)?;
    }
    emit(
        fmt,
        || format!("controller {ctrl} reset (CC.EN cleared, CSTS.RDY 0; CC.EN set, CSTS.RDY 1)"),
        || json!({ "ctrl": ctrl, "reset": "controller", "ready": true }),
        &[],
    )
}

/// `subsystem-reset`: NVM Subsystem Reset.
pub fn subsystem_reset(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    c.ep.send_without_response(&ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    })?;
    emit(
        fmt,
        || "NVM Subsystem Reset sent".into(),
        || json!({ "reset": "sent" }),
        &[],
    )
}

/// `shutdown`.
pub fn shutdown(c: &mut Ctx, abrupt: bool) -> CliResult {
    let fmt = c.fmt;
    let shutdown_type = if abrupt {
        ShutdownType::Abrupt
    } else {
        ShutdownType::Normal
    };
    c.ep.mi_command(&ShutdownRequest { shutdown_type })?;
    let kind = if abrupt { "abrupt" } else { "normal" };
    emit(
        fmt,
        || format!("{kind} shutdown complete"),
        || json!({ "shutdown": kind }),
        &[],
    )
}
