//! One request and its responses, as a sans-IO state machine, and the two drivers that run
//! it over a transport.

use core::convert::Infallible;

use super::{Policy, RequestError, Unexpected};
use crate::mctp::control::{CommandCode, ControlHeader};
use crate::mctp::{Eid, MsgTypeIc};
use crate::mi::admin::response::{MIN_RESPONSE_LEN, SHORT_RESPONSE_LEN};
use crate::mi::control_primitive::ControlPrimitiveResponseRepr;
use crate::mi::status::{Mprt, ResponseHeader};
use crate::mi::{self, Csi, Message, Nmimt, Ror};
use crate::time::Instant;
use crate::transport::{AsyncTransport, Error as _, ErrorKind, Transport};

/// What a valid response to the request looks like.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Expect {
    /// An NVMe-MI response (NVMe-MI 1.2 §3.1.1): type byte `0x84`, a correct integrity check,
    /// ROR set, and the request's NMIMT and command slot. For a control primitive, also its
    /// tag echoed in byte 5 (NVMe-MI 1.2 §4.2.1).
    NvmeMi {
        /// NMIMT of the request.
        nmimt: Nmimt,
        /// Command slot of the request.
        csi: Csi,
        /// The control primitive's tag, for control primitives.
        primitive_tag: Option<u8>,
    },
    /// An MCTP control response (DSP0236 §11.5): type byte `0x00`, Rq clear, and the
    /// request's instance ID and command code.
    Control {
        /// Instance ID of the request.
        instance: u8,
        /// Command code of the request.
        command: u8,
    },
    /// Any message (raw pass-through; the caller validates).
    Any,
}

/// What the driver of an [`Exchange`] does next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Step {
    /// The message just given is the final response.
    Done,
    /// Receive again on the same exchange until this deadline (More Processing Required).
    WaitUntil(Instant),
    /// End the exchange and send the request again.
    Resend,
    /// Give up.
    Fail(RequestError<Infallible>),
}

/// The state of one command: transmissions made, More Processing Required seen, deadlines.
///
/// Drive it like this: call [`Exchange::on_sent`] after each transmission and receive until
/// the deadline it returns; pass what arrives to [`Exchange::on_message`], or call
/// [`Exchange::on_timeout`] when the deadline passes; act on the returned [`Step`].
#[derive(Debug, Clone)]
pub struct Exchange {
    policy: Policy,
    expect: Expect,
    start: Option<Instant>,
    attempts: u8,
    more_processing: bool,
    tag_waits: u8,
    peer: Option<Eid>,
    admin_sized_mpr: bool,
}

/// First and longest pause while no message tag is free ([`Exchange::on_tags_exhausted`]).
const TAG_BACKOFF_MIN_MS: u64 = 1;
const TAG_BACKOFF_MAX_MS: u64 = 32;

impl Exchange {
    /// A new exchange under `policy`, accepting responses that match `expect`.
    pub fn new(policy: Policy, expect: Expect) -> Self {
        Exchange {
            policy,
            expect,
            start: None,
            attempts: 0,
            more_processing: false,
            tag_waits: 0,
            peer: None,
            admin_sized_mpr: false,
        }
    }

    /// Also take an Admin-sized More Processing Required as one (the
    /// [`Quirks::admin_sized_mpr`](super::Quirks::admin_sized_mpr) workaround).
    pub fn with_admin_sized_mpr(mut self, accept: bool) -> Self {
        self.admin_sized_mpr = accept;
        self
    }

    /// Name the endpoint in the exchange's log records (see the `log` and `defmt` features).
    pub fn with_peer(mut self, peer: Option<Eid>) -> Self {
        self.peer = peer;
        self
    }

    /// Transmissions so far.
    pub fn attempts(&self) -> u8 {
        self.attempts
    }

    /// The endpoint answered More Processing Required on the current transmission.
    pub fn more_processing(&self) -> bool {
        self.more_processing
    }

    /// The absolute deadline of the whole command (known after the first transmission).
    pub fn hard_deadline(&self) -> Option<Instant> {
        self.start.map(|s| s + self.policy.max_total)
    }

