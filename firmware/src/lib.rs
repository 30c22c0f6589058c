//! Support shared by the firmware images: stack painting, printing without `core::fmt`, the
//! exit status.
//!
//! The firmware runs in QEMU (`mps2-an386`; the Cortex-M0 images on `microbit`) and talks to
//! the host through semihosting: it prints and ends QEMU with its exit status. Each image has
//! its own panic handler: the test image formats the panic message, the images measured for
//! size print a fixed line (formatting would pull `core::fmt` into them).
#![no_std]
#![warn(missing_docs)]

use cortex_m_semihosting::{debug, hprint};

pub mod stack;

extern "C" {
    /// cortex-m-rt's default exception and interrupt handler.
    fn DefaultHandler();
}

/// The interrupt vectors: 32, as many as a Cortex-M0 has (cortex-m-rt without a device
/// crate would put 240 here, 960 bytes of flash). No image enables an interrupt; a device
/// crate (PAC) provides this table in a real firmware.
#[link_section = ".vector_table.interrupts"]
#[no_mangle]
#[used]
pub static __INTERRUPTS: [unsafe extern "C" fn(); 32] = [DefaultHandler; 32];

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

/// Print `text` on the host's standard output, without `core::fmt`.
pub fn print(text: &str) {
    hprint!(text);
}

/// Print `label`, `: `, `value` in decimal (or `none`) and a newline, without `core::fmt`.
pub fn report(label: &str, value: Option<u32>) {
    print(label);
    print(": ");
    let mut digits = [b'0'; 10];
    print(match value {
        Some(v) => decimal(v, &mut digits),
        None => "none",
    });
    print("\n");
}

/// `v` in decimal, written at the end of `buf`.
fn decimal(mut v: u32, buf: &mut [u8; 10]) -> &str {
    let mut start = buf.len() - 1;
    for (i, d) in buf.iter_mut().enumerate().rev() {
        *d = b'0' + (v % 10) as u8;
        v /= 10;
        start = i;
        if v == 0 {
            break;
        }
    }
    let digits = buf.get(start..).unwrap_or(&[]);
    // SAFETY: every byte is an ASCII digit (`from_utf8` would add its validation code to
    // the images measured for size).
    unsafe { core::str::from_utf8_unchecked(digits) }
}

/// What the images measured for size do on a panic: say so and exit with failure.
pub fn panicked() -> ! {
    print("panic\n");
    exit(false)
}
