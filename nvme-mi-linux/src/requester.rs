//! The requester side over `AF_MCTP`: [`MctpTransport`], one socket per endpoint, with a
//! preallocated tag so that More Processing Required works (Linux include/uapi/linux/mctp.h).

use std::os::fd::{AsFd, AsRawFd, RawFd};
use std::time::{Duration, Instant as StdInstant};

use nix::poll::PollFlags;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{Error as _, ErrorKind, EventSource, Transport};

use crate::addr::{MctpAddr, PhysAddr};
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::events::EventCore;
use crate::socket::{self, Destination, Incoming, MctpSocket, Wait};
use crate::sys;
use crate::time::{CarriedClock, Interruptions};

/// How a requester gets the message tag of each exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagMode {
    /// Preallocated with `SIOCMCTPALLOCTAG2` (any network): the tag stays ours across the
    /// exchange (so the final response after More Processing Required arrives) and is kept
    /// for the next one.
    Preallocated,
    /// Preallocated with the older `SIOCMCTPALLOCTAG`, which only knows network 1; used when
    /// the kernel lacks the v2 ioctl and the endpoint is on network 1 (or "any").
    PreallocatedV1,
    /// The kernel allocates a tag on each send (`MCTP_TAG_OWNER`) and frees it when the
    /// first response arrives: **More Processing Required cannot work** (the kernel drops
    /// the final response), and responses cannot be told apart by tag. Used only when the
    /// kernel has no tag ioctls.
    KernelOwned,
}

impl TagMode {
    /// Tags are preallocated (More Processing Required works).
    pub fn is_preallocated(self) -> bool {
        !matches!(self, TagMode::KernelOwned)
    }
}

/// The tag ioctl is missing or refused by this kernel: fall back to the next mode. Kernels
/// before the ioctls answer `ENOTTY`; kernels that know v1 but not v2 answer `EINVAL`.
fn ioctl_unsupported(e: &Error) -> bool {
    matches!(
        e.raw_os_error(),
        Some(libc::ENOTTY | libc::EINVAL | libc::EOPNOTSUPP)
    )
}

/// How long a tag whose exchange ended without its final response is kept from carrying
/// another request when no fresh tag can be had, and how long its value is passed over when
/// the kernel offers it again: the kernel's own lifetime for a tag that awaits a response
/// (`MCTP_KEY_LIFETIME`, 6 s, in `net/mctp/route.c`). A response later than that is one the
/// kernel itself would have discarded had it allocated the tag.
const QUARANTINE: Duration = Duration::from_secs(6);

/// The socket logic of a requester, shared by the blocking and the async transport: tag
/// handling, the receive filter, counters.
///
/// An exchange that ends with its final response ([`RequesterCore::complete`]) releases its
/// tag, or keeps it for the next exchange when [`RequesterCore::set_keep_tag`] is on (no
/// `ioctl` per request). An exchange that ends any other way ([`RequesterCore::end`]: a
/// timeout, an error, a retry) may still be answered on its tag, and the kernel hands out
/// the lowest free tag, so reusing the tag, or dropping and reallocating it, could give that
/// late answer to the next request. Such a tag is therefore renewed at once: a new one is
/// allocated while the old is still held (so the value differs), the old one is dropped
/// (after which the kernel discards anything sent to it) and whatever the socket has queued
/// is discarded. The new tag has carried nothing, so it pins no device (see
/// [`MctpTransport::set_keep_tag`]); it waits for the next exchange. The value given up is
/// remembered until [`QUARANTINE`] after the last such exchange: the kernel may hand it out
/// again (to a later exchange once the renewed tag is released), and a late response on it
/// would then be taken for that exchange's, so every allocation passes over such values
/// while another is free.
#[derive(Debug)]
pub(crate) struct RequesterCore {
    sock: MctpSocket,
    peer: MctpAddr,
    phys: Option<PhysAddr>,
    mode: TagMode,
    /// The preallocated tag (the `smctp_tag` value to send with), kept between exchanges.
    tag: Option<u8>,
    /// An exchange is open.
    open: bool,
    /// The open exchange's request went out.
    sent: bool,
    /// An exchange ended without its final response after its request went out (at
    /// `abandoned_at`): a late response may still come on the tag (or, with kernel-owned
    /// tags, be queued), so the next exchange renews the tag (or drains the socket) first.
    tainted: bool,
    /// Tag values (a bit each) given up with exchanges that ended without their final
    /// response.
    abandoned: u8,
    /// When the last exchange ended without its final response: the values in `abandoned`
    /// are forgotten [`QUARANTINE`] later (and this with them).
    abandoned_at: Option<StdInstant>,
    /// Keep the tag after a complete exchange.
    keep: bool,
    dropped: Dropped,
    drop_failures: u64,
}

