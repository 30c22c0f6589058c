//! Serve the simulated NVMe drive (`nvme-mi-sim`) as an NVMe-MI endpoint on the kernel's
//! `AF_MCTP` sockets, so that real requesters (nvme-cli, libnvme-mi, this crate) can talk to
//! it.
//!
//! ```text
//! serve_sim [--net N] [--eid E] [--seed S] [--setup IFNAME] [--control] [--seconds T]
//! ```
//! - `--net` / `--eid`: the local address to bind (default: every network, EID 8).
//! - `--setup IFNAME`: first bring `IFNAME` up and give it the EID (e.g. `--setup lo`).
//! - `--control`: also answer MCTP control messages (fails if mctpd holds that binding).
//! - `--seconds`: stop after T seconds (default: run until killed).
//!
//! Then, on the same host: `nvme id-ctrl mctp:1,8 -o json` (the drive's controllers are 0
//! and 1).
//! Needs CAP_NET_BIND_SERVICE and CAP_NET_RAW (and CAP_NET_ADMIN for `--setup`).

use std::process::ExitCode;
use std::time::Duration;

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::responder::{serve, Responder};
use nvme_mi_core::transport::ResponderTransport;
use nvme_mi_linux::MCTP_NET_ANY;
use nvme_mi_linux::{netlink, MctpListener};
use nvme_mi_sim::Sim;

struct Args {
    net: u32,
    eid: Eid,
    seed: u64,
    setup: Option<String>,
    control: bool,
    seconds: Option<u64>,
}

fn parse_args() -> Result<Args, String> {
    let mut a = Args {
        net: MCTP_NET_ANY,
        eid: Eid(8),
        seed: 1,
        setup: None,
        control: false,
        seconds: None,
    };
    let mut it = std::env::args().skip(1);
    while let Some(flag) = it.next() {
        let mut value = |name: &str| it.next().ok_or(format!("{name} needs a value"));
        let bad = |name: &str| format!("bad value for {name}");
        match flag.as_str() {
            "--net" => a.net = value("--net")?.parse().map_err(|_| bad("--net"))?,
            "--eid" => a.eid = Eid(value("--eid")?.parse().map_err(|_| bad("--eid"))?),
            "--seed" => a.seed = value("--seed")?.parse().map_err(|_| bad("--seed"))?,
            "--setup" => a.setup = Some(value("--setup")?),
            "--control" => a.control = true,
            "--seconds" => {
                a.seconds = Some(value("--seconds")?.parse().map_err(|_| bad("--seconds"))?)
            }
            other => return Err(format!("unknown argument {other:?}")),
        }
    }
    Ok(a)
}

fn run(a: Args) -> Result<(), Box<dyn std::error::Error>> {
    if let Some(ifname) = &a.setup {
        netlink::ensure_local_eid(ifname, a.eid)?;
    }
    let mut listener = MctpListener::bind(a.net, Some(a.eid))?;
    if a.control {
        listener.listen_control()?;
    }
    let mut responder = Responder::new(Sim::new(a.seed), a.eid);
    let mut rx = vec![0u8; MAX_MESSAGE_LEN];
    let mut tx = vec![0u8; MAX_MESSAGE_LEN];
    let until = a.seconds.map(|s| listener.now() + Duration::from_secs(s));
    eprintln!(
        "serve_sim: simulated drive (seed {}) at EID {} on network {}",
        a.seed,
        a.eid,
        if a.net == MCTP_NET_ANY {
            "any".to_string()
        } else {
            a.net.to_string()
        }
    );
    serve(&mut listener, &mut responder, &mut rx, &mut tx, until)?;
    let stats = responder.stats();
    eprintln!(
        "serve_sim: done: {stats:?}, transport dropped {:?}",
        listener.dropped()
    );
    Ok(())
}

fn main() -> ExitCode {
    let args = match parse_args() {
        Ok(a) => a,
        Err(e) => {
            eprintln!("serve_sim: {e}");
            return ExitCode::from(2);
        }
    };
    match run(args) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("serve_sim: {e}");
            ExitCode::FAILURE
        }
    }
}
