//! Responder-side decoding of Admin requests: size, opcode and data placement rejections with
//! their exact Invalid Parameter locations.

use nvme_mi_core::mi::admin::*;
use nvme_mi_core::mi::status::{ParameterErrorLocation, Rejection};
use nvme_mi_core::mi::{Csi, Error, MessageHeader, Nmimt};
use proptest::prelude::*;

fn message(repr: &AdminRequestRepr, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; AdminRequestRepr::buffer_len(data.len())];
    repr.emit_message(data, &mut out).unwrap();
    out
}

fn rejection(msg: &[u8]) -> Rejection {
    match decode_request(msg) {
        Err(AdminRequestError::Reject { rejection, header }) => {
            assert_eq!(header.nmimt, Nmimt::AdminCommand);
            rejection
        }
        other => panic!("expected a rejection, got {other:?}"),
    }
}

const AT_DOFST: Rejection = Rejection::InvalidParameter(ParameterErrorLocation::new(28, 0));
const AT_DLEN: Rejection = Rejection::InvalidParameter(ParameterErrorLocation::new(32, 0));

#[test]
fn identify_accepted() {
    let repr = AdminRequestRepr::for_command(1, &Identify::namespace(1));
    let msg = message(&repr, &[]);
    let req = decode_request(&msg).unwrap();
    assert_eq!(req.repr, repr);
    assert_eq!(req.command, TypedCommand::Identify(Identify::namespace(1)));
    assert!(req.data.is_empty());
}

#[test]
fn dofst_dlen_violations() {
    let base = AdminRequestRepr::for_command(0, &Identify::controller());
    let case = |dofst: u32, dlen: u32| {
        let r = AdminRequestRepr {
            dofst,
            dlen,
            ..base
        };
        decode_request(&message(&r, &[])).err().map(|e| match e {
            AdminRequestError::Reject { rejection, .. } => rejection,
            AdminRequestError::Discard(e) => panic!("discarded: {e}"),
            _ => unreachable!(),
        })
    };
    assert_eq!(case(0, 4096), None);
    assert_eq!(case(4092, 4), None);
    assert_eq!(case(2048, 2048), None);
    assert_eq!(case(4096, 0), None);
    assert_eq!(case(2, 4), Some(AT_DOFST));
    assert_eq!(case(1, 4097), Some(AT_DOFST), "DOFST is checked first");
    assert_eq!(case(0, 6), Some(AT_DLEN));
    assert_eq!(case(0, 4100), Some(AT_DLEN));
    assert_eq!(
        case(4100, 0),
        Some(AT_DOFST),
        "offset beyond the 4096-byte result"
    );
    assert_eq!(
        case(4, 4096),
        Some(AT_DLEN),
        "offset + length beyond the result"
    );
    assert_eq!(case(0xffff_fffc, 8), Some(AT_DOFST));
    // The wire location bytes: byte 28 / 32, bit 0.
    let mut out = [0u8; 12];
    AT_DLEN
        .emit_response(
            &MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0),
            &mut out,
        )
        .unwrap();
    assert_eq!(&out[4..8], &[0x04, 0x00, 0x20, 0x00]);
    AT_DOFST
        .emit_response(
            &MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0),
            &mut out,
        )
        .unwrap();
    assert_eq!(&out[4..8], &[0x04, 0x00, 0x1c, 0x00]);
}

#[test]
fn log_page_bounds_follow_numd() {
    let g = GetLogPage::new(Lid::SmartHealth, 512);
    let r = AdminRequestRepr::for_command(0, &g);
    assert_eq!(r.dlen, 512);
    assert!(decode_request(&message(&r, &[])).is_ok());
    let r2 = AdminRequestRepr { dlen: 516, ..r };
    assert_eq!(rejection(&message(&r2, &[])), AT_DLEN);
    let r3 = AdminRequestRepr {
        dofst: 256,
        dlen: 256,
        ..r
    };
    assert!(decode_request(&message(&r3, &[])).is_ok());
}

#[test]
fn host_to_device_rules() {
    let ts = SetFeatures::new(Fid::Timestamp, 0, false);
    let r = AdminRequestRepr::for_command(0, &ts);
    assert_eq!(r.dlen, 8);
    let msg = message(&r, &[1, 2, 3, 4, 5, 6, 0, 0]);
    let ok = decode_request(&msg).unwrap();
    assert_eq!(ok.data, &[1, 2, 3, 4, 5, 6, 0, 0]);
    assert_eq!(ok.command, TypedCommand::SetFeatures(ts));
    // Fewer bytes than DLEN.
    assert_eq!(
        rejection(&message(&r, &[0; 4])),
        Rejection::InvalidCommandInputDataSize
    );
    // DOFST must be 0 for request data.
    let off = AdminRequestRepr { dofst: 4, ..r };
    assert_eq!(rejection(&message(&off, &[0; 8])), AT_DOFST);
    // More than the feature takes.
    let big = AdminRequestRepr { dlen: 12, ..r };
    assert_eq!(rejection(&message(&big, &[0; 12])), AT_DLEN);
    // Firmware download: DLEN from NUMD.
    let fw = FirmwareImageDownload::new(0, 4096).unwrap();
    let r = AdminRequestRepr::for_command(0, &fw);
    assert!(decode_request(&message(&r, &[0xee; 4096])).is_ok());
}

