//! An in-memory link between a requester and a [`Respond`]er, in virtual time, with fault
//! injection.
//!
//! [`Loopback`] implements [`Transport`] and [`EventSource`] for the requester side and feeds
//! each request straight to the responder it owns. Time is virtual: waiting for a response
//! that will never come takes no real time, so timeout and More Processing Required paths are
//! tested in microseconds. Tags and source EIDs are modelled as on a real wire: each exchange
//! gets its own tag, and a message with another tag or from another EID is discarded by the
//! link, never delivered.
//!
//! [`Fault`]s change what the wire does to messages: drop, duplicate, delay, corrupt,
//! truncate, retag, change the source, keep answering More Processing Required, or go silent.
//! They are for testing error paths, never a substitute for the real components.

use heapless::Vec;

use crate::mctp::Eid;
use crate::mi::header::{emit_message, MessageHeader};
use crate::mi::{Csi, Message, Nmimt, MAX_MESSAGE_LEN};
use crate::responder::{Outgoing, Respond};
use crate::time::Instant;
use crate::transport::{gather, ErrorKind, EventSource, Transport};
use core::time::Duration;

/// The requester's address as the responder sees it: its EID and the tag of the request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LoopPeer {
    /// The requester's EID.
    pub eid: Eid,
    /// The message tag of the request (0..=7).
    pub tag: u8,
}

/// Which messages a fault applies to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Which {
    /// Every message.
    All,
    /// The n-th message (0-based) in that direction since the link was made.
    Nth(u32),
    /// Every message from the n-th on.
    From(u32),
}

impl Which {
    fn matches(self, n: u32) -> bool {
        match self {
            Which::All => true,
            Which::Nth(k) => n == k,
            Which::From(k) => n >= k,
        }
    }
}

/// What the wire does wrong.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Fault {
    /// Requests matching are lost before they reach the responder.
    DropRequest(Which),
    /// Requests matching have byte `index` XORed with `mask` on the way.
    CorruptRequest(Which, usize, u8),
    /// Responses matching are lost.
    DropResponse(Which),
    /// Responses matching arrive twice.
    DuplicateResponse(Which),
    /// Responses matching arrive later by this many milliseconds.
    DelayResponse(Which, u32),
    /// Responses matching have byte `index` XORed with `mask`.
    CorruptResponse(Which, usize, u8),
    /// Responses matching are cut to this many bytes.
    TruncateResponse(Which, usize),
    /// Responses matching carry another message tag.
    WrongTag(Which),
    /// Responses matching come from another EID.
    WrongSource(Which),
    /// Responses matching are replaced by More Processing Required, sent again every
    /// `interval_ms` for ever: a drive that never finishes.
    EndlessMpr(Which, u32),
    /// The responder never answers anything.
    Silence,
}

struct MprForever {
    tag: u8,
    next: Instant,
    interval: Duration,
    bytes: [u8; 12],
}

struct InFlight {
    arrive: Instant,
    /// Order of queueing, to deliver messages arriving at the same time in that order.
    order: u32,
    used: bool,
    tag: u8,
    src: Eid,
    len: usize,
    buf: [u8; MAX_MESSAGE_LEN],
}

impl InFlight {
    const EMPTY: InFlight = InFlight {
        arrive: Instant::ZERO,
        order: 0,
        used: false,
        tag: 0,
        src: Eid::NULL,
        len: 0,
        buf: [0; MAX_MESSAGE_LEN],
    };

    fn message(&self) -> &[u8] {
        self.buf.get(..self.len).unwrap_or(&[])
    }
}

/// Up to `N` messages in flight, kept in place: queueing copies the message's own bytes once,
/// and nothing is zeroed or moved per message (the buffers are cleared once, when the link
/// is made), so the link costs little beside the engines it connects.
struct Queue<const N: usize> {
    slots: [InFlight; N],
    next_order: u32,
}

impl<const N: usize> Queue<N> {
    fn new() -> Self {
        Queue {
            slots: [const { InFlight::EMPTY }; N],
            next_order: 0,
        }
    }

    /// Queue `bytes` (dropped silently when every slot is in use, as a full queue would);
    /// returns the slot's index.
    fn push(&mut self, arrive: Instant, tag: u8, src: Eid, bytes: &[u8]) -> Option<usize> {
        let i = self.slots.iter().position(|m| !m.used)?;
        let order = self.next_order;
        self.next_order = self.next_order.wrapping_add(1);
        let m = self.slots.get_mut(i)?;
        let dst = m.buf.get_mut(..bytes.len())?;
        dst.copy_from_slice(bytes);
        m.len = bytes.len();
        m.arrive = arrive;
        m.order = order;
        m.tag = tag;
        m.src = src;
        m.used = true;
        Some(i)
    }

