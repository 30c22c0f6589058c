//! Following `mctpd`'s endpoints as they come and go.

use super::call::call;
use super::endpoint::DiscoveredEndpoint;
use super::endpoint::Interfaces;
use super::event::{Event, Filter};
use super::local::eids_of;
use super::objects::{snapshot_of, SnapshotMark};
use super::tracker::{endpoint_net_eid, Tracker};
use super::tree::{
    network_path, Tree, DBUS_NAME, DBUS_PATH, NETWORK_IFACE, OBJECT_MANAGER_IFACE, PROPERTIES_IFACE,
};
use super::Error;
use async_io::Timer;
use futures_lite::{future, stream, StreamExt};
use std::collections::{HashMap, VecDeque};
use std::time::{Duration, Instant};
use zbus::fdo::ManagedObjects;
use zbus::message::Type;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};
use zbus::{MatchRule, Message, MessageStream};

/// How many signals may wait unread. `zbus` stops reading the connection while a stream is
/// full (replies to other calls on it included), so this is generous: `mctpd` sends a few
/// signals per endpoint.
const MAX_QUEUED: usize = 4096;

/// Follows `mctpd`'s endpoints (async). The blocking twin is [`Watcher`].
///
/// At start it reports every endpoint present as [`Event::Added`], then each change as it
/// happens. It also follows the daemon itself: when `mctpd` exits its endpoints are reported
/// removed, and when it starts again its tree is read anew and the differences reported.
pub struct AsyncWatcher {
    conn: zbus::Connection,
    timeout: Duration,
    tree: Tree,
    signals: stream::Or<MessageStream, MessageStream>,
    tracker: Tracker,
    pending: VecDeque<Event>,
    /// The last snapshot's place among the daemon's messages: older signals are skipped.
    snapshot: Option<SnapshotMark>,
}

impl AsyncWatcher {
    pub(crate) async fn start(
        conn: zbus::Connection,
        timeout: Duration,
        filter: Filter,
    ) -> Result<Self, Error> {
        // Follow the tree of the daemon that runs now; if none runs, wait for a 2.x one.
        let mut tree = Tree::V2;
        for candidate in Tree::ALL {
            let reply = call(
                &conn,
                timeout,
                DBUS_NAME,
                DBUS_PATH,
                DBUS_NAME,
                "NameHasOwner",
                &(candidate.bus_name(),),
            )
            .await?;
            if reply.body().deserialize::<bool>()? {
                tree = candidate;
                break;
            }
        }

        // Subscribe BEFORE reading the tree, to miss nothing: a change that happens while
        // GetManagedObjects is in flight is then queued on these streams instead of lost.
        // A signal the daemon sent before its snapshot reply is skipped: replaying it would
        // take the tree back in time (a network's LocalEIDs before the host's EID was added
        // would make that EID a peer until the list is read again).
        let tree_rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .sender(tree.bus_name())?
            .path_namespace(tree.root())?
            .build();
        let owner_rule = MatchRule::builder()
            .msg_type(Type::Signal)
            .sender(DBUS_NAME)?
            .interface(DBUS_NAME)?
            .member("NameOwnerChanged")?
            .arg(0, tree.bus_name())?
            .build();
        let tree_signals =
            MessageStream::for_match_rule(tree_rule, &conn, Some(MAX_QUEUED)).await?;
        let owner_signals = MessageStream::for_match_rule(owner_rule, &conn, Some(64)).await?;

        let mut watcher = AsyncWatcher {
            conn,
            timeout,
            tree,
            signals: tree_signals.or(owner_signals),
            tracker: Tracker::new(filter),
            pending: VecDeque::new(),
            snapshot: None,
        };
        watcher.resync().await?;
        Ok(watcher)
    }

    /// The tree followed: that of the daemon running at start, 2.x if none was.
    pub fn tree(&self) -> Tree {
        self.tree
    }

    /// The endpoints known now (after the events already returned and those pending),
    /// ordered by network and EID.
    pub fn endpoints(&self) -> Vec<DiscoveredEndpoint> {
        self.tracker.endpoints()
    }

