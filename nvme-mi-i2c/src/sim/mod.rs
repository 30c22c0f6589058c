//! A simulated SMBus segment with simulated drives (feature `sim`; `no_std`, no heap).
//!
//! [`SimBus`] holds `D` [`SimDrive`]s and the bus's simulated time. Three handles borrow it
//! through a `RefCell` and plug into a [`Bus`](crate::Bus):
//!
//! * [`SimController`]: the requester's I2C controller (`embedded_hal::i2c::I2c` and the async
//!   twin). A write to a drive's MCTP address is decoded, reassembled with the core's
//!   [`Reassembler`](nvme_mi_core::mctp::reassemble::Reassembler) and, once a request is
//!   complete, served by the drive's [`Responder<Sim, Peer>`](nvme_mi_core::responder::Responder).
//!   A write-then-read at a drive's Basic Management address answers the status or
//!   identification block with its PEC.
//! * [`SimReceiver`]: the requester's I2C target. The drives, as bus controllers, write their
//!   responses to the requester's address one frame at a time, fragmented at the drive's
//!   current transmission unit (the MTU the [`Sim`](nvme_mi_sim::Sim) has for its SMBus port),
//!   so that raising the unit with Configuration Set really changes the frames.
//! * [`SimClock`]: the bus's simulated time, with alarms for async transports
//!   ([`Clock::wake_at`]).
//!
//! The receiver and the clock wake async waiters like a target interrupt and a timer would:
//! the receiver when a drive has a frame to write, the clock when an alarm is due. Time in
//! the simulation moves only with traffic and polling, so an async executor whose tasks are
//! all asleep calls [`SimBus::run_timers`], which lets time pass to the next alarm or drive
//! deadline and fires what is due (as a real timer interrupt would).
//!
//! # Timing model
//!
//! Every transaction takes wire time at the configured [`Speed`]: 9 bit times per byte (8
//! data bits and the acknowledge), one bit time for each start, repeated start and stop (see
//! [`transaction_bits`]). The bus's time advances by that amount, and each transaction is
//! recorded ([`SimBus::log`], [`SimBus::stats`]). When nothing is on the wire and the
//! requester polls its receiver, time advances by an idle step of 1 ms, so timeouts
//! expire in simulated time. The drive answers with no processing delay of its own.
//!
//! # Fault injection
//!
//! [`Faults`] (each counter decremented when applied): NACK the next writes, lose
//! arbitration on the next writes, hold the clock low past the SMBus timeout, corrupt the PEC
//! of or drop frames in either direction, give one frame a wrong sequence number or byte
//! count, truncate, duplicate or reorder it ([`FrameFault`]), and a drive that stops
//! answering in the middle of a message.

mod drive;
mod timing;

use core::cell::RefCell;
use core::task::Waker;

use embedded_hal::i2c::{ErrorKind, NoAcknowledgeSource, Operation};
use nvme_mi_core::mctp::smbus::MAX_FRAME_LEN;
use nvme_mi_core::time::Instant;

pub use drive::{Peer, SimDrive, SMBUS_PORT};
pub use timing::{transaction_bits, Speed, BITS_PER_BYTE, CONDITION_BITS};

use crate::{Clock, TargetReceiver};

/// How far time moves when the requester polls an idle bus.
pub const IDLE_STEP_NS: u64 = 1_000_000;
/// How many transactions [`SimBus::log`] keeps.
pub const LOG_LEN: usize = 16;
/// How many clock alarms ([`Clock::wake_at`]) the simulated clock holds at once.
pub const ALARMS: usize = 32;

/// Who drove a transaction.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Direction {
    /// The requester (our controller) wrote or read.
    Requester,
    /// A drive wrote to the requester's target address.
    Drive,
}

/// One transaction on the simulated wire.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Transaction {
    /// Who drove it.
    pub direction: Direction,
    /// The 7-bit address it was sent to.
    pub addr: u8,
    /// Bytes after the address byte(s), both directions counted.
    pub bytes: usize,
    /// Wire time in nanoseconds.
    pub wire_ns: u64,
    /// When it started (bus time, ns).
    pub at_ns: u64,
    /// The transaction was not acknowledged or lost arbitration.
    pub failed: bool,
}

