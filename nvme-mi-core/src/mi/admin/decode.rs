//! The responder's entry point: decode any received Admin request message into a typed
//! request, a rejection to answer, or a reason to drop it (NVMe-MI 1.2 §6).

use core::fmt;

use super::placement::check_data_placement;
use super::request::{AdminRequest, AdminRequestRepr, MIN_REQUEST_LEN, REQUEST_DATA};
use super::typed_command::TypedCommand;
use crate::mi::header::{Message, MessageHeader};
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::Rejection;
use crate::mi::{Error, Nmimt, Ror};

/// A request the responder accepted (NVMe-MI 1.2 §6): its fields, the typed
/// command and the request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DecodedAdminRequest<'a> {
    /// Every field of the request.
    pub repr: AdminRequestRepr,
    /// The command, decoded by opcode.
    pub command: TypedCommand,
    /// The request data (host to controller).
    pub data: &'a [u8],
}

/// Why a received Admin request is not executed (NVMe-MI 1.2 §4.1.2, §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum AdminRequestError {
    /// Drop the message without answering: not NVMe-MI, integrity check mismatch, not an
    /// Admin request.
    Discard(Error),
    /// Answer with an error response: [`Rejection::emit_response`] with `header`.
    Reject {
        /// The request's header, to address the response.
        header: MessageHeader,
        /// The error status.
        rejection: Rejection,
    },
}

impl fmt::Display for AdminRequestError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            AdminRequestError::Discard(e) => write!(f, "dropped: {e}"),
            AdminRequestError::Reject { rejection, .. } => write!(f, "rejected: {rejection}"),
        }
    }
}

impl core::error::Error for AdminRequestError {}

/// Decode a complete Admin request message (type byte to integrity check).
///
/// In order: the NVMe-MI framing and integrity check, NMIMT 2 with ROR 0 (else
/// [`AdminRequestError::Discard`]); then at least 68 bytes before the integrity check (else
/// Invalid Command Size); an opcode allowed out of band (else Invalid Command Opcode, see
/// [`AdminOpcode::oob_support`](super::AdminOpcode::oob_support)); the data placement rules
/// ([`check_data_placement`]) with the command's default [`TypedCommand::data_transfer`].
/// Checks that need the device (controller ID, namespace, MDTS) are the responder's.
///
/// ```
/// use nvme_mi_core::mi::admin::{decode_request, AdminRequestRepr, Identify, TypedCommand};
/// let mut msg = [0u8; 72];
/// AdminRequestRepr::for_command(0, &Identify::controller()).emit_message(&[], &mut msg).unwrap();
/// let req = decode_request(&msg).unwrap();
/// assert_eq!(req.command, TypedCommand::Identify(Identify::controller()));
/// ```
pub fn decode_request(msg: &[u8]) -> Result<DecodedAdminRequest<'_>, AdminRequestError> {
    let m = Message::new_checked(msg).map_err(AdminRequestError::Discard)?;
    m.check_mic().map_err(AdminRequestError::Discard)?;
    let header = MessageHeader::parse(&m);
    if header.ror != Ror::Request {
        return Err(AdminRequestError::Discard(Error::WrongDirection));
    }
    if header.nmimt != Nmimt::AdminCommand {
        return Err(AdminRequestError::Discard(Error::WrongNmimt(
            header.nmimt.to_u8(),
        )));
    }
    let reject = |rejection| AdminRequestError::Reject { header, rejection };
    if msg.len() < MIN_REQUEST_LEN {
        return Err(reject(Rejection::InvalidCommandSize));
    }
    let view = AdminRequest::new_checked(msg).map_err(AdminRequestError::Discard)?;
    let repr = AdminRequestRepr::parse(&view).map_err(AdminRequestError::Discard)?;
    if !repr.opcode.allowed_out_of_band() {
        return Err(reject(Rejection::InvalidCommandOpcode));
    }
    // The view checked the length: the range is in bounds.
    let data = msg
        .get(REQUEST_DATA..msg.len() - MIC_LEN)
        .unwrap_or_default();
    let command = TypedCommand::from_repr(&repr);
    let transfer = command.data_transfer(&repr, data.len());
    check_data_placement(&repr, data.len(), transfer).map_err(reject)?;
    Ok(DecodedAdminRequest {
        repr,
        command,
        data,
    })
}
