//! Typed commands on an endpoint: any [`MiCommand`] or [`AdminCommand`] of the codec, sent and
//! decoded in one call.

use super::endpoint::{AsyncEndpoint, CommandClass, Endpoint};
use super::RequestError;
use crate::mi::admin::{
    AdminCommand, AdminCompletion, AdminOpcode, AdminRequestRepr, AdminResponse, AdminResponseRepr,
    DataTransfer,
};
use crate::mi::command::{MiCommand, Opcode};
use crate::mi::pcie::{PcieCommand, PcieRequestRepr, PcieResponseRepr};
use crate::mi::status::StatusInfo;
use crate::mi::{Message, Nmimt, MAX_MESSAGE_LEN};
use crate::transport::{AsyncTransport, Transport};

/// The result of a successful Admin command: its completion dwords and the response data,
/// borrowed from the endpoint's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminResult<'a> {
    /// CQE DW0, DW1 and DW3 (the status is Success).
    pub completion: AdminCompletion,
    /// The response data.
    pub data: &'a [u8],
}

/// The timing class of an MI command: polls and reads may be repeated; Shutdown is slow.
pub fn mi_class(op: Opcode) -> CommandClass {
    match op {
        Opcode::ReadDataStructure
        | Opcode::SubsystemHealthStatusPoll
        | Opcode::ControllerHealthStatusPoll
        | Opcode::ConfigurationGet
        | Opcode::VpdRead
        | Opcode::SesReceive
        | Opcode::MebRead => CommandClass::Read,
        Opcode::Shutdown => CommandClass::Slow,
        _ => CommandClass::Write,
    }
}

/// The timing class of an Admin command: reads may be repeated; format, sanitize, firmware
/// commit, self-test and namespace management may take long.
pub fn admin_class(op: AdminOpcode) -> CommandClass {
    match op {
        AdminOpcode::Identify
        | AdminOpcode::GetLogPage
        | AdminOpcode::GetFeatures
        | AdminOpcode::SecurityReceive => CommandClass::Read,
        AdminOpcode::FormatNvm
        | AdminOpcode::Sanitize
        | AdminOpcode::FirmwareCommit
        | AdminOpcode::DeviceSelfTest
        | AdminOpcode::NamespaceManagement => CommandClass::Slow,
        _ => CommandClass::Write,
    }
}

/// The 12 fixed bytes of an MI command request after the header, from the codec.
fn mi_fixed<C: MiCommand>(cmd: &C) -> [u8; 12] {
    cmd.to_repr().fixed_bytes()
}

