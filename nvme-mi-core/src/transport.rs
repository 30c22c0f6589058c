//! The one seam between the engines and a wire.
//!
//! A transport moves whole MCTP *messages* — the message type byte (with the IC bit) first,
//! then the body, including any integrity check — between this endpoint and a peer. How the
//! message gets there is the transport's business: the I2C transport fragments it into SMBus
//! frames with the core's [`Fragmenter`](crate::mctp::fragment) and reassembles replies; the
//! Linux transport hands it to the kernel, which packetises, and carries the type byte in
//! `sockaddr_mctp.smctp_type`.
//!
//! There are two sides, each with a blocking trait and an async twin:
//!
//! | side | blocking | async |
//! |---|---|---|
//! | requester (a BMC talking to one endpoint) | [`Transport`] | [`AsyncTransport`] |
//! | unsolicited messages to the requester (AEMs) | [`EventSource`] | [`AsyncEventSource`] |
//! | responder (a drive serving requests) | [`ResponderTransport`] | [`AsyncResponderTransport`] |
//!
//! The async traits use `async fn` in traits (no allocation, usable from embassy and tokio).
//! Their futures carry no `Send` bound; a multi-threaded tokio runtime can drive them from a
//! `LocalSet` or `spawn_local`.
//!
//! Time: transports own the clock and report it as [`Instant`]s; the engines compute
//! deadlines from those instants and pass them back. Nothing in the core reads a clock.
//!
//! # Adapting another MCTP stack
//!
//! A `mctp::ReqChannel` from the `mctp` crate (implemented by `mctp-linux` and `mctp-estack`)
//! fits [`Transport`] in a few lines: `send_request` is `send_vectored(MsgType(m[0] & 0x7f),
//! MsgIC(m[0] & 0x80 != 0), rest)`, `recv_response` receives into `buf[1..]` and writes the
//! type byte back into `buf[0]`. The workspace's `examples/mctp_adapter.rs` shows it whole.

use crate::mctp::Eid;
use crate::time::Instant;
use core::time::Duration;

/// What kind of failure a transport error is, so that engines can decide what to do
/// (retry, give up, report) without knowing the transport.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum ErrorKind {
    /// Nothing arrived before the deadline.
    Timeout,
    /// The received message is larger than the buffer given; it was discarded.
    BufferTooSmall,
    /// No message tag is free for this peer.
    TagsExhausted,
    /// The peer cannot be reached (no route, no neighbour, NACK on its address).
    Unreachable,
    /// The wire or bus failed (arbitration loss, bus error, link down).
    Bus,
    /// The operation is not supported by this transport.
    Unsupported,
    /// Anything else.
    Other,
}

/// An error returned by a transport.
pub trait Error: core::fmt::Debug + core::fmt::Display {
    /// The kind of failure.
    fn kind(&self) -> ErrorKind;
}

impl Error for ErrorKind {
    fn kind(&self) -> ErrorKind {
        *self
    }
}

impl core::fmt::Display for ErrorKind {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            ErrorKind::Timeout => "timed out",
            ErrorKind::BufferTooSmall => "message larger than the receive buffer",
            ErrorKind::TagsExhausted => "no free message tag",
            ErrorKind::Unreachable => "endpoint unreachable",
            ErrorKind::Bus => "bus error",
            ErrorKind::Unsupported => "not supported by this transport",
            ErrorKind::Other => "transport error",
        })
    }
}

impl core::error::Error for ErrorKind {}

/// The requester side of a transport: a channel to one MCTP endpoint.
///
/// An *exchange* is one request and every response to it. [`Transport::send_request`] starts
/// one with a freshly allocated owned tag (TO = 1); [`Transport::recv_response`] returns the
/// next message the endpoint sends on that tag (TO = 0) and may be called again for further
/// responses (NVMe-MI "More Processing Required" sends the final response later on the same
/// tag). The exchange ends with [`Transport::complete_exchange`] once its final response has
/// arrived, or with [`Transport::end_exchange`] when it ends without it. Starting a new
/// exchange ends the previous one as [`Transport::end_exchange`] would.
///
/// The engine says which of the two happened, so that a transport never reads NVMe-MI bytes
/// to decide how long a tag lives: after a complete exchange nothing more is owed on the tag
/// and a transport may keep it for the next request; after any other ending a late response
/// may still arrive on it, so the tag must not carry the next request unchanged.
pub trait Transport {
    /// The transport's error.
    type Error: Error;