impl RequesterCore {
    /// A requester socket to `peer`: blocking for the blocking transport (receives wait in
    /// the kernel), non-blocking for the async one.
    pub(crate) fn new(peer: MctpAddr, phys: Option<PhysAddr>, blocking: bool) -> Result<Self> {
        let mut sock = if blocking {
            MctpSocket::new_blocking()?
        } else {
            MctpSocket::new()?
        };
        if phys.is_some() {
            sock.set_extended_addressing(true)?;
        }
        Ok(RequesterCore {
            sock,
            peer,
            phys,
            mode: TagMode::Preallocated,
            tag: None,
            open: false,
            sent: false,
            tainted: false,
            keep: false,
            abandoned: 0,
            abandoned_at: None,
            dropped: Dropped::default(),
            drop_failures: 0,
        })
    }

    pub(crate) fn peer(&self) -> MctpAddr {
        self.peer
    }

    pub(crate) fn mode(&self) -> TagMode {
        self.mode
    }

    pub(crate) fn dropped(&self) -> Dropped {
        self.dropped
    }

    pub(crate) fn tag_drop_failures(&self) -> u64 {
        self.drop_failures
    }

    pub(crate) fn current_tag(&self) -> Option<u8> {
        self.tag.map(|t| t & sys::MCTP_TAG_MASK)
    }

    pub(crate) fn set_keep_tag(&mut self, on: bool) {
        self.keep = on;
    }

    pub(crate) fn keeps_tag(&self) -> bool {
        self.keep
    }

    /// Release a kept tag while no exchange is open (a tag awaiting renewal stays).
    pub(crate) fn release_idle(&mut self) {
        if !self.open && !self.tainted {
            if let Some(t) = self.tag.take() {
                self.release(t);
            }
        }
    }

    pub(crate) fn socket(&self) -> &MctpSocket {
        &self.sock
    }

    /// Open a new exchange: end the previous one, and hold a tag that no earlier exchange
    /// may still be answered on. [`Error::TagAlloc`] with `EBUSY` when none is free (the
    /// engine backs off and tries again).
    pub(crate) fn start(&mut self) -> Result<()> {
        if self.open {
            self.end();
        }
        if self.tag.is_none() {
            self.allocate()?;
        }
        if self.tainted {
            if let Some(old) = self.tag {
                match self.alloc_fresh() {
                    Ok(new) => {
                        self.release(old);
                        self.tag = Some(new);
                    }
                    // No other tag is free: keep this one out of use until it is as old as
                    // the kernel lets a tag wait for its response (`alloc_fresh` has just
                    // ended the quarantine if it was over).
                    Err(e) if e.kind() == ErrorKind::TagsExhausted => {
                        if self.abandoned_at.is_some() {
                            return Err(e);
                        }
                    }
                    Err(e) => return Err(e),
                }
            }
            // Kernel-owned tags are freed by the first response or by the kernel's expiry;
            // a late response can then only be queued here already.
            self.drain()?;
            self.tainted = false;
        }
        self.open = true;
        self.sent = false;
        Ok(())
    }

    /// Allocate the first tag, settling the tag mode on the way.
    fn allocate(&mut self) -> Result<()> {
        loop {
            let v1 = match self.mode {
                TagMode::KernelOwned => return Ok(()),
                TagMode::Preallocated => false,
                TagMode::PreallocatedV1 => true,
            };
            match self.alloc_fresh() {
                Ok(t) => {
                    self.tag = Some(t);
                    return Ok(());
                }
                Err(e) if ioctl_unsupported(&e) => {
                    self.mode = if !v1 && self.peer.concrete_net() == sys::MCTP_INITIAL_DEFAULT_NET
                    {
                        TagMode::PreallocatedV1
                    } else {
                        TagMode::KernelOwned
                    };
                }
                Err(e) => return Err(e),
            }
        }
    }

