//! `config-get` and `config-set`: Configuration Get/Set (NVMe-MI 1.2 §5.1, §5.2; NVMe-MI 2.0
//! for Asynchronous Event).

use nvme_mi_core::mi::aem::{AeConfigEntry, AeConfigList, AeId};
use nvme_mi_core::mi::command::{
    ConfigurationGetRequest, ConfigurationGetResponse, ConfigurationSetRequest, DataStructure,
    Dtyp, HealthStatusChangeMask, PortType, ReadDataStructureRequest, SmbusFrequency,
};
use nvme_mi_core::requester::AeSettings;
use serde_json::json;

use crate::cli::args::ConfigItem;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::emit;
use crate::cli::Ctx;

fn freq_name(f: SmbusFrequency) -> String {
    match f {
        SmbusFrequency::Khz100 => "100k".into(),
        SmbusFrequency::Khz400 => "400k".into(),
        SmbusFrequency::Mhz1 => "1m".into(),
        SmbusFrequency::Unknown(0) => "not supported".into(),
        SmbusFrequency::Unknown(v) => format!("reserved value {v}"),
    }
}

fn number(s: &str) -> CliResult<u64> {
    let r = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16),
        None => s.parse(),
    };
    r.map_err(|_| CliError::usage(format!("'{s}' is not a number")))
}

/// The port of a per-port item: the one given, else the first SMBus/I2C port the endpoint
/// reports in its Port Information (NVMe-MI 1.2 §5.7.2), said on standard error.
fn port_of(c: &mut Ctx, item: ConfigItem, port: Option<u8>) -> CliResult<u8> {
    if let Some(p) = port {
        return Ok(p);
    }
    if !matches!(item, ConfigItem::SmbusFreq | ConfigItem::Mtu) {
        return Ok(0);
    }
    let nump = match c
        .ep
        .mi_command(&ReadDataStructureRequest::new(Dtyp::SubsystemInformation))?
        .structure
    {
        DataStructure::SubsystemInformation(i) => i.nump,
        _ => {
            return Err(CliError::integrity(
                "the endpoint returned another data structure",
            ))
        }
    };
    for p in 0..=nump {
        let req = ReadDataStructureRequest {
            port_id: p,
            ..ReadDataStructureRequest::new(Dtyp::PortInformation)
        };
        if let DataStructure::PortInformation(i) = c.ep.mi_command(&req)?.structure {
            if i.port_type() == PortType::TwoWire {
                eprintln!("nvme-mi: using port {p}, the endpoint's SMBus/I2C port (--port to choose another)");
                return Ok(p);
            }
        }
    }
    let what = if item == ConfigItem::SmbusFreq {
        "the SMBus/I2C frequency is a setting of an SMBus/I2C port"
    } else {
        "give the port with --port"
    };
    Err(CliError::usage(format!(
        "the endpoint reports no SMBus/I2C port among its {} port(s): {what}",
        u16::from(nump) + 1
    )))
}

