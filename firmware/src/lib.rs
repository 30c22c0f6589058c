//! Support shared by the firmware images: stack painting and the panic handler.
//!
//! The firmware runs in QEMU (`mps2-an386`) and talks to the host through semihosting:
//! it prints with `hprintln!` and ends QEMU with its exit status.
#![no_std]
#![warn(missing_docs)]

use core::panic::PanicInfo;

use cortex_m_semihosting::{debug, hprintln};

pub mod stack;

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
