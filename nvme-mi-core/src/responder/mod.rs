//! The responder side: what a drive (or the simulated drive) runs to answer requests.
//!
//! [`Respond`] is the sans-IO interface of a responder: it is handed each request message and
//! the current time, writes the response, and reports later output (the final response after
//! More Processing Required, Asynchronous Event Messages) through [`Respond::poll`].
//! [`serve`] and [`serve_async`] drive any [`Respond`] over a
//! [`ResponderTransport`](crate::transport::ResponderTransport).

mod control;
mod device;
mod engine;
mod serve;

pub use device::{AdminReply, Context, Device, MiReply};
pub use engine::{Responder, ResponderStats};
pub use serve::{serve, serve_async, ServeError};

use crate::time::Instant;

/// Output a responder produces on its own, outside the answer to a request.
#[derive(Debug, Clone, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outgoing<P> {
    /// A (final) response to an earlier request from `to`, `len` bytes at the start of the
    /// output buffer.
    Response {
        /// Where the request came from.
        to: P,
        /// Length of the message.
        len: usize,
    },
    /// A new request of the responder's own (an Asynchronous Event Message) to `to`.
    Unsolicited {
        /// The peer that enabled the events.
        to: P,
        /// Length of the message.
        len: usize,
    },
}

/// A responder, seen from the wire. `P` identifies where a request came from (a transport's
/// [`Peer`](crate::transport::ResponderTransport::Peer)); the responder keeps it to address
/// later output.
pub trait Respond<P> {
    /// A request arrived from `from` at `now`: write the immediate response (which may be
    /// More Processing Required) into `out` and return its length, or `None` when the
    /// request gets no response (for example a successful NVM Subsystem Reset, or a message
    /// that is not a request).
    fn handle(&mut self, request: &[u8], from: &P, now: Instant, out: &mut [u8]) -> Option<usize>;

    /// Time has passed: write the next pending output, if any is due at `now`, into `out`.
    /// Call repeatedly until it returns `None`.
    fn poll(&mut self, now: Instant, out: &mut [u8]) -> Option<Outgoing<P>>;

    /// When [`Respond::poll`] next has something to do, if ever.
    fn next_deadline(&self) -> Option<Instant>;
}
