//! NVMe-MI responses as the requester decodes them: the response header, MI command
//! responses (generic and typed, per request), Admin responses, control primitive and PCIe
//! responses, and Asynchronous Event Messages.
//!
//! Input: a length-prefixed MI request body (opcode, NMD0, NMD1, data) that types the
//! expected response, a little-endian u16 PCIe read LENGTH, then the response message whose
//! last four bytes are replaced by the correct integrity check.
//!
//! Checks: every decoder that accepts the message gives a value that is emitted again and
//! decodes to the same value; a success response to a typed MI request that decodes as
//! the typed response survives emit/decode.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mi::admin::parse_response;
use nvme_mi_core::mi::aem::{emit_aem, parse_aem};
use nvme_mi_core::mi::command::{
    MiCommandRequestRepr, MiCommandResponseRepr, MiRequest, Opcode, ReadDataStructureResponse,
};
use nvme_mi_core::mi::control_primitive::ControlPrimitiveResponseRepr;
use nvme_mi_core::mi::pcie::PcieResponseRepr;
use nvme_mi_core::mi::status::{ResponseHeader, StatusInfo};
use nvme_mi_core::mi::{Message, MAX_MESSAGE_LEN};
use nvme_mi_fuzz::{sealed, typed_mi_roundtrip, Input};

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mut req_in = Input::new(input.chunk());
    let opcode = Opcode::from_u8(req_in.byte());
    let raw = MiCommandRequestRepr {
        opcode,
        nmd0: req_in.u32(),
        nmd1: req_in.u32(),
        data: req_in.rest(),
    };
    let request = MiRequest::parse_repr(&raw).ok();
    let pcie_len = usize::from(input.u16());
    let msg = sealed(input.rest());
    let Ok(m) = Message::new_checked(&msg[..]) else {
        return;
    };
    let mut out = vec![0u8; MAX_MESSAGE_LEN + 8];

    if let Ok(h) = ResponseHeader::parse(&m) {
        let b = h.to_bytes();
        assert_eq!(
            ResponseHeader::parse(
                &Message::new_checked(&sealed(&[&b[..], &[0; 4]].concat())[..]).unwrap()
            ),
            Ok(h)
        );
    }

    if let Ok(r) = MiCommandResponseRepr::parse_message(&m) {
        let n = r.emit(m.csi(), &mut out).expect("MI response re-emits");
        let m2 = Message::new_checked(&out[..n]).unwrap();
        m2.check_mic().unwrap();
        assert_eq!(
            MiCommandResponseRepr::parse_message(&m2),
            Ok(r),
            "parse(emit(parse(x)))"
        );
        if let (Some(req), StatusInfo::Success(nmresp)) = (&request, r.info) {
            typed_mi_roundtrip(req, nmresp, r.data);
        }
        if let (Some(MiRequest::ReadDataStructure(req)), StatusInfo::Success(nmresp)) =
            (&request, r.info)
        {
            // The quirk's lenient decoding agrees with the strict one wherever that accepts.
            let lenient = ReadDataStructureResponse::parse_lenient(req.dtyp, r.data);
            if let Ok(strict) = ReadDataStructureResponse::parse(req.dtyp, nmresp, r.data) {
                assert_eq!(lenient, Ok(strict), "lenient == strict");
            }
        }
    }

    if let Ok((resp, body)) = parse_response(&msg) {
        let n = resp
            .emit_message(body, &mut out)
            .expect("Admin response re-emits");
        let (again, body2) = parse_response(&out[..n]).expect("emitted Admin response decodes");
        assert_eq!((again, body2), (resp, body), "parse(emit(parse(x)))");
    }

    if let Ok(r) = ControlPrimitiveResponseRepr::parse(&m) {
        let n = r
            .emit_message(&mut out)
            .expect("control primitive response re-emits");
        let m2 = Message::new_checked(&out[..n]).unwrap();
        assert_eq!(ControlPrimitiveResponseRepr::parse(&m2), Ok(r));
    }

    for length in [pcie_len, 0, m.body().len().saturating_sub(4)] {
        if let Ok(r) = PcieResponseRepr::parse(&m, length) {
            assert!(r.data.len() <= length);
            let n = r.emit_message(&mut out).expect("PCIe response re-emits");
            let m2 = Message::new_checked(&out[..n]).unwrap();
            assert_eq!(
                PcieResponseRepr::parse(&m2, length),
                Ok(r),
                "parse(emit(parse(x)))"
            );
        }
    }

    if let Ok(list) = parse_aem(&m) {
        let occ: Vec<_> = list.occurrences().collect();
        assert_eq!(occ.len(), list.len());
        let n = emit_aem(&list.header(), &occ, &mut out).expect("AEM re-emits");
        let m2 = Message::new_checked(&out[..n]).unwrap();
        m2.check_mic().unwrap();
        let again = parse_aem(&m2).expect("emitted AEM decodes");
        assert_eq!(again.header(), list.header());
        assert_eq!(
            again.occurrences().collect::<Vec<_>>(),
            occ,
            "parse(emit(parse(x)))"
        );
    }
});