/// Running totals of the simulated wire.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WireStats {
    /// Transactions of any kind.
    pub transactions: u32,
    /// Total wire time in nanoseconds.
    pub wire_ns: u64,
    /// MCTP frames the requester wrote (including failed attempts).
    pub requester_frames: u32,
    /// MCTP frames the drives wrote to the requester.
    pub drive_frames: u32,
    /// Basic Management block reads.
    pub block_reads: u32,
    /// Bytes on the wire after the address bytes.
    pub bytes: u64,
}

/// The bus time a clock-low fault costs: SMBus 3.2 TTIMEOUT, minimum (25 ms; a device must
/// have released SCL by the 35 ms maximum), after which the controller gives up the frame.
pub const CLOCK_LOW_TIMEOUT_NS: u64 = 25_000_000;

/// What is done to one frame on the wire ([`Faults::request_frame`], [`Faults::response_frame`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum FrameFault {
    /// The MCTP sequence number is off by two (PEC recomputed: only the sequence is wrong).
    WrongSequence,
    /// The frame arrives twice.
    Duplicated,
    /// The frame arrives after the next one.
    Reordered,
    /// The write stops ten bytes early (the byte count promises more than arrives).
    Truncated,
    /// The byte count is one more than the bytes that follow (PEC recomputed).
    WrongByteCount,
}

/// Faults to inject; each counter is decremented as the fault is applied.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Faults {
    /// NACK the address of the next N requester transactions.
    pub nack: u32,
    /// Lose arbitration on the next N requester transactions.
    pub arbitration_loss: u32,
    /// Flip the PEC of the next N frames the requester writes to a drive.
    pub corrupt_request_pec: u32,
    /// Lose the next N frames the requester writes to a drive (acknowledged, then dropped).
    pub drop_request: u32,
    /// Flip the PEC of the next N frames a drive writes to the requester.
    pub corrupt_response_pec: u32,
    /// Lose the next N frames a drive writes to the requester.
    pub drop_response: u32,
    /// A drive holds the clock low on the next N requester transactions: the controller
    /// times out after [`CLOCK_LOW_TIMEOUT_NS`] and reports a bus error.
    pub clock_low: u32,
    /// `(k, fault)`: apply `fault` to the requester's frame after the next `k` (0: the next).
    pub request_frame: Option<(u32, FrameFault)>,
    /// `(k, fault)`: apply `fault` to the drives' frame after the next `k`.
    pub response_frame: Option<(u32, FrameFault)>,
    /// The drives write `k` more frames, then stop answering (in the middle of a message);
    /// `None` heals.
    pub silent_after: Option<u32>,
}

/// `Some(fault)` if the countdown `slot` reaches this frame.
fn due(slot: &mut Option<(u32, FrameFault)>) -> Option<FrameFault> {
    let (k, f) = slot.as_mut()?;
    if *k == 0 {
        let f = *f;
        *slot = None;
        Some(f)
    } else {
        *k -= 1;
        None
    }
}

/// Apply an in-place fault to the whole frame `f[..n]` (address byte first); the new length.
fn mangle(fault: FrameFault, f: &mut [u8; MAX_FRAME_LEN], n: usize) -> usize {
    let repec = |f: &mut [u8; MAX_FRAME_LEN], n: usize| {
        if let Some(last) = n.checked_sub(1) {
            f[last] = nvme_mi_core::mctp::pec::pec(f.get(..last).unwrap_or(&[]));
        }
    };
    match fault {
        FrameFault::WrongSequence => {
            if let Some(flags) = f.get_mut(7) {
                *flags ^= 0x20;
            }
            repec(f, n);
            n
        }
        FrameFault::WrongByteCount => {
            if let Some(count) = f.get_mut(2) {
                *count = count.wrapping_add(1);
            }
            repec(f, n);
            n
        }
        FrameFault::Truncated => n.saturating_sub(10).max(5),
        FrameFault::Duplicated | FrameFault::Reordered => n,
    }
}

