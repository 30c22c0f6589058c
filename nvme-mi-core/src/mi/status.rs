//! The NVMe-MI Response Message Status and the status-specific bytes of a response
//! (NVMe-MI 1.2 §4.1.2, Figures 26–29; digest D.5, D.6).
//!
//! Every NVMe-MI response except an Asynchronous Event Message starts the same way:
//!
//! ```text
//! bytes 3:0  NVMe-MI message header (ROR = 1)
//! byte  4    Status
//! bytes 7:5  status specific: NMRESP on success, MPRT for More Processing Required,
//!            the parameter error location for Invalid Parameter, reserved otherwise
//! ```
//!
//! This module decodes that common part ([`ResponseHeader`], [`StatusInfo`]) for the requester
//! and gives the responder a single type, [`Rejection`], for "this request must be answered
//! with an error status", together with the encoder of the complete error response.

use core::fmt;

use super::header::{emit_message, Message, MessageHeader, HEADER_LEN};
use super::{Error, Nmimt, Result, Ror};

/// Length of the common response prefix: the message header, the status byte and the three
/// status-specific bytes.
pub const RESPONSE_HEADER_LEN: usize = HEADER_LEN + 4;

/// The Response Message Status (NVMe-MI 1.2 §4.1.2, Figure 26; digest D.5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ResponseStatus {
    /// Success (0x00).
    Success,
    /// More Processing Required (0x01): the real response follows later (digest D.6).
    MoreProcessingRequired,
    /// Internal Error (0x02).
    InternalError,
    /// Invalid Command Opcode (0x03): reserved or unimplemented opcode.
    InvalidCommandOpcode,
    /// Invalid Parameter (0x04): reserved or unsupported value in a defined field.
    InvalidParameter,
    /// Invalid Command Size (0x05): the message size is wrong for a reason other than the
    /// amount of request data.
    InvalidCommandSize,
    /// Invalid Command Input Data Size (0x06): too much or too little request data.
    InvalidCommandInputDataSize,
    /// Access Denied (0x07).
    AccessDenied,
    /// Unable to Abort (0x08, NVMe-MI 2.x; reserved in 1.2).
    UnableToAbort,
    /// VPD Updates Exceeded (0x20).
    VpdUpdatesExceeded,
    /// PCIe Inaccessible (0x21).
    PcieInaccessible,
    /// Management Endpoint Buffer Cleared Due to Sanitize (0x22).
    MebClearedDueToSanitize,
    /// Enclosure Services Failure (0x23).
    EnclosureServicesFailure,
    /// Enclosure Services Transfer Failure (0x24).
    EnclosureServicesTransferFailure,
    /// Enclosure Failure (0x25).
    EnclosureFailure,
    /// Enclosure Services Transfer Refused (0x26).
    EnclosureServicesTransferRefused,
    /// Unsupported Enclosure Function (0x27).
    UnsupportedEnclosureFunction,
    /// Enclosure Services Unavailable (0x28).
    EnclosureServicesUnavailable,
    /// Enclosure Degraded (0x29).
    EnclosureDegraded,
    /// Sanitize In Progress (0x2A).
    SanitizeInProgress,
    /// A vendor specific status (0xE0..=0xFF).
    VendorSpecific(u8),
    /// A reserved value (0x09..=0x1F, 0x2B..=0xDF), kept as received.
    Reserved(u8),
}

