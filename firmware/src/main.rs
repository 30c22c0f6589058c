//! A bare-metal NVMe-MI requester on a Cortex-M4, talking over the simulated SMBus to a
//! simulated drive in the same image: health poll, Identify Controller, SMART / Health log,
//! transmission unit negotiation and the Basic Management Command. Every answer is checked
//! against the simulated drive's own values; the image exits QEMU with success only if all
//! of them match. Prints the results, the simulated wire time and the stack high-water mark
//! over semihosting.
#![no_std]
#![no_main]

use core::cell::RefCell;

use cortex_m_rt::entry;
use cortex_m_semihosting::hprintln;
use nvme_mi_core::basic_mgmt::DEFAULT_ADDRESS;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, SmartLog};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_firmware::{exit, stack};
use nvme_mi_i2c::sim::{SimBus, SimDrive, Speed};
use nvme_mi_i2c::{
    negotiate_transmission_unit, read_identification, read_status, Bus, I2cTransport,
};

const BMC_ADDR: u8 = 0x10;
const BMC_EID: Eid = Eid(8);
const SEED: u64 = 2024;

/// Counts the checks and reports each one.
struct Checks {
    passed: u32,
    failed: u32,
}

impl Checks {
    fn check(&mut self, what: &str, ok: bool) {
        if ok {
            self.passed += 1;
            hprintln!("  ok   {}", what);
        } else {
            self.failed += 1;
            hprintln!("  FAIL {}", what);
        }
    }
}

#[panic_handler]
fn panic(info: &core::panic::PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit(false)
}

#[entry]
fn main() -> ! {
    stack::paint();
    let ok = run();
    hprintln!(
        "stack high-water mark: {} bytes (of {} available)",
        stack::high_water(),
        stack::size()
    );
    exit(ok)
}

