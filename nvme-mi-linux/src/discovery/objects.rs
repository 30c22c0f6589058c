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
    Ok(reply.body().deserialize::<ManagedObjects>()?)
}
