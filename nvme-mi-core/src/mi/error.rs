use core::fmt;

/// Why an NVMe-MI message could not be decoded or encoded.
///
/// Decoders are total: every byte string gives either a value or one of these. An integrity
/// failure is its own variant and is never reported as a command status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The bytes end before the fixed part of the message or structure does.
    Truncated,
    /// The bytes are longer than the message or structure allows.
    TooLong,
    /// The output buffer given to an encoder is too small.
    BufferTooSmall,
    /// The first byte is not NVMe-MI with the integrity check (`0x84`).
    WrongMessageType(u8),
    /// The Message Integrity Check does not match the message (NVMe-MI 1.2 §3.1.1.1).
    IntegrityMismatch {
        /// The CRC-32C computed over the received bytes.
        computed: u32,
        /// The value carried in the message.
        received: u32,
    },
    /// A request where a response was expected, or the reverse (the ROR bit).
    WrongDirection,
    /// The NVMe-MI message type (NMIMT) is not the one this decoder handles.
    WrongNmimt(u8),
    /// A length field disagrees with the number of bytes present, or with another field.
    InconsistentLength,
    /// A length or offset that must be a multiple of 4 is not.
    Misaligned,
    /// A field holds a value the message cannot carry (e.g. an encoder asked to emit a
    /// value wider than its field).
    InvalidField,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("message truncated"),
            Error::TooLong => f.write_str("message too long"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
            Error::WrongMessageType(b) => write!(f, "not an NVMe-MI message (type byte {b:#04x})"),
            Error::IntegrityMismatch { computed, received } => write!(
                f,
                "message integrity check mismatch (computed {computed:#010x}, received {received:#010x})"
            ),
            Error::WrongDirection => f.write_str("request/response direction mismatch"),
            Error::WrongNmimt(t) => write!(f, "unexpected NVMe-MI message type {t}"),
            Error::InconsistentLength => f.write_str("length field inconsistent with message"),
            Error::Misaligned => f.write_str("length or offset not a multiple of 4"),
            Error::InvalidField => f.write_str("field value out of range"),
        }
    }
}

impl core::error::Error for Error {}