    /// The request was (re)transmitted at `now`: returns the deadline for its response.
    pub fn on_sent(&mut self, now: Instant) -> Instant {
        let start = *self.start.get_or_insert(now);
        self.attempts = self.attempts.saturating_add(1);
        self.more_processing = false;
        core::cmp::min(
            now + self.policy.response_timeout,
            start + self.policy.max_total,
        )
    }

    /// No message tag was free for the request at `now`: returns when to try sending again
    /// (a back-off doubling from 1 ms to 32 ms), or `None` once the command's deadline has
    /// passed. The wait counts towards the command's [`Policy::max_total`].
    pub fn on_tags_exhausted(&mut self, now: Instant) -> Option<Instant> {
        let start = *self.start.get_or_insert(now);
        let hard = start + self.policy.max_total;
        if now >= hard {
            warn!(
                "EID {:?}: no free message tag until the command's deadline",
                self.peer
            );
            return None;
        }
        debug!("EID {:?}: no free message tag, waiting", self.peer);
        let ms = core::cmp::min(
            TAG_BACKOFF_MIN_MS << self.tag_waits.min(16),
            TAG_BACKOFF_MAX_MS,
        );
        self.tag_waits = self.tag_waits.saturating_add(1);
        Some(core::cmp::min(
            now + core::time::Duration::from_millis(ms),
            hard,
        ))
    }

    /// A message arrived on the exchange at `now`.
    pub fn on_message(&mut self, msg: &[u8], now: Instant) -> Step {
        self.on_message_with(msg, || now)
    }

    /// As [`Exchange::on_message`], reading the time only when the step depends on it (a
    /// final response does not), which saves a clock read per exchange where reading the
    /// clock is a system call.
    pub fn on_message_with(&mut self, msg: &[u8], now: impl FnOnce() -> Instant) -> Step {
        match self.validate(msg) {
            Ok(Some(mprt)) => {
                trace!(
                    "EID {:?}: More Processing Required, MPRT {:?}",
                    self.peer,
                    mprt
                );
                let now = now();
                self.more_processing = true;
                let hard = self.hard_deadline().unwrap_or(now);
                if now >= hard {
                    return self.timeout_failure(now);
                }
                let wait = if mprt == Mprt(0) {
                    self.policy.response_timeout
                } else {
                    core::time::Duration::from_millis(u64::from(mprt.as_millis()))
                };
                let wait = core::cmp::min(wait, self.policy.max_mpr_wait);
                Step::WaitUntil(core::cmp::min(now + wait, hard))
            }
            Ok(None) => Step::Done,
            Err(e) => {
                if self.may_retry(now()) {
                    debug!(
                        "EID {:?}: response rejected ({:?}), sending again after attempt {}",
                        self.peer, e, self.attempts
                    );
                    Step::Resend
                } else {
                    warn!(
                        "EID {:?}: response rejected ({:?}), giving up after attempt {}",
                        self.peer, e, self.attempts
                    );
                    Step::Fail(e)
                }
            }
        }
    }

    /// The receive deadline passed at `now` with nothing (more) received.
    pub fn on_timeout(&mut self, now: Instant) -> Step {
        if self.may_retry(now) {
            debug!(
                "EID {:?}: no response in time, sending again after attempt {}",
                self.peer, self.attempts
            );
            Step::Resend
        } else {
            warn!(
                "EID {:?}: no response in time, giving up after attempt {} (More Processing Required seen: {:?})",
                self.peer,
                self.attempts,
                self.more_processing
            );
            self.timeout_failure(now)
        }
    }

    fn timeout_failure(&self, now: Instant) -> Step {
        Step::Fail(RequestError::Timeout {
            waited: now.since(self.start.unwrap_or(now)),
            after_more_processing: self.more_processing,
            attempts: self.attempts,
        })
    }

    fn may_retry(&self, now: Instant) -> bool {
        self.policy.idempotent
            && self.attempts <= self.policy.retries
            && self.hard_deadline().is_some_and(|h| now < h)
    }

