//! MCTP control messages (DSP0236 §12): the Get Endpoint ID vectors inside
//! their SMBus frames, round trips of every request and response, error responses for every
//! command, truncation and corruption.

use nvme_mi_core::mctp::control::header::{ControlHeader, ControlHeaderRepr, MessageKind};
use nvme_mi_core::mctp::control::{
    CommandCode, CompletionCode, ControlRequest, ControlRequestRepr, ControlResponse,
    ControlResponseRepr, EidAllocationStatus, EidAssignmentStatus, EidType, EndpointType, Error,
    GetEndpointIdResponse, GetEndpointUuidResponse, GetMessageTypeSupportResponse,
    GetVendorMessageSupportRequest, GetVendorMessageSupportResponse, GetVersionSupportRequest,
    GetVersionSupportResponse, SetEidOperation, SetEndpointIdRequest, SetEndpointIdResponse,
    VendorCapability, VersionEntries, VersionEntry,
};
use nvme_mi_core::mctp::smbus::{self, FrameRepr};
use nvme_mi_core::mctp::Eid;
use proptest::prelude::*;

/// `smbus-get-eid-req`.
const GET_EID_REQ: &str = "3a 0f 08 21 01 00 08 c9 00 81 02 55";
/// `smbus-get-eid-resp`.
const GET_EID_RESP: &str = "20 0f 0c 3b 01 08 09 c1 00 01 02 00 09 01 00 af";

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// Decode a frame vector, check the control message in it against `check`, re-encode the
/// control message and the frame, and require identical bytes.
fn frame_vector(h: &str, repr: FrameRepr, check: impl Fn(&[u8]) -> Vec<u8>) {
    let frame = hex(h);
    let (got, packet) = smbus::decode(&frame).unwrap();
    assert_eq!(got, repr);
    let (mctp_header, msg) = packet.split_at(4);
    let reencoded = check(msg);
    assert_eq!(reencoded, msg);
    let mut out = [0u8; smbus::MAX_FRAME_LEN];
    let n = repr
        .emit_parts(&[mctp_header, &reencoded], &mut out)
        .unwrap();
    assert_eq!(&out[..n], &frame[..]);
}

#[test]
fn get_eid_request_vector() {
    let expected = ControlRequestRepr {
        instance_id: 1,
        datagram: false,
        body: ControlRequest::GetEndpointId,
    };
    let bmc_to_drive = FrameRepr {
        dest_addr: 0x1d,
        src_addr: 0x10,
    };
    frame_vector(GET_EID_REQ, bmc_to_drive, |msg| {
        assert_eq!(ControlRequestRepr::parse(msg), Ok(expected));
        let h = ControlHeader::new_checked(msg).unwrap();
        assert!(h.rq() && !h.datagram());
        assert_eq!(h.command(), CommandCode::GetEndpointId);
        let mut buf = [0u8; 16];
        let n = expected.emit(&mut buf).unwrap();
        assert_eq!(n, expected.buffer_len());
        buf[..n].to_vec()
    });
}

#[test]
fn get_eid_response_vector() {
    let expected = ControlResponseRepr {
        instance_id: 1,
        completion: CompletionCode::Success,
        body: ControlResponse::GetEndpointId(GetEndpointIdResponse {
            eid: Eid(9),
            endpoint_type: EndpointType::Simple,
            eid_type: EidType::StaticSupported,
            medium_specific: 0,
        }),
    };
    let drive_to_bmc = FrameRepr {
        dest_addr: 0x10,
        src_addr: 0x1d,
    };
    frame_vector(GET_EID_RESP, drive_to_bmc, |msg| {
        assert_eq!(ControlResponseRepr::parse(msg), Ok(expected));
        assert_eq!(
            ControlResponseRepr::parse_for(msg, CommandCode::GetEndpointId),
            Ok(expected)
        );
        assert_eq!(
            ControlResponseRepr::parse_for(msg, CommandCode::GetEndpointUuid),
            Err(Error::CommandMismatch {
                expected: CommandCode::GetEndpointUuid,
                received: CommandCode::GetEndpointId
            })
        );
        assert_eq!(ControlRequestRepr::parse(msg), Err(Error::NotARequest));
        let mut buf = [0u8; 16];
        let n = expected.emit(&mut buf).unwrap();
        buf[..n].to_vec()
    });
}

