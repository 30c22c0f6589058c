//! One-shot queries to `mctpd`: list endpoints, set up an endpoint.

use super::call::call;
use super::endpoint::DiscoveredEndpoint;
use super::event::Filter;
use super::local::LocalEids;
use super::objects::managed_objects;
use super::tree::{interface_path, Tree, BUS_OWNER_IFACE};
use super::watcher::{AsyncWatcher, Watcher};
use super::Error;
use crate::MctpAddr;
use nvme_mi_core::mctp::Eid;
use std::time::Duration;
use zbus::fdo::ManagedObjects;
use zbus::zvariant::OwnedObjectPath;

/// What `SetupEndpoint` answered: the endpoint `mctpd` found or created.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct SetupEndpoint {
    /// The endpoint's EID.
    pub eid: u8,
    /// Its MCTP network.
    pub net: u32,
    /// Its object path.
    pub path: OwnedObjectPath,
    /// True if `mctpd` assigned a new EID, false if the endpoint was already known.
    pub new: bool,
}

impl SetupEndpoint {
    /// The kernel address of the endpoint: `MctpTransport::new(s.mctp_addr())` opens it, and
    /// its `Display` is the device string `mctp:<net>,<eid>`.
    pub fn mctp_addr(&self) -> MctpAddr {
        MctpAddr::new(self.net, Eid(self.eid))
    }
}

/// Every well-formed endpoint object among `objects` that is not one of the host's own EIDs
/// (the network objects' `LocalEIDs`, see [`LocalEids`]), ordered by network and EID. Objects
/// without the endpoint interface (interfaces, networks) are not endpoints; an endpoint object
/// with a malformed property is skipped, so that one bad object hides no other.
pub(crate) fn endpoints_of(objects: ManagedObjects) -> Vec<DiscoveredEndpoint> {
    let local = LocalEids::from_snapshot(&objects);
    let mut out: Vec<DiscoveredEndpoint> = objects
        .into_iter()
        .filter_map(|(path, ifaces)| DiscoveredEndpoint::from_interfaces(path, &ifaces).ok())
        .filter(|e| !local.contains(e.net, e.eid))
        .collect();
    out.sort_by(|a, b| (a.net, a.eid, a.path.as_str()).cmp(&(b.net, b.eid, b.path.as_str())));
    out
}

/// A handle on `mctpd` over an async `zbus` connection. The blocking twin is [`Discovery`].
#[derive(Debug, Clone)]
pub struct AsyncDiscovery {
    conn: zbus::Connection,
    timeout: Duration,
}

impl AsyncDiscovery {
    /// Uses an existing connection to the bus `mctpd` is on, with
    /// [`Discovery::DEFAULT_TIMEOUT`].
    pub fn from_connection(conn: zbus::Connection) -> Self {
        AsyncDiscovery {
            conn,
            timeout: Discovery::DEFAULT_TIMEOUT,
        }
    }

    /// Connects to the system bus, where `mctpd` runs.
    pub async fn connect_system() -> Result<Self, Error> {
        Ok(Self::from_connection(zbus::Connection::system().await?))
    }

    /// Connects to the session bus (tests, or a `mctpd` run by hand).
    pub async fn connect_session() -> Result<Self, Error> {
        Ok(Self::from_connection(zbus::Connection::session().await?))
    }

    /// Sets how long each D-Bus call may take before [`Error::Timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The underlying connection.
    pub fn connection(&self) -> &zbus::Connection {
        &self.conn
    }

    /// Every endpoint `mctpd` publishes, whatever its message types, ordered by network and
    /// EID; the host's own EIDs, which `mctpd` 2.x publishes too, are left out.
    pub async fn endpoints(&self) -> Result<Vec<DiscoveredEndpoint>, Error> {
        let (_, objects) = managed_objects(&self.conn, self.timeout).await?;
        Ok(endpoints_of(objects))
    }

    /// The endpoints that support NVMe-MI, ordered by network and EID.
    pub async fn list_nvme_mi(&self) -> Result<Vec<DiscoveredEndpoint>, Error> {
        let mut all = self.endpoints().await?;
        all.retain(DiscoveredEndpoint::supports_nvme_mi);
        Ok(all)
    }

