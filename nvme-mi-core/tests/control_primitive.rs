//! Control primitives: the `ctrl-primitive-get-state-req` vector both ways, responder
//! rejections, round trips of every Repr, truncation and corruption.

use nvme_mi_core::mi::control_primitive::*;
use nvme_mi_core::mi::status::{Rejection, ResponseStatus};
use nvme_mi_core::mi::{Csi, Error, Message};
use proptest::prelude::*;

/// Vector `ctrl-primitive-get-state-req` of `tests/vectors/vectors.json`, embedded;
/// [`embedded_vector_matches_vector_file`] compares it with the file.
const GET_STATE_REQ: &str = "84 00 00 00 03 5a 01 00 56 26 4d 28";

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

#[test]
fn embedded_vector_matches_vector_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let at = text
        .find("\"ctrl-primitive-get-state-req\"")
        .expect("vector present");
    let rest = &text[at..];
    let hex_at = rest.find("\"hex\"").unwrap();
    let start = rest[hex_at + 5..].find('"').unwrap() + hex_at + 6;
    let end = rest[start..].find('"').unwrap() + start;
    assert_eq!(hex(&rest[start..end]), hex(GET_STATE_REQ));
}

#[test]
fn vector_get_state_request_both_ways() {
    let v = hex(GET_STATE_REQ);
    assert_eq!(
        v,
        [0x84, 0x00, 0x00, 0x00, 0x03, 0x5a, 0x01, 0x00, 0x56, 0x26, 0x4d, 0x28]
    );
    let repr = ControlPrimitiveRequestRepr {
        csi: Csi::Slot0,
        tag: 0x5a,
        primitive: ControlPrimitive::GetState {
            clear_error_state: true,
        },
    };
    // Emit, both through emit_message and through the view.
    let mut out = [0u8; 16];
    let n = repr.emit_message(&mut out).unwrap();
    assert_eq!(&out[..n], &v[..]);
    let mut buf = [0u8; 12];
    let mut view = ControlPrimitiveRequest::new_unchecked(&mut buf[..]);
    repr.emit(&mut view);
    assert_eq!(&buf[..], &v[..]);
    // Parse.
    let msg = Message::new_checked(&v[..]).unwrap();
    msg.check_mic().unwrap();
    assert_eq!(ControlPrimitiveRequestRepr::parse(&msg), Ok(repr));
    let view = ControlPrimitiveRequest::new_checked(&v[..]).unwrap();
    assert_eq!(view.opcode(), ControlPrimitiveOpcode::GetState);
    assert_eq!(view.tag(), 0x5a);
    assert_eq!(view.cpsp(), 1);
}

#[test]
fn get_state_response_both_ways() {
    let req = ControlPrimitiveRequestRepr {
        csi: Csi::Slot1,
        tag: 0x5a,
        primitive: ControlPrimitive::GetState {
            clear_error_state: false,
        },
    };
    let state = ManagementEndpointState::new(
        Ssta::Process,
        ManagementEndpointState::BAD_MIC | ManagementEndpointState::PAUSED,
    );
    let resp = ControlPrimitiveResponseRepr::answering(&req, PrimitiveResponse::GetState(state));
    let mut out = [0u8; 12];
    resp.emit_message(&mut out).unwrap();
    assert_eq!(&out[..8], &[0x84, 0x81, 0, 0, 0x00, 0x5a, 0x12, 0x80]);
    let msg = Message::new_checked(&out[..]).unwrap();
    msg.check_mic().unwrap();
    let back = ControlPrimitiveResponseRepr::parse(&msg).unwrap();
    assert_eq!(back, resp);
    assert_eq!(
        back.typed(ControlPrimitiveOpcode::GetState),
        PrimitiveResponse::GetState(state)
    );
    let view = ControlPrimitiveResponse::new_checked(&out[..]).unwrap();
    assert_eq!(view.status(), ResponseStatus::Success);
    assert_eq!(view.cpsr(), 0x8012);
}

