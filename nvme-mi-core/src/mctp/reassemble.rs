//! Reassembling MCTP packets into messages, DSP0236 §8.3, §8.8 and §8.9.
//!
//! # Design
//!
//! A [`Reassembler`] holds `N` reassembly contexts, each with room for a message of up to
//! `MAX` bytes, inside the struct (no heap): `Reassembler<4, 4224>` reassembles four NVMe-MI
//! messages of the largest size at once, in about `N * (MAX + 48)` bytes (some 17 KiB; place
//! it in a `static` on a small target). Time is passed in by the caller (an [`Instant`] of
//! any monotonic millisecond clock); nothing here reads a clock.
//!
//! A context is keyed by (source EID, destination EID, tag, tag owner), the key DSP0236
//! §8.9 (DSP0236) makes unique: tags are allocated per (peer, local) pair and the TO bit
//! separates a peer's own requests from its responses to ours. Packets of different keys can
//! therefore arrive interleaved and still reassemble independently; a packet never joins a
//! message of another key.
//!
//! A completed message is lent out as a [`Reassembled`]: its bytes stay in the context
//! until the next call to [`Reassembler::receive`] or [`Reassembler::poll`], which frees it.
//! The message starts with the MCTP message type byte (DSP0236 §8.5).
//!
//! # Reassembling into the caller's buffer
//!
//! [`Reassembler::receive_into`] takes, besides the packet, a buffer of the caller's and a
//! test of the packet header: the message of a packet that passes the test is reassembled in
//! that buffer rather than in a context's own, so that a response is stored once, where its
//! reader wants it, and the contexts need only be as large as the messages nobody asked for
//! (a requester's contexts hold the unsolicited messages; `MAX` may be far below 4224). The
//! context still keeps the message's state (key, sequence number, size, age). A message begun
//! in a context's own buffer before the caller asked for it is moved to the caller's buffer
//! at its next packet. The caller offers the same buffer with every packet of that message
//! until it completes: a packet of a message that lives in a caller's buffer arriving without
//! it drops the message ([`DropReason::NoBuffer`]).
//!
//! # Dropped packets and messages (DSP0236 §8.8)
//!
//! Every drop has a [`DropReason`] and is counted in [`DropCounters`]. A drop that concerns
//! the packet being received is also returned as the error of [`Reassembler::receive`]; the
//! two drops a receive causes as a side effect, [`DropReason::Restarted`] and
//! [`DropReason::Expired`], are only counted.
//!
//! * Header checks, in the order Linux's `mctp-i2c` driver applies them: [`DropReason::Truncated`],
//!   [`DropReason::BadVersion`], [`DropReason::BadSourceEid`],
//!   [`DropReason::BadDestinationEid`]; then, if a local EID is set,
//!   [`DropReason::NotForUs`]. Such a packet leaves every context untouched: its key cannot
//!   be trusted.
//! * [`DropReason::EmptyPayload`]: a packet with no payload byte (the fragmenter never sends
//!   one; a first packet must at least hold the message type byte). Contexts are untouched.
//! * [`DropReason::NoStart`]: a packet without SOM and no open context for its key.
//! * [`DropReason::OutOfSequence`]: the sequence number is not the previous one + 1 mod 4
//!   (the SOM packet's number is the base). The whole message is dropped. This
//!   also catches a missing or duplicated packet — except exactly four consecutive missing
//!   packets, which the 2-bit counter cannot see; the message's own integrity check (the
//!   NVMe-MI MIC) catches those.
//! * [`DropReason::BadFragmentSize`]: a middle packet whose payload differs from the SOM
//!   packet's, or an EOM packet larger than it; the whole message is dropped. DSP0236's own
//!   wording is not checked; this is libmctp's behaviour. Also a first packet that is not the last and carries less than the baseline
//!   transmission unit ([`BASELINE_TU`], 64 bytes): every packet but the last carries exactly
//!   one TU and no TU is below the baseline (DSP0236), so such a packet was cut short; the
//!   packet is dropped, an open message of its key is left alone.
//! * [`DropReason::TooLong`]: the message grows beyond `MAX` bytes (beyond the caller's
//!   buffer for a message reassembled there). The whole message is dropped.
//! * [`DropReason::NoBuffer`]: a packet of a message being reassembled in a caller's buffer
//!   came without that buffer (the caller gave up on the message). The whole message is
//!   dropped.
//! * [`DropReason::NoFreeContext`]: a SOM packet for a new key while all `N` contexts are
//!   busy. The packet is dropped; the messages in progress are kept.
//! * [`DropReason::Restarted`]: a SOM packet for a key whose message is still open. The
//!   partial message is dropped and reassembly restarts with the new packet (libmctp and
//!   mctp-rs behaviour; Linux drops both): a sender that gave up on a message and
//!   sends a new one with the same tag is not penalised.
//! * [`DropReason::Expired`]: an open message older than the timeout. The timeout (default
//!   [`DEFAULT_TIMEOUT`], the 6 s of mctp-estack and of Linux's tag lifetime) runs from
//!   the message's **first** packet, not its last: it bounds how long one message can hold a
//!   context, so a peer trickling packets cannot keep a context forever. The largest NVMe-MI
//!   message takes well under a second at 100 kHz SMBus.