impl ResponseStatus {
    /// Decode the status byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x00 => ResponseStatus::Success,
            0x01 => ResponseStatus::MoreProcessingRequired,
            0x02 => ResponseStatus::InternalError,
            0x03 => ResponseStatus::InvalidCommandOpcode,
            0x04 => ResponseStatus::InvalidParameter,
            0x05 => ResponseStatus::InvalidCommandSize,
            0x06 => ResponseStatus::InvalidCommandInputDataSize,
            0x07 => ResponseStatus::AccessDenied,
            0x08 => ResponseStatus::UnableToAbort,
            0x20 => ResponseStatus::VpdUpdatesExceeded,
            0x21 => ResponseStatus::PcieInaccessible,
            0x22 => ResponseStatus::MebClearedDueToSanitize,
            0x23 => ResponseStatus::EnclosureServicesFailure,
            0x24 => ResponseStatus::EnclosureServicesTransferFailure,
            0x25 => ResponseStatus::EnclosureFailure,
            0x26 => ResponseStatus::EnclosureServicesTransferRefused,
            0x27 => ResponseStatus::UnsupportedEnclosureFunction,
            0x28 => ResponseStatus::EnclosureServicesUnavailable,
            0x29 => ResponseStatus::EnclosureDegraded,
            0x2a => ResponseStatus::SanitizeInProgress,
            0xe0..=0xff => ResponseStatus::VendorSpecific(v),
            other => ResponseStatus::Reserved(other),
        }
    }

    /// The status byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ResponseStatus::Success => 0x00,
            ResponseStatus::MoreProcessingRequired => 0x01,
            ResponseStatus::InternalError => 0x02,
            ResponseStatus::InvalidCommandOpcode => 0x03,
            ResponseStatus::InvalidParameter => 0x04,
            ResponseStatus::InvalidCommandSize => 0x05,
            ResponseStatus::InvalidCommandInputDataSize => 0x06,
            ResponseStatus::AccessDenied => 0x07,
            ResponseStatus::UnableToAbort => 0x08,
            ResponseStatus::VpdUpdatesExceeded => 0x20,
            ResponseStatus::PcieInaccessible => 0x21,
            ResponseStatus::MebClearedDueToSanitize => 0x22,
            ResponseStatus::EnclosureServicesFailure => 0x23,
            ResponseStatus::EnclosureServicesTransferFailure => 0x24,
            ResponseStatus::EnclosureFailure => 0x25,
            ResponseStatus::EnclosureServicesTransferRefused => 0x26,
            ResponseStatus::UnsupportedEnclosureFunction => 0x27,
            ResponseStatus::EnclosureServicesUnavailable => 0x28,
            ResponseStatus::EnclosureDegraded => 0x29,
            ResponseStatus::SanitizeInProgress => 0x2a,
            ResponseStatus::VendorSpecific(v) | ResponseStatus::Reserved(v) => v,
        }
    }

    /// True for [`ResponseStatus::Success`].
    pub const fn is_success(self) -> bool {
        matches!(self, ResponseStatus::Success)
    }

    /// The spec's name of the status.
    pub const fn name(self) -> &'static str {
        match self {
            ResponseStatus::Success => "Success",
            ResponseStatus::MoreProcessingRequired => "More Processing Required",
            ResponseStatus::InternalError => "Internal Error",
            ResponseStatus::InvalidCommandOpcode => "Invalid Command Opcode",
            ResponseStatus::InvalidParameter => "Invalid Parameter",
            ResponseStatus::InvalidCommandSize => "Invalid Command Size",
            ResponseStatus::InvalidCommandInputDataSize => "Invalid Command Input Data Size",
            ResponseStatus::AccessDenied => "Access Denied",
            ResponseStatus::UnableToAbort => "Unable to Abort",
            ResponseStatus::VpdUpdatesExceeded => "VPD Updates Exceeded",
            ResponseStatus::PcieInaccessible => "PCIe Inaccessible",
            ResponseStatus::MebClearedDueToSanitize => {
                "Management Endpoint Buffer Cleared Due to Sanitize"
            }
            ResponseStatus::EnclosureServicesFailure => "Enclosure Services Failure",
            ResponseStatus::EnclosureServicesTransferFailure => {
                "Enclosure Services Transfer Failure"
            }
            ResponseStatus::EnclosureFailure => "Enclosure Failure",
            ResponseStatus::EnclosureServicesTransferRefused => {
                "Enclosure Services Transfer Refused"
            }
            ResponseStatus::UnsupportedEnclosureFunction => "Unsupported Enclosure Function",
            ResponseStatus::EnclosureServicesUnavailable => "Enclosure Services Unavailable",
            ResponseStatus::EnclosureDegraded => "Enclosure Degraded",
            ResponseStatus::SanitizeInProgress => "Sanitize In Progress",
            ResponseStatus::VendorSpecific(_) => "Vendor Specific",
            ResponseStatus::Reserved(_) => "Reserved",
        }
    }
}

