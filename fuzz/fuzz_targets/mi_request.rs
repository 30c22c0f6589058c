//! NVMe-MI requests as the responder decodes them: MI commands, Admin commands, control
//! primitives and PCIe commands, and the error responses their rejections produce.
//!
//! The input is a whole message whose last four bytes are replaced by the correct
//! integrity check. Checks: a request that decodes is emitted again and decodes to the same
//! value (`MiRequest`, `AdminRequestRepr` with its data, `ControlPrimitiveRequestRepr`,
//! `PcieRequestRepr`); a rejection's error response is a valid response to the request's
//! header with the rejection's status.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mi::admin::{decode_request, AdminRequestError};
use nvme_mi_core::mi::command::MiRequest;
use nvme_mi_core::mi::control_primitive::ControlPrimitiveRequestRepr;
use nvme_mi_core::mi::pcie::PcieRequestRepr;
use nvme_mi_core::mi::status::{Rejection, ResponseStatus};
use nvme_mi_core::mi::{Message, MessageHeader, Nmimt, Ror, MAX_MESSAGE_LEN};
use nvme_mi_fuzz::{check_mi_response, sealed};

fn check_rejection(header: &MessageHeader, rej: &Rejection) {
    let mut out = [0u8; 64];
    let n = rej
        .emit_response(header, &mut out)
        .expect("error response fits");
    assert_eq!(n, rej.buffer_len());
    let h = check_mi_response(header, &out[..n]);
    assert_eq!(h.status(), rej.status());
    assert!(!matches!(h.status(), ResponseStatus::Success));
}

fuzz_target!(|data: &[u8]| {
    let msg = sealed(data);
    let Ok(m) = Message::new_checked(&msg[..]) else {
        return;
    };
    assert!(m.check_mic().is_ok());
    let header = MessageHeader::parse(&m);
    let mut out = vec![0u8; MAX_MESSAGE_LEN];

    match MiRequest::parse(&m) {
        Ok(req) => {
            let n = req
                .emit(header.csi, &mut out)
                .expect("a decoded MI request re-emits");
            let m2 = Message::new_checked(&out[..n]).unwrap();
            m2.check_mic().expect("emitted request's integrity check");
            assert_eq!(MiRequest::parse(&m2), Ok(req), "parse(emit(parse(x)))");
            assert_eq!(req.opcode(), req.to_repr().opcode);
        }
        Err(rej) => check_rejection(&header, &rej),
    }

    match decode_request(&msg) {
        Ok(req) => {
            assert_eq!(header.nmimt, Nmimt::AdminCommand);
            assert_eq!(header.ror, Ror::Request);
            let n = req
                .repr
                .emit_message(req.data, &mut out)
                .expect("Admin request re-emits");
            let again = decode_request(&out[..n]).expect("emitted Admin request decodes");
            assert_eq!(again, req, "decode(emit(decode(x)))");
        }
        Err(AdminRequestError::Reject {
            header: h,
            rejection,
        }) => {
            assert_eq!(h, header);
            check_rejection(&h, &rejection);
        }
        Err(AdminRequestError::Discard(_)) => {
            assert!(header.nmimt != Nmimt::AdminCommand || header.ror != Ror::Request);
        }
        Err(e) => panic!("unknown Admin decode error {e:?}"),
    }

    match ControlPrimitiveRequestRepr::parse(&m) {
        Ok(req) => {
            let n = req
                .emit_message(&mut out)
                .expect("control primitive re-emits");
            assert_eq!(n, req.buffer_len());
            let m2 = Message::new_checked(&out[..n]).unwrap();
            assert_eq!(ControlPrimitiveRequestRepr::parse(&m2), Ok(req));
        }
        Err(rej) => check_rejection(&header, &rej),
    }

    match PcieRequestRepr::parse(&m) {
        Ok(req) => {
            let n = req.emit_message(&mut out).expect("PCIe request re-emits");
            let m2 = Message::new_checked(&out[..n]).unwrap();
            m2.check_mic().unwrap();
            assert_eq!(
                PcieRequestRepr::parse(&m2),
                Ok(req),
                "parse(emit(parse(x)))"
            );
        }
        Err(rej) => check_rejection(&header, &rej),
    }
});
