//! The drive-side transport against the requester-side one: a requester ([`AsyncEndpoint`]
//! over [`AsyncI2cTransport`]) and a drive ([`serve_async`] of the simulated subsystem over
//! [`AsyncI2cResponder`]), each with its own I2C controller and target queue, wired to each
//! other's target address, in one executor; and the blocking pair on two threads. Both
//! sides fragment, reassemble and check PEC with the core; the drive answers two requesters.
//! And one node that is requester and responder at one address on a segment shared with a
//! drive and a third party.

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::{Arc, Mutex};
use std::task::Waker;
use std::time::Duration;

use embedded_hal::i2c::{ErrorKind, ErrorType, Operation};
use nvme_mi_core::mctp::header::Packet as McPacket;
use nvme_mi_core::mctp::smbus::decode_received;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{AsyncEndpoint, Config, Endpoint};
use nvme_mi_core::responder::{serve, serve_async, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::ResponderTransport;
use nvme_mi_i2c::{
    AsyncI2cResponder, AsyncI2cTransport, Bus, Clock, FrameQueue, I2cResponder, I2cTransport,
    TargetReceiver,
};
use nvme_mi_sim::Sim;

mod common;
use common::run_tasks;

const DRIVE: u8 = 0x1d;
const DRIVE_EID: Eid = Eid(9);

type Queue = Rc<RefCell<FrameQueue<80>>>;

/// A controller onto one wire shared by every node: a write lands in the queue of the node
/// at its address. A node that is both requester and responder at one address (`split`)
/// has two queues, and its target interrupt hands each frame to one of them by the tag owner
/// bit of its MCTP header (DSP0236 1.3.3, 8.3): requests (TO = 1) to the responder, responses
/// (TO = 0) to the requester's bus.
#[derive(Clone)]
struct Wire {
    nodes: Vec<(u8, Queue)>,
    split: Option<(u8, Queue, Queue)>,
}

impl Wire {
    /// A wire to these nodes, none of them split.
    fn to(nodes: Vec<(u8, Queue)>) -> Self {
        Wire { nodes, split: None }
    }
}

/// A health poll and Identify Controller of the drive at `addr` / `eid` through `bus`: a
/// plausible temperature and the drive's serial number.
async fn health_and_identify(bus: &RefCell<Bus<Wire, Rx, Ms>>, addr: u8, eid: Eid, serial: &str) {
    let mut tr = AsyncI2cTransport::new(bus, addr, eid);
    let mut ep = AsyncEndpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .await
        .unwrap();
    assert!((35..=45).contains(&h.health.ctemp));
    let r = ep
        .admin(1, &Identify::controller(), 0, 4096, &[])
        .await
        .unwrap();
    assert_eq!(IdentifyController::read(r.data).unwrap().sn(), serial);
}

impl ErrorType for Wire {
    type Error = ErrorKind;
}

impl embedded_hal::i2c::I2c for Wire {
    fn transaction(&mut self, addr: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        for op in ops {
            let Operation::Write(w) = op else { continue };
            let q = match &self.split {
                Some((a, requests, responses)) if *a == addr => {
                    let (_, packet) = decode_received(addr, w).expect("a valid frame");
                    let to = McPacket::new_checked(packet).expect("a header").tag_owner();
                    if to {
                        requests
                    } else {
                        responses
                    }
                }
                _ => match self.nodes.iter().find(|(a, _)| *a == addr) {
                    Some((_, q)) => q,
                    None => {
                        return Err(ErrorKind::NoAcknowledge(
                            embedded_hal::i2c::NoAcknowledgeSource::Address,
                        ))
                    }
                },
            };
            q.borrow_mut().push_frame(w);
        }
        Ok(())
    }
}

impl embedded_hal_async::i2c::I2c for Wire {
    async fn transaction(&mut self, a: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        embedded_hal::i2c::I2c::transaction(self, a, ops)
    }
}

/// Our end of a queue the wire fills (the target interrupt's side is the wire).
struct Rx(Queue);

impl TargetReceiver for Rx {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        self.0.borrow_mut().poll_frame(buf)
    }
    fn register_waker(&mut self, w: &Waker) -> bool {
        self.0.borrow_mut().register_waker(w)
    }
}

/// Shared milliseconds with alarms; time moves only when the executor is idle, to the
/// earliest alarm.
#[derive(Clone, Default)]
struct Ms(Rc<Cell<u64>>, Rc<RefCell<Vec<(u64, Waker)>>>);

impl Clock for Ms {
    fn now(&mut self) -> Instant {
        Instant(self.0.get())
    }
    fn wake_at(&mut self, at: Instant, w: &Waker) -> bool {
        let mut alarms = self.1.borrow_mut();
        alarms.retain(|(_, x)| !x.will_wake(w));
        alarms.push((at.0, w.clone()));
        true
    }
}

