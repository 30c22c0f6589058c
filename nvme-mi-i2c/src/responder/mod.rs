//! The drive side over SMBus/I2C: a [`ResponderTransport`] (and its async twin) for a drive's
//! or an enclosure's management controller (DSP0237 1.2; DSP0236 1.3).
//!
//! Requests arrive as SMBus block writes to the drive's own target address through the
//! [`TargetReceiver`]; responses, Asynchronous Event Messages and MCTP control replies go out
//! as controller writes to the requester's address, fragmented at the transmission unit,
//! each with its PEC, retried after NACK or lost arbitration as the [`RetryPolicy`] says.

mod endpoint;

use core::future::poll_fn;
use core::task::Poll;

use nvme_mi_core::mctp::smbus::MAX_FRAME_LEN;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{AsyncResponderTransport, ResponderTransport};

pub use endpoint::{Peer, ResponderEndpoint, Sending, MAX_PARTS, RESPONDER_CONTEXTS};

use crate::retry::write_frame;
use crate::{BusStats, Clock, Error, RetryPolicy, TargetReceiver};

macro_rules! responder_common {
    ($name:ident) => {
        impl<I, R: TargetReceiver, C: Clock> $name<I, R, C> {
            /// A drive at 7-bit target address `own_addr` answering as `eid`, writing with
            /// the controller `i2c`, receiving through `rx`, timed by `clock`.
            pub fn new(
                i2c: I,
                rx: R,
                clock: C,
                own_addr: u8,
                eid: nvme_mi_core::mctp::Eid,
            ) -> Self {
                $name {
                    i2c,
                    rx,
                    clock,
                    endpoint: ResponderEndpoint::new(own_addr, eid),
                    retry: RetryPolicy::default(),
                    frame: [0; MAX_FRAME_LEN],
                }
            }

            /// The endpoint state (address, EID, transmission unit, counters).
            pub fn endpoint(&self) -> &ResponderEndpoint {
                &self.endpoint
            }

            /// The endpoint state, mutably: [`ResponderEndpoint::set_transmission_unit`] after
            /// the requester raised the unit, [`ResponderEndpoint::set_eid`] after Set
            /// Endpoint ID.
            pub fn endpoint_mut(&mut self) -> &mut ResponderEndpoint {
                &mut self.endpoint
            }

            /// What the transport received and sent.
            pub fn stats(&self) -> BusStats {
                self.endpoint.stats()
            }

            /// Change the retry policy.
            pub fn set_retry_policy(&mut self, p: RetryPolicy) {
                self.retry = p;
            }

            /// The receive path.
            pub fn receiver_mut(&mut self) -> &mut R {
                &mut self.rx
            }

            /// The I2C controller.
            pub fn i2c_mut(&mut self) -> &mut I {
                &mut self.i2c
            }

            /// Give back the parts.
            pub fn into_parts(self) -> (I, R, C) {
                (self.i2c, self.rx, self.clock)
            }

            /// Handle every received frame; `Some((len, peer))` once one completes a request
            /// (copied into `buf`).
            fn take_request<E>(
                &mut self,
                buf: &mut [u8],
            ) -> Option<Result<(usize, Peer), Error<E>>> {
                while let Some(n) = self.rx.poll_frame(&mut self.frame) {
                    let now = self.clock.now();
                    let bytes = self.frame.get(..n).unwrap_or(&[]);
                    if let Some((peer, msg)) = self.endpoint.receive(bytes, now) {
                        return Some(match buf.get_mut(..msg.len()) {
                            Some(dst) => {
                                dst.copy_from_slice(msg);
                                Ok((msg.len(), peer))
                            }
                            None => Err(Error::BufferTooSmall),
                        });
                    }
                }
                None
            }
        }
    };
}

/// A drive's MCTP endpoint on SMBus/I2C, as a blocking [`ResponderTransport`]: what
/// [`serve`](nvme_mi_core::responder::serve) runs a
/// [`Responder`](nvme_mi_core::responder::Responder) over.
///
/// Memory: a two-context reassembler (two requesters' requests at once, 4224 bytes each) and
/// one frame buffer, about 8.8 KiB plus `I`, `R`, `C`. The transmission unit starts at the
/// baseline (64); raise it with [`ResponderEndpoint::set_transmission_unit`] when the
/// requester's Configuration Set asks for more.
///
/// ```
/// # #[cfg(feature = "sim")] {
/// use nvme_mi_core::mctp::Eid;
/// use nvme_mi_core::responder::{serve, Responder};
/// use nvme_mi_core::time::Instant;
/// use nvme_mi_i2c::{Clock, FrameQueue, I2cResponder};
/// # struct Wire; impl embedded_hal::i2c::ErrorType for Wire { type Error = embedded_hal::i2c::ErrorKind; }
/// # impl embedded_hal::i2c::I2c for Wire { fn transaction(&mut self, _: u8, _: &mut [embedded_hal::i2c::Operation<'_>]) -> Result<(), Self::Error> { Ok(()) } }
/// # struct Ms(u64); impl Clock for Ms { fn now(&mut self) -> Instant { self.0 += 1; Instant(self.0) } }
/// // The board's I2C controller, the target interrupt's queue, a millisecond clock.
/// let mut drive = I2cResponder::new(Wire, FrameQueue::<4>::new(), Ms(0), 0x1d, Eid(9));
/// let mut engine = Responder::new(nvme_mi_sim::Sim::new(1), Eid(9));
/// let (mut rx, mut tx) = ([0u8; 4224], [0u8; 4224]);
/// serve(&mut drive, &mut engine, &mut rx, &mut tx, Some(Instant(50))).unwrap();
/// # }
/// ```
pub struct I2cResponder<I, R, C> {
    i2c: I,
    rx: R,
    clock: C,
    endpoint: ResponderEndpoint,
    retry: RetryPolicy,
    frame: [u8; MAX_FRAME_LEN],
}

