//! What the integration tests share: a requester endpoint on a fresh simulated drive.

use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::responder::Responder;
use nvme_mi_sim::{Sim, Topology};

/// The requester's handle on the simulated drive.
pub type Ep = Endpoint<Loopback<Responder<Sim, LoopPeer>>, Vec<u8>>;

/// A requester at EID 8 linked to a fresh drive made from `seed` (boxed: the link holds
/// message buffers).
pub fn endpoint(seed: u64) -> Box<Ep> {
    let link = Loopback::new(
        nvme_mi_sim::responder(seed),
        Eid(8),
        nvme_mi_sim::DEFAULT_EID,
    );
    Box::new(Endpoint::new(link, vec![0u8; MAX_MESSAGE_LEN]))
}

/// A requester linked to a fresh drive of shape `topology`.
#[allow(dead_code)]
pub fn endpoint_with(seed: u64, topology: Topology) -> Box<Ep> {
    let sim = Sim::with_topology(seed, topology).expect("topology");
    let link = Loopback::new(
        Responder::new(sim, nvme_mi_sim::DEFAULT_EID),
        Eid(8),
        nvme_mi_sim::DEFAULT_EID,
    );
    Box::new(Endpoint::new(link, vec![0u8; MAX_MESSAGE_LEN]))
}
