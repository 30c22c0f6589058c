//! The requester alone, for size comparison: the I2C transport, the requester engine and the
//! same commands as the main image (health poll, Identify Controller, SMART log, transmission
//! unit negotiation, Basic Management reads), without the simulated drive. The I2C controller
//! and the target receive queue are stand-ins, as a board support crate would provide; the
//! drive never answers, so every command times out (the image still exits with success:
//! it exists to be measured).
#![no_std]
#![no_main]

use core::cell::RefCell;
use core::hint::black_box;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, Operation};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, SmartLog};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{Config, Endpoint};
use nvme_mi_firmware::{exit, stack, Ticks};
use nvme_mi_i2c::{
    negotiate_transmission_unit, read_identification, read_status, Bus, FrameQueue, I2cTransport,
};

/// A stand-in controller: accepts every write (a real one drives the I2C peripheral).
struct Controller;

impl ErrorType for Controller {
    type Error = ErrorKind;
}

impl I2c for Controller {
    fn transaction(&mut self, address: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        for op in ops {
            match op {
                Operation::Write(w) => {
                    black_box((address, &w[..]));
                }
                Operation::Read(r) => r.fill(black_box(0xff)),
            }
        }
        Ok(())
    }
}

#[entry]
fn main() -> ! {
    stack::paint();
    run();
    hprintln!("stack high-water mark: {} bytes", stack::high_water());
    exit(true)
}

#[inline(never)]
fn run() {
    let bus = RefCell::new(Bus::new(
        Controller,
        FrameQueue::<2>::new(),
        Ticks(0),
        0x10,
        Eid(8),
    ));
    let mut tr = I2cTransport::new(&bus, 0x1d, Eid(0x1d));
    let config = Config::default().with_timeout(core::time::Duration::from_millis(50));
    let mut ep = Endpoint::with_config(&mut tr, [0u8; MAX_MESSAGE_LEN], config);
    let h = ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    });
    hprintln!("health: {:?}", h.map(|r| r.health.ctemp));
    let id = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .map(|r| IdentifyController::read(r.data).map(|i| i.cntlid.get()));
    hprintln!("identify: {:?}", id);
    let log = ep
        .admin(0, &GetLogPage::new(Lid::SmartHealth, 512), 0, 512, &[])
        .map(|r| SmartLog::read(r.data).map(|l| l.temperature.get()));
    hprintln!("smart: {:?}", log);
    hprintln!("tu: {:?}", negotiate_transmission_unit(&mut ep, 1, 250));
    drop(ep);
    let mut b = bus.borrow_mut();
    if let Some(i2c) = b.i2c_mut() {
        hprintln!("status: {:?}", read_status(&mut *i2c, 0x6a).map(|s| s.pdlu));
        hprintln!(
            "id: {:?}",
            read_identification(i2c, 0x6a).map(|i| i.vendor_id)
        );
    }
}
