//! The watcher's model of `mctpd`'s endpoint objects, updated by signals (sans I/O).
//!
//! The tracker keeps the raw properties of every object that has one of the endpoint
//! interfaces, in whatever order those interfaces arrive, and reports an [`Event`] only when
//! the [`DiscoveredEndpoint`] built from them appears, disappears or differs. Replaying a change that a
//! snapshot already contains therefore reports nothing, which is what makes "subscribe first,
//! then read the snapshot" safe.

use super::endpoint::{DiscoveredEndpoint, Interfaces};
use super::event::{Event, Filter};
use super::local::LocalEids;
use super::tree::{CC_ENDPOINT_IFACE, ENDPOINT_IFACE, NETWORK_IFACE, UUID_IFACE};
use std::collections::BTreeSet;
use std::collections::{HashMap, HashSet, VecDeque};
use zbus::fdo::ManagedObjects;
use zbus::names::OwnedInterfaceName;
use zbus::zvariant::{OwnedObjectPath, OwnedValue};

/// True for the interfaces a [`DiscoveredEndpoint`] is built from.
fn relevant(iface: &str) -> bool {
    [ENDPOINT_IFACE, UUID_IFACE, CC_ENDPOINT_IFACE].contains(&iface)
}

/// The network an endpoint object's `NetworkId` names, if it has a valid one.
pub(crate) fn endpoint_net_eid(path: &OwnedObjectPath, ifaces: &Interfaces) -> Option<(u32, u8)> {
    DiscoveredEndpoint::from_interfaces(path.clone(), ifaces)
        .ok()
        .map(|e| (e.net, e.eid))
}

/// See the module documentation.
#[derive(Debug)]
pub(crate) struct Tracker {
    filter: Filter,
    objects: HashMap<OwnedObjectPath, Interfaces>,
    visible: HashMap<OwnedObjectPath, DiscoveredEndpoint>,
    /// The host's own EIDs, which are never reported (see [`LocalEids`]).
    local: LocalEids,
}

impl Tracker {
    pub(crate) fn new(filter: Filter) -> Self {
        Tracker {
            filter,
            objects: HashMap::new(),
            visible: HashMap::new(),
            local: LocalEids::default(),
        }
    }

    /// True if `eid` is known to be one of the host's own on `net`.
    pub(crate) fn is_local(&self, net: u32, eid: u8) -> bool {
        self.local.contains(net, eid)
    }

    /// Sets the local EIDs of `net` (read from its network object) and reports what that
    /// changes: a local endpoint reported earlier is removed.
    pub(crate) fn set_local(&mut self, net: u32, eids: BTreeSet<u8>, out: &mut VecDeque<Event>) {
        if self.local.set(net, eids) {
            self.update_net(net, out);
        }
    }

    /// Rebuilds every endpoint object on `net`.
    fn update_net(&mut self, net: u32, out: &mut VecDeque<Event>) {
        let paths: Vec<OwnedObjectPath> = self
            .objects
            .iter()
            .filter(|(p, i)| endpoint_net_eid(p, i).is_some_and(|(n, _)| n == net))
            .map(|(p, _)| p.clone())
            .collect();
        for p in paths {
            self.update(&p, out);
        }
    }

    /// The endpoints currently known and passing the filter, ordered by network and EID.
    pub(crate) fn endpoints(&self) -> Vec<DiscoveredEndpoint> {
        let mut all: Vec<DiscoveredEndpoint> = self.visible.values().cloned().collect();
        all.sort_by_key(|e| (e.net, e.eid));
        all
    }

    /// Replaces the whole model by a snapshot (`GetManagedObjects`, or nothing when the daemon
    /// went away) and reports the differences.
    pub(crate) fn reset(&mut self, snapshot: ManagedObjects, out: &mut VecDeque<Event>) {
        let old: HashSet<OwnedObjectPath> = self.visible.keys().cloned().collect();
        self.objects.clear();
        self.local = LocalEids::from_snapshot(&snapshot);
        for (path, ifaces) in snapshot {
            let ifaces: Interfaces = ifaces
                .into_iter()
                .filter(|(name, _)| relevant(name.as_str()))
                .collect();
            if !ifaces.is_empty() {
                self.objects.insert(path, ifaces);
            }
        }
        let paths: HashSet<OwnedObjectPath> = old
            .into_iter()
            .chain(self.objects.keys().cloned())
            .collect();
        let mut batch = VecDeque::new();
        for path in paths {
            self.update(&path, &mut batch);
        }
        // Report in the order of network and EID rather than of path strings ("10" < "8").
        batch.make_contiguous().sort_by_key(Event::address);
        out.extend(batch);
    }

