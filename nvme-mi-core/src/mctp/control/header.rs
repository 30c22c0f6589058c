//! The MCTP control message header (DSP0236 §12.1, Figure 21).
//!
//! ```text
//! byte 0: IC(7) = 0 | message type(6:0) = 0x00
//! byte 1: Rq(7) | D(6) | reserved(5) | instance ID(4:0)
//! byte 2: command code
//! byte 3: completion code (responses only)
//! ```
//!
//! The reserved bit 5 of byte 1 is ignored on receipt and sent as 0.

use super::{put, CommandCode, CompletionCode, Error};
use crate::mctp::MsgTypeIc;

/// Length of a request header (type, flags, command).
pub const REQUEST_HEADER_LEN: usize = 3;
/// Length of a response header (type, flags, command, completion code).
pub const RESPONSE_HEADER_LEN: usize = 4;
/// The largest instance ID (5 bits).
pub const MAX_INSTANCE_ID: u8 = 0x1f;

const FLAG_RQ: u8 = 0x80;
const FLAG_D: u8 = 0x40;

mod field {
    pub const TYPE: usize = 0;
    pub const FLAGS: usize = 1;
    pub const COMMAND: usize = 2;
    pub const COMPLETION: usize = 3;
}

/// A checked view over an MCTP control message, from the message type byte
/// (DSP0236 §12.1).
///
/// [`ControlHeader::new_checked`] verifies that the request header (3 bytes), and for a
/// response (Rq clear) the completion code as well, are present; after it no accessor can
/// panic (on an unchecked short buffer getters read 0 or nothing and setters write nothing).
/// Values are not validated: [`ControlHeaderRepr::parse`] does that.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ControlHeader<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> ControlHeader<T> {
    /// Wrap `buffer` without checking its length.
    pub const fn new_unchecked(buffer: T) -> Self {
        ControlHeader { buffer }
    }

    /// Wrap `buffer`, checking that the header is complete.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let h = Self::new_unchecked(buffer);
        h.check_len()?;
        Ok(h)
    }

    /// [`Error::Truncated`] unless the whole header (3 bytes for a request, 4 for a response)
    /// is present.
    pub fn check_len(&self) -> Result<(), Error> {
        if self.buffer.as_ref().len() < self.header_len() {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn byte(&self, i: usize) -> u8 {
        self.buffer.as_ref().get(i).copied().unwrap_or(0)
    }

    /// The message type byte (IC and type), 0x00 for a control message.
    pub fn msg_type(&self) -> MsgTypeIc {
        MsgTypeIc::from_u8(self.byte(field::TYPE))
    }

    /// Rq: this is a request.
    pub fn rq(&self) -> bool {
        self.byte(field::FLAGS) & FLAG_RQ != 0
    }

    /// D: a datagram (unacknowledged request, no response expected).
    pub fn datagram(&self) -> bool {
        self.byte(field::FLAGS) & FLAG_D != 0
    }

    /// Instance ID (byte 1, bits 4:0).
    pub fn instance_id(&self) -> u8 {
        self.byte(field::FLAGS) & MAX_INSTANCE_ID
    }

    /// The command code.
    pub fn command(&self) -> CommandCode {
        CommandCode::from_u8(self.byte(field::COMMAND))
    }

    /// The completion code of a response; `None` for a request or when absent.
    pub fn completion(&self) -> Option<CompletionCode> {
        if self.rq() {
            return None;
        }
        self.buffer
            .as_ref()
            .get(field::COMPLETION)
            .map(|&b| CompletionCode::from_u8(b))
    }

    /// Header length: 3 for a request, 4 for a response.
    pub fn header_len(&self) -> usize {
        if self.rq() {
            REQUEST_HEADER_LEN
        } else {
            RESPONSE_HEADER_LEN
        }
    }

    /// The command-specific data after the header (after the completion code on a response).
    pub fn data(&self) -> &[u8] {
        self.buffer.as_ref().get(self.header_len()..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> ControlHeader<T> {
    fn set_byte(&mut self, i: usize, v: u8) {
        if let Some(b) = self.buffer.as_mut().get_mut(i) {
            *b = v;
        }
    }

    /// Set the message type byte.
    pub fn set_msg_type(&mut self, t: MsgTypeIc) {
        self.set_byte(field::TYPE, t.to_u8());
    }

    /// Set byte 1 from Rq, D and the instance ID (masked to 5 bits); the reserved bit is 0.
    pub fn set_flags(&mut self, rq: bool, datagram: bool, instance_id: u8) {
        let v = if rq { FLAG_RQ } else { 0 }
            | if datagram { FLAG_D } else { 0 }
            | (instance_id & MAX_INSTANCE_ID);
        self.set_byte(field::FLAGS, v);
    }

    /// Set the command code.
    pub fn set_command(&mut self, c: CommandCode) {
        self.set_byte(field::COMMAND, c.to_u8());
    }

    /// Set the completion code (byte 3).
    pub fn set_completion(&mut self, c: CompletionCode) {
        self.set_byte(field::COMPLETION, c.to_u8());
    }
}

/// Request or response, with the fields only that kind has (DSP0236, MCTP control messages).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MessageKind {
    /// A request (Rq = 1).
    Request {
        /// D: unacknowledged datagram, no response is sent.
        datagram: bool,
    },
    /// A response (Rq = 0), carrying the completion code.
    Response {
        /// The completion code.
        completion: CompletionCode,
    },
}

/// The fields of a control message header (DSP0236 §12.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlHeaderRepr {
    /// Instance ID (0..=31), echoed by the response.
    pub instance_id: u8,
    /// The command code.
    pub command: CommandCode,
    /// Request (with D) or response (with the completion code).
    pub kind: MessageKind,
}

impl ControlHeaderRepr {
    /// Parse the header: the message type byte must be 0x00 (type 0, IC clear).
    /// A response's completion code must be present; the D bit of a response is ignored.
    pub fn parse<T: AsRef<[u8]>>(h: &ControlHeader<T>) -> Result<Self, Error> {
        let Some(&ty) = h.buffer.as_ref().first() else {
            return Err(Error::Truncated);
        };
        if ty != MsgTypeIc::CONTROL.to_u8() {
            return Err(Error::NotControl(ty));
        }
        h.check_len()?;
        let kind = match h.completion() {
            Some(completion) => MessageKind::Response { completion },
            None => MessageKind::Request {
                datagram: h.datagram(),
            },
        };
        Ok(ControlHeaderRepr {
            instance_id: h.instance_id(),
            command: h.command(),
            kind,
        })
    }

    /// Header length: 3 for a request, 4 for a response.
    pub const fn buffer_len(&self) -> usize {
        match self.kind {
            MessageKind::Request { .. } => REQUEST_HEADER_LEN,
            MessageKind::Response { .. } => RESPONSE_HEADER_LEN,
        }
    }

    /// Write the header to the start of `out`; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        if self.instance_id > MAX_INSTANCE_ID {
            return Err(Error::InvalidInstanceId(self.instance_id));
        }
        let ty = MsgTypeIc::CONTROL.to_u8();
        let cmd = self.command.to_u8();
        match self.kind {
            MessageKind::Request { datagram } => {
                let flags = FLAG_RQ | if datagram { FLAG_D } else { 0 } | self.instance_id;
                put(out, &[ty, flags, cmd])
            }
            MessageKind::Response { completion } => {
                put(out, &[ty, self.instance_id, cmd, completion.to_u8()])
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn view_and_repr_agree() {
        let bytes = [0x00, 0x81, 0x02];
        let h = ControlHeader::new_checked(&bytes[..]).unwrap();
        assert!(h.rq() && !h.datagram());
        assert_eq!(h.instance_id(), 1);
        assert_eq!(h.completion(), None);
        let repr = ControlHeaderRepr::parse(&h).unwrap();
        assert_eq!(repr.kind, MessageKind::Request { datagram: false });
        let mut out = [0u8; 3];
        assert_eq!(repr.emit(&mut out), Ok(3));
        assert_eq!(out, bytes);

        let mut buf = [0u8; 4];
        let mut w = ControlHeader::new_unchecked(&mut buf[..]);
        w.set_msg_type(MsgTypeIc::CONTROL);
        w.set_flags(false, false, 7);
        w.set_command(CommandCode::GetEndpointUuid);
        w.set_completion(CompletionCode::ErrorNotReady);
        assert_eq!(buf, [0x00, 0x07, 0x03, 0x04]);
        let r = ControlHeader::new_checked(&buf[..]).unwrap();
        assert_eq!(r.completion(), Some(CompletionCode::ErrorNotReady));
        assert!(r.data().is_empty());
    }

    #[test]
    fn response_without_completion_is_truncated() {
        assert_eq!(
            ControlHeader::new_checked(&[0x00, 0x01, 0x02][..]),
            Err(Error::Truncated)
        );
        let h = ControlHeader::new_unchecked(&[0x84, 0x81, 0x02][..]);
        assert_eq!(ControlHeaderRepr::parse(&h), Err(Error::NotControl(0x84)));
    }
}
