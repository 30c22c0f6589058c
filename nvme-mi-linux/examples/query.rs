//! Query an NVMe-MI endpoint over `AF_MCTP` with the requester API: NVM Subsystem Health
//! Status Poll, and Identify Controller when a controller ID is given.
//!
//! ```text
//! query mctp:<net>,<eid>[:<controller-id>]
//! ```
//! For example against `serve_sim` on the same host: `query mctp:1,8:1`.
//! Needs CAP_NET_RAW.

use std::process::ExitCode;

use nvme_mi_core::mi::admin::{Cns, Identify};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_linux::{MctpDevice, MctpTransport};

fn run(device: &str) -> Result<(), Box<dyn std::error::Error>> {
    let dev: MctpDevice = device.parse()?;
    let transport = MctpTransport::new(dev.addr)?;
    let mut ep = Endpoint::new(transport, vec![0u8; MAX_MESSAGE_LEN]);

    let health = ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    })?;
    println!("{}: {:#?}", dev.addr, health.health);

    if let Some(ctrl) = dev.controller {
        let r = ep.admin(ctrl, &Identify::new(Cns::Controller), 0, 4096, &[])?;
        let id = IdentifyController::view(r.data)?;
        println!(
            "controller {ctrl}: model {:?}, serial {:?}, firmware {:?}",
            id.mn(),
            id.sn(),
            id.fr()
        );
    }
    let t = ep.transport();
    if !t.preallocates_tags() {
        eprintln!("note: this kernel has no tag ioctls; More Processing Required cannot work");
    }
    if t.dropped().total() > 0 {
        eprintln!("note: discarded messages: {:?}", t.dropped());
    }
    Ok(())
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [device] = args.as_slice() else {
        eprintln!("usage: query mctp:<net>,<eid>[:<controller-id>]");
        return ExitCode::from(2);
    };
    match run(device) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("query: {e}");
            ExitCode::FAILURE
        }
    }
}
