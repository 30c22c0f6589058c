//! The responder engine against a small test device: every malformed-request class is
//! answered with its exact status (or dropped where the specification says so), long
//! operations answer More Processing Required and finish later, events go to the peer that
//! enabled them.

use core::time::Duration;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{
    AdminCompletion, AdminRequestRepr, DecodedAdminRequest, Identify, TypedCommand,
};
use nvme_mi_core::mi::command::{ConfigurationSetRequest, MiRequest};
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::status::{Mprt, Rejection, ResponseStatus, StatusInfo};
use nvme_mi_core::mi::{Csi, Message, Nmimt, Ror};
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply, Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;

#[derive(Default)]
struct TestDevice {
    format_done_at: Option<Instant>,
    event_due: Option<Instant>,
}

impl Device for TestDevice {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        ctx: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        match req {
            MiRequest::SubsystemHealthStatusPoll(_) => {
                data[..8].copy_from_slice(&[0x38, 0xff, 0x25, 3, 0, 0, 0, 0]);
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: 8,
                })
            }
            MiRequest::ConfigurationSet(ConfigurationSetRequest::AsyncEvent { .. }) => {
                self.event_due = Some(ctx.now + Duration::from_secs(1));
                data[..7].copy_from_slice(&[0, 0, 7, 0, 0, 7, 0]);
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: 7,
                })
            }
            MiRequest::Reset(_) => Ok(MiReply::NoResponse),
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }

    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        match req.command {
            TypedCommand::Identify(_) => {
                let n = req.repr.dlen as usize;
                for (i, b) in out[..n].iter_mut().enumerate() {
                    *b = (req.repr.dofst as usize + i) as u8;
                }
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: n,
                })
            }
            TypedCommand::FormatNvm(_) => {
                self.format_done_at = Some(ctx.now + Duration::from_secs(3));
                Ok(AdminReply::InProgress(Mprt(30)))
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }

    fn poll_admin(
        &mut self,
        _csi: Csi,
        now: Instant,
        _out: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        match self.format_done_at {
            Some(t) if t <= now => {
                self.format_done_at = None;
                Some((AdminCompletion::success(0x77), 0))
            }
            _ => None,
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        match (self.format_done_at, self.event_due) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }

    fn take_aem(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        match self.event_due {
            Some(t) if t <= now => {
                self.event_due = None;
                out[..7].copy_from_slice(&[0, 0, 7, 0, 0, 7, 1 << 3]);
                Some(7)
            }
            _ => None,
        }
    }
}

type Peer = u32;

fn responder() -> Responder<TestDevice, Peer> {
    Responder::new(TestDevice::default(), Eid(9))
}

fn mi_req(body: &[u8]) -> Vec<u8> {
    req(Csi::Slot0, Nmimt::MiCommand, body)
}

/// A request of type `nmimt` on slot `csi` with `body` after the header.
fn req(csi: Csi, nmimt: Nmimt, body: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 4224];
    let n = emit_message(&MessageHeader::request(nmimt, csi), &[body], &mut out).unwrap();
    out.truncate(n);
    out
}

fn mi_body(opcode: u8, nmd0: u32, nmd1: u32, data: &[u8]) -> Vec<u8> {
    let mut b = vec![opcode, 0, 0, 0];
    b.extend_from_slice(&nmd0.to_le_bytes());
    b.extend_from_slice(&nmd1.to_le_bytes());
    b.extend_from_slice(data);
    b
}

fn answer(r: &mut Responder<TestDevice, Peer>, req: &[u8], now: u64) -> Option<Vec<u8>> {
    let mut out = vec![0u8; 4224];
    let n = r.handle(req, &7, Instant(now), &mut out)?;
    out.truncate(n);
    let m = Message::new_checked(&out[..]).unwrap();
    m.check_mic().unwrap();
    assert_eq!(m.ror(), Ror::Response);
    Some(out)
}

fn status(resp: &[u8]) -> StatusInfo {
    let m = Message::new_checked(resp).unwrap();
    nvme_mi_core::mi::status::ResponseHeader::parse(&m)
        .unwrap()
        .info
}

#[test]
fn health_poll_answered() {
    let mut r = responder();
    let resp = answer(&mut r, &mi_req(&mi_body(1, 0, 0, &[])), 0).unwrap();
    assert_eq!(status(&resp), StatusInfo::Success([0; 3]));
    assert_eq!(&resp[8..16], &[0x38, 0xff, 0x25, 3, 0, 0, 0, 0]);
}