    /// The transport's current time.
    fn now(&mut self) -> Instant;

    /// Send `message` (the concatenation of the slices; its first byte is the MCTP message
    /// type with the IC bit) to the endpoint as a new request.
    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error>;

    /// Wait until `deadline` for the next message on the current exchange's tag and copy it,
    /// type byte first, into `buf`. Returns its length. Returns an error of kind
    /// [`ErrorKind::Timeout`] when the deadline passes.
    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error>;

    /// The exchange is over without its final response (a timeout, an error, a retry, More
    /// Processing Required given up, a request that expects no response): a response may
    /// still arrive on its tag. Release the tag, or at least keep it from carrying the next
    /// request.
    fn end_exchange(&mut self) {}

    /// The exchange is over and its final response has been received: nothing more will
    /// arrive on its tag, so the transport may keep the tag for the next exchange. The
    /// default is [`Transport::end_exchange`].
    fn complete_exchange(&mut self) {
        self.end_exchange()
    }

    /// Do nothing until `t` (used by quirks that need a pause between commands, and to
    /// back off while no tag is free). The
    /// default spins on [`Transport::now`]; transports with a way to sleep override it.
    fn wait_until(&mut self, t: Instant) {
        while self.now() < t {
            core::hint::spin_loop();
        }
    }

    /// The endpoint's EID, where the transport knows it (for messages and logs).
    fn remote_eid(&self) -> Option<Eid> {
        None
    }
}

/// Unsolicited messages from the endpoint to the requester: NVMe-MI Asynchronous Event
/// Messages, which the endpoint sends as requests with a tag of its own.
pub trait EventSource: Transport {
    /// Wait until `deadline` for an unsolicited message from the endpoint and copy it, type
    /// byte first, into `buf`. Returns its length.
    fn recv_unsolicited(&mut self, buf: &mut [u8], deadline: Instant)
        -> Result<usize, Self::Error>;
}

/// The async twin of [`Transport`]; see there for the meaning of each method.
#[allow(async_fn_in_trait)]
pub trait AsyncTransport {
    /// The transport's error.
    type Error: Error;

    /// The transport's current time.
    fn now(&mut self) -> Instant;

    /// Send `message` as a new request.
    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error>;

    /// Wait until `deadline` for the next message on the current exchange's tag.
    async fn recv_response(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error>;

    /// The exchange is over without its final response.
    fn end_exchange(&mut self) {}

    /// The exchange is over with its final response. The default is
    /// [`AsyncTransport::end_exchange`].
    fn complete_exchange(&mut self) {
        self.end_exchange()
    }

    /// Do nothing until `t`.
    async fn wait_until(&mut self, t: Instant);

    /// The endpoint's EID, where known.
    fn remote_eid(&self) -> Option<Eid> {
        None
    }
}

/// The async twin of [`EventSource`].
#[allow(async_fn_in_trait)]
pub trait AsyncEventSource: AsyncTransport {
    /// Wait until `deadline` for an unsolicited message from the endpoint.
    async fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error>;
}

/// The responder side of a transport: an endpoint that receives requests and answers them.
pub trait ResponderTransport {
    /// The transport's error.
    type Error: Error;
    /// Where a request came from and how to answer it: the peer's address and the message
    /// tag of the request (for I2C also the peer's bus address). Kept by the responder to
    /// send a final response after More Processing Required, and to address Asynchronous
    /// Event Messages to the peer that enabled them.
    type Peer: Clone + core::fmt::Debug;

    /// The transport's current time.
    fn now(&mut self) -> Instant;

    /// Wait until `deadline` (forever if `None`) for a request and copy it, type byte
    /// first, into `buf`. Returns its length and its origin.
    fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Self::Peer), Self::Error>;

