//! What went wrong, in words, and the exit code that tells it to scripts.

use std::fmt;

use nvme_mi_core::mi::status::{ParameterErrorLocation, StatusInfo};
use nvme_mi_core::requester::RequestError;
use nvme_mi_core::transport::ErrorKind;

/// The exit codes, as documented in `nvme-mi --help`.
pub const EXIT_CODES_HELP: &str = "\
Exit status:
  0  success
  1  usage error, bad argument, refused confirmation or unreadable file
  2  transport error: the endpoint is unreachable or the bus/socket failed
  3  timeout: no (final) response in time
  4  integrity check failed (PEC, CRC-32C MIC) or malformed/unexpected response
  5  the endpoint answered with an NVMe-MI status other than Success
  6  the Admin command completed with an NVMe status other than Successful Completion";

/// A failed command, with its exit code.
#[derive(Debug)]
pub struct CliError {
    /// Exit code (see [`EXIT_CODES_HELP`]).
    pub code: u8,
    /// What happened, in words.
    pub message: String,
    /// The field an Invalid Parameter response named, for [`super::explain`].
    pub location: Option<ParameterErrorLocation>,
    /// Standard output was closed by its reader (`| head`): the command ends quietly.
    broken_pipe: bool,
}

impl CliError {
    fn new(code: u8, message: impl Into<String>) -> Self {
        CliError {
            code,
            message: message.into(),
            location: None,
            broken_pipe: false,
        }
    }

    /// Whether this is a write to a closed pipe.
    pub fn is_broken_pipe(&self) -> bool {
        self.broken_pipe
    }

    /// A usage or local error (exit code 1).
    pub fn usage(message: impl Into<String>) -> Self {
        CliError::new(1, message)
    }

    /// A transport error (exit code 2).
    pub fn transport(message: impl Into<String>) -> Self {
        CliError::new(2, message)
    }

    /// A timeout (exit code 3).
    pub fn timeout(message: impl Into<String>) -> Self {
        CliError::new(3, message)
    }

    /// An integrity or decoding failure (exit code 4).
    pub fn integrity(message: impl Into<String>) -> Self {
        CliError::new(4, message)
    }

    /// The same error with `message` in place of the endpoint's words.
    pub fn explained(mut self, message: String) -> Self {
        self.message = message;
        self.location = None;
        self
    }

    /// Prefix the message with what was being done.
    pub fn context(mut self, what: &str) -> Self {
        self.message = format!("{what}: {}", self.message);
        self
    }
}

impl fmt::Display for CliError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl<E: nvme_mi_core::transport::Error> From<RequestError<E>> for CliError {
    fn from(e: RequestError<E>) -> Self {
        let code = match &e {
            RequestError::Transport(t) if t.kind() == ErrorKind::Timeout => 3,
            RequestError::Transport(_) => 2,
            RequestError::Timeout { .. } => 3,
            RequestError::Integrity { .. }
            | RequestError::Unexpected(_)
            | RequestError::Malformed(_)
            | RequestError::BufferTooSmall => 4,
            RequestError::Status(_) => 5,
            RequestError::Nvme(_) => 6,
            _ => 1,
        };
        let location = match &e {
            RequestError::Status(StatusInfo::InvalidParameter(l)) => Some(*l),
            _ => None,
        };
        CliError {
            location,
            ..CliError::new(code, e.to_string())
        }
    }
}

impl From<std::io::Error> for CliError {
    fn from(e: std::io::Error) -> Self {
        CliError {
            broken_pipe: e.kind() == std::io::ErrorKind::BrokenPipe,
            ..CliError::usage(e.to_string())
        }
    }
}

impl From<nvme_mi_core::mi::Error> for CliError {
    fn from(e: nvme_mi_core::mi::Error) -> Self {
        CliError::integrity(format!("malformed data: {e}"))
    }
}

/// The result of a command.
pub type CliResult<T = ()> = Result<T, CliError>;