#[test]
fn integrity_failures_and_responses_are_dropped_not_answered() {
    let mut r = responder();
    let mut bad = mi_req(&mi_body(1, 0, 0, &[]));
    bad[9] ^= 1;
    assert_eq!(answer(&mut r, &bad, 0), None);
    assert_eq!(r.stats().bad_integrity, 1);
    let mut out = vec![0u8; 64];
    let n = emit_message(
        &MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response(),
        &[&[0; 4]],
        &mut out,
    )
    .unwrap();
    assert_eq!(answer(&mut r, &out[..n], 0), None);
    assert_eq!(answer(&mut r, &[0x84, 0x08], 0), None);
    assert_eq!(answer(&mut r, &[], 0), None);
    assert_eq!(answer(&mut r, &[0x05, 1, 2, 3, 4, 5, 6, 7, 8], 0), None);
    assert_eq!(r.stats().dropped, 4);
    assert_eq!(r.stats().rejected, 0);
}

#[test]
fn malformed_mi_requests_get_their_exact_status() {
    let mut r = responder();
    // Reserved opcode.
    let resp = answer(&mut r, &mi_req(&mi_body(0x0d, 0, 0, &[])), 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandOpcode)
    );
    // Reserved DTYP 0x06 in NMD0 bits 31:24: byte 11, bit 0.
    let resp = answer(&mut r, &mi_req(&mi_body(0, 0x0600_0000, 0, &[])), 0).unwrap();
    match status(&resp) {
        StatusInfo::InvalidParameter(loc) => assert_eq!((loc.byte, loc.bit), (11, 0)),
        other => panic!("{other:?}"),
    }
    // Too short for NMD0/NMD1.
    let resp = answer(&mut r, &mi_req(&[1, 0, 0, 0, 0, 0, 0, 0]), 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandSize)
    );
    // Health poll carries no request data.
    let resp = answer(&mut r, &mi_req(&mi_body(1, 0, 0, &[1, 2, 3, 4])), 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandInputDataSize)
    );
    // A command the device does not implement.
    let resp = answer(&mut r, &mi_req(&mi_body(5, 0, 4, &[])), 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandOpcode)
    );
    assert_eq!(r.stats().rejected, 5);
}

#[test]
fn wrong_message_types_are_rejected_at_the_nmimt_field() {
    let mut r = responder();
    for nmimt in [Nmimt::AsyncEvent, Nmimt::Unknown(7)] {
        let mut out = vec![0u8; 64];
        let n = emit_message(
            &MessageHeader::request(nmimt, Csi::Slot1),
            &[&[0; 12]],
            &mut out,
        )
        .unwrap();
        let resp = answer(&mut r, &out[..n], 0).unwrap();
        match status(&resp) {
            StatusInfo::InvalidParameter(loc) => assert_eq!((loc.byte, loc.bit), (1, 3)),
            other => panic!("{other:?}"),
        }
        assert_eq!(Message::new_checked(&resp[..]).unwrap().csi(), Csi::Slot1);
    }
}

fn admin_req(repr: AdminRequestRepr, data: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; 4224];
    let n = repr.emit_message(data, &mut out).unwrap();
    out.truncate(n);
    out
}

#[test]
fn admin_rejections() {
    let mut r = responder();
    // Prohibited out of band: Delete I/O Submission Queue.
    let mut repr = AdminRequestRepr::for_command(0, &Identify::controller());
    repr.opcode = 0x00.into();
    let resp = answer(&mut r, &admin_req(repr, &[]), 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandOpcode)
    );
    // DOFST not a multiple of 4: byte 28.
    let mut repr = AdminRequestRepr::for_command(0, &Identify::controller());
    repr.dofst = 2;
    repr.dlen = 64;
    match status(&answer(&mut r, &admin_req(repr, &[]), 0).unwrap()) {
        StatusInfo::InvalidParameter(loc) => assert_eq!(loc.byte, 28),
        other => panic!("{other:?}"),
    }
    // DLEN over 4096: byte 32.
    let mut repr = AdminRequestRepr::for_command(0, &Identify::controller());
    repr.dlen = 8192;
    match status(&answer(&mut r, &admin_req(repr, &[]), 0).unwrap()) {
        StatusInfo::InvalidParameter(loc) => assert_eq!(loc.byte, 32),
        other => panic!("{other:?}"),
    }
    // Shorter than the 68-byte Admin request.
    let mut out = vec![0u8; 64];
    let n = emit_message(
        &MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0),
        &[&[6; 40]],
        &mut out,
    )
    .unwrap();
    let resp = answer(&mut r, &out[..n], 0).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::Other(ResponseStatus::InvalidCommandSize)
    );
}