fn take(c: &mut u32) -> bool {
    if *c > 0 {
        *c -= 1;
        true
    } else {
        false
    }
}

/// A simulated SMBus segment: the requester at `requester_addr` and `D` drives. See the
/// [module documentation](self).
pub struct SimBus<const D: usize> {
    speed: Speed,
    now_ns: u64,
    requester_addr: u8,
    drives: [SimDrive; D],
    next_drive: usize,
    faults: Faults,
    stats: WireStats,
    log: [Option<Transaction>; LOG_LEN],
    log_pos: usize,
    frame: [u8; MAX_FRAME_LEN],
    /// The requester's target interrupt: woken when a drive has a frame to write.
    rx_waker: Option<Waker>,
    alarms: [Option<(Instant, Waker)>; ALARMS],
    /// A request frame held back (reordered): drive index, frame, length.
    held_request: Option<(usize, [u8; MAX_FRAME_LEN], usize)>,
    /// A response frame to deliver at the next poll (duplicated: it takes the wire again;
    /// reordered: it was on the wire already).
    next_response: Option<([u8; MAX_FRAME_LEN], usize, bool)>,
}

impl<const D: usize> SimBus<D> {
    /// A bus at `speed` with the requester's target at 7-bit `requester_addr`, at time 0.
    pub fn new(speed: Speed, requester_addr: u8, drives: [SimDrive; D]) -> Self {
        SimBus {
            speed,
            now_ns: 0,
            requester_addr,
            drives,
            next_drive: 0,
            faults: Faults::default(),
            stats: WireStats::default(),
            log: [None; LOG_LEN],
            log_pos: 0,
            frame: [0; MAX_FRAME_LEN],
            rx_waker: None,
            alarms: core::array::from_fn(|_| None),
            held_request: None,
            next_response: None,
        }
    }

    /// True if a drive has a frame to write now.
    fn frame_pending(&self) -> bool {
        let now = self.now();
        self.drives
            .iter()
            .any(|d| d.next_event().is_some_and(|t| t <= now))
    }

    /// The simulated timer and target interrupts, for an async executor with nothing left to
    /// run: wake the receive waiter if a drive has a frame to write, and every alarm that is
    /// due; if nothing is due, first let time pass to the earliest alarm or drive deadline.
    /// Returns `false` when nothing at all is scheduled (every task would wait forever).
    pub fn run_timers(&mut self) -> bool {
        let next_alarm = self.alarms.iter().flatten().map(|(t, _)| *t).min();
        let next_drive = self.drives.iter().filter_map(SimDrive::next_event).min();
        let Some(next) = [next_alarm, next_drive].into_iter().flatten().min() else {
            return false;
        };
        if next > self.now() {
            self.now_ns = next.0.saturating_mul(1_000_000);
        }
        let now = self.now();
        if self.frame_pending() {
            if let Some(w) = self.rx_waker.take() {
                w.wake();
            }
        }
        for a in self.alarms.iter_mut() {
            if a.as_ref().is_some_and(|(t, _)| *t <= now) {
                if let Some((_, w)) = a.take() {
                    w.wake();
                }
            }
        }
        true
    }

    fn wake_receiver(&mut self) {
        if self.frame_pending() {
            if let Some(w) = self.rx_waker.take() {
                w.wake();
            }
        }
    }

