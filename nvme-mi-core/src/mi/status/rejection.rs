//! An error status a responder answers a request with (NVMe-MI 1.2 §4.1.2, Figures 26–28).

use core::fmt;

use super::{
    ParameterErrorLocation, ResponseHeader, ResponseStatus, StatusInfo, RESPONSE_HEADER_LEN,
};
use crate::mi::header::MessageHeader;
use crate::mi::integrity::MIC_LEN;
use crate::mi::Result;

/// Why a responder must answer a request with an error status instead of executing it
/// (NVMe-MI 1.2 §4.1.2, Figures 26–28).
///
/// Every request decoder on the responder side returns this as its error; the responder then
/// sends [`Rejection::emit_response`] back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Rejection {
    /// Internal Error (0x02).
    InternalError,
    /// Invalid Command Opcode (0x03): a reserved or unimplemented opcode.
    InvalidCommandOpcode,
    /// Invalid Parameter (0x04): a reserved or unsupported value in the field at this location.
    InvalidParameter(ParameterErrorLocation),
    /// Invalid Command Size (0x05): the message is too short or too long for the command, for
    /// a reason other than the amount of request data.
    InvalidCommandSize,
    /// Invalid Command Input Data Size (0x06): request data missing, too much, or present
    /// where the command takes none.
    InvalidCommandInputDataSize,
    /// Access Denied (0x07).
    AccessDenied,
    /// Any other status answered with the generic error format (bytes 7:5 reserved).
    Other(ResponseStatus),
}

impl Rejection {
    /// The rejection for the field whose lowest bit is `low_bit` of the dword at message
    /// offset `dword_offset` (see [`ParameterErrorLocation::in_dword`]).
    pub const fn invalid_field(dword_offset: u16, low_bit: u8) -> Self {
        Rejection::InvalidParameter(ParameterErrorLocation::in_dword(dword_offset, low_bit))
    }

    /// The response status this rejection is answered with.
    pub const fn status(&self) -> ResponseStatus {
        match self {
            Rejection::InternalError => ResponseStatus::InternalError,
            Rejection::InvalidCommandOpcode => ResponseStatus::InvalidCommandOpcode,
            Rejection::InvalidParameter(_) => ResponseStatus::InvalidParameter,
            Rejection::InvalidCommandSize => ResponseStatus::InvalidCommandSize,
            Rejection::InvalidCommandInputDataSize => ResponseStatus::InvalidCommandInputDataSize,
            Rejection::AccessDenied => ResponseStatus::AccessDenied,
            Rejection::Other(s) => *s,
        }
    }

    /// The three status-specific bytes (response bytes 7:5).
    pub const fn status_bytes(&self) -> [u8; 3] {
        match self {
            Rejection::InvalidParameter(l) => l.to_bytes(),
            _ => [0; 3],
        }
    }

    /// The status and its specific bytes.
    pub const fn status_info(&self) -> StatusInfo {
        match self {
            Rejection::InvalidParameter(l) => StatusInfo::InvalidParameter(*l),
            other => StatusInfo::Other(other.status()),
        }
    }

    /// Length of the error response message.
    pub const fn buffer_len(&self) -> usize {
        RESPONSE_HEADER_LEN + MIC_LEN
    }

    /// Write the complete error response to the request whose header is `request` into `out`:
    /// header with ROR set and the request's NMIMT and CSI, status, bytes 7:5, integrity check.
    /// Returns the message length (12).
    ///
    /// ```
    /// use nvme_mi_core::mi::status::Rejection;
    /// use nvme_mi_core::mi::{Csi, MessageHeader, Nmimt};
    /// let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
    /// let mut out = [0u8; 12];
    /// let n = Rejection::InvalidCommandSize.emit_response(&req, &mut out).unwrap();
    /// assert_eq!(&out[..n], &[0x84, 0x88, 0, 0, 0x05, 0, 0, 0, 0x6f, 0xce, 0x10, 0x84]);
    /// ```
    pub fn emit_response(&self, request: &MessageHeader, out: &mut [u8]) -> Result<usize> {
        ResponseHeader::answering(request, self.status_info()).emit_message(&[], out)
    }
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Rejection::InvalidParameter(l) => write!(f, "Invalid Parameter at {l}"),
            other => write!(f, "{}", other.status()),
        }
    }
}

impl core::error::Error for Rejection {}

impl From<Rejection> for StatusInfo {
    fn from(r: Rejection) -> Self {
        r.status_info()
    }
}
