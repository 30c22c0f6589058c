//! The requester side over `AF_MCTP`: [`MctpTransport`], one socket per endpoint, with
//! preallocated tags so that More Processing Required works (digest H.4, H.5, D.6).

use std::os::fd::{AsFd, AsRawFd, RawFd};

use nix::poll::PollFlags;
use nvme_mi_core::mctp::{Eid, MsgType};
use nvme_mi_core::mi::status::ResponseStatus;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{EventSource, Transport};

use crate::addr::{MctpAddr, PhysAddr};
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::events::EventCore;
use crate::socket::{self, Destination, Incoming, MctpSocket};
use crate::sys;
use crate::time::Clock;

/// How a requester gets the message tag of each exchange.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum TagMode {
    /// Preallocated with `SIOCMCTPALLOCTAG2` (any network): the tag stays ours until the
    /// exchange ends, so the final response after More Processing Required arrives.
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

/// The socket logic of a requester, shared by the blocking and the async transport: tag
/// handling, the receive filter, counters. Non-blocking throughout.
#[derive(Debug)]
pub(crate) struct RequesterCore {
    sock: MctpSocket,
    peer: MctpAddr,
    phys: Option<PhysAddr>,
    mode: TagMode,
    /// The preallocated tag of the open exchange (the `smctp_tag` value to send with).
    tag: Option<u8>,
    open: bool,
    /// A response may have been queued that no exchange took: a receive ended without one
    /// (timeout, error, an exchange abandoned after its request went out). The next
    /// [`RequesterCore::start`] drains the socket then, and only then, so that a clean
    /// exchange costs no extra system call.
    unread: bool,
    dropped: Dropped,
    drop_failures: u64,
}