#[test]
fn no_data_and_bidirectional() {
    let commit = FirmwareCommit {
        fs: 1,
        ca: CommitAction::ReplaceAndActivate,
        bpid: false,
    };
    let r = AdminRequestRepr::for_command(0, &commit);
    assert_eq!(r.dlen, 0);
    assert!(decode_request(&message(&r, &[])).is_ok());
    assert_eq!(
        rejection(&message(&r, &[0; 4])),
        Rejection::InvalidCommandInputDataSize
    );
    assert_eq!(
        rejection(&message(&AdminRequestRepr { dlen: 4, ..r }, &[])),
        AT_DLEN
    );
    assert_eq!(
        rejection(&message(&AdminRequestRepr { dofst: 4, ..r }, &[])),
        AT_DOFST
    );
    // Request data on a controller-to-host command: bidirectional.
    let id = AdminRequestRepr::for_command(0, &Identify::controller());
    assert_eq!(rejection(&message(&id, &[0; 4])), AT_DLEN);
}

#[test]
fn prohibited_opcodes_rejected() {
    for opc in 0..=255u8 {
        let op = AdminOpcode::from_u8(opc);
        let r = AdminRequestRepr {
            opcode: op,
            dlen: 0,
            ..Default::default()
        };
        let msg = message(&r, &[]);
        let res = decode_request(&msg);
        match op.oob_support() {
            OobSupport::Prohibited => assert_eq!(
                rejection(&message(&r, &[])),
                Rejection::InvalidCommandOpcode,
                "{opc:#x}"
            ),
            _ => assert!(
                !matches!(
                    res,
                    Err(AdminRequestError::Reject {
                        rejection: Rejection::InvalidCommandOpcode,
                        ..
                    })
                ),
                "{opc:#x}"
            ),
        }
    }
}

#[test]
fn size_and_framing() {
    let msg = message(
        &AdminRequestRepr::for_command(0, &Identify::controller()),
        &[],
    );
    // Every prefix: dropped (bad framing or MIC), never accepted.
    for n in 0..msg.len() {
        assert!(decode_request(&msg[..n]).is_err());
    }
    // A well-sealed message shorter than 68 + MIC: Invalid Command Size.
    let mut short = msg[..40].to_vec();
    nvme_mi_core::mi::integrity::seal(&mut short).unwrap();
    assert_eq!(rejection(&short), Rejection::InvalidCommandSize);
    // Bad MIC: dropped.
    let mut bad = msg.clone();
    bad[44] ^= 1;
    assert!(matches!(
        decode_request(&bad),
        Err(AdminRequestError::Discard(Error::IntegrityMismatch { .. }))
    ));
    // Response direction or another message type: dropped.
    let mut resp = msg.clone();
    resp[1] |= 0x80;
    nvme_mi_core::mi::integrity::seal(&mut resp).unwrap();
    assert_eq!(
        decode_request(&resp),
        Err(AdminRequestError::Discard(Error::WrongDirection))
    );
    let mut mi = msg.clone();
    mi[1] = 0x08;
    nvme_mi_core::mi::integrity::seal(&mut mi).unwrap();
    assert_eq!(
        decode_request(&mi),
        Err(AdminRequestError::Discard(Error::WrongNmimt(1)))
    );
}

#[test]
fn placement_function_directly() {
    let r = AdminRequestRepr {
        dofst: 8,
        dlen: 8,
        ..Default::default()
    };
    assert_eq!(
        check_data_placement(&r, 0, DataTransfer::DeviceToHost(16)),
        Ok(())
    );
    assert_eq!(
        check_data_placement(&r, 0, DataTransfer::DeviceToHost(12)),
        Err(AT_DLEN)
    );
    assert_eq!(
        check_data_placement(&r, 0, DataTransfer::DeviceToHost(4)),
        Err(AT_DOFST)
    );
    assert_eq!(DOFST_LOCATION.byte, 28);
    assert_eq!(DLEN_LOCATION.byte, 32);
}

proptest! {
    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..120), seal in any::<bool>()) {
        let mut bytes = bytes;
        if seal && bytes.len() >= 8 {
            bytes[0] = 0x84;
            bytes[1] = 0x10;
            nvme_mi_core::mi::integrity::seal(&mut bytes).unwrap();
        }
        let _ = decode_request(&bytes);
    }

    #[test]
    fn placement_matches_rules(dofst in 0u32..5000, dlen in 0u32..5000, size in 0u32..5000) {
        let r = AdminRequestRepr { dofst, dlen, ..Default::default() };
        let got = check_data_placement(&r, 0, DataTransfer::DeviceToHost(size));
        // Alignment and the 4096 limit first, then the bounds of the result data.
        let want = if dofst % 4 != 0 {
            Err(AT_DOFST)
        } else if dlen % 4 != 0 || dlen > 4096 {
            Err(AT_DLEN)
        } else if dofst > size {
            Err(AT_DOFST)
        } else if dofst + dlen > size {
            Err(AT_DLEN)
        } else {
            Ok(())
        };
        prop_assert_eq!(got, want);
    }
}
