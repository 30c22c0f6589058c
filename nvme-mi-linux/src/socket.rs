//! A safe, non-blocking `AF_MCTP` datagram socket speaking whole MCTP messages (type byte
//! first), and the `poll`-based waits the blocking transports build on.

use std::io::{self, IoSlice};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::time::{Duration, Instant as StdInstant};

use nix::poll::{PollFd, PollFlags, PollTimeout};
use nvme_mi_core::mctp::Eid;

use crate::addr::{MctpAddr, PhysAddr};
use crate::error::{Error, Result};
use crate::sys;

/// How many pieces of a message [`MctpSocket::try_send`] hands to the kernel without
/// allocating.
const INLINE_IOVECS: usize = 8;

/// A message that [`MctpSocket::try_recv`] put into the caller's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Incoming {
    /// Where it came from (the network it arrived on and the sender's EID).
    pub from: MctpAddr,
    /// The tag as the kernel reports it: bits 2:0 the tag, bit 3 ([`MCTP_TAG_OWNER`](crate::MCTP_TAG_OWNER))
    /// the TO bit of the received message (set on requests).
    pub tag: u8,
    /// The message's length including its type byte. 0 for a datagram without even a type
    /// byte (then nothing else is meaningful).
    pub len: usize,
    /// The message did not fit the buffer; only its start is there.
    pub truncated: bool,
    /// The sender's interface and hardware address (with extended addressing enabled).
    pub phys: Option<PhysAddr>,
}

impl Incoming {
    /// The message is a request (TO set).
    pub fn is_request(&self) -> bool {
        self.tag & sys::MCTP_TAG_OWNER != 0
    }

    /// Did it come from `peer`? A NULL peer EID (physical addressing) accepts any source
    /// EID, as the kernel does; network "any" accepts any network.
    pub fn is_from(&self, peer: MctpAddr) -> bool {
        (peer.net == sys::MCTP_NET_ANY || self.from.net == peer.net)
            && (peer.eid == Eid::NULL || self.from.eid == peer.eid)
    }
}

/// Where [`MctpSocket::try_send`] sends a message.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Destination {
    /// Network and EID.
    pub to: MctpAddr,
    /// `smctp_tag`: a tag value without [`MCTP_TAG_OWNER`](crate::MCTP_TAG_OWNER) for a response,
    /// [`MCTP_TAG_OWNER`](crate::MCTP_TAG_OWNER) to let the kernel allocate one for a request, or a value
    /// returned by a tag allocation.
    pub tag: u8,
    /// Send directly on an interface to this hardware address (needs
    /// [`MctpSocket::set_extended_addressing`]).
    pub phys: Option<PhysAddr>,
}

/// How [`MctpSocket::recv_wait`] ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Wait {
    /// A message arrived (see [`Incoming`]) after the call had waited this long, as the
    /// kernel's monotonic clock counts it (a wait longer than a day reports a day).
    Message(Incoming, Duration),
    /// The timeout passed with no message.
    TimedOut,
    /// A signal interrupted the wait, after an unknown time.
    Interrupted,
}

/// The longest wait that [`MctpSocket::recv_wait`] measures when it has no timeout.
const UNTIMED_LIMIT: Duration = Duration::from_secs(86_400);

/// An `AF_MCTP` `SOCK_DGRAM` socket.
///
/// Messages go in and out whole, type byte first; the kernel carries that byte in
/// `smctp_type`, so this type splits it off on send (the rest is handed to the kernel as
/// iovecs, without copying) and puts it back on receive, so that a message lands in the
/// caller's buffer with one system call and no copy.
///
/// [`MctpSocket::new`] makes a non-blocking socket; [`MctpSocket::new_blocking`] one whose
/// [`MctpSocket::recv_wait`] sleeps in the kernel until a message or its timeout, and
/// reports how long that took, so that waiting costs no `poll` and no clock read.
/// `try_*` never block on either kind.
#[derive(Debug)]
pub struct MctpSocket {
    fd: OwnedFd,
    ext: bool,
    /// The receive timeout last set (`None`: forever, the kernel's default).
    timeout: Option<Duration>,
}

impl MctpSocket {
    /// A new non-blocking socket. [`Error::Socket`] with `EAFNOSUPPORT` when the kernel has
    /// no MCTP.
    pub fn new() -> Result<Self> {
        Self::create(true)
    }

    /// A new blocking socket (see [`MctpSocket::recv_wait`]).
    pub fn new_blocking() -> Result<Self> {
        Self::create(false)
    }

