//! The receive path over `embedded-mcu-hal`'s I2C target traits: scripted peripheral events
//! (chunked writes, over-long writes, reads, bus conditions, errors), and whole commands
//! against the simulated drive where every frame the drive writes back reaches the requester
//! through `next_write` and a `FrameQueue`.
#![cfg(all(feature = "embedded-mcu-hal", feature = "sim"))]

use std::cell::RefCell;
use std::collections::VecDeque;

use embedded_mcu_hal::i2c::target::{
    asynch, blocking, ErrorKind, ErrorType, ReadStatus, Request, WriteStatus,
};
use nvme_mi_core::basic_mgmt::DEFAULT_ADDRESS;
use nvme_mi_core::mctp::smbus;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_i2c::mcu_target::{next_write, next_write_async, Received};
use nvme_mi_i2c::sim::{SimBus, SimDrive, SimReceiver, Speed};
use nvme_mi_i2c::{Bus, FrameQueue, I2cTransport, TargetReceiver, MAX_RECEIVED_LEN};

const BMC_ADDR: u8 = 0x10;
const DRIVE_ADDR: u8 = 0x1d;

/// What the controller does on the bus, as the peripheral reports it.
#[derive(Debug, Clone)]
enum Ev {
    /// A write of these bytes, ended by a stop.
    Write(Vec<u8>),
    /// A read of up to this many bytes, then a stop.
    Read(usize),
    Stop,
    RepeatedStart,
    SmbusAlert,
    /// A bus error in the middle of the next write's data.
    BusErrorMidWrite(Vec<u8>),
}

/// A scripted target peripheral: each `listen` takes the next event; writes are handed over
/// in chunks of at most `fifo` bytes, as a peripheral with a small FIFO would.
struct Scripted {
    events: VecDeque<Ev>,
    fifo: usize,
    /// The write in progress and how far it got; `fail_at` for a bus error.
    writing: Option<(Vec<u8>, usize, Option<usize>)>,
    reading: Option<usize>,
    /// Bytes we clocked out to reading controllers.
    read_out: Vec<u8>,
}

impl Scripted {
    fn new(fifo: usize, events: impl IntoIterator<Item = Ev>) -> Self {
        Scripted {
            events: events.into_iter().collect(),
            fifo,
            writing: None,
            reading: None,
            read_out: Vec::new(),
        }
    }
}

impl ErrorType for Scripted {
    type Error = ErrorKind;
}

impl blocking::I2c for Scripted {
    fn recover(&mut self) -> Result<(), ErrorKind> {
        self.writing = None;
        self.reading = None;
        Ok(())
    }

    fn listen(&mut self) -> Result<Request, ErrorKind> {
        match self.events.pop_front().ok_or(ErrorKind::Other)? {
            Ev::Write(b) => {
                self.writing = Some((b, 0, None));
                Ok(Request::Write(BMC_ADDR))
            }
            Ev::BusErrorMidWrite(b) => {
                let at = b.len() / 2;
                self.writing = Some((b, 0, Some(at)));
                Ok(Request::Write(BMC_ADDR))
            }
            Ev::Read(n) => {
                self.reading = Some(n);
                Ok(Request::Read(BMC_ADDR))
            }
            Ev::Stop => Ok(Request::Stop(BMC_ADDR)),
            Ev::RepeatedStart => Ok(Request::RepeatedStart(BMC_ADDR)),
            Ev::SmbusAlert => Ok(Request::SmbusAlert),
        }
    }

    fn respond_to_read(&mut self, buf: &[u8]) -> Result<ReadStatus, ErrorKind> {
        let want = self.reading.ok_or(ErrorKind::Other)?;
        let n = want.min(buf.len());
        self.read_out.extend_from_slice(&buf[..n]);
        if want > buf.len() {
            self.reading = Some(want - buf.len());
            Ok(ReadStatus::NeedMore(n))
        } else {
            self.reading = None;
            Ok(ReadStatus::EarlyStop(n))
        }
    }

    fn respond_to_write(&mut self, buf: &mut [u8]) -> Result<WriteStatus, ErrorKind> {
        let (bytes, pos, fail_at) = self.writing.as_mut().ok_or(ErrorKind::Other)?;
        if fail_at.is_some_and(|f| *pos >= f) {
            self.writing = None;
            return Err(ErrorKind::Bus);
        }
        let n = (bytes.len() - *pos).min(buf.len()).min(self.fifo);
        buf[..n].copy_from_slice(&bytes[*pos..*pos + n]);
        *pos += n;
        if *pos == bytes.len() {
            self.writing = None;
            Ok(WriteStatus::Stopped(n))
        } else {
            Ok(WriteStatus::BufferFull(n))
        }
    }
}

