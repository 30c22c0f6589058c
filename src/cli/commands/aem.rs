//! `aem`: enable Asynchronous Events and print the AE Messages as they arrive (NVMe-MI 2.0
//! §5.3).

use std::time::Duration;

use nvme_mi_core::mi::aem::{AeConfigEntry, AeConfigList, AeOccurrenceList};
use nvme_mi_core::mi::command::{ConfigurationGetRequest, ConfigurationGetResponse};
use nvme_mi_core::requester::{AeSettings, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind, Transport};
use serde_json::{json, Value};

use crate::cli::args::OutputFormat;
use crate::cli::error::{CliError, CliResult};
use crate::cli::Ctx;

/// How long `aem` waits for events without --timeout.
const DEFAULT_WAIT: Duration = Duration::from_secs(10);

fn occurrences(list: &AeOccurrenceList<'_>) -> Vec<Value> {
    list.occurrences()
        .map(|o| {
            json!({
                "aeoi": o.id.to_u8(),
                "name": o.id.name(),
                "scope": format!("{:?}", o.scope),
                "scope_id": o.scope_id,
                "specific": hex::encode(o.specific),
            })
        })
        .collect()
}

fn print(fmt: OutputFormat, what: &str, gen: Option<u8>, occ: &[Value]) {
    match fmt {
        OutputFormat::Json => {
            println!(
                "{}",
                json!({ "message": what, "generation": gen, "occurrences": occ })
            )
        }
        _ => {
            match gen {
                Some(g) => println!("{what} (generation {g}): {} occurrence(s)", occ.len()),
                None => println!("{what}: {} occurrence(s)", occ.len()),
            }
            for o in occ {
                println!(
                    "  {:#04x} {:<40} scope {} id {}",
                    o["aeoi"].as_u64().unwrap_or(0),
                    o["name"].as_str().unwrap_or(""),
                    o["scope"].as_str().unwrap_or(""),
                    o["scope_id"]
                );
            }
        }
    }
}

/// `aem`.
pub fn run(c: &mut Ctx, count: Option<u32>) -> CliResult {
    let fmt = c.fmt;
    c.ep.transport_mut().inner_mut().listen_events()?;
    let supported: Vec<AeConfigEntry> =
        match c.ep.mi_command(&ConfigurationGetRequest::AsyncEvent)? {
            ConfigurationGetResponse::AsyncEvent { supported_list, .. } => {
                AeConfigList::parse(supported_list)?.entries().collect()
            }
            _ => return Err(CliError::integrity("unexpected Configuration Get response")),
        };
    let enable: Vec<AeConfigEntry> = supported
        .iter()
        .map(|e| AeConfigEntry::new(e.id, true))
        .collect();
    let settings = AeSettings {
        retry_delay: 10,
        functions: (true, false, false),
        ..AeSettings::default()
    };
    let pending = c.ep.enable_events(settings, &enable)?;
    let first = occurrences(&pending);
    if fmt != OutputFormat::Json {
        println!("enabled {} asynchronous event(s)", enable.len());
    }
    print(fmt, "pending at enable", None, &first);
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
        print(fmt, "event", Some(gen), &occ);
        c.ep.ack_events()?;
    }
    if fmt != OutputFormat::Json {
        println!("{received} event message(s) received");
    }
    Ok(())
}