    fn iter(&self) -> impl Iterator<Item = &InFlight> {
        self.slots.iter().filter(|m| m.used)
    }

    fn len(&self) -> usize {
        self.iter().count()
    }
}

/// Counters of what the link did, for tests to assert on.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LinkStats {
    /// Requests sent by the requester.
    pub requests: u32,
    /// Responses produced by the responder (before faults).
    pub responses: u32,
    /// Messages discarded by the link because of their tag or source.
    pub discarded: u32,
    /// Unsolicited messages produced by the responder.
    pub unsolicited: u32,
    /// Exchanges still open (a tag not yet released).
    pub open_exchanges: u32,
}

/// An in-memory, virtual-time link from a requester to the responder `R`, holding up to `N`
/// messages in flight.
pub struct Loopback<R, const N: usize = 4> {
    responder: R,
    now: Instant,
    local: Eid,
    remote: Eid,
    latency: Duration,
    next_tag: u8,
    current_tag: Option<u8>,
    faults: Vec<Fault, 8>,
    mpr_forever: Option<MprForever>,
    sent: u32,
    answered: u32,
    responses: Queue<N>,
    events: Queue<N>,
    /// The request being handed to the responder.
    request: [u8; MAX_MESSAGE_LEN],
    /// What the responder produced last.
    scratch: [u8; MAX_MESSAGE_LEN],
    stats: LinkStats,
}

impl<R: Respond<LoopPeer>, const N: usize> Loopback<R, N> {
    /// A link from EID `local` (the requester) to `responder` at EID `remote`, with 1 ms of
    /// latency each way.
    pub fn new(responder: R, local: Eid, remote: Eid) -> Self {
        Loopback {
            responder,
            now: Instant::ZERO,
            local,
            remote,
            latency: Duration::from_millis(1),
            next_tag: 0,
            current_tag: None,
            faults: Vec::new(),
            mpr_forever: None,
            sent: 0,
            answered: 0,
            responses: Queue::new(),
            events: Queue::new(),
            request: [0; MAX_MESSAGE_LEN],
            scratch: [0; MAX_MESSAGE_LEN],
            stats: LinkStats::default(),
        }
    }

    /// Set the one-way latency.
    pub fn set_latency(&mut self, latency: Duration) {
        self.latency = latency;
    }

    /// Add a fault (at most 8). Returns `false` if the list is full.
    pub fn inject(&mut self, fault: Fault) -> bool {
        self.faults.push(fault).is_ok()
    }

    /// Remove every fault.
    pub fn heal(&mut self) {
        self.faults.clear();
    }

    /// The responder.
    pub fn responder(&self) -> &R {
        &self.responder
    }

    /// The responder, mutably (to change the simulated drive's state in a test).
    pub fn responder_mut(&mut self) -> &mut R {
        &mut self.responder
    }

    /// What the link did so far.
    pub fn stats(&self) -> LinkStats {
        self.stats
    }

    /// Let virtual time pass, running the responder's own work (delayed responses, events).
    pub fn advance(&mut self, d: Duration) {
        let until = self.now + d;
        self.run_responder_until(until);
        self.now = core::cmp::max(self.now, until);
    }

    fn has_fault(&self, f: impl Fn(&Fault) -> bool) -> bool {
        self.faults.iter().any(f)
    }