impl asynch::I2c for Scripted {
    async fn recover(&mut self) -> Result<(), ErrorKind> {
        blocking::I2c::recover(self)
    }
    async fn listen(&mut self) -> Result<Request, ErrorKind> {
        blocking::I2c::listen(self)
    }
    async fn respond_to_read(&mut self, buf: &[u8]) -> Result<ReadStatus, ErrorKind> {
        blocking::I2c::respond_to_read(self, buf)
    }
    async fn respond_to_write(&mut self, buf: &mut [u8]) -> Result<WriteStatus, ErrorKind> {
        blocking::I2c::respond_to_write(self, buf)
    }
}

/// The bytes a drive writes to us for `packet`: command code to PEC, without our address.
fn frame_to_us(packet: &[u8]) -> Vec<u8> {
    let mut out = [0u8; smbus::MAX_FRAME_LEN];
    let n = smbus::emit(BMC_ADDR, DRIVE_ADDR, packet, &mut out).expect("frame");
    out[1..n].to_vec()
}

/// A plausible MCTP packet (SOM/EOM, tag 1) with `len` bytes of message.
fn packet(len: usize) -> Vec<u8> {
    let mut p = vec![0x01, BMC_ADDR, 0x1d, 0xc1];
    p.extend((0..len).map(|i| i as u8));
    p
}

#[test]
fn chunked_writes_arrive_whole_and_pass_the_pec_check() {
    for fifo in [1, 7, 16, 64, 300] {
        let frames = [frame_to_us(&packet(64)), frame_to_us(&packet(250))];
        let events = [
            Ev::Stop,
            Ev::Write(frames[0].clone()),
            Ev::RepeatedStart,
            Ev::SmbusAlert,
            Ev::Write(frames[1].clone()),
        ];
        let mut target = Scripted::new(fifo, events);
        let mut buf = [0u8; MAX_RECEIVED_LEN];
        let mut queue: FrameQueue<2> = FrameQueue::new();
        for f in &frames {
            assert_eq!(
                next_write(&mut target, &mut buf),
                Ok(Received::Frame(f.len()))
            );
            queue.push_frame(&buf[..f.len()]);
        }
        for f in &frames {
            let n = queue.poll_frame(&mut buf).expect("queued");
            assert_eq!(&buf[..n], &f[..], "fifo {fifo}");
            let (repr, pkt) = smbus::decode_received(BMC_ADDR, &buf[..n]).expect("PEC");
            assert_eq!((repr.dest_addr, repr.src_addr), (BMC_ADDR, DRIVE_ADDR));
            assert_eq!(pkt.len(), f.len() - 4);
        }
    }
}

#[test]
fn an_over_long_write_is_drained_and_reported_then_the_next_frame_arrives() {
    let long: Vec<u8> = (0..400).map(|i| i as u8).collect();
    let good = frame_to_us(&packet(32));
    let mut target = Scripted::new(16, [Ev::Write(long), Ev::Write(good.clone())]);
    let mut buf = [0u8; MAX_RECEIVED_LEN];
    assert_eq!(
        next_write(&mut target, &mut buf),
        Ok(Received::TooLong(400))
    );
    assert_eq!(
        next_write(&mut target, &mut buf),
        Ok(Received::Frame(good.len()))
    );
    assert_eq!(&buf[..good.len()], &good[..]);
    // A buffer too small for the frame: the frame is reported too long, not truncated.
    let mut target = Scripted::new(16, [Ev::Write(good.clone())]);
    let mut small = [0u8; 20];
    assert_eq!(
        next_write(&mut target, &mut small),
        Ok(Received::TooLong(good.len()))
    );
}

#[test]
fn reads_are_refused_with_idle_bytes() {
    let mut target = Scripted::new(16, [Ev::Read(5), Ev::Read(10_000)]);
    let mut buf = [0u8; MAX_RECEIVED_LEN];
    assert_eq!(
        next_write(&mut target, &mut buf),
        Ok(Received::ReadRefused { finished: true })
    );
    assert_eq!(target.read_out, vec![0xff; 5]);
    // A controller that reads on and on is left to recover(), after a bounded number of bytes.
    assert_eq!(
        next_write(&mut target, &mut buf),
        Ok(Received::ReadRefused { finished: false })
    );
    let given = target.read_out.len() - 5;
    assert!(
        (MAX_RECEIVED_LEN..MAX_RECEIVED_LEN + 32).contains(&given),
        "{given}"
    );
    assert!(target.read_out.iter().all(|&b| b == 0xff));
}