    /// The next event, waiting as long as it takes.
    pub async fn next_event(&mut self) -> Result<Event, Error> {
        loop {
            if let Some(ev) = self.pending.pop_front() {
                return Ok(ev);
            }
            let msg = self.signals.next().await;
            self.handle(msg).await?;
        }
    }

    /// The next event, or `None` if none comes before `deadline`.
    pub async fn next_event_before(&mut self, deadline: Instant) -> Result<Option<Event>, Error> {
        loop {
            if let Some(ev) = self.pending.pop_front() {
                return Ok(Some(ev));
            }
            let next = future::or(async { Some(self.signals.next().await) }, async {
                Timer::at(deadline).await;
                None
            })
            .await;
            match next {
                Some(msg) => self.handle(msg).await?,
                None => return Ok(None),
            }
        }
    }

    /// Reads the whole tree again and queues the differences.
    async fn resync(&mut self) -> Result<(), Error> {
        let (objects, mark) = match snapshot_of(&self.conn, self.timeout, self.tree).await {
            Err(Error::NotRunning) => (ManagedObjects::new(), None),
            other => other?,
        };
        self.snapshot = mark;
        self.tracker.reset(objects, &mut self.pending);
        Ok(())
    }

    /// Applies one message from the signal streams. Signals whose body does not have the
    /// standard shape are ignored.
    async fn handle(&mut self, msg: Option<zbus::Result<Message>>) -> Result<(), Error> {
        let msg = msg.ok_or(Error::Disconnected)??;
        if self.snapshot.as_ref().is_some_and(|m| m.precedes(&msg)) {
            return Ok(());
        }
        let header = msg.header();
        let (Some(iface), Some(member)) = (header.interface(), header.member()) else {
            return Ok(());
        };
        let body = msg.body();
        match (iface.as_str(), member.as_str()) {
            (OBJECT_MANAGER_IFACE, "InterfacesAdded") => {
                if let Ok((path, ifaces)) = body.deserialize::<(OwnedObjectPath, Interfaces)>() {
                    // mctpd publishes a network before its local EIDs, and LocalEIDs sends no
                    // change signal: read it again before reporting an endpoint not known
                    // to be local, so that the host's own EID is never reported.
                    if let Some((net, eid)) = endpoint_net_eid(&path, &ifaces) {
                        if self.tree == Tree::V2 && !self.tracker.is_local(net, eid) {
                            self.refresh_local(net).await;
                        }
                    }
                    self.tracker
                        .interfaces_added(path, ifaces, &mut self.pending);
                }
            }
            (OBJECT_MANAGER_IFACE, "InterfacesRemoved") => {
                if let Ok((path, names)) = body.deserialize::<(OwnedObjectPath, Vec<String>)>() {
                    self.tracker
                        .interfaces_removed(&path, &names, &mut self.pending);
                }
            }
            (PROPERTIES_IFACE, "PropertiesChanged") => {
                let Some(path) = header.path() else {
                    return Ok(());
                };
                let path = OwnedObjectPath::from(path.to_owned());
                let Ok((iface, changed, invalidated)) =
                    body.deserialize::<(String, HashMap<String, OwnedValue>, Vec<String>)>()
                else {
                    return Ok(());
                };
                if self.tracker.properties_changed(
                    &path,
                    &iface,
                    changed,
                    &invalidated,
                    &mut self.pending,
                ) {
                    self.reread(&path, &iface).await;
                }
            }
            (DBUS_NAME, "NameOwnerChanged") => {
                if let Ok((name, _, new_owner)) = body.deserialize::<(String, String, String)>() {
                    if name == self.tree.bus_name() {
                        if new_owner.is_empty() {
                            self.tracker.reset(ManagedObjects::new(), &mut self.pending);
                        } else {
                            self.resync().await?;
                        }
                    }
                }
            }
            _ => {}
        }
        Ok(())
    }

    /// Reads `LocalEIDs` of network `net` again. A daemon without network objects (before
    /// 2.x had them) has no local EIDs to learn: a failure changes nothing.
    async fn refresh_local(&mut self, net: u32) {
        let reply = call(
            &self.conn,
            self.timeout,
            self.tree.bus_name(),
            network_path(net).as_str(),
            PROPERTIES_IFACE,
            "Get",
            &(NETWORK_IFACE, "LocalEIDs"),
        )
        .await;
        let eids = reply.ok().and_then(|r| {
            let v: OwnedValue = r.body().deserialize().ok()?;
            eids_of(&v)
        });
        if let Some(eids) = eids {
            self.tracker.set_local(net, eids, &mut self.pending);
        }
    }

