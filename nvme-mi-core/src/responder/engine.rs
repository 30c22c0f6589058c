//! The responder engine: decode, validate, dispatch to a [`Device`], encode.

use super::control::{serve_control, Identity};
use super::device::{AdminReply, Context, Device, MiReply};
use super::{Outgoing, Respond};
use crate::mctp::control::VersionEntry;
use crate::mctp::{Eid, MsgTypeIc};
use crate::mi::admin::response::RESPONSE_DATA;
use crate::mi::admin::{
    decode_request, AdminCompletion, AdminRequestError, AdminRequestRepr, AdminResponseRepr,
};
use crate::mi::command::{ConfigurationSetRequest, MiRequest};
use crate::mi::control_primitive::{
    ControlPrimitive, ControlPrimitiveRequestRepr, ControlPrimitiveResponseRepr, Cpas,
    ManagementEndpointState, PauseFlags, PrimitiveResponse, Ssta,
};
use crate::mi::header::{MessageHeader, HEADER_LEN};
use crate::mi::integrity::{self, MIC_LEN};
use crate::mi::pcie::PcieRequestRepr;
use crate::mi::status::{
    ParameterErrorLocation, Rejection, ResponseHeader, ResponseStatus, StatusInfo,
    RESPONSE_HEADER_LEN,
};
use crate::mi::{Csi, Message, Nmimt, Ror, MAX_DATA_LEN};
use crate::time::Instant;

/// What the responder saw, for diagnostics and tests.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResponderStats {
    /// Messages handed to the responder.
    pub received: u32,
    /// Messages dropped without an answer: not a request, not a known message type,
    /// malformed framing.
    pub dropped: u32,
    /// NVMe-MI messages dropped because their integrity check failed.
    pub bad_integrity: u32,
    /// Requests answered with an error status.
    pub rejected: u32,
    /// Requests answered More Processing Required.
    pub more_processing: u32,
    /// Command messages (of any command set) that arrived for a command slot still busy
    /// with a long operation, and were discarded.
    pub slot_busy: u32,
    /// Command messages dropped because the endpoint was paused.
    pub paused: u32,
    /// MCTP control requests answered.
    pub control: u32,
}

/// A long operation in a command slot: who asked, and the request to answer.
#[derive(Debug, Clone)]
struct Pending<P> {
    peer: P,
    request: AdminRequestRepr,
}

/// The device-side engine: serves NVMe-MI requests for a [`Device`].
///
/// It checks every request's framing and integrity check (a message that fails is dropped
/// and counted, as NVMe-MI 1.2 §3.1.1.1 prescribes, never answered), answers malformed
/// requests with the status the specification gives (Invalid Command Opcode, Invalid
/// Parameter with the error location, Invalid Command Size, Invalid Command Input Data
/// Size), rejects Admin commands prohibited out of band, answers More Processing Required
/// for long operations and sends the final response when the device finishes, and addresses
/// Asynchronous Event Messages to the peer that enabled them.
///
/// `P` identifies a requester (a transport's [`Peer`](crate::transport::ResponderTransport::Peer)).
pub struct Responder<D, P> {
    device: D,
    identity: Identity,
    slots: [Option<Pending<P>>; 2],
    aem_peer: Option<P>,
    /// Get State error flags (NVMe-MI 1.2 §4.2.1.4), ManagementEndpointState bit layout.
    error_flags: u16,
    paused: bool,
    stats: ResponderStats,
}

impl<D: Device, P: Clone> Responder<D, P> {
    /// Serve `device` with the static EID `eid` (Set Endpoint ID may change it; Reset EID
    /// returns to it). Use [`Eid::NULL`] for an endpoint that waits for a bus owner to
    /// assign one.
    pub fn new(device: D, eid: Eid) -> Self {
        let uuid = device.uuid();
        let static_eid = if eid == Eid::NULL { None } else { Some(eid) };
        let (major, minor) = device.nvme_mi_version();
        let nvme_mi_version =
            VersionEntry::from_numbers(major, minor, None).unwrap_or(VersionEntry::V1_2);
        Responder {
            device,
            identity: Identity {
                eid,
                static_eid,
                uuid,
                nvme_mi_version,
            },
            slots: [None, None],
            aem_peer: None,
            error_flags: 0,
            paused: false,
            stats: ResponderStats::default(),
        }
    }

    /// The device.
    pub fn device(&self) -> &D {
        &self.device
    }

    /// The device, mutably.
    pub fn device_mut(&mut self) -> &mut D {
        &mut self.device
    }

    /// The EID the endpoint answers as.
    pub fn eid(&self) -> Eid {
        self.identity.eid
    }

    /// What the responder saw so far.
    pub fn stats(&self) -> ResponderStats {
        self.stats
    }

