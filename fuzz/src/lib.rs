//! Helpers shared by the fuzz targets: a byte cursor over the fuzz input, the integrity check
//! fix-up that lets the fuzzer past the CRC, and the checks every NVMe-MI response must pass
//! whoever produced it.

use nvme_mi_core::mctp::control::ControlResponseRepr as ControlResponse;
use nvme_mi_core::mi::command::{MiCommand, MiRequest, MiResponse};
use nvme_mi_core::mi::header::{MessageHeader, MIN_MESSAGE_LEN};
use nvme_mi_core::mi::integrity::{self, MIC_LEN};
use nvme_mi_core::mi::status::{ResponseHeader, StatusInfo};
use nvme_mi_core::mi::{Message, Ror, MAX_MESSAGE_LEN};

/// A cursor over the fuzz input; reads past the end give zeros / empty slices.
pub struct Input<'a> {
    data: &'a [u8],
}

impl<'a> Input<'a> {
    /// A cursor at the start of `data`.
    pub fn new(data: &'a [u8]) -> Self {
        Input { data }
    }

    /// Nothing left.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// The next byte (0 at the end).
    pub fn byte(&mut self) -> u8 {
        match self.data.split_first() {
            Some((&b, rest)) => {
                self.data = rest;
                b
            }
            None => 0,
        }
    }

    /// The next little-endian u16.
    pub fn u16(&mut self) -> u16 {
        u16::from_le_bytes([self.byte(), self.byte()])
    }

    /// The next little-endian u32.
    pub fn u32(&mut self) -> u32 {
        u32::from_le_bytes([self.byte(), self.byte(), self.byte(), self.byte()])
    }

    /// Up to `n` bytes.
    pub fn take(&mut self, n: usize) -> &'a [u8] {
        let (a, b) = self.data.split_at(n.min(self.data.len()));
        self.data = b;
        a
    }

    /// A length-prefixed chunk: a little-endian u16 length, then that many bytes (fewer at
    /// the end of the input).
    pub fn chunk(&mut self) -> &'a [u8] {
        let n = usize::from(self.u16());
        self.take(n)
    }

    /// Everything left.
    pub fn rest(&mut self) -> &'a [u8] {
        core::mem::take(&mut self.data)
    }
}

/// `msg` with its last four bytes replaced by the correct NVMe-MI integrity check, so that
/// the fuzzer reaches the decoders behind the CRC. Messages too short for one are returned
/// unchanged.
pub fn sealed(msg: &[u8]) -> Vec<u8> {
    let mut v = msg.to_vec();
    if v.len() >= MIC_LEN {
        integrity::seal(&mut v).expect("seal on a buffer of at least four bytes");
    }
    v
}

/// Check a complete NVMe-MI response message a responder produced for the request with
/// header `request`: framed, correct integrity check, ROR set, same NMIMT and command slot,
/// a status the header decodes. Returns the parsed header.
pub fn check_mi_response(request: &MessageHeader, resp: &[u8]) -> ResponseHeader {
    assert!(resp.len() >= MIN_MESSAGE_LEN && resp.len() <= MAX_MESSAGE_LEN);
    let m = Message::new_checked(resp).expect("response is a framed NVMe-MI message");
    m.check_mic().expect("response integrity check");
    let h = ResponseHeader::parse(&m).expect("response header");
    assert_eq!(h.header.ror, Ror::Response);
    assert_eq!(h.header.nmimt, request.nmimt, "response NMIMT");
    assert_eq!(h.header.csi, request.csi, "response command slot");
    h
}

/// Check an MCTP control response a responder produced for the control request `request`:
/// it decodes, and echoes the instance ID and command code; a request that does not decode
/// gets an error completion.
pub fn check_control_response(request: &[u8], resp: &[u8]) {
    let r = ControlResponse::parse(resp).expect("control response decodes");
    match nvme_mi_core::mctp::control::ControlRequestRepr::parse(request) {
        Ok(req) => {
            assert_eq!(r.instance_id, req.instance_id, "control instance ID echoed");
            assert_eq!(
                r.body.command(),
                req.body.command(),
                "control command echoed"
            );
        }
        Err(_) => {
            assert!(
                !r.completion.is_success(),
                "success to a malformed control request"
            );
            assert_eq!(
                r.instance_id,
                request[1] & 0x1f,
                "control instance ID echoed"
            );
            assert_eq!(
                r.body.command().to_u8(),
                request[2],
                "control command echoed"
            );
        }
    }
}

/// Decode a success response (NMRESP and data) as the typed response of `req`; if it
/// decodes, emit it again and check that it decodes to the same value. Returns whether it
/// decoded.
pub fn typed_mi_roundtrip(req: &MiRequest<'_>, nmresp: [u8; 3], data: &[u8]) -> bool {
    fn rt<C: MiCommand>(cmd: &C, nmresp: [u8; 3], data: &[u8]) -> bool
    where
        for<'r> C::Response<'r>: MiResponse + core::fmt::Debug,
    {
        let Ok(resp) = cmd.decode_response(nmresp, data) else {
            return false;
        };
        let repr = resp.to_repr();
        let StatusInfo::Success(nm2) = repr.info else {
            panic!("a typed success response emits {:?}", repr.info);
        };
        let bytes = repr.data.to_vec();
        let again = cmd
            .decode_response(nm2, &bytes)
            .expect("an emitted typed response decodes");
        // The two borrow different buffers: compare their values through Debug.
        assert_eq!(
            format!("{resp:?}"),
            format!("{again:?}"),
            "typed MI response: decode(emit(decode(x))) == decode(x)"
        );
        true
    }
    match req {
        MiRequest::ReadDataStructure(c) => rt(c, nmresp, data),
        MiRequest::SubsystemHealthStatusPoll(c) => rt(c, nmresp, data),
        MiRequest::ControllerHealthStatusPoll(c) => rt(c, nmresp, data),
        MiRequest::ConfigurationSet(c) => rt(c, nmresp, data),
        MiRequest::ConfigurationGet(c) => rt(c, nmresp, data),
        MiRequest::VpdRead(c) => rt(c, nmresp, data),
        MiRequest::VpdWrite(c) => rt(c, nmresp, data),
        MiRequest::Reset(c) => rt(c, nmresp, data),
        MiRequest::SesReceive(c) => rt(c, nmresp, data),
        MiRequest::SesSend(c) => rt(c, nmresp, data),
        MiRequest::MebRead(c) => rt(c, nmresp, data),
        MiRequest::MebWrite(c) => rt(c, nmresp, data),
        MiRequest::Shutdown(c) => rt(c, nmresp, data),
        MiRequest::VendorSpecific(_) => false,
    }
}