    /// Reads one interface's properties again after an invalidation. If that fails, the
    /// endpoint is rebuilt from what is known.
    async fn reread(&mut self, path: &OwnedObjectPath, iface: &str) {
        let props = call(
            &self.conn,
            self.timeout,
            self.tree.bus_name(),
            path.as_str(),
            PROPERTIES_IFACE,
            "GetAll",
            &(iface,),
        )
        .await
        .and_then(|reply| Ok(reply.body().deserialize::<HashMap<String, OwnedValue>>()?));
        match props {
            Ok(props) => self
                .tracker
                .set_interface(path, iface, props, &mut self.pending),
            Err(_) => self.tracker.update(path, &mut self.pending),
        }
    }
}

impl core::fmt::Debug for AsyncWatcher {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("AsyncWatcher")
            .field("tree", &self.tree)
            .field("tracker", &self.tracker)
            .field("pending", &self.pending)
            .finish_non_exhaustive()
    }
}

/// Follows `mctpd`'s endpoints, blocking; made by [`Discovery::watch_nvme_mi`] or
/// [`Discovery::watch_all`](super::Discovery::watch_all).
///
/// Events come from [`next_timeout`](Self::next_timeout) or from the iterator
/// [`events`](Self::events). Read them regularly: signals wait in a bounded queue, and while
/// it is full `zbus` stops reading the connection.
///
/// [`Discovery::watch_nvme_mi`]: super::Discovery::watch_nvme_mi
///
/// ```no_run
/// use std::time::Duration;
/// use nvme_mi_linux::discovery::{Discovery, Event};
///
/// let mut watcher = Discovery::connect_system()?.watch_nvme_mi()?;
/// loop {
///     for event in watcher.events(Duration::from_secs(1)) {
///         match event? {
///             Event::Added(ep) => println!("new drive at {ep}"),
///             Event::Removed { net, eid, .. } => println!("mctp:{net},{eid} gone"),
///             Event::Changed(ep) => println!("{ep} is now {:?}", ep.connectivity),
///         }
///     }
///     // Idle for a second: do other work here.
/// }
/// # Ok::<(), nvme_mi_linux::discovery::Error>(())
/// ```
#[derive(Debug)]
pub struct Watcher {
    inner: AsyncWatcher,
}

impl From<AsyncWatcher> for Watcher {
    fn from(inner: AsyncWatcher) -> Self {
        Watcher { inner }
    }
}

impl Watcher {
    /// The tree followed: that of the daemon running at start, 2.x if none was.
    pub fn tree(&self) -> Tree {
        self.inner.tree()
    }

    /// The endpoints known now, ordered by network and EID.
    pub fn endpoints(&self) -> Vec<DiscoveredEndpoint> {
        self.inner.endpoints()
    }

    /// The next event, or `None` if none comes within `timeout`.
    pub fn next_timeout(&mut self, timeout: Duration) -> Result<Option<Event>, Error> {
        let deadline = Instant::now() + timeout;
        zbus::block_on(self.inner.next_event_before(deadline))
    }

    /// An iterator over events that ends when none comes within `idle` (or after an error,
    /// which it yields first).
    pub fn events(&mut self, idle: Duration) -> Events<'_> {
        Events {
            watcher: self,
            idle,
            done: false,
        }
    }

    /// The async watcher inside.
    pub fn into_async(self) -> AsyncWatcher {
        self.inner
    }
}

/// Iterator over a [`Watcher`]'s events; see [`Watcher::events`].
#[derive(Debug)]
pub struct Events<'a> {
    watcher: &'a mut Watcher,
    idle: Duration,
    done: bool,
}

impl Iterator for Events<'_> {
    type Item = Result<Event, Error>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        match self.watcher.next_timeout(self.idle) {
            Ok(Some(ev)) => Some(Ok(ev)),
            Ok(None) => None,
            Err(e) => {
                self.done = true;
                Some(Err(e))
            }
        }
    }
}
