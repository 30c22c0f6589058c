//! The NVMe-MI message header (NVMe-MI 1.2 §3.1.1, Figure 20) and a checked view over a whole
//! NVMe-MI message.
//!
//! ```text
//! byte 0: IC(7) | MCTP message type (6:0) = 0x84
//! byte 1: ROR(7) | NMIMT(6:3) | reserved(2:1) | CSI(0)
//! byte 2: reserved(7:2) | CIAP(1) | MEB(0)
//! byte 3: reserved
//! ...     message body
//! last 4: Message Integrity Check (CRC-32C, little-endian)
//! ```

use super::integrity::{self, MIC_LEN};
use super::{Error, Result, MAX_MESSAGE_LEN};
use crate::mctp::MsgTypeIc;

/// Length of the NVMe-MI message header, type byte included.
pub const HEADER_LEN: usize = 4;

/// The smallest well-formed NVMe-MI message: header and integrity check.
pub const MIN_MESSAGE_LEN: usize = HEADER_LEN + MIC_LEN;

/// The NVMe-MI Message Type, NMIMT (NVMe-MI 1.2 Figure 20, bits 14:11 of the header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Nmimt {
    /// Control Primitive (0).
    ControlPrimitive,
    /// NVMe-MI Command (1).
    MiCommand,
    /// NVMe Admin Command (2).
    AdminCommand,
    /// PCIe Command (4).
    PcieCommand,
    /// Asynchronous Event Message (5, NVMe-MI 2.0).
    AsyncEvent,
    /// A reserved value (3, 6..=15), kept as received.
    Unknown(u8),
}

impl Nmimt {
    /// Decode the 4-bit value (higher bits are ignored).
    pub const fn from_u8(v: u8) -> Nmimt {
        match v & 0x0f {
            0 => Nmimt::ControlPrimitive,
            1 => Nmimt::MiCommand,
            2 => Nmimt::AdminCommand,
            4 => Nmimt::PcieCommand,
            5 => Nmimt::AsyncEvent,
            other => Nmimt::Unknown(other),
        }
    }

    /// The 4-bit value.
    pub const fn to_u8(self) -> u8 {
        match self {
            Nmimt::ControlPrimitive => 0,
            Nmimt::MiCommand => 1,
            Nmimt::AdminCommand => 2,
            Nmimt::PcieCommand => 4,
            Nmimt::AsyncEvent => 5,
            Nmimt::Unknown(v) => v & 0x0f,
        }
    }
}

/// Request or Response, ROR (NVMe-MI 1.2 Figure 20, bit 15 of the header).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Ror {
    /// A request (0). Asynchronous Event Messages also carry 0.
    Request,
    /// A response (1).
    Response,
}

/// Command Slot Identifier, CSI: which of the two command slots a message belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Csi {
    /// Command slot 0.
    #[default]
    Slot0,
    /// Command slot 1.
    Slot1,
}

impl Csi {
    /// The slot from bit 0 of `v`.
    pub const fn from_bit(v: u8) -> Csi {
        if v & 1 == 0 {
            Csi::Slot0
        } else {
            Csi::Slot1
        }
    }

    /// 0 or 1.
    pub const fn to_bit(self) -> u8 {
        match self {
            Csi::Slot0 => 0,
            Csi::Slot1 => 1,
        }
    }
}

/// The NVMe-MI message header as plain values (NVMe-MI 1.2 §3.1.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MessageHeader {
    /// The NVMe-MI message type.
    pub nmimt: Nmimt,
    /// Request or response.
    pub ror: Ror,
    /// Command slot.
    pub csi: Csi,
    /// MEB: the data of this message is in the Management Endpoint Buffer.
    pub meb: bool,
    /// CIAP: Command Initiated Auto Pause (NVMe-MI 2.0).
    pub ciap: bool,
}

impl MessageHeader {
    /// A request header of type `nmimt` in slot `csi`, with MEB and CIAP clear.
    pub const fn request(nmimt: Nmimt, csi: Csi) -> Self {
        MessageHeader {
            nmimt,
            ror: Ror::Request,
            csi,
            meb: false,
            ciap: false,
        }
    }

    /// The response header matching this request header (ROR set, same NMIMT and CSI).
    pub const fn response(self) -> Self {
        MessageHeader {
            ror: Ror::Response,
            ..self
        }
    }

    /// Parse the header of a checked message.
    pub fn parse<T: AsRef<[u8]>>(msg: &Message<T>) -> Self {
        MessageHeader {
            nmimt: msg.nmimt(),
            ror: msg.ror(),
            csi: msg.csi(),
            meb: msg.meb(),
            ciap: msg.ciap(),
        }
    }

