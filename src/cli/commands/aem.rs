//! `aem`: enable Asynchronous Events and print the AE Messages as they arrive (NVMe-MI 2.0
//! §5.3).

use std::time::Duration;

use nvme_mi_core::mi::aem::{AeOccurrenceList, AeScope};
use nvme_mi_core::requester::{AeSettings, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind, Transport};
use serde_json::{json, Value};

use crate::cli::args::OutputFormat;
use crate::cli::error::CliResult;
use crate::cli::output::write_stdout;
use crate::cli::Ctx;

/// How `aem` and `monitor` enable Asynchronous Events: function events (ENCFA) only, a
/// message sent again after 1 s (AERD 10 × 100 ms) until acknowledged, no delay.
pub const SETTINGS: AeSettings = AeSettings {
    retry_delay: 10,
    delay: 0,
    functions: (true, false, false),
};

/// How long `aem` waits for events without --timeout.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

fn scope_name(s: AeScope) -> String {
    match s {
        AeScope::Namespace => "namespace".into(),
        AeScope::Controller => "controller".into(),
        AeScope::NvmSubsystem => "subsystem".into(),
        AeScope::ManagementEndpoint => "management endpoint".into(),
        AeScope::Port => "port".into(),
        AeScope::EnduranceGroup => "endurance group".into(),
        AeScope::Unknown(v) => format!("reserved ({v})"),
    }
}

fn occurrences(list: &AeOccurrenceList<'_>) -> Vec<Value> {
    list.occurrences()
        .map(|o| {
            json!({
                "aeoi": o.id.to_u8(),
                "name": o.id.name(),
                "scope": scope_name(o.scope),
                "scope_id": o.scope_id,
                "specific": hex::encode(o.specific),
            })
        })
        .collect()
}

fn print(fmt: OutputFormat, what: &str, gen: Option<u8>, occ: &[Value]) -> CliResult {
    let mut s = String::new();
    match fmt {
        OutputFormat::Json => {
            s = json!({ "message": what, "generation": gen, "occurrences": occ }).to_string();
            s.push('\n');
        }
        _ => {
            match gen {
                Some(g) => s.push_str(&format!(
                    "{what} (generation {g}): {} occurrence(s)\n",
                    occ.len()
                )),
                None => s.push_str(&format!("{what}: {} occurrence(s)\n", occ.len())),
            }
            for o in occ {
                s.push_str(&format!(
                    "  {:#04x} {:<40} scope {} id {}\n",
                    o["aeoi"].as_u64().unwrap_or(0),
                    o["name"].as_str().unwrap_or(""),
                    o["scope"].as_str().unwrap_or(""),
                    o["scope_id"]
                ));
            }
        }
    }
    write_stdout(s.as_bytes())
}

/// `aem`.
pub fn run(c: &mut Ctx, count: Option<u32>) -> CliResult {
    let fmt = c.fmt;
    c.ep.transport_mut().inner_mut().listen_events()?;
    let (enabled, pending) = c.ep.enable_supported_events(SETTINGS)?;
    let first = pending.as_ref().map(occurrences).unwrap_or_default();
    if fmt != OutputFormat::Json {
        write_stdout(format!("enabled {enabled} asynchronous event(s)\n").as_bytes())?;
    }
    print(fmt, "pending at enable", None, &first)?;
    let wait = c.timeout.map(Duration::from_millis).unwrap_or(DEFAULT_WAIT);
    let deadline = c.ep.transport_mut().now() + wait;
    let mut received = 0u32;
    while count.is_none_or(|n| received < n) {
        let (gen, occ) = match c.ep.recv_event(deadline) {
            Ok(list) => (list.aemti().generation, occurrences(&list)),
            Err(RequestError::Transport(e)) if e.kind() == ErrorKind::Timeout => break,
            Err(e) => return Err(e.into()),
        };
        received += 1;
        print(fmt, "event", Some(gen), &occ)?;
        c.ep.ack_events()?;
    }
    if fmt != OutputFormat::Json {
        write_stdout(format!("{received} event message(s) received\n").as_bytes())?;
    }
    Ok(())
}