    /// The peer that enabled Asynchronous Event Messages, if any.
    pub fn event_peer(&self) -> Option<&P> {
        self.aem_peer.as_ref()
    }

    fn reject(
        &mut self,
        header: &MessageHeader,
        rejection: Rejection,
        out: &mut [u8],
    ) -> Option<usize> {
        bump(&mut self.stats.rejected);
        debug!("request rejected: {:?} ({:?})", rejection, header.nmimt);
        rejection.emit_response(header, out).ok()
    }

    fn nvme_mi(&mut self, msg: &[u8], from: &P, now: Instant, out: &mut [u8]) -> Option<usize> {
        let Ok(m) = Message::new_checked(msg) else {
            bump(&mut self.stats.dropped);
            return None;
        };
        if let Err(e) = m.check_mic() {
            debug!("request dropped: {:?}", e);
            bump(&mut self.stats.bad_integrity);
            self.error_flags |= ManagementEndpointState::BAD_MIC;
            return None;
        }
        let header = MessageHeader::parse(&m);
        if header.ror != Ror::Request {
            bump(&mut self.stats.dropped);
            return None;
        }
        let ctx = Context {
            csi: header.csi,
            now,
        };
        if header.nmimt == Nmimt::ControlPrimitive {
            // Control primitives bypass the command slots and pausing (NVMe-MI 1.2 §4.2.1).
            return self.control_primitive(&m, &header, out);
        }
        if self.paused {
            debug!("request dropped: paused ({:?})", header.nmimt);
            bump(&mut self.stats.paused);
            return None;
        }
        let command = matches!(
            header.nmimt,
            Nmimt::MiCommand | Nmimt::AdminCommand | Nmimt::PcieCommand
        );
        if command && self.slots[usize::from(header.csi.to_bit())].is_some() {
            // A command slot processes one Command Message at a time (NVMe-MI 1.2 §4.2),
            // whatever its command set: one that arrives while the slot is still processing
            // is discarded, unanswered, and Get State reports it (CMNICS). A message of no
            // command set is not one: it is rejected below, busy slot or not.
            debug!(
                "request dropped: {:?} busy ({:?})",
                header.csi, header.nmimt
            );
            bump(&mut self.stats.slot_busy);
            self.error_flags |= ManagementEndpointState::COMMAND_TO_NON_IDLE_SLOT;
            return None;
        }
        match header.nmimt {
            Nmimt::MiCommand => self.mi_command(&m, &header, from, &ctx, out),
            Nmimt::AdminCommand => self.admin_command(msg, from, &ctx, out),
            Nmimt::PcieCommand => self.pcie_command(&m, &header, &ctx, out),
            // Handled above.
            Nmimt::ControlPrimitive => None,
            // Neither is a request a management controller sends: the NMIMT field is wrong.
            Nmimt::AsyncEvent | Nmimt::Unknown(_) => {
                let nmimt = ParameterErrorLocation { byte: 1, bit: 3 };
                self.reject(&header, Rejection::InvalidParameter(nmimt), out)
            }
        }
    }

    /// Pause, Resume, Abort, Get State, Replay (NVMe-MI 1.2 §4.2.1).
    fn control_primitive(
        &mut self,
        m: &Message<&[u8]>,
        header: &MessageHeader,
        out: &mut [u8],
    ) -> Option<usize> {
        let req = match ControlPrimitiveRequestRepr::parse(m) {
            Ok(r) => r,
            Err(rej) => {
                bump(&mut self.stats.rejected);
                let r = ControlPrimitiveResponseRepr::rejecting(m, &rej);
                return r.emit_message(out).ok();
            }
        };
        let slot = usize::from(header.csi.to_bit());
        let (status, response) = match req.primitive {
            ControlPrimitive::Pause => {
                self.paused = true;
                (
                    ResponseStatus::Success,
                    PrimitiveResponse::Pause(PauseFlags::from_bits(0)),
                )
            }
            ControlPrimitive::Resume => {
                self.paused = false;
                (ResponseStatus::Success, PrimitiveResponse::Resume)
            }
            ControlPrimitive::Abort => {
                let cpas = match self.slots[slot].take() {
                    Some(_) => Cpas::from_bits(2),
                    None => Cpas::from_bits(0),
                };
                (ResponseStatus::Success, PrimitiveResponse::Abort(cpas))
            }
            ControlPrimitive::GetState { clear_error_state } => {
                let ssta = if self.slots[slot].is_some() {
                    Ssta::Process
                } else {
                    Ssta::Idle
                };
                let mut flags = self.error_flags;
                if self.paused {
                    flags |= ManagementEndpointState::PAUSED;
                }
                if clear_error_state {
                    self.error_flags = 0;
                }
                (
                    ResponseStatus::Success,
                    PrimitiveResponse::GetState(ManagementEndpointState::new(ssta, flags)),
                )
            }
            // Responses are not kept for retransmission: none is available (RR = 0).
            ControlPrimitive::Replay { .. } => (
                ResponseStatus::Success,
                PrimitiveResponse::Replay { replaying: false },
            ),
            ControlPrimitive::VendorSpecific { .. } => (
                ResponseStatus::InvalidCommandOpcode,
                PrimitiveResponse::Other(0),
            ),
        };
        let r = ControlPrimitiveResponseRepr {
            csi: header.csi,
            status,
            tag: req.tag,
            cpsr: response.cpsr(),
        };
        r.emit_message(out).ok()
    }