macro_rules! typed_commands {
    ($name:ident, $tr:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// Send an NVMe-MI Command (NVMe-MI 1.2 §5) and decode its typed success response.
            /// A status other than Success is [`RequestError::Status`].
            ///
            /// Reset (no response on success) is sent with [`Self::send_without_response`].
            pub $($async)? fn mi_command<C: MiCommand>(&mut self, cmd: &C) -> Result<C::Response<'_>, RequestError<T::Error>> {
                self.mi_command_with(cmd, |nmresp, body| cmd.decode_response(nmresp, body))$($aw)*
            }

            /// [`Self::mi_command`] with the success response (its NVMe Management Response
            /// field and data) decoded by `decode` instead of the command's own decoder.
            pub(crate) $($async)? fn mi_command_with<'s, C: MiCommand, R>(
                &'s mut self,
                cmd: &C,
                decode: impl FnOnce([u8; 3], &'s [u8]) -> crate::mi::Result<R>,
            ) -> Result<R, RequestError<T::Error>> {
                let fixed = mi_fixed(cmd);
                let r = self
                    .nvme_mi(mi_class(C::OPCODE), Nmimt::MiCommand, &[&fixed, cmd.request_data()])$($aw)*?;
                let nmresp = r.header.info.status_bytes();
                decode(nmresp, r.body).map_err(RequestError::from)
            }

            /// Send an MI command that produces no response when it succeeds (NVM Subsystem
            /// Reset, NVMe-MI 1.2 §5.7), releasing the exchange at once.
            pub $($async)? fn send_without_response<C: MiCommand>(&mut self, cmd: &C) -> Result<(), RequestError<T::Error>> {
                let fixed = mi_fixed(cmd);
                self.send_only(Nmimt::MiCommand, &[&fixed, cmd.request_data()])$($aw)*
            }

            /// Send a PCIe Command (NVMe-MI 1.2 §7) for controller `ctlid`: a configuration,
            /// memory or I/O read (returns the bytes read, borrowed from the buffer) or write
            /// (returns nothing). The request is assembled in a message-sized buffer on the
            /// stack.
            pub $($async)? fn pcie(
                &mut self,
                ctlid: u16,
                command: PcieCommand<'_>,
            ) -> Result<&[u8], RequestError<T::Error>> {
                let csi = self.config().csi;
                let repr = PcieRequestRepr { csi, ctlid, command };
                let mut req = [0u8; MAX_MESSAGE_LEN];
                let n = repr.emit_message(&mut req)?;
                let read = command.opcode().is_read();
                let class = if read { CommandClass::Read } else { CommandClass::Write };
                let expect = super::Expect::NvmeMi { nmimt: Nmimt::PcieCommand, csi, primitive_tag: None };
                let len = self.exchange(class, expect, &[&req[..n]])$($aw)*?;
                let length = if read { command.length() } else { 0 };
                let msg = self.buffer().get(..len).ok_or(RequestError::BufferTooSmall)?;
                let info = {
                    let m = Message::new_checked(msg)?;
                    PcieResponseRepr::parse(&m, length)?.info
                };
                if !matches!(info, StatusInfo::Success(_)) {
                    return Err(RequestError::Status(info));
                }
                msg.get(8..8 + length).ok_or(RequestError::Malformed(crate::mi::Error::Truncated))
            }

            /// Send an Admin command to controller `ctlid` (NVMe-MI 1.2 §6).
            ///
            /// For a command that returns data, `dofst`/`dlen` select the slice of its result
            /// to return (multiples of 4, `dlen` ≤ 4096); for one that carries data, `data` is
            /// sent and `dofst`/`dlen` are set from it. A failed NVMe completion is
            /// [`RequestError::Nvme`], a failed NVMe-MI status [`RequestError::Status`].
            pub $($async)? fn admin<C: AdminCommand>(
                &mut self,
                ctlid: u16,
                cmd: &C,
                dofst: u32,
                dlen: u32,
                data: &[u8],
            ) -> Result<AdminResult<'_>, RequestError<T::Error>> {
                let mut repr = AdminRequestRepr::for_command(ctlid, cmd);
                match cmd.data_transfer() {
                    DataTransfer::HostToDevice(_) => {
                        repr.dofst = 0;
                        repr.dlen = u32::try_from(data.len()).map_err(|_| RequestError::InvalidArgument)?;
                    }
                    _ => {
                        if !data.is_empty() {
                            return Err(RequestError::InvalidArgument);
                        }
                        repr.dofst = dofst;
                        repr.dlen = dlen;
                    }
                }
                self.admin_request(&repr, admin_class(C::OPCODE), data)$($aw)*
            }

            /// Send the Admin request `repr` (any opcode: DOFST, DLEN and the command dwords
            /// are the caller's; CSI is the endpoint's) with request data `data`, under the
            /// timing of `class`. The building block of [`Self::admin`] and of
            /// `admin_passthru` on the controller handle.
            pub $($async)? fn admin_request(
                &mut self,
                repr: &AdminRequestRepr,
                class: CommandClass,
                data: &[u8],
            ) -> Result<AdminResult<'_>, RequestError<T::Error>> {
                let mut repr = *repr;
                repr.csi = self.config().csi;
                let sqe = repr.to_bytes();
                let r = self.nvme_mi(class, Nmimt::AdminCommand, &[&sqe, data])$($aw)*?;
                let view = AdminResponse::new_checked(r.message)?;
                let parsed = AdminResponseRepr::parse(&view)?;
                let cqe = parsed.completion.ok_or(RequestError::Malformed(crate::mi::Error::Truncated))?;
                if !cqe.status.is_success() {
                    return Err(RequestError::Nvme(cqe.status));
                }
                let data = view.into_data();
                if data.len() > repr.dlen as usize {
                    return Err(RequestError::Malformed(crate::mi::Error::TooLong));
                }
                Ok(AdminResult { completion: cqe, data })
            }
        }
    };
}

typed_commands!(Endpoint, Transport, [], []);
typed_commands!(AsyncEndpoint, AsyncTransport, [async], [.await]);