impl From<u8> for ResponseStatus {
    fn from(v: u8) -> Self {
        ResponseStatus::from_u8(v)
    }
}

impl From<ResponseStatus> for u8 {
    fn from(s: ResponseStatus) -> u8 {
        s.to_u8()
    }
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseStatus::VendorSpecific(v) | ResponseStatus::Reserved(v) => {
                write!(f, "{} ({v:#04x})", self.name())
            }
            _ => f.write_str(self.name()),
        }
    }
}

/// Where the offending field of a request is, as reported by an Invalid Parameter response
/// (NVMe-MI 1.2 §4.1.2, Figure 28; digest D.5).
///
/// `byte` is the offset of the least-significant byte of the field counted from message byte 0
/// (the `0x84` type byte), so NMD0 is bytes 11:8 and a bad DTYP (NMD0 bits 31:24) is byte 11,
/// bit 0. The digest marks this origin UNVERIFIED; it matches the spec's figure numbering.
/// `bit` is the lowest bit number of the field within that byte (0..=7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ParameterErrorLocation {
    /// PEL-byte: offset of the field's least-significant byte; 65535 if beyond that.
    pub byte: u16,
    /// PEL-bit: lowest bit of the field within that byte, 0..=7.
    pub bit: u8,
}

impl ParameterErrorLocation {
    /// PEL-byte value for a field at or beyond offset 65535.
    pub const BEYOND: u16 = 0xffff;

    /// A location at `byte`, bit `bit` (only bits 2:0 of `bit` are kept on the wire).
    pub const fn new(byte: u16, bit: u8) -> Self {
        ParameterErrorLocation { byte, bit }
    }

    /// The location of a field whose lowest bit is bit `low_bit` (0..=31) of the little-endian
    /// dword starting at message offset `dword_offset`.
    ///
    /// ```
    /// use nvme_mi_core::mi::status::ParameterErrorLocation;
    /// // DTYP: NMD0 (message bytes 11:8) bits 31:24.
    /// assert_eq!(ParameterErrorLocation::in_dword(8, 24), ParameterErrorLocation::new(11, 0));
    /// ```
    pub const fn in_dword(dword_offset: u16, low_bit: u8) -> Self {
        let low_bit = low_bit & 31;
        ParameterErrorLocation {
            byte: dword_offset.saturating_add((low_bit / 8) as u16),
            bit: low_bit % 8,
        }
    }

    /// The three status-specific bytes (response bytes 7:5) of an Invalid Parameter response.
    pub const fn to_bytes(self) -> [u8; 3] {
        let b = self.byte.to_le_bytes();
        [self.bit & 0x07, b[0], b[1]]
    }

    /// Decode response bytes 7:5 (reserved bits 7:3 of the first byte are ignored).
    pub const fn from_bytes(b: [u8; 3]) -> Self {
        ParameterErrorLocation {
            byte: u16::from_le_bytes([b[1], b[2]]),
            bit: b[0] & 0x07,
        }
    }
}

impl fmt::Display for ParameterErrorLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}, bit {}", self.byte, self.bit)
    }
}

/// More Processing Required Time, MPRT: the worst-case time until the real response, in
/// units of 100 ms (NVMe-MI 1.2 §4.1.2, Figure 29; digest D.6).
///
/// The meaning of 0 is UNVERIFIED in the digest; callers should then fall back to their own
/// timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Mprt(pub u16);

impl Mprt {
    /// The time in milliseconds (at most 6 553 500).
    pub const fn as_millis(self) -> u32 {
        self.0 as u32 * 100
    }

    /// The smallest MPRT covering `ms` milliseconds (rounded up, saturating at 0xFFFF).
    pub const fn from_millis(ms: u32) -> Self {
        let units = ms.div_ceil(100);
        if units > u16::MAX as u32 {
            Mprt(u16::MAX)
        } else {
            Mprt(units as u16)
        }
    }

    /// Response bytes 7:5 of an MPR response.
    pub const fn to_bytes(self) -> [u8; 3] {
        let b = self.0.to_le_bytes();
        [0, b[0], b[1]]
    }