    /// Check `msg` against the expectation: `Ok(Some(mprt))` for More Processing Required,
    /// `Ok(None)` for a final response.
    fn validate(&self, msg: &[u8]) -> Result<Option<Mprt>, RequestError<Infallible>> {
        match self.expect {
            Expect::Any => Ok(None),
            Expect::Control { instance, command } => {
                let Some(&ty) = msg.first() else {
                    return Err(RequestError::Malformed(mi::Error::Truncated));
                };
                if ty != MsgTypeIc::CONTROL.to_u8() {
                    return Err(RequestError::Unexpected(Unexpected::MessageType {
                        expected: MsgTypeIc::CONTROL.to_u8(),
                        received: ty,
                    }));
                }
                let h = ControlHeader::new_checked(msg)
                    .map_err(|_| RequestError::Malformed(mi::Error::Truncated))?;
                if h.rq() {
                    return Err(RequestError::Unexpected(Unexpected::NotAResponse));
                }
                if h.instance_id() != instance || h.command() != CommandCode::from_u8(command) {
                    return Err(RequestError::Unexpected(Unexpected::ControlEcho));
                }
                Ok(None)
            }
            Expect::NvmeMi {
                nmimt,
                csi,
                primitive_tag,
            } => {
                if let Some(&ty) = msg.first() {
                    if ty != MsgTypeIc::NVME_MI.to_u8() {
                        return Err(RequestError::Unexpected(Unexpected::MessageType {
                            expected: MsgTypeIc::NVME_MI.to_u8(),
                            received: ty,
                        }));
                    }
                }
                let m = Message::new_checked(msg)?;
                m.check_mic()?;
                if m.ror() != Ror::Response {
                    return Err(RequestError::Unexpected(Unexpected::NotAResponse));
                }
                let received = m.nmimt();
                if received != nmimt {
                    return Err(RequestError::Unexpected(Unexpected::Nmimt {
                        expected: nmimt.to_u8(),
                        received: received.to_u8(),
                    }));
                }
                if m.csi() != csi {
                    return Err(RequestError::Unexpected(Unexpected::CommandSlot));
                }
                if let Some(tag) = primitive_tag {
                    let r = ControlPrimitiveResponseRepr::parse(&m)?;
                    if r.tag != tag {
                        return Err(RequestError::Unexpected(Unexpected::PrimitiveTag));
                    }
                    return Ok(None);
                }
                let mprt = ResponseHeader::parse(&m)?.more_processing_required();
                Ok(mprt.filter(|_| self.mpr_form(nmimt, msg.len())))
            }
        }
    }
}

impl Exchange {
    /// Whether a More Processing Required response of `len` bytes to a request of type
    /// `nmimt` has the form of one: the eight-byte response header and the integrity check
    /// alone (NVMe-MI 1.2 §4.1.2), or, under the quirk, an Admin response with completion
    /// dwords and no data (NVMe-MI 1.2 Figure 118). Any other is a final response.
    fn mpr_form(&self, nmimt: Nmimt, len: usize) -> bool {
        len == SHORT_RESPONSE_LEN
            || (self.admin_sized_mpr && nmimt == Nmimt::AdminCommand && len == MIN_RESPONSE_LEN)
    }
}

fn widen<E>(e: RequestError<Infallible>) -> RequestError<E> {
    e.map_transport(|never| match never {})
}

/// The driver loop shared by [`run_exchange`] and [`run_exchange_async`]; the trailing tokens
/// are empty for the blocking flavour and `.await` for the async one.
macro_rules! drive {
    ($t:ident, $ex:ident, $request:ident, $buf:ident, $($aw:tt)*) => {{
        let mut ex = $ex.with_peer($t.remote_eid());
        'send: loop {
            if let Err(e) = $t.send_request($request)$($aw)* {
                $t.end_exchange();
                if e.kind() == ErrorKind::TagsExhausted {
                    if let Some(at) = ex.on_tags_exhausted($t.now()) {
                        $t.wait_until(at)$($aw)*;
                        continue 'send;
                    }
                }
                return Err(RequestError::Transport(e));
            }
            let mut deadline = ex.on_sent($t.now());
            loop {
                let (step, n) = match $t.recv_response($buf, deadline)$($aw)* {
                    Ok(n) => match $buf.get(..n) {
                        Some(msg) => (ex.on_message_with(msg, || $t.now()), n),
                        None => (Step::Fail(RequestError::BufferTooSmall), 0),
                    },
                    Err(e) if e.kind() == ErrorKind::Timeout => (ex.on_timeout($t.now()), 0),
                    Err(e) => {
                        $t.end_exchange();
                        return Err(RequestError::Transport(e));
                    }
                };
                match step {
                    Step::Done => {
                        $t.complete_exchange();
                        return Ok(n);
                    }
                    Step::WaitUntil(d) => deadline = d,
                    Step::Resend => {
                        $t.end_exchange();
                        continue 'send;
                    }
                    Step::Fail(e) => {
                        $t.end_exchange();
                        return Err(widen(e));
                    }
                }
            }
        }
    }};
}

