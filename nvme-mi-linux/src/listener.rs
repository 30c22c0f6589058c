//! The responder side over `AF_MCTP`: [`MctpListener`], bound to NVMe-MI requests (and
//! optionally MCTP control requests) on a local address (Linux include/uapi/linux/mctp.h).

use std::os::fd::{AsFd, BorrowedFd};

use nix::poll::PollFlags;
use nvme_mi_core::mctp::{Eid, MsgType};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::ResponderTransport;

use crate::addr::{MctpAddr, PhysAddr};
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::socket::{self, Destination, Incoming, MctpSocket, Wait};
use crate::sys;
use crate::time::{CarriedClock, Interruptions};

/// Where a request came from, and how to answer it: the requester's network and EID, the
/// tag of its request, and (with extended addressing) its interface and hardware address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MctpPeer {
    /// The requester's network and EID.
    pub addr: MctpAddr,
    /// The request's tag value (0..=7).
    pub tag: u8,
    /// The requester's interface and hardware address, when the listener has extended
    /// addressing enabled; responses then go out directly to it (needed when the requester
    /// has no EID yet).
    pub phys: Option<PhysAddr>,
}

impl MctpPeer {
    /// Where a response to this peer goes: same tag, owner bit clear.
    pub(crate) fn response_destination(&self) -> Destination {
        Destination {
            to: self.addr,
            tag: self.tag & sys::MCTP_TAG_MASK,
            phys: self.phys,
        }
    }

    /// Where a new request of ours (an AEM) to this peer goes: a tag the kernel allocates.
    pub(crate) fn request_destination(&self) -> Destination {
        Destination {
            to: self.addr,
            tag: sys::MCTP_TAG_OWNER,
            phys: self.phys,
        }
    }
}

/// The next queued request on `sock`, into `buf` (type byte first), with its origin.
/// Anything that is not a request is discarded and counted.
pub(crate) fn try_recv_request(
    sock: &MctpSocket,
    buf: &mut [u8],
    dropped: &mut Dropped,
) -> Result<Option<(usize, MctpPeer)>> {
    while let Some(inc) = sock.try_recv(buf)? {
        if let Some(r) = take_request(&inc, buf.len(), dropped)? {
            return Ok(Some(r));
        }
    }
    Ok(None)
}

/// `inc` (received into a buffer of `capacity` bytes) with its origin, if it is a request;
/// anything else is discarded and counted.
fn take_request(
    inc: &Incoming,
    capacity: usize,
    dropped: &mut Dropped,
) -> Result<Option<(usize, MctpPeer)>> {
    if inc.len == 0 {
        dropped.empty += 1;
    } else if !inc.is_request() {
        // Responses to tags this socket owns (e.g. to our AEMs).
        dropped.wrong_direction += 1;
    } else if inc.truncated {
        return Err(Error::Truncated {
            len: inc.len,
            capacity,
        });
    } else {
        let peer = MctpPeer {
            addr: inc.from,
            tag: inc.tag & sys::MCTP_TAG_MASK,
            phys: inc.phys,
        };
        return Ok(Some((inc.len, peer)));
    }
    Ok(None)
}

/// The sockets of a listener: NVMe-MI, and optionally MCTP control.
#[derive(Debug)]
pub(crate) struct ListenerSockets {
    pub(crate) nvme_mi: MctpSocket,
    pub(crate) control: Option<MctpSocket>,
    net: u32,
    eid: Option<Eid>,
}

impl ListenerSockets {
    /// Bind the NVMe-MI socket: blocking for the blocking listener (a receive on it alone
    /// waits in the kernel), non-blocking for the async one.
    pub(crate) fn bind(net: u32, eid: Option<Eid>, blocking: bool) -> Result<Self> {
        let nvme_mi = if blocking {
            MctpSocket::new_blocking()?
        } else {
            MctpSocket::new()?
        };
        nvme_mi.bind(net, eid, MsgType::NvmeMi.to_u8())?;
        Ok(ListenerSockets {
            nvme_mi,
            control: None,
            net,
            eid,
        })
    }

    /// Bind the MCTP control socket too (non-blocking: the listener then waits on both with
    /// `poll`).
    pub(crate) fn bind_control(&mut self) -> Result<()> {
        if self.control.is_none() {
            let s = MctpSocket::new()?;
            s.bind(self.net, self.eid, MsgType::Control.to_u8())?;
            self.control = Some(s);
        }
        Ok(())
    }

    pub(crate) fn set_extended_addressing(&mut self, on: bool) -> Result<()> {
        self.nvme_mi.set_extended_addressing(on)?;
        if let Some(c) = self.control.as_mut() {
            c.set_extended_addressing(on)?;
        }
        Ok(())
    }
}