    /// Queue a message from the responder, applying the response faults.
    fn deliver(&mut self, len: usize, tag: u8, unsolicited: bool, at: Instant) {
        let n = self.answered;
        self.answered = self.answered.wrapping_add(1);
        if self.has_fault(|f| matches!(f, Fault::Silence)) {
            return;
        }
        if !unsolicited {
            self.stats.responses += 1;
        }
        let queue = if unsolicited {
            &mut self.events
        } else {
            &mut self.responses
        };
        let bytes = self.scratch.get(..len).unwrap_or(&[]);
        let Some(slot) = queue.push(at + self.latency, tag, self.remote, bytes) else {
            return;
        };
        let Some(msg) = queue.slots.get_mut(slot) else {
            return;
        };
        let mut copies = 1;
        for f in self.faults.iter() {
            match *f {
                Fault::DropResponse(w) if w.matches(n) => {
                    msg.used = false;
                    return;
                }
                Fault::DuplicateResponse(w) if w.matches(n) => copies = 2,
                Fault::DelayResponse(w, ms) if w.matches(n) => {
                    msg.arrive = msg.arrive + Duration::from_millis(u64::from(ms))
                }
                Fault::CorruptResponse(w, i, m) if w.matches(n) && i < msg.len => msg.buf[i] ^= m,
                Fault::TruncateResponse(w, l) if w.matches(n) => {
                    msg.len = core::cmp::min(msg.len, l)
                }
                Fault::WrongTag(w) if w.matches(n) => msg.tag = (msg.tag + 1) & 7,
                Fault::WrongSource(w) if w.matches(n) => msg.src = Eid(msg.src.0.wrapping_add(1)),
                Fault::EndlessMpr(w, interval) if w.matches(n) && !unsolicited => {
                    // Replace the response with More Processing Required, repeated for ever.
                    msg.used = false;
                    let hdr = response_header_of(msg.message());
                    let mut bytes = [0u8; 12];
                    let _ = emit_message(&hdr, &[&[0x01, 0, 0x0a, 0x00]], &mut bytes);
                    self.mpr_forever = Some(MprForever {
                        tag: msg.tag,
                        next: msg.arrive,
                        interval: Duration::from_millis(u64::from(interval.max(1))),
                        bytes,
                    });
                    return;
                }
                _ => {}
            }
        }
        if copies == 2 {
            // The duplicate, faults included, a millisecond later.
            let (arrive, tag, src, len) = (msg.arrive, msg.tag, msg.src, msg.len);
            if let Some(dup) = queue.push(arrive + Duration::from_millis(1), tag, src, &[]) {
                let (first, second) = if slot < dup {
                    let (lo, hi) = queue.slots.split_at_mut(dup);
                    (&lo[slot], &mut hi[0])
                } else {
                    let (lo, hi) = queue.slots.split_at_mut(slot);
                    (&hi[0], &mut lo[dup])
                };
                second.buf[..len].copy_from_slice(&first.buf[..len]);
                second.len = len;
            }
        }
    }

    /// Run the responder's pending work due up to `until`.
    fn run_responder_until(&mut self, until: Instant) {
        while let Some(d) = self.responder.next_deadline() {
            if d > until {
                break;
            }
            let at = core::cmp::max(d, self.now);
            let mut progressed = false;
            while let Some(o) = self.responder.poll(at, &mut self.scratch) {
                progressed = true;
                let (to, len, unsolicited) = match o {
                    Outgoing::Response { to, len } => (to, len, false),
                    Outgoing::Unsolicited { to, len } => {
                        self.stats.unsolicited += 1;
                        (to, len, true)
                    }
                };
                if to.eid != self.local {
                    continue;
                }
                self.deliver(len, to.tag, unsolicited, at);
            }
            if !progressed && self.responder.next_deadline() == Some(d) {
                // A responder whose deadline does not move would spin: stop here.
                break;
            }
        }
    }

    /// Take the earliest message from `queue` arriving by `deadline` that passes `accept`,
    /// discarding (and counting) those arriving earlier that fail it.
    ///
    /// Returns the index of the taken slot, which is free again but keeps its bytes until the
    /// next message is queued.
    fn take(
        queue: &mut Queue<N>,
        deadline: Instant,
        stats: &mut LinkStats,
        accept: impl Fn(&InFlight) -> bool,
    ) -> Option<usize> {
        // Deliver in arrival order, and in queueing order at the same time.
        let mut best: Option<(usize, (Instant, u32))> = None;
        for (i, m) in queue.slots.iter().enumerate() {
            let key = (m.arrive, m.order.wrapping_sub(queue.next_order));
            if m.used && m.arrive <= deadline && best.is_none_or(|(_, k)| key < k) {
                best = Some((i, key));
            }
        }
        let (idx, _) = best?;
        let m = queue.slots.get_mut(idx)?;
        m.used = false;
        if accept(m) {
            Some(idx)
        } else {
            debug!(
                "message dropped: source EID {:?}, tag {:?} not the exchange's",
                m.src, m.tag
            );
            stats.discarded += 1;
            None
        }
    }

