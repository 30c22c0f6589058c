use core::fmt;
use core::time::Duration;

use crate::mctp::control::CompletionCode;
use crate::mi;
use crate::mi::admin::NvmeStatus;
use crate::mi::status::StatusInfo;

/// How a response failed to match the request it answers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Unexpected {
    /// The MCTP message type byte differs from the request's.
    MessageType {
        /// Type byte sent.
        expected: u8,
        /// Type byte received.
        received: u8,
    },
    /// The message is a request, not a response.
    NotAResponse,
    /// The NVMe-MI message type differs from the request's.
    Nmimt {
        /// NMIMT sent.
        expected: u8,
        /// NMIMT received.
        received: u8,
    },
    /// The command slot differs from the request's.
    CommandSlot,
    /// An MCTP control response with another command code or instance ID.
    ControlEcho,
    /// A control primitive response whose tag differs from the request's.
    PrimitiveTag,
}

impl fmt::Display for Unexpected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Unexpected::MessageType { expected, received } => {
                write!(
                    f,
                    "message type {received:#04x} where {expected:#04x} was sent"
                )
            }
            Unexpected::NotAResponse => {
                f.write_str("a request arrived where a response was expected")
            }
            Unexpected::Nmimt { expected, received } => {
                write!(
                    f,
                    "NVMe-MI message type {received} in answer to type {expected}"
                )
            }
            Unexpected::CommandSlot => f.write_str("response for the other command slot"),
            Unexpected::ControlEcho => {
                f.write_str("control response for another command or instance")
            }
            Unexpected::PrimitiveTag => f.write_str("control primitive response with another tag"),
        }
    }
}

/// Why a request to an endpoint failed.
///
/// Each failure is its own variant: a timeout, a corrupted response and a response for
/// another command are never confused with each other or with a command status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum RequestError<E> {
    /// The transport failed.
    Transport(E),
    /// No (final) response arrived in time.
    Timeout {
        /// Time from the first transmission to giving up.
        waited: Duration,
        /// The endpoint had answered More Processing Required.
        after_more_processing: bool,
        /// Transmissions made.
        attempts: u8,
    },
    /// The response's Message Integrity Check is wrong (after any retries).
    Integrity {
        /// CRC-32C computed over the received bytes.
        computed: u32,
        /// CRC-32C carried by the response.
        received: u32,
    },
    /// The response does not answer the request.
    Unexpected(Unexpected),
    /// The response could not be decoded.
    Malformed(mi::Error),
    /// The caller's buffer is too small for the request or the response.
    BufferTooSmall,
    /// The endpoint answered with an NVMe-MI Response Message Status other than Success
    /// (NVMe-MI 1.2 §4.1.2): data to inspect, e.g. Invalid Parameter with its location.
    Status(StatusInfo),
    /// The Admin command completed with an NVMe status other than success (NVMe Base
    /// §4.6.1): data to inspect, e.g. Invalid Field in Command.
    Nvme(NvmeStatus),
    /// An MCTP control request was answered with a completion code other than Success
    /// (DSP0236 §11.5).
    Control(CompletionCode),
    /// The caller asked for something the request cannot carry (e.g. a length that is not
    /// a multiple of 4, or data larger than one message).
    InvalidArgument,
    /// The endpoint's [`Quirks`](super::Quirks) say it does not take this request (command
    /// slot 1, firmware commands out of band): nothing was sent.
    NotSupported,
}

impl<E> RequestError<E> {
    /// Map the transport error.
    pub fn map_transport<F>(self, f: impl FnOnce(E) -> F) -> RequestError<F> {
        match self {
            RequestError::Transport(e) => RequestError::Transport(f(e)),
            RequestError::Timeout {
                waited,
                after_more_processing,
                attempts,
            } => RequestError::Timeout {
                waited,
                after_more_processing,
                attempts,
            },
            RequestError::Integrity { computed, received } => {
                RequestError::Integrity { computed, received }
            }
            RequestError::Unexpected(u) => RequestError::Unexpected(u),
            RequestError::Malformed(m) => RequestError::Malformed(m),
            RequestError::BufferTooSmall => RequestError::BufferTooSmall,
            RequestError::Status(s) => RequestError::Status(s),
            RequestError::Nvme(s) => RequestError::Nvme(s),
            RequestError::Control(c) => RequestError::Control(c),
            RequestError::InvalidArgument => RequestError::InvalidArgument,
            RequestError::NotSupported => RequestError::NotSupported,
        }
    }
}

impl<E> From<mi::Error> for RequestError<E> {
    fn from(e: mi::Error) -> Self {
        match e {
            mi::Error::IntegrityMismatch { computed, received } => {
                RequestError::Integrity { computed, received }
            }
            mi::Error::BufferTooSmall => RequestError::BufferTooSmall,
            other => RequestError::Malformed(other),
        }
    }
}

impl<E: fmt::Display> fmt::Display for RequestError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RequestError::Transport(e) => write!(f, "transport: {e}"),
            RequestError::Timeout { waited, after_more_processing, attempts } => {
                write!(f, "timed out after {} ms", waited.as_millis())?;
                if *after_more_processing {
                    f.write_str(" waiting for the final response after More Processing Required")?;
                }
                if *attempts > 1 {
                    write!(f, " ({attempts} attempts)")?;
                }
                Ok(())
            }
            RequestError::Integrity { computed, received } => write!(
                f,
                "response failed its integrity check (computed {computed:#010x}, received {received:#010x})"
            ),
            RequestError::Unexpected(u) => write!(f, "unexpected response: {u}"),
            RequestError::Malformed(e) => write!(f, "malformed response: {e}"),
            RequestError::BufferTooSmall => f.write_str("buffer too small"),
            RequestError::Status(StatusInfo::InvalidParameter(loc)) => {
                write!(f, "endpoint answered Invalid Parameter ({loc})")
            }
            RequestError::Status(s) => write!(f, "endpoint answered {}", s.status()),
            RequestError::Nvme(s) => write!(f, "command failed: {s}"),
            RequestError::Control(c) => write!(f, "MCTP control request failed: completion code {c:?}"),
            RequestError::InvalidArgument => f.write_str("invalid argument"),
            RequestError::NotSupported => {
                f.write_str("not supported by this endpoint (a quirk of the device)")
            }
        }
    }
}

impl<E: fmt::Debug + fmt::Display> core::error::Error for RequestError<E> {}
