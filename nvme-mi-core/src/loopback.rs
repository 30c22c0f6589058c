//! An in-memory link between a requester and a [`Respond`]er, in virtual time.
//!
//! [`Loopback`] implements [`Transport`] and [`EventSource`] for the requester side and feeds
//! each request straight to the responder it owns. Time is virtual: waiting for a response
//! that will never come takes no real time, so timeout and More Processing Required paths are
//! tested in microseconds. Tags are modelled as on a real wire: each exchange gets its own
//! tag, and a response that arrives once its exchange has ended (the responder answered after
//! the requester gave up) is discarded by the link, never delivered to a later exchange.
//!
//! The link itself never loses or damages a message; wrap it in a `FaultInjector` (module
//! `fault_injector`, feature `fault-injector`) to test error paths. Neither is a substitute for the real components.
//!
//! ```
//! use nvme_mi_core::loopback::{LoopPeer, Loopback};
//! use nvme_mi_core::mctp::Eid;
//! use nvme_mi_core::requester::Endpoint;
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
//! // The requester at EID 8, the responder (any `Respond<LoopPeer>`) at EID 9.
//! let link: Loopback<Drive> = Loopback::new(Drive, Eid(8), Eid(9));
//! let mut ep = Endpoint::new(link, [0u8; 4224]);
//! assert_eq!(ep.health_poll(false).unwrap().ctemp, 0x25);
//! assert_eq!(ep.transport().stats().requests, 1);
//! ```

use crate::mctp::Eid;
use crate::mi::MAX_MESSAGE_LEN;
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

struct InFlight {
    arrive: Instant,
    /// Order of queueing, to deliver messages arriving at the same time in that order.
    order: u32,
    used: bool,
    tag: u8,
    len: usize,
    buf: [u8; MAX_MESSAGE_LEN],
}

impl InFlight {
    const EMPTY: InFlight = InFlight {
        arrive: Instant::ZERO,
        order: 0,
        used: false,
        tag: 0,
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

    /// Queue `bytes`; `None` when they were dropped (every slot in use, as a full queue
    /// would, or longer than a slot).
    fn push(&mut self, arrive: Instant, tag: u8, bytes: &[u8]) -> Option<()> {
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
        m.used = true;
        Some(())
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
    /// Responses produced by the responder.
    pub responses: u32,
    /// Responses discarded by the link because their exchange had ended.
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

    /// Queue a message from the responder.
    fn deliver(&mut self, len: usize, tag: u8, unsolicited: bool, at: Instant) {
        let queue = if unsolicited {
            &mut self.events
        } else {
            self.stats.responses += 1;
            &mut self.responses
        };
        let bytes = self.scratch.get(..len).unwrap_or(&[]);
        let _ = queue.push(at + self.latency, tag, bytes);
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
            debug!("message dropped: tag {:?} not the exchange's", m.tag);
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
            let tag = self.current_tag;
            let queue = if unsolicited {
                &mut self.events
            } else {
                &mut self.responses
            };
            let before = queue.len();
            let taken = Self::take(queue, deadline, &mut self.stats, |m| {
                unsolicited || Some(m.tag) == tag
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
        self.stats.requests += 1;
        let len = gather(message, &mut self.request).ok_or(ErrorKind::BufferTooSmall)?;
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
