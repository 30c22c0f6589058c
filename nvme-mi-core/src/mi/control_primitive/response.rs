//! The control primitive response (NVMe-MI 1.2 §4.2.1, Figure 24).

use super::{
    ControlPrimitiveOpcode, ControlPrimitiveRequestRepr, ManagementEndpointState,
    CONTROL_PRIMITIVE_LEN,
};
use crate::mi::header::{emit_message, Message, MessageHeader};
use crate::mi::status::{Rejection, ResponseStatus};
use crate::mi::{Csi, Error, Nmimt, Result, Ror};

primitive_view! {
    /// A checked view over a complete control primitive response message (12 bytes).
    ///
    /// [`ControlPrimitiveResponse::new_checked`] checks the type byte and the exact length;
    /// after it no accessor panics. It checks neither NMIMT/ROR nor the integrity check.
    ControlPrimitiveResponse,
    ResponseStatus, status, set_status, "The response status.",
    cpsr, set_cpsr, "CPSR, the primitive specific response."
}

/// Control Primitive Aborted Status, CPAS: Abort CPSR bits 1:0 (NVMe-MI 1.2 §4.2.1.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Cpas {
    /// 0: the slot was Idle or the command had completed processing.
    CompletedOrIdle,
    /// 1: the command was aborted before processing began.
    AbortedBeforeProcessing,
    /// 2: the command was aborted after partial processing.
    AbortedPartiallyProcessed,
    /// 3: reserved, kept as received.
    Reserved(u8),
}

impl Cpas {
    /// Decode bits 1:0 of `v`.
    pub const fn from_bits(v: u16) -> Self {
        match v & 0x3 {
            0 => Cpas::CompletedOrIdle,
            1 => Cpas::AbortedBeforeProcessing,
            2 => Cpas::AbortedPartiallyProcessed,
            r => Cpas::Reserved(r as u8),
        }
    }

    /// The 2-bit value.
    pub const fn to_bits(self) -> u16 {
        match self {
            Cpas::CompletedOrIdle => 0,
            Cpas::AbortedBeforeProcessing => 1,
            Cpas::AbortedPartiallyProcessed => 2,
            Cpas::Reserved(r) => (r & 0x3) as u16,
        }
    }
}

/// The Pause CPSR as libnvme's example reads it: which command slots are paused.
///
/// Not checked against the NVMe-MI 1.2 text: the Wireshark dissector treats the Pause CPSR as reserved
/// ("obsolete must-be-1 bits"). Requesters should rely on Get State's
/// [`ManagementEndpointState::PAUSED`] instead.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PauseFlags {
    /// Bit 0: command slot 0 is paused.
    pub slot0: bool,
    /// Bit 1: command slot 1 is paused.
    pub slot1: bool,
}

impl PauseFlags {
    /// Decode bits 1:0 (other bits ignored).
    pub const fn from_bits(v: u16) -> Self {
        PauseFlags {
            slot0: v & 1 != 0,
            slot1: v & 2 != 0,
        }
    }

    /// The CPSR value.
    pub const fn to_bits(self) -> u16 {
        self.slot0 as u16 | (self.slot1 as u16) << 1
    }
}

/// A CPSR typed by the primitive it answers (NVMe-MI 1.2 §4.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PrimitiveResponse {
    /// Pause: the paused slots (not checked against the specification, see [`PauseFlags`]).
    Pause(PauseFlags),
    /// Resume (CPSR reserved).
    Resume,
    /// Abort: what happened to the command.
    Abort(Cpas),
    /// Get State: the Management Endpoint state.
    GetState(ManagementEndpointState),
    /// Replay.
    Replay {
        /// RR, CPSR bit 0: a response is being retransmitted (false: none available).
        replaying: bool,
    },
    /// A vendor specific or reserved primitive's CPSR, as carried.
    Other(u16),
}

impl PrimitiveResponse {
    /// Type `cpsr` as the answer to `opcode` (reserved bits are ignored).
    pub const fn from_cpsr(opcode: ControlPrimitiveOpcode, cpsr: u16) -> Self {
        match opcode {
            ControlPrimitiveOpcode::Pause => PrimitiveResponse::Pause(PauseFlags::from_bits(cpsr)),
            ControlPrimitiveOpcode::Resume => PrimitiveResponse::Resume,
            ControlPrimitiveOpcode::Abort => PrimitiveResponse::Abort(Cpas::from_bits(cpsr)),
            ControlPrimitiveOpcode::GetState => {
                PrimitiveResponse::GetState(ManagementEndpointState(cpsr))
            }
            ControlPrimitiveOpcode::Replay => PrimitiveResponse::Replay {
                replaying: cpsr & 1 != 0,
            },
            ControlPrimitiveOpcode::VendorSpecific(_) | ControlPrimitiveOpcode::Unknown(_) => {
                PrimitiveResponse::Other(cpsr)
            }
        }
    }