#[test]
fn responder_rejections() {
    // Reserved opcode 0x05 ⇒ Invalid Command Opcode, answered with the tag echoed.
    let mut bad = [0x84, 0x01, 0, 0, 0x05, 0x77, 0, 0, 0, 0, 0, 0];
    let mut v = ControlPrimitiveRequest::new_checked(&mut bad[..]).unwrap();
    v.fill_mic();
    let msg = Message::new_checked(&bad[..]).unwrap();
    let r = ControlPrimitiveRequestRepr::parse(&msg).unwrap_err();
    assert_eq!(r, Rejection::InvalidCommandOpcode);
    let resp = ControlPrimitiveResponseRepr::rejecting(&msg, &r);
    let mut out = [0u8; 12];
    resp.emit_message(&mut out).unwrap();
    assert_eq!(&out[..8], &[0x84, 0x81, 0, 0, 0x03, 0x77, 0, 0]);
    // Vendor specific opcodes are accepted.
    bad[4] = 0xf3;
    let msg = Message::new_checked(&bad[..]).unwrap();
    assert_eq!(
        ControlPrimitiveRequestRepr::parse(&msg).unwrap().primitive,
        ControlPrimitive::VendorSpecific {
            opcode: 0xf3,
            cpsp: 0
        }
    );
    // Wrong size ⇒ Invalid Command Size, both shorter and longer.
    let short = [0x84, 0x00, 0, 0, 0x03, 0x5a, 0, 0, 0, 0, 0];
    let msg = Message::new_checked(&short[..]).unwrap();
    let r = ControlPrimitiveRequestRepr::parse(&msg).unwrap_err();
    assert_eq!(r, Rejection::InvalidCommandSize);
    assert_eq!(ControlPrimitiveResponseRepr::rejecting(&msg, &r).tag, 0x5a);
    let long = [0x84, 0x00, 0, 0, 0x03, 0x5a, 0, 0, 0, 0, 0, 0, 0];
    let msg = Message::new_checked(&long[..]).unwrap();
    assert_eq!(
        ControlPrimitiveRequestRepr::parse(&msg),
        Err(Rejection::InvalidCommandSize)
    );
    let empty = [0x84, 0x00, 0, 0, 0, 0, 0, 0];
    let msg = Message::new_checked(&empty[..]).unwrap();
    let r = ControlPrimitiveRequestRepr::parse(&msg).unwrap_err();
    assert_eq!(ControlPrimitiveResponseRepr::rejecting(&msg, &r).tag, 0);
    // Reserved CPSP bits are ignored.
    let mut res = [0x84, 0x00, 0, 0, 0x03, 0x01, 0xfe, 0xff, 0, 0, 0, 0];
    ControlPrimitiveRequest::new_checked(&mut res[..])
        .unwrap()
        .fill_mic();
    let msg = Message::new_checked(&res[..]).unwrap();
    assert_eq!(
        ControlPrimitiveRequestRepr::parse(&msg).unwrap().primitive,
        ControlPrimitive::GetState {
            clear_error_state: false
        }
    );
}

