//! Read an NVMe drive's Basic Management status and identification blocks over Linux
//! i2c-dev, as OpenBMC's NVMe sensor does without MCTP (NVMe-MI 2.0 Appendix A).
//!
//! ```text
//! cargo run -p nvme-mi-linux --example basic_mgmt_linux -- 3          # /dev/i2c-3, address 0x6a
//! cargo run -p nvme-mi-linux --example basic_mgmt_linux -- /dev/i2c-3 0x6b
//! ```
//! Needs read/write access to the device node and a drive on that bus. The device is opened
//! with `linux-embedded-hal`; the transfer is chosen by the adapter's functionality: on an
//! adapter with plain I2C the read goes through `embedded-hal` (`nvme_mi_i2c::read_block`),
//! on an SMBus-only one through an SMBus transfer. The first line printed says which, and
//! whether the PEC was checked.

use linux_embedded_hal::I2cdev;
use nvme_mi_core::basic_mgmt::{CompositeTemperature, DEFAULT_ADDRESS};
use nvme_mi_linux::i2c::I2cAdapter;

fn parse_addr(s: &str) -> Option<u8> {
    let v = match s.strip_prefix("0x") {
        Some(hex) => u8::from_str_radix(hex, 16).ok()?,
        None => s.parse().ok()?,
    };
    (v <= 0x7f).then_some(v)
}

fn main() {
    let mut args = std::env::args().skip(1);
    let Some(bus) = args.next() else {
        eprintln!("usage: basic_mgmt_linux BUS|/dev/i2c-N [ADDRESS (default 0x6a)]");
        std::process::exit(2);
    };
    let path = if bus.starts_with('/') {
        bus
    } else {
        format!("/dev/i2c-{bus}")
    };
    let addr = match args.next() {
        Some(a) => parse_addr(&a).unwrap_or_else(|| {
            eprintln!("bad 7-bit address {a}");
            std::process::exit(2)
        }),
        None => DEFAULT_ADDRESS,
    };
    let adapter = I2cdev::new(&path)
        .map_err(|e| e.to_string())
        .and_then(|d| I2cAdapter::new(d).map_err(|e| e.to_string()));
    let mut adapter = adapter.unwrap_or_else(|e| {
        eprintln!("{path}: {e}");
        std::process::exit(1)
    });
    println!("{path}: {}", adapter.transfer());
    match adapter.read_status(addr) {
        Ok((s, _)) => {
            println!("status block at {addr:#04x}:");
            println!(
                "  flags: {:#04x} (ready: {}, functional: {})",
                s.flags.0,
                s.flags.drive_ready(),
                s.flags.drive_functional()
            );
            println!("  warnings: {:#04x}", s.warnings.bits());
            match s.ctemp {
                CompositeTemperature::Celsius(c) => println!("  composite temperature: {c} °C"),
                _ => println!("  composite temperature: not available"),
            }
            println!("  percentage drive life used: {}", s.pdlu);
        }
        Err(e) => {
            eprintln!("status block: {e}");
            std::process::exit(1)
        }
    }
    match adapter.read_identification(addr) {
        Ok((id, _)) => println!("  vendor {:#06x}, serial {}", id.vendor_id, id.serial()),
        Err(e) => {
            eprintln!("identification block: {e}");
            std::process::exit(1)
        }
    }
}
