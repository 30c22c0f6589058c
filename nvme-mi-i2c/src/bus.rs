//! One SMBus/I2C segment seen from the management controller: the I2C controller we write
//! with, the target receive path the drives write back to, and the clock.

use core::task::Waker;

use nvme_mi_core::mctp::header::{Packet, PacketRepr};
use nvme_mi_core::mctp::reassemble::{DropCounters, DropReason, Reassembler};
use nvme_mi_core::mctp::smbus::{self, MAX_FRAME_LEN};
use nvme_mi_core::mctp::tag::TagAllocator;
use nvme_mi_core::mctp::{Eid, MsgType, Tag};
use nvme_mi_core::time::Instant;

use crate::wait::{WaiterId, Waiters, MAX_WAITERS};
use crate::{Clock, RetryPolicy, TargetReceiver};

/// How many drives a [`Bus`] tracks tags for at once, and how many of their messages may be
/// in reassembly at once (frames of drives answering concurrently interleave), unless its
/// `DRIVES` parameter says otherwise.
pub const MAX_DRIVES: usize = 4;
/// The largest message the bus keeps in its own reassembly contexts: an unsolicited message
/// (Asynchronous Event Message) kept until asked for. Responses are reassembled in the
/// receiving caller's buffer and may be of any length.
pub const MAX_EVENT_LEN: usize = 256;

/// Counters of what the bus did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BusStats {
    /// Frames written successfully.
    pub frames_sent: u32,
    /// Writes attempted (successful or not).
    pub write_attempts: u32,
    /// NACKs seen.
    pub nacks: u32,
    /// Arbitration losses seen.
    pub arbitration_losses: u32,
    /// Other bus failures seen.
    pub bus_errors: u32,
    /// Writes received on our target address.
    pub frames_received: u32,
    /// Received frames dropped for a PEC mismatch.
    pub pec_errors: u32,
    /// Received frames dropped for another framing error.
    pub bad_frames: u32,
    /// Received packets the reassembler dropped (see [`Bus::drop_counters`]).
    pub dropped_packets: u32,
    /// Complete messages that belonged to no open exchange (late responses).
    pub stray_messages: u32,
    /// Unsolicited messages dropped because one was already waiting or it was too large.
    pub events_dropped: u32,
}

impl BusStats {
    /// Nothing done yet (also [`BusStats::default`]), usable in `const` context.
    pub const ZERO: BusStats = BusStats {
        frames_sent: 0,
        write_attempts: 0,
        nacks: 0,
        arbitration_losses: 0,
        bus_errors: 0,
        frames_received: 0,
        pec_errors: 0,
        bad_frames: 0,
        dropped_packets: 0,
        stray_messages: 0,
        events_dropped: 0,
    };
}

fn bump(c: &mut u32) {
    *c = c.saturating_add(1);
}

/// What the receive side is waiting for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Want {
    /// The response of an exchange: from `src` (any source if NULL), tag `tag`, TO clear.
    Response { src: Eid, tag: Tag },
    /// An unsolicited NVMe-MI request from `src` (any source if NULL).
    Event { src: Eid },
    /// Nothing: keep unsolicited messages, drop the rest.
    Nothing,
}

/// The outcome of handling at most one received frame.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pumped {
    /// Nothing was waiting.
    Idle,
    /// A frame was handled; nothing to deliver yet.
    Progress,
    /// The wanted message is in the caller's buffer.
    Delivered(usize),
    /// The wanted message did not fit; it was discarded.
    TooSmall,
    /// The next frame completes another waiter's message: it is kept for that waiter
    /// (which has been woken) and nothing else is received until it takes it.
    Parked,
}

impl Want {
    /// True if the packet with header `h` belongs to a message this waiter takes into its
    /// own buffer.
    fn takes(&self, h: &PacketRepr) -> bool {
        match *self {
            Want::Response { src, tag } => !h.tag_owner && eid_matches(src, h.src) && h.tag == tag,
            Want::Event { .. } | Want::Nothing => false,
        }
    }
}

/// An unsolicited message kept until asked for.
#[derive(Debug, Clone)]
struct EventSlot {
    src: Eid,
    len: usize,
    bytes: [u8; MAX_EVENT_LEN],
}

fn eid_matches(want: Eid, got: Eid) -> bool {
    want == Eid::NULL || want == got
}