#[inline(never)]
fn run() -> bool {
    let mut c = Checks {
        passed: 0,
        failed: 0,
    };
    let world = RefCell::new(SimBus::<1>::new(
        Speed::Khz100,
        BMC_ADDR,
        [SimDrive::new(
            SEED,
            nvme_mi_sim::ME_ADDRESS,
            DEFAULT_ADDRESS,
        )],
    ));
    let bus = RefCell::new(Bus::new(
        SimBus::controller(&world),
        SimBus::receiver(&world),
        SimBus::clock(&world),
        BMC_ADDR,
        BMC_EID,
    ));
    let mut tr = I2cTransport::new(&bus, nvme_mi_sim::ME_ADDRESS, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, [0u8; MAX_MESSAGE_LEN]);
    hprintln!("NVMe-MI over simulated SMBus at 100 kHz, TU 64");

    // NVM Subsystem Health Status Poll.
    world.borrow_mut().reset_stats();
    match ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    }) {
        Ok(r) => {
            let want = world.borrow().drives()[0].sim().temperature_celsius();
            hprintln!(
                "health poll: CTEMP {} C, PDLU {} %, NSS {:#04x}",
                r.health.ctemp,
                r.health.pdlu,
                r.health.nss
            );
            c.check(
                "health: composite temperature",
                i16::from(r.health.ctemp) == want,
            );
        }
        Err(e) => {
            hprintln!("health poll failed: {:?}", e);
            c.check("health poll", false);
        }
    }
    report(&world);

    // Identify Controller (4 KiB), at the baseline transmission unit.
    identify(&mut ep, &world, &mut c);

    // SMART / Health Information log.
    world.borrow_mut().reset_stats();
    match ep.admin(0, &GetLogPage::new(Lid::SmartHealth, 512), 0, 512, &[]) {
        Ok(r) => match SmartLog::read(r.data) {
            Ok(log) => {
                let (kelvin, warn) = {
                    let w = world.borrow();
                    let s = w.drives()[0].sim();
                    (s.temperature_kelvin(), s.critical_warning().0)
                };
                hprintln!(
                    "SMART: temperature {} K, spare {} %, used {} %",
                    log.temperature.get(),
                    log.avail_spare,
                    log.percent_used
                );
                c.check("SMART: temperature", log.temperature.get() == kelvin);
                c.check("SMART: critical warning", log.critical_warning == warn);
            }
            Err(e) => {
                hprintln!("SMART log undecodable: {:?}", e);
                c.check("SMART log", false);
            }
        },
        Err(e) => {
            hprintln!("SMART log failed: {:?}", e);
            c.check("SMART log", false);
        }
    }
    report(&world);

    // Raise the transmission unit to 250 and read Identify again: fewer, larger frames.
    match negotiate_transmission_unit(&mut ep, nvme_mi_i2c::sim::SMBUS_PORT, 250) {
        Ok(tu) => c.check("transmission unit raised to 250", tu == 250),
        Err(e) => {
            hprintln!("TU negotiation failed: {:?}", e);
            c.check("transmission unit", false);
        }
    }
    hprintln!("TU 250:");
    identify(&mut ep, &world, &mut c);

    // Basic Management Command at 0x6A.
    drop(ep);
    let mut i2c = SimBus::controller(&world);
    let (status, serial_ok) = {
        let s = read_status(&mut i2c, DEFAULT_ADDRESS);
        let id = read_identification(&mut i2c, DEFAULT_ADDRESS);
        let w = world.borrow();
        let sim = w.drives()[0].sim();
        let serial_ok = matches!(&id, Ok(id) if id.serial() == sim.serial_number() && id.vendor_id == nvme_mi_sim::VENDOR_ID);
        (s.map(|s| (s, sim.basic_status_block())), serial_ok)
    };
    match status {
        Ok((s, raw)) => {
            hprintln!(
                "basic management: flags {:#04x}, PDLU {} %",
                s.flags.0,
                s.pdlu
            );
            c.check(
                "basic management: status block",
                s.to_bytes()[1..] == raw[1..],
            );
        }
        Err(e) => {
            hprintln!("basic management status failed: {:?}", e);
            c.check("basic management: status block", false);
        }
    }
    c.check("basic management: identification block", serial_ok);

    let total = world.borrow().now();
    hprintln!(
        "{} checks passed, {} failed; simulated time {} ms",
        c.passed,
        c.failed,
        total.as_millis()
    );
    c.failed == 0
}

type W = RefCell<SimBus<1>>;

fn report(world: &W) {
    let s = world.borrow().stats();
    hprintln!(
        "  wire: {} frames out, {} frames in, {} us",
        s.requester_frames,
        s.drive_frames,
        s.wire_ns / 1000
    );
}

fn identify<T: nvme_mi_core::transport::Transport>(
    ep: &mut Endpoint<T, [u8; MAX_MESSAGE_LEN]>,
    world: &W,
    c: &mut Checks,
) where
    T::Error: core::fmt::Debug,
{
    world.borrow_mut().reset_stats();
    match ep.admin(0, &Identify::controller(), 0, 4096, &[]) {
        Ok(r) => match IdentifyController::read(r.data) {
            Ok(id) => {
                hprintln!(
                    "identify: SN {:?} MN {:?} FR {:?}",
                    id.sn(),
                    id.mn(),
                    id.fr()
                );
                let w = world.borrow();
                let sim = w.drives()[0].sim();
                c.check("identify: serial number", id.sn() == sim.serial_number());
                c.check("identify: model number", id.mn() == nvme_mi_sim::MODEL);
                c.check(
                    "identify: firmware revision",
                    id.fr() == sim.firmware_revision(),
                );
            }
            Err(e) => {
                hprintln!("identify data undecodable: {:?}", e);
                c.check("identify", false);
            }
        },
        Err(e) => {
            hprintln!("identify failed: {:?}", e);
            c.check("identify", false);
        }
    }
    report(world);
}