    /// Send `message` as the response to the request that came from `to` (same tag, TO = 0).
    fn send_response(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error>;

    /// Send `message` to the peer as a new request of our own (TO = 1, a tag we own): how
    /// Asynchronous Event Messages travel.
    fn send_unsolicited(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error>;
}

/// The async twin of [`ResponderTransport`].
#[allow(async_fn_in_trait)]
pub trait AsyncResponderTransport {
    /// The transport's error.
    type Error: Error;
    /// See [`ResponderTransport::Peer`].
    type Peer: Clone + core::fmt::Debug;

    /// The transport's current time.
    fn now(&mut self) -> Instant;

    /// Wait until `deadline` (forever if `None`) for a request.
    async fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Self::Peer), Self::Error>;

    /// Send the response to the request from `to`.
    async fn send_response(
        &mut self,
        to: &Self::Peer,
        message: &[&[u8]],
    ) -> Result<(), Self::Error>;

    /// Send an unsolicited request (an AEM) to `to`.
    async fn send_unsolicited(
        &mut self,
        to: &Self::Peer,
        message: &[&[u8]],
    ) -> Result<(), Self::Error>;
}

impl<T: Transport + ?Sized> Transport for &mut T {
    type Error = T::Error;
    fn now(&mut self) -> Instant {
        (**self).now()
    }
    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        (**self).send_request(message)
    }
    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error> {
        (**self).recv_response(buf, deadline)
    }
    fn end_exchange(&mut self) {
        (**self).end_exchange()
    }
    fn complete_exchange(&mut self) {
        (**self).complete_exchange()
    }
    fn wait_until(&mut self, t: Instant) {
        (**self).wait_until(t)
    }
    fn remote_eid(&self) -> Option<Eid> {
        (**self).remote_eid()
    }
}

impl<T: EventSource + ?Sized> EventSource for &mut T {
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        (**self).recv_unsolicited(buf, deadline)
    }
}

impl<T: AsyncTransport + ?Sized> AsyncTransport for &mut T {
    type Error = T::Error;
    fn now(&mut self) -> Instant {
        (**self).now()
    }
    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        (**self).send_request(message).await
    }
    async fn recv_response(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        (**self).recv_response(buf, deadline).await
    }
    fn end_exchange(&mut self) {
        (**self).end_exchange()
    }
    fn complete_exchange(&mut self) {
        (**self).complete_exchange()
    }
    async fn wait_until(&mut self, t: Instant) {
        (**self).wait_until(t).await
    }
    fn remote_eid(&self) -> Option<Eid> {
        (**self).remote_eid()
    }
}

impl<T: AsyncEventSource + ?Sized> AsyncEventSource for &mut T {
    async fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        (**self).recv_unsolicited(buf, deadline).await
    }
}

impl<T: ResponderTransport + ?Sized> ResponderTransport for &mut T {
    type Error = T::Error;
    type Peer = T::Peer;
    fn now(&mut self) -> Instant {
        (**self).now()
    }
    fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Self::Peer), Self::Error> {
        (**self).recv_request(buf, deadline)
    }
    fn send_response(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        (**self).send_response(to, message)
    }
    fn send_unsolicited(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        (**self).send_unsolicited(to, message)
    }
}

/// Total length of a message given in pieces.
pub fn message_len(message: &[&[u8]]) -> usize {
    message.iter().map(|p| p.len()).sum()
}

/// Copy a message given in pieces into `out`; `None` if it does not fit.
pub fn gather(message: &[&[u8]], out: &mut [u8]) -> Option<usize> {
    let n = message_len(message);
    let out = out.get_mut(..n)?;
    let mut pos = 0;
    for p in message {
        out[pos..pos + p.len()].copy_from_slice(p);
        pos += p.len();
    }
    Some(n)
}

/// A sensible default receive timeout for one NVMe-MI exchange over SMBus at 100 kHz with
/// the baseline transmission unit (libnvme uses the same figure).
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn gather_pieces() {
        let mut out = [0u8; 8];
        assert_eq!(gather(&[&[1, 2], &[], &[3]], &mut out), Some(3));
        assert_eq!(&out[..3], &[1, 2, 3]);
        assert_eq!(gather(&[&[0; 9]], &mut out), None);
        assert_eq!(message_len(&[&[0; 4], &[0; 5]]), 9);
    }
}
