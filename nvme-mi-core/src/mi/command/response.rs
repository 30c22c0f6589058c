use crate::mi::header::{Message, MessageHeader};
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::{ResponseHeader, ResponseStatus, StatusInfo, RESPONSE_HEADER_LEN};
use crate::mi::{Csi, Error, Nmimt, Result, Ror};

const STATUS: usize = 4;
const NMRESP: usize = 5;

/// A checked view over a complete NVMe-MI Command response message (NVMe-MI 1.2 §5,
/// Figure 61).
///
/// ```text
/// 3:0 header | 4 status | 7:5 NMRESP (24-bit LE) | response data | MIC
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MiCommandResponse<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> MiCommandResponse<T> {
    /// Wrap a buffer without any check.
    pub const fn new_unchecked(buffer: T) -> Self {
        MiCommandResponse { buffer }
    }

    /// Wrap a buffer after checking the message bounds (see [`Message::new_checked`]) and that
    /// it holds the status dword ([`Error::Truncated`] otherwise).
    pub fn new_checked(buffer: T) -> Result<Self> {
        Message::new_checked(buffer.as_ref())?;
        if buffer.as_ref().len() < RESPONSE_HEADER_LEN + MIC_LEN {
            return Err(Error::Truncated);
        }
        Ok(MiCommandResponse { buffer })
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The response status.
    pub fn status(&self) -> ResponseStatus {
        ResponseStatus::from_u8(self.buffer.as_ref()[STATUS])
    }

    /// Bytes 7:5 as a 24-bit little-endian value (NMRESP on success).
    pub fn nmresp(&self) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_le_bytes([b[NMRESP], b[NMRESP + 1], b[NMRESP + 2], 0])
    }

    /// Bytes 7:5 as bytes.
    pub fn status_bytes(&self) -> [u8; 3] {
        let b = self.buffer.as_ref();
        [b[NMRESP], b[NMRESP + 1], b[NMRESP + 2]]
    }

    /// The response data (between byte 8 and the integrity check).
    pub fn data(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[RESPONSE_HEADER_LEN..b.len() - MIC_LEN]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> MiCommandResponse<T> {
    /// Set the status.
    pub fn set_status(&mut self, s: ResponseStatus) {
        self.buffer.as_mut()[STATUS] = s.to_u8();
    }

    /// Set bytes 7:5 from the low 24 bits of `v`.
    pub fn set_nmresp(&mut self, v: u32) {
        let b = v.to_le_bytes();
        self.buffer.as_mut()[NMRESP..NMRESP + 3].copy_from_slice(&b[..3]);
    }

    /// The response data, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let end = b.len() - MIC_LEN;
        &mut b[RESPONSE_HEADER_LEN..end]
    }
}

/// Any MI response as plain values: the decoded status and the response data (NVMe-MI 1.2 §5,
/// Figure 61).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MiCommandResponseRepr<'a> {
    /// The status and bytes 7:5.
    pub info: StatusInfo,
    /// The response data (empty for error responses).
    pub data: &'a [u8],
}

impl<'a> MiCommandResponseRepr<'a> {
    /// Read the fields of a checked view.
    pub fn parse<T: AsRef<[u8]>>(resp: &'a MiCommandResponse<T>) -> Self {
        MiCommandResponseRepr {
            info: StatusInfo::from_parts(resp.status(), resp.status_bytes()),
            data: resp.data(),
        }
    }

    /// Parse the MI response in a whole message, checking that it is a response
    /// ([`Error::WrongDirection`]) of the NVMe-MI Command Set ([`Error::WrongNmimt`]).
    /// The integrity check is not examined.
    pub fn parse_message<T: AsRef<[u8]>>(msg: &'a Message<T>) -> Result<Self> {
        let h = ResponseHeader::parse_as(msg, Nmimt::MiCommand)?;
        let data = msg.body().get(4..).ok_or(Error::Truncated)?;
        Ok(MiCommandResponseRepr { info: h.info, data })
    }

    /// Length of the complete message.
    pub const fn buffer_len(&self) -> usize {
        RESPONSE_HEADER_LEN + self.data.len() + MIC_LEN
    }

    /// Write the complete response message for command slot `csi` into `out`; returns its
    /// length.
    pub fn emit(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        let hdr = MessageHeader {
            ror: Ror::Response,
            ..MessageHeader::request(Nmimt::MiCommand, csi)
        };
        ResponseHeader {
            header: hdr,
            info: self.info,
        }
        .emit_message(self.data, out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_and_repr() {
        let r = MiCommandResponseRepr {
            info: StatusInfo::Success([4, 0, 0]),
            data: &[1, 0, 1, 0],
        };
        let mut buf = [0u8; 16];
        let n = r.emit(Csi::Slot0, &mut buf).unwrap();
        assert_eq!(
            &buf[..n],
            &[0x84, 0x88, 0, 0, 0, 4, 0, 0, 1, 0, 1, 0, 0x7d, 0xb1, 0x8d, 0x07]
        );
        let v = MiCommandResponse::new_checked(&buf[..]).unwrap();
        assert_eq!(MiCommandResponseRepr::parse(&v), r);
        assert_eq!(v.nmresp(), 4);
        let mut v = MiCommandResponse::new_unchecked(&mut buf[..]);
        v.set_status(ResponseStatus::InternalError);
        v.set_nmresp(0x0012_3456);
        v.data_mut()[0] = 7;
        let v = MiCommandResponse::new_checked(&buf[..]).unwrap();
        assert_eq!(v.status(), ResponseStatus::InternalError);
        assert_eq!(v.status_bytes(), [0x56, 0x34, 0x12]);
        assert_eq!(v.data()[0], 7);
    }

    #[test]
    fn rejects() {
        let buf = [0x84u8, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        for len in 0..buf.len() {
            assert!(MiCommandResponse::new_checked(&buf[..len]).is_err());
        }
        let req = [0x84u8, 0x08, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let m = Message::new_checked(&req[..]).unwrap();
        assert_eq!(
            MiCommandResponseRepr::parse_message(&m),
            Err(Error::WrongDirection)
        );
        let adm = [0x84u8, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
        let m = Message::new_checked(&adm[..]).unwrap();
        assert_eq!(
            MiCommandResponseRepr::parse_message(&m),
            Err(Error::WrongNmimt(2))
        );
    }
}
