//! What a watcher reports, and which endpoints it reports.

use super::endpoint::DiscoveredEndpoint;
use zbus::zvariant::OwnedObjectPath;

/// A change to the set of endpoints a watcher follows.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Event {
    /// An endpoint appeared (or was present when the watcher started).
    Added(DiscoveredEndpoint),
    /// An endpoint went away (or no longer passes the watcher's filter).
    Removed {
        /// Its network.
        net: u32,
        /// Its EID.
        eid: u8,
        /// Its former object path.
        path: OwnedObjectPath,
    },
    /// A property of a known endpoint changed (connectivity, UUID, message types); the
    /// endpoint as it is now.
    Changed(DiscoveredEndpoint),
}

impl Event {
    /// The network and EID the event is about.
    pub fn address(&self) -> (u32, u8) {
        match self {
            Event::Added(e) | Event::Changed(e) => (e.net, e.eid),
            Event::Removed { net, eid, .. } => (*net, *eid),
        }
    }
}

/// Which endpoints a watcher reports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Filter {
    /// Those that support NVMe-MI.
    NvmeMi,
    /// All.
    All,
}

impl Filter {
    pub(crate) fn passes(self, ep: &DiscoveredEndpoint) -> bool {
        match self {
            Filter::NvmeMi => ep.supports_nvme_mi(),
            Filter::All => true,
        }
    }
}