use core::num::NonZeroU64;
use core::time::Duration;

use super::header::{Packet, PacketRepr, FLAG_EOM, FLAG_SOM, HEADER_LEN, SEQ_MASK, SEQ_SHIFT};
use super::{Eid, Error, MsgTypeIc, Tag, BASELINE_TU};
use crate::time::{millis_ceil, millis_to_duration, Instant};

/// The default reassembly timeout, measured from the first packet of a message (as
/// mctp-estack's reassembly timeout; also Linux's 6 s tag lifetime).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_millis(DEFAULT_TIMEOUT_MS);

const DEFAULT_TIMEOUT_MS: u64 = 6000;

/// Why a packet or a partially reassembled message was dropped (DSP0236 §8.8).
/// See the [module documentation](self) for what each one means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum DropReason {
    /// The packet is shorter than the MCTP header.
    Truncated,
    /// The header version is not 1.
    BadVersion,
    /// The source EID is reserved or broadcast.
    BadSourceEid,
    /// The destination EID is reserved.
    BadDestinationEid,
    /// The destination is neither the local EID nor NULL nor broadcast.
    NotForUs,
    /// The packet has no payload.
    EmptyPayload,
    /// A packet without SOM and no message open for its key.
    NoStart,
    /// Wrong sequence number (missing, duplicated or reordered packet); message dropped.
    OutOfSequence,
    /// A middle packet of another size than the first, or a last packet larger; message
    /// dropped.
    BadFragmentSize,
    /// The message exceeds the reassembler's capacity (or the caller's buffer); message
    /// dropped.
    TooLong,
    /// A packet of a message kept in a caller's buffer came without it; message dropped.
    NoBuffer,
    /// A new message while every context is in use; packet dropped.
    NoFreeContext,
    /// A new SOM for a key with a message open; the partial message was dropped.
    Restarted,
    /// An open message exceeded the timeout; it was dropped.
    Expired,
}

impl DropReason {
    /// The header error that makes a receiver drop a packet.
    fn from_header_error(e: Error) -> DropReason {
        match e {
            Error::BadVersion(_) => DropReason::BadVersion,
            Error::BadSourceEid(_) => DropReason::BadSourceEid,
            Error::BadDestinationEid(_) => DropReason::BadDestinationEid,
            // Header parsing reports nothing else than a short packet.
            _ => DropReason::Truncated,
        }
    }
}

impl core::fmt::Display for DropReason {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            DropReason::Truncated => "packet shorter than the MCTP header",
            DropReason::BadVersion => "unsupported MCTP header version",
            DropReason::BadSourceEid => "invalid source EID",
            DropReason::BadDestinationEid => "invalid destination EID",
            DropReason::NotForUs => "packet not addressed to this endpoint",
            DropReason::EmptyPayload => "packet without payload",
            DropReason::NoStart => "packet without start of message",
            DropReason::OutOfSequence => "packet out of sequence",
            DropReason::BadFragmentSize => "packet payload size differs from the first packet",
            DropReason::TooLong => "message too long",
            DropReason::NoBuffer => "message buffer no longer offered",
            DropReason::NoFreeContext => "no free reassembly context",
            DropReason::Restarted => "message restarted by a new start of message",
            DropReason::Expired => "message reassembly timed out",
        })
    }
}

impl core::error::Error for DropReason {}

/// One counter per [`DropReason`], kept by a [`Reassembler`] (saturating at `u32::MAX`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub struct DropCounters {
    /// [`DropReason::Truncated`].
    pub truncated: u32,
    /// [`DropReason::BadVersion`].
    pub bad_version: u32,
    /// [`DropReason::BadSourceEid`].
    pub bad_source_eid: u32,
    /// [`DropReason::BadDestinationEid`].
    pub bad_destination_eid: u32,
    /// [`DropReason::NotForUs`].
    pub not_for_us: u32,
    /// [`DropReason::EmptyPayload`].
    pub empty_payload: u32,
    /// [`DropReason::NoStart`].
    pub no_start: u32,
    /// [`DropReason::OutOfSequence`].
    pub out_of_sequence: u32,
    /// [`DropReason::BadFragmentSize`].
    pub bad_fragment_size: u32,
    /// [`DropReason::TooLong`].
    pub too_long: u32,
    /// [`DropReason::NoBuffer`].
    pub no_buffer: u32,
    /// [`DropReason::NoFreeContext`].
    pub no_free_context: u32,
    /// [`DropReason::Restarted`].
    pub restarted: u32,
    /// [`DropReason::Expired`].
    pub expired: u32,
}

