//! NVMe-MI Control Primitives, NMIMT 0 (NVMe-MI 1.2 §4.2.1, Figures 22–25).
//!
//! A control primitive is a fixed 12-byte message, handled outside the command slot state
//! machine (it may arrive while a command is outstanding in the slot named by CSI).
//!
//! ```text
//!            request                          response
//! bytes 3:0  header (byte 1 = 0x00 | CSI)     header (byte 1 = 0x80 | CSI)
//! byte  4    CPO  control primitive opcode    Status (NVMe-MI 1.2)
//! byte  5    tag  chosen by the requester     tag (echo)
//! bytes 7:6  CPSP primitive parameter (LE16)  CPSR primitive response (LE16)
//! bytes 11:8 MIC                              MIC
//! ```
//!
//! - Requester: build a [`ControlPrimitiveRequestRepr`] from a [`ControlPrimitive`], emit it,
//!   parse the answer with [`ControlPrimitiveResponseRepr::parse`] and type its CPSR with
//!   [`ControlPrimitiveResponseRepr::typed`].
//! - Responder: [`ControlPrimitiveRequestRepr::parse`] gives the typed request or the
//!   [`Rejection`](crate::mi::status::Rejection) to answer with
//!   ([`ControlPrimitiveResponseRepr::rejecting`]); emit a [`ControlPrimitiveResponseRepr`].

