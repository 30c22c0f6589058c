//! Per-drive transports over a shared [`Bus`]: MCTP messages as SMBus block writes
//! (DSP0237 §6; digest A.5, B).

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use nvme_mi_core::mctp::fragment::{Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::smbus::{FrameRepr, MAX_PACKET_LEN};
use nvme_mi_core::mctp::{Eid, Tag, BASELINE_TU};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{AsyncEventSource, AsyncTransport, EventSource, Transport};

use crate::bus::{Pumped, Want};
use crate::{Bus, Clock, Error, TargetReceiver};

/// How long a tag stays allocated after the request is sent, unless a receive deadline
/// moves it: MT4, the tag expiration interval, at least 5 s (DSP0236; digest A.6).
const TAG_LIFETIME: Duration = Duration::from_secs(5);
/// How long a tag stays allocated past the deadline of the last receive call, so that a
/// More Processing Required wait that follows can still use it.
const TAG_SLACK: Duration = Duration::from_millis(100);

/// The packet header of a request to `eid` from `own` with tag `tag` (TO set, seq 0).
fn request_header(own: Eid, eid: Eid, tag: Tag) -> PacketRepr {
    PacketRepr {
        dest: eid,
        src: own,
        som: true,
        eom: false,
        seq: 0,
        tag_owner: true,
        tag,
    }
}

/// The body shared by the blocking and async senders: fragment `message` at `tu` and write
/// each packet as one SMBus block write, retrying as the bus's policy allows.
macro_rules! send_frames {
    ($bus:ident, $addr:expr, $hdr:expr, $message:expr, $tu:expr, $($aw:tt)*) => {{
        let mut frag = Fragmenter::new($message, $hdr, $tu).map_err(|_| Error::InvalidMessage)?;
        let mut packet = [0u8; MAX_PACKET_LEN];
        let repr = FrameRepr { dest_addr: $addr, src_addr: $bus.own_addr() };
        while let Some(r) = frag.next(&mut packet) {
            let len = r.map_err(|_| Error::InvalidMessage)?;
            let n = repr
                .emit(packet.get(..len).unwrap_or(&[]), &mut $bus.frame)
                .map_err(|_| Error::InvalidMessage)?;
            let mut attempt = 0u8;
            loop {
                $bus.stats.write_attempts = $bus.stats.write_attempts.saturating_add(1);
                // The address byte is the bus address; the controller writes the rest.
                let bytes = $bus.frame.get(1..n).unwrap_or(&[]);
                match $bus.i2c.write($addr, bytes)$($aw)* {
                    Ok(()) => {
                        $bus.stats.frames_sent = $bus.stats.frames_sent.saturating_add(1);
                        break;
                    }
                    Err(e) => {
                        $bus.on_write_error(e, attempt)?;
                        attempt = attempt.saturating_add(1);
                    }
                }
            }
        }
        Ok(())
    }};
}

/// Handle at most one received frame for `want`; `Some(n)` when the message is delivered.
fn step<I, R: TargetReceiver, C: Clock, E>(
    bus: &RefCell<Bus<I, R, C>>,
    want: Want,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<Option<usize>, Error<E>> {
    let mut guard = bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
    match guard.pump(want, buf) {
        Pumped::Delivered(n) => return Ok(Some(n)),
        Pumped::TooSmall => return Err(Error::BufferTooSmall),
        Pumped::Progress | Pumped::Idle => {}
    }
    if guard.now() >= deadline {
        Err(Error::Timeout)
    } else {
        Ok(None)
    }
}

/// Poll until the message `want` is delivered or `deadline` passes.
fn wait_for<I, R: TargetReceiver, C: Clock, E>(
    bus: &RefCell<Bus<I, R, C>>,
    want: Want,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<usize, Error<E>> {
    loop {
        if let Some(n) = step(bus, want, buf, deadline)? {
            return Ok(n);
        }
    }
}

/// The async twin of [`wait_for`]: yields to the executor between polls.
async fn wait_for_async<I, R: TargetReceiver, C: Clock, E>(
    bus: &RefCell<Bus<I, R, C>>,
    want: Want,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<usize, Error<E>> {
    loop {
        if let Some(n) = step(bus, want, buf, deadline)? {
            return Ok(n);
        }
        YieldNow(false).await;
    }
}

/// Let other tasks run once (an executor-agnostic yield).
struct YieldNow(bool);

impl Future for YieldNow {
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let this = self.get_mut();
        if this.0 {
            Poll::Ready(())
        } else {
            this.0 = true;
            cx.waker().wake_by_ref();
            Poll::Pending
        }
    }
}

macro_rules! transport_common {
    ($name:ident) => {
        impl<'a, I, R: TargetReceiver, C: Clock> $name<'a, I, R, C> {
            /// The drive at 7-bit address `addr` and EID `eid` on `bus`, with the baseline
            /// transmission unit (64 bytes). `eid` may be [`Eid::NULL`] for physical
            /// addressing of the only drive on the bus.
            pub fn new(bus: &'a RefCell<Bus<I, R, C>>, addr: u8, eid: Eid) -> Self {
                $name {
                    bus,
                    addr,
                    eid,
                    tu: BASELINE_TU,
                    tag: None,
                    last_now: Instant::ZERO,
                }
            }

            /// The shared bus.
            pub fn bus(&self) -> &'a RefCell<Bus<I, R, C>> {
                self.bus
            }

            /// The drive's 7-bit address.
            pub fn address(&self) -> u8 {
                self.addr
            }

            /// The drive's EID.
            pub fn eid(&self) -> Eid {
                self.eid
            }

            /// Change the drive's EID (after MCTP Set Endpoint ID).
            pub fn set_eid(&mut self, eid: Eid) {
                self.eid = eid;
            }

            /// The transmission unit requests are fragmented at (packet payload bytes).
            pub fn transmission_unit(&self) -> usize {
                self.tu
            }

            /// Fragment requests at `tu` bytes (64..=250) from now on; `false` (and no change)
            /// outside that range. Only raise it after the drive agreed
            /// ([`negotiate_transmission_unit`](crate::negotiate_transmission_unit)).
            pub fn set_transmission_unit(&mut self, tu: usize) -> bool {
                if (BASELINE_TU..=MAX_TU_SMBUS).contains(&tu) {
                    self.tu = tu;
                    true
                } else {
                    false
                }
            }

            /// The tag of the open exchange.
            pub fn tag(&self) -> Option<Tag> {
                self.tag
            }

            fn clock_now(&mut self) -> Instant {
                if let Ok(mut b) = self.bus.try_borrow_mut() {
                    self.last_now = b.now();
                }
                self.last_now
            }

            fn release(&mut self) {
                if let Some(tag) = self.tag.take() {
                    if let Ok(mut b) = self.bus.try_borrow_mut() {
                        b.release_tag(self.eid, tag);
                    }
                }
            }

            /// Allocate a tag for a new exchange (ending the previous one).
            fn open<E>(&mut self) -> Result<(Tag, PacketRepr), Error<E>> {
                self.release();
                let mut b = self.bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
                let now = b.now();
                let tag = b
                    .allocate_tag(self.eid, now, now + TAG_LIFETIME)
                    .ok_or(Error::TagsExhausted)?;
                self.tag = Some(tag);
                Ok((tag, request_header(b.own_eid(), self.eid, tag)))
            }

            fn want_response<E>(&mut self, deadline: Instant) -> Result<Want, Error<E>> {
                let tag = self.tag.ok_or(Error::Timeout)?;
                if let Ok(mut b) = self.bus.try_borrow_mut() {
                    b.extend_tag(self.eid, tag, deadline + TAG_SLACK);
                }
                Ok(Want::Response { src: self.eid, tag })
            }
        }
    };
}

/// One drive on a shared [`Bus`], as a blocking [`Transport`] and [`EventSource`] for the
/// core's requester ([`Endpoint`](nvme_mi_core::requester::Endpoint)).
///
/// Sending fragments the message at the transmission unit ([`BASELINE_TU`] until raised)
/// with an owned tag from the bus's tag allocator and writes each packet as one SMBus block
/// write `i2c.write(addr, frame[1..])` (command code 0x0F, byte count, our source address,
/// MCTP header, payload, PEC). Receiving polls the bus's [`TargetReceiver`], checks each
/// frame (digest B.6), reassembles, and returns the message from this drive's EID with the
/// exchange's tag and TO clear; unsolicited NVMe-MI requests (AEMs) are kept for
/// [`EventSource::recv_unsolicited`]. The transport borrows the bus only during a call, so
/// several transports (drives) share one bus and can be used alternately.
pub struct I2cTransport<'a, I, R, C> {
    bus: &'a RefCell<Bus<I, R, C>>,
    addr: u8,
    eid: Eid,
    tu: usize,
    tag: Option<Tag>,
    last_now: Instant,
}

/// The async twin of [`I2cTransport`], over an `embedded_hal_async::i2c::I2c` controller.
///
/// Receiving polls the target receiver and yields to the executor between polls. Async
/// transports sharing a bus may be used from one task in turn; two of them awaiting at the
/// same moment get [`Error::BusBusy`] rather than interleaving frames.
pub struct AsyncI2cTransport<'a, I, R, C> {
    bus: &'a RefCell<Bus<I, R, C>>,
    addr: u8,
    eid: Eid,
    tu: usize,
    tag: Option<Tag>,
    last_now: Instant,
}

