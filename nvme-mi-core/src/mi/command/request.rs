use super::Opcode;
use crate::mi::header::{emit_message, Message, MessageHeader, HEADER_LEN};
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::{ParameterErrorLocation, Rejection};
use crate::mi::{Csi, Error, Nmimt, Result, MAX_MESSAGE_LEN};

/// Length of an MI request up to its request data, type byte included: header, opcode
/// dword, NMD0 and NMD1.
pub const REQUEST_HEADER_LEN: usize = HEADER_LEN + 12;

/// Message offset of NMD0 (bytes 11:8), the origin of its Invalid Parameter locations.
pub const NMD0_OFFSET: u16 = 8;

/// Message offset of NMD1 (bytes 15:12).
pub const NMD1_OFFSET: u16 = 12;

/// Message offset of the request data.
pub const DATA_OFFSET: u16 = REQUEST_HEADER_LEN as u16;

const OPC: usize = 4;
const NMD0: usize = NMD0_OFFSET as usize;
const NMD1: usize = NMD1_OFFSET as usize;

/// A checked view over a complete NVMe-MI Command request message (NVMe-MI 1.2 §5, Figure 56):
/// offsets count from the type byte, as in the spec's figures.
///
/// ```text
/// 3:0 header | 4 OPC | 7:5 reserved | 11:8 NMD0 | 15:12 NMD1 | request data | MIC
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MiCommandRequest<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> MiCommandRequest<T> {
    /// Wrap a buffer without any check.
    pub const fn new_unchecked(buffer: T) -> Self {
        MiCommandRequest { buffer }
    }

    /// Wrap a buffer after checking the message bounds (see [`Message::new_checked`]) and
    /// that it holds the opcode dword, NMD0 and NMD1 ([`Error::Truncated`] otherwise).
    pub fn new_checked(buffer: T) -> Result<Self> {
        Message::new_checked(buffer.as_ref())?;
        if buffer.as_ref().len() < REQUEST_HEADER_LEN + MIC_LEN {
            return Err(Error::Truncated);
        }
        Ok(MiCommandRequest { buffer })
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The opcode.
    pub fn opcode(&self) -> Opcode {
        Opcode::from_u8(self.buffer.as_ref()[OPC])
    }

    /// NVMe Management Dword 0.
    pub fn nmd0(&self) -> u32 {
        self.dword(NMD0)
    }

    /// NVMe Management Dword 1.
    pub fn nmd1(&self) -> u32 {
        self.dword(NMD1)
    }

    fn dword(&self, at: usize) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_le_bytes([b[at], b[at + 1], b[at + 2], b[at + 3]])
    }

    /// The request data (between NMD1 and the integrity check).
    pub fn data(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[REQUEST_HEADER_LEN..b.len() - MIC_LEN]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> MiCommandRequest<T> {
    /// Set the opcode.
    pub fn set_opcode(&mut self, opcode: Opcode) {
        self.buffer.as_mut()[OPC] = opcode.to_u8();
    }

    /// Set NMD0.
    pub fn set_nmd0(&mut self, v: u32) {
        self.buffer.as_mut()[NMD0..NMD0 + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Set NMD1.
    pub fn set_nmd1(&mut self, v: u32) {
        self.buffer.as_mut()[NMD1..NMD1 + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// The request data, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let end = b.len() - MIC_LEN;
        &mut b[REQUEST_HEADER_LEN..end]
    }
}

/// Any MI request as plain values: opcode, the two management dwords and the request data
/// (NVMe-MI 1.2 §5, Figure 56).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MiCommandRequestRepr<'a> {
    /// The opcode.
    pub opcode: Opcode,
    /// NMD0.
    pub nmd0: u32,
    /// NMD1.
    pub nmd1: u32,
    /// The request data.
    pub data: &'a [u8],
}

impl<'a> MiCommandRequestRepr<'a> {
    /// Read the fields of a checked view. The header's NMIMT, ROR and the integrity check are
    /// not examined: the caller has routed the message here by them.
    pub fn parse<T: AsRef<[u8]>>(req: &'a MiCommandRequest<T>) -> Self {
        MiCommandRequestRepr {
            opcode: req.opcode(),
            nmd0: req.nmd0(),
            nmd1: req.nmd1(),
            data: req.data(),
        }
    }

    /// Parse the MI request in a whole message ([`Error::Truncated`] if it is shorter than
    /// the request header).
    pub fn parse_message<T: AsRef<[u8]>>(msg: &'a Message<T>) -> Result<Self> {
        let body = msg.body();
        match body {
            [opc, _, _, _, a0, a1, a2, a3, b0, b1, b2, b3, data @ ..] => Ok(MiCommandRequestRepr {
                opcode: Opcode::from_u8(*opc),
                nmd0: u32::from_le_bytes([*a0, *a1, *a2, *a3]),
                nmd1: u32::from_le_bytes([*b0, *b1, *b2, *b3]),
                data,
            }),
            _ => Err(Error::Truncated),
        }
    }

    /// For commands without request data: [`Rejection::InvalidCommandInputDataSize`] if
    /// there is some.
    pub fn expect_no_data(&self) -> core::result::Result<(), Rejection> {
        if self.data.is_empty() {
            Ok(())
        } else {
            Err(Rejection::InvalidCommandInputDataSize)
        }
    }

    /// For commands whose request data length is given by a field: the data, or
    /// [`Rejection::InvalidCommandInputDataSize`] if its length differs from `len`.
    pub fn expect_data_len(&self, len: u32) -> core::result::Result<&'a [u8], Rejection> {
        if self.data.len() as u64 == len as u64 {
            Ok(self.data)
        } else {
            Err(Rejection::InvalidCommandInputDataSize)
        }
    }

    /// The Invalid Parameter rejection for the NMD0 field whose lowest bit is `low_bit`.
    pub const fn invalid_nmd0(low_bit: u8) -> Rejection {
        Rejection::InvalidParameter(ParameterErrorLocation::in_dword(NMD0_OFFSET, low_bit))
    }

    /// The Invalid Parameter rejection for the NMD1 field whose lowest bit is `low_bit`.
    pub const fn invalid_nmd1(low_bit: u8) -> Rejection {
        Rejection::InvalidParameter(ParameterErrorLocation::in_dword(NMD1_OFFSET, low_bit))
    }

    /// Length of the complete message.
    pub const fn buffer_len(&self) -> usize {
        REQUEST_HEADER_LEN + self.data.len() + MIC_LEN
    }

    /// The 12 bytes after the message header: opcode, reserved bytes, NMD0 and NMD1
    /// (NVMe-MI 1.2 Figure 56), for a sender that sends the request data from where it is.
    pub fn fixed_bytes(&self) -> [u8; REQUEST_HEADER_LEN - HEADER_LEN] {
        let mut b = [0u8; REQUEST_HEADER_LEN - HEADER_LEN];
        b[OPC - HEADER_LEN] = self.opcode.to_u8();
        b[NMD0 - HEADER_LEN..NMD1 - HEADER_LEN].copy_from_slice(&self.nmd0.to_le_bytes());
        b[NMD1 - HEADER_LEN..].copy_from_slice(&self.nmd1.to_le_bytes());
        b
    }

    /// Write the complete request message for command slot `csi` into `out` (header, opcode,
    /// NMD0, NMD1, data, integrity check); returns its length.
    pub fn emit(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        if self.buffer_len() > MAX_MESSAGE_LEN {
            return Err(Error::TooLong);
        }
        let hdr = MessageHeader::request(Nmimt::MiCommand, csi);
        emit_message(&hdr, &[&self.fixed_bytes(), self.data], out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_and_repr() {
        let mut buf = [0u8; 24];
        let r = MiCommandRequestRepr {
            opcode: Opcode::VpdWrite,
            nmd0: 0x1122_3344,
            nmd1: 4,
            data: &[1, 2, 3, 4],
        };
        let n = r.emit(Csi::Slot1, &mut buf).unwrap();
        assert_eq!(n, r.buffer_len());
        assert_eq!(
            &buf[..16],
            &[0x84, 0x09, 0, 0, 6, 0, 0, 0, 0x44, 0x33, 0x22, 0x11, 4, 0, 0, 0]
        );
        let v = MiCommandRequest::new_checked(&buf[..]).unwrap();
        assert_eq!(MiCommandRequestRepr::parse(&v), r);
        let m = Message::new_checked(&buf[..]).unwrap();
        m.check_mic().unwrap();
        assert_eq!(MiCommandRequestRepr::parse_message(&m).unwrap(), r);
        let mut v = MiCommandRequest::new_unchecked(&mut buf[..]);
        v.set_opcode(Opcode::VendorSpecific(0xc1));
        v.set_nmd0(7);
        v.set_nmd1(8);
        v.data_mut()[0] = 9;
        let v = MiCommandRequest::new_checked(&buf[..]).unwrap();
        assert_eq!(
            (v.opcode(), v.nmd0(), v.nmd1(), v.data()),
            (Opcode::VendorSpecific(0xc1), 7, 8, &[9, 2, 3, 4][..])
        );
    }

    #[test]
    fn short_messages() {
        let buf = [
            0x84u8, 8, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
        ];
        for len in 0..buf.len() {
            assert!(MiCommandRequest::new_checked(&buf[..len]).is_err());
            if let Ok(m) = Message::new_checked(&buf[..len]) {
                assert_eq!(
                    MiCommandRequestRepr::parse_message(&m),
                    Err(Error::Truncated)
                );
            }
        }
        assert!(MiCommandRequest::new_checked(&buf[..]).is_ok());
    }
}
