//! The control primitive request (NVMe-MI 1.2 §4.2.1, Figure 22).

use super::{ControlPrimitiveOpcode, CONTROL_PRIMITIVE_LEN};
use crate::mi::header::{emit_message, Message, MessageHeader};
use crate::mi::status::Rejection;
use crate::mi::{Csi, Nmimt, Result};

primitive_view! {
    /// A checked view over a complete control primitive request message (12 bytes).
    ///
    /// [`ControlPrimitiveRequest::new_checked`] checks the type byte and the exact length;
    /// after it no accessor panics. It checks neither NMIMT/ROR nor the integrity check.
    ControlPrimitiveRequest,
    ControlPrimitiveOpcode, opcode, set_opcode, "CPO, the opcode.",
    cpsp, set_cpsp, "CPSP, the primitive specific parameter."
}

/// A control primitive with its typed parameter, CPSP (NVMe-MI 1.2 §4.2.1, Figure 23).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ControlPrimitive {
    /// Pause: stop processing command messages until Resume (CPSP reserved).
    Pause,
    /// Resume a paused Management Endpoint (CPSP reserved).
    Resume,
    /// Abort the command in the slot named by CSI and return the slot to Idle (CPSP reserved).
    Abort,
    /// Get State.
    GetState {
        /// CESF, CPSP bit 0: clear the error state flags after reporting them.
        clear_error_state: bool,
    },
    /// Replay the last response.
    Replay {
        /// RRO, CPSP bits 7:0: the 0-based packet of the response to resume from.
        offset: u8,
    },
    /// A vendor specific primitive.
    VendorSpecific {
        /// The opcode; must be in 0xF0..=0xFF.
        opcode: u8,
        /// CPSP as carried.
        cpsp: u16,
    },
}

impl ControlPrimitive {
    /// The opcode.
    pub const fn opcode(&self) -> ControlPrimitiveOpcode {
        match self {
            ControlPrimitive::Pause => ControlPrimitiveOpcode::Pause,
            ControlPrimitive::Resume => ControlPrimitiveOpcode::Resume,
            ControlPrimitive::Abort => ControlPrimitiveOpcode::Abort,
            ControlPrimitive::GetState { .. } => ControlPrimitiveOpcode::GetState,
            ControlPrimitive::Replay { .. } => ControlPrimitiveOpcode::Replay,
            ControlPrimitive::VendorSpecific { opcode, .. } => {
                ControlPrimitiveOpcode::from_u8(*opcode)
            }
        }
    }

    /// CPSP (reserved bits zero).
    pub const fn cpsp(&self) -> u16 {
        match self {
            ControlPrimitive::Pause | ControlPrimitive::Resume | ControlPrimitive::Abort => 0,
            ControlPrimitive::GetState { clear_error_state } => *clear_error_state as u16,
            ControlPrimitive::Replay { offset } => *offset as u16,
            ControlPrimitive::VendorSpecific { cpsp, .. } => *cpsp,
        }
    }

    /// Type an opcode and its CPSP (reserved CPSP bits are ignored); `None` for a reserved
    /// opcode.
    pub const fn from_parts(opcode: ControlPrimitiveOpcode, cpsp: u16) -> Option<Self> {
        Some(match opcode {
            ControlPrimitiveOpcode::Pause => ControlPrimitive::Pause,
            ControlPrimitiveOpcode::Resume => ControlPrimitive::Resume,
            ControlPrimitiveOpcode::Abort => ControlPrimitive::Abort,
            ControlPrimitiveOpcode::GetState => ControlPrimitive::GetState {
                clear_error_state: cpsp & 1 != 0,
            },
            ControlPrimitiveOpcode::Replay => ControlPrimitive::Replay { offset: cpsp as u8 },
            ControlPrimitiveOpcode::VendorSpecific(opcode) => {
                ControlPrimitive::VendorSpecific { opcode, cpsp }
            }
            ControlPrimitiveOpcode::Unknown(_) => return None,
        })
    }
}

/// A control primitive request as plain values (NVMe-MI 1.2 §4.2.1, Figure 22).
///
/// ```
/// use nvme_mi_core::mi::control_primitive::{ControlPrimitive, ControlPrimitiveRequestRepr};
/// use nvme_mi_core::mi::Csi;
/// let req = ControlPrimitiveRequestRepr {
///     csi: Csi::Slot0,
///     tag: 0x5a,
///     primitive: ControlPrimitive::GetState { clear_error_state: true },
/// };
/// let mut out = [0u8; 12];
/// assert_eq!(req.emit_message(&mut out), Ok(12));
/// assert_eq!(out, [0x84, 0, 0, 0, 0x03, 0x5a, 0x01, 0, 0x56, 0x26, 0x4d, 0x28]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlPrimitiveRequestRepr {
    /// The command slot the primitive acts on.
    pub csi: Csi,
    /// The tag the response echoes.
    pub tag: u8,
    /// The primitive and its parameter.
    pub primitive: ControlPrimitive,
}

impl ControlPrimitiveRequestRepr {
    /// Responder side: type a request message whose NMIMT (0), direction and integrity check
    /// the caller has already checked.
    ///
    /// Rejections: a body other than 4 bytes ⇒ [`Rejection::InvalidCommandSize`]; a reserved
    /// opcode ⇒ [`Rejection::InvalidCommandOpcode`]. Reserved CPSP bits are ignored.
    pub fn parse<T: AsRef<[u8]>>(msg: &Message<T>) -> core::result::Result<Self, Rejection> {
        let [cpo, tag, p0, p1] = *msg.body() else {
            return Err(Rejection::InvalidCommandSize);
        };
        let primitive = ControlPrimitive::from_parts(
            ControlPrimitiveOpcode::from_u8(cpo),
            u16::from_le_bytes([p0, p1]),
        )
        .ok_or(Rejection::InvalidCommandOpcode)?;
        Ok(ControlPrimitiveRequestRepr {
            csi: msg.csi(),
            tag,
            primitive,
        })
    }

    /// The message header (NMIMT 0, ROR 0, this CSI).
    pub const fn header(&self) -> MessageHeader {
        MessageHeader::request(Nmimt::ControlPrimitive, self.csi)
    }

    /// Length of the message: 12.
    pub const fn buffer_len(&self) -> usize {
        CONTROL_PRIMITIVE_LEN
    }

    /// Write every field and the integrity check into a view.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, view: &mut ControlPrimitiveRequest<T>) {
        view.set_header(&self.header());
        view.set_opcode(self.primitive.opcode());
        view.set_tag(self.tag);
        view.set_cpsp(self.primitive.cpsp());
        view.fill_mic();
    }

    /// Write the complete message into `out`; returns its length (12).
    pub fn emit_message(&self, out: &mut [u8]) -> Result<usize> {
        let [p0, p1] = self.primitive.cpsp().to_le_bytes();
        let body = [self.primitive.opcode().to_u8(), self.tag, p0, p1];
        emit_message(&self.header(), &[&body], out)
    }
}