    /// The requester's I2C controller on `bus`.
    pub fn controller(bus: &RefCell<Self>) -> SimController<'_, D> {
        SimController { bus }
    }

    /// The requester's target receiver on `bus`.
    pub fn receiver(bus: &RefCell<Self>) -> SimReceiver<'_, D> {
        SimReceiver { bus }
    }

    /// The bus's clock.
    pub fn clock(bus: &RefCell<Self>) -> SimClock<'_, D> {
        SimClock { bus }
    }

    /// The bus speed.
    pub fn speed(&self) -> Speed {
        self.speed
    }

    /// Change the bus speed.
    pub fn set_speed(&mut self, speed: Speed) {
        self.speed = speed;
    }

    /// Bus time in nanoseconds.
    pub fn now_ns(&self) -> u64 {
        self.now_ns
    }

    /// Bus time as an [`Instant`] (milliseconds).
    pub fn now(&self) -> Instant {
        Instant(self.now_ns / 1_000_000)
    }

    /// Let `ns` nanoseconds pass.
    pub fn advance_ns(&mut self, ns: u64) {
        self.now_ns = self.now_ns.saturating_add(ns);
    }

    /// The drives.
    pub fn drives(&self) -> &[SimDrive; D] {
        &self.drives
    }

    /// The drives, mutably.
    pub fn drives_mut(&mut self) -> &mut [SimDrive; D] {
        &mut self.drives
    }

    /// The faults still to apply, to set or inspect.
    pub fn faults_mut(&mut self) -> &mut Faults {
        &mut self.faults
    }

    /// The faults still to apply.
    pub fn faults(&self) -> Faults {
        self.faults
    }

    /// Running totals.
    pub fn stats(&self) -> WireStats {
        self.stats
    }

    /// Zero the running totals and the log.
    pub fn reset_stats(&mut self) {
        self.stats = WireStats::default();
        self.log = [None; LOG_LEN];
        self.log_pos = 0;
    }

    /// The last [`LOG_LEN`] transactions, oldest first.
    pub fn log(&self) -> impl Iterator<Item = &Transaction> {
        let (new, old) = self.log.split_at(self.log_pos);
        old.iter().chain(new.iter()).flatten()
    }

    /// The most recent transaction.
    pub fn last_transaction(&self) -> Option<Transaction> {
        let i = self.log_pos.checked_sub(1).unwrap_or(LOG_LEN - 1);
        self.log.get(i).copied().flatten()
    }

    /// Account one transaction: advance time and record it.
    fn record(&mut self, direction: Direction, addr: u8, segments: &[usize], failed: bool) {
        let wire_ns = transaction_bits(segments) * self.speed.bit_ns();
        let bytes: usize = segments.iter().sum();
        let t = Transaction {
            direction,
            addr,
            bytes,
            wire_ns,
            at_ns: self.now_ns,
            failed,
        };
        self.now_ns = self.now_ns.saturating_add(wire_ns);
        self.stats.transactions = self.stats.transactions.saturating_add(1);
        self.stats.wire_ns = self.stats.wire_ns.saturating_add(wire_ns);
        self.stats.bytes = self.stats.bytes.saturating_add(bytes as u64);
        if let Some(slot) = self.log.get_mut(self.log_pos) {
            *slot = Some(t);
        }
        self.log_pos = (self.log_pos + 1) % LOG_LEN;
    }

    /// The requester's controller runs `ops` at `addr`.
    fn transaction(&mut self, addr: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        let mut segments = [0usize; 4];
        let nseg = ops.len().min(segments.len());
        for (s, op) in segments.iter_mut().zip(ops.iter()) {
            *s = match op {
                Operation::Write(w) => w.len(),
                Operation::Read(r) => r.len(),
            };
        }
        let segments = segments.get(..nseg).unwrap_or(&[]);
        let mctp = self.drives.iter().position(|d| d.mctp_addr() == addr);
        let basic = self.drives.iter().position(|d| d.basic_addr() == addr);
        if take(&mut self.faults.arbitration_loss) {
            self.record(Direction::Requester, addr, &[0], true);
            return Err(ErrorKind::ArbitrationLoss);
        }
        if take(&mut self.faults.clock_low) {
            // A device stretches SCL past TTIMEOUT: the controller aborts the frame.
            self.record(Direction::Requester, addr, &[0], true);
            self.advance_ns(CLOCK_LOW_TIMEOUT_NS);
            return Err(ErrorKind::Bus);
        }
        if take(&mut self.faults.nack) || (mctp.is_none() && basic.is_none()) {
            // Start, the address byte clocked out and not acknowledged, stop.
            self.record(Direction::Requester, addr, &[0], true);
            return Err(ErrorKind::NoAcknowledge(NoAcknowledgeSource::Address));
        }
        self.record(Direction::Requester, addr, segments, false);
        let now = self.now();
        if let Some(i) = mctp {
            self.stats.requester_frames = self.stats.requester_frames.saturating_add(1);
            for op in ops.iter_mut() {
                match op {
                    Operation::Write(w) => {
                        if take(&mut self.faults.drop_request) {
                            continue;
                        }
                        // The whole frame, our address byte first, as the drive sees it.
                        let n = (w.len() + 1).min(self.frame.len());
                        self.frame[0] = addr << 1;
                        if let Some(dst) = self.frame.get_mut(1..n) {
                            dst.copy_from_slice(w.get(..n - 1).unwrap_or(&[]));
                        }
                        if take(&mut self.faults.corrupt_request_pec) {
                            if let Some(last) = self.frame.get_mut(n - 1) {
                                *last ^= 0xff;
                            }
                        }
                        let fault = due(&mut self.faults.request_frame);
                        let n = match fault {
                            Some(f) => mangle(f, &mut self.frame, n),
                            None => n,
                        };
                        if fault == Some(FrameFault::Reordered) {
                            self.held_request = Some((i, self.frame, n));
                            continue;
                        }
                        let times = if fault == Some(FrameFault::Duplicated) {
                            2
                        } else {
                            1
                        };
                        if let Some(d) = self.drives.get_mut(i) {
                            for _ in 0..times {
                                d.receive_frame(self.frame.get(1..n).unwrap_or(&[]), now);
                            }
                            if let Some((j, f, m)) = self.held_request.take() {
                                if j == i {
                                    d.receive_frame(f.get(1..m).unwrap_or(&[]), now);
                                }
                            }
                        }
                    }
                    // MCTP over SMBus uses writes only: a read gets ones.
                    Operation::Read(r) => r.fill(0xff),
                }
            }
        } else if let Some(d) = basic.and_then(|i| self.drives.get_mut(i)) {
            let mut read = false;
            for op in ops.iter_mut() {
                match op {
                    Operation::Write(w) => d.basic_write(w),
                    Operation::Read(r) => {
                        d.basic_read(r);
                        read = true;
                    }
                }
            }
            if read {
                self.stats.block_reads = self.stats.block_reads.saturating_add(1);
            }
        }
        self.wake_receiver();
        Ok(())
    }

    /// The next frame a drive writes to the requester, bytes after the address byte.
    fn poll_requester(&mut self, buf: &mut [u8]) -> Option<usize> {
        if let Some((f, n, again)) = self.next_response.take() {
            if again {
                self.record(
                    Direction::Drive,
                    self.requester_addr,
                    &[n.saturating_sub(1)],
                    false,
                );
            }
            let body = f.get(1..n).unwrap_or(&[]);
            let dst = buf.get_mut(..body.len())?;
            dst.copy_from_slice(body);
            return Some(body.len());
        }
        loop {
            let now = self.now();
            let mut frame = [0u8; MAX_FRAME_LEN];
            let mut found = None;
            for k in 0..D {
                let i = (self.next_drive + k) % D.max(1);
                let Some(d) = self.drives.get_mut(i) else {
                    continue;
                };
                if let Some(n) = d.next_frame(now, &mut frame) {
                    found = Some((i, n));
                    break;
                }
            }
            let Some((i, n)) = found else {
                self.advance_ns(IDLE_STEP_NS);
                return None;
            };
            if let Some(left) = self.faults.silent_after.as_mut() {
                if *left == 0 {
                    // The drive stopped answering: nothing of this frame reaches the wire.
                    continue;
                }
                *left -= 1;
            }
            self.next_drive = (i + 1) % D.max(1);
            let dest = frame.first().map_or(0, |b| b >> 1);
            self.record(Direction::Drive, dest, &[n.saturating_sub(1)], false);
            self.stats.drive_frames = self.stats.drive_frames.saturating_add(1);
            if dest != self.requester_addr || take(&mut self.faults.drop_response) {
                continue;
            }
            if take(&mut self.faults.corrupt_response_pec) {
                if let Some(last) = frame.get_mut(n.saturating_sub(1)) {
                    *last ^= 0xff;
                }
            }
            let fault = due(&mut self.faults.response_frame);
            let n = match fault {
                Some(f) => mangle(f, &mut frame, n),
                None => n,
            };
            match fault {
                Some(FrameFault::Duplicated) => self.next_response = Some((frame, n, true)),
                Some(FrameFault::Reordered) => {
                    // Deliver the next frame first, this one after it.
                    let mut next = [0u8; MAX_FRAME_LEN];
                    let got = self.poll_requester(&mut next);
                    self.next_response = Some((frame, n, false));
                    if let Some(m) = got {
                        let dst = buf.get_mut(..m)?;
                        dst.copy_from_slice(next.get(..m).unwrap_or(&[]));
                        return Some(m);
                    }
                    continue;
                }
                _ => {}
            }
            let body = frame.get(1..n).unwrap_or(&[]);
            let dst = buf.get_mut(..body.len())?;
            dst.copy_from_slice(body);
            return Some(body.len());
        }
    }
}

