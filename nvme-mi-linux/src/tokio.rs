//! Async twins of the transports on tokio (feature `tokio`): [`AsyncMctpTransport`] and
//! [`AsyncMctpListener`], with the same sockets, tag handling and filters as the blocking
//! ones, readiness from tokio's reactor ([`AsyncFd`]) and deadlines from `tokio::time`.
//!
//! Create them inside a tokio runtime with the I/O and time drivers enabled.

use std::future::poll_fn;
use std::task::Poll;

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{AsyncEventSource, AsyncResponderTransport, AsyncTransport};
use tokio::io::unix::AsyncFd;

use crate::addr::{MctpAddr, PhysAddr};
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::events::EventCore;
use crate::listener::{try_recv_request, ListenerSockets, MctpPeer};
use crate::requester::{RequesterCore, TagMode};
use crate::socket::{Destination, MctpSocket};
use crate::sys;
use crate::time::Clock;

/// Run `fut` until the transport-clock `deadline` (`None`: no limit); [`Error::Timeout`]
/// after it.
async fn until<T>(
    clock: Clock,
    deadline: Option<Instant>,
    fut: impl core::future::Future<Output = Result<T>>,
) -> Result<T> {
    match deadline.and_then(|d| clock.to_std(d)) {
        None => fut.await,
        Some(at) => tokio::time::timeout_at(at.into(), fut)
            .await
            .unwrap_or(Err(Error::Timeout)),
    }
}

/// Wait until `afd` is readable and `f` finds something; `f` returns `Ok(None)` when the
/// socket has nothing more queued.
async fn recv_with<T: std::os::fd::AsRawFd, R>(
    afd: &mut AsyncFd<T>,
    mut f: impl FnMut(&mut T) -> Result<Option<R>>,
) -> Result<R> {
    loop {
        let mut guard = afd.readable_mut().await.map_err(Error::Recv)?;
        match f(guard.get_inner_mut())? {
            Some(r) => return Ok(r),
            None => guard.clear_ready(),
        }
    }
}

/// Send with `f` once `afd` is writable; `f` returns `Ok(false)` when the socket is full.
async fn send_with<T: std::os::fd::AsRawFd>(
    afd: &mut AsyncFd<T>,
    mut f: impl FnMut(&mut T) -> Result<bool>,
) -> Result<()> {
    loop {
        let mut guard = afd.writable_mut().await.map_err(Error::Send)?;
        if f(guard.get_inner_mut())? {
            return Ok(());
        }
        guard.clear_ready();
    }
}

/// The async twin of [`MctpTransport`](crate::MctpTransport): an [`AsyncTransport`] and
/// [`AsyncEventSource`] to one endpoint. See there for tags, filtering and events.
#[derive(Debug)]
pub struct AsyncMctpTransport {
    core: AsyncFd<RequesterCore>,
    events: Option<AsyncFd<EventCore>>,
    clock: Clock,
}

impl AsyncMctpTransport {
    /// A transport to the endpoint at `peer` (routed by EID). Call inside a tokio runtime.
    pub fn new(peer: MctpAddr) -> Result<Self> {
        Self::build(RequesterCore::new(peer, None, false)?)
    }

    /// A transport that sends directly to a hardware address (see
    /// [`MctpTransport::with_physical`](crate::MctpTransport::with_physical)).
    pub fn with_physical(peer: MctpAddr, phys: PhysAddr) -> Result<Self> {
        Self::build(RequesterCore::new(peer, Some(phys), false)?)
    }

    fn build(core: RequesterCore) -> Result<Self> {
        Ok(AsyncMctpTransport {
            core: sys::async_fd(core).map_err(Error::Socket)?,
            events: None,
            clock: Clock::new(),
        })
    }

    /// The endpoint's address.
    pub fn peer(&self) -> MctpAddr {
        self.core.get_ref().peer()
    }

    /// How tags are obtained (settles after the first request).
    pub fn tag_mode(&self) -> TagMode {
        self.core.get_ref().mode()
    }

    /// Tags are preallocated, so More Processing Required works.
    pub fn preallocates_tags(&self) -> bool {
        self.tag_mode().is_preallocated()
    }

    /// The value (0..=7) of the preallocated tag the transport holds, if any.
    pub fn current_tag(&self) -> Option<u8> {
        self.core.get_ref().current_tag()
    }

    /// Keep the tag of a complete exchange for the next one (see
    /// [`MctpTransport::set_keep_tag`](crate::MctpTransport::set_keep_tag), also for why it
    /// is off by default).
    pub fn set_keep_tag(&mut self, on: bool) {
        let core = self.core.get_mut();
        core.set_keep_tag(on);
        if !on {
            core.release_idle();
        }
    }

    /// Messages discarded on the request socket.
    pub fn dropped(&self) -> Dropped {
        self.core.get_ref().dropped()
    }

    /// Messages discarded on the event socket.
    pub fn dropped_events(&self) -> Dropped {
        self.events
            .as_ref()
            .map(|e| e.get_ref().dropped())
            .unwrap_or_default()
    }