    /// Decode response bytes 7:5 (byte 5 is reserved).
    pub const fn from_bytes(b: [u8; 3]) -> Self {
        Mprt(u16::from_le_bytes([b[1], b[2]]))
    }
}

/// The status byte and the three status-specific bytes of a response, decoded by format
/// (NVMe-MI 1.2 §4.1.2, Figures 27–29; digest D.5).
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

    /// The 24-bit NMRESP of a success response, `None` for any other status.
    pub const fn nmresp(&self) -> Option<u32> {
        match self {
            StatusInfo::Success(b) => Some(u32::from_le_bytes([b[0], b[1], b[2], 0])),
            _ => None,
        }
    }
}

impl From<Rejection> for StatusInfo {
    fn from(r: Rejection) -> Self {
        r.status_info()
    }
}

/// The common first eight bytes of an NVMe-MI Command, Admin Command or Control Primitive
/// response: header, status and status-specific bytes (NVMe-MI 1.2 §4.1.2, Figure 26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResponseHeader {
    /// The message header (ROR = response).
    pub header: MessageHeader,
    /// The status and its specific bytes.
    pub info: StatusInfo,
}

impl ResponseHeader {
    /// A response header answering the request header `request`: same NMIMT and CSI, ROR set,
    /// MEB and CIAP clear.
    pub const fn answering(request: &MessageHeader, info: StatusInfo) -> Self {
        ResponseHeader {
            header: MessageHeader {
                nmimt: request.nmimt,
                ror: Ror::Response,
                csi: request.csi,
                meb: false,
                ciap: false,
            },
            info,
        }
    }

    /// Parse the first eight bytes of a checked message. Bytes after them (command-specific
    /// response data, or the padding of an Admin MPR response) are not examined.
    ///
    /// Errors: [`Error::WrongDirection`] if ROR is clear, [`Error::Truncated`] if the body is
    /// shorter than four bytes.
    pub fn parse<T: AsRef<[u8]>>(msg: &Message<T>) -> Result<Self> {
        let header = MessageHeader::parse(msg);
        if header.ror != Ror::Response {
            return Err(Error::WrongDirection);
        }
        match msg.body() {
            [s, a, b, c, ..] => Ok(ResponseHeader {
                header,
                info: StatusInfo::from_parts(ResponseStatus::from_u8(*s), [*a, *b, *c]),
            }),
            _ => Err(Error::Truncated),
        }
    }

    /// Like [`ResponseHeader::parse`], and also check that the message type is `nmimt`
    /// ([`Error::WrongNmimt`] otherwise).
    pub fn parse_as<T: AsRef<[u8]>>(msg: &Message<T>, nmimt: Nmimt) -> Result<Self> {
        let h = Self::parse(msg)?;
        if h.header.nmimt != nmimt {
            return Err(Error::WrongNmimt(h.header.nmimt.to_u8()));
        }
        Ok(h)
    }

    /// The status.
    pub const fn status(&self) -> ResponseStatus {
        self.info.status()
    }

    /// The eight bytes, starting with the type byte.
    pub const fn to_bytes(&self) -> [u8; RESPONSE_HEADER_LEN] {
        let h = self.header.to_bytes();
        let s = self.info.to_bytes();
        [h[0], h[1], h[2], h[3], s[0], s[1], s[2], s[3]]
    }

    /// Length of this header alone as a complete message (with the integrity check).
    pub const fn buffer_len(&self) -> usize {
        RESPONSE_HEADER_LEN + super::integrity::MIC_LEN
    }

    /// Write a complete message consisting of this header, `data` (the response data, empty
    /// for none) and the integrity check into `out`; returns its length.
    ///
    /// Responses with more pieces (Admin: completion dwords, then data) call
    /// [`emit_message`] with `self.header` and [`StatusInfo::to_bytes`] as the first piece.
    pub fn emit_message(&self, data: &[u8], out: &mut [u8]) -> Result<usize> {
        emit_message(&self.header, &[&self.info.to_bytes(), data], out)
    }
}