    /// PCIe Command Set (NVMe-MI 1.2 §7): decoded here, executed by the device.
    fn pcie_command(
        &mut self,
        m: &Message<&[u8]>,
        header: &MessageHeader,
        ctx: &Context,
        out: &mut [u8],
    ) -> Option<usize> {
        let req = match PcieRequestRepr::parse(m) {
            Ok(r) => r,
            Err(rej) => return self.reject(header, rej, out),
        };
        let end = out
            .len()
            .checked_sub(MIC_LEN + 3)?
            .min(RESPONSE_HEADER_LEN + MAX_DATA_LEN);
        let data = out.get_mut(RESPONSE_HEADER_LEN..end)?;
        match self.device.pcie_command(&req, ctx, data) {
            Ok(n) => {
                let n = n.min(req.command.length());
                let padded = n.div_ceil(4) * 4;
                out.get_mut(RESPONSE_HEADER_LEN + n..RESPONSE_HEADER_LEN + padded)?
                    .fill(0);
                let rh = ResponseHeader::answering(header, StatusInfo::Success([0; 3]));
                seal_in_place(out, &rh.to_bytes(), RESPONSE_HEADER_LEN + padded)
            }
            Err(rej) => self.reject(header, rej, out),
        }
    }

    fn mi_command(
        &mut self,
        m: &Message<&[u8]>,
        header: &MessageHeader,
        from: &P,
        ctx: &Context,
        out: &mut [u8],
    ) -> Option<usize> {
        let req = match MiRequest::parse(m) {
            Ok(r) => r,
            Err(rej) => return self.reject(header, rej, out),
        };
        let end = out
            .len()
            .checked_sub(MIC_LEN)?
            .min(RESPONSE_HEADER_LEN + MAX_DATA_LEN);
        let data = out.get_mut(RESPONSE_HEADER_LEN..end)?;
        match self.device.mi_command(&req, ctx, data) {
            Ok(MiReply::Success { nmresp, data_len }) => {
                if let MiRequest::ConfigurationSet(ConfigurationSetRequest::AsyncEvent { .. }) = req
                {
                    // Events go to whoever configured them (NVMe-MI 2.0 §5.3).
                    self.aem_peer = Some(from.clone());
                }
                let rh = ResponseHeader::answering(header, StatusInfo::Success(nmresp));
                seal_in_place(out, &rh.to_bytes(), RESPONSE_HEADER_LEN + data_len)
            }
            Ok(MiReply::NoResponse) => {
                if let MiRequest::Reset(_) = req {
                    // The NVM Subsystem Reset ended every command in progress: their
                    // responses never come, their slots are Idle again (NVMe-MI 1.2 §5.8).
                    self.slots = [None, None];
                    self.error_flags |= ManagementEndpointState::NVM_SUBSYSTEM_RESET_OCCURRED;
                }
                None
            }
            Err(rej) => self.reject(header, rej, out),
        }
    }

    fn admin_command(
        &mut self,
        msg: &[u8],
        from: &P,
        ctx: &Context,
        out: &mut [u8],
    ) -> Option<usize> {
        let req = match decode_request(msg) {
            Ok(r) => r,
            Err(AdminRequestError::Reject { header, rejection }) => {
                return self.reject(&header, rejection, out)
            }
            Err(e) => {
                debug!("Admin request dropped: {:?}", e);
                bump(&mut self.stats.dropped);
                return None;
            }
        };
        let slot = usize::from(ctx.csi.to_bit());
        let data = admin_data_area(out)?;
        match self.device.admin_command(&req, ctx, data) {
            Ok(AdminReply::Complete {
                completion,
                data_len,
            }) => admin_success_in_place(&req.repr, &completion, data_len, out),
            Ok(AdminReply::InProgress(mprt)) => {
                bump(&mut self.stats.more_processing);
                self.slots[slot] = Some(Pending {
                    peer: from.clone(),
                    request: req.repr,
                });
                AdminResponseRepr::more_processing_required(&req.repr, mprt)
                    .emit_message(&[], out)
                    .ok()
            }
            Err(rej) => self.reject(&req.repr.header(), rej, out),
        }
    }
}