    /// Allocate a preallocated tag (in the current mode), passing over the values given up
    /// with unanswered exchanges until [`QUARANTINE`] after the last: the ones the kernel
    /// hands out on the way are held until another comes, then dropped. When no other is
    /// free, the first of them.
    fn alloc_fresh(&mut self) -> Result<u8> {
        let v1 = self.mode == TagMode::PreallocatedV1;
        // Forgotten once the quarantine is over, so that later allocations read no clock.
        if self
            .abandoned_at
            .is_some_and(|at| at.elapsed() >= QUARANTINE)
        {
            self.abandoned = 0;
            self.abandoned_at = None;
        }
        // Held tags: at most eight (one per value).
        let mut held = [0u8; 8];
        let mut n = 0;
        let got = loop {
            match self.sock.alloc_tag(self.peer, v1) {
                Ok(t)
                    if self.abandoned & (1 << (t & sys::MCTP_TAG_MASK)) != 0 && n < held.len() =>
                {
                    held[n] = t;
                    n += 1;
                }
                other => break other,
            }
        };
        let (got, skip) = match got {
            Err(e) if e.kind() == ErrorKind::TagsExhausted && n > 0 => (Ok(held[0]), 1),
            other => (other, 0),
        };
        for &t in &held[skip..n] {
            self.release(t);
        }
        got
    }

    /// Drop a preallocated tag.
    fn release(&mut self, tag: u8) {
        let v1 = self.mode == TagMode::PreallocatedV1;
        if self.sock.drop_tag(self.peer, tag, v1).is_err() {
            self.drop_failures += 1;
        }
    }

    /// Discard everything queued on the socket (no exchange is open).
    fn drain(&mut self) -> Result<()> {
        let mut scratch = [0u8; 8];
        while let Some(inc) = self.sock.try_recv(&mut scratch)? {
            if inc.len == 0 {
                self.dropped.empty += 1;
            } else {
                self.dropped.stale += 1;
            }
        }
        Ok(())
    }

    /// Send the request of the open exchange; `Ok(false)` if the socket is full.
    pub(crate) fn try_send(&mut self, message: &[&[u8]]) -> Result<bool> {
        let dest = Destination {
            to: self.peer,
            tag: self.tag.unwrap_or(sys::MCTP_TAG_OWNER),
            phys: self.phys,
        };
        let sent = self.sock.try_send(&dest, message)?;
        // A request that went out may be answered whatever happens next.
        self.sent |= sent;
        Ok(sent)
    }

    /// Is `inc` a response of the open exchange? Counts it if not.
    fn accept(&mut self, inc: &Incoming) -> bool {
        let d = &mut self.dropped;
        let counter = if inc.len == 0 {
            &mut d.empty
        } else if !self.open {
            &mut d.stale
        } else if inc.is_request() {
            &mut d.wrong_direction
        } else if !inc.is_from(self.peer) {
            &mut d.wrong_peer
        } else if self
            .tag
            .is_some_and(|t| (t ^ inc.tag) & sys::MCTP_TAG_MASK != 0)
        {
            &mut d.wrong_tag
        } else {
            return true;
        };
        *counter += 1;
        false
    }

    /// Take `inc`, just received into `buf`, if it is a response of the open exchange.
    fn take(&mut self, inc: &Incoming, buf: &[u8]) -> Result<Option<usize>> {
        if !self.accept(inc) {
            return Ok(None);
        }
        if inc.truncated {
            return Err(Error::Truncated {
                len: inc.len,
                capacity: buf.len(),
            });
        }
        Ok(Some(inc.len))
    }

