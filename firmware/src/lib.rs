//! Support shared by the firmware images: stack painting and the panic handler.
//!
//! The firmware runs in QEMU (`mps2-an386`) and talks to the host through semihosting:
//! it prints with `hprintln!` and ends QEMU with its exit status.
#![no_std]
#![warn(missing_docs)]

use core::panic::PanicInfo;

use cortex_m_semihosting::{debug, hprintln};

pub mod stack;

/// A clock for the images without a timer: it advances 1 ms per reading (a real one reads a
/// timer).
pub struct Ticks(pub u64);

impl nvme_mi_i2c::Clock for Ticks {
    fn now(&mut self) -> nvme_mi_core::time::Instant {
        self.0 += 1;
        nvme_mi_core::time::Instant(core::hint::black_box(self.0))
    }
}

/// End QEMU with success (`true`) or failure.
pub fn exit(success: bool) -> ! {
    debug::exit(if success {
        debug::EXIT_SUCCESS
    } else {
        debug::EXIT_FAILURE
    });
    #[allow(clippy::empty_loop)]
    loop {}
}

#[panic_handler]
fn panic(info: &PanicInfo) -> ! {
    hprintln!("panic: {}", info);
    exit(false)
}
