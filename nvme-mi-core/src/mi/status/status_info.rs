//! The status byte with its three status-specific bytes, decoded by format (NVMe-MI 1.2
//! §4.1.2, Figures 27–29).

use super::{Mprt, ParameterErrorLocation, ResponseStatus};

/// The status byte and the three status-specific bytes of a response, decoded by format
/// (NVMe-MI 1.2 §4.1.2, Figures 27–29).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum StatusInfo {
    /// Success; bytes 7:5 are the command-specific NVMe Management Response (NMRESP), byte 5
    /// first.
    Success([u8; 3]),
    /// More Processing Required, with the time to wait.
    MoreProcessingRequired(Mprt),
    /// Invalid Parameter, with the location of the offending field.
    InvalidParameter(ParameterErrorLocation),
    /// Any other status: the generic error format, bytes 7:5 reserved.
    ///
    /// Never holds `Success`, `MoreProcessingRequired` or `InvalidParameter` when produced by
    /// [`StatusInfo::from_parts`].
    Other(ResponseStatus),
}

impl StatusInfo {
    /// Decode the status and bytes 7:5.
    pub const fn from_parts(status: ResponseStatus, bytes: [u8; 3]) -> Self {
        match status {
            ResponseStatus::Success => StatusInfo::Success(bytes),
            ResponseStatus::MoreProcessingRequired => {
                StatusInfo::MoreProcessingRequired(Mprt::from_bytes(bytes))
            }
            ResponseStatus::InvalidParameter => {
                StatusInfo::InvalidParameter(ParameterErrorLocation::from_bytes(bytes))
            }
            other => StatusInfo::Other(other),
        }
    }

    /// The status.
    pub const fn status(&self) -> ResponseStatus {
        match self {
            StatusInfo::Success(_) => ResponseStatus::Success,
            StatusInfo::MoreProcessingRequired(_) => ResponseStatus::MoreProcessingRequired,
            StatusInfo::InvalidParameter(_) => ResponseStatus::InvalidParameter,
            StatusInfo::Other(s) => *s,
        }
    }

    /// Bytes 7:5 (zero where reserved).
    pub const fn status_bytes(&self) -> [u8; 3] {
        match self {
            StatusInfo::Success(b) => *b,
            StatusInfo::MoreProcessingRequired(m) => m.to_bytes(),
            StatusInfo::InvalidParameter(l) => l.to_bytes(),
            StatusInfo::Other(_) => [0; 3],
        }
    }

    /// Bytes 7:4: the status byte followed by the status-specific bytes.
    pub const fn to_bytes(&self) -> [u8; 4] {
        let b = self.status_bytes();
        [self.status().to_u8(), b[0], b[1], b[2]]
    }

    /// The time to wait for the final response if the status is More Processing Required
    /// (NVMe-MI 1.2 §4.1.2, Figure 29), `None` for any other status.
    pub const fn more_processing_required(&self) -> Option<Mprt> {
        match self {
            StatusInfo::MoreProcessingRequired(m) => Some(*m),
            _ => None,
        }
    }

    /// The 24-bit NMRESP of a success response, `None` for any other status.
    pub const fn nmresp(&self) -> Option<u32> {
        match self {
            StatusInfo::Success(b) => Some(u32::from_le_bytes([b[0], b[1], b[2], 0])),
            _ => None,
        }
    }
}
