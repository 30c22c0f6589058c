//! NVM Subsystem Health Status Poll rate of this project's requester over `AF_MCTP`: the
//! counterpart of libnvme-mi's `benches/libnvme/health_poll.c` (at the repository root), run side by side with it by
//! `scripts/bench-libnvme.sh` against the same `nvme-mi serve` in the User-Mode Linux rig
//! (results in BENCHMARKS.md).
//!
//! ```text
//! health_poll_rate NET EID COUNT
//! ```
//!
//! Keeps its tag between polls (`MctpTransport::set_keep_tag`), or, with the environment
//! variable `NVME_MI_DEFAULT_TAG=1`, uses the transport as it comes (a tag allocated and
//! released for each poll). Does 10 untimed polls, then times `COUNT` polls (each one
//! request and one response through the kernel, decoded and integrity-checked) with the
//! monotonic clock and prints `nvme-mi-rs: COUNT polls in SECONDS s: RATE polls/s`
//! (`nvme-mi-rs-default: ...` with the default tag handling). Exits non-zero if any poll
//! fails.

fn run(net: u32, eid: u8, count: u32) -> Result<(), Box<dyn std::error::Error>> {
    use nvme_mi_core::mctp::Eid;
    use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
    use nvme_mi_core::mi::MAX_MESSAGE_LEN;
    use nvme_mi_core::requester::Endpoint;
    use nvme_mi_linux::{MctpAddr, MctpTransport};
    use std::time::Instant;

    let default_tag = std::env::var_os("NVME_MI_DEFAULT_TAG").is_some_and(|v| v == "1");
    let mut transport = MctpTransport::new(MctpAddr::new(net, Eid(eid)))?;
    // One requester polling in a loop over the loopback: keep the tag between polls (no
    // I2C bus to hold locked here; see `MctpTransport::set_keep_tag`).
    transport.set_keep_tag(!default_tag);
    let mut ep = Endpoint::new(transport, vec![0u8; MAX_MESSAGE_LEN]);
    let poll = SubsystemHealthStatusPollRequest {
        clear_status: false,
    };
    for _ in 0..10 {
        ep.mi_command(&poll)?;
    }
    let t0 = Instant::now();
    for _ in 0..count {
        std::hint::black_box(ep.mi_command(&poll)?.health);
    }
    let dt = t0.elapsed().as_secs_f64();
    let name = if default_tag {
        "nvme-mi-rs-default"
    } else {
        "nvme-mi-rs"
    };
    println!(
        "{name}: {count} polls in {dt:.3} s: {:.0} polls/s",
        f64::from(count) / dt
    );
    Ok(())
}

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let parsed = match args.as_slice() {
        [net, eid, count] => net
            .parse::<u32>()
            .ok()
            .zip(eid.parse::<u8>().ok())
            .zip(count.parse::<u32>().ok().filter(|&c| c > 0)),
        _ => None,
    };
    let Some(((net, eid), count)) = parsed else {
        eprintln!("usage: health_poll_rate NET EID COUNT");
        return std::process::ExitCode::from(2);
    };
    match run(net, eid, count) {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("health_poll_rate: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
