//! Elapsed time of a long operation (Format NVM, Sanitize, Firmware Commit, Device Self-test:
//! the endpoint answers More Processing Required and the final response comes later) on
//! standard error, when it is a terminal.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressStyle};

use super::error::CliError;

/// Run `f`, showing `"<what>: 12s"` on a terminal until it returns.
pub fn wait<R, E>(what: &str, f: impl FnOnce() -> Result<R, E>) -> Result<R, CliError>
where
    CliError: From<E>,
{
    let spinner = std::io::stderr().is_terminal().then(|| {
        let s = ProgressBar::new_spinner();
        if let Ok(style) = ProgressStyle::with_template("{spinner} {msg}: {elapsed}") {
            s.set_style(style);
        }
        s.set_message(what.to_string());
        s.enable_steady_tick(Duration::from_millis(200));
        s
    });
    let r = f();
    if let Some(s) = spinner {
        s.finish_and_clear();
    }
    r.map_err(CliError::from)
}
