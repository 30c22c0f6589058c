//! Admin responses: the MPR vector, the short and full forms, round trips, truncation and
//! corruption.

use nvme_mi_core::mi::admin::*;
use nvme_mi_core::mi::status::{
    Mprt, ParameterErrorLocation, Rejection, ResponseStatus, StatusInfo,
};
use nvme_mi_core::mi::{Csi, Error, Nmimt};
use proptest::prelude::*;

/// `admin-mpr-resp` from tests/vectors/vectors.json.
const ADMIN_MPR: [u8; 12] = [
    0x84, 0x90, 0x00, 0x00, 0x01, 0x00, 0x32, 0x00, 0x04, 0xda, 0x4f, 0x4a,
];

fn request(csi: Csi) -> AdminRequestRepr {
    AdminRequestRepr {
        csi,
        ..AdminRequestRepr::for_command(0, &Identify::controller())
    }
}

#[test]
fn vector_admin_mpr() {
    let (resp, data) = parse_response(&ADMIN_MPR).unwrap();
    assert_eq!(resp.header.status(), ResponseStatus::MoreProcessingRequired);
    assert_eq!(resp.mprt(), Some(Mprt(0x32)));
    assert_eq!(resp.mprt().unwrap().as_millis(), 5000);
    assert_eq!(resp.header.header.nmimt, Nmimt::AdminCommand);
    assert_eq!(resp.completion, None);
    assert!(data.is_empty());
    // And the responder produces the same bytes.
    let mpr = AdminResponseRepr::more_processing_required(&request(Csi::Slot0), Mprt(0x32));
    let mut out = [0u8; 16];
    let n = mpr.emit_message(&[], &mut out).unwrap();
    assert_eq!(out[..n], ADMIN_MPR);
    for len in 0..ADMIN_MPR.len() {
        assert!(parse_response(&ADMIN_MPR[..len]).is_err(), "prefix {len}");
    }
}

#[test]
fn padded_mpr_form() {
    // The 20-byte form of an MPR (NVMe-MI 1.2): libnvme accepts it, so do we.
    let mut repr = AdminResponseRepr::more_processing_required(&request(Csi::Slot1), Mprt(7));
    repr.completion = Some(AdminCompletion::default());
    let mut out = [0u8; 24];
    let n = repr.emit_message(&[], &mut out).unwrap();
    assert_eq!(n, 24);
    let (back, _) = parse_response(&out).unwrap();
    assert_eq!(back.mprt(), Some(Mprt(7)));
    assert_eq!(back.header.header.csi, Csi::Slot1);
}

#[test]
fn identify_success_with_data() {
    let data = [0x5au8; 4096];
    let ok = AdminResponseRepr::success(&request(Csi::Slot0), AdminCompletion::success(0));
    let mut out = vec![0u8; 4200];
    let n = ok.emit_message(&data, &mut out).unwrap();
    assert_eq!(n, 4096 + 24);
    assert_eq!(n, ok.buffer_len(4096));
    assert_eq!(&out[..12], &[0x84, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]);
    let (back, d) = parse_response(&out[..n]).unwrap();
    assert_eq!(back, ok);
    assert_eq!(d, &data[..]);
    assert!(back.completion.unwrap().status.is_success());
    for len in (0..n).step_by(97).chain(n - 8..n) {
        assert!(parse_response(&out[..len]).is_err(), "prefix {len}");
    }
}

#[test]
fn nvme_error_status() {
    let c = AdminCompletion {
        status: NvmeStatus {
            dnr: true,
            ..NvmeStatus::new(Sct::CommandSpecific, 0x09)
        },
        ..AdminCompletion::success(0x1234)
    };
    assert_eq!(c.dw3(), (0x4109u32) << 17);
    let ok = AdminResponseRepr::success(&request(Csi::Slot0), c);
    let mut out = [0u8; 24];
    ok.emit_message(&[], &mut out).unwrap();
    assert_eq!(
        &out[8..20],
        &[0x34, 0x12, 0, 0, 0, 0, 0, 0, 0, 0, 0x12, 0x82]
    );
    let (back, _) = parse_response(&out).unwrap();
    let st = back.completion.unwrap().status;
    assert_eq!(st.to_string(), "Invalid Log Page (do not retry)");
}