impl Ms {
    /// The timer interrupt: advance to the earliest alarm and fire the due ones.
    fn fire(&self) {
        let mut alarms = self.1.borrow_mut();
        let next = alarms
            .iter()
            .map(|(t, _)| *t)
            .min()
            .expect("a task waits without an alarm");
        self.0.set(self.0.get().max(next));
        let now = self.0.get();
        alarms.retain(|(t, w)| {
            if *t <= now {
                w.wake_by_ref();
            }
            *t > now
        });
    }
}

#[test]
fn async_requesters_and_async_drive_over_one_segment() {
    let to_drive: Queue = Rc::default();
    let to_bmc_a: Queue = Rc::default();
    let to_bmc_b: Queue = Rc::default();
    let ms = Ms::default();
    let sim = Sim::new(5);
    let serial = sim.serial_number().to_owned();
    let mut drive = AsyncI2cResponder::new(
        Wire::to(vec![(0x10, to_bmc_a.clone()), (0x11, to_bmc_b.clone())]),
        Rx(to_drive.clone()),
        ms.clone(),
        DRIVE,
        DRIVE_EID,
    );
    // Two requesters (BMC at 0x10 / EID 8, a second controller at 0x11 / EID 10).
    let bus_a = RefCell::new(Bus::new(
        Wire::to(vec![(DRIVE, to_drive.clone())]),
        Rx(to_bmc_a.clone()),
        ms.clone(),
        0x10,
        Eid(8),
    ));
    let bus_b = RefCell::new(Bus::new(
        Wire::to(vec![(DRIVE, to_drive.clone())]),
        Rx(to_bmc_b.clone()),
        ms.clone(),
        0x11,
        Eid(10),
    ));
    let done = Rc::new(Cell::new(0));
    let stop = Instant(60_000);
    let mut engine = Responder::new(sim, DRIVE_EID);
    let server = async {
        let (mut rx, mut tx) = (vec![0u8; MAX_MESSAGE_LEN], vec![0u8; MAX_MESSAGE_LEN]);
        serve_async(&mut drive, &mut engine, &mut rx, &mut tx, Some(stop))
            .await
            .unwrap();
    };
    let client = |b| {
        let (done, serial) = (done.clone(), serial.clone());
        async move {
            health_and_identify(b, DRIVE, DRIVE_EID, &serial).await;
            done.set(done.get() + 1);
        }
    };
    let clock = ms.clone();
    let tasks: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = vec![
        Box::pin(server),
        Box::pin(client(&bus_a)),
        Box::pin(client(&bus_b)),
    ];
    let polls = run_tasks(tasks, || clock.fire());
    assert!(polls < 1_000, "{polls} polls");
    assert_eq!(done.get(), 2);
    // Every frame each way passed the PEC check; nothing was dropped anywhere.
    let s = drive.stats();
    assert_eq!((s.pec_errors, s.bad_frames, s.dropped_packets), (0, 0, 0));
    assert_eq!(s.frames_received, 2 * (1 + 2));
    assert_eq!(s.frames_sent, 2 * (1 + 65));
    for b in [&bus_a, &bus_b] {
        let b = b.borrow();
        assert_eq!(b.stats().frames_received, 1 + 65);
        assert_eq!(b.drop_counters().total(), 0);
    }
}

/// One segment, four endpoints, one executor: node M (0x10, EID 8) is at once a requester,
/// reading another drive D (0x1d, EID 9) through its [`Bus`], and a drive answering a third
/// party T (0x20, EID 12) through an [`AsyncI2cResponder`] at the same address and EID. Every
/// exchange completes with the right drive's serial number; nothing is stray or dropped.
#[test]
fn one_node_requests_and_responds_on_one_segment() {
    const M: u8 = 0x10;
    const M_EID: Eid = Eid(8);
    const T: u8 = 0x20;
    let (to_d, to_m_requests, to_m_responses, to_t): (Queue, Queue, Queue, Queue) =
        Default::default();
    let wire = Wire {
        nodes: vec![(DRIVE, to_d.clone()), (T, to_t.clone())],
        split: Some((M, to_m_requests.clone(), to_m_responses.clone())),
    };
    let ms = Ms::default();
    let (sim_d, sim_m) = (Sim::new(5), Sim::new(7));
    let (serial_d, serial_m) = (
        sim_d.serial_number().to_owned(),
        sim_m.serial_number().to_owned(),
    );
    assert_ne!(serial_d, serial_m);
    let mut drive_d = AsyncI2cResponder::new(wire.clone(), Rx(to_d), ms.clone(), DRIVE, DRIVE_EID);
    let mut local = AsyncI2cResponder::new(wire.clone(), Rx(to_m_requests), ms.clone(), M, M_EID);
    let bus_m = RefCell::new(Bus::new(
        wire.clone(),
        Rx(to_m_responses),
        ms.clone(),
        M,
        M_EID,
    ));
    let bus_t = RefCell::new(Bus::new(wire, Rx(to_t), ms.clone(), T, Eid(12)));
    let (mut engine_d, mut engine_m) = (
        Responder::new(sim_d, DRIVE_EID),
        Responder::new(sim_m, M_EID),
    );
    let stop = Instant(60_000);
    let done = Rc::new(Cell::new(0));
    let server = |t: &'static str, drive, engine| async move {
        let (mut rx, mut tx) = (vec![0u8; MAX_MESSAGE_LEN], vec![0u8; MAX_MESSAGE_LEN]);
        serve_async(drive, engine, &mut rx, &mut tx, Some(stop))
            .await
            .unwrap_or_else(|e| panic!("{t}: {e}"));
    };
    let client = |b, addr, eid, serial: String| {
        let done = done.clone();
        async move {
            health_and_identify(b, addr, eid, &serial).await;
            done.set(done.get() + 1);
        }
    };
    let clock = ms.clone();
    let tasks: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = vec![
        Box::pin(server("D", &mut drive_d, &mut engine_d)),
        Box::pin(server("M", &mut local, &mut engine_m)),
        Box::pin(client(&bus_m, DRIVE, DRIVE_EID, serial_d)),
        Box::pin(client(&bus_t, M, M_EID, serial_m)),
    ];
    let polls = run_tasks(tasks, || clock.fire());
    assert_eq!(done.get(), 2, "both requesters finished");
    assert!(polls < 1_000, "{polls} polls");
    // M's responder saw only T's requests, M's bus only D's responses: health (one frame
    // each way) and Identify (two request frames, 65 response frames).
    for s in [drive_d.stats(), local.stats()] {
        assert_eq!((s.pec_errors, s.bad_frames, s.dropped_packets), (0, 0, 0));
        assert_eq!((s.frames_received, s.frames_sent), (1 + 2, 1 + 65));
    }
    for b in [&bus_m, &bus_t] {
        let b = b.borrow();
        assert_eq!(b.stats().frames_received, 1 + 65);
        assert_eq!(b.stats().stray_messages, 0);
        assert_eq!(b.drop_counters().total(), 0);
    }
}