impl RequesterCore {
    pub(crate) fn new(peer: MctpAddr, phys: Option<PhysAddr>) -> Result<Self> {
        let mut sock = MctpSocket::new()?;
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
            unread: false,
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

    /// Open a new exchange: end the previous one, discard anything it may have left
    /// queued, and reserve a tag.
    ///
    /// A response that arrives after its exchange gave up but before the tag was released
    /// stays queued; the kernel may hand the same tag value to the next exchange, so it must
    /// not be taken for that exchange's response. Only responses on this socket's own tags
    /// reach it, so the queue can hold such a message only when an earlier receive ended
    /// without its response ([`RequesterCore::try_recv`] tracks that).
    pub(crate) fn start(&mut self) -> Result<()> {
        self.end();
        if self.unread {
            let mut scratch = [0u8; 8];
            while let Some(inc) = self.sock.try_recv(&mut scratch)? {
                if inc.len == 0 {
                    self.dropped.empty += 1;
                } else {
                    self.dropped.stale += 1;
                }
            }
            self.unread = false;
        }
        loop {
            let v1 = match self.mode {
                TagMode::KernelOwned => break,
                TagMode::Preallocated => false,
                TagMode::PreallocatedV1 => true,
            };
            match self.sock.alloc_tag(self.peer, v1) {
                Ok(t) => {
                    self.tag = Some(t);
                    break;
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
        self.open = true;
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
        self.unread |= sent;
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
        } else if !from_peer(self.peer, inc) {
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

    /// The next response of the open exchange that is already queued, into `buf` (type
    /// byte first). Discards (and counts) anything else.
    pub(crate) fn try_recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        // Until a response is taken, one may still be on its way (the final response after
        // More Processing Required, or one that comes after the caller gives up).
        self.unread = true;
        while let Some(inc) = self.sock.try_recv(buf)? {
            if self.accept(&inc) {
                if inc.truncated {
                    return Err(Error::Truncated {
                        len: inc.len,
                        capacity: buf.len(),
                    });
                }
                // More Processing Required promises the final response on this tag; any
                // other response ends what the endpoint owes this request.
                self.unread = more_processing_required(&buf[..inc.len]);
                return Ok(Some(inc.len));
            }
        }
        Ok(None)
    }

    /// End the open exchange and release its tag (idempotent).
    pub(crate) fn end(&mut self) {
        self.open = false;
        if let Some(t) = self.tag.take() {
            let v1 = self.mode == TagMode::PreallocatedV1;
            if self.sock.drop_tag(self.peer, t, v1).is_err() {
                self.drop_failures += 1;
            }
        }
    }
}

impl Drop for RequesterCore {
    fn drop(&mut self) {
        self.end();
    }
}

impl AsRawFd for RequesterCore {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

/// Is `msg` (type byte first) an NVMe-MI response with status More Processing Required
/// (digest D.6: the status is byte 4, after the message header)?
fn more_processing_required(msg: &[u8]) -> bool {
    msg.first()
        .is_some_and(|t| t & 0x7f == MsgType::NvmeMi.to_u8())
        && msg.get(4) == Some(&ResponseStatus::MoreProcessingRequired.to_u8())
}

/// Did `inc` come from `peer`? A NULL peer EID (physical addressing) accepts any source EID,
/// as the kernel does; network "any" accepts any network.
pub(crate) fn from_peer(peer: MctpAddr, inc: &Incoming) -> bool {
    (peer.net == sys::MCTP_NET_ANY || inc.from.net == peer.net)
        && (peer.eid == Eid::NULL || inc.from.eid == peer.eid)
}

/// A blocking [`Transport`] to one MCTP endpoint over the kernel's `AF_MCTP` sockets.
///
/// Each exchange preallocates its tag (`SIOCMCTPALLOCTAG2`) so that the endpoint may answer
/// More Processing Required and send the final response later on the same tag; the tag is
/// released by [`Transport::end_exchange`], by the next [`Transport::send_request`] and on
/// drop. Receiving keeps only responses (TO clear) from the endpoint on that tag; anything
/// else is discarded and counted ([`MctpTransport::dropped`]). Waits use `poll(2)` with the
/// engine's deadlines; time is a monotonic clock started with the transport.
///
/// On kernels without the tag ioctls the transport falls back to kernel-allocated tags
/// ([`TagMode::KernelOwned`]), where More Processing Required cannot work;
/// [`MctpTransport::tag_mode`] tells which is in use.
///
/// Asynchronous Event Messages ([`EventSource`]) arrive on a second socket bound to NVMe-MI
/// (type 4) on the endpoint's network; see [`MctpTransport::listen_events`].
///
/// Needs `CAP_NET_RAW` to send (and `CAP_NET_BIND_SERVICE` for events).
#[derive(Debug)]
pub struct MctpTransport {
    core: RequesterCore,
    events: Option<EventCore>,
    clock: Clock,
}

impl MctpTransport {
    /// A transport to the endpoint at `peer` (routed by EID).
    pub fn new(peer: MctpAddr) -> Result<Self> {
        Ok(MctpTransport {
            core: RequesterCore::new(peer, None)?,
            events: None,
            clock: Clock::new(),
        })
    }

    /// A transport that sends directly on an interface to a hardware address (extended
    /// addressing, digest H.3), bypassing routing. With `peer.eid` = 0 it reaches a device
    /// that has no EID yet; replies are then accepted from any source EID.
    pub fn with_physical(peer: MctpAddr, phys: PhysAddr) -> Result<Self> {
        Ok(MctpTransport {
            core: RequesterCore::new(peer, Some(phys))?,
            events: None,
            clock: Clock::new(),
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

    /// The tag value (0..=7) of the open exchange, when preallocated.
    pub fn current_tag(&self) -> Option<u8> {
        self.core.current_tag()
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

    /// Start receiving Asynchronous Event Messages now (otherwise the first
    /// [`EventSource::recv_unsolicited`] does): binds a socket to NVMe-MI messages on the
    /// endpoint's network. Kernel 6.12 cannot bind to one peer, so only one socket on the host
    /// can do this per network (a second fails with `EADDRINUSE`, as does a local responder
    /// bound to the same network); requests from other endpoints are discarded and counted.
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
        self.clock.now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<()> {
        self.core.start()?;
        loop {
            match self.core.try_send(message) {
                Ok(true) => return Ok(()),
                Ok(false) => {
                    if let Err(e) =
                        socket::wait(&[self.core.sock.as_fd()], PollFlags::POLLOUT, None)
                    {
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

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize> {
        let until = self.clock.to_std(deadline);
        loop {
            if let Some(n) = self.core.try_recv(buf)? {
                return Ok(n);
            }
            if !socket::wait(&[self.core.sock.as_fd()], PollFlags::POLLIN, until)? {
                return Err(Error::Timeout);
            }
        }
    }

    fn end_exchange(&mut self) {
        self.core.end();
    }

    fn wait_until(&mut self, t: Instant) {
        if let Some(at) = self.clock.to_std(t) {
            std::thread::sleep(at.saturating_duration_since(std::time::Instant::now()));
        }
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
            if !socket::wait(&[events.as_fd()], PollFlags::POLLIN, until)? {
                return Err(Error::Timeout);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn incoming(net: u32, eid: u8, tag: u8) -> Incoming {
        Incoming {
            from: MctpAddr::new(net, Eid(eid)),
            tag,
            len: 8,
            truncated: false,
            phys: None,
        }
    }

    #[test]
    fn peer_filter() {
        let p = MctpAddr::new(1, Eid(9));
        assert!(from_peer(p, &incoming(1, 9, 0)));
        assert!(!from_peer(p, &incoming(2, 9, 0)));
        assert!(!from_peer(p, &incoming(1, 10, 0)));
        assert!(from_peer(MctpAddr::new(0, Eid(9)), &incoming(7, 9, 0)));
        assert!(from_peer(MctpAddr::new(1, Eid::NULL), &incoming(1, 33, 0)));
    }

    #[test]
    fn more_processing_required_is_read_from_the_status_byte() {
        assert!(more_processing_required(&[0x84, 0x08, 0, 0, 0x01, 0, 0, 0]));
        assert!(more_processing_required(&[0x04, 0x08, 0, 0, 0x01]));
        assert!(!more_processing_required(&[
            0x84, 0x08, 0, 0, 0x00, 0, 0, 0
        ]));
        assert!(!more_processing_required(&[0x84, 0x08, 0, 0, 0x04]));
        assert!(!more_processing_required(&[0x7e, 0x08, 0, 0, 0x01]));
        assert!(!more_processing_required(&[0x84, 0x08, 0, 0]));
        assert!(!more_processing_required(&[]));
    }

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