/// The requester's I2C controller on a [`SimBus`].
pub struct SimController<'a, const D: usize> {
    bus: &'a RefCell<SimBus<D>>,
}

impl<const D: usize> embedded_hal::i2c::ErrorType for SimController<'_, D> {
    type Error = ErrorKind;
}

impl<const D: usize> embedded_hal::i2c::I2c for SimController<'_, D> {
    fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), ErrorKind> {
        self.bus
            .try_borrow_mut()
            .map_err(|_| ErrorKind::Other)?
            .transaction(address, operations)
    }
}

impl<const D: usize> embedded_hal_async::i2c::I2c for SimController<'_, D> {
    /// The transaction happens at once (time moves by its wire time), then the future lets
    /// other tasks run once before it completes, as a write that takes wire time would: an
    /// async transport holds the shared controller across that suspension.
    async fn transaction(
        &mut self,
        address: u8,
        operations: &mut [Operation<'_>],
    ) -> Result<(), ErrorKind> {
        let r = embedded_hal::i2c::I2c::transaction(self, address, operations);
        let mut yielded = false;
        core::future::poll_fn(|cx| {
            if yielded {
                core::task::Poll::Ready(())
            } else {
                yielded = true;
                cx.waker().wake_by_ref();
                core::task::Poll::Pending
            }
        })
        .await;
        r
    }
}

