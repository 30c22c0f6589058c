//! The PCIe command response (NVMe-MI 1.2 §7, Figures 129–130; the details are not checked
//! against the specification text, see the module documentation).

use super::{dword_padded, PcieRequestRepr};
use crate::mi::header::{emit_message, Message, MessageHeader};
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::{ResponseHeader, StatusInfo, RESPONSE_HEADER_LEN};
use crate::mi::{Csi, Error, Nmimt, Result};

/// A PCIe command response as plain values (NVMe-MI 1.2 §7, Figure 129).
///
/// `data` is the data read, without the dword padding; it is empty for writes and for
/// every status but Success.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PcieResponseRepr<'a> {
    /// The command slot of the request.
    pub csi: Csi,
    /// The status and its specific bytes (reserved on success: kept as received).
    pub info: StatusInfo,
    /// The data read.
    pub data: &'a [u8],
}

impl<'a> PcieResponseRepr<'a> {
    /// Requester side: decode the response to a request whose LENGTH was `length` bytes (0
    /// for writes). The integrity check is not verified here: call [`Message::check_mic`].
    ///
    /// Errors: those of [`ResponseHeader::parse_as`]; [`Error::InconsistentLength`] if a
    /// success response carries other than `length` bytes padded to a dword. Bytes after an
    /// error response's header are ignored.
    pub fn parse<T: AsRef<[u8]>>(msg: &'a Message<T>, length: usize) -> Result<Self> {
        let h = ResponseHeader::parse_as(msg, Nmimt::PcieCommand)?;
        let rest = msg.body().get(4..).unwrap_or(&[]);
        let data = if h.info.status().is_success() {
            if rest.len() != dword_padded(length) {
                return Err(Error::InconsistentLength);
            }
            rest.get(..length).ok_or(Error::InconsistentLength)?
        } else {
            &[]
        };
        Ok(PcieResponseRepr {
            csi: h.header.csi,
            info: h.info,
            data,
        })
    }

    /// Responder side: the success response to `request`, carrying `data` (the bytes read;
    /// empty for writes).
    pub const fn answering(request: &PcieRequestRepr<'_>, data: &'a [u8]) -> Self {
        PcieResponseRepr {
            csi: request.csi,
            info: StatusInfo::Success([0; 3]),
            data,
        }
    }

    /// The message header (NMIMT 4, ROR 1, this CSI).
    pub const fn header(&self) -> MessageHeader {
        MessageHeader::request(Nmimt::PcieCommand, self.csi).response()
    }

    /// Length of the message: header, data padded to a dword, integrity check.
    pub const fn buffer_len(&self) -> usize {
        RESPONSE_HEADER_LEN + dword_padded(self.data.len()) + MIC_LEN
    }

    /// Write the complete message into `out`, padding the data with zeros to a dword;
    /// returns its length.
    pub fn emit_message(&self, out: &mut [u8]) -> Result<usize> {
        let pad = [0u8; 3];
        let pad = &pad[..dword_padded(self.data.len()) - self.data.len()];
        emit_message(
            &self.header(),
            &[&self.info.to_bytes(), self.data, pad],
            out,
        )
    }
}
