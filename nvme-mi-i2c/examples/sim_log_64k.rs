//! The 64 KiB log read of the `sim_bus/log_64k/tu64` benchmark as a plain program, for
//! instruction counts under callgrind (repeatable on a busy machine, where criterion's times
//! are not): COUNT times, 16 Get Log Page commands of 4096 bytes over the simulated SMBus at
//! the baseline transmission unit, both sides (requester, I2C transport, simulated bus,
//! responder serving the simulated drive) on this thread.
//!
//! ```sh
//! cargo build --release -p nvme-mi-i2c --features sim --example sim_log_64k
//! valgrind --tool=callgrind target/release/examples/sim_log_64k 1
//! valgrind --tool=callgrind target/release/examples/sim_log_64k 11   # (difference) / 10
//! ```

use nvme_mi_core::mi::admin::{GetLogPage, Lid};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_i2c::sim::Speed;
use nvme_mi_i2c::I2cTransport;

#[path = "../tests/common/mod.rs"]
mod common;
use common::{bus, world, DRIVE_ADDR};

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(10);
    let w = world(1, Speed::Khz100);
    let b = bus(&w);
    let tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(tr, vec![0u8; MAX_MESSAGE_LEN]);
    let lp = GetLogPage::new(Lid::CommandsSupportedAndEffects, 4096);
    let mut total = 0;
    for _ in 0..count * 16 {
        match ep.admin(0, &lp, 0, 4096, &[]) {
            Ok(r) => total += r.data.len(),
            Err(e) => {
                eprintln!("log read failed: {e}");
                std::process::exit(1);
            }
        }
    }
    println!("{count} logs of 64 KiB, {total} payload bytes");
}