    /// `InterfacesAdded`: the object gained interfaces (with all their properties).
    pub(crate) fn interfaces_added(
        &mut self,
        path: OwnedObjectPath,
        ifaces: Interfaces,
        out: &mut VecDeque<Event>,
    ) {
        if ifaces.contains_key(NETWORK_IFACE) {
            if let Some(net) = self.local.learn(&path, &ifaces) {
                self.update_net(net, out);
            }
        }
        let ifaces: Vec<_> = ifaces
            .into_iter()
            .filter(|(name, _)| relevant(name.as_str()))
            .collect();
        if ifaces.is_empty() {
            return;
        }
        self.objects.entry(path.clone()).or_default().extend(ifaces);
        self.update(&path, out);
    }

    /// `InterfacesRemoved`: the object lost interfaces (all of them when it is removed).
    pub(crate) fn interfaces_removed(
        &mut self,
        path: &OwnedObjectPath,
        names: &[String],
        out: &mut VecDeque<Event>,
    ) {
        if let Some(obj) = self.objects.get_mut(path) {
            obj.retain(|name, _| !names.iter().any(|n| n == name.as_str()));
            if obj.is_empty() {
                self.objects.remove(path);
            }
        }
        self.update(path, out);
    }

    /// `PropertiesChanged` on one interface of an object. Returns true if properties were
    /// invalidated without their values: the caller then reads the interface again and passes
    /// it to [`set_interface`](Self::set_interface), which reports the change.
    pub(crate) fn properties_changed(
        &mut self,
        path: &OwnedObjectPath,
        iface: &str,
        changed: HashMap<String, OwnedValue>,
        invalidated: &[String],
        out: &mut VecDeque<Event>,
    ) -> bool {
        if !relevant(iface) {
            return false;
        }
        let Some(obj) = self.objects.get_mut(path) else {
            return false;
        };
        let Ok(name) = OwnedInterfaceName::try_from(iface) else {
            return false;
        };
        obj.entry(name).or_default().extend(changed);
        if invalidated.is_empty() {
            self.update(path, out);
            false
        } else {
            true
        }
    }

    /// Replaces the properties of one interface of a known object (after re-reading them).
    pub(crate) fn set_interface(
        &mut self,
        path: &OwnedObjectPath,
        iface: &str,
        props: HashMap<String, OwnedValue>,
        out: &mut VecDeque<Event>,
    ) {
        if let (Some(obj), Ok(name)) = (
            self.objects.get_mut(path),
            OwnedInterfaceName::try_from(iface),
        ) {
            obj.insert(name, props);
        }
        self.update(path, out);
    }