#[test]
fn worked_layouts() {
    let mut buf = [0u8; 64];
    // Set EID (Set, EID 0x0a), instance 3.
    let req = ControlRequestRepr {
        instance_id: 3,
        datagram: false,
        body: ControlRequest::SetEndpointId(SetEndpointIdRequest {
            operation: SetEidOperation::SetEid,
            eid: Eid(0x0a),
        }),
    };
    let n = req.emit(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0x00, 0x83, 0x01, 0x00, 0x0a]);
    // Its response: accepted, no pool, EID 0x0a, pool size 0; then rejected + pool required.
    let resp = req.response(ControlResponse::SetEndpointId(SetEndpointIdResponse {
        assignment: EidAssignmentStatus::Rejected,
        allocation: EidAllocationStatus::PoolRequired,
        eid_setting: Eid(0x0a),
        pool_size: 4,
    }));
    let n = resp.emit(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0x00, 0x03, 0x01, 0x00, 0x11, 0x0a, 0x04]);
    // Get MCTP Version Support of the base spec: 1.3.3 and 1.0, big-endian entries.
    let list = [VersionEntry::V1_3_3, VersionEntry::V1_0];
    let resp = ControlResponseRepr {
        instance_id: 0,
        completion: CompletionCode::Success,
        body: ControlResponse::GetMctpVersionSupport(GetVersionSupportResponse {
            entries: VersionEntries::List(&list),
        }),
    };
    let n = resp.emit(&mut buf).unwrap();
    assert_eq!(
        &buf[..n],
        &[0x00, 0x00, 0x04, 0x00, 0x02, 0xf1, 0xf3, 0xf3, 0x00, 0xf1, 0xf0, 0xff, 0x00]
    );
    let back = ControlResponseRepr::parse(&buf[..n]).unwrap();
    let ControlResponse::GetMctpVersionSupport(v) = back.body else {
        panic!("{back:?}")
    };
    assert_eq!(v.entries.iter().collect::<Vec<_>>(), list);
    // An NVMe-MI device's Get Message Type Support answer (DSP0236, MCTP control messages): `00 01 04` after CC.
    let msg = [0x00, 0x05, 0x05, 0x00, 0x01, 0x04];
    let r = ControlResponseRepr::parse(&msg).unwrap();
    assert_eq!(
        r.body,
        ControlResponse::GetMessageTypeSupport(GetMessageTypeSupportResponse { types: &[4] })
    );
    // Datagram bit.
    let d = ControlRequestRepr::parse(&[0x00, 0xc5, 0x02]).unwrap();
    assert!(d.datagram);
    assert_eq!(d.instance_id, 5);
    // Type-not-supported answer to Get Version: header and CC only.
    let e = ControlRequestRepr::parse(&[0x00, 0x80, 0x04, 0x42])
        .unwrap()
        .error_response(CompletionCode::VERSION_TYPE_NOT_SUPPORTED);
    let n = e.emit(&mut buf).unwrap();
    assert_eq!(&buf[..n], &[0x00, 0x00, 0x04, 0x80]);
}

#[test]
fn error_response_parses_for_every_command() {
    for cmd in 0..=255u8 {
        for cc in (1..=255u8).step_by(7) {
            for trailing in [&[][..], &[0xde, 0xad][..]] {
                let mut msg = vec![0x00, 0x1f, cmd, cc];
                msg.extend_from_slice(trailing);
                let r = ControlResponseRepr::parse(&msg).unwrap();
                assert_eq!(r.instance_id, 0x1f);
                assert_eq!(r.completion, CompletionCode::from_u8(cc));
                assert_eq!(r.body, ControlResponse::NoData(CommandCode::from_u8(cmd)));
                assert_eq!(
                    ControlResponseRepr::parse_for(&msg, CommandCode::from_u8(cmd)),
                    Ok(r)
                );
            }
        }
    }
}