#[test]
fn admin_data_is_sliced_and_placed() {
    let mut r = responder();
    let mut repr = AdminRequestRepr::for_command(0, &Identify::controller());
    repr.dofst = 1024;
    repr.dlen = 16;
    let resp = answer(&mut r, &admin_req(repr, &[]), 0).unwrap();
    assert_eq!(status(&resp), StatusInfo::Success([0; 3]));
    assert_eq!(resp.len(), 20 + 16 + 4);
    assert_eq!(
        &resp[20..36],
        &(0..16u32).map(|i| (1024 + i) as u8).collect::<Vec<_>>()[..]
    );
}

#[test]
fn long_operation_answers_mpr_then_final_response_on_its_slot() {
    let mut r = responder();
    let repr = AdminRequestRepr::for_command(1, &nvme_mi_core::mi::admin::FormatNvm::new(1, 0));
    let resp = answer(&mut r, &admin_req(repr, &[]), 1_000).unwrap();
    assert_eq!(status(&resp), StatusInfo::MoreProcessingRequired(Mprt(30)));
    assert_eq!(r.next_deadline(), Some(Instant(4_000)));
    // The slot is busy: a second Admin command in it is not served.
    let ident = AdminRequestRepr::for_command(0, &Identify::controller());
    assert_eq!(answer(&mut r, &admin_req(ident, &[]), 2_000), None);
    assert_eq!(r.stats().slot_busy, 1);
    let mut out = vec![0u8; 4224];
    assert!(r.poll(Instant(3_999), &mut out).is_none());
    match r.poll(Instant(4_000), &mut out) {
        Some(Outgoing::Response { to, len }) => {
            assert_eq!(to, 7);
            assert_eq!(status(&out[..len]), StatusInfo::Success([0; 3]));
            assert_eq!(&out[8..12], &0x77u32.to_le_bytes());
        }
        other => panic!("{other:?}"),
    }
    assert!(r.poll(Instant(5_000), &mut out).is_none());
}

/// NVMe-MI 1.2 §4.2: a command slot processes one Command Message at a time, whichever
/// command set it belongs to. While a Format NVM waits in slot 0, an NVMe-MI command, an Admin
/// command and a PCIe command sent to slot 0 are discarded and counted (and Get State reports
/// CMNICS); the same commands on slot 1 are served, and so is a control primitive on slot 0.
#[test]
fn busy_slot_discards_command_messages_of_every_command_set() {
    use nvme_mi_core::mi::control_primitive::{
        ControlPrimitive, ControlPrimitiveRequestRepr, ControlPrimitiveResponseRepr,
        ManagementEndpointState, Ssta,
    };
    let mut r = responder();
    let format = AdminRequestRepr::for_command(1, &nvme_mi_core::mi::admin::FormatNvm::new(1, 0));
    let resp = answer(&mut r, &admin_req(format, &[]), 1_000).unwrap();
    assert_eq!(status(&resp), StatusInfo::MoreProcessingRequired(Mprt(30)));

    let health = mi_body(1, 0, 0, &[]);
    let ident = AdminRequestRepr::for_command(0, &Identify::controller());
    let mut ident1 = ident;
    ident1.csi = Csi::Slot1;
    // A PCIe command: its body is never read, the slot being busy.
    let pcie = [0u8; 16];
    for (i, req) in [
        req(Csi::Slot0, Nmimt::MiCommand, &health),
        admin_req(ident, &[]),
        req(Csi::Slot0, Nmimt::PcieCommand, &pcie),
    ]
    .iter()
    .enumerate()
    {
        assert_eq!(answer(&mut r, req, 2_000), None, "request {i}");
        assert_eq!(r.stats().slot_busy, i as u32 + 1);
    }
    let resp = answer(&mut r, &req(Csi::Slot1, Nmimt::MiCommand, &health), 2_000).unwrap();
    assert_eq!(status(&resp), StatusInfo::Success([0; 3]));
    let resp = answer(&mut r, &admin_req(ident1, &[]), 2_000).unwrap();
    assert_eq!(status(&resp), StatusInfo::Success([0; 3]));
    assert_eq!(r.stats().slot_busy, 3);
    // A message of no command set is no Command Message: rejected, busy slot or not.
    let resp = answer(&mut r, &req(Csi::Slot0, Nmimt::AsyncEvent, &health), 2_000).unwrap();
    assert_eq!(
        status(&resp),
        StatusInfo::InvalidParameter(nvme_mi_core::mi::status::ParameterErrorLocation {
            byte: 1,
            bit: 3
        })
    );
    assert_eq!(r.stats().slot_busy, 3);

    let get_state = ControlPrimitiveRequestRepr {
        csi: Csi::Slot0,
        tag: 1,
        primitive: ControlPrimitive::GetState {
            clear_error_state: false,
        },
    };
    let mut out = vec![0u8; 64];
    let n = get_state.emit_message(&mut out).unwrap();
    let resp = answer(&mut r, &out[..n], 2_000).unwrap();
    let r = ControlPrimitiveResponseRepr::parse(&Message::new_checked(&resp[..]).unwrap()).unwrap();
    let state = ManagementEndpointState(r.cpsr);
    assert_eq!(state.ssta(), Ssta::Process, "{resp:02x?}");
    assert!(
        state.contains(ManagementEndpointState::COMMAND_TO_NON_IDLE_SLOT),
        "CMNICS: {resp:02x?}"
    );
}