/// Where the response data of an Admin response goes in `out`: after the 20-byte header,
/// leaving room for the integrity check; `None` if `out` cannot hold even the header.
fn admin_data_area(out: &mut [u8]) -> Option<&mut [u8]> {
    let end = out
        .len()
        .checked_sub(MIC_LEN)?
        .min(RESPONSE_DATA + MAX_DATA_LEN);
    out.get_mut(RESPONSE_DATA..end)
}

/// Count one more event; a counter stops at its maximum rather than overflowing.
fn bump(counter: &mut u32) {
    *counter = counter.saturating_add(1);
}

/// Write `head` at the start of `out`, keep the `len - head.len()` bytes already after it,
/// and append the integrity check; returns the message length.
fn seal_in_place(out: &mut [u8], head: &[u8], len: usize) -> Option<usize> {
    let total = len.checked_add(MIC_LEN)?;
    let msg = out.get_mut(..total)?;
    msg.get_mut(..head.len())?.copy_from_slice(head);
    integrity::seal(msg).ok()?;
    Some(total)
}

/// Complete a Success Admin response around `data_len` bytes of data already at its place.
fn admin_success_in_place(
    request: &AdminRequestRepr,
    completion: &AdminCompletion,
    data_len: usize,
    out: &mut [u8],
) -> Option<usize> {
    AdminResponseRepr::success(request, *completion)
        .emit_around(data_len, out)
        .ok()
}

impl<D: Device, P: Clone> Respond<P> for Responder<D, P> {
    fn handle(&mut self, request: &[u8], from: &P, now: Instant, out: &mut [u8]) -> Option<usize> {
        bump(&mut self.stats.received);
        self.device.tick(now);
        match request.first().map(|&b| MsgTypeIc::from_u8(b)) {
            Some(t) if t == MsgTypeIc::NVME_MI => self.nvme_mi(request, from, now, out),
            Some(t) if t == MsgTypeIc::CONTROL => {
                let n = serve_control(&mut self.identity, request, out);
                match n {
                    Some(_) => bump(&mut self.stats.control),
                    None => bump(&mut self.stats.dropped),
                }
                n
            }
            _ => {
                bump(&mut self.stats.dropped);
                None
            }
        }
    }

    fn poll(&mut self, now: Instant, out: &mut [u8]) -> Option<Outgoing<P>> {
        self.device.tick(now);
        for (i, slot) in self.slots.iter_mut().enumerate() {
            let csi = if i == 0 { Csi::Slot0 } else { Csi::Slot1 };
            let Some(p) = slot.as_ref() else {
                // An Abort returned the slot to Idle, but the device's long operation runs
                // on: collect it when due, so that its deadline does not stay in the past,
                // and send nothing (the host abandoned the command).
                if let Some(data) = admin_data_area(out) {
                    let _ = self.device.poll_admin(csi, now, data);
                }
                continue;
            };
            let data = admin_data_area(out)?;
            if let Some((completion, data_len)) = self.device.poll_admin(csi, now, data) {
                let request = p.request;
                let to = p.peer.clone();
                *slot = None;
                let len = admin_success_in_place(&request, &completion, data_len, out)?;
                return Some(Outgoing::Response { to, len });
            }
        }
        let to = self.aem_peer.clone()?;
        let end = out
            .len()
            .checked_sub(MIC_LEN)?
            .min(HEADER_LEN + MAX_DATA_LEN);
        let body = out.get_mut(HEADER_LEN..end)?;
        let n = self.device.take_aem(now, body)?;
        let hdr = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0).to_bytes();
        let len = seal_in_place(out, &hdr, HEADER_LEN + n)?;
        Some(Outgoing::Unsolicited { to, len })
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.device.next_deadline()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::status::Rejection;

    struct Nothing;

    impl Device for Nothing {
        fn mi_command(
            &mut self,
            _req: &MiRequest<'_>,
            _ctx: &Context,
            _data: &mut [u8],
        ) -> Result<MiReply, Rejection> {
            Err(Rejection::InvalidCommandOpcode)
        }
    }

    /// A host that keeps sending cannot overflow the counters (a debug build would panic).
    #[test]
    fn counters_saturate() {
        let mut r: Responder<Nothing, ()> = Responder::new(Nothing, Eid(9));
        r.stats = ResponderStats {
            received: u32::MAX,
            dropped: u32::MAX,
            ..ResponderStats::default()
        };
        let mut out = [0u8; 64];
        assert_eq!(r.handle(&[0x7f], &(), Instant(0), &mut out), None);
        assert_eq!(r.stats().received, u32::MAX);
        assert_eq!(r.stats().dropped, u32::MAX);
    }
}
