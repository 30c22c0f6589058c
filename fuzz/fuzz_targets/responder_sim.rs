//! The simulated drive (nvme-mi-sim) behind the responder engine, fed arbitrary sequences of
//! messages and time steps.
//!
//! Input: records of a control byte and a length-prefixed message. Control bit 0: replace
//! the message's last four bytes by the correct integrity check; bit 1: a poll instead of a
//! request (the message is not used); bit 2: answer into a buffer only as long as the next
//! byte says; bits 7:3: virtual time advance in units of 400 ms (long operations finish
//! after seconds).
//!
//! Checks: the responder never panics and never claims more bytes than its buffer; every
//! answer to an NVMe-MI request is a framed response with a correct integrity check, ROR
//! set, the request's NMIMT and command slot; a Success to an MI command decodes as that
//! command's typed response and survives emit/decode; a Success to an Admin command has
//! its completion dwords and no more data than DLEN; an MCTP control answer echoes the
//! instance and command; a message that is neither is never answered; whatever `poll`
//! produces is a valid Admin response or Asynchronous Event Message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::loopback::LoopPeer;
use nvme_mi_core::mctp::{Eid, MsgTypeIc};
use nvme_mi_core::mi::admin::{decode_request, parse_response};
use nvme_mi_core::mi::aem::parse_aem;
use nvme_mi_core::mi::command::{MiCommandResponseRepr, MiRequest};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::{Message, MessageHeader, Nmimt, Ror, MAX_MESSAGE_LEN};
use nvme_mi_core::responder::{Outgoing, Respond};
use nvme_mi_core::time::Instant;
use nvme_mi_fuzz::{check_control_response, check_mi_response, sealed, typed_mi_roundtrip, Input};

fn check_answer(request: &[u8], resp: &[u8]) {
    let ty = request.first().map(|&b| MsgTypeIc::from_u8(b));
    if ty == Some(MsgTypeIc::CONTROL) {
        check_control_response(request, resp);
        return;
    }
    assert_eq!(
        ty,
        Some(MsgTypeIc::NVME_MI),
        "answered a message of another type"
    );
    let m = Message::new_checked(request).expect("only framed requests are answered");
    m.check_mic()
        .expect("a request with a bad integrity check is answered");
    let req_header = MessageHeader::parse(&m);
    assert_eq!(req_header.ror, Ror::Request, "answered a response");
    let h = check_mi_response(&req_header, resp);
    if h.status().is_success() {
        let rm = Message::new_checked(resp).unwrap();
        match req_header.nmimt {
            Nmimt::MiCommand => {
                let req =
                    MiRequest::parse(&m).expect("success to an MI request that does not decode");
                let r = MiCommandResponseRepr::parse_message(&rm).expect("MI response decodes");
                let StatusInfo::Success(nmresp) = r.info else {
                    unreachable!()
                };
                if !matches!(req, MiRequest::VendorSpecific(_)) {
                    assert!(
                        typed_mi_roundtrip(&req, nmresp, r.data),
                        "the drive's success response to {req:?} does not decode as the typed response"
                    );
                }
            }
            Nmimt::AdminCommand => {
                let req = decode_request(request)
                    .expect("success to an Admin request that does not decode");
                let (resp, data) = parse_response(resp).expect("Admin response decodes");
                assert!(resp.completion.is_some());
                assert!(
                    data.len() <= req.repr.dlen as usize,
                    "more Admin data than DLEN"
                );
            }
            _ => {}
        }
    }
}

fn check_polled(out: &[u8], o: &Outgoing<LoopPeer>) {
    match *o {
        Outgoing::Response { len, .. } => {
            let (resp, data) = parse_response(&out[..len]).expect("final Admin response decodes");
            assert!(resp.completion.is_some());
            assert!(data.len() <= 4096);
        }
        Outgoing::Unsolicited { len, .. } => {
            let m = Message::new_checked(&out[..len]).expect("AEM framed");
            m.check_mic().expect("AEM integrity check");
            parse_aem(&m).expect("AEM decodes");
        }
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mut r = nvme_mi_sim::responder::<LoopPeer>(1);
    let peer = LoopPeer {
        eid: Eid(8),
        tag: 0,
    };
    let mut now = Instant(0);
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut steps = 0;
    while !input.is_empty() && steps < 64 {
        steps += 1;
        let ctl = input.byte();
        now = Instant(now.0 + u64::from(ctl >> 3) * 400);
        let limit = if ctl & 4 != 0 {
            usize::from(input.byte()) * 17
        } else {
            MAX_MESSAGE_LEN
        };
        let buf = &mut out[..limit.min(MAX_MESSAGE_LEN)];
        if ctl & 2 != 0 {
            for _ in 0..4 {
                let Some(o) = r.poll(now, buf) else { break };
                let (Outgoing::Response { len, .. } | Outgoing::Unsolicited { len, .. }) = o;
                assert!(len <= buf.len());
                check_polled(buf, &o);
            }
            continue;
        }
        let raw = input.chunk();
        let msg = if ctl & 1 != 0 {
            sealed(raw)
        } else {
            raw.to_vec()
        };
        if let Some(n) = r.handle(&msg, &peer, now, buf) {
            assert!(
                n <= buf.len(),
                "claimed {n} bytes in a buffer of {}",
                buf.len()
            );
            check_answer(&msg, &buf[..n]);
        }
        let _ = r.next_deadline();
    }
    // Whatever the sequence, after a Resume and an Abort of slot 0 (which may still be
    // processing a long Admin command, and then drops new requests) the drive still
    // answers a health poll.
    let resume = sealed(&[0x84, 0x00, 0, 0, 0x01, 0x77, 0, 0, 0, 0, 0, 0]);
    let abort = sealed(&[0x84, 0x00, 0, 0, 0x02, 0x78, 0, 0, 0, 0, 0, 0]);
    for primitive in [&resume, &abort] {
        let n = r
            .handle(primitive, &peer, now, &mut out)
            .expect("control primitive answered");
        check_answer(primitive, &out[..n]);
    }
    let poll = sealed(&[
        0x84, 0x08, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
    ]);
    let n = r
        .handle(&poll, &peer, now, &mut out)
        .expect("health poll answered");
    check_answer(&poll, &out[..n]);
});
