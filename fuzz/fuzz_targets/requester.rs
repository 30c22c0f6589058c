//! The requester engine (`Endpoint`) over a transport that answers with the fuzz input.
//!
//! Input: a command selector and its parameters, then response records for the transport:
//! a control byte and a length-prefixed body. Control bit 0: make the body a plausible
//! answer (type byte, header echoing the request's NMIMT and command slot with ROR set, the
//! control primitive's tag or the MCTP control instance and command, and the correct
//! integrity check); bit 1: let the receive time out instead; otherwise the body is the
//! whole message as received. When the records run out every receive times out.
//!
//! Checks: no command panics or loops (each receive consumes input or time), results stay
//! within what was asked (Admin data no longer than DLEN, reads no longer than their
//! buffer), and the exchange never runs past its policy's retries.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mctp::control::ControlRequest;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::command::{
    ConfigurationGetRequest, ControllerHealthStatusPollRequest, Dtyp, MiCommand,
    MiCommandRequestRepr, MiRequest, Opcode, ReadDataStructureRequest, ResetRequest,
    SubsystemHealthStatusPollRequest,
};
use nvme_mi_core::mi::control_primitive::ControlPrimitive;
use nvme_mi_core::mi::pcie::PcieCommand;
use nvme_mi_core::requester::{AeSettings, Endpoint, RequestError};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{gather, ErrorKind, Transport};
use nvme_mi_fuzz::{sealed, Input};

struct FuzzTransport<'a> {
    input: Input<'a>,
    now: Instant,
    request: Vec<u8>,
    sends: usize,
}

impl Transport for FuzzTransport<'_> {
    type Error = ErrorKind;

    fn now(&mut self) -> Instant {
        self.now
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), ErrorKind> {
        self.sends += 1;
        assert!(self.sends < 10_000, "requester keeps resending");
        let mut buf = vec![0u8; message.iter().map(|p| p.len()).sum()];
        gather(message, &mut buf).expect("gather");
        self.request = buf;
        Ok(())
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
        if self.input.is_empty() {
            self.now = self.now.max(deadline);
            return Err(ErrorKind::Timeout);
        }
        let ctl = self.input.byte();
        let body = self.input.chunk();
        if ctl & 2 != 0 {
            self.now = self.now.max(deadline);
            return Err(ErrorKind::Timeout);
        }
        self.now = Instant(self.now.0 + 1);
        let msg = if ctl & 1 == 0 {
            body.to_vec()
        } else if self.request.first() == Some(&0) {
            // MCTP control: type 0, Rq clear with the instance, the command code.
            let r = &self.request;
            [&[0, r[1] & 0x1f, r[2]][..], body].concat()
        } else {
            let r = &self.request;
            let mut m = [&[0x84, r[1] | 0x80, r[2], r[3]][..], body, &[0; 4]].concat();
            if r[1] >> 3 & 0xf == 0 && m.len() > 5 && r.len() > 5 {
                m[5] = r[5]; // control primitive tag
            }
            sealed(&m)
        };
        let n = msg.len();
        buf.get_mut(..n)
            .ok_or(ErrorKind::BufferTooSmall)?
            .copy_from_slice(&msg);
        Ok(n)
    }
}

type Ep<'a> = Endpoint<FuzzTransport<'a>, Vec<u8>>;

fn mi<C: MiCommand>(ep: &mut Ep<'_>, c: &C) {
    let _ = ep.mi_command(c);
}

fn mi_any(ep: &mut Ep<'_>, req: &MiRequest<'_>) {
    match req {
        MiRequest::ReadDataStructure(c) => mi(ep, c),
        MiRequest::SubsystemHealthStatusPoll(c) => mi(ep, c),
        MiRequest::ControllerHealthStatusPoll(c) => mi(ep, c),
        MiRequest::ConfigurationSet(c) => mi(ep, c),
        MiRequest::ConfigurationGet(c) => mi(ep, c),
        MiRequest::VpdRead(c) => mi(ep, c),
        MiRequest::VpdWrite(c) => mi(ep, c),
        MiRequest::Reset(c) => mi(ep, c),
        MiRequest::SesReceive(c) => mi(ep, c),
        MiRequest::SesSend(c) => mi(ep, c),
        MiRequest::MebRead(c) => mi(ep, c),
        MiRequest::MebWrite(c) => mi(ep, c),
        MiRequest::Shutdown(c) => mi(ep, c),
        MiRequest::VendorSpecific(_) => {}
    }
}

fn ok_len<E: core::fmt::Debug>(r: Result<usize, RequestError<E>>, max: usize) {
    if let Ok(n) = r {
        assert!(n <= max, "{n} bytes into a buffer of {max}");
    }
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let sel = input.byte();
    let p0 = input.byte();
    let p1 = input.u16();
    let req_bytes = input.chunk();
    let transport = FuzzTransport {
        input,
        now: Instant(0),
        request: Vec::new(),
        sends: 0,
    };
    let mut ep: Ep<'_> = Endpoint::new(transport, vec![0u8; 4224]);
    match sel % 14 {
        0 => mi(
            &mut ep,
            &SubsystemHealthStatusPollRequest {
                clear_status: p0 & 1 != 0,
            },
        ),
        1 => mi(
            &mut ep,
            &ReadDataStructureRequest {
                dtyp: Dtyp::from_u8(p0),
                port_id: 0,
                ctrl_id: p1,
                iocsi: 0,
            },
        ),
        2 => mi(
            &mut ep,
            &ControllerHealthStatusPollRequest {
                maxrent: p0 & 0x7f,
                all: true,
                ..Default::default()
            },
        ),
        3 => mi(
            &mut ep,
            &ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: p0 },
        ),
        4 => {
            let mut out = vec![0u8; usize::from(p1 % 5000)];
            ok_len(ep.vpd_read(u16::from(p0), &mut out), out.len());
        }
        5 => {
            let mut out = vec![0u8; 4096];
            ok_len(
                ep.read_admin_data(1, &Identify::controller(), &mut out, usize::from(p1)),
                4096,
            );
        }
        6 => {
            let mut out = vec![0u8; usize::from(p1 % 9000)];
            let cmd = GetLogPage::new(Lid::from_u8(p0), out.len() as u32);
            ok_len(ep.get_log_page(1, &cmd, &mut out), out.len());
        }
        7 => {
            let _ = ep.mctp_control(ControlRequest::GetEndpointId);
        }
        8 => {
            let _ = ep.control_primitive(ControlPrimitive::GetState {
                clear_error_state: p0 & 1 != 0,
            });
        }
        9 => {
            let length = p1 % 64;
            if let Ok(d) = ep.pcie(
                1,
                PcieCommand::ConfigRead {
                    offset: u16::from(p0),
                    length,
                },
            ) {
                assert_eq!(d.len(), usize::from(length));
            }
        }
        10 => {
            let _ = ep.enable_events(AeSettings::default(), &[]);
        }
        11 => {
            let _ = ep.send_without_response(&ResetRequest::default());
        }
        12 => {
            if let Ok(r) = ep.admin(1, &Identify::controller(), 0, u32::from(p1) & !3, &[]) {
                assert!(r.data.len() <= usize::from(p1 & !3));
            }
        }
        _ => {
            let mut rin = Input::new(req_bytes);
            let raw = MiCommandRequestRepr {
                opcode: Opcode::from_u8(rin.byte()),
                nmd0: rin.u32(),
                nmd1: rin.u32(),
                data: rin.rest(),
            };
            if let Ok(req) = MiRequest::parse_repr(&raw) {
                mi_any(&mut ep, &req);
            }
        }
    }
});
