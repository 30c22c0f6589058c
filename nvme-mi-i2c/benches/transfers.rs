//! A 4 KiB Identify and a 64 KiB log read over the simulated SMBus: the requester, the I2C
//! transport, the fragmenter and reassembler on both sides and the responder serving the
//! simulated drive.
//!
//! First prints the simulated wire time of each transfer at 100 and 400 kHz, at the baseline
//! transmission unit (64 bytes) and at the negotiated one (250, the SMBus maximum), divided by
//! the physical minimum (the payload's bits at the bus rate). That table is deterministic
//! (the bus's timing model, not a measurement) and only printed, never asserted. Then times the
//! CPU cost of the same transfers (criterion, in bytes of payload per second).
//!
//! Run: `cargo bench -p nvme-mi-i2c --features sim --bench transfers` (results in
//! BENCHMARKS.md). Table only, every benchmark once:
//! `cargo bench -p nvme-mi-i2c --features sim --bench transfers -- --test`.
//!
//! The simulated drive's largest log page is 4 KiB (Commands Supported and Effects, 05h), so
//! "64 KiB log read" is 16 Get Log Page commands of 4096 bytes each: the same exchanges, byte
//! for byte in length, as the 16 chunks `Endpoint::get_log_page` sends for a 64 KiB log.

use std::hint::black_box;

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use nvme_mi_core::mctp::fragment::MAX_TU_SMBUS;
use nvme_mi_core::mctp::BASELINE_TU;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_i2c::sim::Speed;
use nvme_mi_i2c::{negotiate_transmission_unit, I2cTransport};

#[path = "../tests/common/mod.rs"]
mod common;
use common::{bus, world, SimI2cBus, Tr, DRIVE_ADDR};

const LOG_CHUNKS: usize = 16;

type Ep<'b, 'w> = Endpoint<Tr<'b, 'w>, Vec<u8>>;

/// The two transfers, each returning the payload bytes it moved.
#[derive(Clone, Copy)]
enum Transfer {
    Identify4k,
    Log64k,
}

impl Transfer {
    fn name(self) -> &'static str {
        match self {
            Transfer::Identify4k => "identify_4k",
            Transfer::Log64k => "log_64k",
        }
    }

    fn payload(self) -> usize {
        match self {
            Transfer::Identify4k => 4096,
            Transfer::Log64k => LOG_CHUNKS * 4096,
        }
    }

    fn run(self, ep: &mut Ep<'_, '_>) -> usize {
        match self {
            Transfer::Identify4k => {
                let r = ep.admin(0, &Identify::controller(), 0, 4096, &[]).unwrap();
                r.data.len()
            }
            Transfer::Log64k => {
                let lp = GetLogPage::new(Lid::CommandsSupportedAndEffects, 4096);
                (0..LOG_CHUNKS)
                    .map(|_| ep.admin(0, &lp, 0, 4096, &[]).unwrap().data.len())
                    .sum()
            }
        }
    }
}

/// An endpoint on `b` at transmission unit `tu` (negotiated with the drive when above the
/// baseline), then `f` with it.
fn with_endpoint<R>(b: &SimI2cBus<'_, 1>, tu: usize, f: impl FnOnce(&mut Ep<'_, '_>) -> R) -> R {
    let tr = I2cTransport::new(b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(tr, vec![0u8; MAX_MESSAGE_LEN]);
    if tu != BASELINE_TU {
        let got = negotiate_transmission_unit(&mut ep, 1, tu as u16).unwrap();
        assert_eq!(usize::from(got), tu);
    }
    f(&mut ep)
}

/// The wire-time table: deterministic figures of the timing model, printed only.
fn print_wire_times() {
    println!("Simulated SMBus wire time (nvme-mi-i2c sim timing model; min = payload bits at the bus rate)");
    println!("| transfer | bus | TU | frames (req + resp) | bytes on the wire | wire time | physical minimum | wire / min |");
    println!("|---|---|---|---|---|---|---|---|");
    for transfer in [Transfer::Identify4k, Transfer::Log64k] {
        for (speed, khz) in [(Speed::Khz100, 100), (Speed::Khz400, 400)] {
            for tu in [BASELINE_TU, MAX_TU_SMBUS] {
                let w = world(1, speed);
                let b = bus(&w);
                let st = with_endpoint(&b, tu, |ep| {
                    w.borrow_mut().reset_stats();
                    assert_eq!(transfer.run(ep), transfer.payload());
                    w.borrow().stats()
                });
                let min_ns = transfer.payload() as u64 * 8 * speed.bit_ns();
                println!(
                    "| {} | {khz} kHz | {tu} | {} + {} | {} | {:.1} ms | {:.1} ms | {:.3} |",
                    transfer.name(),
                    st.requester_frames,
                    st.drive_frames,
                    st.bytes,
                    st.wire_ns as f64 / 1e6,
                    min_ns as f64 / 1e6,
                    st.wire_ns as f64 / min_ns as f64
                );
            }
        }
    }
}

fn sim_bus(c: &mut Criterion) {
    print_wire_times();
    let mut g = c.benchmark_group("sim_bus");
    for transfer in [Transfer::Identify4k, Transfer::Log64k] {
        g.throughput(Throughput::Bytes(transfer.payload() as u64));
        for tu in [BASELINE_TU, MAX_TU_SMBUS] {
            let w = world(1, Speed::Khz100);
            let b = bus(&w);
            with_endpoint(&b, tu, |ep| {
                g.bench_function(format!("{}/tu{tu}", transfer.name()), |bench| {
                    bench.iter(|| black_box(transfer.run(ep)))
                });
            });
        }
    }
    g.finish();
}

criterion_group!(benches, sim_bus);
criterion_main!(benches);