/// Generates the checked view of a 12-byte control primitive message: byte 4 typed as `$b4`,
/// byte 5 the tag, bytes 7:6 a 16-bit field.
macro_rules! primitive_view {
    (
        $(#[$doc:meta])*
        $name:ident,
        $b4:ty, $get4:ident, $set4:ident, $doc4:literal,
        $get16:ident, $set16:ident, $doc16:literal
    ) => {
        $(#[$doc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq)]
        pub struct $name<T: AsRef<[u8]>> {
            buffer: T,
        }

        impl<T: AsRef<[u8]>> $name<T> {
            /// Wrap a buffer without checks; accessors may panic on a short buffer.
            pub const fn new_unchecked(buffer: T) -> Self {
                $name { buffer }
            }

            /// Wrap a buffer after checking the type byte and that it is exactly 12 bytes
            /// long ([`crate::mi::Error::Truncated`] / [`crate::mi::Error::TooLong`]
            /// otherwise).
            pub fn new_checked(buffer: T) -> $crate::mi::Result<Self> {
                super::check_len(buffer.as_ref())?;
                Ok($name { buffer })
            }

            /// Give the buffer back.
            pub fn into_inner(self) -> T {
                self.buffer
            }

            /// The whole message as a generic NVMe-MI message view.
            pub fn message(&self) -> $crate::mi::Message<&[u8]> {
                $crate::mi::Message::new_unchecked(self.buffer.as_ref())
            }

            #[doc = $doc4]
            pub fn $get4(&self) -> $b4 {
                <$b4>::from_u8(self.buffer.as_ref()[super::CPO])
            }

            /// The tag.
            pub fn tag(&self) -> u8 {
                self.buffer.as_ref()[super::TAG]
            }

            #[doc = $doc16]
            pub fn $get16(&self) -> u16 {
                let b = self.buffer.as_ref();
                u16::from_le_bytes([b[super::CPSP], b[super::CPSP + 1]])
            }
        }

        impl<T: AsRef<[u8]> + AsMut<[u8]>> $name<T> {
            /// Write the message header.
            pub fn set_header(&mut self, hdr: &$crate::mi::MessageHeader) {
                $crate::mi::Message::new_unchecked(self.buffer.as_mut()).set_header(hdr);
            }

            #[doc = $doc4]
            pub fn $set4(&mut self, v: $b4) {
                self.buffer.as_mut()[super::CPO] = v.to_u8();
            }

            /// Set the tag.
            pub fn set_tag(&mut self, tag: u8) {
                self.buffer.as_mut()[super::TAG] = tag;
            }

            #[doc = $doc16]
            pub fn $set16(&mut self, v: u16) {
                self.buffer.as_mut()[super::CPSP..super::CPSP + 2].copy_from_slice(&v.to_le_bytes());
            }

            /// Compute and write the integrity check.
            pub fn fill_mic(&mut self) {
                $crate::mi::Message::new_unchecked(self.buffer.as_mut()).fill_mic();
            }
        }
    };
}

mod request;
mod response;
mod state;

pub use request::{ControlPrimitive, ControlPrimitiveRequest, ControlPrimitiveRequestRepr};
pub use response::{
    ControlPrimitiveResponse, ControlPrimitiveResponseRepr, Cpas, PauseFlags, PrimitiveResponse,
};
pub use state::{ManagementEndpointState, Ssta};

use crate::mi::header::{Message, HEADER_LEN};
use crate::mi::integrity::MIC_LEN;
use crate::mi::{Error, Result};

/// The length of every control primitive request and response message.
pub const CONTROL_PRIMITIVE_LEN: usize = HEADER_LEN + 4 + MIC_LEN;

/// Message offset of CPO (request) or Status (response).
pub const CPO: usize = 4;
/// Message offset of the tag.
pub const TAG: usize = 5;
/// Message offset of CPSP (request) or CPSR (response).
pub const CPSP: usize = 6;

/// Check the type byte and that `b` is exactly [`CONTROL_PRIMITIVE_LEN`] long.
fn check_len(b: &[u8]) -> Result<()> {
    Message::new_checked(b)?;
    match b.len() {
        n if n < CONTROL_PRIMITIVE_LEN => Err(Error::Truncated),
        n if n > CONTROL_PRIMITIVE_LEN => Err(Error::TooLong),
        _ => Ok(()),
    }
}

/// The Control Primitive Opcode, CPO (NVMe-MI 1.2 §4.2.1, Figure 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ControlPrimitiveOpcode {
    /// Pause (0x00): stop processing command messages.
    Pause,
    /// Resume (0x01): continue after a Pause.
    Resume,
    /// Abort (0x02): return the command slot to Idle.
    Abort,
    /// Get State (0x03): read the Management Endpoint state.
    GetState,
    /// Replay (0x04): retransmit the last response.
    Replay,
    /// A vendor specific opcode (0xF0..=0xFF).
    VendorSpecific(u8),
    /// A reserved opcode (0x05..=0xEF), kept as received.
    Unknown(u8),
}

impl ControlPrimitiveOpcode {
    /// Decode the opcode byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x00 => ControlPrimitiveOpcode::Pause,
            0x01 => ControlPrimitiveOpcode::Resume,
            0x02 => ControlPrimitiveOpcode::Abort,
            0x03 => ControlPrimitiveOpcode::GetState,
            0x04 => ControlPrimitiveOpcode::Replay,
            0xf0..=0xff => ControlPrimitiveOpcode::VendorSpecific(v),
            other => ControlPrimitiveOpcode::Unknown(other),
        }
    }

    /// The opcode byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ControlPrimitiveOpcode::Pause => 0x00,
            ControlPrimitiveOpcode::Resume => 0x01,
            ControlPrimitiveOpcode::Abort => 0x02,
            ControlPrimitiveOpcode::GetState => 0x03,
            ControlPrimitiveOpcode::Replay => 0x04,
            ControlPrimitiveOpcode::VendorSpecific(v) | ControlPrimitiveOpcode::Unknown(v) => v,
        }
    }
}

impl From<u8> for ControlPrimitiveOpcode {
    fn from(v: u8) -> Self {
        ControlPrimitiveOpcode::from_u8(v)
    }
}

impl From<ControlPrimitiveOpcode> for u8 {
    fn from(o: ControlPrimitiveOpcode) -> u8 {
        o.to_u8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcode_every_byte() {
        for v in 0..=255u8 {
            let o = ControlPrimitiveOpcode::from_u8(v);
            assert_eq!(o.to_u8(), v);
            match v {
                0x05..=0xef => assert_eq!(o, ControlPrimitiveOpcode::Unknown(v)),
                0xf0..=0xff => assert_eq!(o, ControlPrimitiveOpcode::VendorSpecific(v)),
                _ => {}
            }
        }
    }

    #[test]
    fn length_checks() {
        assert_eq!(check_len(&[0x84; 11]), Err(Error::Truncated));
        assert_eq!(check_len(&[0x84; 13]), Err(Error::TooLong));
        assert_eq!(check_len(&[0x04; 12]), Err(Error::WrongMessageType(4)));
        assert_eq!(check_len(&[0x84; 12]), Ok(()));
    }
}
