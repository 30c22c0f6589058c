//! A drive that deviates from NVMe-MI in the ways real devices have: [`Misbehaving`] wraps a
//! responder (usually [`responder`](crate::responder) of a [`Sim`](crate::Sim)) and changes
//! what it hears and says, so that the requester's [`Quirks`] can be tested against each
//! deviation. A fault injector for tests: the wrapped responder stays correct.
//!
//! [`Quirks`]: nvme_mi_core::requester::Quirks

use core::time::Duration;

use nvme_mi_core::mi::admin::{
    parse_response, AdminCompletion, AdminOpcode, AdminRequest, AdminResponseRepr,
};
use nvme_mi_core::mi::command::{MiCommandRequestRepr, Opcode};
use nvme_mi_core::mi::integrity::{self, MIC_LEN};
use nvme_mi_core::mi::status::{ResponseHeader, RESPONSE_HEADER_LEN};
use nvme_mi_core::mi::{Csi, Message, MessageHeader, Nmimt};
use nvme_mi_core::responder::{Outgoing, Respond};
use nvme_mi_core::time::Instant;

/// How the length of a Read NVMe-MI Data Structure response (NVMe-MI 1.2 §5.7) is wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DataStructureLength {
    /// The data is padded with zeros to a multiple of 4 bytes; RDL stays the structure's.
    Padded,
    /// The data is cut to a multiple of 4 bytes (a Controller List of two IDs loses its
    /// last); RDL stays the structure's.
    CutToDword,
}

/// The deviations, each off by default.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Misbehaviour {
    /// A request arriving within this time of the drive's previous response is ignored
    /// (never answered), as on a drive that needs a pause between commands.
    pub deaf_after_response: Duration,
    /// More Processing Required to an Admin command comes as a whole Admin response
    /// (completion dwords zero, no data) instead of the eight-byte response header.
    pub admin_sized_mpr: bool,
    /// Read NVMe-MI Data Structure response data of the wrong length.
    pub data_structure_length: Option<DataStructureLength>,
    /// Requests on command slot 1 are ignored.
    pub ignore_slot1: bool,
    /// Firmware Image Download and Firmware Commit are ignored.
    pub ignore_firmware_commands: bool,
}

/// A responder `R` that misbehaves as a [`Misbehaviour`] says.
///
/// ```
/// use nvme_mi_core::requester::{Config, Endpoint, Quirks, RequestError};
/// use nvme_mi_core::mi::Csi;
/// use nvme_mi_sim::Misbehaviour;
/// let no_slot1 = Misbehaviour { ignore_slot1: true, ..Misbehaviour::default() };
/// let quirks = Quirks { csi1_unsupported: true, ..Quirks::NONE };
/// let link = nvme_mi_sim::misbehaving_loopback(1, no_slot1);
/// let mut ep = Endpoint::with_config(link, [0u8; 4224], Config { quirks, ..Config::default() });
/// assert_eq!(ep.set_csi(Csi::Slot1), Err(RequestError::NotSupported));
/// assert!(ep.health_poll(false).is_ok());
/// assert_eq!(ep.transport().responder().ignored(), 0);
/// ```
pub struct Misbehaving<R> {
    inner: R,
    how: Misbehaviour,
    last_response: Option<Instant>,
    ignored: u32,
}

impl<R> Misbehaving<R> {
    /// Wrap `inner`.
    pub fn new(inner: R, how: Misbehaviour) -> Self {
        Misbehaving {
            inner,
            how,
            last_response: None,
            ignored: 0,
        }
    }

    /// The wrapped responder.
    pub fn inner(&self) -> &R {
        &self.inner
    }

    /// The wrapped responder, mutably.
    pub fn inner_mut(&mut self) -> &mut R {
        &mut self.inner
    }

    /// Requests ignored so far.
    pub fn ignored(&self) -> u32 {
        self.ignored
    }

    /// Whether to ignore `request`, arriving at `now`.
    fn ignores(&self, request: &[u8], now: Instant) -> bool {
        let deaf = self
            .last_response
            .is_some_and(|t| now < t + self.how.deaf_after_response);
        let Ok(m) = Message::new_checked(request) else {
            return deaf;
        };
        let h = MessageHeader::parse(&m);
        let firmware = h.nmimt == Nmimt::AdminCommand
            && AdminRequest::new_checked(request).is_ok_and(|a| {
                matches!(
                    a.opcode(),
                    AdminOpcode::FirmwareCommit | AdminOpcode::FirmwareImageDownload
                )
            });
        deaf || (self.how.ignore_slot1 && h.csi == Csi::Slot1)
            || (self.how.ignore_firmware_commands && firmware)
    }

    /// Change the `len`-byte response to `request` in `out`; returns its new length.
    fn reshape(&self, request: &[u8], out: &mut [u8], len: usize) -> Option<usize> {
        let msg = out.get(..len)?;
        let m = Message::new_checked(msg).ok()?;
        let h = MessageHeader::parse(&m);
        if self.how.admin_sized_mpr && h.nmimt == Nmimt::AdminCommand {
            let (repr, _) = parse_response(msg).ok()?;
            if repr.mprt().is_some() && repr.completion.is_none() {
                let long = AdminResponseRepr {
                    completion: Some(AdminCompletion::success(0)),
                    ..repr
                };
                return long.emit_message(&[], out).ok();
            }
        }
        let (Some(how), Nmimt::MiCommand) = (self.how.data_structure_length, h.nmimt) else {
            return Some(len);
        };
        let rm = Message::new_checked(request).ok()?;
        let req = MiCommandRequestRepr::parse_message(&rm).ok()?;
        let success = ResponseHeader::parse(&m).ok()?.status().is_success();
        if req.opcode != Opcode::ReadDataStructure || !success {
            return Some(len);
        }
        let sent = len.checked_sub(RESPONSE_HEADER_LEN + MIC_LEN)?;
        let data = match how {
            DataStructureLength::Padded => sent.div_ceil(4) * 4,
            DataStructureLength::CutToDword => sent / 4 * 4,
        };
        let end = RESPONSE_HEADER_LEN + data;
        out.get_mut(RESPONSE_HEADER_LEN + sent.min(data)..end)?
            .fill(0);
        let sealed = out.get_mut(..end + MIC_LEN)?;
        integrity::seal(sealed).ok()?;
        Some(end + MIC_LEN)
    }
}

impl<R: Respond<P>, P> Respond<P> for Misbehaving<R> {
    fn handle(&mut self, request: &[u8], from: &P, now: Instant, out: &mut [u8]) -> Option<usize> {
        if self.ignores(request, now) {
            self.ignored = self.ignored.saturating_add(1);
            return None;
        }
        let n = self.inner.handle(request, from, now, out)?;
        self.last_response = Some(now);
        self.reshape(request, out, n)
    }

    fn poll(&mut self, now: Instant, out: &mut [u8]) -> Option<Outgoing<P>> {
        let o = self.inner.poll(now, out)?;
        self.last_response = Some(now);
        Some(o)
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.inner.next_deadline()
    }
}
