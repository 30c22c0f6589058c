//! The NVMe Admin Command request message (NVMe-MI 1.2 §6, Figures 116–117).
//!
//! ```text
//! bytes 3:0    NVMe-MI message header (NMIMT 2, ROR 0)
//! byte  4      OPC      Admin opcode
//! byte  5      CFLGS    command flags
//! bytes 7:6    CTLID    target controller ID
//! bytes 27:8   SQE DW1..DW5 (DW1 = NSID)
//! bytes 31:28  DOFST    data offset
//! bytes 35:32  DLEN     data length
//! bytes 43:36  reserved (SQE DW8..DW9)
//! bytes 67:44  SQE DW10..DW15
//! bytes N-1:68 request data
//! last 4       Message Integrity Check
//! ```
//! Offsets here are counted from message byte 0, the `0x84` type byte.

use super::cflgs::Cflgs;
use super::opcode::AdminOpcode;
use crate::mi::header::{emit_message, Message, MessageHeader, HEADER_LEN};
use crate::mi::integrity::MIC_LEN;
use crate::mi::{Csi, Error, Nmimt, Result, Ror, MAX_DATA_LEN};

/// Message offset of OPC.
pub const OPC: usize = 4;
/// Message offset of CFLGS.
pub const CFLGS: usize = 5;
/// Message offset of CTLID.
pub const CTLID: usize = 6;
/// Message offset of SQE DW1 (NSID).
pub const CDW1: usize = 8;
/// Message offset of DOFST (the byte an Invalid Parameter response names for it).
pub const DOFST: usize = 28;
/// Message offset of DLEN (the byte an Invalid Parameter response names for it).
pub const DLEN: usize = 32;
/// Message offset of SQE DW10.
pub const CDW10: usize = 44;
/// Message offset of the request data.
pub const REQUEST_DATA: usize = 68;
/// The smallest Admin request message: the 68 header bytes and the integrity check.
pub const MIN_REQUEST_LEN: usize = REQUEST_DATA + MIC_LEN;

/// A checked view over a complete Admin request message, type byte to integrity check
/// (NVMe-MI 1.2 Figures 116–117).
///
/// [`AdminRequest::new_checked`] checks the type byte and that the length is between
/// [`MIN_REQUEST_LEN`] and [`crate::mi::MAX_MESSAGE_LEN`]; afterwards no accessor panics. It
/// checks neither the NMIMT/ROR bits nor the integrity check: [`AdminRequestRepr::parse`] and
/// [`Message::check_mic`] do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminRequest<T: AsRef<[u8]>> {
    buffer: T,
}

macro_rules! dword_accessors {
    ($( $get:ident, $set:ident, $off:expr, $doc:literal; )*) => {
        impl<T: AsRef<[u8]>> AdminRequest<T> {
            $(
                #[doc = $doc]
                pub fn $get(&self) -> u32 {
                    self.dword($off)
                }
            )*
        }
        impl<T: AsRef<[u8]> + AsMut<[u8]>> AdminRequest<T> {
            $(
                #[doc = $doc]
                pub fn $set(&mut self, v: u32) {
                    self.set_dword($off, v)
                }
            )*
        }
    };
}

dword_accessors! {
    cdw1, set_cdw1, CDW1, "SQE DW1, the namespace ID (bytes 11:8).";
    cdw2, set_cdw2, 12, "SQE DW2 (bytes 15:12).";
    cdw3, set_cdw3, 16, "SQE DW3 (bytes 19:16).";
    cdw4, set_cdw4, 20, "SQE DW4 (bytes 23:20), reserved out of band.";
    cdw5, set_cdw5, 24, "SQE DW5 (bytes 27:24), reserved out of band.";
    dofst, set_dofst, DOFST, "DOFST, the data offset (bytes 31:28).";
    dlen, set_dlen, DLEN, "DLEN, the data length (bytes 35:32).";
    cdw10, set_cdw10, CDW10, "SQE DW10 (bytes 47:44).";
    cdw11, set_cdw11, 48, "SQE DW11 (bytes 51:48).";
    cdw12, set_cdw12, 52, "SQE DW12 (bytes 55:52).";
    cdw13, set_cdw13, 56, "SQE DW13 (bytes 59:56).";
    cdw14, set_cdw14, 60, "SQE DW14 (bytes 63:60).";
    cdw15, set_cdw15, 64, "SQE DW15 (bytes 67:64).";
}

