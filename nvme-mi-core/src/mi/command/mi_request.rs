use super::{
    ConfigurationGetRequest, ConfigurationSetRequest, ControllerHealthStatusPollRequest,
    MebReadRequest, MebWriteRequest, MiCommand, MiCommandRequestRepr, Opcode,
    ReadDataStructureRequest, ResetRequest, SesReceiveRequest, SesSendRequest, ShutdownRequest,
    SubsystemHealthStatusPollRequest, VpdReadRequest, VpdWriteRequest,
};
use crate::mi::header::Message;
use crate::mi::status::Rejection;
use crate::mi::{Csi, Result};

/// Any NVMe-MI Command Set request, decoded: the responder's view (NVMe-MI 1.2 §5).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MiRequest<'a> {
    /// Read NVMe-MI Data Structure.
    ReadDataStructure(ReadDataStructureRequest),
    /// NVM Subsystem Health Status Poll.
    SubsystemHealthStatusPoll(SubsystemHealthStatusPollRequest),
    /// Controller Health Status Poll.
    ControllerHealthStatusPoll(ControllerHealthStatusPollRequest),
    /// Configuration Set.
    ConfigurationSet(ConfigurationSetRequest<'a>),
    /// Configuration Get.
    ConfigurationGet(ConfigurationGetRequest<'a>),
    /// VPD Read.
    VpdRead(VpdReadRequest),
    /// VPD Write.
    VpdWrite(VpdWriteRequest<'a>),
    /// Reset.
    Reset(ResetRequest),
    /// SES Receive.
    SesReceive(SesReceiveRequest),
    /// SES Send.
    SesSend(SesSendRequest<'a>),
    /// Management Endpoint Buffer Read.
    MebRead(MebReadRequest),
    /// Management Endpoint Buffer Write.
    MebWrite(MebWriteRequest<'a>),
    /// Shutdown.
    Shutdown(ShutdownRequest),
    /// A vendor specific opcode, fields kept raw.
    VendorSpecific(MiCommandRequestRepr<'a>),
}

impl<'a> MiRequest<'a> {
    /// Decode an MI request message, or give the exact reason it must be rejected.
    ///
    /// The caller has routed the message here by its header (NMIMT 1, ROR clear) and has
    /// verified its integrity check (a message with a bad check is dropped, not answered).
    ///
    /// Rejections:
    /// * fewer than 12 bytes after the header (no room for the opcode, NMD0 and NMD1) ⇒
    ///   Invalid Command Size;
    /// * a reserved opcode ⇒ Invalid Command Opcode;
    /// * a reserved DTYP, configuration identifier, SFREQ, reset type or shutdown type, or
    ///   MAXRENT = 0xFF ⇒ Invalid Parameter at that field (byte offset from the type byte,
    ///   lowest bit);
    /// * request data where the command takes none, or whose length differs from the
    ///   command's length field ⇒ Invalid Command Input Data Size.
    ///
    /// The header's MEB flag (data in the Management Endpoint Buffer instead of the message)
    /// is not considered here: the data-size checks apply to the data in the message. A
    /// responder supporting MEB-resident data checks the flag before calling this.
    pub fn parse<T: AsRef<[u8]>>(msg: &'a Message<T>) -> core::result::Result<Self, Rejection> {
        let raw =
            MiCommandRequestRepr::parse_message(msg).map_err(|_| Rejection::InvalidCommandSize)?;
        Self::parse_repr(&raw)
    }

    /// Decode the plain values of a request (see [`MiRequest::parse`]).
    pub fn parse_repr(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        Ok(match raw.opcode {
            Opcode::ReadDataStructure => {
                MiRequest::ReadDataStructure(ReadDataStructureRequest::parse(raw)?)
            }
            Opcode::SubsystemHealthStatusPoll => {
                MiRequest::SubsystemHealthStatusPoll(SubsystemHealthStatusPollRequest::parse(raw)?)
            }
            Opcode::ControllerHealthStatusPoll => MiRequest::ControllerHealthStatusPoll(
                ControllerHealthStatusPollRequest::parse(raw)?,
            ),
            Opcode::ConfigurationSet => {
                MiRequest::ConfigurationSet(ConfigurationSetRequest::parse(raw)?)
            }
            Opcode::ConfigurationGet => {
                MiRequest::ConfigurationGet(ConfigurationGetRequest::parse(raw)?)
            }
            Opcode::VpdRead => MiRequest::VpdRead(VpdReadRequest::parse(raw)?),
            Opcode::VpdWrite => MiRequest::VpdWrite(VpdWriteRequest::parse(raw)?),
            Opcode::Reset => MiRequest::Reset(ResetRequest::parse(raw)?),
            Opcode::SesReceive => MiRequest::SesReceive(SesReceiveRequest::parse(raw)?),
            Opcode::SesSend => MiRequest::SesSend(SesSendRequest::parse(raw)?),
            Opcode::MebRead => MiRequest::MebRead(MebReadRequest::parse(raw)?),
            Opcode::MebWrite => MiRequest::MebWrite(MebWriteRequest::parse(raw)?),
            Opcode::Shutdown => MiRequest::Shutdown(ShutdownRequest::parse(raw)?),
            Opcode::VendorSpecific(_) => MiRequest::VendorSpecific(*raw),
            Opcode::Unknown(_) => return Err(Rejection::InvalidCommandOpcode),
        })
    }

    /// The opcode.
    pub fn opcode(&self) -> Opcode {
        self.to_repr().opcode
    }

    /// The request as plain values.
    pub fn to_repr(&self) -> MiCommandRequestRepr<'_> {
        match self {
            MiRequest::ReadDataStructure(r) => r.to_repr(),
            MiRequest::SubsystemHealthStatusPoll(r) => r.to_repr(),
            MiRequest::ControllerHealthStatusPoll(r) => r.to_repr(),
            MiRequest::ConfigurationSet(r) => r.to_repr(),
            MiRequest::ConfigurationGet(r) => r.to_repr(),
            MiRequest::VpdRead(r) => r.to_repr(),
            MiRequest::VpdWrite(r) => r.to_repr(),
            MiRequest::Reset(r) => r.to_repr(),
            MiRequest::SesReceive(r) => r.to_repr(),
            MiRequest::SesSend(r) => r.to_repr(),
            MiRequest::MebRead(r) => r.to_repr(),
            MiRequest::MebWrite(r) => r.to_repr(),
            MiRequest::Shutdown(r) => r.to_repr(),
            MiRequest::VendorSpecific(r) => *r,
        }
    }

    /// Write the complete request message for command slot `csi` into `out`; returns its
    /// length.
    pub fn emit(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        self.to_repr().emit(csi, out)
    }
}