    /// The next response of the open exchange that is already queued, into `buf` (type
    /// byte first). Discards (and counts) anything else.
    pub(crate) fn try_recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        while let Some(inc) = self.sock.try_recv(buf)? {
            if let Some(n) = self.take(&inc, buf)? {
                return Ok(Some(n));
            }
        }
        Ok(None)
    }

    /// Wait (blocking socket) up to `timeout` for one message: its length if it is a
    /// response of the open exchange (`None` for anything else, which is discarded), and how
    /// the wait ended.
    pub(crate) fn recv_wait(
        &mut self,
        buf: &mut [u8],
        timeout: Option<Duration>,
    ) -> Result<(Option<usize>, Wait)> {
        let wait = self.sock.recv_wait(buf, timeout)?;
        let n = match &wait {
            Wait::Message(inc, _) => self.take(inc, buf)?,
            Wait::TimedOut | Wait::Interrupted => None,
        };
        Ok((n, wait))
    }

    /// The open exchange got its final response: release the tag, or keep it for the next
    /// exchange.
    pub(crate) fn complete(&mut self) {
        self.open = false;
        self.sent = false;
        if !self.keep {
            if let Some(t) = self.tag.take() {
                self.release(t);
            }
        }
    }

    /// End the open exchange without its final response (idempotent). If its request went
    /// out, renew the tag now; when no other tag is free, keep the old one and let the next
    /// exchange renew it.
    pub(crate) fn end(&mut self) {
        let abandoned = self.open && self.sent;
        self.open = false;
        self.sent = false;
        if !abandoned {
            return;
        }
        self.abandoned_at = Some(StdInstant::now());
        if let Some(old) = self.tag {
            self.abandoned |= 1 << (old & sys::MCTP_TAG_MASK);
            match self.alloc_fresh() {
                Ok(new) => {
                    self.release(old);
                    self.tag = Some(new);
                }
                Err(_) => {
                    self.tainted = true;
                    return;
                }
            }
        }
        // Kernel-owned tags are freed by the first response or by the kernel's expiry; a
        // late response can then only be queued here already. A receive error here shows
        // again on the next receive.
        if self.drain().is_err() {
            self.tainted = true;
        }
    }
}

// No `Drop`: closing the socket releases its tags (the kernel removes every key of a socket
// that closes), so a dropped transport, or a killed process, leaves no tag behind.

impl AsRawFd for RequesterCore {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

// The descriptor is the socket's, created with the core and closed with it.
#[cfg(feature = "tokio")]
impl sys::StableFd for RequesterCore {}

/// A blocking [`Transport`] to one MCTP endpoint over the kernel's `AF_MCTP` sockets.
///
/// Each exchange runs on a preallocated tag (`SIOCMCTPALLOCTAG2`), so that the endpoint may
/// answer More Processing Required and send the final response later on the same tag. An
/// exchange that ends with its final response ([`Transport::complete_exchange`]) releases
/// the tag, or keeps it for the next exchange with [`MctpTransport::set_keep_tag`]. After an
/// exchange that ended any other way ([`Transport::end_exchange`]: a timeout, an error, a
/// retry) the tag is renewed (a new one allocated before the old one is dropped), so that a
/// late response is never taken for a later request. Tags go with the socket when the
/// transport is dropped (or the process dies). With all eight tags to the endpoint taken,
/// [`Transport::send_request`] fails with [`ErrorKind::TagsExhausted`]; the requester
/// engine then backs off and tries again until the command's deadline.
///
/// Receiving keeps only responses (TO clear) from the endpoint on that tag; anything else is
/// discarded and counted ([`MctpTransport::dropped`]). A receive sleeps in the kernel, with
/// the socket's receive timeout set to the time left until the deadline, and the kernel
/// reports how long it waited (`recvmmsg`), so that an exchange costs a `sendmsg` and one
/// receive (with the tag kept, no `ioctl`), no `poll` and no clock read.
///
/// Time ([`Transport::now`]) is a monotonic clock started with the transport, in
/// milliseconds. Outside an exchange it is read from the system. Inside one (from
/// [`Transport::send_request`] until [`Transport::complete_exchange`] or
/// [`Transport::end_exchange`], and through the back-off of a request that found no free
/// tag), it is the last reading carried forward by the waits as the kernel measured them:
/// every deadline of the exchange is counted from that reading and waited for in the kernel,
/// so it is met at the time it stands for, or later by the time the process spent between
/// its waits, never earlier (up to the kernel's clock tick), and no clock is read.
///
/// On kernels without the tag ioctls the transport falls back to kernel-allocated tags
/// ([`TagMode::KernelOwned`]), where More Processing Required cannot work;
/// [`MctpTransport::tag_mode`] tells which is in use.
///
/// Asynchronous Event Messages ([`EventSource`]) arrive on a second socket bound to NVMe-MI
/// (type 4) on the local EID the endpoint sends to; see [`MctpTransport::listen_events`].
///
/// Needs `CAP_NET_RAW` to send (and `CAP_NET_BIND_SERVICE` for events).
#[derive(Debug)]
pub struct MctpTransport {
    core: RequesterCore,
    events: Option<EventCore>,
    clock: CarriedClock,
    phase: Phase,
}

/// Where the engine is in its use of an [`MctpTransport`], which decides whether
/// [`Transport::now`] reads the system clock.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Phase {
    /// No exchange open: the time is read from the system.
    Idle,
    /// An exchange is open: the time is carried forward by the measured waits.
    Exchange,
    /// A request found no free tag and its exchange ended: the engine asks for the time to
    /// back off from (carried forward, as in the exchange), then waits and sends again.
    NoTag,
    /// The engine has the time to back off from: [`Transport::wait_until`] counts from it.
    Backoff,
}

