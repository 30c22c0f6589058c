//! The error type of the MCTP control message codecs.

use core::fmt;

use super::CommandCode;

/// Why an MCTP control message could not be decoded or encoded (DSP0236 §12).
///
/// Decoders are total: every byte string gives either a value or one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The message ends before a field the command requires.
    Truncated,
    /// The message type byte is not 0x00 (control, IC = 0); carries the byte received.
    NotControl(u8),
    /// A request was expected but the Rq bit is clear.
    NotARequest,
    /// A response was expected but the Rq bit is set.
    NotAResponse,
    /// The response answers another command than the one expected.
    CommandMismatch {
        /// The command that was sent.
        expected: CommandCode,
        /// The command code of the response.
        received: CommandCode,
    },
    /// An instance ID above 31 (the field has 5 bits) given to an encoder.
    InvalidInstanceId(u8),
    /// A list that does not fit its 8-bit count, or whose byte length is not a whole number
    /// of entries, given to an encoder.
    InvalidLength,
    /// The output buffer given to an encoder is too small.
    BufferTooSmall,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("MCTP control message truncated"),
            Error::NotControl(b) => write!(f, "message type byte {b:#04x} is not MCTP control"),
            Error::NotARequest => f.write_str("MCTP control message is not a request"),
            Error::NotAResponse => f.write_str("MCTP control message is not a response"),
            Error::CommandMismatch { expected, received } => write!(
                f,
                "MCTP control response to command {:#04x}, expected {:#04x}",
                received.to_u8(),
                expected.to_u8()
            ),
            Error::InvalidInstanceId(i) => write!(f, "MCTP control instance ID {i} above 31"),
            Error::InvalidLength => f.write_str("list length out of range"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for Error {}