/// Send `request` over a blocking transport and return the length of the final response,
/// which is left at the start of `buf`.
///
/// Follows More Processing Required, retries under `policy`, waits (with back-off, until the
/// command's deadline) while the transport has no free message tag, and ends the exchange on
/// every path: [`Transport::complete_exchange`] after the final response,
/// [`Transport::end_exchange`] otherwise.
pub fn run_exchange<T: Transport>(
    t: &mut T,
    policy: Policy,
    expect: Expect,
    request: &[&[u8]],
    buf: &mut [u8],
) -> Result<usize, RequestError<T::Error>> {
    drive_exchange(t, Exchange::new(policy, expect), request, buf)
}

/// [`run_exchange`] for an [`Exchange`] the caller made (with a workaround set).
pub fn drive_exchange<T: Transport>(
    t: &mut T,
    exchange: Exchange,
    request: &[&[u8]],
    buf: &mut [u8],
) -> Result<usize, RequestError<T::Error>> {
    drive!(t, exchange, request, buf,)
}

/// The async twin of [`run_exchange`].
pub async fn run_exchange_async<T: AsyncTransport>(
    t: &mut T,
    policy: Policy,
    expect: Expect,
    request: &[&[u8]],
    buf: &mut [u8],
) -> Result<usize, RequestError<T::Error>> {
    drive_exchange_async(t, Exchange::new(policy, expect), request, buf).await
}

