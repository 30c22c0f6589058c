//! Reading `mctpd`'s object tree with `GetManagedObjects`.

use super::call::call;
use super::tree::{Tree, OBJECT_MANAGER_IFACE};
use super::Error;
use std::time::Duration;
use zbus::fdo::ManagedObjects;

/// Reads `mctpd`'s object tree: `GetManagedObjects` on the 2.x tree, and on the 1.x tree when
/// nobody owns the 2.x bus name. Returns the tree read and its objects.
pub(crate) async fn managed_objects(
    conn: &zbus::Connection,
    timeout: Duration,
) -> Result<(Tree, ManagedObjects), Error> {
    for tree in Tree::ALL {
        match managed_objects_of(conn, timeout, tree).await {
            Err(Error::NotRunning) => continue,
            other => return other.map(|objects| (tree, objects)),
        }
    }
    Err(Error::NotRunning)
}

/// `GetManagedObjects` on one tree; [`Error::NotRunning`] if its bus name has no owner.
pub(crate) async fn managed_objects_of(
    conn: &zbus::Connection,
    timeout: Duration,
    tree: Tree,
) -> Result<ManagedObjects, Error> {
    Ok(snapshot_of(conn, timeout, tree).await?.0)
}

/// Where a snapshot of the tree stands in the daemon's stream of messages: its reply's
/// sender and serial number. A signal from that sender with a lower serial was sent before
/// the snapshot was taken, which already shows its change (D-Bus 1.0 specification,
/// "Message Protocol": a connection numbers the messages it sends in order).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SnapshotMark {
    pub(crate) sender: String,
    pub(crate) serial: u32,
}

impl SnapshotMark {
    /// True if `msg` was sent by the same daemon before the snapshot.
    pub(crate) fn precedes(&self, msg: &zbus::Message) -> bool {
        msg.header()
            .sender()
            .is_some_and(|s| s.as_str() == self.sender)
            && msg.primary_header().serial_num().get() < self.serial
    }
}

/// `GetManagedObjects` of `tree`, with the mark of its reply; [`Error::NotRunning`] if its
/// bus name has no owner.
pub(crate) async fn snapshot_of(
    conn: &zbus::Connection,
    timeout: Duration,
    tree: Tree,
) -> Result<(ManagedObjects, Option<SnapshotMark>), Error> {
    let reply = call(
        conn,
        timeout,
        tree.bus_name(),
        tree.root(),
        OBJECT_MANAGER_IFACE,
        "GetManagedObjects",
        &(),
    )
    .await
    .map_err(|e| match e {
        Error::Bus(ref b) if Error::is_no_owner(b) => Error::NotRunning,
        other => other,
    })?;
    let mark = reply.header().sender().map(|s| SnapshotMark {
        sender: s.as_str().to_owned(),
        serial: reply.primary_header().serial_num().get(),
    });
    Ok((reply.body().deserialize::<ManagedObjects>()?, mark))
}