#[test]
fn header_errors() {
    assert_eq!(ControlRequestRepr::parse(&[]), Err(Error::Truncated));
    assert_eq!(
        ControlRequestRepr::parse(&[0x00, 0x81]),
        Err(Error::Truncated)
    );
    assert_eq!(
        ControlResponseRepr::parse(&[0x00, 0x01, 0x02]),
        Err(Error::Truncated)
    );
    assert_eq!(
        ControlRequestRepr::parse(&[0x80, 0x81, 0x02]),
        Err(Error::NotControl(0x80))
    );
    assert_eq!(
        ControlResponseRepr::parse(&[0x04, 0x01, 0x02, 0x00]),
        Err(Error::NotControl(0x04))
    );
    assert_eq!(
        ControlResponseRepr::parse(&[0x00, 0x81, 0x02]),
        Err(Error::NotAResponse)
    );
    // Reserved bit 5 of byte 1 is ignored.
    assert_eq!(
        ControlRequestRepr::parse(&[0x00, 0xa1, 0x02]).map(|r| r.instance_id),
        Ok(1)
    );
    let bad = ControlRequestRepr {
        instance_id: 32,
        datagram: false,
        body: ControlRequest::GetEndpointId,
    };
    assert_eq!(bad.emit(&mut [0u8; 8]), Err(Error::InvalidInstanceId(32)));
    let ok = ControlRequestRepr {
        instance_id: 0,
        ..bad
    };
    assert_eq!(ok.emit(&mut [0u8; 2]), Err(Error::BufferTooSmall));
    // Success responses that lack their data are truncated.
    for cmd in 1..=6u8 {
        assert_eq!(
            ControlResponseRepr::parse(&[0x00, 0x00, cmd, 0x00]),
            Err(Error::Truncated),
            "command {cmd}"
        );
    }
}

// ---- property tests ----

/// Owned ingredients from which a request or response of any kind is built.
#[derive(Debug, Clone)]
struct Parts {
    kind: u8,
    iid: u8,
    flag: bool,
    a: u8,
    b: u8,
    c: u8,
    w16: u16,
    w32: u32,
    uuid: [u8; 16],
    bytes: Vec<u8>,
    versions: Vec<VersionEntry>,
    other_cmd: u8,
    cc: u8,
}

fn parts() -> impl Strategy<Value = Parts> {
    (
        (
            0u8..9,
            0u8..32,
            any::<bool>(),
            any::<u8>(),
            any::<u8>(),
            any::<u8>(),
        ),
        (any::<u16>(), any::<u32>(), any::<[u8; 16]>()),
        proptest::collection::vec(any::<u8>(), 0..40),
        proptest::collection::vec(any::<[u8; 4]>().prop_map(VersionEntry::from_bytes), 0..12),
        any::<u8>().prop_filter("not a typed command", |c| !(1..=6).contains(c)),
        1u8..=255,
    )
        .prop_map(
            |((kind, iid, flag, a, b, c), (w16, w32, uuid), bytes, versions, other_cmd, cc)| {
                Parts {
                    kind,
                    iid,
                    flag,
                    a,
                    b,
                    c,
                    w16,
                    w32,
                    uuid,
                    bytes,
                    versions,
                    other_cmd,
                    cc,
                }
            },
        )
}

fn build_request(p: &Parts) -> ControlRequestRepr<'_> {
    let body = match p.kind % 7 {
        0 => ControlRequest::SetEndpointId(SetEndpointIdRequest {
            operation: SetEidOperation::from_bits(p.a),
            eid: Eid(p.b),
        }),
        1 => ControlRequest::GetEndpointId,
        2 => ControlRequest::GetEndpointUuid,
        3 => ControlRequest::GetMctpVersionSupport(GetVersionSupportRequest { msg_type: p.a }),
        4 => ControlRequest::GetMessageTypeSupport,
        5 => ControlRequest::GetVendorDefinedMessageSupport(GetVendorMessageSupportRequest {
            selector: p.a,
        }),
        _ => ControlRequest::Other {
            command: CommandCode::from_u8(p.other_cmd),
            data: &p.bytes,
        },
    };
    ControlRequestRepr {
        instance_id: p.iid,
        datagram: p.flag,
        body,
    }
}

