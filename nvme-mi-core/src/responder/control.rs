//! MCTP control messages served by the responder (DSP0236 §12): the endpoint answers its own
//! EID assignment, UUID, version and message-type queries.

use crate::mctp::control::{
    CompletionCode, ControlRequest, ControlRequestRepr, ControlResponse, EidAllocationStatus,
    EidAssignmentStatus, EidType, EndpointType, GetEndpointIdResponse, GetEndpointUuidResponse,
    GetMessageTypeSupportResponse, GetVersionSupportResponse, SetEidOperation,
    SetEndpointIdResponse, VersionEntries, VersionEntry,
};
use crate::mctp::{Eid, MsgType};

/// The MCTP base specification versions this endpoint reports (DSP0236 §12.6).
const BASE_VERSIONS: [VersionEntry; 4] = [
    VersionEntry::V1_0,
    VersionEntry::V1_1,
    VersionEntry::V1_2,
    VersionEntry::V1_3_3,
];

/// Message types supported besides control: NVMe-MI. The list excludes control itself, as
/// QEMU's reading of DSP0236 Table 19 does; requesters tolerate both forms.
const MESSAGE_TYPES: [u8; 1] = [MsgType::NvmeMi.to_u8()];

/// Completion code 0x80 to Get MCTP Version Support: message type not supported.
const VERSION_TYPE_NOT_SUPPORTED: u8 = 0x80;

/// The endpoint's MCTP identity.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Identity {
    pub eid: Eid,
    /// The EID given at start-up, if the endpoint has a static one.
    pub static_eid: Option<Eid>,
    pub uuid: Option<[u8; 16]>,
    /// The NVMe-MI version, reported for message type 4 (the device's).
    pub nvme_mi_version: VersionEntry,
}

/// Answer the control request `msg` into `out`; `None` for datagrams and for messages that
/// are not control requests.
pub(crate) fn serve_control(id: &mut Identity, msg: &[u8], out: &mut [u8]) -> Option<usize> {
    let req = match ControlRequestRepr::parse(msg) {
        Ok(r) => r,
        Err(_) => return answer_malformed(msg, out),
    };
    if req.datagram {
        return None;
    }
    let response = match req.body {
        ControlRequest::SetEndpointId(s) => match s.operation {
            SetEidOperation::SetEid | SetEidOperation::ForceEid if s.eid.is_unicast() => {
                id.eid = s.eid;
                req.response(ControlResponse::SetEndpointId(SetEndpointIdResponse {
                    assignment: EidAssignmentStatus::Accepted,
                    allocation: EidAllocationStatus::NoPool,
                    eid_setting: id.eid,
                    pool_size: 0,
                }))
            }
            SetEidOperation::SetEid | SetEidOperation::ForceEid => {
                req.error_response(CompletionCode::ErrorInvalidData)
            }
            // Reset EID returns an endpoint to its static EID; one without a static EID
            // has nothing to return to and answers ERROR_INVALID_DATA (DSP0236 1.3, Set
            // Endpoint ID, operation 10b).
            SetEidOperation::ResetEid if id.static_eid.is_none() => {
                req.error_response(CompletionCode::ErrorInvalidData)
            }
            SetEidOperation::ResetEid | SetEidOperation::SetDiscoveredFlag => {
                if let (SetEidOperation::ResetEid, Some(eid)) = (s.operation, id.static_eid) {
                    id.eid = eid;
                }
                req.response(ControlResponse::SetEndpointId(SetEndpointIdResponse {
                    assignment: EidAssignmentStatus::Accepted,
                    allocation: EidAllocationStatus::NoPool,
                    eid_setting: id.eid,
                    pool_size: 0,
                }))
            }
        },
        ControlRequest::GetEndpointId => {
            req.response(ControlResponse::GetEndpointId(GetEndpointIdResponse {
                eid: id.eid,
                endpoint_type: EndpointType::Simple,
                // A configured static EID is reported as EID type 1, "static EID
                // supported" (DSP0236, Get Endpoint ID response).
                eid_type: match id.static_eid {
                    None => EidType::DynamicOnly,
                    Some(_) => EidType::StaticSupported,
                },
                medium_specific: 0,
            }))
        }
        ControlRequest::GetEndpointUuid => match id.uuid {
            Some(uuid) => req.response(ControlResponse::GetEndpointUuid(GetEndpointUuidResponse {
                uuid,
            })),
            None => req.error_response(CompletionCode::ErrorUnsupportedCmd),
        },
        ControlRequest::GetMctpVersionSupport(v) => {
            let list: &[VersionEntry] = match v.msg_type {
                0xff | 0x00 => &BASE_VERSIONS,
                0x04 => core::slice::from_ref(&id.nvme_mi_version),
                _ => &[],
            };
            if list.is_empty() {
                req.error_response(CompletionCode::CommandSpecific(VERSION_TYPE_NOT_SUPPORTED))
            } else {
                req.response(ControlResponse::GetMctpVersionSupport(
                    GetVersionSupportResponse {
                        entries: VersionEntries::List(list),
                    },
                ))
            }
        }
        ControlRequest::GetMessageTypeSupport => req.response(
            ControlResponse::GetMessageTypeSupport(GetMessageTypeSupportResponse {
                types: &MESSAGE_TYPES,
            }),
        ),
        // No vendor defined message support: the first selector is already out of range.
        ControlRequest::GetVendorDefinedMessageSupport(_) => {
            req.error_response(CompletionCode::ErrorInvalidData)
        }
        ControlRequest::Other { .. } => req.error_response(CompletionCode::ErrorUnsupportedCmd),
    };
    response.emit(out).ok()
}

/// A control request whose data does not parse: answer Invalid Length when at least the
/// header is a request (DSP0236 §11.5), else drop.
fn answer_malformed(msg: &[u8], out: &mut [u8]) -> Option<usize> {
    let [ty, flags, command, ..] = *msg else {
        return None;
    };
    if ty != 0 || flags & 0x80 == 0 || flags & 0x40 != 0 {
        return None;
    }
    let resp = [
        0x00,
        flags & 0x1f,
        command,
        CompletionCode::ErrorInvalidLength.to_u8(),
    ];
    out.get_mut(..4)?.copy_from_slice(&resp);
    Some(4)
}
