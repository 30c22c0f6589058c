//! A [`Transport`] wrapper that makes the wire misbehave, for testing error paths.
//!
//! [`FaultInjector`] wraps any requester transport (the in-memory `Loopback`, the SMBus
//! transport, an AF_MCTP socket) the way
//! smoltcp's `phy::FaultInjector` wraps a device: requests pass through it on their way out,
//! responses and unsolicited messages on their way in, and each [`Fault`] it holds may drop,
//! corrupt, truncate, delay, duplicate or reorder one of them, swallow the responses of a
//! command and answer More Processing Required for ever instead, or silence the endpoint.
//!
//! A fault picks its messages with a [`Which`]: every message, the n-th, every one from the
//! n-th on, or each with a given probability. The probabilities come from a small generator
//! seeded by the caller ([`FaultInjector::set_seed`]): the same seed and the same traffic give
//! the same faults.
//!
//! Time is the inner transport's. A delayed or reordered response waits in the injector (up
//! to `N` messages, no heap) and is delivered once the inner transport's clock reaches it,
//! to the exchange it belongs to only: once that exchange has ended, the message is
//! discarded when it falls due, as a transport discards a response on a tag it no longer
//! owns. The injector works on whole messages; it cannot rewrite an MCTP tag or source EID,
//! so [`Fault::WrongTag`] and [`Fault::WrongSource`] stand for what a transport does with
//! such a packet: it never delivers it.
//!
//! ```
//! use nvme_mi_core::fault_injector::{Fault, FaultInjector, Which};
//! use nvme_mi_core::requester::{Endpoint, RequestError};
//! # use nvme_mi_core::loopback::{LoopPeer, Loopback};
//! # use nvme_mi_core::mctp::Eid;
//! # use nvme_mi_core::mi::header::{emit_message, MessageHeader};
//! # use nvme_mi_core::mi::Message;
//! # use nvme_mi_core::responder::{Outgoing, Respond};
//! # use nvme_mi_core::time::Instant;
//! # /// Answers every command with Success and an NVM Subsystem Health Data Structure.
//! # struct Drive;
//! # impl Respond<LoopPeer> for Drive {
//! #     fn handle(&mut self, req: &[u8], _: &LoopPeer, _: Instant, out: &mut [u8]) -> Option<usize> {
//! #         let hdr = MessageHeader::parse(&Message::new_checked(req).ok()?).response();
//! #         emit_message(&hdr, &[&[0, 0, 0, 0], &[0x38, 0xff, 0x25, 0x03, 1, 0, 0, 0]], out).ok()
//! #     }
//! #     fn poll(&mut self, _: Instant, _: &mut [u8]) -> Option<Outgoing<LoopPeer>> { None }
//! #     fn next_deadline(&self) -> Option<Instant> { None }
//! # }
//! # let loopback: Loopback<Drive> = Loopback::new(Drive, Eid(8), Eid(9));
//! // Any transport: here the in-memory loopback to a drive.
//! let mut link = FaultInjector::<_>::new(loopback);
//! link.inject(Fault::DropResponse(Which::Nth(0)));
//! let mut ep = Endpoint::new(link, [0u8; 4224]);
//! // The first response is lost; a health poll is a read, so it is sent again.
//! assert_eq!(ep.health_poll(false).unwrap().ctemp, 0x25);
//! assert_eq!(ep.transport().stats().responses_dropped, 1);
//!
//! // Every response corrupted: an integrity failure, reported as such.
//! ep.transport_mut().inject(Fault::CorruptResponse(Which::All, 9, 0x01));
//! assert!(matches!(ep.health_poll(false), Err(RequestError::Integrity { .. })));
//! ```

use heapless::Vec;

use crate::mi::header::MessageHeader;
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::{Mprt, ResponseHeader, StatusInfo, RESPONSE_HEADER_LEN};
use crate::mi::{Csi, Message, Nmimt, MAX_MESSAGE_LEN};
use crate::time::Instant;
use crate::transport::{gather, Error as _, ErrorKind, EventSource, Transport};
use core::time::Duration;

/// Which messages a fault applies to. Requests and messages from the endpoint (responses and
/// unsolicited messages) are counted separately, from 0, since the injector was made.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Which {
    /// Every message.
    All,
    /// The n-th message (0-based) in that direction.
    Nth(u32),
    /// Every message from the n-th on.
    From(u32),
    /// Each message with probability `p / 65 536`, drawn from the injector's seeded generator.
    Rate(u16),
}