fn build_response(p: &Parts) -> ControlResponseRepr<'_> {
    let assignment = match p.a & 3 {
        0 => EidAssignmentStatus::Accepted,
        1 => EidAssignmentStatus::Rejected,
        v => EidAssignmentStatus::Unknown(v),
    };
    let allocation = match p.b & 3 {
        0 => EidAllocationStatus::NoPool,
        1 => EidAllocationStatus::PoolRequired,
        2 => EidAllocationStatus::PoolReceived,
        v => EidAllocationStatus::Unknown(v),
    };
    let endpoint_type = match p.a & 3 {
        0 => EndpointType::Simple,
        1 => EndpointType::BusOwnerBridge,
        v => EndpointType::Unknown(v),
    };
    let eid_type = [
        EidType::DynamicOnly,
        EidType::StaticSupported,
        EidType::StaticMatching,
        EidType::StaticDiffering,
    ][usize::from(p.b & 3)];
    let capability = match p.c % 3 {
        0 => VendorCapability::Pci {
            vendor_id: p.w16,
            command_set_type: p.w32 as u16,
        },
        1 => VendorCapability::Iana {
            enterprise: p.w32,
            command_set_type: p.w16,
        },
        _ => VendorCapability::Unknown {
            format: p.a.max(2),
            data: &p.bytes,
        },
    };
    let (completion, body) = match p.kind % 9 {
        0 => (
            CompletionCode::Success,
            ControlResponse::SetEndpointId(SetEndpointIdResponse {
                assignment,
                allocation,
                eid_setting: Eid(p.c),
                pool_size: p.w16 as u8,
            }),
        ),
        1 => (
            CompletionCode::Success,
            ControlResponse::GetEndpointId(GetEndpointIdResponse {
                eid: Eid(p.c),
                endpoint_type,
                eid_type,
                medium_specific: p.w16 as u8,
            }),
        ),
        2 => (
            CompletionCode::Success,
            ControlResponse::GetEndpointUuid(GetEndpointUuidResponse { uuid: p.uuid }),
        ),
        3 => (
            CompletionCode::Success,
            ControlResponse::GetMctpVersionSupport(GetVersionSupportResponse {
                entries: if p.flag {
                    VersionEntries::List(&p.versions)
                } else {
                    VersionEntries::Wire(&p.bytes[..p.bytes.len() / 4 * 4])
                },
            }),
        ),
        4 => (
            CompletionCode::Success,
            ControlResponse::GetMessageTypeSupport(GetMessageTypeSupportResponse {
                types: &p.bytes,
            }),
        ),
        5 => (
            CompletionCode::Success,
            ControlResponse::GetVendorDefinedMessageSupport(GetVendorMessageSupportResponse {
                next_selector: p.b,
                capability,
            }),
        ),
        6 => (
            CompletionCode::Success,
            ControlResponse::Other {
                command: CommandCode::from_u8(p.other_cmd),
                data: &p.bytes,
            },
        ),
        _ => (
            CompletionCode::from_u8(p.cc),
            ControlResponse::NoData(CommandCode::from_u8(p.a)),
        ),
    };
    ControlResponseRepr {
        instance_id: p.iid,
        completion,
        body,
    }
}

/// True if the message length is implied by its content, so that every strict prefix must be
/// rejected (an `Other` body or an unknown vendor format extend to the end of the message).
fn self_delimiting_request(r: &ControlRequestRepr) -> bool {
    !matches!(r.body, ControlRequest::Other { .. })
}

fn self_delimiting_response(r: &ControlResponseRepr) -> bool {
    !matches!(
        r.body,
        ControlResponse::Other { .. }
            | ControlResponse::GetVendorDefinedMessageSupport(GetVendorMessageSupportResponse {
                capability: VendorCapability::Unknown { .. },
                ..
            })
    )
}