/// One SMBus segment seen from the management controller: the I2C controller `I`, the
/// target receive path `R` the drives write back to, and the [`Clock`] `C`.
///
/// Drives on the segment are reached through [`I2cTransport`](crate::I2cTransport)s (or
/// [`AsyncI2cTransport`](crate::AsyncI2cTransport)s) that share the bus through a
/// `RefCell<Bus>`: each transport borrows it only inside one call or one poll, never across
/// an `.await`, so any number of drives can be polled, alternately (blocking) or
/// concurrently from one executor (async).
///
/// # Sharing in async
///
/// An async transport takes the I2C controller out of the bus for the one frame it writes
/// and puts it back at once; transports waiting for it queue first come, first served and the
/// one whose turn it is is woken when the controller comes back (at most
/// [`RetryPolicy::bus_wait`], then [`Error::BusBusy`](crate::Error::BusBusy)). A transport
/// waiting for its response queues its waker with the receive path
/// ([`TargetReceiver::register_waker`]) and with the clock ([`Clock::wake_at`] at its
/// deadline); whichever task is woken for a received frame handles it, and a frame that
/// belongs to another waiter's response is kept for that waiter, which is woken. Frames of
/// drives answering at once interleave on the wire and reassemble side by side, each
/// response in its own waiter's buffer.
///
/// # Memory
///
/// A response is reassembled straight into the buffer of the caller receiving it (the
/// requester's response buffer): it is stored once, and the bus needs no room for it. The
/// bus owns a reassembler of `DRIVES` contexts of [`MAX_EVENT_LEN`] bytes for the messages
/// nobody is receiving yet (unsolicited messages, the first packet of a response that
/// arrives before its caller waits), one such message kept until asked for, the tag
/// allocator (tags for up to `DRIVES` drives with exchanges open at once), a frame buffer
/// and the wait queues of the async transports: about 3 KiB plus `I`, `R`, `C` with
/// `DRIVES` = [`MAX_DRIVES`] and `WAITERS` = [`MAX_WAITERS`], about 1.3 KiB with one drive
/// and no async waiter on a 32-bit MCU. Drives on one bus
/// must have distinct EIDs (or NULL for physical addressing with a single drive).
pub struct Bus<I, R, C, const DRIVES: usize = MAX_DRIVES, const WAITERS: usize = MAX_WAITERS> {
    /// `None` while an async transport writes a frame with it.
    pub(crate) i2c: Option<I>,
    pub(crate) rx: R,
    pub(crate) clock: C,
    own_addr: u8,
    own_eid: Eid,
    pub(crate) retry: RetryPolicy,
    reasm: Reassembler<DRIVES, MAX_EVENT_LEN>,
    tags: TagAllocator<DRIVES>,
    /// The received frame being handled, or parked for its waiter (`parked`).
    rx_frame: [u8; MAX_FRAME_LEN],
    parked: Option<usize>,
    event: Option<EventSlot>,
    pub(crate) stats: BusStats,
    next_waiter: WaiterId,
    pub(crate) tx_waiters: Waiters<(), WAITERS>,
    pub(crate) rx_waiters: Waiters<Want, WAITERS>,
}

impl<I, R: TargetReceiver, C: Clock> Bus<I, R, C> {
    /// A bus for up to [`MAX_DRIVES`] drives, driven by `i2c`, receiving on our own 7-bit
    /// target address `own_addr` through `rx`, where we are MCTP endpoint `own_eid`.
    pub const fn new(i2c: I, rx: R, clock: C, own_addr: u8, own_eid: Eid) -> Self {
        Self::with_capacity(i2c, rx, clock, own_addr, own_eid)
    }
}