    fn receive(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
        unsolicited: bool,
    ) -> Result<usize, ErrorKind> {
        loop {
            // Bring the responder up to date with the time messages could arrive.
            let horizon = core::cmp::min(
                deadline,
                self.earliest_arrival(unsolicited).unwrap_or(deadline),
            );
            self.run_responder_until(horizon);
            if !unsolicited {
                if let Some(f) = self.mpr_forever.as_mut() {
                    let first_queued = self.responses.iter().map(|m| m.arrive).min();
                    if Some(f.tag) == self.current_tag
                        && f.next <= deadline
                        && first_queued.is_none_or(|a| f.next <= a)
                    {
                        self.now = core::cmp::max(self.now, f.next);
                        f.next = f.next + f.interval;
                        let out = buf.get_mut(..12).ok_or(ErrorKind::BufferTooSmall)?;
                        out.copy_from_slice(&f.bytes);
                        return Ok(12);
                    }
                }
            }
            let (remote, tag) = (self.remote, self.current_tag);
            let queue = if unsolicited {
                &mut self.events
            } else {
                &mut self.responses
            };
            let before = queue.len();
            let taken = Self::take(queue, deadline, &mut self.stats, |m| {
                m.src == remote && (unsolicited || Some(m.tag) == tag)
            });
            let after = queue.len();
            if let Some(m) = taken.and_then(|i| queue.slots.get(i)) {
                self.now = core::cmp::max(self.now, m.arrive);
                let out = buf.get_mut(..m.len).ok_or(ErrorKind::BufferTooSmall)?;
                out.copy_from_slice(m.message());
                return Ok(m.len);
            }
            if after < before {
                continue; // discarded one; look again
            }
            // Nothing queued in time: is the responder going to produce something?
            match self.responder.next_deadline() {
                Some(d) if d <= deadline && d > self.now => {
                    self.now = d;
                    continue;
                }
                _ => {
                    self.now = core::cmp::max(self.now, deadline);
                    return Err(ErrorKind::Timeout);
                }
            }
        }
    }

    fn earliest_arrival(&self, unsolicited: bool) -> Option<Instant> {
        let q = if unsolicited {
            &self.events
        } else {
            &self.responses
        };
        q.iter().map(|m| m.arrive).min()
    }
}

/// The response header matching the request or response in `msg` (for fabricated MPRs).
fn response_header_of(msg: &[u8]) -> MessageHeader {
    match Message::new_checked(msg) {
        Ok(m) => MessageHeader::parse(&m).response(),
        Err(_) => MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response(),
    }
}

impl<R: Respond<LoopPeer>, const N: usize> Transport for Loopback<R, N> {
    type Error = ErrorKind;

    fn now(&mut self) -> Instant {
        self.now
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), ErrorKind> {
        if self.current_tag.is_some() {
            self.end_exchange();
        }
        let tag = self.next_tag;
        self.next_tag = (self.next_tag + 1) & 7;
        self.current_tag = Some(tag);
        self.stats.open_exchanges += 1;
        let n = self.sent;
        self.sent = self.sent.wrapping_add(1);
        self.stats.requests += 1;
        let len = gather(message, &mut self.request).ok_or(ErrorKind::BufferTooSmall)?;
        for f in self.faults.iter() {
            match *f {
                Fault::DropRequest(w) if w.matches(n) => return Ok(()),
                Fault::CorruptRequest(w, i, m) if w.matches(n) && i < len => self.request[i] ^= m,
                _ => {}
            }
        }
        let arrive = self.now + self.latency;
        // The responder works through what was due before this request arrived.
        self.run_responder_until(arrive);
        let peer = LoopPeer {
            eid: self.local,
            tag,
        };
        let req = self.request.get(..len).unwrap_or(&[]);
        if let Some(rlen) = self.responder.handle(req, &peer, arrive, &mut self.scratch) {
            self.deliver(rlen, tag, false, arrive);
        }
        Ok(())
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
        if self.current_tag.is_none() {
            return Err(ErrorKind::Other);
        }
        self.receive(buf, deadline, false)
    }

    fn end_exchange(&mut self) {
        self.mpr_forever = None;
        if self.current_tag.take().is_some() {
            self.stats.open_exchanges -= 1;
        }
    }

    fn wait_until(&mut self, t: Instant) {
        if t > self.now {
            self.run_responder_until(t);
            self.now = core::cmp::max(self.now, t);
        }
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.remote)
    }
}

impl<R: Respond<LoopPeer>, const N: usize> EventSource for Loopback<R, N> {
    fn recv_unsolicited(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
        self.receive(buf, deadline, true)
    }
}

/// The same link driven through the async traits: every operation completes at once in
/// virtual time.
impl<R: Respond<LoopPeer>, const N: usize> crate::transport::AsyncTransport for Loopback<R, N> {
    type Error = ErrorKind;

    fn now(&mut self) -> Instant {
        self.now
    }

    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), ErrorKind> {
        Transport::send_request(self, message)
    }

    async fn recv_response(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, ErrorKind> {
        Transport::recv_response(self, buf, deadline)
    }

    fn end_exchange(&mut self) {
        Transport::end_exchange(self)
    }

    async fn wait_until(&mut self, t: Instant) {
        Transport::wait_until(self, t)
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.remote)
    }
}

impl<R: Respond<LoopPeer>, const N: usize> crate::transport::AsyncEventSource for Loopback<R, N> {
    async fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, ErrorKind> {
        EventSource::recv_unsolicited(self, buf, deadline)
    }
}