/// `config-get`.
pub fn get(c: &mut Ctx, item: ConfigItem, port: Option<u8>) -> CliResult {
    let fmt = c.fmt;
    let port = port_of(c, item, port)?;
    let req = match item {
        ConfigItem::SmbusFreq => ConfigurationGetRequest::SmbusI2cFrequency { port_id: port },
        ConfigItem::Hsc => ConfigurationGetRequest::HealthStatusChange,
        ConfigItem::Mtu => ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: port },
        ConfigItem::Ae => ConfigurationGetRequest::AsyncEvent,
    };
    let r = c.ep.mi_command(&req)?;
    let (text, js) = match r {
        ConfigurationGetResponse::SmbusI2cFrequency(f) => (
            format!("port {port} SMBus/I2C frequency: {}", freq_name(f)),
            json!({ "port": port, "smbus_freq": freq_name(f), "value": f.to_u8() }),
        ),
        ConfigurationGetResponse::HealthStatusChange => {
            ("Health Status Change: nothing to report".into(), json!({}))
        }
        ConfigurationGetResponse::MctpTransmissionUnitSize(m) => (
            format!("port {port} MCTP transmission unit size: {m} bytes"),
            json!({ "port": port, "mtu": m }),
        ),
        ConfigurationGetResponse::AsyncEvent {
            aeelver,
            supported_list,
        } => {
            let list = AeConfigList::parse(supported_list)?;
            let mut s =
                format!("Asynchronous Events supported (AE Enable List version {aeelver}):\n");
            let mut v = Vec::new();
            for e in list.entries() {
                s.push_str(&format!(
                    "  {:#04x} {:<40} {}\n",
                    e.id.to_u8(),
                    e.id.name(),
                    if e.enabled { "enabled" } else { "disabled" }
                ));
                v.push(json!({ "aeid": e.id.to_u8(), "name": e.id.name(), "enabled": e.enabled }));
            }
            (s, json!({ "aeelver": aeelver, "events": v }))
        }
        ConfigurationGetResponse::Raw { nmresp, data } => (
            format!(
                "nmresp {nmresp:#08x}, {} data bytes: {}",
                data.len(),
                hex::encode(data)
            ),
            json!({ "nmresp": nmresp, "data": hex::encode(data) }),
        ),
    };
    emit(fmt, || text, || js, &[])
}

/// `config-set`.
pub fn set(c: &mut Ctx, item: ConfigItem, port: Option<u8>, value: &str) -> CliResult {
    let fmt = c.fmt;
    let port = port_of(c, item, port)?;
    let what = match item {
        ConfigItem::SmbusFreq => {
            let frequency = match value.to_ascii_lowercase().as_str() {
                "100k" | "100" | "1" => SmbusFrequency::Khz100,
                "400k" | "400" | "2" => SmbusFrequency::Khz400,
                "1m" | "1000k" | "3" => SmbusFrequency::Mhz1,
                other => {
                    return Err(CliError::usage(format!(
                        "'{other}': expected 100k, 400k or 1m"
                    )))
                }
            };
            c.ep.mi_command(&ConfigurationSetRequest::SmbusI2cFrequency {
                port_id: port,
                frequency,
            })?;
            format!(
                "port {port} SMBus/I2C frequency set to {}",
                freq_name(frequency)
            )
        }
        ConfigItem::Hsc => {
            let mask = u32::try_from(number(value)?)
                .map_err(|_| CliError::usage(format!("{value}: the mask is 32 bits")))?;
            c.ep.mi_command(&ConfigurationSetRequest::HealthStatusChange {
                clear: HealthStatusChangeMask(mask),
            })?;
            format!("cleared health status change flags {mask:#x}")
        }
        ConfigItem::Mtu => {
            let mtus = u16::try_from(number(value)?)
                .ok()
                .filter(|&m| m >= 64)
                .ok_or_else(|| {
                    CliError::usage(format!(
                        "{value}: the MCTP transmission unit size is 64..=65535 bytes (DSP0236: at least the 64-byte baseline)"
                    ))
                })?;
            c.ep.mi_command(&ConfigurationSetRequest::MctpTransmissionUnitSize {
                port_id: port,
                mtus,
            })?;
            format!("port {port} MCTP transmission unit size set to {mtus} bytes")
        }
        ConfigItem::Ae => {
            let mut entries = Vec::new();
            for part in value.split(',').map(str::trim).filter(|p| !p.is_empty()) {
                let id = u8::try_from(number(part)?).map_err(|_| {
                    CliError::usage(format!("{part}: an AE identifier is one byte (0..=255)"))
                })?;
                entries.push(AeConfigEntry::new(AeId::from_u8(id), true));
            }
            let settings = AeSettings {
                functions: (true, false, false),
                ..AeSettings::default()
            };
            let pending = c.ep.enable_events(settings, &entries)?.len();
            format!(
                "enabled {} asynchronous event(s); {pending} occurrence(s) pending",
                entries.len()
            )
        }
    };
    emit(
        fmt,
        || what.clone(),
        || json!({ "result": what.clone() }),
        &[],
    )
}
