//! `serve`: the simulated drive as a real NVMe-MI endpoint on the kernel's AF_MCTP sockets.

use crate::cli::error::{CliError, CliResult};

/// The options of `serve`.
pub struct Options<'a> {
    /// MCTP network (None: any).
    pub net: Option<u32>,
    /// Local EID.
    pub eid: u8,
    /// Interface to set up first.
    pub setup: Option<&'a str>,
    /// Also answer MCTP control messages.
    pub control: bool,
    /// Stop after this many seconds.
    pub seconds: Option<u64>,
    /// The drive's seed.
    pub seed: u64,
    /// The drive's controllers, ports and namespaces.
    pub topology: nvme_mi_sim::Topology,
    /// Log every message.
    pub verbose: bool,
    /// Write a pcap capture.
    pub capture: Option<&'a std::path::Path>,
}

/// `serve`.
#[cfg(target_os = "linux")]
pub fn run(o: Options<'_>) -> CliResult {
    let Options {
        net,
        eid,
        setup,
        control,
        seconds,
        seed,
        topology,
        verbose,
        capture,
    } = o;
    use std::time::Duration;

    use crate::cli::logging::Logging;

    use nvme_mi_core::mctp::Eid;
    use nvme_mi_core::mi::MAX_MESSAGE_LEN;
    use nvme_mi_core::responder::{serve, Responder};
    use nvme_mi_core::transport::ResponderTransport;
    use nvme_mi_linux::MCTP_NET_ANY;
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
    let sim = Sim::with_topology(seed, topology)
        .map_err(|e| CliError::usage(format!("the simulated drive's topology: {e}")))?;
    let mut responder = Responder::new(sim, eid);
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
    if let Some(p) = capture {
        let mut c = crate::cli::capture::Capture::create(p)?;
        c.set_local(eid.0);
        listener.capture(c);
    }
    serve(&mut listener, &mut responder, &mut rx, &mut tx, until)
        .map_err(|e| CliError::transport(format!("serving: {e}")))?;
    let st = responder.stats();
    eprintln!(
        "nvme-mi serve: done: {} requests received, {} dropped, {} failed the integrity check, \
         {} rejected, {} answered More Processing Required, {} while the slot was busy, {} while \
         paused, {} MCTP control messages",
        st.received,
        st.dropped,
        st.bad_integrity,
        st.rejected,
        st.more_processing,
        st.slot_busy,
        st.paused,
        st.control
    );
    Ok(())
}

/// `serve` needs Linux.
#[cfg(not(target_os = "linux"))]
pub fn run(_: Options<'_>) -> CliResult {
    Err(CliError::transport("serve needs Linux AF_MCTP"))
}