/// The async twin of [`drive_exchange`].
pub async fn drive_exchange_async<T: AsyncTransport>(
    t: &mut T,
    exchange: Exchange,
    request: &[&[u8]],
    buf: &mut [u8],
) -> Result<usize, RequestError<T::Error>> {
    drive!(t, exchange, request, buf, .await)
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use crate::mi::header::{emit_message, MessageHeader};
    use core::time::Duration;
    use std::collections::VecDeque;
    use std::vec::Vec;

    /// A transport in virtual time that answers each transmission with a script of
    /// (delay after the previous event in ms, message) pairs.
    struct Scripted {
        now: Instant,
        scripts: VecDeque<VecDeque<(u64, Vec<u8>)>>,
        current: VecDeque<(u64, Vec<u8>)>,
        sends: u32,
        ends: u32,
        completes: u32,
        open: bool,
        /// Sends refused with `TagsExhausted` before one goes through (`u32::MAX`: all).
        busy: u32,
    }

    impl Scripted {
        fn new(scripts: Vec<Vec<(u64, Vec<u8>)>>) -> Self {
            Scripted {
                now: Instant(1_000),
                scripts: scripts.into_iter().map(VecDeque::from).collect(),
                current: VecDeque::new(),
                sends: 0,
                ends: 0,
                completes: 0,
                open: false,
                busy: 0,
            }
        }
    }

    impl Transport for Scripted {
        type Error = ErrorKind;
        fn now(&mut self) -> Instant {
            self.now
        }
        fn send_request(&mut self, _m: &[&[u8]]) -> Result<(), ErrorKind> {
            if self.busy > 0 {
                self.busy = self.busy.saturating_sub(u32::from(self.busy != u32::MAX));
                return Err(ErrorKind::TagsExhausted);
            }
            self.sends += 1;
            self.open = true;
            self.current = self.scripts.pop_front().unwrap_or_default();
            Ok(())
        }
        fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
            assert!(self.open, "receive outside an exchange");
            match self.current.front() {
                Some((delay, _)) if self.now + Duration::from_millis(*delay) <= deadline => {
                    let (delay, msg) = self.current.pop_front().unwrap();
                    self.now = self.now + Duration::from_millis(delay);
                    buf[..msg.len()].copy_from_slice(&msg);
                    Ok(msg.len())
                }
                _ => {
                    self.now = core::cmp::max(self.now, deadline);
                    Err(ErrorKind::Timeout)
                }
            }
        }
        fn end_exchange(&mut self) {
            if self.open {
                self.ends += 1;
            }
            self.open = false;
        }
        fn complete_exchange(&mut self) {
            assert!(self.open, "completing no exchange");
            self.completes += 1;
            self.end_exchange();
        }
        fn wait_until(&mut self, t: Instant) {
            self.now = core::cmp::max(self.now, t);
        }
    }

    fn mi_response(status: u8, rest: [u8; 3]) -> Vec<u8> {
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response();
        let mut out = [0u8; 16];
        let n = emit_message(&hdr, &[&[status], &rest], &mut out).unwrap();
        out[..n].to_vec()
    }

    const MI: Expect = Expect::NvmeMi {
        nmimt: Nmimt::MiCommand,
        csi: Csi::Slot0,
        primitive_tag: None,
    };

    fn run(t: &mut Scripted, policy: Policy) -> Result<Vec<u8>, RequestError<ErrorKind>> {
        let mut buf = [0u8; 64];
        let n = run_exchange(t, policy, MI, &[&[0x84, 0x08, 0, 0]], &mut buf)?;
        Ok(buf[..n].to_vec())
    }

    #[test]
    fn plain_response() {
        let ok = mi_response(0, [0, 0, 0]);
        let mut t = Scripted::new(std::vec![std::vec![(10, ok.clone())]]);
        assert_eq!(run(&mut t, Policy::read()).unwrap(), ok);
        assert_eq!((t.sends, t.ends, t.completes), (1, 1, 1));
    }

    #[test]
    fn no_free_tag_waits_with_back_off() {
        let ok = mi_response(0, [0, 0, 0]);
        let mut t = Scripted::new(std::vec![std::vec![(10, ok.clone())]]);
        t.busy = 5;
        assert_eq!(run(&mut t, Policy::write()).unwrap(), ok);
        // 1 + 2 + 4 + 8 + 16 ms of back-off, then the response after 10 ms.
        assert_eq!(t.now.since(Instant(1_000)), Duration::from_millis(41));
        assert_eq!((t.sends, t.ends, t.completes), (1, 1, 1));
    }

    #[test]
    fn no_free_tag_until_the_deadline_is_reported() {
        let mut t = Scripted::new(std::vec![]);
        t.busy = u32::MAX;
        let policy = Policy::write().with_timeout(Duration::from_secs(1));
        let policy = Policy {
            max_total: Duration::from_secs(2),
            ..policy
        };
        let e = run(&mut t, policy).unwrap_err();
        assert_eq!(e, RequestError::Transport(ErrorKind::TagsExhausted));
        // The waits end exactly at the command's deadline, never past it.
        assert_eq!(t.now.since(Instant(1_000)), Duration::from_secs(2));
        assert_eq!((t.sends, t.ends, t.completes), (0, 0, 0));
    }

    #[test]
    fn more_processing_then_final() {
        // MPRT 20 = 2 s; the final response comes 1.5 s later, after the 5 s timeout
        // would not matter but the MPR wait governs.
        let mpr = mi_response(
            crate::mi::status::ResponseStatus::MoreProcessingRequired.to_u8(),
            [0, 20, 0],
        );
        let ok = mi_response(0, [1, 2, 3]);
        let mut t = Scripted::new(std::vec![std::vec![(10, mpr), (1_500, ok.clone())]]);
        assert_eq!(run(&mut t, Policy::write()).unwrap(), ok);
        assert_eq!((t.sends, t.ends, t.completes), (1, 1, 1));
    }

    #[test]
    fn admin_sized_more_processing_only_under_the_quirk() {
        let admin = Expect::NvmeMi {
            nmimt: Nmimt::AdminCommand,
            csi: Csi::Slot0,
            primitive_tag: None,
        };
        let hdr = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0).response();
        let mut out = [0u8; 32];
        let mpr = crate::mi::status::ResponseStatus::MoreProcessingRequired.to_u8();
        // Header, status, MPRT 10 (1 s), three zero completion dwords.
        let n = emit_message(&hdr, &[&[mpr, 0, 10, 0], &[0; 12]], &mut out).unwrap();
        assert_eq!(n, MIN_RESPONSE_LEN);
        for (quirk, step) in [(false, Step::Done), (true, Step::WaitUntil(Instant(2_000)))] {
            let mut ex = Exchange::new(Policy::write(), admin).with_admin_sized_mpr(quirk);
            ex.on_sent(Instant(1_000));
            assert_eq!(ex.on_message(&out[..n], Instant(1_000)), step);
        }
        // The short form is More Processing Required either way; an MI response of the
        // Admin size never is.
        let n = emit_message(&hdr, &[&[mpr, 0, 10, 0]], &mut out).unwrap();
        let mut ex = Exchange::new(Policy::write(), admin);
        ex.on_sent(Instant(1_000));
        assert_eq!(
            ex.on_message(&out[..n], Instant(1_000)),
            Step::WaitUntil(Instant(2_000))
        );
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response();
        let n = emit_message(&hdr, &[&[mpr, 0, 10, 0], &[0; 12]], &mut out).unwrap();
        let mut ex = Exchange::new(Policy::write(), MI).with_admin_sized_mpr(true);
        ex.on_sent(Instant(1_000));
        assert_eq!(ex.on_message(&out[..n], Instant(1_000)), Step::Done);
    }

    #[test]
    fn final_response_later_than_mprt_times_out() {
        let mpr = mi_response(
            crate::mi::status::ResponseStatus::MoreProcessingRequired.to_u8(),
            [0, 10, 0],
        ); // 1 s
        let ok = mi_response(0, [0, 0, 0]);
        let mut t = Scripted::new(std::vec![std::vec![(10, mpr), (2_000, ok)]]);
        let e = run(&mut t, Policy::write()).unwrap_err();
        assert!(
            matches!(
                e,
                RequestError::Timeout {
                    after_more_processing: true,
                    attempts: 1,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!(t.ends, 1);
    }

    #[test]
    fn endless_more_processing_is_bounded() {
        let mpr = mi_response(
            crate::mi::status::ResponseStatus::MoreProcessingRequired.to_u8(),
            [0, 0xff, 0xff],
        ); // asks for 6553.5 s each time
        let script: Vec<(u64, Vec<u8>)> = (0..10_000).map(|_| (1_000, mpr.clone())).collect();
        let mut t = Scripted::new(std::vec![script]);
        let policy = Policy {
            max_total: Duration::from_secs(60),
            max_mpr_wait: Duration::from_secs(60),
            ..Policy::write()
        };
        let start = t.now;
        let e = run(&mut t, policy).unwrap_err();
        match e {
            RequestError::Timeout {
                waited,
                after_more_processing,
                ..
            } => {
                assert!(after_more_processing);
                assert!(waited <= Duration::from_secs(60), "{waited:?}");
            }
            other => panic!("{other:?}"),
        }
        assert!(t.now.since(start) <= Duration::from_secs(60));
        assert_eq!(t.ends, 1);
    }

    #[test]
    fn silence_retries_only_idempotent() {
        let mut t = Scripted::new(std::vec![]);
        let e = run(&mut t, Policy::read()).unwrap_err();
        assert!(
            matches!(
                e,
                RequestError::Timeout {
                    attempts: 3,
                    after_more_processing: false,
                    ..
                }
            ),
            "{e:?}"
        );
        assert_eq!((t.sends, t.ends, t.completes), (3, 3, 0));

        let mut t = Scripted::new(std::vec![]);
        let e = run(&mut t, Policy::write()).unwrap_err();
        assert!(
            matches!(e, RequestError::Timeout { attempts: 1, .. }),
            "{e:?}"
        );
        assert_eq!(t.now.since(Instant(1_000)), Duration::from_secs(5));
        assert_eq!((t.sends, t.ends), (1, 1));
    }

    #[test]
    fn corrupted_response_retried_or_reported() {
        let mut bad = mi_response(0, [0, 0, 0]);
        bad[6] ^= 0x40;
        let ok = mi_response(0, [0, 0, 0]);
        let mut t = Scripted::new(std::vec![
            std::vec![(5, bad.clone())],
            std::vec![(5, ok.clone())]
        ]);
        assert_eq!(run(&mut t, Policy::read()).unwrap(), ok);
        assert_eq!((t.sends, t.ends, t.completes), (2, 2, 1));

        let mut t = Scripted::new(std::vec![std::vec![(5, bad)], std::vec![(5, ok)]]);
        assert!(matches!(
            run(&mut t, Policy::write()),
            Err(RequestError::Integrity { .. })
        ));
        assert_eq!((t.sends, t.ends), (1, 1));
    }

    #[test]
    fn wrong_answers_are_typed() {
        // An Admin response to an MI command.
        let hdr = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0).response();
        let mut out = [0u8; 32];
        let n = emit_message(&hdr, &[&[0; 16]], &mut out).unwrap();
        let mut t = Scripted::new(std::vec![std::vec![(5, out[..n].to_vec())]]);
        assert_eq!(
            run(&mut t, Policy::write()).unwrap_err(),
            RequestError::Unexpected(Unexpected::Nmimt {
                expected: 1,
                received: 2
            })
        );
        // A request echoed back.
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let n = emit_message(&hdr, &[&[0; 12]], &mut out).unwrap();
        let mut t = Scripted::new(std::vec![std::vec![(5, out[..n].to_vec())]]);
        assert_eq!(
            run(&mut t, Policy::write()).unwrap_err(),
            RequestError::Unexpected(Unexpected::NotAResponse)
        );
        // The other slot.
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot1).response();
        let n = emit_message(&hdr, &[&[0; 4]], &mut out).unwrap();
        let mut t = Scripted::new(std::vec![std::vec![(5, out[..n].to_vec())]]);
        assert_eq!(
            run(&mut t, Policy::write()).unwrap_err(),
            RequestError::Unexpected(Unexpected::CommandSlot)
        );
        // Not NVMe-MI at all, and truncated.
        let mut t = Scripted::new(std::vec![std::vec![(5, std::vec![0x00, 0x01, 0x02, 0x00])]]);
        assert!(matches!(
            run(&mut t, Policy::write()),
            Err(RequestError::Unexpected(Unexpected::MessageType { .. }))
        ));
        let mut t = Scripted::new(std::vec![std::vec![(5, std::vec![0x84, 0x88])]]);
        assert_eq!(
            run(&mut t, Policy::write()).unwrap_err(),
            RequestError::Malformed(mi::Error::Truncated)
        );
        // Header and MIC but no status byte.
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response();
        let n = emit_message(&hdr, &[], &mut out).unwrap();
        let mut t = Scripted::new(std::vec![std::vec![(5, out[..n].to_vec())]]);
        assert_eq!(
            run(&mut t, Policy::write()).unwrap_err(),
            RequestError::Malformed(mi::Error::Truncated)
        );
    }

    #[test]
    fn control_echo_checked() {
        let expect = Expect::Control {
            instance: 1,
            command: 2,
        };
        let mut buf = [0u8; 16];
        let mut t = Scripted::new(std::vec![std::vec![(
            5,
            std::vec![0x00, 0x01, 0x02, 0x00, 9, 1, 0]
        )]]);
        assert_eq!(
            run_exchange(&mut t, Policy::write(), expect, &[&[0, 0x81, 2]], &mut buf).unwrap(),
            7
        );
        let mut t = Scripted::new(std::vec![std::vec![(5, std::vec![0x00, 0x02, 0x02, 0x00])]]);
        assert_eq!(
            run_exchange(&mut t, Policy::write(), expect, &[&[0, 0x81, 2]], &mut buf).unwrap_err(),
            RequestError::Unexpected(Unexpected::ControlEcho)
        );
    }
}