    fn create(nonblocking: bool) -> Result<Self> {
        Ok(MctpSocket {
            fd: sys::socket(nonblocking).map_err(Error::Socket)?,
            ext: false,
            timeout: None,
        })
    }

    /// Bind to a local network (`MCTP_NET_ANY` = all), EID (`None` = any local EID) and
    /// message type (the IC bit is ignored): the socket then receives requests of that type
    /// addressed there. Only one socket per (network, EID, type) on the host.
    pub fn bind(&self, net: u32, eid: Option<Eid>, msg_type: u8) -> Result<()> {
        let eid = eid.map_or(sys::MCTP_ADDR_ANY, |e| e.0);
        let addr = sys::sockaddr_mctp::new(net, eid, msg_type, sys::MCTP_TAG_OWNER);
        sys::bind(self.fd.as_fd(), &addr).map_err(|source| Error::Bind {
            net,
            eid,
            msg_type,
            source,
        })
    }

    /// Enable extended addressing (`MCTP_OPT_ADDR_EXT`): received messages then report the
    /// sender's interface and hardware address, and [`Destination::phys`] is honoured.
    pub fn set_extended_addressing(&mut self, on: bool) -> Result<()> {
        sys::set_addr_ext(self.fd.as_fd(), on).map_err(Error::SocketOption)?;
        self.ext = on;
        Ok(())
    }

    /// Send `message` (type byte first, then the body, in pieces). `Ok(false)` if the socket's
    /// send buffer is full (wait until writable and try again).
    pub fn try_send(&self, dest: &Destination, message: &[&[u8]]) -> Result<bool> {
        let mut pieces = message.iter().copied().skip_while(|p| p.is_empty());
        let first = pieces.next().ok_or(Error::EmptyMessage)?;
        let (&msg_type, rest) = first.split_first().ok_or(Error::EmptyMessage)?;
        let body = core::iter::once(rest)
            .chain(pieces)
            .filter(|p| !p.is_empty())
            .map(IoSlice::new);
        // The engines send a message in a few pieces: their iovecs go on the stack, and only
        // a message in more pieces than that needs a vector.
        let mut inline = [IoSlice::new(&[]); INLINE_IOVECS];
        let mut spilled = Vec::new();
        let mut n = 0;
        for piece in body {
            match inline.get_mut(n) {
                Some(slot) => *slot = piece,
                None => {
                    if spilled.is_empty() {
                        spilled.extend_from_slice(&inline);
                    }
                    spilled.push(piece);
                }
            }
            n += 1;
        }
        let iov = if spilled.is_empty() {
            inline.get(..n).unwrap_or_default()
        } else {
            spilled.as_slice()
        };
        let base = sys::sockaddr_mctp::new(dest.to.net, dest.to.eid.0, msg_type, dest.tag);
        let addr = match dest.phys {
            Some(p) if self.ext => sys::SendAddr::Ext(p.to_sockaddr(base)),
            Some(_) => {
                return Err(Error::InvalidArgument(
                    "a hardware destination needs extended addressing enabled",
                ))
            }
            None => sys::SendAddr::Plain(base),
        };
        match sys::sendmsg(self.fd.as_fd(), &addr, iov) {
            Ok(_) => Ok(true),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(false),
            Err(e) => Err(Error::Send(e)),
        }
    }

    /// Receive the next queued message, if any, into `buf`: its type byte at `buf[0]`, the
    /// rest after it. `Ok(None)` when nothing is queued. A message longer than `buf` is
    /// consumed and reported with [`Incoming::truncated`] set.
    pub fn try_recv(&self, buf: &mut [u8]) -> Result<Option<Incoming>> {
        loop {
            match self.recv(buf) {
                Err(Error::Recv(e)) if e.kind() == io::ErrorKind::Interrupted => {}
                r => return r,
            }
        }
    }

    /// As [`MctpSocket::try_recv`], but on a blocking socket wait for a message for up to
    /// `timeout` (`None`: forever), and say how long the wait took by the kernel's clock
    /// ([`Wait::Message`]), so that the caller need not read the clock. Sets the socket's
    /// receive timeout (`SO_RCVTIMEO`) when it differs from the last one, then makes one
    /// system call (`recvmmsg` for one message).
    pub fn recv_wait(&mut self, buf: &mut [u8], timeout: Option<Duration>) -> Result<Wait> {
        if self.timeout != timeout {
            sys::set_recv_timeout(self.fd.as_fd(), timeout).map_err(Error::SocketOption)?;
            self.timeout = timeout;
        }
        let body = buf.get_mut(1..).unwrap_or_default();
        let limit = timeout.unwrap_or(UNTIMED_LIMIT);
        match sys::recvmsg_measured(self.fd.as_fd(), body, limit) {
            Ok((r, waited)) => Ok(Wait::Message(Self::incoming(buf, &r), waited)),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(Wait::TimedOut),
            Err(e) if e.kind() == io::ErrorKind::Interrupted => Ok(Wait::Interrupted),
            Err(e) => Err(Error::Recv(e)),
        }
    }