/// What the wire does wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Fault {
    /// Requests matching are lost before they reach the endpoint.
    DropRequest(Which),
    /// Requests matching have byte `index` XORed with `mask` on the way.
    CorruptRequest(Which, usize, u8),
    /// Responses and unsolicited messages matching are lost.
    DropResponse(Which),
    /// Responses matching arrive twice, the copy a millisecond later.
    DuplicateResponse(Which),
    /// Responses matching arrive later by this many milliseconds.
    DelayResponse(Which, u32),
    /// Responses matching are held back until the next message from the endpoint has
    /// arrived, and arrive a millisecond after it.
    ReorderResponse(Which),
    /// Responses and unsolicited messages matching have byte `index` XORed with `mask`.
    CorruptResponse(Which, usize, u8),
    /// Responses and unsolicited messages matching are cut to this many bytes.
    TruncateResponse(Which, usize),
    /// Responses and unsolicited messages matching carry another message tag: the
    /// transport never delivers them.
    WrongTag(Which),
    /// Responses and unsolicited messages matching come from another EID: the transport
    /// never delivers them.
    WrongSource(Which),
    /// Responses matching are replaced by More Processing Required, sent again every
    /// `interval` milliseconds for the rest of the exchange: a drive that never finishes.
    EndlessMpr(Which, u32),
    /// The endpoint's messages are all lost.
    Silence,
}

/// What the injector did, for tests to assert on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct FaultStats {
    /// Requests lost ([`Fault::DropRequest`]).
    pub requests_dropped: u32,
    /// Requests corrupted ([`Fault::CorruptRequest`]).
    pub requests_corrupted: u32,
    /// Messages from the endpoint lost ([`Fault::DropResponse`], [`Fault::Silence`], or no
    /// room to hold a delayed one).
    pub responses_dropped: u32,
    /// Messages from the endpoint corrupted.
    pub responses_corrupted: u32,
    /// Messages from the endpoint truncated.
    pub responses_truncated: u32,
    /// Responses held back ([`Fault::DelayResponse`], [`Fault::ReorderResponse`]).
    pub responses_delayed: u32,
    /// Responses duplicated.
    pub responses_duplicated: u32,
    /// Messages never delivered because of their tag or source: misaddressed
    /// ([`Fault::WrongTag`], [`Fault::WrongSource`]), or held past the end of their exchange.
    pub discarded: u32,
    /// More Processing Required responses made up by [`Fault::EndlessMpr`].
    pub more_processing: u32,
}

/// The error of a [`FaultInjector`]: the inner transport's, or the one a fault causes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum FaultError<E> {
    /// The inner transport failed.
    Transport(E),
    /// The request was lost, so nothing answered before the deadline.
    Timeout,
    /// The request, or a message held by the injector, is larger than its buffer.
    BufferTooSmall,
}

impl<E: core::fmt::Display> core::fmt::Display for FaultError<E> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        match self {
            FaultError::Transport(e) => e.fmt(f),
            FaultError::Timeout => f.write_str("timed out (request lost by an injected fault)"),
            FaultError::BufferTooSmall => ErrorKind::BufferTooSmall.fmt(f),
        }
    }
}

impl<E: core::error::Error> core::error::Error for FaultError<E> {}

impl<E: crate::transport::Error> crate::transport::Error for FaultError<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            FaultError::Transport(e) => e.kind(),
            FaultError::Timeout => ErrorKind::Timeout,
            FaultError::BufferTooSmall => ErrorKind::BufferTooSmall,
        }
    }
}

/// A response held back by the injector.
struct Held {
    used: bool,
    /// The exchange it answers.
    exchange: u32,
    /// Waiting for the next message from the endpoint ([`Fault::ReorderResponse`]).
    after_next: bool,
    arrive: Instant,
    /// Order of holding, to deliver messages due at the same time in that order.
    order: u32,
    len: usize,
    buf: [u8; MAX_MESSAGE_LEN],
}

impl Held {
    const EMPTY: Held = Held {
        used: false,
        exchange: 0,
        after_next: false,
        arrive: Instant::ZERO,
        order: 0,
        len: 0,
        buf: [0; MAX_MESSAGE_LEN],
    };
}

/// More Processing Required for ever ([`Fault::EndlessMpr`]).
struct EndlessMpr {
    exchange: u32,
    next: Instant,
    interval: Duration,
    bytes: [u8; MPR_LEN],
}

/// An NVMe-MI response with the More Processing Required status and its integrity check.
const MPR_LEN: usize = RESPONSE_HEADER_LEN + MIC_LEN;