impl DropCounters {
    fn slot(&mut self, reason: DropReason) -> &mut u32 {
        match reason {
            DropReason::Truncated => &mut self.truncated,
            DropReason::BadVersion => &mut self.bad_version,
            DropReason::BadSourceEid => &mut self.bad_source_eid,
            DropReason::BadDestinationEid => &mut self.bad_destination_eid,
            DropReason::NotForUs => &mut self.not_for_us,
            DropReason::EmptyPayload => &mut self.empty_payload,
            DropReason::NoStart => &mut self.no_start,
            DropReason::OutOfSequence => &mut self.out_of_sequence,
            DropReason::BadFragmentSize => &mut self.bad_fragment_size,
            DropReason::TooLong => &mut self.too_long,
            DropReason::NoBuffer => &mut self.no_buffer,
            DropReason::NoFreeContext => &mut self.no_free_context,
            DropReason::Restarted => &mut self.restarted,
            DropReason::Expired => &mut self.expired,
        }
    }

    /// The counter for `reason`.
    pub fn get(&self, reason: DropReason) -> u32 {
        let mut copy = *self;
        *copy.slot(reason)
    }

    /// The sum of all counters.
    pub fn total(&self) -> u64 {
        [
            self.truncated,
            self.bad_version,
            self.bad_source_eid,
            self.bad_destination_eid,
            self.not_for_us,
            self.empty_payload,
            self.no_start,
            self.out_of_sequence,
            self.bad_fragment_size,
            self.too_long,
            self.no_buffer,
            self.no_free_context,
            self.restarted,
            self.expired,
        ]
        .iter()
        .map(|&c| u64::from(c))
        .sum()
    }

    fn count(&mut self, reason: DropReason) {
        let c = self.slot(reason);
        *c = c.saturating_add(1);
    }
}

/// A reassembled MCTP message, lent by the [`Reassembler`] until its next `receive` or
/// `poll` (DSP0236 §8.5), or lying in the caller's buffer
/// ([`Reassembler::receive_into`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reassembled<'a> {
    key: Key,
    message: &'a [u8],
    in_caller_buffer: bool,
}

impl<'a> Reassembled<'a> {
    /// Source EID of the message.
    pub fn src(&self) -> Eid {
        self.key.src()
    }

    /// Destination EID of the message (the local EID, NULL or broadcast).
    pub fn dest(&self) -> Eid {
        self.key.dest()
    }

    /// Message tag.
    pub fn tag(&self) -> Tag {
        self.key.tag()
    }

    /// Tag owner bit: set on requests (the sender owns the tag), clear on responses.
    pub fn tag_owner(&self) -> bool {
        self.key.tag_owner()
    }

    /// The message bytes, starting with the message type byte; never empty.
    pub fn message(&self) -> &'a [u8] {
        self.message
    }

    /// True if the message is at the start of the buffer given to
    /// [`Reassembler::receive_into`] (its header passed the caller's test), false if it is
    /// in a context of the reassembler's own.
    pub fn in_caller_buffer(&self) -> bool {
        self.in_caller_buffer
    }

    /// The message type and IC bit from the first byte.
    pub fn msg_type(&self) -> MsgTypeIc {
        MsgTypeIc::from_u8(self.message.first().copied().unwrap_or(0))
    }
}

/// What identifies a message in progress (DSP0236 §8.9): source EID, destination EID, tag
/// and tag owner, packed in one word (destination, source, TO and tag from bit 0 up), so that
/// finding a packet's message compares one word per context.
#[derive(Clone, Copy, PartialEq, Eq, Hash)]
struct Key(u32);

impl Key {
    const TO: u8 = 0x08;

    #[inline]
    const fn new(hdr: &PacketRepr) -> Key {
        let to = if hdr.tag_owner { Self::TO } else { 0 };
        Key(u32::from_le_bytes([
            hdr.dest.0,
            hdr.src.0,
            to | hdr.tag.value(),
            0,
        ]))
    }

    #[inline]
    const fn src(self) -> Eid {
        Eid(self.0.to_le_bytes()[1])
    }

    #[inline]
    const fn dest(self) -> Eid {
        Eid(self.0.to_le_bytes()[0])
    }

    #[inline]
    const fn tag(self) -> Tag {
        Tag::from_bits(self.0.to_le_bytes()[2])
    }

    #[inline]
    const fn tag_owner(self) -> bool {
        self.0.to_le_bytes()[2] & Self::TO != 0
    }
}

impl core::fmt::Debug for Key {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Key")
            .field("src", &self.src())
            .field("dest", &self.dest())
            .field("tag", &self.tag())
            .field("tag_owner", &self.tag_owner())
            .finish()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum State {
    Free,
    Assembling,
    /// Completed and lent out; freed on the next call.
    Delivered,
}

#[derive(Debug, Clone)]
struct Context<const MAX: usize> {
    state: State,
    key: Key,
    next_seq: u8,
    /// The message lives in the caller's buffer, not in `buf`.
    external: bool,
    /// Payload size of the SOM packet.
    frag_size: usize,
    started: Instant,
    /// Bytes of the message so far.
    len: usize,
    buf: [u8; MAX],
}

impl<const MAX: usize> Context<MAX> {
    /// All zero: a `static` reassembler lives in `.bss`.
    const fn new() -> Self {
        Context {
            state: State::Free,
            key: Key(0),
            next_seq: 0,
            external: false,
            frag_size: 0,
            started: Instant::ZERO,
            len: 0,
            buf: [0; MAX],
        }
    }

