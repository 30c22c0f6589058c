//! Four simulated drives on one SMBus segment, polled concurrently from one executor through
//! async transports sharing one [`Bus`]: every task completes, the controller is taken in
//! turn, the waits sleep (the executor polls only woken tasks), and the wire time shows the
//! bus shared (the responses interleave, so every task finishes near the end).
#![cfg(feature = "sim")]

use std::cell::{Cell, RefCell};
use std::future::Future;
use std::pin::Pin;
use std::rc::Rc;

use nvme_mi_core::basic_mgmt::DEFAULT_ADDRESS;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::AsyncEndpoint;
use nvme_mi_i2c::sim::{SimBus, SimDrive, Speed};
use nvme_mi_i2c::{AsyncI2cTransport, Bus};

mod common;
use common::{run_tasks, BMC_ADDR, BMC_EID};

const ADDRS: [u8; 4] = [0x1d, 0x1e, 0x1f, 0x20];

#[test]
fn four_drives_polled_concurrently_share_the_bus() {
    let drives: [SimDrive; 4] = core::array::from_fn(|i| {
        SimDrive::with_eid(
            40 + i as u64,
            ADDRS[i],
            DEFAULT_ADDRESS + i as u8,
            Eid(20 + i as u8),
        )
    });
    let world = RefCell::new(SimBus::new(Speed::Khz400, BMC_ADDR, drives));
    let serials: Vec<String> = world
        .borrow()
        .drives()
        .iter()
        .map(|d| d.sim().serial_number().to_owned())
        .collect();
    let bus = RefCell::new(Bus::new(
        SimBus::controller(&world),
        SimBus::receiver(&world),
        SimBus::clock(&world),
        BMC_ADDR,
        BMC_EID,
    ));
    let finished: Rc<Vec<Cell<u64>>> = Rc::new((0..4).map(|_| Cell::new(0)).collect());
    let tasks: Vec<Pin<Box<dyn Future<Output = ()> + '_>>> = (0..4)
        .map(|i| {
            let (bus, world, finished) = (&bus, &world, finished.clone());
            let serial = serials[i].clone();
            Box::pin(async move {
                let mut tr = AsyncI2cTransport::new(bus, ADDRS[i], Eid(20 + i as u8));
                let mut ep = AsyncEndpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
                let h = ep
                    .mi_command(&SubsystemHealthStatusPollRequest {
                        clear_status: false,
                    })
                    .await
                    .expect("health poll");
                assert!((35..=45).contains(&h.health.ctemp));
                let r = ep
                    .admin(1, &Identify::controller(), 0, 4096, &[])
                    .await
                    .expect("identify");
                assert_eq!(IdentifyController::read(r.data).unwrap().sn(), serial);
                finished[i].set(world.borrow().now_ns());
            }) as Pin<Box<dyn Future<Output = ()>>>
        })
        .collect();
    let polls = run_tasks(tasks, || {
        assert!(
            world.borrow_mut().run_timers(),
            "every task waits and nothing is scheduled"
        );
    });
    let w = world.borrow();
    let stats = w.stats();
    // Health: one frame each way; Identify: two request frames (its 73 bytes), 4120 / 64 → 65
    // response frames.
    assert_eq!(stats.drive_frames, 4 * (1 + 65));
    assert_eq!(stats.requester_frames, 4 * (1 + 2));
    let end = w.now_ns();
    let first = finished.iter().map(Cell::get).min().unwrap();
    println!(
        "4 drives: {polls} polls, wire {} ms, elapsed {} ms, first done at {} ms",
        stats.wire_ns / 1_000_000,
        end / 1_000_000,
        first / 1_000_000
    );
    // The bus was busy for at least the sum of all transactions ...
    assert!(end >= stats.wire_ns);
    // ... and shared: one after the other, the first would be done after a quarter of it.
    assert!(first * 4 > end * 3, "first done at {first} of {end} ns");
    // Sleeping waits: a handful of polls per frame, not a busy loop.
    assert!(polls < 4 * 70 * 4, "{polls} polls");
    let b = bus.borrow();
    assert_eq!(b.stats().stray_messages, 0);
    assert_eq!(b.drop_counters().total(), 0);
    for i in 0..4 {
        assert_eq!(b.tags_in_use(Eid(20 + i)), 0);
    }
}