/// The requester's I2C target on a [`SimBus`]: what the drives write back.
pub struct SimReceiver<'a, const D: usize> {
    bus: &'a RefCell<SimBus<D>>,
}

impl<const D: usize> TargetReceiver for SimReceiver<'_, D> {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.bus.try_borrow_mut().ok()?.poll_requester(buf)
    }

    fn register_waker(&mut self, waker: &Waker) -> bool {
        let Ok(mut b) = self.bus.try_borrow_mut() else {
            return false;
        };
        if b.frame_pending() {
            waker.wake_by_ref();
        } else {
            b.rx_waker = Some(waker.clone());
        }
        true
    }
}

/// The simulated time of a [`SimBus`].
pub struct SimClock<'a, const D: usize> {
    bus: &'a RefCell<SimBus<D>>,
}

impl<const D: usize> Clock for SimClock<'_, D> {
    fn now(&mut self) -> Instant {
        self.bus
            .try_borrow()
            .map(|b| b.now())
            .unwrap_or(Instant::ZERO)
    }

    fn wake_at(&mut self, at: Instant, waker: &Waker) -> bool {
        let Ok(mut b) = self.bus.try_borrow_mut() else {
            return false;
        };
        if at <= b.now() {
            waker.wake_by_ref();
            return true;
        }
        let slots = &mut b.alarms;
        let slot = match slots
            .iter()
            .position(|a| a.as_ref().is_some_and(|(_, w)| w.will_wake(waker)))
        {
            Some(i) => slots.get_mut(i),
            None => slots.iter_mut().find(|a| a.is_none()),
        };
        match slot {
            Some(s) => {
                *s = Some((at, waker.clone()));
                true
            }
            None => false,
        }
    }
}
