//! MCTP control messages (DSP0236 §12): requests and responses of every command.
//!
//! Checks: a message that decodes as a request (or a response) is emitted again, the
//! emitted length is the repr's `buffer_len`, and it decodes to the same repr;
//! `parse_for` with the message's own command code agrees with `parse`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mctp::control::{ControlRequestRepr, ControlResponseRepr};

fuzz_target!(|data: &[u8]| {
    let mut out = vec![0u8; data.len() + 64];
    if let Ok(req) = ControlRequestRepr::parse(data) {
        let n = req.emit(&mut out).expect("a decoded request re-emits");
        assert_eq!(n, req.buffer_len());
        assert_eq!(
            ControlRequestRepr::parse(&out[..n]),
            Ok(req),
            "parse(emit(parse(x)))"
        );
        assert!(
            ControlResponseRepr::parse(data).is_err(),
            "both a request and a response"
        );
        let err = req.error_response(nvme_mi_core::mctp::control::CompletionCode::Error);
        let n = err.emit(&mut out).expect("error response emits");
        assert_eq!(ControlResponseRepr::parse(&out[..n]), Ok(err));
    }
    if let Ok(resp) = ControlResponseRepr::parse(data) {
        let n = resp.emit(&mut out).expect("a decoded response re-emits");
        assert_eq!(n, resp.buffer_len());
        assert_eq!(
            ControlResponseRepr::parse(&out[..n]),
            Ok(resp),
            "parse(emit(parse(x)))"
        );
        assert_eq!(
            ControlResponseRepr::parse_for(data, resp.body.command()),
            Ok(resp)
        );
    }
});