/// Why a responder must answer a request with an error status instead of executing it
/// (NVMe-MI 1.2 §4.1.2, Figures 26–28; digest D.5).
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
        RESPONSE_HEADER_LEN + super::integrity::MIC_LEN
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::Csi;

    #[test]
    fn status_byte_round_trip() {
        for v in 0..=255u8 {
            let s = ResponseStatus::from_u8(v);
            assert_eq!(s.to_u8(), v);
            match v {
                0x09..=0x1f | 0x2b..=0xdf => assert_eq!(s, ResponseStatus::Reserved(v)),
                0xe0..=0xff => assert_eq!(s, ResponseStatus::VendorSpecific(v)),
                _ => assert!(!matches!(
                    s,
                    ResponseStatus::Reserved(_) | ResponseStatus::VendorSpecific(_)
                )),
            }
        }
        assert_eq!(
            ResponseStatus::from_u8(0x2a),
            ResponseStatus::SanitizeInProgress
        );
        assert_eq!(ResponseStatus::from_u8(0x22).to_u8(), 0x22);
    }

    #[test]
    fn display_names() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(
            ResponseStatus::InvalidCommandInputDataSize.to_string(),
            "Invalid Command Input Data Size"
        );
        assert_eq!(
            ResponseStatus::VendorSpecific(0xe5).to_string(),
            "Vendor Specific (0xe5)"
        );
        assert_eq!(
            Rejection::invalid_field(8, 24).to_string(),
            "Invalid Parameter at byte 11, bit 0"
        );
    }

    #[test]
    fn parameter_error_location_bytes() {
        let l = ParameterErrorLocation::new(0x1234, 5);
        assert_eq!(l.to_bytes(), [5, 0x34, 0x12]);
        assert_eq!(ParameterErrorLocation::from_bytes([0xfd, 0x34, 0x12]), l);
        assert_eq!(
            ParameterErrorLocation::in_dword(12, 31),
            ParameterErrorLocation::new(15, 7)
        );
        assert_eq!(
            ParameterErrorLocation::in_dword(0xffff, 31).byte,
            ParameterErrorLocation::BEYOND
        );
    }

    #[test]
    fn mprt_units() {
        assert_eq!(Mprt(0x32).as_millis(), 5000);
        assert_eq!(Mprt(0xffff).as_millis(), 6_553_500);
        assert_eq!(Mprt::from_millis(5000), Mprt(50));
        assert_eq!(Mprt::from_millis(5001), Mprt(51));
        assert_eq!(Mprt::from_millis(u32::MAX), Mprt(0xffff));
    }

    fn hex(s: &str) -> heapless::Vec<u8, 64> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn vector_invalid_parameter() {
        let v = hex("84 88 00 00 04 00 00 00 d7 64 55 59");
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let mut out = [0u8; 16];
        let r = Rejection::InvalidParameter(ParameterErrorLocation::new(0, 0));
        let n = r.emit_response(&req, &mut out).unwrap();
        assert_eq!(&out[..n], &v[..]);
        let m = Message::new_checked(&v[..]).unwrap();
        m.check_mic().unwrap();
        let h = ResponseHeader::parse_as(&m, Nmimt::MiCommand).unwrap();
        assert_eq!(h.info, r.status_info());
        assert_eq!(h.header.csi, Csi::Slot0);
    }

    #[test]
    fn vector_invalid_command_size() {
        let v = hex("84 88 00 00 05 00 00 00 6f ce 10 84");
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let mut out = [0u8; 12];
        let n = Rejection::InvalidCommandSize
            .emit_response(&req, &mut out)
            .unwrap();
        assert_eq!(&out[..n], &v[..]);
        let h = ResponseHeader::parse(&Message::new_checked(&v[..]).unwrap()).unwrap();
        assert_eq!(
            h.info,
            StatusInfo::Other(ResponseStatus::InvalidCommandSize)
        );
    }

    #[test]
    fn vector_admin_mpr() {
        let v = hex("84 90 00 00 01 00 32 00 04 da 4f 4a");
        let req = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0);
        let h = ResponseHeader::answering(&req, StatusInfo::MoreProcessingRequired(Mprt(0x32)));
        let mut out = [0u8; 12];
        let n = h.emit_message(&[], &mut out).unwrap();
        assert_eq!(&out[..n], &v[..]);
        assert_eq!(n, h.buffer_len());
        let p = ResponseHeader::parse(&Message::new_checked(&v[..]).unwrap()).unwrap();
        assert_eq!(p, h);
        assert_eq!(
            ResponseHeader::parse_as(&Message::new_checked(&v[..]).unwrap(), Nmimt::MiCommand),
            Err(Error::WrongNmimt(2))
        );
        // Padded to the 20-byte Admin response header size: still an MPR.
        let mut padded = [0u8; 24];
        let n = h.emit_message(&[0; 12], &mut padded).unwrap();
        let p = ResponseHeader::parse(&Message::new_checked(&padded[..n]).unwrap()).unwrap();
        assert_eq!(p.info, StatusInfo::MoreProcessingRequired(Mprt(50)));
    }

    #[test]
    fn parse_rejects() {
        let req = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00 d2 d4 77 36");
        assert_eq!(
            ResponseHeader::parse(&Message::new_checked(&req[..]).unwrap()),
            Err(Error::WrongDirection)
        );
        let short = hex("84 88 00 00 00 00 00 00 00 00");
        for len in 0..short.len() {
            if let Ok(m) = Message::new_checked(&short[..len]) {
                assert_eq!(ResponseHeader::parse(&m), Err(Error::Truncated));
            }
        }
        let m = Message::new_checked(&short[..]).unwrap();
        assert_eq!(ResponseHeader::parse(&m), Err(Error::Truncated));
    }

    #[test]
    fn emit_with_data() {
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot1);
        let h = ResponseHeader::answering(&req, StatusInfo::Success([1, 2, 3]));
        let mut a = [0u8; 32];
        let n = h.emit_message(&[9, 8, 7, 6], &mut a).unwrap();
        assert_eq!(&a[..12], &[0x84, 0x89, 0, 0, 0, 1, 2, 3, 9, 8, 7, 6]);
        let m = Message::new_checked(&a[..n]).unwrap();
        m.check_mic().unwrap();
        assert_eq!(ResponseHeader::parse(&m).unwrap(), h);
        let mut small = [0u8; 15];
        assert_eq!(
            h.emit_message(&[9, 8, 7, 6], &mut small),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn status_info_round_trip_all() {
        for s in 0..=255u8 {
            for b in [[0u8, 0, 0], [7, 0xff, 0xff], [3, 0x12, 0x34]] {
                let i = StatusInfo::from_parts(ResponseStatus::from_u8(s), b);
                let again = StatusInfo::from_parts(i.status(), i.status_bytes());
                assert_eq!(i, again);
                assert_eq!(i.status().to_u8(), s);
                assert_eq!(i.to_bytes()[0], s);
            }
        }
        assert_eq!(StatusInfo::Success([0x40, 0, 0]).nmresp(), Some(0x40));
        assert_eq!(
            StatusInfo::Other(ResponseStatus::InternalError).nmresp(),
            None
        );
    }

    #[test]
    fn rejection_statuses() {
        let cases = [
            (Rejection::InternalError, 0x02),
            (Rejection::InvalidCommandOpcode, 0x03),
            (Rejection::invalid_field(8, 0), 0x04),
            (Rejection::InvalidCommandSize, 0x05),
            (Rejection::InvalidCommandInputDataSize, 0x06),
            (Rejection::AccessDenied, 0x07),
            (Rejection::Other(ResponseStatus::SanitizeInProgress), 0x2a),
        ];
        let req = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot1);
        for (r, s) in cases {
            assert_eq!(r.status().to_u8(), s);
            let mut out = [0u8; 12];
            let n = r.emit_response(&req, &mut out).unwrap();
            assert_eq!(n, r.buffer_len());
            assert_eq!(out[1], 0x91);
            assert_eq!(out[4], s);
            let m = Message::new_checked(&out[..]).unwrap();
            m.check_mic().unwrap();
            let h = ResponseHeader::parse(&m).unwrap();
            assert_eq!(h.info, StatusInfo::from(r));
            assert_eq!(&out[5..8], &r.status_bytes());
        }
        let mut small = [0u8; 11];
        assert_eq!(
            Rejection::AccessDenied.emit_response(&req, &mut small),
            Err(Error::BufferTooSmall)
        );
    }
}
