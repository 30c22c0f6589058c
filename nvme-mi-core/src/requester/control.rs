//! Typed control primitives (NVMe-MI 1.2 §4.2.1) and MCTP control messages (DSP0236 §12).

use super::endpoint::{AsyncEndpoint, Endpoint};
use super::RequestError;
use crate::mctp::control::{
    CompletionCode, ControlRequest, ControlRequestRepr, ControlResponse, ControlResponseRepr,
};
use crate::mi::control_primitive::{ControlPrimitive, PrimitiveResponse};
use crate::mi::status::{ResponseStatus, StatusInfo};
use crate::transport::{AsyncTransport, Transport};

/// The largest MCTP control request this requester encodes (header and data).
const MAX_CONTROL_REQUEST: usize = 64;

fn encode_control(req: ControlRequest<'_>, out: &mut [u8; MAX_CONTROL_REQUEST]) -> Option<usize> {
    ControlRequestRepr {
        instance_id: 0,
        datagram: false,
        body: req,
    }
    .emit(out)
    .ok()
}

macro_rules! control_commands {
    ($name:ident, $tr:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// Send a control primitive (Pause, Resume, Abort, Get State, Replay) for the
            /// configured command slot and return its typed response. A status other than
            /// Success is [`RequestError::Status`].
            pub $($async)? fn control_primitive(
                &mut self,
                primitive: ControlPrimitive,
            ) -> Result<PrimitiveResponse, RequestError<T::Error>> {
                let opcode = primitive.opcode();
                let (status, cpsr) = self.control_primitive_raw(opcode.to_u8(), primitive.cpsp())$($aw)*?;
                if status != ResponseStatus::Success {
                    return Err(RequestError::Status(StatusInfo::from_parts(status, [0; 3])));
                }
                Ok(PrimitiveResponse::from_cpsr(opcode, cpsr))
            }

            /// Send an MCTP control request (e.g. [`ControlRequest::GetEndpointId`]) and
            /// return the decoded response. A completion code other than Success is
            /// [`RequestError::Control`].
            pub $($async)? fn mctp_control(
                &mut self,
                request: ControlRequest<'_>,
            ) -> Result<ControlResponse<'_>, RequestError<T::Error>> {
                let command = request.command();
                let mut buf = [0u8; MAX_CONTROL_REQUEST];
                let n = encode_control(request, &mut buf).ok_or(RequestError::InvalidArgument)?;
                let data = buf.get(3..n).ok_or(RequestError::InvalidArgument)?;
                let msg = self.mctp_control_raw(command.to_u8(), data)$($aw)*?;
                let r = ControlResponseRepr::parse_for(msg, command).map_err(|_| RequestError::Malformed(crate::mi::Error::InvalidField))?;
                if r.completion != CompletionCode::Success {
                    return Err(RequestError::Control(r.completion));
                }
                Ok(r.body)
            }
        }
    };
}

control_commands!(Endpoint, Transport, [], []);
control_commands!(AsyncEndpoint, AsyncTransport, [async], [.await]);
