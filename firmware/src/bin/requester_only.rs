//! The requester alone, for size: the I2C transport and the requester engine doing a health
//! poll, Identify Controller and the SMART / Health log, without the simulated drive and
//! without `core::fmt` (results printed by [`nvme_mi_firmware::report`], a panic handler
//! that formats nothing). The I2C controller and the target receive queue are stand-ins, as
//! a board support crate would provide; the drive never answers, so every command times out
//! (the image exits with success unless its stack filled the RAM: it exists to be measured).
//!
//! Memory: the bus is sized for one drive and no async waiter (`Bus<_, _, _, 1, 0>`: one
//! reassembly context of 256 bytes for unsolicited messages; a response goes straight into
//! the endpoint's buffer), plus a response buffer of 4120 bytes, an Identify response; both
//! in `.bss`. Built for
//! thumbv6m-none-eabi it runs on QEMU's `microbit` (Cortex-M0, 16 KiB of RAM).
#![no_std]
#![no_main]

use core::cell::RefCell;
use core::hint::black_box;
use core::mem::MaybeUninit;

use cortex_m_rt::entry;
use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, Operation};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::response::MIN_RESPONSE_LEN;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, SmartLog};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::requester::{Config, Endpoint};
use nvme_mi_firmware::{exit, report, stack, Ticks};
use nvme_mi_i2c::{Bus, FrameQueue, I2cTransport};

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

#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    nvme_mi_firmware::panicked()
}

#[entry]
fn main() -> ! {
    stack::paint();
    run(bus());
    let high_water = stack::high_water();
    report("stack", Some(high_water as u32));
    // The whole painted stack used: it may have run into the static data.
    exit(high_water < stack::size())
}

/// The bus: for one drive, no async waiter.
type RequesterBus = RefCell<Bus<Controller, FrameQueue<2>, Ticks, 1, 0>>;

/// The bus and the response buffer live in `.bss`, not on the stack: the stack then holds
/// only the call chain, and nothing is built twice.
static mut BUS: MaybeUninit<RequesterBus> = MaybeUninit::uninit();
/// Room for the largest response read here: Identify, 4096 bytes of data.
static mut RESPONSE: [u8; MIN_RESPONSE_LEN + 4096] = [0; MIN_RESPONSE_LEN + 4096];

/// Build the bus in its static (once, from `main`: the copy built on the stack first is gone
/// before the commands run, and does not add to their depth).
#[inline(never)]
fn bus() -> &'static RequesterBus {
    let bus = RefCell::new(Bus::with_capacity(
        Controller,
        FrameQueue::new(),
        Ticks(0),
        0x10,
        Eid(8),
    ));
    // SAFETY: called once, before any reference to BUS exists, with no interrupt enabled.
    unsafe { (*(&raw mut BUS)).write(bus) }
}

#[inline(never)]
fn run(bus: &'static RequesterBus) {
    // SAFETY: the only reference to RESPONSE, taken once.
    let response = unsafe { &mut *(&raw mut RESPONSE) };
    let mut tr = I2cTransport::new(bus, 0x1d, Eid(0x1d));
    let config = Config::default().with_timeout(core::time::Duration::from_millis(50));
    let mut ep = Endpoint::with_config(&mut tr, &mut response[..], config);
    let h = ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    });
    report("health: ctemp", h.ok().map(|r| u32::from(r.health.ctemp)));
    let id = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .ok()
        .and_then(|r| {
            IdentifyController::read(r.data)
                .ok()
                .map(|i| i.cntlid.get())
        });
    report("identify: cntlid", id.map(u32::from));
    let log = ep
        .admin(0, &GetLogPage::new(Lid::SmartHealth, 512), 0, 512, &[])
        .ok()
        .and_then(|r| SmartLog::read(r.data).ok().map(|l| l.temperature.get()));
    report("smart: temperature", log.map(u32::from));
}
