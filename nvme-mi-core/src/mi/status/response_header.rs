//! The common first eight bytes of a response (NVMe-MI 1.2 §4.1.2, Figure 26).

use super::{Mprt, ResponseStatus, StatusInfo};
use crate::mi::header::{emit_message, Message, MessageHeader, HEADER_LEN};
use crate::mi::integrity::MIC_LEN;
use crate::mi::{Error, Nmimt, Result, Ror};

/// Length of the common response prefix: the message header, the status byte and the three
/// status-specific bytes.
pub const RESPONSE_HEADER_LEN: usize = HEADER_LEN + 4;

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

    /// The time to wait for the final response if this response is More Processing Required
    /// (NVMe-MI 1.2 §4.1.2, Figure 29): the response to an NVMe-MI Command or an Admin
    /// Command whose status is More Processing Required; the final response follows on the
    /// same message tag. A Control Primitive response is always final (NVMe-MI 1.2 §4.2.1:
    /// its bytes 7:5 are the tag and the Control Primitive Specific Response), so `None` for
    /// one, as for every other status.
    ///
    /// ```
    /// use nvme_mi_core::mi::status::{Mprt, ResponseHeader};
    /// use nvme_mi_core::mi::Message;
    /// // An Admin response (NMIMT 2): More Processing Required, MPRT 20 (2 s).
    /// let mpr = [0x84, 0x90, 0, 0, 0x01, 0, 20, 0, 0, 0, 0, 0];
    /// let h = ResponseHeader::parse(&Message::new_checked(&mpr[..]).unwrap()).unwrap();
    /// assert_eq!(h.more_processing_required(), Some(Mprt(20)));
    /// ```
    pub const fn more_processing_required(&self) -> Option<Mprt> {
        match self.header.nmimt {
            Nmimt::ControlPrimitive => None,
            _ => self.info.more_processing_required(),
        }
    }

    /// The eight bytes, starting with the type byte.
    pub const fn to_bytes(&self) -> [u8; RESPONSE_HEADER_LEN] {
        let h = self.header.to_bytes();
        let s = self.info.to_bytes();
        [h[0], h[1], h[2], h[3], s[0], s[1], s[2], s[3]]
    }

    /// Length of this header alone as a complete message (with the integrity check).
    pub const fn buffer_len(&self) -> usize {
        RESPONSE_HEADER_LEN + MIC_LEN
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