    fn free(&mut self) {
        self.state = State::Free;
        self.len = 0;
    }

    /// Move the message begun in `buf` to the caller's buffer `to` (once per message at
    /// most).
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn move_to(&mut self, to: &mut [u8]) -> Result<(), DropReason> {
        let part = self.buf.get(..self.len).ok_or(DropReason::TooLong)?;
        to.get_mut(..self.len)
            .ok_or(DropReason::TooLong)?
            .copy_from_slice(part);
        self.external = true;
        Ok(())
    }
}

// On a host the slow paths (`check`, `find_or_start`, `move_to`, `copy_any`) stay out of
// line, so that the caller's loop holds only the path of the next packet of the last message
// (with their calls inlined, the registers they need are saved and restored on every packet);
// on bare metal, where flash counts more, the compiler decides (they are called once).

/// Reassembles MCTP packets into messages: `N` messages in progress at once, each up to
/// `MAX` bytes in the reassembler's own contexts, or of any length in a caller's buffer
/// (DSP0236 §8.3, §8.8). See the [module documentation](self).
///
/// ```
/// use nvme_mi_core::mctp::reassemble::Reassembler;
/// use nvme_mi_core::time::Instant;
/// let mut r: Reassembler<2, 64> = Reassembler::new();
/// // One packet: SOM|EOM, seq 0, TO, tag 0, from EID 8 to EID 9.
/// let msg = r.receive(&[0x01, 0x09, 0x08, 0xc8, 0x84, 0x08], Instant(0)).unwrap().unwrap();
/// assert_eq!(msg.message(), &[0x84, 0x08]);
/// assert_eq!(msg.src().0, 8);
///
/// // The responses (TO clear) into a buffer of ours, the rest into the contexts.
/// let mut buf = [0u8; 16];
/// let msg = r
///     .receive_into(&[0x01, 0x09, 0x08, 0xc0, 0x84, 0x88], Instant(1), |h| !h.tag_owner, &mut buf)
///     .unwrap()
///     .unwrap();
/// assert!(msg.in_caller_buffer());
/// assert_eq!(msg.message(), &[0x84, 0x88]);
/// assert_eq!(&buf[..2], &[0x84, 0x88]);
/// ```
#[derive(Debug, Clone)]
pub struct Reassembler<const N: usize, const MAX: usize> {
    contexts: [Context<MAX>; N],
    local_eid: Option<Eid>,
    /// Milliseconds; `None`: [`DEFAULT_TIMEOUT`] (so that `new` is all zero).
    timeout_ms: Option<NonZeroU64>,
    counters: DropCounters,
    /// Before this instant [`Reassembler::poll`] has nothing to do: no message is lent out
    /// and none expires (at most the earliest deadline: a message that completed or was
    /// dropped since may leave it early, which costs one look at every context). Zero: look.
    next_poll: Instant,
    /// The context of the last packet accepted.
    last: usize,
    /// The header of the packet the message in context `last` expects next, as
    /// [`header_bits`] makes it (EOM set, whatever the packet's), while that message is open
    /// and the local EID unchanged; zero otherwise (no header gives zero: EOM is set). A
    /// packet with this header passes every header check and has its message's next
    /// sequence number (the message's last packet had the same header but for SOM, EOM and
    /// SEQ), so it goes straight to [`Reassembler::append`].
    next: u32,
}

/// Copy `payload` to `dst`, of the same length. A baseline TU (every packet of a message but
/// the last, on SMBus) goes as four 16-byte words, in registers, instead of through a call to
/// `memcpy` that costs more than the copy (the compiler turns a plain copy of the 64 bytes
/// back into the call of the other case).
#[inline]
fn copy_payload(dst: &mut [u8], payload: &[u8]) {
    match (
        <&mut [u8; BASELINE_TU]>::try_from(&mut *dst),
        <&[u8; BASELINE_TU]>::try_from(payload),
    ) {
        (Ok(dst), Ok(payload)) => {
            let (mut dst, mut payload): (&mut [u8], &[u8]) = (dst, payload);
            while let (Some((d, dst_rest)), Some((s, payload_rest))) = (
                dst.split_first_chunk_mut::<16>(),
                payload.split_first_chunk::<16>(),
            ) {
                *d = u128::from_ne_bytes(*s).to_ne_bytes();
                (dst, payload) = (dst_rest, payload_rest);
            }
        }
        _ => copy_any(dst, payload),
    }
}

/// `copy_from_slice`.
#[cfg_attr(not(target_os = "none"), inline(never))]
fn copy_any(dst: &mut [u8], payload: &[u8]) {
    dst.copy_from_slice(payload);
}

/// A packet header as [`Reassembler::next`] holds it: the four bytes little-endian with EOM
/// set (never zero).
#[inline]
fn header_bits(header: [u8; HEADER_LEN]) -> u32 {
    u32::from_le_bytes(header) | flags_bits(FLAG_EOM)
}

/// [`header_bits`] of `header` with SOM clear: the packet's header as a later packet of its
/// message would have it but for SEQ.
#[inline]
fn continued(header: [u8; HEADER_LEN]) -> u32 {
    header_bits(header) & !flags_bits(FLAG_SOM)
}

/// [`header_bits`] of the packet after the one of `bits`: SEQ one up, modulo 4.
#[inline]
fn following(bits: u32) -> u32 {
    let seq = flags_bits(SEQ_MASK << SEQ_SHIFT);
    let one = flags_bits(1 << SEQ_SHIFT);
    (bits & !seq) | (bits.wrapping_add(one) & seq)
}

/// `flags` where the flags byte (byte 3) lies in the little-endian header word.
const fn flags_bits(flags: u8) -> u32 {
    u32::from_le_bytes([0, 0, 0, flags])
}

impl<const N: usize, const MAX: usize> Default for Reassembler<N, MAX> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const N: usize, const MAX: usize> Reassembler<N, MAX> {
    /// An empty reassembler accepting every destination, with the default timeout. Its bytes
    /// are all zero: in a `static` it lives in `.bss` and costs no flash.
    pub const fn new() -> Self {
        Reassembler {
            contexts: [const { Context::new() }; N],
            local_eid: None,
            timeout_ms: None,
            counters: DropCounters {
                truncated: 0,
                bad_version: 0,
                bad_source_eid: 0,
                bad_destination_eid: 0,
                not_for_us: 0,
                empty_payload: 0,
                no_start: 0,
                out_of_sequence: 0,
                bad_fragment_size: 0,
                too_long: 0,
                no_buffer: 0,
                no_free_context: 0,
                restarted: 0,
                expired: 0,
            },
            next_poll: Instant::ZERO,
            last: 0,
            next: 0,
        }
    }