/// The blocking pair, each side on its own thread, queues shared through mutexes.
#[test]
fn blocking_requester_and_blocking_drive_on_two_threads() {
    type SQueue = Arc<Mutex<FrameQueue<80>>>;
    struct SWire(u8, SQueue);
    impl ErrorType for SWire {
        type Error = ErrorKind;
    }
    impl embedded_hal::i2c::I2c for SWire {
        fn transaction(&mut self, a: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
            if a != self.0 {
                return Err(ErrorKind::NoAcknowledge(
                    embedded_hal::i2c::NoAcknowledgeSource::Address,
                ));
            }
            for op in ops {
                if let Operation::Write(w) = op {
                    self.1.lock().unwrap().push_frame(w);
                }
            }
            Ok(())
        }
    }
    struct SRx(SQueue);
    impl TargetReceiver for SRx {
        fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
            let r = self.0.lock().unwrap().poll_frame(buf);
            if r.is_none() {
                std::thread::yield_now();
            }
            r
        }
    }
    struct Wall(std::time::Instant);
    impl Clock for Wall {
        fn now(&mut self) -> Instant {
            Instant(self.0.elapsed().as_millis() as u64)
        }
    }
    let to_drive: SQueue = Arc::default();
    let to_bmc: SQueue = Arc::default();
    let sim = Sim::new(6);
    let serial = sim.serial_number().to_owned();
    let (d_rx, d_tx) = (to_drive.clone(), to_bmc.clone());
    let stop = Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stop_server = stop.clone();
    let server = std::thread::spawn(move || {
        let mut drive = I2cResponder::new(
            SWire(0x10, d_tx),
            SRx(d_rx),
            Wall(std::time::Instant::now()),
            DRIVE,
            DRIVE_EID,
        );
        let mut engine = Responder::new(sim, DRIVE_EID);
        let (mut rx, mut tx) = (vec![0u8; MAX_MESSAGE_LEN], vec![0u8; MAX_MESSAGE_LEN]);
        // Serve in short windows until the requester is done (no wall-clock bound).
        while !stop_server.load(std::sync::atomic::Ordering::SeqCst) {
            let until = ResponderTransport::now(&mut drive) + Duration::from_millis(20);
            serve(&mut drive, &mut engine, &mut rx, &mut tx, Some(until)).unwrap();
        }
        drive.stats()
    });
    let bus = RefCell::new(Bus::new(
        SWire(DRIVE, to_drive),
        SRx(to_bmc),
        Wall(std::time::Instant::now()),
        0x10,
        Eid(8),
    ));
    let mut tr = I2cTransport::new(&bus, DRIVE, DRIVE_EID);
    let config = Config::default().with_timeout(Duration::from_secs(5));
    let mut ep = Endpoint::with_config(&mut tr, vec![0u8; MAX_MESSAGE_LEN], config);
    let r = ep.admin(1, &Identify::controller(), 0, 4096, &[]).unwrap();
    assert_eq!(IdentifyController::read(r.data).unwrap().sn(), serial);
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let s = server.join().unwrap();
    assert_eq!((s.frames_received, s.frames_sent, s.pec_errors), (2, 65, 0));
}