/// The generator's seed until [`FaultInjector::set_seed`] (any non-zero value would do).
const DEFAULT_SEED: u64 = 0x9e37_79b9_7f4a_7c15;

/// A requester transport `T` with faults injected, holding up to `N` delayed or duplicated
/// responses. See the [module documentation](self).
pub struct FaultInjector<T, const N: usize = 4> {
    inner: T,
    faults: Vec<Fault, 8>,
    rng: u64,
    /// Requests and messages from the endpoint seen so far (what [`Which`] counts).
    requests: u32,
    messages: u32,
    /// The current exchange; bumped when an exchange starts or ends.
    exchange: u32,
    /// The current exchange's request was lost.
    request_dropped: bool,
    mpr: Option<EndlessMpr>,
    held: [Held; N],
    next_order: u32,
    request: [u8; MAX_MESSAGE_LEN],
    stats: FaultStats,
}

impl<T, const N: usize> FaultInjector<T, N> {
    /// `inner` without faults.
    pub fn new(inner: T) -> Self {
        FaultInjector {
            inner,
            faults: Vec::new(),
            rng: DEFAULT_SEED,
            requests: 0,
            messages: 0,
            exchange: 0,
            request_dropped: false,
            mpr: None,
            held: [const { Held::EMPTY }; N],
            next_order: 0,
            request: [0; MAX_MESSAGE_LEN],
            stats: FaultStats::default(),
        }
    }

    /// Seed the generator behind [`Which::Rate`] (0 is taken as the default seed).
    pub fn set_seed(&mut self, seed: u64) {
        self.rng = if seed == 0 { DEFAULT_SEED } else { seed };
    }

    /// Add a fault (at most 8). Returns `false` if the list is full.
    pub fn inject(&mut self, fault: Fault) -> bool {
        self.faults.push(fault).is_ok()
    }

    /// Remove every fault (messages already held are still delivered).
    pub fn heal(&mut self) {
        self.faults.clear();
    }

    /// The wrapped transport.
    pub fn inner(&self) -> &T {
        &self.inner
    }