proptest! {
    #[test]
    fn request_round_trip(p in parts()) {
        let req = build_request(&p);
        let mut buf = [0u8; 64];
        let n = req.emit(&mut buf).unwrap();
        prop_assert_eq!(n, req.buffer_len());
        prop_assert_eq!(ControlRequestRepr::parse(&buf[..n]), Ok(req));
        prop_assert_eq!(ControlResponseRepr::parse(&buf[..n]), Err(Error::NotAResponse));
        if self_delimiting_request(&req) {
            for k in 0..n {
                prop_assert!(ControlRequestRepr::parse(&buf[..k]).is_err(), "prefix {}", k);
            }
        }
        // Too small an output buffer is an error, never a partial write reported as success.
        if n > 0 {
            prop_assert_eq!(req.emit(&mut buf[..n - 1]), Err(Error::BufferTooSmall));
        }
    }

    #[test]
    fn response_round_trip(p in parts()) {
        let resp = build_response(&p);
        let mut buf = [0u8; 128];
        let n = resp.emit(&mut buf).unwrap();
        prop_assert_eq!(n, resp.buffer_len());
        prop_assert_eq!(ControlResponseRepr::parse(&buf[..n]), Ok(resp));
        prop_assert_eq!(ControlResponseRepr::parse_for(&buf[..n], resp.body.command()), Ok(resp));
        prop_assert_eq!(ControlRequestRepr::parse(&buf[..n]), Err(Error::NotARequest));
        if self_delimiting_response(&resp) {
            for k in 0..n {
                prop_assert!(ControlResponseRepr::parse(&buf[..k]).is_err(), "prefix {}", k);
            }
        }
        prop_assert_eq!(resp.emit(&mut buf[..n - 1]), Err(Error::BufferTooSmall));
    }

    #[test]
    fn header_round_trip(iid in 0u8..32, cmd in any::<u8>(), req in any::<bool>(),
                         flag in any::<bool>(), cc in any::<u8>()) {
        let kind = if req {
            MessageKind::Request { datagram: flag }
        } else {
            MessageKind::Response { completion: CompletionCode::from_u8(cc) }
        };
        let repr = ControlHeaderRepr { instance_id: iid, command: CommandCode::from_u8(cmd), kind };
        let mut buf = [0u8; 4];
        let n = repr.emit(&mut buf).unwrap();
        prop_assert_eq!(n, repr.buffer_len());
        let h = ControlHeader::new_checked(&buf[..n]).unwrap();
        prop_assert_eq!(ControlHeaderRepr::parse(&h), Ok(repr));
    }

    #[test]
    fn version_entry_numbers_round_trip(ma in 0u8..100, mi in 0u8..100,
                                        up in proptest::option::of(0u8..100)) {
        let e = VersionEntry::from_numbers(ma, mi, up).unwrap();
        prop_assert_eq!(e.major_number(), Some(ma));
        prop_assert_eq!(e.minor_number(), Some(mi));
        prop_assert_eq!(e.update_number(), up);
        prop_assert_eq!(VersionEntry::from_bytes(e.to_bytes()), e);
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..80),
                                   cmd in any::<u8>()) {
        let _ = ControlRequestRepr::parse(&bytes);
        let _ = ControlResponseRepr::parse(&bytes);
        let _ = ControlResponseRepr::parse_for(&bytes, CommandCode::from_u8(cmd));
        let h = ControlHeader::new_unchecked(&bytes[..]);
        let _ = (h.data(), h.completion(), h.command(), h.instance_id());
    }

    /// Arbitrary control messages built on a valid header always decode (the typed bodies
    /// accept every value), and re-encode to no more bytes, parsing back to the same value.
    #[test]
    fn valid_header_any_data_reencodes_stably(iid in 0u8..32, cmd in 1u8..=6,
                                                 data in proptest::collection::vec(any::<u8>(), 0..40)) {
        let mut msg = vec![0x00, iid, cmd, 0x00];
        msg.extend_from_slice(&data);
        if let Ok(r) = ControlResponseRepr::parse(&msg) {
            let mut buf = [0u8; 128];
            let n = r.emit(&mut buf).unwrap();
            // Reserved bits are sent as 0 and extra bytes dropped.
            let again = ControlResponseRepr::parse(&buf[..n]).unwrap();
            prop_assert_eq!(again, r);
            prop_assert!(n <= msg.len());
        }
    }
}

#[test]
fn corrupted_type_byte_or_direction_is_rejected() {
    let req = [0x00, 0x81, 0x02];
    let resp = [0x00, 0x01, 0x02, 0x00, 0x09, 0x01, 0x00];
    for bit in 0..8 {
        let mut m = req;
        m[0] ^= 1 << bit;
        assert_eq!(
            ControlRequestRepr::parse(&m),
            Err(Error::NotControl(1 << bit))
        );
        let mut m = resp;
        m[0] ^= 1 << bit;
        assert_eq!(
            ControlResponseRepr::parse(&m),
            Err(Error::NotControl(1 << bit))
        );
    }
    // Rq flipped: the request reads as a response without its completion code, the response
    // as a request.
    let mut m = req;
    m[1] ^= 0x80;
    assert_eq!(ControlRequestRepr::parse(&m), Err(Error::Truncated));
    let mut m = resp;
    m[1] ^= 0x80;
    assert_eq!(ControlResponseRepr::parse(&m), Err(Error::NotAResponse));
    // Command code changed: the requester notices.
    let mut m = resp;
    m[2] = 0x03;
    assert_eq!(
        ControlResponseRepr::parse_for(&m, CommandCode::GetEndpointId),
        Err(Error::CommandMismatch {
            expected: CommandCode::GetEndpointId,
            received: CommandCode::GetEndpointUuid
        })
    );
}
