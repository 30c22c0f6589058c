//! The drive side alone, for size comparison: what a drive's management controller would
//! flash. The simulated NVMe subsystem (nvme-mi-sim) behind the core's responder engine,
//! served over SMBus/I2C by nvme-mi-i2c's `I2cResponder` (reassembly, fragmentation, PEC,
//! tags, retries). The I2C controller and the target receive queue are stand-ins, as a board
//! support crate would provide: the queue is loaded with one Subsystem Health Status Poll
//! request frame (DSP0237 framing with PEC, from the conformance vectors), the image serves
//! it and checks that the response frame went to the requester's address with a valid PEC.
#![no_std]
#![no_main]

use core::hint::black_box;

use cortex_m_rt::entry;
use embedded_hal::i2c::{ErrorKind, ErrorType, I2c, Operation};
use nvme_mi_core::mctp::pec::pec;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::responder::{serve, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_firmware::{exit, report, stack, Ticks};
use nvme_mi_i2c::{FrameQueue, I2cResponder};
use nvme_mi_sim::Sim;

/// The drive's own 7-bit address and EID, and the requester's address.
const DRIVE_ADDR: u8 = 0x1d;
const DRIVE_EID: Eid = Eid(9);
const BMC_ADDR: u8 = 0x10;

/// A Health Status Poll from 0x10 / EID 8 to EID 9, tag 0 (tests/vectors
/// `smbus-health-poll-req`), without the address byte the target peripheral consumes.
const REQUEST: [u8; 28] = [
    0x0f, 0x19, 0x21, 0x01, 0x09, 0x08, 0xc8, 0x84, 0x08, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xd2, 0xd4, 0x77, 0x36, 0xca,
];

/// A stand-in controller: records the frames written (a real one drives the peripheral).
struct Controller {
    frames: u32,
    last_addr: u8,
    pec_ok: bool,
}

impl ErrorType for Controller {
    type Error = ErrorKind;
}

impl I2c for Controller {
    fn transaction(&mut self, address: u8, ops: &mut [Operation<'_>]) -> Result<(), ErrorKind> {
        for op in ops {
            if let Operation::Write(w) = op {
                // The PEC covers the address byte too (DSP0237; SMBus 3.2 PEC).
                let (body, last) = w.split_at(w.len().saturating_sub(1));
                let mut with_addr = [0u8; 260];
                let n = body.len() + 1;
                if let Some(dst) = with_addr.get_mut(1..n) {
                    dst.copy_from_slice(body);
                    with_addr[0] = address << 1;
                    self.pec_ok = last.first() == Some(&pec(&with_addr[..n]));
                }
                self.frames += 1;
                self.last_addr = black_box(address);
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
    let ok = run();
    report(
        "stack high-water mark (bytes)",
        Some(stack::high_water() as u32),
    );
    exit(ok)
}

#[inline(never)]
fn run() -> bool {
    let mut queue = FrameQueue::<2>::new();
    queue.push_frame(black_box(&REQUEST));
    let ctl = Controller {
        frames: 0,
        last_addr: 0,
        pec_ok: false,
    };
    let mut drive = I2cResponder::new(ctl, queue, Ticks(0), DRIVE_ADDR, DRIVE_EID);
    let mut engine = Responder::new(Sim::new(2024), DRIVE_EID);
    let mut rx = [0u8; MAX_MESSAGE_LEN];
    let mut tx = [0u8; MAX_MESSAGE_LEN];
    let r = serve(
        &mut drive,
        &mut engine,
        &mut rx,
        &mut tx,
        Some(Instant(200)),
    );
    let c = drive.i2c_mut();
    let ok = r.is_ok() && c.frames == 1 && c.last_addr == BMC_ADDR && c.pec_ok;
    report("served", Some(u32::from(r.is_ok())));
    report("response frames", Some(c.frames));
    report("to address", Some(u32::from(c.last_addr)));
    report("PEC ok", Some(u32::from(c.pec_ok)));
    ok
}