    /// The wrapped transport, mutably.
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }

    /// The wrapped transport, giving up the injector.
    pub fn into_inner(self) -> T {
        self.inner
    }

    /// What the injector did so far.
    pub fn stats(&self) -> FaultStats {
        self.stats
    }

    /// The next number of an xorshift64* generator.
    fn random(&mut self) -> u64 {
        let mut x = self.rng;
        x ^= x >> 12;
        x ^= x << 25;
        x ^= x >> 27;
        self.rng = x;
        x.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn hit(&mut self, which: Which, n: u32) -> bool {
        match which {
            Which::All => true,
            Which::Nth(k) => n == k,
            Which::From(k) => n >= k,
            Which::Rate(p) => ((self.random() >> 48) as u16) < p,
        }
    }

    /// Hold `msg` for the current exchange; false (and the message lost) when no room is
    /// left.
    fn hold(&mut self, msg: &[u8], arrive: Instant, after_next: bool) -> bool {
        let order = self.next_order;
        let exchange = self.exchange;
        let Some(slot) = self.held.iter_mut().find(|h| !h.used) else {
            self.stats.responses_dropped += 1;
            return false;
        };
        let Some(dst) = slot.buf.get_mut(..msg.len()) else {
            return false;
        };
        dst.copy_from_slice(msg);
        slot.used = true;
        slot.exchange = exchange;
        slot.after_next = after_next;
        slot.arrive = arrive;
        slot.order = order;
        slot.len = msg.len();
        self.next_order = order.wrapping_add(1);
        true
    }

    /// Discard the held messages of ended exchanges that are due by `now` or wait for a
    /// message after them.
    fn discard_stale(&mut self, now: Instant) {
        let exchange = self.exchange;
        for h in self.held.iter_mut() {
            if h.used && h.exchange != exchange && (h.after_next || h.arrive <= now) {
                h.used = false;
                self.stats.discarded += 1;
                debug!("held message discarded: its exchange has ended");
            }
        }
    }

    /// The held message of the current exchange due first, if it is due by `by`.
    fn due(&self, by: Instant) -> Option<usize> {
        let next = self.next_order;
        self.held
            .iter()
            .enumerate()
            .filter(|(_, h)| h.used && !h.after_next && h.exchange == self.exchange)
            .filter(|(_, h)| h.arrive <= by)
            .min_by_key(|(_, h)| (h.arrive, h.order.wrapping_sub(next)))
            .map(|(i, _)| i)
    }

    /// Deliver held message `i` into `buf`.
    fn take(&mut self, i: usize, buf: &mut [u8]) -> Result<usize, FaultError<()>> {
        let h = self.held.get_mut(i).ok_or(FaultError::BufferTooSmall)?;
        h.used = false;
        let msg = h.buf.get(..h.len).ok_or(FaultError::BufferTooSmall)?;
        let out = buf.get_mut(..msg.len()).ok_or(FaultError::BufferTooSmall)?;
        out.copy_from_slice(msg);
        Ok(msg.len())
    }

    /// Apply the faults to the message from the endpoint in `buf[..len]`, received at `now`:
    /// its length if it is to be delivered now, `None` if it was lost or held back.
    fn on_message(
        &mut self,
        buf: &mut [u8],
        len: usize,
        unsolicited: bool,
        now: Instant,
    ) -> Option<usize> {
        let n = self.messages;
        self.messages = n.wrapping_add(1);
        // Messages waiting for this one to pass them arrive just after it.
        for h in self.held.iter_mut().filter(|h| h.used && h.after_next) {
            h.after_next = false;
            h.arrive = now + Duration::from_millis(1);
        }
        let mut len = len;
        let (mut delay, mut duplicate, mut reorder) = (0u64, false, false);
        let faults = self.faults.clone();
        for f in faults {
            match f {
                Fault::Silence => {
                    self.stats.responses_dropped += 1;
                    return None;
                }
                Fault::DropResponse(w) if self.hit(w, n) => {
                    self.stats.responses_dropped += 1;
                    return None;
                }
                Fault::WrongTag(w) | Fault::WrongSource(w) if self.hit(w, n) => {
                    self.stats.discarded += 1;
                    return None;
                }
                Fault::CorruptResponse(w, i, mask) if self.hit(w, n) && i < len => {
                    if let Some(b) = buf.get_mut(i) {
                        *b ^= mask;
                        self.stats.responses_corrupted += 1;
                    }
                }
                Fault::TruncateResponse(w, l) if self.hit(w, n) && l < len => {
                    len = l;
                    self.stats.responses_truncated += 1;
                }
                Fault::DelayResponse(w, ms) if !unsolicited && self.hit(w, n) => {
                    delay += u64::from(ms);
                }
                Fault::DuplicateResponse(w) if !unsolicited && self.hit(w, n) => duplicate = true,
                Fault::ReorderResponse(w) if !unsolicited && self.hit(w, n) => reorder = true,
                Fault::EndlessMpr(w, interval) if !unsolicited && self.hit(w, n) => {
                    // More Processing Required, MPRT 10 (in 100 ms units).
                    let mpr = ResponseHeader::answering(
                        &header_of(buf.get(..len).unwrap_or(&[])),
                        StatusInfo::MoreProcessingRequired(Mprt(10)),
                    );
                    let mut bytes = [0u8; MPR_LEN];
                    let _ = mpr.emit_message(&[], &mut bytes);
                    self.mpr = Some(EndlessMpr {
                        exchange: self.exchange,
                        next: now,
                        interval: Duration::from_millis(u64::from(interval.max(1))),
                        bytes,
                    });
                    return None;
                }
                _ => {}
            }
        }
        let msg = buf.get(..len).unwrap_or(&[]);
        if delay > 0 || reorder {
            if self.hold(msg, now + Duration::from_millis(delay), reorder) {
                self.stats.responses_delayed += 1;
            }
            return None;
        }
        if duplicate && self.hold(msg, now + Duration::from_millis(1), false) {
            self.stats.responses_duplicated += 1;
        }
        Some(len)
    }
}

/// The header of the request or response in `msg` (what a made-up MPR answers), or an MI
/// command's on slot 0 when `msg` is not an NVMe-MI message.
fn header_of(msg: &[u8]) -> MessageHeader {
    match Message::new_checked(msg) {
        Ok(m) => MessageHeader::parse(&m),
        Err(_) => MessageHeader::request(Nmimt::MiCommand, Csi::Slot0),
    }
}

fn lift<E>(e: FaultError<()>) -> FaultError<E> {
    match e {
        FaultError::Timeout => FaultError::Timeout,
        _ => FaultError::BufferTooSmall,
    }
}

impl<T: Transport, const N: usize> FaultInjector<T, N> {
    /// The end of the current exchange: its held messages and made-up MPRs are no longer
    /// delivered.
    fn close_exchange(&mut self) {
        self.exchange = self.exchange.wrapping_add(1);
        self.mpr = None;
    }

