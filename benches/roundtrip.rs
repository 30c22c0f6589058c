//! Requester and responder together: one command from the [`Endpoint`] through the in-memory
//! [`Loopback`] to the responder engine serving the simulated drive, and its response back,
//! decoded and checked. This is the CPU cost of a command with no wire at all.
//!
//! Run: `cargo bench -p nvme-mi --bench roundtrip` (results in BENCHMARKS.md).

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{GetLogPage, Identify, Lid};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::responder::Responder;
use nvme_mi_sim::Sim;

mod support;
use support::{BigLog, BIG_LOG_LEN};

type Link = Loopback<Responder<BigLog, LoopPeer>>;

fn endpoint() -> Box<Endpoint<Link, Vec<u8>>> {
    let responder = Responder::new(BigLog(Sim::new(1)), nvme_mi_sim::DEFAULT_EID);
    let link = Loopback::new(responder, Eid(8), nvme_mi_sim::DEFAULT_EID);
    Box::new(Endpoint::new(link, vec![0u8; MAX_MESSAGE_LEN]))
}

fn roundtrip(c: &mut Criterion) {
    let mut g = c.benchmark_group("loopback_sim");
    let mut ep = endpoint();
    let poll = SubsystemHealthStatusPollRequest {
        clear_status: false,
    };
    g.bench_function("health_poll", |b| {
        b.iter(|| ep.mi_command(black_box(&poll)).unwrap().health.ctemp)
    });
    g.throughput(Throughput::Bytes(4096));
    let id = Identify::controller();
    g.bench_function("identify_4k", |b| {
        b.iter(|| {
            ep.admin(0, black_box(&id), 0, 4096, &[])
                .unwrap()
                .data
                .len()
        })
    });
    let mut log = vec![0u8; BIG_LOG_LEN];
    g.throughput(Throughput::Bytes(log.len() as u64));
    let lp = GetLogPage::new(Lid::TelemetryHostInitiated, 0);
    g.bench_function("log_64k", |b| {
        b.iter(|| {
            let n = ep.get_log_page(1, black_box(&lp), &mut log).unwrap();
            assert_eq!(n, BIG_LOG_LEN);
            n
        })
    });
    g.finish();
}

criterion_group!(benches, roundtrip);
criterion_main!(benches);