    /// Start receiving Asynchronous Event Messages now (see
    /// [`MctpTransport::listen_events`](crate::MctpTransport::listen_events)).
    pub fn listen_events(&mut self) -> Result<()> {
        if self.events.is_none() {
            let core = EventCore::bind(self.peer())?;
            self.events = Some(sys::async_fd(core).map_err(Error::Socket)?);
        }
        Ok(())
    }
}

impl AsyncTransport for AsyncMctpTransport {
    type Error = Error;

    fn now(&mut self) -> Instant {
        self.clock.now()
    }

    async fn send_request(&mut self, message: &[&[u8]]) -> Result<()> {
        self.core.get_mut().start()?;
        let r = send_with(&mut self.core, |c| c.try_send(message)).await;
        if r.is_err() {
            self.core.get_mut().end();
        }
        r
    }

    async fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize> {
        let clock = self.clock;
        until(
            clock,
            Some(deadline),
            recv_with(&mut self.core, |c| c.try_recv(buf)),
        )
        .await
    }

    fn end_exchange(&mut self) {
        self.core.get_mut().end();
    }

    fn complete_exchange(&mut self) {
        self.core.get_mut().complete();
    }

    async fn wait_until(&mut self, t: Instant) {
        if let Some(at) = self.clock.to_std(t) {
            tokio::time::sleep_until(at.into()).await;
        }
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.peer().eid)
    }
}

impl AsyncEventSource for AsyncMctpTransport {
    async fn recv_unsolicited(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize> {
        self.listen_events()?;
        let clock = self.clock;
        let Some(events) = self.events.as_mut() else {
            return Err(Error::InvalidArgument("event socket missing"));
        };
        until(
            clock,
            Some(deadline),
            recv_with(events, |e| e.try_recv(buf)),
        )
        .await
    }
}

/// The async twin of [`MctpListener`](crate::MctpListener): an [`AsyncResponderTransport`]
/// bound to NVMe-MI requests (and optionally MCTP control requests).
#[derive(Debug)]
pub struct AsyncMctpListener {
    nvme_mi: AsyncFd<MctpSocket>,
    control: Option<AsyncFd<MctpSocket>>,
    dropped: Dropped,
    clock: Clock,
}

impl AsyncMctpListener {
    /// Listen for NVMe-MI requests to `eid` (any if `None`) on network `net` (all if 0).
    /// With `control`, also for MCTP control requests. Call inside a tokio runtime.
    pub fn bind(net: u32, eid: Option<Eid>, control: bool) -> Result<Self> {
        let mut s = ListenerSockets::bind(net, eid, false)?;
        if control {
            s.bind_control()?;
        }
        Ok(AsyncMctpListener {
            nvme_mi: sys::async_fd(s.nvme_mi).map_err(Error::Socket)?,
            control: match s.control {
                Some(c) => Some(sys::async_fd(c).map_err(Error::Socket)?),
                None => None,
            },
            dropped: Dropped::default(),
            clock: Clock::new(),
        })
    }

    /// Messages discarded (responses to our own AEMs, empty datagrams).
    pub fn dropped(&self) -> Dropped {
        self.dropped
    }

    async fn send(&mut self, dest: Destination, message: &[&[u8]]) -> Result<()> {
        send_with(&mut self.nvme_mi, |s| s.try_send(&dest, message)).await
    }
}

impl AsyncResponderTransport for AsyncMctpListener {
    type Error = Error;
    type Peer = MctpPeer;

    fn now(&mut self) -> Instant {
        self.clock.now()
    }

    async fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, MctpPeer)> {
        let clock = self.clock;
        let (nvme_mi, control, dropped) = (&mut self.nvme_mi, &mut self.control, &mut self.dropped);
        let wait = poll_fn(|cx| loop {
            let mut again = false;
            for afd in core::iter::once(&mut *nvme_mi).chain(control.as_mut()) {
                match afd.poll_read_ready_mut(cx) {
                    Poll::Ready(Ok(mut guard)) => {
                        match try_recv_request(guard.get_inner(), buf, dropped) {
                            Ok(Some(r)) => return Poll::Ready(Ok(r)),
                            Ok(None) => {
                                guard.clear_ready();
                                again = true;
                            }
                            Err(e) => return Poll::Ready(Err(e)),
                        }
                    }
                    Poll::Ready(Err(e)) => return Poll::Ready(Err(Error::Recv(e))),
                    Poll::Pending => {}
                }
            }
            if !again {
                return Poll::Pending;
            }
        });
        until(clock, deadline, wait).await
    }

    async fn send_response(&mut self, to: &MctpPeer, message: &[&[u8]]) -> Result<()> {
        self.send(to.response_destination(), message).await
    }

    async fn send_unsolicited(&mut self, to: &MctpPeer, message: &[&[u8]]) -> Result<()> {
        self.send(to.request_destination(), message).await
    }
}