    /// The made-up More Processing Required of the current exchange, if one is due by `by`.
    fn mpr_due(&self, by: Instant) -> Option<Instant> {
        self.mpr
            .as_ref()
            .filter(|m| m.exchange == self.exchange && m.next <= by)
            .map(|m| m.next)
    }
}

impl<T: Transport, const N: usize> Transport for FaultInjector<T, N> {
    type Error = FaultError<T::Error>;

    fn now(&mut self) -> Instant {
        self.inner.now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        self.close_exchange();
        self.request_dropped = false;
        let now = self.inner.now();
        self.discard_stale(now);
        let n = self.requests;
        self.requests = n.wrapping_add(1);
        let len = gather(message, &mut self.request).ok_or(FaultError::BufferTooSmall)?;
        let faults = self.faults.clone();
        for f in faults {
            match f {
                Fault::DropRequest(w) if self.hit(w, n) => {
                    // Nothing reaches the endpoint; the previous exchange ends all the same.
                    self.stats.requests_dropped += 1;
                    self.request_dropped = true;
                    self.inner.end_exchange();
                    return Ok(());
                }
                Fault::CorruptRequest(w, i, mask) if self.hit(w, n) && i < len => {
                    if let Some(b) = self.request.get_mut(i) {
                        *b ^= mask;
                        self.stats.requests_corrupted += 1;
                    }
                }
                _ => {}
            }
        }
        let req = self.request.get(..len).unwrap_or(&[]);
        self.inner
            .send_request(&[req])
            .map_err(FaultError::Transport)
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error> {
        if self.request_dropped {
            // Nothing was sent, so nothing answers.
            self.inner.wait_until(deadline);
            self.discard_stale(deadline);
            return Err(FaultError::Timeout);
        }
        loop {
            let now = self.inner.now();
            self.discard_stale(now);
            if let Some(i) = self.due(now) {
                return self.take(i, buf).map_err(lift);
            }
            if let Some(at) = self.mpr_due(now) {
                if let Some(m) = self.mpr.as_mut() {
                    m.next = at + m.interval;
                    let out = buf.get_mut(..MPR_LEN).ok_or(FaultError::BufferTooSmall)?;
                    out.copy_from_slice(&m.bytes);
                    self.stats.more_processing += 1;
                    return Ok(MPR_LEN);
                }
            }
            // Wait for the inner transport, but no longer than until something held is due.
            let held = self
                .due(deadline)
                .and_then(|i| self.held.get(i))
                .map(|h| h.arrive);
            let horizon = [Some(deadline), held, self.mpr_due(deadline)]
                .into_iter()
                .flatten()
                .min()
                .unwrap_or(deadline);
            match self.inner.recv_response(buf, horizon) {
                Ok(len) => {
                    let now = self.inner.now();
                    if let Some(len) = self.on_message(buf, len, false, now) {
                        return Ok(len);
                    }
                }
                Err(e) if e.kind() == ErrorKind::Timeout => {
                    if self.inner.now() < horizon {
                        self.inner.wait_until(horizon);
                    }
                    // Something of ours falls due by then (at the deadline itself, too).
                    let ours = self.due(deadline).is_some() || self.mpr_due(deadline).is_some();
                    if horizon >= deadline && !ours {
                        return Err(FaultError::Transport(e));
                    }
                }
                Err(e) => return Err(FaultError::Transport(e)),
            }
        }
    }

    fn end_exchange(&mut self) {
        self.close_exchange();
        if !core::mem::take(&mut self.request_dropped) {
            self.inner.end_exchange();
        }
    }

    fn complete_exchange(&mut self) {
        self.close_exchange();
        if !core::mem::take(&mut self.request_dropped) {
            self.inner.complete_exchange();
        }
    }

    fn wait_until(&mut self, t: Instant) {
        self.inner.wait_until(t);
    }

    fn remote_eid(&self) -> Option<crate::mctp::Eid> {
        self.inner.remote_eid()
    }
}

/// Unsolicited messages pass the faults that concern one message (drop, corrupt, truncate,
/// misaddress, silence); delays, duplicates, reordering and made-up MPRs concern responses.
impl<T: EventSource, const N: usize> EventSource for FaultInjector<T, N> {
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        loop {
            let len = self
                .inner
                .recv_unsolicited(buf, deadline)
                .map_err(FaultError::Transport)?;
            let now = self.inner.now();
            if let Some(len) = self.on_message(buf, len, true, now) {
                return Ok(len);
            }
        }
    }
}