/// A blocking [`ResponderTransport`] over `AF_MCTP`: receives NVMe-MI requests addressed to
/// a local EID and answers them.
///
/// [`MctpListener::bind`] takes a network (`MCTP_NET_ANY` = 0 for all) and a local EID
/// (`None` for any). Only one socket on the host may hold a given (network, EID, type)
/// binding; a second gets `EADDRINUSE` ([`Error::Bind`]). Responses reuse the request's tag
/// with the owner bit cleared; [`ResponderTransport::send_unsolicited`] sends a new request
/// with a tag the kernel allocates (how Asynchronous Event Messages travel).
///
/// With [`MctpListener::listen_control`] it also receives MCTP control requests (type 0), so
/// that an endpoint can answer them itself; that binding fails if `mctpd` or similar software
/// holds it.
///
/// Time ([`ResponderTransport::now`]) is a monotonic clock started with the listener, in
/// milliseconds, that the listener does not read from the system while it receives on the
/// NVMe-MI socket alone: it carries it forward by each wait for a request, as the kernel
/// measured it (`recvmmsg`), so that serving a request costs one receive and one `sendmsg`
/// and no clock read. It counts the waits only, not the time spent answering, so it runs
/// behind the system clock by that time; a deadline counted from it (a delayed response,
/// an event) is met at the time it stands for, or later by the time spent answering the
/// requests that arrived meanwhile. With [`MctpListener::listen_control`] the listener
/// waits with `poll` and reads the system clock after each wait.
///
/// Needs `CAP_NET_BIND_SERVICE` to bind and `CAP_NET_RAW` to send.
#[derive(Debug)]
pub struct MctpListener {
    sockets: ListenerSockets,
    dropped: Dropped,
    clock: CarriedClock,
}

impl MctpListener {
    /// Listen for NVMe-MI requests to `eid` (any local EID if `None`) on network `net`
    /// (every network if `MCTP_NET_ANY`, 0).
    pub fn bind(net: u32, eid: Option<Eid>) -> Result<Self> {
        Ok(MctpListener {
            sockets: ListenerSockets::bind(net, eid, true)?,
            dropped: Dropped::default(),
            clock: CarriedClock::new(),
        })
    }

    /// Also receive MCTP control requests (type 0) on the same address.
    pub fn listen_control(&mut self) -> Result<()> {
        self.sockets.bind_control()
    }

    /// Report requesters' interface and hardware addresses and answer them directly
    /// (extended addressing).
    pub fn set_extended_addressing(&mut self, on: bool) -> Result<()> {
        self.sockets.set_extended_addressing(on)
    }

    /// Messages discarded (responses to our own AEMs, empty datagrams).
    pub fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// Receive on the NVMe-MI socket alone: one blocking receive, with the time left as its
    /// timeout (none without a deadline), carrying the clock forward by the wait.
    fn recv_one(&mut self, buf: &mut [u8], deadline: Option<Instant>) -> Result<(usize, MctpPeer)> {
        let mut signals = Interruptions::default();
        loop {
            let left = match deadline {
                None => None,
                Some(d) => {
                    let now = self.clock.current();
                    if now >= d {
                        let sock = &self.sockets.nvme_mi;
                        return try_recv_request(sock, buf, &mut self.dropped)?
                            .ok_or(Error::Timeout);
                    }
                    (d != Instant::NEVER).then(|| now.until(d))
                }
            };
            match self.sockets.nvme_mi.recv_wait(buf, left)? {
                Wait::Message(inc, waited) => {
                    self.clock.advance(waited);
                    if let Some(r) = take_request(&inc, buf.len(), &mut self.dropped)? {
                        return Ok(r);
                    }
                }
                Wait::TimedOut => self.clock.advance(left.unwrap_or_default()),
                Wait::Interrupted => signals.interrupted(&mut self.clock),
            }
        }
    }

    fn send(&mut self, dest: &Destination, message: &[&[u8]]) -> Result<()> {
        while !self.sockets.nvme_mi.try_send(dest, message)? {
            socket::wait(&[self.sockets.nvme_mi.as_fd()], PollFlags::POLLOUT, None)?;
        }
        Ok(())
    }
}

impl ResponderTransport for MctpListener {
    type Error = Error;
    type Peer = MctpPeer;

    fn now(&mut self) -> Instant {
        self.clock.current()
    }

    fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, MctpPeer)> {
        if self.sockets.control.is_none() {
            return self.recv_one(buf, deadline);
        }
        let until = deadline.and_then(|d| self.clock.to_std(d));
        loop {
            for sock in [Some(&self.sockets.nvme_mi), self.sockets.control.as_ref()]
                .into_iter()
                .flatten()
            {
                if let Some(r) = try_recv_request(sock, buf, &mut self.dropped)? {
                    return Ok(r);
                }
            }
            let main = self.sockets.nvme_mi.as_fd();
            let fds: Vec<BorrowedFd<'_>> = core::iter::once(main)
                .chain(self.sockets.control.as_ref().map(AsFd::as_fd))
                .collect();
            let ready = socket::wait(&fds, PollFlags::POLLIN, until)?;
            self.clock.read();
            if !ready {
                return Err(Error::Timeout);
            }
        }
    }

    fn send_response(&mut self, to: &MctpPeer, message: &[&[u8]]) -> Result<()> {
        self.send(&to.response_destination(), message)
    }

    fn send_unsolicited(&mut self, to: &MctpPeer, message: &[&[u8]]) -> Result<()> {
        self.send(&to.request_destination(), message)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        let p = MctpPeer {
            addr: MctpAddr::new(1, Eid(9)),
            tag: 5,
            phys: None,
        };
        assert_eq!(p.response_destination().tag, 5);
        assert_eq!(p.request_destination().tag, sys::MCTP_TAG_OWNER);
        assert_eq!(p.response_destination().to, p.addr);
    }
}