    /// Rebuilds the endpoint at `path` and reports how it differs from what was reported.
    pub(crate) fn update(&mut self, path: &OwnedObjectPath, out: &mut VecDeque<Event>) {
        let new = self
            .objects
            .get(path)
            .and_then(|ifaces| DiscoveredEndpoint::from_interfaces(path.clone(), ifaces).ok())
            .filter(|ep| self.filter.passes(ep) && !self.local.contains(ep.net, ep.eid));
        match (self.visible.get(path), new) {
            (None, Some(new)) => {
                self.visible.insert(path.clone(), new.clone());
                out.push_back(Event::Added(new));
            }
            (Some(old), None) => {
                out.push_back(Event::Removed {
                    net: old.net,
                    eid: old.eid,
                    path: path.clone(),
                });
                self.visible.remove(path);
            }
            (Some(old), Some(new)) if *old != new => {
                self.visible.insert(path.clone(), new.clone());
                out.push_back(Event::Changed(new));
            }
            _ => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::endpoint::Connectivity;
    use super::super::tree::Tree;
    use super::*;
    use zbus::zvariant::{Array, Value};

    fn iface(
        name: &str,
        props: &[(&str, Value<'static>)],
    ) -> (OwnedInterfaceName, HashMap<String, OwnedValue>) {
        (
            OwnedInterfaceName::try_from(name).unwrap(),
            props
                .iter()
                .map(|(k, v)| ((*k).to_owned(), v.try_to_owned().unwrap()))
                .collect(),
        )
    }

    fn endpoint_iface(
        net: u32,
        eid: u8,
        types: &[u8],
    ) -> (OwnedInterfaceName, HashMap<String, OwnedValue>) {
        iface(
            ENDPOINT_IFACE,
            &[
                ("NetworkId", Value::U32(net)),
                ("EID", Value::U8(eid)),
                (
                    "SupportedMessageTypes",
                    Value::Array(Array::from(types.to_vec())),
                ),
            ],
        )
    }

    fn connectivity(s: &str) -> (OwnedInterfaceName, HashMap<String, OwnedValue>) {
        iface(
            CC_ENDPOINT_IFACE,
            &[("Connectivity", Value::from(s.to_owned()))],
        )
    }

    fn added(ev: &Event) -> (u32, u8, Connectivity) {
        match ev {
            Event::Added(e) => (e.net, e.eid, e.connectivity.clone()),
            other => panic!("expected Added, got {other:?}"),
        }
    }

    #[test]
    fn add_change_remove() {
        let mut t = Tracker::new(Filter::NvmeMi);
        let mut out = VecDeque::new();
        let p = Tree::V2.endpoint_path(1, 9);
        t.interfaces_added(
            p.clone(),
            [endpoint_iface(1, 9, &[0, 4]), connectivity("Available")]
                .into_iter()
                .collect(),
            &mut out,
        );
        assert_eq!(
            added(&out.pop_front().unwrap()),
            (1, 9, Connectivity::Available)
        );
        // The same announcement again reports nothing.
        t.interfaces_added(
            p.clone(),
            [endpoint_iface(1, 9, &[0, 4])].into_iter().collect(),
            &mut out,
        );
        assert!(out.is_empty());

        let changed = [(
            "Connectivity".to_owned(),
            OwnedValue::from(zbus::zvariant::Str::from("Degraded")),
        )];
        assert!(!t.properties_changed(
            &p,
            CC_ENDPOINT_IFACE,
            changed.into_iter().collect(),
            &[],
            &mut out
        ));
        match out.pop_front().unwrap() {
            Event::Changed(e) => assert_eq!(e.connectivity, Connectivity::Degraded),
            other => panic!("{other:?}"),
        }
        // Invalidation asks for a re-read and reports nothing until it arrives.
        assert!(t.properties_changed(
            &p,
            CC_ENDPOINT_IFACE,
            HashMap::new(),
            &["Connectivity".into()],
            &mut out
        ));
        assert!(out.is_empty());
        let (_, props) = connectivity("Available");
        t.set_interface(&p, CC_ENDPOINT_IFACE, props, &mut out);
        assert!(
            matches!(out.pop_front(), Some(Event::Changed(e)) if e.connectivity == Connectivity::Available)
        );

        t.interfaces_removed(
            &p,
            &[ENDPOINT_IFACE.into(), CC_ENDPOINT_IFACE.into()],
            &mut out,
        );
        assert!(matches!(
            out.pop_front(),
            Some(Event::Removed { net: 1, eid: 9, .. })
        ));
        assert!(out.is_empty());
        assert!(t.endpoints().is_empty());
        // Removing an unknown object or changing its properties is ignored.
        t.interfaces_removed(&p, &[ENDPOINT_IFACE.into()], &mut out);
        assert!(!t.properties_changed(&p, CC_ENDPOINT_IFACE, HashMap::new(), &[], &mut out));
        assert!(out.is_empty());
    }

    #[test]
    fn interfaces_in_any_order_and_filter() {
        let mut t = Tracker::new(Filter::NvmeMi);
        let mut out = VecDeque::new();
        let p = Tree::V2.endpoint_path(1, 10);
        // The UUID interface before the endpoint interface: nothing to report yet.
        t.interfaces_added(
            p.clone(),
            [iface(UUID_IFACE, &[("UUID", Value::from("u-1"))])]
                .into_iter()
                .collect(),
            &mut out,
        );
        assert!(out.is_empty());
        // Not NVMe-MI: filtered out.
        t.interfaces_added(
            p.clone(),
            [endpoint_iface(1, 10, &[0])].into_iter().collect(),
            &mut out,
        );
        assert!(out.is_empty());
        // Its types change to include NVMe-MI: it appears, with the UUID seen earlier.
        t.interfaces_added(
            p.clone(),
            [endpoint_iface(1, 10, &[0, 4])].into_iter().collect(),
            &mut out,
        );
        match out.pop_front().unwrap() {
            Event::Added(e) => assert_eq!(e.uuid.as_deref(), Some("u-1")),
            other => panic!("{other:?}"),
        }
        // A foreign interface is ignored.
        t.interfaces_added(
            p.clone(),
            [iface("org.example.Other", &[])].into_iter().collect(),
            &mut out,
        );
        assert!(out.is_empty());
    }

    #[test]
    fn reset_reports_differences() {
        let mut t = Tracker::new(Filter::All);
        let mut out = VecDeque::new();
        let snapshot = |eps: &[(u8, &str)]| -> ManagedObjects {
            eps.iter()
                .map(|&(eid, c)| {
                    (
                        Tree::V2.endpoint_path(1, eid),
                        [endpoint_iface(1, eid, &[0]), connectivity(c)]
                            .into_iter()
                            .collect(),
                    )
                })
                .collect()
        };
        t.reset(snapshot(&[(8, "Available"), (9, "Available")]), &mut out);
        assert_eq!(out.len(), 2);
        out.clear();
        t.reset(snapshot(&[(9, "Degraded"), (10, "Available")]), &mut out);
        let evs: Vec<_> = out.drain(..).collect();
        assert!(matches!(evs[0], Event::Removed { eid: 8, .. }));
        assert!(matches!(&evs[1], Event::Changed(e) if e.eid == 9));
        assert!(matches!(&evs[2], Event::Added(e) if e.eid == 10));
        assert_eq!(evs.len(), 3);
        t.reset(ManagedObjects::new(), &mut out);
        assert_eq!(out.len(), 2);
        assert!(out.iter().all(|e| matches!(e, Event::Removed { .. })));
    }

    #[test]
    fn local_eids_are_never_reported() {
        let mut t = Tracker::new(Filter::All);
        let mut out = VecDeque::new();
        let net_path = super::super::tree::network_path(1);
        let network = |eids: Vec<u8>| -> Interfaces {
            [iface(
                NETWORK_IFACE,
                &[("LocalEIDs", Value::Array(Array::from(eids)))],
            )]
            .into_iter()
            .collect()
        };
        // mctpd adds the network (no local EID yet), then the local endpoint: the watcher
        // learns LocalEIDs again before passing the endpoint on.
        t.interfaces_added(net_path.clone(), network(vec![]), &mut out);
        t.set_local(1, [8].into_iter().collect(), &mut out);
        let local = Tree::V2.endpoint_path(1, 8);
        t.interfaces_added(
            local.clone(),
            [endpoint_iface(1, 8, &[0])].into_iter().collect(),
            &mut out,
        );
        assert!(out.is_empty(), "{out:?}");
        assert!(t.is_local(1, 8));
        // A peer is reported; the same EID on another network is not local.
        t.interfaces_added(
            Tree::V2.endpoint_path(2, 8),
            [endpoint_iface(2, 8, &[0, 4])].into_iter().collect(),
            &mut out,
        );
        assert_eq!(added(&out.pop_front().unwrap()).1, 8);
        // Learnt late: an endpoint reported before is withdrawn.
        t.set_local(2, [8].into_iter().collect(), &mut out);
        assert!(matches!(
            out.pop_front(),
            Some(Event::Removed { net: 2, eid: 8, .. })
        ));
        // A snapshot carries LocalEIDs itself.
        let snapshot: ManagedObjects = [
            (net_path, network(vec![8])),
            (local, [endpoint_iface(1, 8, &[0])].into_iter().collect()),
            (
                Tree::V2.endpoint_path(1, 9),
                [endpoint_iface(1, 9, &[0, 4])].into_iter().collect(),
            ),
        ]
        .into_iter()
        .collect();
        t.reset(snapshot, &mut out);
        let evs: Vec<_> = out.drain(..).collect();
        assert_eq!(evs.len(), 1, "{evs:?}");
        assert_eq!(added(&evs[0]).1, 9);
    }
}
