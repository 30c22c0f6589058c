//! MCTP control messages (DSP0236 §12): message type 0x00, no integrity check.
//!
//! Every control message starts with the message type byte (0x00), then Rq/D/instance ID, the
//! command code and, on responses only, the completion code ([`header`]). Multi-byte fields
//! are big-endian.
//!
//! One codec serves both sides:
//! - a bus owner (requester) builds a [`ControlRequestRepr`], emits it, and decodes the answer with
//!   [`ControlResponseRepr::parse_for`] and the command it sent;
//! - an endpoint (responder) decodes any request with [`ControlRequestRepr::parse`] and encodes its
//!   answer with [`ControlResponseRepr::emit`] (an error answer is [`ControlRequestRepr::error_response`]).
//!
//! ```
//! use nvme_mi_core::mctp::control::{
//!     CompletionCode, ControlRequest, ControlResponse, GetEndpointIdResponse, EidType,
//!     EndpointType, ControlRequestRepr, ControlResponseRepr,
//! };
//! use nvme_mi_core::mctp::Eid;
//! // Requester: Get Endpoint ID, instance 1 .
//! let req = ControlRequestRepr { instance_id: 1, datagram: false, body: ControlRequest::GetEndpointId };
//! let mut buf = [0u8; 8];
//! let n = req.emit(&mut buf).unwrap();
//! assert_eq!(&buf[..n], &[0x00, 0x81, 0x02]);
//! // Responder: decode it and answer.
//! let got = ControlRequestRepr::parse(&buf[..n]).unwrap();
//! let resp = got.response(ControlResponse::GetEndpointId(GetEndpointIdResponse {
//!     eid: Eid(9),
//!     endpoint_type: EndpointType::Simple,
//!     eid_type: EidType::StaticSupported,
//!     medium_specific: 0,
//! }));
//! let n = resp.emit(&mut buf).unwrap();
//! assert_eq!(&buf[..n], &[0x00, 0x01, 0x02, 0x00, 0x09, 0x01, 0x00]);
//! // Requester: decode the answer to the command it sent.
//! let back = ControlResponseRepr::parse_for(&buf[..n], req.body.command()).unwrap();
//! assert_eq!(back.completion, CompletionCode::Success);
//! ```

mod command;
mod completion;
mod error;
mod get_eid;
mod get_uuid;
pub mod header;
mod message;
mod msg_type_support;
mod set_eid;
mod vendor;
mod version;

pub use command::CommandCode;
pub use completion::CompletionCode;
pub use error::Error;
pub use get_eid::{EidType, EndpointType, GetEndpointIdResponse};
pub use get_uuid::GetEndpointUuidResponse;
pub use header::{ControlHeader, ControlHeaderRepr, MessageKind};
pub use message::{ControlRequest, ControlRequestRepr, ControlResponse, ControlResponseRepr};
pub use msg_type_support::GetMessageTypeSupportResponse;
pub use set_eid::{
    EidAllocationStatus, EidAssignmentStatus, SetEidOperation, SetEndpointIdRequest,
    SetEndpointIdResponse,
};
pub use vendor::{
    GetVendorMessageSupportRequest, GetVendorMessageSupportResponse, VendorCapability,
};
pub use version::{
    GetVersionSupportRequest, GetVersionSupportResponse, VersionEntries, VersionEntry,
};

/// Copy `bytes` to the start of `out`; the number of bytes written.
fn put(out: &mut [u8], bytes: &[u8]) -> Result<usize, Error> {
    out.get_mut(..bytes.len())
        .ok_or(Error::BufferTooSmall)?
        .copy_from_slice(bytes);
    Ok(bytes.len())
}
