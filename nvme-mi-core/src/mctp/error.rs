//! The error type of the MCTP packet layer: header decoding, tags and fragmentation.

use core::fmt;

use super::Eid;

/// Why an MCTP packet could not be decoded or a message could not be packetised
/// (DSP0236 §8.3).
///
/// Decoders are total: every byte string gives either a value or one of these.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// The bytes end before the 4-byte MCTP transport header does.
    Truncated,
    /// The header version (byte 0, bits 3:0) is not 1, the only version DSP0236 1.x defines.
    BadVersion(u8),
    /// The source EID is reserved (1..=7) or broadcast (0xFF): not a valid source (DSP0236).
    BadSourceEid(Eid),
    /// The destination EID is reserved (1..=7): not a valid destination (DSP0236).
    BadDestinationEid(Eid),
    /// The output buffer given to an encoder is too small.
    BufferTooSmall,
    /// A message tag above 7 (the tag field has 3 bits).
    InvalidTag(u8),
    /// A transmission unit outside the range the fragmenter accepts
    /// ([`BASELINE_TU`](super::BASELINE_TU)..=[`MAX_TU_SMBUS`](super::fragment::MAX_TU_SMBUS)).
    InvalidTransmissionUnit(usize),
    /// A message with no bytes at all: an MCTP message has at least its message type byte.
    EmptyMessage,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("MCTP packet shorter than its header"),
            Error::BadVersion(v) => write!(f, "unsupported MCTP header version {v}"),
            Error::BadSourceEid(e) => write!(f, "invalid MCTP source EID {e}"),
            Error::BadDestinationEid(e) => write!(f, "invalid MCTP destination EID {e}"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
            Error::InvalidTag(t) => write!(f, "MCTP message tag {t} out of range 0..=7"),
            Error::InvalidTransmissionUnit(tu) => {
                write!(f, "MCTP transmission unit {tu} out of range")
            }
            Error::EmptyMessage => f.write_str("empty MCTP message"),
        }
    }
}

impl core::error::Error for Error {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn display_names_the_value() {
        extern crate std;
        use std::string::ToString;
        assert!(Error::BadVersion(3).to_string().contains('3'));
        assert!(Error::BadSourceEid(Eid(255)).to_string().contains("255"));
        assert!(Error::InvalidTransmissionUnit(63)
            .to_string()
            .contains("63"));
    }
}
