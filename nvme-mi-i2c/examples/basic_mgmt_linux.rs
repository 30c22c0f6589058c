//! Read an NVMe drive's Basic Management status and identification blocks over Linux
//! i2c-dev, as OpenBMC's NVMe sensor does without MCTP (NVMe-MI 1.2 Appendix A).
//!
//! ```text
//! cargo run -p nvme-mi-i2c --example basic_mgmt_linux -- 3          # /dev/i2c-3, address 0x6a
//! cargo run -p nvme-mi-i2c --example basic_mgmt_linux -- /dev/i2c-3 0x6b
//! ```
//! Needs read/write access to the device node and a drive on that bus; the PEC of every
//! read is checked here, so the i2c-dev PEC option is not needed.

use linux_embedded_hal::I2cdev;
use nvme_mi_core::basic_mgmt::{CompositeTemperature, DEFAULT_ADDRESS};
use nvme_mi_i2c::{read_identification, read_status};

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
    let mut i2c = match I2cdev::new(&path) {
        Ok(d) => d,
        Err(e) => {
            eprintln!("{path}: {e}");
            std::process::exit(1)
        }
    };
    match read_status(&mut i2c, addr) {
        Ok(s) => {
            println!("status block at {path} {addr:#04x}:");
            println!(
                "  flags: {:#04x} (ready: {}, functional: {})",
                s.flags.0,
                s.flags.drive_ready(),
                s.flags.drive_functional()
            );
            println!("  warnings: {:?}", s.warnings);
            match s.ctemp {
                CompositeTemperature::Celsius(c) => println!("  composite temperature: {c} °C"),
                other => println!("  composite temperature: {other:?}"),
            }
            println!("  percentage drive life used: {}", s.pdlu);
        }
        Err(e) => {
            eprintln!("status block: {e}");
            std::process::exit(1)
        }
    }
    match read_identification(&mut i2c, addr) {
        Ok(id) => println!("  vendor {:#06x}, serial {:?}", id.vendor_id, id.serial()),
        Err(e) => {
            eprintln!("identification block: {e}");
            std::process::exit(1)
        }
    }
}
