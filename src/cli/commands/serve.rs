//! `serve`: the simulated drive as a real NVMe-MI endpoint on the kernel's AF_MCTP sockets.

use crate::cli::error::{CliError, CliResult};

/// `serve`.
#[cfg(target_os = "linux")]
pub fn run(
    net: Option<u32>,
    eid: u8,
    setup: Option<&str>,
    control: bool,
    seconds: Option<u64>,
    seed: u64,
    verbose: bool,
) -> CliResult {
    use std::time::Duration;

    use crate::cli::logging::Logging;

    use nvme_mi_core::mctp::Eid;
    use nvme_mi_core::mi::MAX_MESSAGE_LEN;
    use nvme_mi_core::responder::{serve, Responder};
    use nvme_mi_core::transport::ResponderTransport;
    use nvme_mi_linux::sys::MCTP_NET_ANY;
    use nvme_mi_linux::{netlink, MctpListener};
    use nvme_mi_sim::Sim;

    let eid = Eid(eid);
    if let Some(ifname) = setup {
        netlink::ensure_local_eid(ifname, eid)
            .map_err(|e| CliError::transport(format!("setting up {ifname} with EID {eid}: {e}")))?;
    }
    let net = net.unwrap_or(MCTP_NET_ANY);
    let mut listener = MctpListener::bind(net, Some(eid))
        .map_err(|e| CliError::transport(format!("binding EID {eid}: {e}")))?;
    if control {
        listener
            .listen_control()
            .map_err(|e| CliError::transport(format!("binding MCTP control: {e}")))?;
    }
    let mut responder = Responder::new(Sim::new(seed), eid);
    let mut rx = vec![0u8; MAX_MESSAGE_LEN];
    let mut tx = vec![0u8; MAX_MESSAGE_LEN];
    let until = seconds.map(|s| listener.now() + Duration::from_secs(s));
    let where_ = if net == MCTP_NET_ANY {
        "any network".to_string()
    } else {
        format!("network {net}")
    };
    eprintln!(
        "nvme-mi serve: simulated drive (seed {seed}, serial {}) at EID {eid} on {where_}",
        responder.device().serial_number()
    );
    let mut listener = Logging::new(listener, verbose);
    serve(&mut listener, &mut responder, &mut rx, &mut tx, until)
        .map_err(|e| CliError::transport(format!("serving: {e}")))?;
    eprintln!("nvme-mi serve: done: {:?}", responder.stats());
    Ok(())
}

/// `serve` needs Linux.
#[cfg(not(target_os = "linux"))]
pub fn run(
    _net: Option<u32>,
    _eid: u8,
    _setup: Option<&str>,
    _control: bool,
    _seconds: Option<u64>,
    _seed: u64,
    _verbose: bool,
) -> CliResult {
    Err(CliError::transport("serve needs Linux AF_MCTP"))
}
