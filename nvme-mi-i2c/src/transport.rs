//! Per-drive transports over a shared [`Bus`]: MCTP messages as SMBus block writes
//! (DSP0237 §6).

use core::cell::RefCell;
use core::future::Future;
use core::pin::Pin;
use core::task::{Context, Poll};
use core::time::Duration;

use nvme_mi_core::mctp::fragment::{Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::smbus::{FrameRepr, MAX_FRAME_LEN, MAX_PACKET_LEN};
use nvme_mi_core::mctp::{Eid, Tag, BASELINE_TU};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{AsyncEventSource, AsyncTransport, EventSource, Transport};

use crate::bus::{Pumped, Want};
use crate::retry::write_frame;
use crate::wait::WaiterId;
use crate::{Bus, Clock, Error, TargetReceiver, MAX_DRIVES, MAX_WAITERS};

/// How long a tag stays allocated after the request is sent, unless a receive deadline
/// moves it: MT4, the tag expiration interval, at least 5 s (DSP0236).
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

/// Fragment `message` at `tu` and write each packet as one SMBus block write with `$write`
/// (a macro arm given the frame bytes after the address byte); evaluates to the result.
macro_rules! send_frames {
    ($own_addr:expr, $addr:expr, $hdr:expr, $message:expr, $tu:expr, |$bytes:ident| $write:expr) => {{
        let mut frag = Fragmenter::new($message, $hdr, $tu).map_err(|_| Error::InvalidMessage)?;
        let mut packet = [0u8; MAX_PACKET_LEN];
        let mut frame = [0u8; MAX_FRAME_LEN];
        let repr = FrameRepr {
            dest_addr: $addr,
            src_addr: $own_addr,
        };
        while let Some(r) = frag.next(&mut packet) {
            let len = r.map_err(|_| Error::InvalidMessage)?;
            let n = repr
                .emit(packet.get(..len).unwrap_or(&[]), &mut frame)
                .map_err(|_| Error::InvalidMessage)?;
            // The address byte is the bus address; the controller writes the rest.
            let $bytes = frame.get(1..n).unwrap_or(&[]);
            $write?;
        }
        Ok(())
    }};
}

/// Handle at most one received frame for `want`; `Some(n)` when the message is delivered.
fn step<I, R: TargetReceiver, C: Clock, E, const D: usize, const W: usize>(
    bus: &RefCell<Bus<I, R, C, D, W>>,
    want: Want,
    buf: &mut [u8],
    deadline: Instant,
) -> Result<Option<usize>, Error<E>> {
    let mut guard = bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
    match guard.pump(want, buf) {
        Pumped::Delivered(n) => return Ok(Some(n)),
        Pumped::TooSmall => return Err(Error::BufferTooSmall),
        Pumped::Progress | Pumped::Idle | Pumped::Parked => {}
    }
    if guard.now() >= deadline {
        Err(Error::Timeout)
    } else {
        Ok(None)
    }
}

/// Poll until the message `want` is delivered or `deadline` passes.
fn wait_for<I, R: TargetReceiver, C: Clock, E, const D: usize, const W: usize>(
    bus: &RefCell<Bus<I, R, C, D, W>>,
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

/// The async receive: handles one received frame per poll while there are any, then sleeps until the
/// receive path has another frame, another waiter hands over a frame parked for us, or the
/// deadline passes. Never holds the bus across a suspension; leaves the wait queue when
/// done or dropped.
struct Receive<'b, 'o, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> {
    bus: &'b RefCell<Bus<I, R, C, D, W>>,
    want: Want,
    out: &'o mut [u8],
    deadline: Instant,
    id: Option<WaiterId>,
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize>
    Receive<'_, '_, I, R, C, D, W>
{
    fn finish<E>(
        &mut self,
        b: &mut Bus<I, R, C, D, W>,
        r: Result<usize, Error<E>>,
    ) -> Poll<Result<usize, Error<E>>> {
        if let Some(id) = self.id.take() {
            b.leave_rx(id);
        }
        Poll::Ready(r)
    }

    fn poll_receive<E>(&mut self, cx: &mut Context<'_>) -> Poll<Result<usize, Error<E>>> {
        let Ok(mut b) = self.bus.try_borrow_mut() else {
            // Only a blocking call on this same bus inside another task's poll can hold it.
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        let b = &mut *b;
        // Queue first, so that a frame ending our message, handled by another task, waits
        // for us instead of being taken for a stray.
        let id = match self.id {
            Some(id) => id,
            None => *self.id.insert(b.new_waiter()),
        };
        if !b.rx_waiters.enqueue(id, self.want, cx.waker()) {
            return self.finish(b, Err(Error::BusBusy));
        }
        let idle = match b.pump(self.want, self.out) {
            Pumped::Delivered(n) => return self.finish(b, Ok(n)),
            Pumped::TooSmall => return self.finish(b, Err(Error::BufferTooSmall)),
            Pumped::Progress => {
                // One frame per poll: let the other tasks on the bus run in between (they
                // may have requests to write while this response streams in).
                cx.waker().wake_by_ref();
                return Poll::Pending;
            }
            Pumped::Idle => true,
            Pumped::Parked => false,
        };
        if b.now() >= self.deadline {
            return self.finish(b, Err(Error::Timeout));
        }
        if !b.arm(cx.waker(), self.deadline, idle) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> Drop
    for Receive<'_, '_, I, R, C, D, W>
{
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            if let Ok(mut b) = self.bus.try_borrow_mut() {
                b.leave_rx(id);
            }
        }
    }
}

/// [`Receive`] as a future of the I2C controller's error type `E`.
struct ReceiveFuture<'b, 'o, I, R: TargetReceiver, C: Clock, E, const D: usize, const W: usize> {
    inner: Receive<'b, 'o, I, R, C, D, W>,
    _e: core::marker::PhantomData<fn() -> E>,
}

impl<I, R: TargetReceiver, C: Clock, E, const D: usize, const W: usize> Future
    for ReceiveFuture<'_, '_, I, R, C, E, D, W>
{
    type Output = Result<usize, Error<E>>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.get_mut().inner.poll_receive(cx)
    }
}

fn receive_async<'b, 'o, I, R: TargetReceiver, C: Clock, E, const D: usize, const W: usize>(
    bus: &'b RefCell<Bus<I, R, C, D, W>>,
    want: Want,
    out: &'o mut [u8],
    deadline: Instant,
) -> ReceiveFuture<'b, 'o, I, R, C, E, D, W> {
    ReceiveFuture {
        inner: Receive {
            bus,
            want,
            out,
            deadline,
            id: None,
        },
        _e: core::marker::PhantomData,
    }
}

/// The I2C controller, taken out of the bus for one frame; put back (and the next waiter
/// woken) when dropped, also if the write's future is dropped half-way.
struct Controller<'b, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> {
    bus: &'b RefCell<Bus<I, R, C, D, W>>,
    i2c: Option<I>,
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> Drop
    for Controller<'_, I, R, C, D, W>
{
    fn drop(&mut self) {
        if let Ok(mut b) = self.bus.try_borrow_mut() {
            if b.i2c.is_none() {
                b.i2c = self.i2c.take();
            }
            b.tx_waiters.wake_first();
        }
    }
}

/// Wait for the turn on the shared bus's controller (first come, first served), at most
/// until `until`.
struct Acquire<'b, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> {
    bus: &'b RefCell<Bus<I, R, C, D, W>>,
    until: Option<Instant>,
    id: Option<WaiterId>,
}

impl<'b, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> Future
    for Acquire<'b, I, R, C, D, W>
{
    type Output = Option<Controller<'b, I, R, C, D, W>>;
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let Ok(mut b) = this.bus.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        let now = b.now();
        let until = *this.until.get_or_insert(now + b.retry.bus_wait);
        let my_turn = match this.id {
            Some(id) => b.tx_waiters.is_first(id),
            None => b.tx_waiters.is_empty(),
        };
        if my_turn {
            if let Some(i2c) = b.i2c.take() {
                if let Some(id) = this.id.take() {
                    b.tx_waiters.remove(id);
                }
                return Poll::Ready(Some(Controller {
                    bus: this.bus,
                    i2c: Some(i2c),
                }));
            }
        }
        if now >= until {
            if let Some(id) = this.id.take() {
                b.tx_waiters.remove(id);
                b.tx_waiters.wake_first();
            }
            return Poll::Ready(None);
        }
        let id = match this.id {
            Some(id) => id,
            None => *this.id.insert(b.new_waiter()),
        };
        if !b.tx_waiters.enqueue(id, (), cx.waker()) {
            this.id = None;
            return Poll::Ready(None);
        }
        if !b.clock.wake_at(until, cx.waker()) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> Drop
    for Acquire<'_, I, R, C, D, W>
{
    fn drop(&mut self) {
        if let Some(id) = self.id.take() {
            if let Ok(mut b) = self.bus.try_borrow_mut() {
                b.tx_waiters.remove(id);
                b.tx_waiters.wake_first();
            }
        }
    }
}

/// Sleep until `t` on the bus's clock (its alarm, or polling if it has none).
struct Sleep<'b, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> {
    bus: &'b RefCell<Bus<I, R, C, D, W>>,
    t: Instant,
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> Future
    for Sleep<'_, I, R, C, D, W>
{
    type Output = ();
    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<()> {
        let Ok(mut b) = self.bus.try_borrow_mut() else {
            cx.waker().wake_by_ref();
            return Poll::Pending;
        };
        if b.now() >= self.t {
            return Poll::Ready(());
        }
        if !b.clock.wake_at(self.t, cx.waker()) {
            cx.waker().wake_by_ref();
        }
        Poll::Pending
    }
}

/// Write one frame on the shared bus from async code: wait for the controller, write,
/// give it back; after a failure the controller is given back during the back-off.
async fn write_async<I, R, C, const D: usize, const W: usize>(
    bus: &RefCell<Bus<I, R, C, D, W>>,
    addr: u8,
    bytes: &[u8],
) -> Result<(), Error<I::Error>>
where
    I: embedded_hal_async::i2c::I2c,
    R: TargetReceiver,
    C: Clock,
{
    let policy = bus.try_borrow().map_err(|_| Error::BusBusy)?.retry;
    let mut attempt = 0u8;
    loop {
        let mut ctl = Acquire {
            bus,
            until: None,
            id: None,
        }
        .await
        .ok_or(Error::BusBusy)?;
        let r = match ctl.i2c.as_mut() {
            Some(i2c) => i2c.write(addr, bytes).await,
            None => return Err(Error::BusBusy),
        };
        drop(ctl);
        let t = {
            let mut b = bus.try_borrow_mut().map_err(|_| Error::BusBusy)?;
            let b = &mut *b;
            b.stats.write_attempts = b.stats.write_attempts.saturating_add(1);
            match r {
                Ok(()) => {
                    b.stats.frames_sent = b.stats.frames_sent.saturating_add(1);
                    return Ok(());
                }
                Err(e) => {
                    let wait = policy.after_failure(e, attempt, &mut b.stats)?;
                    b.now() + wait
                }
            }
        };
        Sleep { bus, t }.await;
        attempt = attempt.saturating_add(1);
    }
}

macro_rules! transport_common {
    ($name:ident) => {
        impl<'a, I, R: TargetReceiver, C: Clock, const D: usize, const W: usize>
            $name<'a, I, R, C, D, W>
        {
            /// The drive at 7-bit address `addr` and EID `eid` on `bus`, with the baseline
            /// transmission unit (64 bytes). `eid` may be [`Eid::NULL`] for physical
            /// addressing of the only drive on the bus.
            pub fn new(bus: &'a RefCell<Bus<I, R, C, D, W>>, addr: u8, eid: Eid) -> Self {
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
            pub fn bus(&self) -> &'a RefCell<Bus<I, R, C, D, W>> {
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
/// frame (DSP0237), reassembles, and returns the message from this drive's EID with the
/// exchange's tag and TO clear; unsolicited NVMe-MI requests (AEMs) are kept for
/// [`EventSource::recv_unsolicited`]. The transport borrows the bus only during a call, so
/// several transports (drives) share one bus and can be used alternately.
pub struct I2cTransport<'a, I, R, C, const D: usize = MAX_DRIVES, const W: usize = MAX_WAITERS> {
    bus: &'a RefCell<Bus<I, R, C, D, W>>,
    addr: u8,
    eid: Eid,
    tu: usize,
    tag: Option<Tag>,
    last_now: Instant,
}

/// The async twin of [`I2cTransport`], over an `embedded_hal_async::i2c::I2c` controller.
///
/// Any number of async transports on one [`Bus`] can run at once from one executor: each
/// waits for its turn on the controller and sleeps until its response arrives (see
/// [`Bus`], "Sharing in async"): no polling when the receiver and the clock can wake it.
pub struct AsyncI2cTransport<'a, I, R, C, const D: usize = MAX_DRIVES, const W: usize = MAX_WAITERS>
{
    bus: &'a RefCell<Bus<I, R, C, D, W>>,
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

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> TransmissionUnit
    for I2cTransport<'_, I, R, C, D, W>
{
    fn transmission_unit(&self) -> usize {
        self.tu
    }
    fn set_transmission_unit(&mut self, tu: usize) -> bool {
        I2cTransport::set_transmission_unit(self, tu)
    }
}

impl<I, R: TargetReceiver, C: Clock, const D: usize, const W: usize> TransmissionUnit
    for AsyncI2cTransport<'_, I, R, C, D, W>
{
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

impl<I: embedded_hal::i2c::I2c, R: TargetReceiver, C: Clock, const D: usize, const W: usize>
    Transport for I2cTransport<'_, I, R, C, D, W>
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
        let r = (|| -> Result<(), Self::Error> {
            send_frames!(bus.own_addr(), addr, hdr, message, tu, |bytes| {
                let policy = bus.retry;
                match bus.i2c.take() {
                    Some(mut i2c) => {
                        let r = write_frame!(i2c, addr, bytes, policy, bus.stats, |d| {
                            let t = bus.now() + d;
                            bus.idle_until(t)
                        },);
                        bus.i2c = Some(i2c);
                        r
                    }
                    None => Err(Error::BusBusy),
                }
            })
        })();
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

    // The final response is in: the tag goes back at once (DSP0236 1.3 §8.9: a tag is the
    // requester's until the response; nothing further arrives on it).
    fn complete_exchange(&mut self) {
        self.release();
    }

    fn wait_until(&mut self, t: Instant) {
        if let Ok(mut b) = self.bus.try_borrow_mut() {
            b.idle_until(t);
        }
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.eid)
    }
}

impl<I: embedded_hal::i2c::I2c, R: TargetReceiver, C: Clock, const D: usize, const W: usize>
    EventSource for I2cTransport<'_, I, R, C, D, W>
{
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        wait_for(self.bus, Want::Event { src: self.eid }, buf, deadline)
    }
}

impl<
        I: embedded_hal_async::i2c::I2c,
        R: TargetReceiver,
        C: Clock,
        const D: usize,
        const W: usize,
    > AsyncTransport for AsyncI2cTransport<'_, I, R, C, D, W>
{
    type Error = Error<I::Error>;

    fn now(&mut self) -> Instant {
        self.clock_now()
    }

    // Each frame takes the shared controller for its own write only (frames of messages to
    // different drives may interleave: each is reassembled under its own tag and EID).
    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        let (tag, hdr) = self.open()?;
        let own_addr = self
            .bus
            .try_borrow()
            .map_err(|_| Error::BusBusy)?
            .own_addr();
        let (bus, addr, tu) = (self.bus, self.addr, self.tu);
        let r: Result<(), Self::Error> = async {
            send_frames!(own_addr, addr, hdr, message, tu, |bytes| {
                write_async(bus, addr, bytes).await
            })
        }
        .await;
        if r.is_err() {
            if let Ok(mut b) = self.bus.try_borrow_mut() {
                b.release_tag(self.eid, tag);
            }
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
        receive_async(self.bus, want, buf, deadline).await
    }

    fn end_exchange(&mut self) {
        self.release();
    }

    // The final response is in: the tag goes back at once (DSP0236 1.3 §8.9: a tag is the
    // requester's until the response; nothing further arrives on it).
    fn complete_exchange(&mut self) {
        self.release();
    }

    async fn wait_until(&mut self, t: Instant) {
        Sleep { bus: self.bus, t }.await
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(self.eid)
    }
}

impl<
        I: embedded_hal_async::i2c::I2c,
        R: TargetReceiver,
        C: Clock,
        const D: usize,
        const W: usize,
    > AsyncEventSource for AsyncI2cTransport<'_, I, R, C, D, W>
{
    async fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        receive_async(self.bus, Want::Event { src: self.eid }, buf, deadline).await
    }
}
