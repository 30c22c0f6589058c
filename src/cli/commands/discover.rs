//! `discover`: NVMe-MI endpoints known to mctpd (the MCTP control daemon), over D-Bus.

use serde_json::json;

use crate::cli::args::OutputFormat;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::emit;

/// `discover`.
#[cfg(target_os = "linux")]
pub fn run(session: bool, fmt: OutputFormat) -> CliResult {
    use nvme_mi_linux::discovery::{Connectivity, Discovery};

    let bus = if session { "session" } else { "system" };
    let d = if session {
        Discovery::connect_session()
    } else {
        Discovery::connect_system()
    }
    .map_err(|e| CliError::transport(format!("cannot reach the D-Bus {bus} bus: {e}")))?;
    let eps = d
        .list_nvme_mi()
        .map_err(|e| CliError::transport(format!("asking mctpd on the {bus} bus: {e}")))?;
    let conn = |c: &Connectivity| match c {
        Connectivity::Available => "available".to_string(),
        Connectivity::Degraded => "degraded".to_string(),
        Connectivity::Unknown(s) if s.is_empty() => "unknown".to_string(),
        Connectivity::Unknown(s) => s.clone(),
    };
    emit(
        fmt,
        || {
            if eps.is_empty() {
                return "no NVMe-MI endpoint known to mctpd".to_string();
            }
            let mut s = format!(
                "{:<16} {:<12} {:<38} {}\n",
                "DEVICE", "STATE", "UUID", "TYPES"
            );
            for e in &eps {
                let types: Vec<String> = e.message_types.iter().map(|t| t.to_string()).collect();
                s.push_str(&format!(
                    "{:<16} {:<12} {:<38} {}\n",
                    format!("mctp:{},{}", e.net, e.eid),
                    conn(&e.connectivity),
                    e.uuid.as_deref().unwrap_or("-"),
                    types.join(",")
                ));
            }
            s
        },
        || {
            json!(eps
                .iter()
                .map(|e| json!({
                    "device": format!("mctp:{},{}", e.net, e.eid),
                    "net": e.net,
                    "eid": e.eid,
                    "uuid": e.uuid,
                    "connectivity": conn(&e.connectivity),
                    "message_types": e.message_types,
                }))
                .collect::<Vec<_>>())
        },
        &[],
    )
}

/// mctpd and D-Bus are Linux only.
#[cfg(not(target_os = "linux"))]
pub fn run(_session: bool, _fmt: OutputFormat) -> CliResult {
    Err(CliError::transport("discovery through mctpd needs Linux"))
}
