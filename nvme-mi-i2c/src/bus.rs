//! One SMBus/I2C segment seen from the management controller: the I2C controller we write
//! with, the target receive path the drives write back to, and the clock.

use embedded_hal::i2c::ErrorKind as I2cErrorKind;
use nvme_mi_core::mctp::reassemble::{DropCounters, Reassembler};
use nvme_mi_core::mctp::smbus::{self, MAX_FRAME_LEN};
use nvme_mi_core::mctp::tag::TagAllocator;
use nvme_mi_core::mctp::{Eid, MsgType, Tag};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::time::Instant;

use crate::{Clock, Error, TargetReceiver};

/// How many drives one [`Bus`] tracks tags for at once.
pub const MAX_DRIVES: usize = 4;
/// Reassembly contexts: one message per drive in progress plus one spare.
const CONTEXTS: usize = 2;
/// The largest unsolicited message (Asynchronous Event Message) kept until asked for.
pub const MAX_EVENT_LEN: usize = 256;

/// How often a frame write is attempted again after a bus failure (DSP0237 §6; digest A.6).
///
/// DSP0237 leaves the retry count to the implementation (the figures are UNVERIFIED in the
/// digest). The defaults: a NACK is retried twice (three attempts, as MN1 ≥ 2 asks for
/// requests), because a drive may NACK while its receive buffer is busy; lost arbitration is
/// retried three times (four attempts), because it only means another controller (often
/// the drive answering someone else) took the bus first, and SMBus lets the loser retry at
/// once. Every other bus failure (bus error, overrun) fails the frame at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryPolicy {
    /// Further attempts after a NACK.
    pub nack_retries: u8,
    /// Further attempts after lost arbitration.
    pub arbitration_retries: u8,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            nack_retries: 2,
            arbitration_retries: 3,
        }
    }
}

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
/// `RefCell<Bus>`: each transport borrows it only for the duration of one call, so two drives
/// can be polled alternately with their own endpoints, which stay alive. The bus owns the
/// reassembler (2 contexts of 4224 bytes), the tag allocator (tags for up to
/// [`MAX_DRIVES`] drives) and one frame buffer: about 9.5 KiB plus `I`, `R`, `C`. Drives on
/// one bus must have distinct EIDs (or NULL for physical addressing with a single drive).
pub struct Bus<I, R, C> {
    pub(crate) i2c: I,
    pub(crate) rx: R,
    pub(crate) clock: C,
    own_addr: u8,
    own_eid: Eid,
    pub(crate) retry: RetryPolicy,
    reasm: Reassembler<CONTEXTS, MAX_MESSAGE_LEN>,
    tags: TagAllocator<MAX_DRIVES>,
    pub(crate) frame: [u8; MAX_FRAME_LEN],
    event: Option<EventSlot>,
    pub(crate) stats: BusStats,
}

impl<I, R: TargetReceiver, C: Clock> Bus<I, R, C> {
    /// A bus driven by `i2c`, receiving on our own 7-bit target address `own_addr` through
    /// `rx`, where we are MCTP endpoint `own_eid`.
    pub fn new(i2c: I, rx: R, clock: C, own_addr: u8, own_eid: Eid) -> Self {
        let mut reasm = Reassembler::new();
        reasm.set_local_eid(Some(own_eid));
        Bus {
            i2c,
            rx,
            clock,
            own_addr,
            own_eid,
            retry: RetryPolicy::default(),
            reasm,
            tags: TagAllocator::new(),
            frame: [0; MAX_FRAME_LEN],
            event: None,
            stats: BusStats::default(),
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

    /// The I2C controller.
    pub fn i2c_mut(&mut self) -> &mut I {
        &mut self.i2c
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

    /// Give back the parts.
    pub fn into_parts(self) -> (I, R, C) {
        (self.i2c, self.rx, self.clock)
    }

    pub(crate) fn allocate_tag(&mut self, peer: Eid, now: Instant, until: Instant) -> Option<Tag> {
        self.tags.allocate(peer, now.0, until.0).ok()
    }

    pub(crate) fn extend_tag(&mut self, peer: Eid, tag: Tag, until: Instant) {
        self.tags.extend(peer, tag, until.0);
    }

    pub(crate) fn release_tag(&mut self, peer: Eid, tag: Tag) {
        self.tags.release(peer, tag);
    }

    /// Decide about one failed write: `Ok(())` to try again, or the error to report.
    pub(crate) fn on_write_error<E: embedded_hal::i2c::Error>(
        &mut self,
        e: E,
        attempt: u8,
    ) -> Result<(), Error<E>> {
        match e.kind() {
            I2cErrorKind::NoAcknowledge(_) => {
                bump(&mut self.stats.nacks);
                if attempt < self.retry.nack_retries {
                    Ok(())
                } else {
                    Err(Error::Nack(e))
                }
            }
            I2cErrorKind::ArbitrationLoss => {
                bump(&mut self.stats.arbitration_losses);
                if attempt < self.retry.arbitration_retries {
                    Ok(())
                } else {
                    Err(Error::ArbitrationLost(e))
                }
            }
            _ => {
                bump(&mut self.stats.bus_errors);
                Err(Error::Bus(e))
            }
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
    /// completes (digest B.6 checks, then reassembly).
    pub(crate) fn pump(&mut self, want: Want, out: &mut [u8]) -> Pumped {
        if let Want::Event { src } = want {
            if let Some(p) = self.take_event(src, out) {
                return p;
            }
        }
        let Some(n) = self.rx.poll_frame(&mut self.frame) else {
            return Pumped::Idle;
        };
        let now = self.clock.now();
        bump(&mut self.stats.frames_received);
        let received = self.frame.get(..n).unwrap_or(&[]);
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
        let msg = match self.reasm.receive(packet, now.0) {
            Ok(Some(m)) => m,
            Ok(None) => return Pumped::Progress,
            Err(_) => {
                bump(&mut self.stats.dropped_packets);
                return Pumped::Progress;
            }
        };
        let bytes = msg.message();
        let is_event = msg.tag_owner() && msg.msg_type().msg_type == MsgType::NvmeMi;
        let wanted = match want {
            Want::Response { src, tag } => {
                !msg.tag_owner() && eid_matches(src, msg.src()) && msg.tag() == tag
            }
            Want::Event { src } => is_event && eid_matches(src, msg.src()),
            Want::Nothing => false,
        };
        if wanted {
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