    /// An empty reassembler accepting only packets for `eid` (see
    /// [`Reassembler::set_local_eid`]).
    pub const fn with_local_eid(eid: Eid) -> Self {
        let mut r = Self::new();
        r.local_eid = Some(eid);
        r
    }

    /// Set the reassembly timeout, measured from a message's first packet, in whole
    /// milliseconds rounded up (zero is taken as 1 ms).
    pub fn set_timeout(&mut self, timeout: Duration) {
        self.timeout_ms = NonZeroU64::new(millis_ceil(timeout).max(1));
        // The deadlines of the open messages moved.
        self.next_poll = Instant::ZERO;
    }

    /// The reassembly timeout.
    pub fn timeout(&self) -> Duration {
        millis_to_duration(self.timeout_millis())
    }

    fn timeout_millis(&self) -> u64 {
        self.timeout_ms.map_or(DEFAULT_TIMEOUT_MS, NonZeroU64::get)
    }

    /// Accept only packets addressed to `eid`, the NULL EID (physical addressing; the binding
    /// has already matched our physical address) or the broadcast EID (DSP0236).
    /// `None` (the default) accepts every destination.
    pub fn set_local_eid(&mut self, eid: Option<Eid>) {
        self.local_eid = eid;
        // The open message's packets must pass the new filter.
        self.next = 0;
    }

    /// The local EID filter.
    pub fn local_eid(&self) -> Option<Eid> {
        self.local_eid
    }

    /// The drop counters.
    pub fn counters(&self) -> &DropCounters {
        &self.counters
    }

    /// Zero every drop counter.
    pub fn reset_counters(&mut self) {
        self.counters = DropCounters::default();
    }

    /// Number of messages being reassembled.
    pub fn in_progress(&self) -> usize {
        self.contexts
            .iter()
            .filter(|c| c.state == State::Assembling)
            .count()
    }

    /// When the oldest open message expires, if any message is open.
    pub fn next_deadline(&self) -> Option<Instant> {
        let timeout = self.timeout_millis();
        self.contexts
            .iter()
            .filter(|c| c.state == State::Assembling)
            .map(|c| c.started.saturating_add_millis(timeout))
            .min()
    }

    /// Free the message lent out last and drop every open message whose deadline is at or
    /// before `now` (counted as [`DropReason::Expired`]). Returns the number expired.
    pub fn poll(&mut self, now: Instant) -> usize {
        if now < self.next_poll {
            return 0;
        }
        let timeout = self.timeout_millis();
        let mut expired = 0;
        let mut next_poll = Instant::NEVER;
        for ctx in &mut self.contexts {
            match ctx.state {
                State::Delivered => ctx.free(),
                State::Assembling => {
                    let deadline = ctx.started.saturating_add_millis(timeout);
                    if now < deadline {
                        next_poll = next_poll.min(deadline);
                        continue;
                    }
                    debug!(
                        "MCTP message dropped: {:?}; source EID {:?}, tag {:?}",
                        DropReason::Expired,
                        ctx.key.src(),
                        ctx.key.tag()
                    );
                    ctx.free();
                    expired += 1;
                }
                State::Free => {}
            }
        }
        self.next_poll = next_poll;
        if expired > 0 {
            self.next = 0;
        }
        for _ in 0..expired {
            self.counters.count(DropReason::Expired);
        }
        expired
    }