#[test]
fn events_go_to_the_peer_that_enabled_them() {
    let mut r = responder();
    let mut out = vec![0u8; 4224];
    assert!(r.poll(Instant(10_000), &mut out).is_none());
    // Configuration Set, Asynchronous Event, empty enable list.
    let set = mi_req(&mi_body(3, 0x04, 0, &[0, 0, 5, 0, 5]));
    let mut resp = vec![0u8; 4224];
    let n = r.handle(&set, &42, Instant(0), &mut resp).unwrap();
    assert_eq!(status(&resp[..n]), StatusInfo::Success([0; 3]));
    assert_eq!(r.event_peer(), Some(&42));
    match r.poll(Instant(1_000), &mut out) {
        Some(Outgoing::Unsolicited { to, len }) => {
            assert_eq!(to, 42);
            let m = Message::new_checked(&out[..len]).unwrap();
            m.check_mic().unwrap();
            assert_eq!(m.nmimt(), Nmimt::AsyncEvent);
            assert_eq!(m.ror(), Ror::Request);
            assert_eq!(m.body(), &[0, 0, 7, 0, 0, 7, 8]);
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn reset_has_no_response() {
    let mut r = responder();
    assert_eq!(answer(&mut r, &mi_req(&mi_body(7, 0, 0, &[])), 0), None);
    assert_eq!(r.stats().rejected, 0);
}

#[test]
fn typed_requester_over_loopback_against_the_engine() {
    use nvme_mi_core::loopback::{LoopPeer, Loopback};
    use nvme_mi_core::mi::command::{ResetRequest, ResetType, SubsystemHealthStatusPollRequest};
    use nvme_mi_core::requester::{Endpoint, RequestError};
    let r: Responder<TestDevice, LoopPeer> = Responder::new(TestDevice::default(), Eid(9));
    let mut link: Box<Loopback<_, 4>> = Box::new(Loopback::new(r, Eid(8), Eid(9)));
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap();
    assert_eq!(h.health.ctemp, 0x25);
    assert_eq!(h.health.sw, 0xff, "the test device's bytes, as sent");
    // Identify slice 64..128.
    let r = ep.admin(0, &Identify::controller(), 64, 64, &[]).unwrap();
    assert_eq!(r.data.len(), 64);
    assert_eq!(r.data[0], 64);
    // Format: More Processing Required (3 s), then the final completion.
    let r = ep
        .admin(1, &nvme_mi_core::mi::admin::FormatNvm::new(1, 0), 0, 0, &[])
        .unwrap();
    assert_eq!(r.completion.dw0, 0x77);
    // An unsupported command comes back as a status, as data.
    match ep.admin(
        0,
        &nvme_mi_core::mi::admin::Sanitize::new(nvme_mi_core::mi::admin::Sanact::BlockErase),
        0,
        0,
        &[],
    ) {
        Err(RequestError::Status(StatusInfo::Other(ResponseStatus::InvalidCommandOpcode))) => {}
        other => panic!("{other:?}"),
    }
    // Reset: no response, nothing left open.
    ep.send_without_response(&ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    })
    .unwrap();
    assert_eq!(ep.transport().stats().open_exchanges, 0);
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest { clear_status: true })
        .unwrap();
    assert_eq!(h.health.pdlu, 3);
}

fn control(r: &mut Responder<TestDevice, Peer>, req: &[u8]) -> Option<Vec<u8>> {
    let mut out = vec![0u8; 256];
    let n = r.handle(req, &7, Instant(0), &mut out)?;
    out.truncate(n);
    Some(out)
}

#[test]
fn mctp_control_get_eid_matches_the_worked_example() {
    // Digest B.7 example 2 / vectors smbus-get-eid-req/resp, without the SMBus and MCTP
    // headers: Get Endpoint ID, instance 1.
    let mut r = responder();
    assert_eq!(
        control(&mut r, &[0x00, 0x81, 0x02]).unwrap(),
        [0x00, 0x01, 0x02, 0x00, 0x09, 0x01, 0x00]
    );
}

#[test]
fn mctp_control_set_eid_then_get() {
    let mut r = responder();
    // Set EID 0x20.
    let resp = control(&mut r, &[0x00, 0x82, 0x01, 0x00, 0x20]).unwrap();
    assert_eq!(resp, [0x00, 0x02, 0x01, 0x00, 0x00, 0x20, 0x00]);
    assert_eq!(r.eid(), Eid(0x20));
    // An invalid EID is refused with ERROR_INVALID_DATA and changes nothing.
    let resp = control(&mut r, &[0x00, 0x83, 0x01, 0x00, 0x05]).unwrap();
    assert_eq!(resp, [0x00, 0x03, 0x01, 0x02]);
    assert_eq!(r.eid(), Eid(0x20));
    // Reset EID returns to the static one.
    let resp = control(&mut r, &[0x00, 0x84, 0x01, 0x02, 0x00]).unwrap();
    assert_eq!(resp[5], 9);
    // Truncated Set EID: invalid length.
    assert_eq!(
        control(&mut r, &[0x00, 0x85, 0x01]).unwrap(),
        [0x00, 0x05, 0x01, 0x03]
    );
    // Datagrams and responses get no answer.
    assert_eq!(control(&mut r, &[0x00, 0xc6, 0x02]), None);
    assert_eq!(control(&mut r, &[0x00, 0x06, 0x02, 0x00]), None);
}

#[test]
fn mctp_control_capabilities() {
    let mut r = responder();
    // Message type support: NVMe-MI.
    assert_eq!(
        control(&mut r, &[0x00, 0x81, 0x05]).unwrap(),
        [0x00, 0x01, 0x05, 0x00, 0x01, 0x04]
    );
    // Base specification versions.
    let resp = control(&mut r, &[0x00, 0x82, 0x04, 0xff]).unwrap();
    assert_eq!(&resp[..5], &[0x00, 0x02, 0x04, 0x00, 0x04]);
    assert_eq!(&resp[5..9], &[0xf1, 0xf0, 0xff, 0x00]);
    // Versions of an unsupported type: 0x80.
    assert_eq!(
        control(&mut r, &[0x00, 0x83, 0x04, 0x01]).unwrap(),
        [0x00, 0x03, 0x04, 0x80]
    );
    // No UUID on this device; unknown command unsupported.
    assert_eq!(
        control(&mut r, &[0x00, 0x84, 0x03]).unwrap(),
        [0x00, 0x04, 0x03, 0x05]
    );
    assert_eq!(
        control(&mut r, &[0x00, 0x85, 0x0a, 0x00]).unwrap(),
        [0x00, 0x05, 0x0a, 0x05]
    );
}

fn primitive(
    r: &mut Responder<TestDevice, Peer>,
    cpo: u8,
    tag: u8,
    cpsp: u16,
    csi: Csi,
) -> (u8, u16) {
    let mut req = vec![0u8; 16];
    let p = cpsp.to_le_bytes();
    let n = emit_message(
        &MessageHeader::request(Nmimt::ControlPrimitive, csi),
        &[&[cpo, tag, p[0], p[1]]],
        &mut req,
    )
    .unwrap();
    let resp = answer(r, &req[..n], 0).unwrap();
    assert_eq!(resp.len(), 12);
    assert_eq!(resp[5], tag, "tag echoed");
    (resp[4], u16::from_le_bytes([resp[6], resp[7]]))
}

#[test]
fn control_primitives_get_state_pause_abort() {
    let mut r = responder();
    assert_eq!(primitive(&mut r, 3, 0x5a, 0, Csi::Slot0), (0, 0));
    // A corrupted message sets Bad MIC (bit 4); CESF reports then clears it.
    let mut bad = mi_req(&mi_body(1, 0, 0, &[]));
    bad[10] ^= 0xff;
    assert_eq!(answer(&mut r, &bad, 0), None);
    assert_eq!(primitive(&mut r, 3, 1, 1, Csi::Slot0), (0, 1 << 4));
    assert_eq!(primitive(&mut r, 3, 2, 0, Csi::Slot0), (0, 0));
    // Pause: commands are not processed until Resume; Get State shows the pause flag.
    assert_eq!(primitive(&mut r, 0, 3, 0, Csi::Slot0).0, 0);
    assert_eq!(answer(&mut r, &mi_req(&mi_body(1, 0, 0, &[])), 0), None);
    assert_eq!(primitive(&mut r, 3, 4, 0, Csi::Slot0), (0, 1 << 15));
    assert_eq!(primitive(&mut r, 1, 5, 0, Csi::Slot0).0, 0);
    assert!(answer(&mut r, &mi_req(&mi_body(1, 0, 0, &[])), 0).is_some());
    // A long operation puts slot 1 in Process; Abort returns it to Idle.
    let mut repr = AdminRequestRepr::for_command(1, &nvme_mi_core::mi::admin::FormatNvm::new(1, 0));
    repr.csi = Csi::Slot1;
    let resp = answer(&mut r, &admin_req(repr, &[]), 0).unwrap();
    assert_eq!(status(&resp), StatusInfo::MoreProcessingRequired(Mprt(30)));
    assert_eq!(primitive(&mut r, 3, 6, 0, Csi::Slot1), (0, 2));
    assert_eq!(
        primitive(&mut r, 3, 7, 0, Csi::Slot0),
        (0, 0),
        "slot 0 idle"
    );
    assert_eq!(
        primitive(&mut r, 2, 8, 0, Csi::Slot1),
        (0, 2),
        "aborted after partial processing"
    );
    assert_eq!(primitive(&mut r, 3, 9, 0, Csi::Slot1), (0, 0));
    // Replay: nothing kept. Reserved opcode: Invalid Command Opcode.
    assert_eq!(primitive(&mut r, 4, 10, 0, Csi::Slot0), (0, 0));
    assert_eq!(primitive(&mut r, 0x05, 11, 0, Csi::Slot0).0, 0x03);
}

#[test]
fn typed_control_primitives_and_mctp_control_over_loopback() {
    use nvme_mi_core::loopback::{LoopPeer, Loopback};
    use nvme_mi_core::mctp::control::{CompletionCode, ControlRequest, ControlResponse};
    use nvme_mi_core::mi::control_primitive::{ControlPrimitive, PrimitiveResponse, Ssta};
    use nvme_mi_core::requester::{Endpoint, RequestError};
    let r: Responder<TestDevice, LoopPeer> = Responder::new(TestDevice::default(), Eid(9));
    let mut link: Box<Loopback<_, 4>> = Box::new(Loopback::new(r, Eid(8), Eid(9)));
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    match ep
        .control_primitive(ControlPrimitive::GetState {
            clear_error_state: true,
        })
        .unwrap()
    {
        PrimitiveResponse::GetState(s) => assert_eq!(s.ssta(), Ssta::Idle),
        other => panic!("{other:?}"),
    }
    ep.control_primitive(ControlPrimitive::Pause).unwrap();
    match ep
        .control_primitive(ControlPrimitive::GetState {
            clear_error_state: false,
        })
        .unwrap()
    {
        PrimitiveResponse::GetState(s) => assert!(s.contains(1 << 15)),
        other => panic!("{other:?}"),
    }
    ep.control_primitive(ControlPrimitive::Resume).unwrap();
    match ep.mctp_control(ControlRequest::GetEndpointId).unwrap() {
        ControlResponse::GetEndpointId(id) => assert_eq!(id.eid, Eid(9)),
        other => panic!("{other:?}"),
    }
    match ep
        .mctp_control(ControlRequest::GetMessageTypeSupport)
        .unwrap()
    {
        ControlResponse::GetMessageTypeSupport(t) => {
            assert!(t.supports(nvme_mi_core::mctp::MsgType::NvmeMi))
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(
        ep.mctp_control(ControlRequest::GetEndpointUuid)
            .unwrap_err(),
        RequestError::Control(CompletionCode::ErrorUnsupportedCmd)
    );
}