impl MctpTransport {
    /// A transport to the endpoint at `peer` (routed by EID).
    pub fn new(peer: MctpAddr) -> Result<Self> {
        Self::build(RequesterCore::new(peer, None, true)?)
    }

    /// A transport that sends directly on an interface to a hardware address (extended
    /// addressing), bypassing routing. With `peer.eid` = 0 it reaches a device
    /// that has no EID yet; replies are then accepted from any source EID.
    pub fn with_physical(peer: MctpAddr, phys: PhysAddr) -> Result<Self> {
        Self::build(RequesterCore::new(peer, Some(phys), true)?)
    }

    fn build(core: RequesterCore) -> Result<Self> {
        Ok(MctpTransport {
            core,
            events: None,
            clock: CarriedClock::new(),
            phase: Phase::Idle,
        })
    }

    /// The endpoint's address.
    pub fn peer(&self) -> MctpAddr {
        self.core.peer()
    }

    /// How tags are obtained (settles after the first request).
    pub fn tag_mode(&self) -> TagMode {
        self.core.mode()
    }

    /// Tags are preallocated, so More Processing Required works (see [`TagMode`]).
    pub fn preallocates_tags(&self) -> bool {
        self.core.mode().is_preallocated()
    }

    /// The value (0..=7) of the preallocated tag the transport holds, if any: the open
    /// exchange's, or one waiting for the next exchange (kept, or renewed after an exchange
    /// that ended without its final response).
    pub fn current_tag(&self) -> Option<u8> {
        self.core.current_tag()
    }

    /// Keep the tag of an exchange that got its final response for the next exchange,
    /// instead of releasing it (off by default): two `ioctl`s fewer per exchange.
    ///
    /// The kernel ties a tag that has carried a message to the interface it went out on
    /// until the tag is released: on `mctp-i2c` (with `CONFIG_MCTP_FLOWS`) that keeps the
    /// I2C bus segment locked to this flow, so no other client of that bus (or of the other
    /// channels of its multiplexer) gets through, and the interface cannot be removed. Turn
    /// it on for links without that (the loopback, tun, serial or I3C links) or where this
    /// requester owns the bus, and release the tag ([`MctpTransport::set_keep_tag`] with
    /// `false`, or drop the transport) when going idle. A kept tag is also one of the eight
    /// tags per endpoint that other requesters cannot have meanwhile.
    pub fn set_keep_tag(&mut self, on: bool) {
        self.core.set_keep_tag(on);
        if !on {
            self.core.release_idle();
        }
    }

    /// Whether [`MctpTransport::set_keep_tag`] is on.
    pub fn keeps_tag(&self) -> bool {
        self.core.keeps_tag()
    }

    /// Messages discarded on the request socket.
    pub fn dropped(&self) -> Dropped {
        self.core.dropped()
    }

    /// Messages discarded on the event socket (requests from other endpoints, ...).
    pub fn dropped_events(&self) -> Dropped {
        self.events
            .as_ref()
            .map(EventCore::dropped)
            .unwrap_or_default()
    }

    /// How often releasing a preallocated tag failed (it is released anyway when the socket
    /// closes).
    pub fn tag_drop_failures(&self) -> u64 {
        self.core.tag_drop_failures()
    }

