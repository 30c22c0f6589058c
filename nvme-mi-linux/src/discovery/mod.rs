//! Endpoint discovery through `mctpd`, the Linux MCTP bus-owner daemon, over D-Bus.
//!
//! `mctpd` assigns EIDs to the MCTP endpoints it finds and publishes each one as a D-Bus object
//! with its network, EID, supported message types, UUID and connectivity. This module reads
//! that tree, keeps the endpoints that speak NVMe-MI (MCTP message type 4), follows changes,
//! and asks `mctpd` to set up a new endpoint by physical address.
//!
//! | task | blocking | async |
//! |---|---|---|
//! | list endpoints once | [`Discovery::list_nvme_mi`] | [`AsyncDiscovery::list_nvme_mi`] |
//! | follow additions, removals, connectivity | [`Watcher`] | [`AsyncWatcher`] |
//! | enumerate a device behind an interface | [`Discovery::setup_endpoint`] | [`AsyncDiscovery::setup_endpoint`] |
//!
//! Both object trees that `mctpd` has published are understood (see [`Tree`]): version 2.x
//! (`au.com.codeconstruct.MCTP1`, `NetworkId` typed `u`) first, then version 1.x
//! (`xyz.openbmc_project.MCTP`, `NetworkId` typed `i`) when no 2.x daemon owns its name. A
//! negative `NetworkId` is rejected rather than wrapped.
//!
//! `mctpd` 2.x also publishes the host's own EIDs as endpoints (message types `[0]`); they are
//! never returned or reported (their networks' `LocalEIDs` name them). After `mctpd` restarts
//! it knows no peer until each is set up again: a watcher then reports every endpoint removed,
//! and added again as `SetupEndpoint` (by whoever manages the bus) brings it back.
//!
//! The blocking API needs no async runtime: `zbus` drives its socket on its own thread, and
//! every call here waits at most the configured timeout ([`Discovery::DEFAULT_TIMEOUT`]).
//!
//! ```no_run
//! use nvme_mi_linux::discovery::Discovery;
//!
//! let mctpd = Discovery::connect_system()?;
//! for ep in mctpd.list_nvme_mi()? {
//!     println!("{} {:?} uuid {:?}", ep.address(), ep.connectivity, ep.uuid);
//! }
//! # Ok::<(), nvme_mi_linux::discovery::Error>(())
//! ```

mod call;
mod client;
mod endpoint;
mod error;
mod event;
mod local;
mod objects;
mod tracker;
mod tree;
mod watcher;

pub use client::{AsyncDiscovery, Discovery, SetupEndpoint};
pub use endpoint::{Connectivity, DiscoveredEndpoint};
pub use error::{Error, PropertyProblem};
pub use event::Event;
pub use tree::{interface_path, Tree};
pub use watcher::{AsyncWatcher, Events, Watcher};

/// The `zbus` version this module is built on, re-exported so that callers can build a
/// [`Connection`](zbus::blocking::Connection) for [`Discovery::from_connection`] without a
/// version mismatch.
pub use zbus;