#[test]
fn requester_parse_errors() {
    let resp = ControlPrimitiveResponseRepr {
        csi: Csi::Slot0,
        status: ResponseStatus::Success,
        tag: 1,
        cpsr: 2,
    };
    let mut out = [0u8; 12];
    resp.emit_message(&mut out).unwrap();
    let mut req = out;
    req[1] = 0x00;
    assert_eq!(
        ControlPrimitiveResponseRepr::parse(&Message::new_checked(&req[..]).unwrap()),
        Err(Error::WrongDirection)
    );
    req[1] = 0x88;
    assert_eq!(
        ControlPrimitiveResponseRepr::parse(&Message::new_checked(&req[..]).unwrap()),
        Err(Error::WrongNmimt(1))
    );
    let long = [0x84, 0x80, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(
        ControlPrimitiveResponseRepr::parse(&Message::new_checked(&long[..]).unwrap()),
        Err(Error::TooLong)
    );
    assert_eq!(
        ControlPrimitiveResponse::new_checked(&long[..]),
        Err(Error::TooLong)
    );
    let mut small = [0u8; 11];
    assert_eq!(resp.emit_message(&mut small), Err(Error::BufferTooSmall));
}

#[test]
fn typed_cpsr_values() {
    use ControlPrimitiveOpcode as Op;
    assert_eq!(
        PrimitiveResponse::from_cpsr(Op::Abort, 0xfffe),
        PrimitiveResponse::Abort(Cpas::AbortedPartiallyProcessed)
    );
    assert_eq!(
        PrimitiveResponse::from_cpsr(Op::Abort, 3),
        PrimitiveResponse::Abort(Cpas::Reserved(3))
    );
    assert_eq!(
        PrimitiveResponse::from_cpsr(Op::Replay, 1),
        PrimitiveResponse::Replay { replaying: true }
    );
    assert_eq!(
        PrimitiveResponse::from_cpsr(Op::Pause, 2),
        PrimitiveResponse::Pause(PauseFlags {
            slot0: false,
            slot1: true
        })
    );
    assert_eq!(PrimitiveResponse::from_cpsr(Op::Resume, 0xffff).cpsr(), 0);
    assert_eq!(
        PrimitiveResponse::from_cpsr(Op::VendorSpecific(0xf0), 0x1234),
        PrimitiveResponse::Other(0x1234)
    );
    for cpsr in 0..4u16 {
        assert_eq!(Cpas::from_bits(cpsr).to_bits(), cpsr);
        assert_eq!(PauseFlags::from_bits(cpsr).to_bits(), cpsr);
    }
}

fn primitive() -> impl Strategy<Value = ControlPrimitive> {
    prop_oneof![
        Just(ControlPrimitive::Pause),
        Just(ControlPrimitive::Resume),
        Just(ControlPrimitive::Abort),
        any::<bool>().prop_map(|c| ControlPrimitive::GetState {
            clear_error_state: c
        }),
        any::<u8>().prop_map(|offset| ControlPrimitive::Replay { offset }),
        (0xf0u8..=0xff, any::<u16>())
            .prop_map(|(opcode, cpsp)| ControlPrimitive::VendorSpecific { opcode, cpsp }),
    ]
}

fn csi() -> impl Strategy<Value = Csi> {
    any::<bool>().prop_map(|b| if b { Csi::Slot1 } else { Csi::Slot0 })
}

fn primitive_response() -> impl Strategy<Value = (ControlPrimitiveOpcode, PrimitiveResponse)> {
    use ControlPrimitiveOpcode as Op;
    prop_oneof![
        (any::<bool>(), any::<bool>()).prop_map(|(slot0, slot1)| (
            Op::Pause,
            PrimitiveResponse::Pause(PauseFlags { slot0, slot1 })
        )),
        Just((Op::Resume, PrimitiveResponse::Resume)),
        (0u16..4).prop_map(|c| (Op::Abort, PrimitiveResponse::Abort(Cpas::from_bits(c)))),
        any::<u16>().prop_map(|s| (
            Op::GetState,
            PrimitiveResponse::GetState(ManagementEndpointState(s))
        )),
        any::<bool>().prop_map(|replaying| (Op::Replay, PrimitiveResponse::Replay { replaying })),
        (0xf0u8..=0xff, any::<u16>())
            .prop_map(|(o, v)| (Op::VendorSpecific(o), PrimitiveResponse::Other(v))),
    ]
}

proptest! {
    #[test]
    fn request_round_trip(csi in csi(), tag in any::<u8>(), primitive in primitive()) {
        let repr = ControlPrimitiveRequestRepr { csi, tag, primitive };
        let mut out = [0u8; 12];
        prop_assert_eq!(repr.emit_message(&mut out), Ok(repr.buffer_len()));
        let msg = Message::new_checked(&out[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(ControlPrimitiveRequestRepr::parse(&msg), Ok(repr));
        // The view path writes the same bytes.
        let mut again = [0u8; 12];
        repr.emit(&mut ControlPrimitiveRequest::new_unchecked(&mut again[..]));
        prop_assert_eq!(again, out);
        for cut in 0..out.len() {
            prop_assert!(ControlPrimitiveRequest::new_checked(&out[..cut]).is_err());
            if let Ok(m) = Message::new_checked(&out[..cut]) {
                prop_assert_eq!(
                    ControlPrimitiveRequestRepr::parse(&m),
                    Err(Rejection::InvalidCommandSize)
                );
            }
        }
    }

    #[test]
    fn response_round_trip(csi in csi(), status in any::<u8>(), tag in any::<u8>(), (op, typed) in primitive_response()) {
        let repr = ControlPrimitiveResponseRepr {
            csi,
            status: ResponseStatus::from_u8(status),
            tag,
            cpsr: typed.cpsr(),
        };
        prop_assert_eq!(repr.typed(op), typed);
        let mut out = [0u8; 12];
        prop_assert_eq!(repr.emit_message(&mut out), Ok(12));
        let msg = Message::new_checked(&out[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(ControlPrimitiveResponseRepr::parse(&msg), Ok(repr));
        let mut again = [0u8; 12];
        repr.emit(&mut ControlPrimitiveResponse::new_unchecked(&mut again[..]));
        prop_assert_eq!(again, out);
        for cut in 0..out.len() {
            prop_assert!(ControlPrimitiveResponse::new_checked(&out[..cut]).is_err());
            if let Ok(m) = Message::new_checked(&out[..cut]) {
                prop_assert_eq!(ControlPrimitiveResponseRepr::parse(&m), Err(Error::Truncated));
            }
        }
    }

    #[test]
    fn corruption_is_detected(csi in csi(), tag in any::<u8>(), primitive in primitive(), pos in 1usize..12, flip in 1u8..=255) {
        let repr = ControlPrimitiveRequestRepr { csi, tag, primitive };
        let mut out = [0u8; 12];
        repr.emit_message(&mut out).unwrap();
        out[pos] ^= flip;
        let msg = Message::new_checked(&out[..]).unwrap();
        prop_assert!(msg.check_mic().is_err());
        // Decoders stay total on the corrupted bytes.
        let _ = ControlPrimitiveRequestRepr::parse(&msg);
        let _ = ControlPrimitiveResponseRepr::parse(&msg);
    }

    #[test]
    fn any_bytes_decode_or_error(bytes in proptest::collection::vec(any::<u8>(), 0..20)) {
        if let Ok(m) = Message::new_checked(&bytes[..]) {
            let _ = ControlPrimitiveRequestRepr::parse(&m);
            let _ = ControlPrimitiveResponseRepr::parse(&m);
        }
        if let Ok(v) = ControlPrimitiveRequest::new_checked(&bytes[..]) {
            let _ = (v.opcode(), v.tag(), v.cpsp());
        }
        if let Ok(v) = ControlPrimitiveResponse::new_checked(&bytes[..]) {
            let _ = (v.status(), v.tag(), v.cpsr());
        }
    }
}