    /// Open an exchange and send its request, waiting while the socket is full.
    fn send(&mut self, message: &[&[u8]]) -> Result<()> {
        self.core.start()?;
        loop {
            match self.core.try_send(message) {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    let fd = self.core.socket().as_fd();
                    if let Err(e) = socket::wait(&[fd], PollFlags::POLLOUT, None) {
                        self.core.end();
                        return Err(e);
                    }
                }
                Err(e) => {
                    self.core.end();
                    return Err(e);
                }
            }
        }
    }

    /// Start receiving Asynchronous Event Messages now (otherwise the first
    /// [`EventSource::recv_unsolicited`] does): binds a socket to NVMe-MI requests on the
    /// local EID the endpoint sends to (the first address of the interface the route to it
    /// goes through; [`Error::NoRoute`] without a route). Kernel 6.12 cannot bind to one
    /// peer, and lets one socket hold a local EID: the transports of one process share it
    /// (each keeps its own endpoint's messages), another process gets `EADDRINUSE`.
    /// Requests from endpoints nobody here listens to are discarded and counted.
    pub fn listen_events(&mut self) -> Result<()> {
        if self.events.is_none() {
            self.events = Some(EventCore::bind(self.core.peer())?);
        }
        Ok(())
    }
}

impl Transport for MctpTransport {
    type Error = Error;

    fn now(&mut self) -> Instant {
        match self.phase {
            Phase::Exchange => self.clock.current(),
            Phase::NoTag => {
                self.phase = Phase::Backoff;
                self.clock.current()
            }
            // After `Backoff` the engine gave up on the command.
            Phase::Idle | Phase::Backoff => {
                self.phase = Phase::Idle;
                self.clock.read()
            }
        }
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<()> {
        self.phase = Phase::Exchange;
        let r = self.send(message);
        if matches!(&r, Err(e) if e.kind() == ErrorKind::TagsExhausted) {
            self.phase = Phase::NoTag;
        }
        r
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize> {
        let mut signals = Interruptions::default();
        loop {
            let now = self.clock.current();
            if now >= deadline {
                // A response already queued still counts.
                return self.core.try_recv(buf)?.ok_or(Error::Timeout);
            }
            let left = (deadline != Instant::NEVER).then(|| now.until(deadline));
            match self.core.recv_wait(buf, left)? {
                (Some(n), Wait::Message(_, waited)) => {
                    self.clock.advance(waited);
                    return Ok(n);
                }
                (_, Wait::Message(_, waited)) => self.clock.advance(waited),
                (_, Wait::TimedOut) => self.clock.advance(left.unwrap_or_default()),
                (_, Wait::Interrupted) => signals.interrupted(&mut self.clock),
            }
        }
    }

    fn end_exchange(&mut self) {
        self.core.end();
        if self.phase != Phase::NoTag {
            self.phase = Phase::Idle;
        }
    }

    fn complete_exchange(&mut self) {
        self.core.complete();
        self.phase = Phase::Idle;
    }

    fn wait_until(&mut self, t: Instant) {
        let now = if self.phase == Phase::Backoff {
            // The back-off counts from the carried time the engine was given.
            self.clock.current()
        } else {
            self.clock.read()
        };
        if t != Instant::NEVER {
            std::thread::sleep(now.until(t));
        }
        self.clock.advance_to(t);
        self.phase = Phase::Idle;
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.core.peer().eid)
    }
}

impl EventSource for MctpTransport {
    fn recv_unsolicited(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize> {
        self.listen_events()?;
        let until = self.clock.to_std(deadline);
        let Some(events) = self.events.as_mut() else {
            return Err(Error::InvalidArgument("event socket missing"));
        };
        loop {
            if let Some(n) = events.try_recv(buf)? {
                return Ok(n);
            }
            if !events.wait(until)? {
                return Err(Error::Timeout);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fallback_errnos() {
        for errno in [libc::ENOTTY, libc::EINVAL, libc::EOPNOTSUPP] {
            assert!(ioctl_unsupported(&Error::TagAlloc(
                std::io::Error::from_raw_os_error(errno)
            )));
        }
        assert!(!ioctl_unsupported(&Error::TagAlloc(
            std::io::Error::from_raw_os_error(libc::EBUSY)
        )));
    }
}