    /// Asks `mctpd` 2.x to enumerate the device at physical address `physaddr` (for I2C, the
    /// 7-bit address as one byte) behind the local MCTP interface `ifname`:
    /// `au.com.codeconstruct.MCTP.BusOwner1.SetupEndpoint(ay) -> (y, i, s, b)` on
    /// `/au/com/codeconstruct/mctp1/interfaces/<ifname>`.
    pub async fn setup_endpoint(
        &self,
        ifname: &str,
        physaddr: &[u8],
    ) -> Result<SetupEndpoint, Error> {
        let path = interface_path(ifname)?;
        let reply = call(
            &self.conn,
            self.timeout,
            Tree::V2.bus_name(),
            path.as_str(),
            BUS_OWNER_IFACE,
            "SetupEndpoint",
            &(physaddr,),
        )
        .await
        .map_err(|e| match e {
            Error::Bus(ref b) if Error::is_no_owner(b) => Error::NotRunning,
            other => other,
        })?;
        let (eid, net, path, new): (u8, i32, String, bool) = reply
            .body()
            .deserialize()
            .map_err(|_| Error::BadReply("SetupEndpoint did not return (y, i, s, b)"))?;
        let path = OwnedObjectPath::try_from(path)
            .map_err(|_| Error::BadReply("SetupEndpoint returned an invalid object path"))?;
        let net =
            u32::try_from(net).map_err(|_| Error::BadReply("SetupEndpoint: negative network"))?;
        Ok(SetupEndpoint {
            eid,
            net,
            path,
            new,
        })
    }

    /// Starts following the NVMe-MI endpoints (see [`AsyncWatcher`]).
    pub async fn watch_nvme_mi(&self) -> Result<AsyncWatcher, Error> {
        AsyncWatcher::start(self.conn.clone(), self.timeout, Filter::NvmeMi).await
    }

    /// Starts following every endpoint, whatever its message types.
    pub async fn watch_all(&self) -> Result<AsyncWatcher, Error> {
        AsyncWatcher::start(self.conn.clone(), self.timeout, Filter::All).await
    }
}

/// A handle on `mctpd`, blocking. Every call waits at most the timeout
/// ([`DEFAULT_TIMEOUT`](Self::DEFAULT_TIMEOUT) unless changed by
/// [`with_timeout`](Self::with_timeout)).
#[derive(Debug, Clone)]
pub struct Discovery {
    conn: zbus::blocking::Connection,
    inner: AsyncDiscovery,
}

impl Discovery {
    /// The default bound on one D-Bus call (`SetupEndpoint` makes `mctpd` exchange several
    /// MCTP control messages with the device, each with its own retries, before it answers).
    pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(10);

    /// Uses an existing blocking connection to the bus `mctpd` is on.
    pub fn from_connection(conn: zbus::blocking::Connection) -> Self {
        let inner = AsyncDiscovery::from_connection(conn.inner().clone());
        Discovery { conn, inner }
    }

    /// Connects to the system bus, where `mctpd` runs.
    pub fn connect_system() -> Result<Self, Error> {
        Ok(Self::from_connection(zbus::blocking::Connection::system()?))
    }

    /// Connects to the session bus (tests, or a `mctpd` run by hand).
    pub fn connect_session() -> Result<Self, Error> {
        Ok(Self::from_connection(zbus::blocking::Connection::session()?))
    }

    /// Connects to the bus at a D-Bus address such as `unix:path=/run/dbus/system_bus_socket`.
    pub fn connect_address(address: &str) -> Result<Self, Error> {
        let conn = zbus::blocking::connection::Builder::address(address)?.build()?;
        Ok(Self::from_connection(conn))
    }

    /// Sets how long each D-Bus call may take before [`Error::Timeout`].
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.inner = self.inner.with_timeout(timeout);
        self
    }

    /// The underlying connection.
    pub fn connection(&self) -> &zbus::blocking::Connection {
        &self.conn
    }

    /// Every endpoint `mctpd` publishes, whatever its message types, ordered by network and
    /// EID; the host's own EIDs are left out.
    pub fn endpoints(&self) -> Result<Vec<DiscoveredEndpoint>, Error> {
        zbus::block_on(self.inner.endpoints())
    }

    /// The endpoints that support NVMe-MI (message type 4), ordered by network and EID.
    pub fn list_nvme_mi(&self) -> Result<Vec<DiscoveredEndpoint>, Error> {
        zbus::block_on(self.inner.list_nvme_mi())
    }

    /// Asks `mctpd` to enumerate the device at `physaddr` behind interface `ifname`; see
    /// [`AsyncDiscovery::setup_endpoint`].
    pub fn setup_endpoint(&self, ifname: &str, physaddr: &[u8]) -> Result<SetupEndpoint, Error> {
        zbus::block_on(self.inner.setup_endpoint(ifname, physaddr))
    }

    /// Starts following the NVMe-MI endpoints (see [`Watcher`]).
    pub fn watch_nvme_mi(&self) -> Result<Watcher, Error> {
        Ok(Watcher::from(zbus::block_on(self.inner.watch_nvme_mi())?))
    }

    /// Starts following every endpoint, whatever its message types.
    pub fn watch_all(&self) -> Result<Watcher, Error> {
        Ok(Watcher::from(zbus::block_on(self.inner.watch_all())?))
    }
}