    /// The CPSR value.
    pub const fn cpsr(&self) -> u16 {
        match self {
            PrimitiveResponse::Pause(p) => p.to_bits(),
            PrimitiveResponse::Resume => 0,
            PrimitiveResponse::Abort(c) => c.to_bits(),
            PrimitiveResponse::GetState(s) => s.0,
            PrimitiveResponse::Replay { replaying } => *replaying as u16,
            PrimitiveResponse::Other(v) => *v,
        }
    }
}

/// A control primitive response as plain values (NVMe-MI 1.2 §4.2.1, Figure 24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlPrimitiveResponseRepr {
    /// The command slot of the request.
    pub csi: Csi,
    /// The response status.
    pub status: ResponseStatus,
    /// The request's tag.
    pub tag: u8,
    /// CPSR, raw; type it with [`ControlPrimitiveResponseRepr::typed`].
    pub cpsr: u16,
}

impl ControlPrimitiveResponseRepr {
    /// Requester side: decode a checked response message (the integrity check is not
    /// verified here: call [`Message::check_mic`]).
    ///
    /// Errors: [`Error::WrongNmimt`], [`Error::WrongDirection`], and [`Error::Truncated`] /
    /// [`Error::TooLong`] for a body other than 4 bytes.
    pub fn parse<T: AsRef<[u8]>>(msg: &Message<T>) -> Result<Self> {
        let nmimt = msg.nmimt();
        if nmimt != Nmimt::ControlPrimitive {
            return Err(Error::WrongNmimt(nmimt.to_u8()));
        }
        if msg.ror() != Ror::Response {
            return Err(Error::WrongDirection);
        }
        match *msg.body() {
            [status, tag, r0, r1] => Ok(ControlPrimitiveResponseRepr {
                csi: msg.csi(),
                status: ResponseStatus::from_u8(status),
                tag,
                cpsr: u16::from_le_bytes([r0, r1]),
            }),
            ref b if b.len() < 4 => Err(Error::Truncated),
            _ => Err(Error::TooLong),
        }
    }

    /// Responder side: the success response to `request` carrying `response`.
    pub const fn answering(
        request: &ControlPrimitiveRequestRepr,
        response: PrimitiveResponse,
    ) -> Self {
        ControlPrimitiveResponseRepr {
            csi: request.csi,
            status: ResponseStatus::Success,
            tag: request.tag,
            cpsr: response.cpsr(),
        }
    }

    /// Responder side: the error response to the request message `request` for
    /// `rejection`: its CSI, its tag if the message is long enough to have one (else 0), the
    /// rejection's status, CPSR 0.
    pub fn rejecting<T: AsRef<[u8]>>(request: &Message<T>, rejection: &Rejection) -> Self {
        ControlPrimitiveResponseRepr {
            csi: request.csi(),
            status: rejection.status(),
            tag: request.body().get(1).copied().unwrap_or(0),
            cpsr: 0,
        }
    }

    /// CPSR typed as the answer to the primitive `sent`.
    pub const fn typed(&self, sent: ControlPrimitiveOpcode) -> PrimitiveResponse {
        PrimitiveResponse::from_cpsr(sent, self.cpsr)
    }

    /// The message header (NMIMT 0, ROR 1, this CSI).
    pub const fn header(&self) -> MessageHeader {
        MessageHeader::request(Nmimt::ControlPrimitive, self.csi).response()
    }

    /// Length of the message: 12.
    pub const fn buffer_len(&self) -> usize {
        CONTROL_PRIMITIVE_LEN
    }

    /// Write every field and the integrity check into a view.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, view: &mut ControlPrimitiveResponse<T>) {
        view.set_header(&self.header());
        view.set_status(self.status);
        view.set_tag(self.tag);
        view.set_cpsr(self.cpsr);
        view.fill_mic();
    }

    /// Write the complete message into `out`; returns its length (12).
    pub fn emit_message(&self, out: &mut [u8]) -> Result<usize> {
        let [r0, r1] = self.cpsr.to_le_bytes();
        let body = [self.status.to_u8(), self.tag, r0, r1];
        emit_message(&self.header(), &[&body], out)
    }
}