transport_common!(I2cTransport);
transport_common!(AsyncI2cTransport);

/// A transport whose transmission unit can be changed (what
/// [`negotiate_transmission_unit`](crate::negotiate_transmission_unit) raises after the drive
/// agreed).
pub trait TransmissionUnit {
    /// The current transmission unit (packet payload bytes).
    fn transmission_unit(&self) -> usize;
    /// Use `tu` from now on; `false` (and no change) if the transport cannot.
    fn set_transmission_unit(&mut self, tu: usize) -> bool;
}

impl<I, R: TargetReceiver, C: Clock> TransmissionUnit for I2cTransport<'_, I, R, C> {
    fn transmission_unit(&self) -> usize {
        self.tu
    }
    fn set_transmission_unit(&mut self, tu: usize) -> bool {
        I2cTransport::set_transmission_unit(self, tu)
    }
}

impl<I, R: TargetReceiver, C: Clock> TransmissionUnit for AsyncI2cTransport<'_, I, R, C> {
    fn transmission_unit(&self) -> usize {
        self.tu
    }
    fn set_transmission_unit(&mut self, tu: usize) -> bool {
        AsyncI2cTransport::set_transmission_unit(self, tu)
    }
}

impl<T: TransmissionUnit + ?Sized> TransmissionUnit for &mut T {
    fn transmission_unit(&self) -> usize {
        (**self).transmission_unit()
    }
    fn set_transmission_unit(&mut self, tu: usize) -> bool {
        (**self).set_transmission_unit(tu)
    }
}