impl<I, R: TargetReceiver, C: Clock, const DRIVES: usize, const WAITERS: usize>
    Bus<I, R, C, DRIVES, WAITERS>
{
    /// [`Bus::new`] for up to `DRIVES` drives with exchanges open at once (one on a
    /// requester that talks to one drive at a time) and `WAITERS` async transports waiting
    /// at once (none is needed by blocking transports; the queues then cost nothing). A
    /// `const fn`: it can initialise a `static`.
    pub const fn with_capacity(i2c: I, rx: R, clock: C, own_addr: u8, own_eid: Eid) -> Self {
        Bus {
            i2c: Some(i2c),
            rx,
            clock,
            own_addr,
            own_eid,
            retry: RetryPolicy::DEFAULT,
            reasm: Reassembler::with_local_eid(own_eid),
            tags: TagAllocator::new(),
            rx_frame: [0; MAX_FRAME_LEN],
            parked: None,
            event: None,
            stats: BusStats::ZERO,
            next_waiter: 0,
            tx_waiters: Waiters::new(),
            rx_waiters: Waiters::new(),
        }
    }

    /// Our own 7-bit address (the source address of every frame we send).
    pub fn own_addr(&self) -> u8 {
        self.own_addr
    }

    /// Our own EID.
    pub fn own_eid(&self) -> Eid {
        self.own_eid
    }

    /// The retry policy.
    pub fn retry_policy(&self) -> RetryPolicy {
        self.retry
    }

    /// Change the retry policy.
    pub fn set_retry_policy(&mut self, p: RetryPolicy) {
        self.retry = p;
    }

    /// The I2C controller; `None` while an async transport is writing a frame with it.
    pub fn i2c_mut(&mut self) -> Option<&mut I> {
        self.i2c.as_mut()
    }

    /// The receive path.
    pub fn receiver_mut(&mut self) -> &mut R {
        &mut self.rx
    }

    /// The clock.
    pub fn clock_mut(&mut self) -> &mut C {
        &mut self.clock
    }

    /// The current time.
    pub fn now(&mut self) -> Instant {
        self.clock.now()
    }

    /// What the bus did so far.
    pub fn stats(&self) -> BusStats {
        self.stats
    }

    /// Why the reassembler dropped packets.
    pub fn drop_counters(&self) -> &DropCounters {
        self.reasm.counters()
    }

    /// Number of tags outstanding towards the drive at `eid`.
    pub fn tags_in_use(&self, eid: Eid) -> usize {
        self.tags.in_use(eid)
    }

    /// Give back the parts (the controller is `None` only if an async transport's write was
    /// leaked with `mem::forget` while it had it).
    pub fn into_parts(self) -> (Option<I>, R, C) {
        (self.i2c, self.rx, self.clock)
    }

    /// A new waiter identity for the wait queues.
    pub(crate) fn new_waiter(&mut self) -> WaiterId {
        self.next_waiter = self.next_waiter.wrapping_add(1);
        self.next_waiter
    }

    /// Ask the receive path and the clock to wake `waker` for a frame or at `deadline`;
    /// `false` if either cannot (the caller must then poll).
    pub(crate) fn arm(&mut self, waker: &Waker, deadline: Instant, frames: bool) -> bool {
        let rx = !frames || self.rx.register_waker(waker);
        let alarm = self.clock.wake_at(deadline, waker);
        rx && alarm
    }

    /// The receive waiter `id` leaves (served, timed out or dropped): a frame parked for it
    /// is handled as a stray, and another waiter is woken to go on receiving.
    pub(crate) fn leave_rx(&mut self, id: WaiterId) {
        let want = self.rx_waiters.payload(id);
        self.rx_waiters.remove(id);
        if let (Some(want), Some(h)) = (want, self.parked_header()) {
            if want.takes(&h) {
                let mut none = [0u8; 0];
                let _ = self.pump(Want::Nothing, &mut none);
            }
        }
        self.rx_waiters.wake_first();
    }

    /// The packet header of the parked frame.
    fn parked_header(&self) -> Option<PacketRepr> {
        let n = self.parked?;
        let bytes = self.rx_frame.get(..n)?;
        let (_, packet) = smbus::decode_received(self.own_addr, bytes).ok()?;
        PacketRepr::parse(&Packet::new_unchecked(packet)).ok()
    }

    pub(crate) fn allocate_tag(&mut self, peer: Eid, now: Instant, until: Instant) -> Option<Tag> {
        self.tags.allocate(peer, now, until).ok()
    }

    pub(crate) fn extend_tag(&mut self, peer: Eid, tag: Tag, until: Instant) {
        self.tags.extend(peer, tag, until);
    }

    pub(crate) fn release_tag(&mut self, peer: Eid, tag: Tag) {
        self.tags.release(peer, tag);
    }

    /// Receive (and keep unsolicited messages) until `t`: the blocking back-off and pause.
    pub(crate) fn idle_until(&mut self, t: Instant) {
        let mut none = [0u8; 0];
        while self.clock.now() < t {
            let _ = self.pump(Want::Nothing, &mut none);
        }
    }

    /// Take the waiting unsolicited message from `src` if there is one.
    fn take_event(&mut self, src: Eid, out: &mut [u8]) -> Option<Pumped> {
        let ev = self.event.as_ref()?;
        if !eid_matches(src, ev.src) {
            return None;
        }
        let msg = ev.bytes.get(..ev.len).unwrap_or(&[]);
        let r = match out.get_mut(..msg.len()) {
            Some(dst) => {
                dst.copy_from_slice(msg);
                Pumped::Delivered(msg.len())
            }
            None => Pumped::TooSmall,
        };
        self.event = None;
        Some(r)
    }

    /// Handle at most one received frame, delivering the message `want` into `out` when it
    /// completes (the frame checks, then reassembly).
    pub(crate) fn pump(&mut self, want: Want, out: &mut [u8]) -> Pumped {
        if let Want::Event { src } = want {
            if let Some(p) = self.take_event(src, out) {
                return p;
            }
        }
        let n = match self.parked {
            Some(n) => {
                if !self.parked_header().is_some_and(|h| want.takes(&h)) {
                    return Pumped::Parked;
                }
                self.parked = None;
                n
            }
            None => {
                let Some(n) = self.rx.poll_frame(&mut self.rx_frame) else {
                    return Pumped::Idle;
                };
                bump(&mut self.stats.frames_received);
                n
            }
        };
        let now = self.clock.now();
        let received = self.rx_frame.get(..n).unwrap_or(&[]);
        let packet = match smbus::decode_received(self.own_addr, received) {
            Ok((_, p)) => p,
            Err(smbus::Error::BadPec { .. }) => {
                bump(&mut self.stats.pec_errors);
                return Pumped::Progress;
            }
            Err(_) => {
                bump(&mut self.stats.bad_frames);
                return Pumped::Progress;
            }
        };
        // A frame of another waiter's response waits for that waiter (it goes to its buffer).
        let header = PacketRepr::parse(&Packet::new_unchecked(packet)).ok();
        let ours = header.is_some_and(|h| want.takes(&h));
        if let Some(h) = header.filter(|_| !ours) {
            if self
                .rx_waiters
                .wake_matching(WaiterId::MAX, |w| w.takes(&h))
                .is_some()
            {
                self.parked = Some(n);
                return Pumped::Parked;
            }
        }
        if ours {
            // Straight into the caller's buffer.
            return match self.reasm.receive_into(packet, now, |_| true, out) {
                Ok(Some(m)) => Pumped::Delivered(m.message().len()),
                Ok(None) => Pumped::Progress,
                Err(reason) => {
                    bump(&mut self.stats.dropped_packets);
                    if reason == DropReason::TooLong {
                        Pumped::TooSmall
                    } else {
                        Pumped::Progress
                    }
                }
            };
        }
        let msg = match self.reasm.receive(packet, now) {
            Ok(Some(m)) => m,
            Ok(None) => return Pumped::Progress,
            Err(_) => {
                bump(&mut self.stats.dropped_packets);
                return Pumped::Progress;
            }
        };
        let bytes = msg.message();
        let is_event = msg.tag_owner() && msg.msg_type().msg_type == MsgType::NvmeMi;
        if matches!(want, Want::Event { src } if is_event && eid_matches(src, msg.src())) {
            return match out.get_mut(..bytes.len()) {
                Some(dst) => {
                    dst.copy_from_slice(bytes);
                    Pumped::Delivered(bytes.len())
                }
                None => Pumped::TooSmall,
            };
        }
        if is_event && self.event.is_none() && bytes.len() <= MAX_EVENT_LEN {
            let mut slot = EventSlot {
                src: msg.src(),
                len: bytes.len(),
                bytes: [0; MAX_EVENT_LEN],
            };
            if let Some(dst) = slot.bytes.get_mut(..bytes.len()) {
                dst.copy_from_slice(bytes);
            }
            self.event = Some(slot);
        } else if is_event {
            bump(&mut self.stats.events_dropped);
        } else {
            bump(&mut self.stats.stray_messages);
        }
        Pumped::Progress
    }
}
