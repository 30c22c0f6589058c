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