impl<I: embedded_hal::i2c::I2c, R: TargetReceiver, C: Clock> Transport
    for I2cTransport<'_, I, R, C>
{
    type Error = Error<I::Error>;

    fn now(&mut self) -> Instant {
        self.clock_now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        let (tag, hdr) = self.open()?;
        let mut guard = self.bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
        let bus = &mut *guard;
        let (addr, tu) = (self.addr, self.tu);
        let r = (|| -> Result<(), Self::Error> { send_frames!(bus, addr, hdr, message, tu,) })();
        if r.is_err() {
            bus.release_tag(self.eid, tag);
            self.tag = None;
        }
        r
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error> {
        let want = self.want_response(deadline)?;
        wait_for(self.bus, want, buf, deadline)
    }

    fn end_exchange(&mut self) {
        self.release();
    }

    fn wait_until(&mut self, t: Instant) {
        let mut scratch = [0u8; 0];
        while let Ok(None) = step::<I, R, C, I::Error>(self.bus, Want::Nothing, &mut scratch, t) {}
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.eid)
    }
}

impl<I: embedded_hal::i2c::I2c, R: TargetReceiver, C: Clock> EventSource
    for I2cTransport<'_, I, R, C>
{
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        wait_for(self.bus, Want::Event { src: self.eid }, buf, deadline)
    }
}

impl<I: embedded_hal_async::i2c::I2c, R: TargetReceiver, C: Clock> AsyncTransport
    for AsyncI2cTransport<'_, I, R, C>
{
    type Error = Error<I::Error>;

    fn now(&mut self) -> Instant {
        self.clock_now()
    }

    // The bus stays borrowed for the whole message so that frames of two messages never
    // interleave; another transport trying meanwhile gets `BusBusy` (try_borrow), no panic.
    #[allow(clippy::await_holding_refcell_ref)]
    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        let (tag, hdr) = self.open()?;
        let mut guard = self.bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
        let bus = &mut *guard;
        let (addr, tu) = (self.addr, self.tu);
        let r: Result<(), Self::Error> =
            async { send_frames!(bus, addr, hdr, message, tu, .await) }.await;
        if r.is_err() {
            bus.release_tag(self.eid, tag);
            self.tag = None;
        }
        r
    }

    async fn recv_response(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        let want = self.want_response(deadline)?;
        wait_for_async(self.bus, want, buf, deadline).await
    }

    fn end_exchange(&mut self) {
        self.release();
    }

    async fn wait_until(&mut self, t: Instant) {
        let mut scratch = [0u8; 0];
        while let Ok(None) = step::<I, R, C, I::Error>(self.bus, Want::Nothing, &mut scratch, t) {
            YieldNow(false).await;
        }
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.eid)
    }
}

impl<I: embedded_hal_async::i2c::I2c, R: TargetReceiver, C: Clock> AsyncEventSource
    for AsyncI2cTransport<'_, I, R, C>
{
    async fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        wait_for_async(self.bus, Want::Event { src: self.eid }, buf, deadline).await
    }
}