    /// Drop every message in progress (not counted).
    pub fn clear(&mut self) {
        self.contexts.iter_mut().for_each(Context::free);
        self.next = 0;
    }

    fn drop_packet(&mut self, reason: DropReason) -> DropReason {
        self.counters.count(reason);
        reason
    }

    fn drop_message(&mut self, idx: usize, reason: DropReason) -> DropReason {
        if let Some(ctx) = self.contexts.get_mut(idx) {
            ctx.free();
        }
        self.next = 0;
        self.drop_packet(reason)
    }

    /// Take one received MCTP packet (header and payload, as from an SMBus frame without its
    /// framing and PEC) at time `now`.
    ///
    /// Returns `Ok(Some(message))` when the packet completes a message, `Ok(None)` when it was
    /// accepted into a message in progress, and `Err(reason)` when it was dropped (the drop is
    /// also counted). Expiry ([`Reassembler::poll`]) runs first.
    pub fn receive(
        &mut self,
        packet: &[u8],
        now: Instant,
    ) -> Result<Option<Reassembled<'_>>, DropReason> {
        self.receive_into(packet, now, |_| false, &mut [])
    }

    /// [`Reassembler::receive`], reassembling the message of a packet whose header passes
    /// `wanted` in `buf` instead of a context's own buffer (see the
    /// [module documentation](self#reassembling-into-the-callers-buffer)): the caller offers
    /// the same `buf`, untouched, with every packet until the message completes; a completed
    /// message then starts at `buf[0]` ([`Reassembled::in_caller_buffer`]). A message longer
    /// than `buf` is dropped as [`DropReason::TooLong`].
    #[inline]
    pub fn receive_into<'a>(
        &'a mut self,
        packet: &[u8],
        now: Instant,
        wanted: impl FnOnce(&PacketRepr) -> bool,
        buf: &'a mut [u8],
    ) -> Result<Option<Reassembled<'a>>, DropReason> {
        let received = self.reassemble(packet, now, wanted, buf);
        if let Err(reason) = &received {
            let from = Packet::new_checked(packet).ok().map(|p| (p.src(), p.tag()));
            debug!(
                "MCTP packet dropped: {:?}; source EID and tag {:?}",
                reason, from
            );
        }
        received
    }

    #[inline]
    fn reassemble<'a>(
        &'a mut self,
        packet: &[u8],
        now: Instant,
        wanted: impl FnOnce(&PacketRepr) -> bool,
        buf: &'a mut [u8],
    ) -> Result<Option<Reassembled<'a>>, DropReason> {
        self.poll(now);
        let Some((&head, payload)) = packet.split_first_chunk::<HEADER_LEN>() else {
            return Err(self.drop_packet(DropReason::Truncated));
        };
        let external = if header_bits(head) == self.next && !payload.is_empty() {
            // The next packet of the message in context `last`.
            wanted(&PacketRepr::from_bytes_unchecked(head))
        } else {
            let (hdr, open) = match self.check(head, payload.len()) {
                Ok(checked) => checked,
                Err(reason) => return Err(self.drop_packet(reason)),
            };
            let external = wanted(&hdr);
            match self.find_or_start(head, &hdr, open, payload.len(), now, external) {
                Ok(()) => external,
                Err(DropReason::OutOfSequence) => {
                    return Err(self.drop_message(self.last, DropReason::OutOfSequence))
                }
                Err(reason) => return Err(self.drop_packet(reason)),
            }
        };
        let idx = self.last;
        let len = match self.append(head[3] & FLAG_EOM != 0, payload, external, buf) {
            Err(reason) => return Err(self.drop_message(idx, reason)),
            Ok(None) => return Ok(None),
            Ok(Some(len)) => len,
        };
        // The next call frees the context.
        self.next_poll = Instant::ZERO;
        let (key, message): (Key, &'a [u8]) = match (external, self.contexts.get(idx)) {
            (_, None) => (Key(0), &[]),
            (true, Some(ctx)) => (ctx.key, buf),
            (false, Some(ctx)) => (ctx.key, &ctx.buf),
        };
        Ok(Some(Reassembled {
            key,
            message: message.get(..len).unwrap_or(&[]),
            in_caller_buffer: external,
        }))
    }

    /// The checks of a packet that is not the next one of the last message: its header and
    /// the context of the message open for its key, if any.
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn check(
        &self,
        head: [u8; HEADER_LEN],
        payload_len: usize,
    ) -> Result<(PacketRepr, Option<usize>), DropReason> {
        let hdr = PacketRepr::from_bytes(head).map_err(DropReason::from_header_error)?;
        if let Some(local) = self.local_eid {
            if hdr.dest != local && hdr.dest != Eid::NULL && hdr.dest != Eid::BROADCAST {
                return Err(DropReason::NotForUs);
            }
        }
        if payload_len == 0 {
            return Err(DropReason::EmptyPayload);
        }
        if hdr.som && !hdr.eom && payload_len < BASELINE_TU {
            return Err(DropReason::BadFragmentSize);
        }
        let key = Key::new(&hdr);
        let open = self
            .contexts
            .iter()
            .position(|c| c.state == State::Assembling && c.key == key);
        Ok((hdr, open))
    }

    /// After [`Reassembler::check`] and the caller's `wanted`: the context of the packet
    /// (opened for a SOM packet) becomes `last`, with `next` set to the packet's own header.
    /// An error drops the packet; `OutOfSequence` drops the message of context `last`.
    #[cfg_attr(not(target_os = "none"), inline(never))]
    fn find_or_start(
        &mut self,
        head: [u8; HEADER_LEN],
        hdr: &PacketRepr,
        open: Option<usize>,
        payload_len: usize,
        now: Instant,
        external: bool,
    ) -> Result<(), DropReason> {
        let idx = match (hdr.som, open) {
            (false, Some(idx)) => idx,
            (false, None) => return Err(DropReason::NoStart),
            (true, Some(idx)) => {
                self.counters.count(DropReason::Restarted);
                idx
            }
            (true, None) => self
                .contexts
                .iter()
                .position(|c| c.state == State::Free)
                .ok_or(DropReason::NoFreeContext)?,
        };
        let timeout = self.timeout_millis();
        let ctx = self
            .contexts
            .get_mut(idx)
            .ok_or(DropReason::NoFreeContext)?;
        self.last = idx;
        self.next = continued(head);
        if hdr.som {
            ctx.len = 0;
            ctx.state = State::Assembling;
            ctx.key = Key::new(hdr);
            ctx.external = external;
            ctx.frag_size = payload_len;
            ctx.started = now;
            ctx.next_seq = hdr.seq;
            self.next_poll = self.next_poll.min(now.saturating_add_millis(timeout));
        } else if hdr.seq != ctx.next_seq {
            return Err(DropReason::OutOfSequence);
        }
        Ok(())
    }

    /// Add the payload of the next packet of the message in context `last` (in `buf` if
    /// `external`) after checking its size; the message's length when `eom` completes it.
    #[inline]
    fn append(
        &mut self,
        eom: bool,
        payload: &[u8],
        external: bool,
        buf: &mut [u8],
    ) -> Result<Option<usize>, DropReason> {
        let ctx = self
            .contexts
            .get_mut(self.last)
            .ok_or(DropReason::NoStart)?;
        let size_ok = if eom {
            payload.len() <= ctx.frag_size
        } else {
            payload.len() == ctx.frag_size
        };
        if !size_ok {
            return Err(DropReason::BadFragmentSize);
        }
        match (ctx.external, external) {
            (false, true) => ctx.move_to(buf)?,
            (true, false) => return Err(DropReason::NoBuffer),
            _ => {}
        }
        let dst = if external { buf } else { &mut ctx.buf[..] };
        // One copy; cannot overflow: both lengths are those of slices.
        let end = ctx.len + payload.len();
        copy_payload(
            dst.get_mut(ctx.len..end).ok_or(DropReason::TooLong)?,
            payload,
        );
        ctx.len = end;
        ctx.next_seq = (ctx.next_seq + 1) & SEQ_MASK;
        if !eom {
            self.next = following(self.next);
            return Ok(None);
        }
        ctx.state = State::Delivered;
        self.next = 0;
        Ok(Some(ctx.len))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A packet from EID 8 to EID 9 with flags `flags` and `len` payload bytes `first, first+1, ...`.
    fn pkt(flags: u8, first: u8, len: usize) -> ([u8; 4 + BASELINE_TU], usize) {
        let mut b = [0u8; 4 + BASELINE_TU];
        b[..4].copy_from_slice(&[0x01, 0x09, 0x08, flags]);
        for (i, x) in b[4..4 + len].iter_mut().enumerate() {
            *x = first.wrapping_add(i as u8);
        }
        (b, 4 + len)
    }

    #[test]
    fn two_packets() {
        let mut r: Reassembler<1, 128> = Reassembler::new();
        let (a, n) = pkt(0x98, 0, 64); // SOM, seq 1, TO, tag 0
        assert_eq!(r.receive(&a[..n], Instant(0)), Ok(None));
        assert_eq!(r.in_progress(), 1);
        assert_eq!(r.next_deadline(), Some(Instant(DEFAULT_TIMEOUT_MS)));
        let (b, n) = pkt(0x68, 64, 1); // EOM, seq 2
        let m = r.receive(&b[..n], Instant(1)).unwrap().unwrap();
        assert_eq!(m.message().len(), 65);
        assert!(m.message().iter().enumerate().all(|(i, &x)| x == i as u8));
        assert_eq!((m.src(), m.dest(), m.tag_owner()), (Eid(8), Eid(9), true));
        assert_eq!(r.in_progress(), 0);
        assert_eq!(r.counters().total(), 0);
    }

    #[test]
    fn eom_may_be_shorter_but_not_longer() {
        let mut r: Reassembler<1, 256> = Reassembler::new();
        let (a, n) = pkt(0x88, 0, 64);
        r.receive(&a[..n], Instant(0)).unwrap();
        let (mut b, _) = pkt(0x58, 0, 64);
        let mut long = [0u8; 4 + 65];
        long[..4].copy_from_slice(&b[..4]);
        assert_eq!(
            r.receive(&long, Instant(0)),
            Err(DropReason::BadFragmentSize)
        );
        assert_eq!(r.counters().get(DropReason::BadFragmentSize), 1);
        assert_eq!(r.in_progress(), 0);
        b[3] = 0xc8;
        assert!(r.receive(&b[..4 + 64], Instant(0)).unwrap().is_some());
    }

    #[test]
    fn short_first_packet_is_cut_short() {
        let mut r: Reassembler<1, 256> = Reassembler::new();
        let (a, n) = pkt(0x88, 0, 64);
        assert_eq!(
            r.receive(&a[..n - 1], Instant(0)),
            Err(DropReason::BadFragmentSize)
        );
        assert_eq!(r.in_progress(), 0);
        // A single-packet message may be of any size.
        let (a, n) = pkt(0xc8, 0, 1);
        assert!(r.receive(&a[..n], Instant(0)).unwrap().is_some());
    }

    #[test]
    fn into_the_callers_buffer() {
        // Contexts of 8 bytes; a 129-byte message in the caller's buffer.
        let mut r: Reassembler<1, 8> = Reassembler::new();
        let mut buf = [0u8; 200];
        let yes = |_: &PacketRepr| true;
        let (a, n) = pkt(0x88, 0, 64); // SOM, seq 0
        assert_eq!(r.receive_into(&a[..n], Instant(0), yes, &mut buf), Ok(None));
        let (b, n) = pkt(0x18, 64, 64); // seq 1
        assert_eq!(r.receive_into(&b[..n], Instant(0), yes, &mut buf), Ok(None));
        let (c, n) = pkt(0x68, 128, 1); // EOM, seq 2
        let m = r
            .receive_into(&c[..n], Instant(0), yes, &mut buf)
            .unwrap()
            .unwrap();
        assert!(m.in_caller_buffer());
        assert_eq!(m.message().len(), 129);
        assert!(m.message().iter().enumerate().all(|(i, &x)| x == i as u8));
        assert_eq!(r.counters().total(), 0);
        assert_eq!(r.in_progress(), 0);

        // Begun in a context (nobody asked yet), moved at the next packet.
        let mut r: Reassembler<1, 64> = Reassembler::new();
        let mut buf = [0u8; 129];
        assert_eq!(r.receive(&a[..4 + 64], Instant(0)), Ok(None));
        assert_eq!(
            r.receive_into(&b[..4 + 64], Instant(0), yes, &mut buf),
            Ok(None)
        );
        let m = r
            .receive_into(&c[..4 + 1], Instant(0), yes, &mut buf)
            .unwrap()
            .unwrap();
        assert!(m.message().iter().enumerate().all(|(i, &x)| x == i as u8));

        // The buffer withdrawn: the message is dropped; later packets find no start.
        assert_eq!(
            r.receive_into(&a[..4 + 64], Instant(0), yes, &mut buf),
            Ok(None)
        );
        assert_eq!(
            r.receive(&b[..4 + 64], Instant(0)),
            Err(DropReason::NoBuffer)
        );
        assert_eq!(r.in_progress(), 0);
        assert_eq!(r.receive(&c[..4 + 1], Instant(0)), Err(DropReason::NoStart));

        // Too long for the caller's buffer.
        let mut small = [0u8; 100];
        assert_eq!(
            r.receive_into(&a[..4 + 64], Instant(0), yes, &mut small),
            Ok(None)
        );
        assert_eq!(
            r.receive_into(&b[..4 + 64], Instant(0), yes, &mut small),
            Err(DropReason::TooLong)
        );
        assert_eq!(r.counters().get(DropReason::NoBuffer), 1);
        assert_eq!(r.counters().get(DropReason::TooLong), 1);
        assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn new_is_all_zero_and_the_timeout_defaults() {
        let mut r: Reassembler<1, 8> = Reassembler::new();
        assert_eq!(r.timeout(), DEFAULT_TIMEOUT);
        r.set_timeout(Duration::ZERO);
        assert_eq!(r.timeout(), Duration::from_millis(1));
        r.set_timeout(Duration::from_micros(9_001));
        assert_eq!(r.timeout(), Duration::from_millis(10));
    }

    #[test]
    fn counters_index_by_reason() {
        let mut c = DropCounters::default();
        c.count(DropReason::Expired);
        c.count(DropReason::Expired);
        c.count(DropReason::NoStart);
        assert_eq!(c.get(DropReason::Expired), 2);
        assert_eq!(c.expired, 2);
        assert_eq!(c.get(DropReason::NoStart), 1);
        assert_eq!(c.total(), 3);
    }
}
