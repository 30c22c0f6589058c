//! The simulated SMBus segment the `sim` tests and benchmarks share: one BMC (the requester,
//! at 0x10, EID 8) and simulated drives, with the I2C transport's bus on top.
#![allow(dead_code)]

use std::cell::RefCell;

use nvme_mi_core::basic_mgmt::DEFAULT_ADDRESS;
use nvme_mi_core::mctp::Eid;
use nvme_mi_i2c::sim::{SimBus, SimClock, SimController, SimDrive, SimReceiver, Speed};
use nvme_mi_i2c::{Bus, I2cTransport};

/// The BMC's 7-bit target address.
pub const BMC_ADDR: u8 = 0x10;
/// The BMC's EID.
pub const BMC_EID: Eid = Eid(8);
/// The drive's 7-bit address of its MCTP endpoint (the simulated drive's port 1).
pub const DRIVE_ADDR: u8 = 0x1d;

/// A simulated segment with `D` drives.
pub type World<const D: usize> = RefCell<SimBus<D>>;
/// The requester's side of a segment.
pub type SimI2cBus<'w, const D: usize> =
    RefCell<Bus<SimController<'w, D>, SimReceiver<'w, D>, SimClock<'w, D>>>;
/// A transport to one drive of a one-drive segment.
pub type Tr<'b, 'w> = I2cTransport<'b, SimController<'w, 1>, SimReceiver<'w, 1>, SimClock<'w, 1>>;

/// A segment at `speed` with one drive of `seed` at [`DRIVE_ADDR`].
pub fn world(seed: u64, speed: Speed) -> Box<World<1>> {
    Box::new(RefCell::new(SimBus::new(
        speed,
        BMC_ADDR,
        [SimDrive::new(seed, DRIVE_ADDR, DEFAULT_ADDRESS)],
    )))
}

/// The requester's bus on segment `w`.
pub fn bus<const D: usize>(w: &World<D>) -> SimI2cBus<'_, D> {
    RefCell::new(Bus::new(
        SimBus::controller(w),
        SimBus::receiver(w),
        SimBus::clock(w),
        BMC_ADDR,
        BMC_EID,
    ))
}

/// Run `tasks` on this thread, polling a task only when it was woken; when none is, call
/// `idle` (the simulated timer interrupt). Returns how often tasks were polled; fails if the
/// executor is kept busy (more than 100 000 polls).
pub fn run_tasks<'a>(
    mut tasks: Vec<std::pin::Pin<Box<dyn std::future::Future<Output = ()> + 'a>>>,
    mut idle: impl FnMut(),
) -> usize {
    use std::sync::atomic::{AtomicBool, Ordering};
    use std::sync::Arc;
    use std::task::{Context, Wake, Waker};

    struct Flag(AtomicBool);
    impl Wake for Flag {
        fn wake(self: Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
        fn wake_by_ref(self: &Arc<Self>) {
            self.0.store(true, Ordering::SeqCst);
        }
    }
    let flags: Vec<Arc<Flag>> = tasks
        .iter()
        .map(|_| Arc::new(Flag(AtomicBool::new(true))))
        .collect();
    let wakers: Vec<Waker> = flags.iter().map(|f| Waker::from(f.clone())).collect();
    let mut done = vec![false; tasks.len()];
    let mut polls = 0;
    while done.iter().any(|d| !d) {
        let mut ran = false;
        for i in 0..tasks.len() {
            if done[i] || !flags[i].0.swap(false, Ordering::SeqCst) {
                continue;
            }
            ran = true;
            polls += 1;
            let mut cx = Context::from_waker(&wakers[i]);
            if tasks[i].as_mut().poll(&mut cx).is_ready() {
                done[i] = true;
            }
        }
        if !ran {
            idle();
        }
        assert!(polls < 100_000, "the executor is being kept busy");
    }
    polls
}
