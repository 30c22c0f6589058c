//! `discover`: NVMe-MI endpoints known to mctpd, over D-Bus.

use crate::cli::args::OutputFormat;
use crate::cli::error::{CliError, CliResult};

/// `discover`.
pub fn run(_session: bool, _fmt: OutputFormat) -> CliResult {
    Err(CliError::transport(
        "mctpd discovery over D-Bus is not part of this build yet; name the endpoint as mctp:<net>,<eid>",
    ))
}
