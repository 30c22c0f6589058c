//! The host's own EIDs, which `mctpd` publishes as endpoints like any peer.
//!
//! `mctpd` 2.x makes an endpoint object for every EID assigned to a local MCTP interface
//! (supporting only MCTP control messages, type 0), beside the remote endpoints it enumerated.
//! Its network objects (`/au/com/codeconstruct/mctp1/networks/<net>`, interface
//! `au.com.codeconstruct.MCTP.Network1`) carry the list of them as `LocalEIDs` (`ay`); that
//! list is how discovery tells the host from the devices. The property is constant on D-Bus
//! (no change signal) although `mctpd` adds a network before its local EIDs, so a watcher
//! reads it again when an endpoint appears on the network.

use super::endpoint::Interfaces;
use super::tree::{Tree, NETWORK_IFACE};
use std::collections::{BTreeMap, BTreeSet};
use zbus::fdo::ManagedObjects;
use zbus::zvariant::{OwnedObjectPath, Value};

/// The local EIDs of every network.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct LocalEids {
    by_net: BTreeMap<u32, BTreeSet<u8>>,
}

/// The network a network object describes: `<root>/networks/<net>` of the 2.x tree.
pub(crate) fn network_of_path(path: &OwnedObjectPath) -> Option<u32> {
    let prefix = format!("{}/networks/", Tree::V2.root());
    path.as_str().strip_prefix(&prefix)?.parse().ok()
}

/// The EIDs of an `ay` value; `None` for any other type.
pub(crate) fn eids_of(value: &Value<'_>) -> Option<BTreeSet<u8>> {
    match value {
        Value::Array(a) => a
            .inner()
            .iter()
            .map(|v| match v {
                Value::U8(e) => Some(*e),
                _ => None,
            })
            .collect(),
        _ => None,
    }
}

impl LocalEids {
    /// True if `eid` is one of the host's own on network `net`.
    pub(crate) fn contains(&self, net: u32, eid: u8) -> bool {
        self.by_net.get(&net).is_some_and(|s| s.contains(&eid))
    }

    /// Replaces the local EIDs of `net`. Returns true if they changed.
    pub(crate) fn set(&mut self, net: u32, eids: BTreeSet<u8>) -> bool {
        if self.by_net.get(&net) == Some(&eids) {
            return false;
        }
        if eids.is_empty() {
            self.by_net.remove(&net);
        } else {
            self.by_net.insert(net, eids);
        }
        true
    }

    /// Takes `LocalEIDs` from a network object's interfaces (`InterfacesAdded`, or one entry
    /// of `GetManagedObjects`). Returns the network if the object is one and its list changed.
    pub(crate) fn learn(&mut self, path: &OwnedObjectPath, ifaces: &Interfaces) -> Option<u32> {
        let net = network_of_path(path)?;
        let eids = ifaces
            .get(NETWORK_IFACE)
            .and_then(|props| props.get("LocalEIDs"))
            .and_then(|v| eids_of(v))?;
        self.set(net, eids).then_some(net)
    }

    /// Every network object's `LocalEIDs` in a snapshot.
    pub(crate) fn from_snapshot(objects: &ManagedObjects) -> Self {
        let mut out = LocalEids::default();
        for (path, ifaces) in objects {
            out.learn(path, ifaces);
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zbus::names::OwnedInterfaceName;
    use zbus::zvariant::{Array, OwnedValue};

    fn network(eids: Value<'static>) -> Interfaces {
        let mut props = std::collections::HashMap::new();
        props.insert("LocalEIDs".to_owned(), OwnedValue::try_from(eids).unwrap());
        [(OwnedInterfaceName::try_from(NETWORK_IFACE).unwrap(), props)]
            .into_iter()
            .collect()
    }

    #[test]
    fn learns_local_eids_from_network_objects_only() {
        let mut l = LocalEids::default();
        let net1 = OwnedObjectPath::try_from("/au/com/codeconstruct/mctp1/networks/1").unwrap();
        assert_eq!(
            l.learn(&net1, &network(Value::Array(Array::from(vec![8u8])))),
            Some(1)
        );
        assert!(l.contains(1, 8));
        assert!(!l.contains(1, 9) && !l.contains(2, 8));
        // The same again is no change; a wrong type is ignored.
        assert_eq!(
            l.learn(&net1, &network(Value::Array(Array::from(vec![8u8])))),
            None
        );
        assert_eq!(l.learn(&net1, &network(Value::U8(8))), None);
        assert!(l.contains(1, 8));
        // An endpoint object or another tree is not a network object.
        let ep = OwnedObjectPath::try_from("/au/com/codeconstruct/mctp1/networks/1/endpoints/8")
            .unwrap();
        assert_eq!(network_of_path(&ep), None);
        assert_eq!(
            l.learn(&ep, &network(Value::Array(Array::from(vec![9u8])))),
            None
        );
        assert!(l.set(1, BTreeSet::new()));
        assert!(!l.contains(1, 8));
    }
}