/// The async twin of [`I2cResponder`], over an `embedded_hal_async::i2c::I2c` controller:
/// waiting for a request sleeps until the [`TargetReceiver`] wakes it
/// ([`TargetReceiver::register_waker`]) or the clock's alarm ([`Clock::wake_at`]) fires.
pub struct AsyncI2cResponder<I, R, C> {
    i2c: I,
    rx: R,
    clock: C,
    endpoint: ResponderEndpoint,
    retry: RetryPolicy,
    frame: [u8; MAX_FRAME_LEN],
}

responder_common!(I2cResponder);
responder_common!(AsyncI2cResponder);

/// Write every frame of `s` (the message `message`) with `$write`.
macro_rules! send_message {
    ($self:ident, $s:ident, $message:ident, $($aw:tt)*) => {{
        let tu = $self.endpoint.transmission_unit();
        let addr = $s.dest_addr();
        let mut frame = [0u8; MAX_FRAME_LEN];
        let mut any = false;
        while let Some(n) = $s.next_frame($message, tu, &mut frame) {
            any = true;
            let bytes = frame.get(1..n).unwrap_or(&[]);
            let policy = $self.retry;
            let clock = &mut $self.clock;
            let stats = $self.endpoint.stats_mut();
            write_frame!($self.i2c, addr, bytes, policy, *stats, |d| {
                let t = clock.now() + d;
                sleep!(clock, t, $($aw)*)
            }, $($aw)*)?;
        }
        if any { Ok(()) } else { Err(Error::InvalidMessage) }
    }};
}

macro_rules! sleep {
    ($clock:ident, $t:ident,) => {
        while $clock.now() < $t {
            core::hint::spin_loop();
        }
    };
    ($clock:ident, $t:ident, .await) => {
        poll_fn(|cx| {
            if $clock.now() >= $t {
                Poll::Ready(())
            } else {
                if !$clock.wake_at($t, cx.waker()) {
                    cx.waker().wake_by_ref();
                }
                Poll::Pending
            }
        })
        .await
    };
}

impl<I: embedded_hal::i2c::I2c, R: TargetReceiver, C: Clock> ResponderTransport
    for I2cResponder<I, R, C>
{
    type Error = Error<I::Error>;
    type Peer = Peer;

    fn now(&mut self) -> Instant {
        self.clock.now()
    }

    fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Peer), Self::Error> {
        loop {
            if let Some(r) = self.take_request(buf) {
                return r;
            }
            if deadline.is_some_and(|d| self.clock.now() >= d) {
                return Err(Error::Timeout);
            }
        }
    }

    fn send_response(&mut self, to: &Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        let mut s = self.endpoint.response(to);
        send_message!(self, s, message,)
    }

    fn send_unsolicited(&mut self, to: &Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        let mut s = self.endpoint.unsolicited(to);
        send_message!(self, s, message,)
    }
}

impl<I: embedded_hal_async::i2c::I2c, R: TargetReceiver, C: Clock> AsyncResponderTransport
    for AsyncI2cResponder<I, R, C>
{
    type Error = Error<I::Error>;
    type Peer = Peer;

    fn now(&mut self) -> Instant {
        self.clock.now()
    }

    async fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Peer), Self::Error> {
        poll_fn(|cx| {
            if let Some(r) = self.take_request(buf) {
                return Poll::Ready(r);
            }
            let mut armed = self.rx.register_waker(cx.waker());
            if let Some(d) = deadline {
                if self.clock.now() >= d {
                    return Poll::Ready(Err(Error::Timeout));
                }
                armed &= self.clock.wake_at(d, cx.waker());
            }
            if !armed {
                cx.waker().wake_by_ref();
            }
            Poll::Pending
        })
        .await
    }

    async fn send_response(&mut self, to: &Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        let mut s = self.endpoint.response(to);
        send_message!(self, s, message, .await)
    }

    async fn send_unsolicited(&mut self, to: &Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        let mut s = self.endpoint.unsolicited(to);
        send_message!(self, s, message, .await)
    }
}