#[test]
fn rejections_are_short() {
    let req = request(Csi::Slot0);
    let rej = Rejection::InvalidParameter(DLEN_LOCATION);
    let r = AdminResponseRepr::rejected(&req, rej);
    let mut out = [0u8; 12];
    let n = r.emit_message(&[], &mut out).unwrap();
    assert_eq!(n, 12);
    assert_eq!(&out[..8], &[0x84, 0x90, 0, 0, 0x04, 0x00, 32, 0]);
    // Same bytes as the generic error encoder.
    let mut same = [0u8; 12];
    rej.emit_response(&req.header(), &mut same).unwrap();
    assert_eq!(out, same);
    let (back, _) = parse_response(&out).unwrap();
    assert_eq!(
        back.header.info,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(32, 0))
    );
    // Data without completion dwords cannot be sent.
    assert_eq!(
        r.emit_message(&[0; 4], &mut [0u8; 32]),
        Err(Error::InvalidField)
    );
}

#[test]
fn wrong_form_and_kind() {
    // A short Success has no completion: truncated.
    let mut short_ok = [0x84, 0x90, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0];
    nvme_mi_core::mi::integrity::seal(&mut short_ok).unwrap();
    assert_eq!(parse_response(&short_ok).unwrap_err(), Error::Truncated);
    // An MI command response is not an Admin response.
    let mi = [0x84, 0x88, 0, 0, 0x05, 0, 0, 0, 0x6f, 0xce, 0x10, 0x84];
    assert_eq!(parse_response(&mi).unwrap_err(), Error::WrongNmimt(1));
    // A request is not a response.
    let mut req = [0u8; 72];
    request(Csi::Slot0).emit_message(&[], &mut req).unwrap();
    assert!(parse_response(&req).is_err());
    // Lengths between the two forms.
    for n in 13..24 {
        let buf = vec![0x84u8; n];
        assert_eq!(
            AdminResponse::new_checked(&buf[..]).unwrap_err(),
            Error::Truncated
        );
    }
}

fn arb_status() -> impl Strategy<Value = StatusInfo> {
    prop_oneof![
        Just(StatusInfo::Success([0; 3])),
        any::<u16>().prop_map(|m| StatusInfo::MoreProcessingRequired(Mprt(m))),
        (any::<u16>(), 0u8..8)
            .prop_map(|(b, bit)| StatusInfo::InvalidParameter(ParameterErrorLocation::new(b, bit))),
        (2u8..=255)
            .prop_filter("not 0, 1 or 4", |s| *s != 4)
            .prop_map(|s| StatusInfo::Other(ResponseStatus::from_u8(s))),
    ]
}

proptest! {
    #[test]
    fn response_round_trip(info in arb_status(), slot1 in any::<bool>(),
                           dws in any::<(u32, u32, u32)>(), long in any::<bool>(),
                           data in prop::collection::vec(any::<u8>(), 0..64)) {
        let csi = if slot1 { Csi::Slot1 } else { Csi::Slot0 };
        let mut repr = AdminResponseRepr::success(&request(csi), AdminCompletion::default());
        repr.header.info = info;
        let full = long || info.status().is_success();
        repr.completion = full.then(|| AdminCompletion::from_dwords(dws.0, dws.1, dws.2));
        let data: &[u8] = if full { &data } else { &[] };
        let mut out = [0u8; 128];
        let n = repr.emit_message(data, &mut out).unwrap();
        prop_assert_eq!(n, repr.buffer_len(data.len()));
        let (back, d) = parse_response(&out[..n]).unwrap();
        prop_assert_eq!(back, repr);
        prop_assert_eq!(d, data);
        prop_assert_eq!(back.completion.map(|c| c.dw3()), full.then_some(dws.2));
        for len in 0..n {
            prop_assert!(parse_response(&out[..len]).is_err());
        }
        let mut bad = out;
        bad[n / 2] ^= 0x10;
        prop_assert!(parse_response(&bad[..n]).is_err());
    }

    #[test]
    fn parse_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..100)) {
        let _ = parse_response(&bytes);
        if let Ok(v) = AdminResponse::new_checked(&bytes[..]) {
            let _ = (v.completion(), v.data(), v.status_info());
            let _ = AdminResponseRepr::parse(&v);
        }
    }
}