#[test]
fn a_bus_error_mid_write_is_returned_and_the_next_write_is_whole() {
    let good = frame_to_us(&packet(64));
    let mut target = Scripted::new(
        8,
        [Ev::BusErrorMidWrite(good.clone()), Ev::Write(good.clone())],
    );
    let mut buf = [0u8; MAX_RECEIVED_LEN];
    assert_eq!(next_write(&mut target, &mut buf), Err(ErrorKind::Bus));
    blocking::I2c::recover(&mut target).unwrap();
    assert_eq!(
        next_write(&mut target, &mut buf),
        Ok(Received::Frame(good.len()))
    );
    assert_eq!(&buf[..good.len()], &good[..]);
    // The peripheral's own error surfaces as is when the script runs out.
    assert_eq!(next_write(&mut target, &mut buf), Err(ErrorKind::Other));
}

/// Polls a future that never waits (the scripted peripheral is always ready) to completion.
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let mut cx = std::task::Context::from_waker(std::task::Waker::noop());
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn the_async_twin_collects_the_same() {
    let frame = frame_to_us(&packet(100));
    let mut target = Scripted::new(
        5,
        [
            Ev::Stop,
            Ev::Write(frame.clone()),
            Ev::Read(3),
            Ev::Write(vec![0; 300]),
        ],
    );
    let mut buf = [0u8; MAX_RECEIVED_LEN];
    assert_eq!(
        block_on(next_write_async(&mut target, &mut buf)),
        Ok(Received::Frame(frame.len()))
    );
    assert_eq!(&buf[..frame.len()], &frame[..]);
    assert_eq!(
        block_on(next_write_async(&mut target, &mut buf)),
        Ok(Received::ReadRefused { finished: true })
    );
    assert_eq!(
        block_on(next_write_async(&mut target, &mut buf)),
        Ok(Received::TooLong(300))
    );
}

/// The requester's target peripheral on the simulated bus: every frame a drive writes to us
/// appears as a `listen` → `Write` event, handed over in small FIFO chunks.
struct SimPeripheral<'w> {
    bus: SimReceiver<'w, 1>,
    inner: Scripted,
}

impl SimPeripheral<'_> {
    /// Whether the bus has an event for us (so that the blocking `listen` would not wait).
    fn pending(&mut self) -> bool {
        if self.inner.events.is_empty() {
            let mut f = [0u8; MAX_RECEIVED_LEN];
            if let Some(n) = self.bus.poll_frame(&mut f) {
                self.inner.events.push_back(Ev::Write(f[..n].to_vec()));
            }
        }
        !self.inner.events.is_empty()
    }
}

/// The receive path an application builds: the peripheral feeds a queue through `next_write`;
/// the transport takes frames from the queue.
struct McuReceiver<'w> {
    target: SimPeripheral<'w>,
    queue: FrameQueue<2>,
    refused: usize,
}

impl TargetReceiver for McuReceiver<'_> {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        // One write at a time, as a peripheral interrupt would deliver them.
        if self.queue.is_empty() && self.target.pending() {
            let mut w = [0u8; MAX_RECEIVED_LEN];
            match next_write(&mut self.target.inner, &mut w) {
                Ok(Received::Frame(n)) => self.queue.push_frame(&w[..n]),
                _ => self.refused += 1,
            }
        }
        self.queue.poll_frame(buf)
    }
}

#[test]
fn whole_commands_against_the_simulated_drive_through_the_target_trait() {
    let world = RefCell::new(SimBus::new(
        Speed::Khz400,
        BMC_ADDR,
        [SimDrive::new(5, DRIVE_ADDR, DEFAULT_ADDRESS)],
    ));
    let rx = McuReceiver {
        target: SimPeripheral {
            bus: SimBus::receiver(&world),
            inner: Scripted::new(16, []),
        },
        queue: FrameQueue::new(),
        refused: 0,
    };
    let bus = RefCell::new(Bus::new(
        SimBus::controller(&world),
        rx,
        SimBus::clock(&world),
        BMC_ADDR,
        Eid(8),
    ));
    let mut drive = I2cTransport::new(&bus, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut drive, vec![0u8; 4224]);
    let health = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .expect("health poll");
    assert!(
        (20..=60).contains(&health.health.ctemp),
        "{:?}",
        health.health
    );
    // 4 KiB in 64-byte packets: dozens of frames, each through next_write and the queue.
    let id = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .expect("identify");
    let id = IdentifyController::read(id.data).expect("identify data");
    assert_eq!(id.mn().trim(), nvme_mi_sim::MODEL);
    drop(ep);
    let mut bus = bus.borrow_mut();
    let rx = bus.receiver_mut();
    assert_eq!(rx.refused, 0);
    assert!(rx.queue.stats().frames > 64, "{:?}", rx.queue.stats());
}
