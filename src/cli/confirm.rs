//! Confirmation of destructive commands, as nvme-cli asks for it: on a terminal the user
//! types `yes`; without a terminal the command is refused unless `--force` is given, so a
//! script never erases a drive by accident.

use std::io::{BufRead, IsTerminal, Write};

use super::error::{CliError, CliResult};

/// Ask before doing `what` (e.g. "format namespace 0x1 of mctp:1,8"), unless `force`.
pub fn destructive(force: bool, what: &str) -> CliResult {
    if force {
        return Ok(());
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        return Err(CliError::usage(format!(
            "refusing to {what} without confirmation: standard input is not a terminal \
             (give --force to do it anyway)"
        )));
    }
    let mut err = std::io::stderr();
    let _ = write!(err, "nvme-mi: about to {what}. Type 'yes' to continue: ");
    let _ = err.flush();
    let mut answer = String::new();
    stdin.lock().read_line(&mut answer)?;
    match answer.trim() {
        "yes" | "y" | "YES" | "Y" => Ok(()),
        _ => Err(CliError::usage(format!("not confirmed: did not {what}"))),
    }
}