    /// One non-blocking `recvmsg`: the body into `buf[1..]`, the type byte into `buf[0]`.
    fn recv(&self, buf: &mut [u8]) -> Result<Option<Incoming>> {
        let body = buf.get_mut(1..).unwrap_or_default();
        match sys::recvmsg(self.fd.as_fd(), body) {
            Ok(r) => Ok(Some(Self::incoming(buf, &r))),
            Err(e) if e.kind() == io::ErrorKind::WouldBlock => Ok(None),
            Err(e) => Err(Error::Recv(e)),
        }
    }

    /// What `r`, just received into `buf[1..]`, is; puts its type byte into `buf[0]`.
    fn incoming(buf: &mut [u8], r: &sys::Received) -> Incoming {
        let Some(from) = r.from else {
            return Incoming {
                from: MctpAddr::new(0, Eid::NULL),
                tag: 0,
                len: 0,
                truncated: false,
                phys: None,
            };
        };
        let truncated = r.truncated || buf.is_empty();
        if let Some(b) = buf.first_mut() {
            *b = from.smctp_type;
        }
        Incoming {
            from: MctpAddr::new(from.smctp_network, Eid(from.smctp_addr)),
            tag: from.smctp_tag,
            len: r.body_len.saturating_add(1),
            truncated,
            phys: r
                .ext
                .and_then(|(i, l, a)| PhysAddr::from_received(i, l, &a)),
        }
    }

    /// Preallocate an owned tag for `peer` (`SIOCMCTPALLOCTAG2`; with `v1`, the old
    /// `SIOCMCTPALLOCTAG`, which only knows network 1). Returns the value for
    /// [`Destination::tag`].
    pub fn alloc_tag(&self, peer: MctpAddr, v1: bool) -> Result<u8> {
        let r = if v1 {
            sys::alloc_tag(self.fd.as_fd(), peer.eid.0)
        } else {
            sys::alloc_tag2(self.fd.as_fd(), peer.concrete_net(), peer.eid.0)
        };
        r.map_err(Error::TagAlloc)
    }

    /// Release a tag from [`MctpSocket::alloc_tag`] (same `peer` and `v1`).
    pub fn drop_tag(&self, peer: MctpAddr, tag: u8, v1: bool) -> Result<()> {
        let r = if v1 {
            sys::drop_tag(self.fd.as_fd(), peer.eid.0, tag)
        } else {
            sys::drop_tag2(self.fd.as_fd(), peer.concrete_net(), peer.eid.0, tag)
        };
        r.map_err(Error::TagAlloc)
    }
}

impl AsFd for MctpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for MctpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

// The descriptor is created with the socket and closed with it.
#[cfg(feature = "tokio")]
impl sys::StableFd for MctpSocket {}

/// Wait until one of `fds` has one of `events`, or until `deadline` (`None`: forever).
/// Returns whether any is ready (`false` once the deadline has passed).
pub(crate) fn wait(
    fds: &[BorrowedFd<'_>],
    events: PollFlags,
    deadline: Option<StdInstant>,
) -> Result<bool> {
    loop {
        let timeout = match deadline {
            None => PollTimeout::NONE,
            Some(d) => {
                let left = d.saturating_duration_since(StdInstant::now());
                // Round up so that a timeout means the deadline has passed.
                let ms = left.as_micros().div_ceil(1000);
                PollTimeout::try_from(ms).unwrap_or(PollTimeout::MAX)
            }
        };
        let mut pfds: Vec<PollFd<'_>> = fds.iter().map(|&fd| PollFd::new(fd, events)).collect();
        match nix::poll::poll(&mut pfds, timeout) {
            Ok(_) => {
                // Unknown revents bits count as ready: the next receive reports the problem.
                if pfds.iter().any(|p| p.any().unwrap_or(true)) {
                    return Ok(true);
                }
                if deadline.is_some_and(|d| StdInstant::now() >= d) {
                    return Ok(false);
                }
            }
            Err(nix::errno::Errno::EINTR) => {}
            Err(e) => return Err(Error::Recv(e.into())),
        }
    }
}