impl<T: AsRef<[u8]>> AdminRequest<T> {
    /// Wrap a buffer without checks; accessors may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        AdminRequest { buffer }
    }

    /// Wrap a buffer after checking the type byte and the length bounds.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let r = AdminRequest { buffer };
        r.check_len()?;
        Ok(r)
    }

    /// Check the type byte and the length bounds.
    pub fn check_len(&self) -> Result<()> {
        Message::new_checked(self.buffer.as_ref())?;
        if self.buffer.as_ref().len() < MIN_REQUEST_LEN {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole message as a generic NVMe-MI message view.
    pub fn message(&self) -> Message<&[u8]> {
        Message::new_unchecked(self.buffer.as_ref())
    }

    fn dword(&self, off: usize) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
    }

    /// OPC, the Admin opcode.
    pub fn opcode(&self) -> AdminOpcode {
        AdminOpcode::from_u8(self.buffer.as_ref()[OPC])
    }

    /// CFLGS, the command flags.
    pub fn cflgs(&self) -> Cflgs {
        Cflgs::from_u8(self.buffer.as_ref()[CFLGS])
    }

    /// CTLID, the controller the command is for.
    pub fn ctlid(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_le_bytes([b[CTLID], b[CTLID + 1]])
    }

    /// The request data (host to controller), between byte 68 and the integrity check.
    pub fn data(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[REQUEST_DATA..b.len() - MIC_LEN]
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> AdminRequest<T> {
    fn set_dword(&mut self, off: usize, v: u32) {
        self.buffer.as_mut()[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Set OPC.
    pub fn set_opcode(&mut self, v: AdminOpcode) {
        self.buffer.as_mut()[OPC] = v.to_u8();
    }

    /// Set CFLGS.
    pub fn set_cflgs(&mut self, v: Cflgs) {
        self.buffer.as_mut()[CFLGS] = v.to_u8();
    }

    /// Set CTLID.
    pub fn set_ctlid(&mut self, v: u16) {
        self.buffer.as_mut()[CTLID..CTLID + 2].copy_from_slice(&v.to_le_bytes());
    }

    /// Compute and write the integrity check (after changing fields with the setters).
    pub fn fill_mic(&mut self) {
        // The length was checked at construction: cannot fail.
        let _ = crate::mi::integrity::seal(self.buffer.as_mut());
    }

    /// The request data, writable.
    pub fn data_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let end = b.len() - MIC_LEN;
        &mut b[REQUEST_DATA..end]
    }
}

/// The fields of an Admin request as plain values (NVMe-MI 1.2 Figure 116).
///
/// The request data is not part of the Repr: it is passed beside it to
/// [`AdminRequestRepr::emit_message`] and read with [`AdminRequest::data`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AdminRequestRepr {
    /// Command slot.
    pub csi: Csi,
    /// MEB: the request data is in the Management Endpoint Buffer.
    pub meb: bool,
    /// CIAP: Command Initiated Auto Pause (NVMe-MI 2.x).
    pub ciap: bool,
    /// OPC.
    pub opcode: AdminOpcode,
    /// CFLGS.
    pub cflgs: Cflgs,
    /// CTLID.
    pub ctlid: u16,
    /// SQE DW1: namespace ID.
    pub nsid: u32,
    /// SQE DW2.
    pub cdw2: u32,
    /// SQE DW3.
    pub cdw3: u32,
    /// SQE DW4 (reserved out of band).
    pub cdw4: u32,
    /// SQE DW5 (reserved out of band).
    pub cdw5: u32,
    /// DOFST: byte offset into the command's result data.
    pub dofst: u32,
    /// DLEN: number of data bytes carried (request data) or to return (response data).
    pub dlen: u32,
    /// SQE DW10.
    pub cdw10: u32,
    /// SQE DW11.
    pub cdw11: u32,
    /// SQE DW12.
    pub cdw12: u32,
    /// SQE DW13.
    pub cdw13: u32,
    /// SQE DW14.
    pub cdw14: u32,
    /// SQE DW15.
    pub cdw15: u32,
}

impl AdminRequestRepr {
    /// Parse the fields of a checked request view (NMIMT must be 2, ROR 0).
    pub fn parse<T: AsRef<[u8]>>(req: &AdminRequest<T>) -> Result<Self> {
        let hdr = MessageHeader::parse(&req.message());
        if hdr.ror != Ror::Request {
            return Err(Error::WrongDirection);
        }
        if hdr.nmimt != Nmimt::AdminCommand {
            return Err(Error::WrongNmimt(hdr.nmimt.to_u8()));
        }
        Ok(AdminRequestRepr {
            csi: hdr.csi,
            meb: hdr.meb,
            ciap: hdr.ciap,
            opcode: req.opcode(),
            cflgs: req.cflgs(),
            ctlid: req.ctlid(),
            nsid: req.cdw1(),
            cdw2: req.cdw2(),
            cdw3: req.cdw3(),
            cdw4: req.cdw4(),
            cdw5: req.cdw5(),
            dofst: req.dofst(),
            dlen: req.dlen(),
            cdw10: req.cdw10(),
            cdw11: req.cdw11(),
            cdw12: req.cdw12(),
            cdw13: req.cdw13(),
            cdw14: req.cdw14(),
            cdw15: req.cdw15(),
        })
    }

    /// The NVMe-MI message header of this request.
    pub const fn header(&self) -> MessageHeader {
        MessageHeader {
            nmimt: Nmimt::AdminCommand,
            ror: Ror::Request,
            csi: self.csi,
            meb: self.meb,
            ciap: self.ciap,
        }
    }

    /// Length of the complete message carrying `data_len` bytes of request data.
    pub const fn buffer_len(data_len: usize) -> usize {
        MIN_REQUEST_LEN + data_len
    }

    /// Write the fields (header included) into a request view; data and integrity check are
    /// left alone.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, req: &mut AdminRequest<T>) {
        let hdr = self.header().to_bytes();
        req.buffer.as_mut()[..HEADER_LEN].copy_from_slice(&hdr);
        req.set_opcode(self.opcode);
        req.set_cflgs(self.cflgs);
        req.set_ctlid(self.ctlid);
        req.set_cdw1(self.nsid);
        req.set_cdw2(self.cdw2);
        req.set_cdw3(self.cdw3);
        req.set_cdw4(self.cdw4);
        req.set_cdw5(self.cdw5);
        req.set_dofst(self.dofst);
        req.set_dlen(self.dlen);
        req.buffer.as_mut()[DLEN + 4..CDW10].fill(0);
        req.set_cdw10(self.cdw10);
        req.set_cdw11(self.cdw11);
        req.set_cdw12(self.cdw12);
        req.set_cdw13(self.cdw13);
        req.set_cdw14(self.cdw14);
        req.set_cdw15(self.cdw15);
    }

    /// The 64 bytes at message offsets 4..68 (the command part after the header).
    pub fn to_bytes(&self) -> [u8; REQUEST_DATA - HEADER_LEN] {
        let mut buf = [0u8; REQUEST_DATA + MIC_LEN];
        self.emit(&mut AdminRequest::new_unchecked(&mut buf[..]));
        let mut out = [0u8; REQUEST_DATA - HEADER_LEN];
        out.copy_from_slice(&buf[HEADER_LEN..REQUEST_DATA]);
        out
    }

    /// Assemble the complete request message (header, fields, `data`, integrity check) into
    /// `out`; returns its length. `data` is sent as is: DLEN is the Repr's value.
    pub fn emit_message(&self, data: &[u8], out: &mut [u8]) -> Result<usize> {
        if data.len() > MAX_DATA_LEN {
            return Err(Error::TooLong);
        }
        emit_message(&self.header(), &[&self.to_bytes(), data], out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_buffers() {
        let mut m = [0u8; MIN_REQUEST_LEN];
        m[0] = 0x84;
        assert!(AdminRequest::new_checked(&m[..]).is_ok());
        for n in 0..MIN_REQUEST_LEN {
            assert!(AdminRequest::new_checked(&m[..n]).is_err());
        }
        m[0] = 0x04;
        assert_eq!(
            AdminRequest::new_checked(&m[..]).unwrap_err(),
            Error::WrongMessageType(4)
        );
    }

    #[test]
    fn wrong_header() {
        let repr = AdminRequestRepr::default();
        let mut out = [0u8; MIN_REQUEST_LEN];
        repr.emit_message(&[], &mut out).unwrap();
        out[1] = 0x90;
        let v = AdminRequest::new_checked(&out[..]).unwrap();
        assert_eq!(AdminRequestRepr::parse(&v), Err(Error::WrongDirection));
        out[1] = 0x08;
        let v = AdminRequest::new_checked(&out[..]).unwrap();
        assert_eq!(AdminRequestRepr::parse(&v), Err(Error::WrongNmimt(1)));
    }
}