    /// The four header bytes, starting with the type byte `0x84`.
    pub const fn to_bytes(&self) -> [u8; HEADER_LEN] {
        let ror = match self.ror {
            Ror::Request => 0,
            Ror::Response => 0x80,
        };
        [
            MsgTypeIc::NVME_MI.to_u8(),
            ror | (self.nmimt.to_u8() << 3) | self.csi.to_bit(),
            (self.meb as u8) | ((self.ciap as u8) << 1),
            0,
        ]
    }

    /// Write the header into the first four bytes of `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<()> {
        let dst = buf.get_mut(..HEADER_LEN).ok_or(Error::BufferTooSmall)?;
        dst.copy_from_slice(&self.to_bytes());
        Ok(())
    }
}

/// A checked view over a complete NVMe-MI message: type byte, header, body, integrity check.
///
/// [`Message::new_checked`] verifies the length bounds and the type byte; after it succeeds no
/// accessor can panic. It does not verify the integrity check: call [`Message::check_mic`].
///
/// ```
/// use nvme_mi_core::mi::{Message, Nmimt, Ror};
/// let bytes = [0x84, 0x88, 0, 0, 0x05, 0, 0, 0, 0x6f, 0xce, 0x10, 0x84];
/// let msg = Message::new_checked(&bytes[..]).unwrap();
/// msg.check_mic().unwrap();
/// assert_eq!(msg.nmimt(), Nmimt::MiCommand);
/// assert_eq!(msg.ror(), Ror::Response);
/// assert_eq!(msg.body(), &[0x05, 0, 0, 0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Message<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Message<T> {
    /// Wrap a buffer without any check. Accessors may panic on a short buffer; prefer
    /// [`Message::new_checked`].
    pub const fn new_unchecked(buffer: T) -> Self {
        Message { buffer }
    }

    /// Wrap a buffer after checking its length (between [`MIN_MESSAGE_LEN`] and
    /// [`MAX_MESSAGE_LEN`]) and its type byte (`0x84`).
    pub fn new_checked(buffer: T) -> Result<Self> {
        let msg = Message { buffer };
        msg.check_len()?;
        Ok(msg)
    }

    /// Check the length bounds and the type byte.
    pub fn check_len(&self) -> Result<()> {
        let b = self.buffer.as_ref();
        if b.is_empty() {
            return Err(Error::Truncated);
        }
        if b[0] != MsgTypeIc::NVME_MI.to_u8() {
            return Err(Error::WrongMessageType(b[0]));
        }
        if b.len() < MIN_MESSAGE_LEN {
            return Err(Error::Truncated);
        }
        if b.len() > MAX_MESSAGE_LEN {
            return Err(Error::TooLong);
        }
        Ok(())
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole message.
    pub fn as_bytes(&self) -> &[u8] {
        self.buffer.as_ref()
    }

    /// The NVMe-MI message type.
    pub fn nmimt(&self) -> Nmimt {
        Nmimt::from_u8(self.buffer.as_ref()[1] >> 3)
    }

    /// Request or response.
    pub fn ror(&self) -> Ror {
        if self.buffer.as_ref()[1] & 0x80 != 0 {
            Ror::Response
        } else {
            Ror::Request
        }
    }

    /// The command slot.
    pub fn csi(&self) -> Csi {
        Csi::from_bit(self.buffer.as_ref()[1])
    }

    /// The MEB flag.
    pub fn meb(&self) -> bool {
        self.buffer.as_ref()[2] & 0x01 != 0
    }

    /// The CIAP flag.
    pub fn ciap(&self) -> bool {
        self.buffer.as_ref()[2] & 0x02 != 0
    }

    /// The bytes between the header and the integrity check.
    pub fn body(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[HEADER_LEN..b.len() - MIC_LEN]
    }

    /// The integrity check carried by the message.
    pub fn mic(&self) -> u32 {
        let b = self.buffer.as_ref();
        let t = &b[b.len() - MIC_LEN..];
        u32::from_le_bytes([t[0], t[1], t[2], t[3]])
    }

    /// Verify the integrity check.
    pub fn check_mic(&self) -> Result<()> {
        integrity::verify(self.buffer.as_ref())
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Message<T> {
    /// Write the header fields.
    pub fn set_header(&mut self, hdr: &MessageHeader) {
        self.buffer.as_mut()[..HEADER_LEN].copy_from_slice(&hdr.to_bytes());
    }

    /// The bytes between the header and the integrity check, writable.
    pub fn body_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let end = b.len() - MIC_LEN;
        &mut b[HEADER_LEN..end]
    }

    /// Compute and write the integrity check.
    pub fn fill_mic(&mut self) {
        // Length was checked at construction: cannot fail.
        let _ = integrity::seal(self.buffer.as_mut());
    }
}

/// Assemble a complete message into `out`: header, the concatenation of `body`, integrity check.
/// Returns the message length.
///
/// ```
/// use nvme_mi_core::mi::header::{emit_message, MessageHeader};
/// use nvme_mi_core::mi::{Csi, Nmimt};
/// let mut out = [0u8; 32];
/// let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
/// let n = emit_message(&hdr, &[&[0x01, 0, 0, 0], &[0; 8]], &mut out).unwrap();
/// assert_eq!(&out[..n], &[0x84, 0x08, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xd2, 0xd4, 0x77, 0x36]);
/// ```
pub fn emit_message(hdr: &MessageHeader, body: &[&[u8]], out: &mut [u8]) -> Result<usize> {
    let body_len: usize = body.iter().map(|s| s.len()).sum();
    let total = HEADER_LEN + body_len + MIC_LEN;
    if total > MAX_MESSAGE_LEN {
        return Err(Error::TooLong);
    }
    let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    hdr.emit(out)?;
    let mut pos = HEADER_LEN;
    for s in body {
        out[pos..pos + s.len()].copy_from_slice(s);
        pos += s.len();
    }
    integrity::seal(out)?;
    Ok(total)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn header_bytes() {
        let h = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        assert_eq!(h.to_bytes(), [0x84, 0x08, 0, 0]);
        assert_eq!(h.response().to_bytes(), [0x84, 0x88, 0, 0]);
        let a = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot1);
        assert_eq!(a.to_bytes(), [0x84, 0x11, 0, 0]);
        assert_eq!(a.response().to_bytes()[1], 0x91);
        let aem = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0);
        assert_eq!(aem.to_bytes()[1], 0x28);
        let p = MessageHeader::request(Nmimt::PcieCommand, Csi::Slot0);
        assert_eq!(p.to_bytes()[1], 0x20);
    }

    #[test]
    fn header_round_trip_every_byte_pair() {
        for b1 in 0..=255u8 {
            for b2 in 0..4u8 {
                let bytes = [0x84, b1, b2, 0, 0, 0, 0, 0];
                let m = Message::new_checked(&bytes[..]).unwrap();
                let h = MessageHeader::parse(&m);
                // Reserved bits 2:1 of byte 1 are not kept.
                assert_eq!(h.to_bytes(), [0x84, b1 & !0x06, b2, 0]);
            }
        }
    }

    #[test]
    fn checked_rejects() {
        assert_eq!(Message::new_checked(&[][..]).unwrap_err(), Error::Truncated);
        assert_eq!(
            Message::new_checked(&[0x04; 12][..]).unwrap_err(),
            Error::WrongMessageType(0x04)
        );
        assert_eq!(
            Message::new_checked(&[0x84, 0, 0, 0, 0, 0, 0][..]).unwrap_err(),
            Error::Truncated
        );
        let big = [0x84u8; MAX_MESSAGE_LEN + 1];
        assert_eq!(Message::new_checked(&big[..]).unwrap_err(), Error::TooLong);
        assert!(Message::new_checked(&big[..MAX_MESSAGE_LEN]).is_ok());
    }

    #[test]
    fn vector_invalid_command_size() {
        let bytes = [0x84, 0x88, 0, 0, 0x05, 0, 0, 0, 0x6f, 0xce, 0x10, 0x84];
        let m = Message::new_checked(&bytes[..]).unwrap();
        m.check_mic().unwrap();
        assert_eq!(m.mic(), 0x8410_ce6f);
        let mut copy = bytes;
        let mut mm = Message::new_unchecked(&mut copy[..]);
        mm.body_mut()[0] = 4;
        assert!(mm.check_mic().is_err());
        mm.fill_mic();
        assert!(mm.check_mic().is_ok());
    }

    #[test]
    fn emit_limits() {
        let h = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let mut small = [0u8; 10];
        assert_eq!(
            emit_message(&h, &[&[0; 4]], &mut small),
            Err(Error::BufferTooSmall)
        );
        let mut out = [0u8; MAX_MESSAGE_LEN + 8];
        let big = [0u8; MAX_MESSAGE_LEN];
        assert_eq!(emit_message(&h, &[&big], &mut out), Err(Error::TooLong));
    }
}
