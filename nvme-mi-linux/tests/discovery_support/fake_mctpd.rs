//! A fake `mctpd` that publishes the daemon's D-Bus object tree on a real bus.
//!
//! It writes the names, paths and property types from `mctpd`'s documentation itself (it does
//! not use the library's constants, so a typo there fails the tests): version 2.x
//! (`au.com.codeconstruct.MCTP1`, `NetworkId` as `u`, connectivity, interface objects with
//! `SetupEndpoint`) or version 1.x (`xyz.openbmc_project.MCTP`, `NetworkId` as `i`). Like
//! `mctpd` (sd-bus's `sd_bus_emit_object_added`), it announces an endpoint with ONE
//! `InterfacesAdded` signal carrying all its interfaces, and removes it with one
//! `InterfacesRemoved`.
//!
//! What the real `mctpd` 2.6 does on a real D-Bus, the 2.x fake does too: it publishes the
//! host's own endpoint (local EID 8 on network 1, message types `[0]` only) with an `lo`
//! interface object and network 1's `LocalEIDs`; it builds interface object paths from the raw
//! interface name, so a name that is not a valid path element (`mctp-t.1`) gets no object;
//! and after a [`restart`](FakeMctpd::restart) it has forgotten every peer until
//! `SetupEndpoint` is called again.
//!
//! Method calls are answered by a thread reading the connection; changes are made through the
//! methods of [`FakeMctpd`] (or lines on stdin in `examples/fake_mctpd.rs`).

#![allow(dead_code)]

use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, MutexGuard};
use zbus::blocking::{Connection, MessageIterator};
use zbus::message::Type;
use zbus::zvariant::{Array, OwnedValue, Value};
use zbus::MatchRule;

const OBJECT_MANAGER: &str = "org.freedesktop.DBus.ObjectManager";
const PROPERTIES: &str = "org.freedesktop.DBus.Properties";
const ENDPOINT: &str = "xyz.openbmc_project.MCTP.Endpoint";
const UUID: &str = "xyz.openbmc_project.Common.UUID";
const CC_ENDPOINT: &str = "au.com.codeconstruct.MCTP.Endpoint1";
const CC_INTERFACE: &str = "au.com.codeconstruct.MCTP.Interface1";
const CC_BUS_OWNER: &str = "au.com.codeconstruct.MCTP.BusOwner1";
const CC_NETWORK: &str = "au.com.codeconstruct.MCTP.Network1";
/// A private interface to stop the serving thread.
const CONTROL: &str = "test.FakeMctpd";

/// Which `mctpd` to imitate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Version {
    /// 2.x.
    V2,
    /// 1.x.
    V1,
}

impl Version {
    pub fn bus_name(self) -> &'static str {
        match self {
            Version::V2 => "au.com.codeconstruct.MCTP1",
            Version::V1 => "xyz.openbmc_project.MCTP",
        }
    }

    pub fn root(self) -> &'static str {
        match self {
            Version::V2 => "/au/com/codeconstruct/mctp1",
            Version::V1 => "/xyz/openbmc_project/mctp",
        }
    }

    pub fn endpoint_path(self, net: u32, eid: u8) -> String {
        match self {
            Version::V2 => format!("/au/com/codeconstruct/mctp1/networks/{net}/endpoints/{eid}"),
            Version::V1 => format!("/xyz/openbmc_project/mctp/{net}/{eid}"),
        }
    }
}

/// One endpoint as the fake publishes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FakeEndpoint {
    /// Network; a 1.x fake publishes it as `i` (so `u32::MAX` appears as -1).
    pub net: u32,
    pub eid: u8,
    pub types: Vec<u8>,
    pub uuid: Option<String>,
    /// Published by a 2.x fake only.
    pub connectivity: String,
    /// The interface and physical address `SetupEndpoint` found it at.
    pub phys: Option<(String, Vec<u8>)>,
    /// One of the host's own EIDs (listed in its network's `LocalEIDs`).
    pub local: bool,
}

impl FakeEndpoint {
    /// An available endpoint with the given message types and no UUID.
    pub fn new(net: u32, eid: u8, types: &[u8]) -> Self {
        FakeEndpoint {
            net,
            eid,
            types: types.to_vec(),
            uuid: None,
            connectivity: "Available".into(),
            phys: None,
            local: false,
        }
    }

    /// The same with a UUID.
    pub fn with_uuid(mut self, uuid: &str) -> Self {
        self.uuid = Some(uuid.into());
        self
    }
}

type Props = HashMap<String, OwnedValue>;
type Ifaces = HashMap<String, Props>;

fn value(v: Value<'_>) -> OwnedValue {
    v.try_to_owned().expect("plain value")
}

/// The UUID the fake gives the host's own endpoint.
pub const LOCAL_UUID: &str = "0000f00d-0000-4000-8000-000000000008";

/// The object path of interface `name`, as mctpd 2.6 makes it: the raw name, and none when
/// the name is not a valid path element.
fn link_path(root: &str, name: &str) -> Option<String> {
    let valid = !name.is_empty() && name.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
    valid.then(|| format!("{root}/interfaces/{name}"))
}

struct State {
    version: Version,
    endpoints: BTreeMap<(u32, u8), FakeEndpoint>,
    /// Local MCTP interfaces (2.x): name → network.
    links: BTreeMap<String, u32>,
    setup_calls: Vec<(String, Vec<u8>)>,
}

impl State {
    fn endpoint_ifaces(&self, ep: &FakeEndpoint) -> Ifaces {
        let mut ifaces = Ifaces::new();
        let net = match self.version {
            Version::V2 => value(Value::U32(ep.net)),
            Version::V1 => value(Value::I32(ep.net as i32)),
        };
        ifaces.insert(
            ENDPOINT.into(),
            Props::from([
                ("NetworkId".into(), net),
                ("EID".into(), value(Value::U8(ep.eid))),
                (
                    "SupportedMessageTypes".into(),
                    value(Value::Array(Array::from(ep.types.clone()))),
                ),
            ]),
        );
        if let Some(uuid) = &ep.uuid {
            ifaces.insert(
                UUID.into(),
                Props::from([("UUID".into(), value(Value::from(uuid.as_str())))]),
            );
        }
        if self.version == Version::V2 {
            ifaces.insert(
                CC_ENDPOINT.into(),
                Props::from([(
                    "Connectivity".into(),
                    value(Value::from(ep.connectivity.as_str())),
                )]),
            );
        }
        ifaces
    }

    fn network_ifaces(&self, net: u32) -> Ifaces {
        let eids: Vec<u8> = self
            .endpoints
            .values()
            .filter(|e| e.local && e.net == net)
            .map(|e| e.eid)
            .collect();
        Ifaces::from([(
            CC_NETWORK.into(),
            Props::from([("LocalEIDs".into(), value(Value::Array(Array::from(eids))))]),
        )])
    }

    /// The networks with an interface or a local EID.
    fn networks(&self) -> std::collections::BTreeSet<u32> {
        self.links
            .values()
            .copied()
            .chain(self.endpoints.values().filter(|e| e.local).map(|e| e.net))
            .collect()
    }

    fn link_ifaces(&self, net: u32) -> Ifaces {
        Ifaces::from([
            (
                CC_INTERFACE.into(),
                Props::from([
                    ("NetworkId".into(), value(Value::U32(net))),
                    ("Role".into(), value(Value::from("BusOwner"))),
                ]),
            ),
            (CC_BUS_OWNER.into(), Props::new()),
        ])
    }

    /// Every object below the root with its interfaces, as GetManagedObjects returns them.
    fn objects(&self) -> HashMap<String, Ifaces> {
        let mut out = HashMap::new();
        for ep in self.endpoints.values() {
            out.insert(
                self.version.endpoint_path(ep.net, ep.eid),
                self.endpoint_ifaces(ep),
            );
        }
        if self.version == Version::V2 {
            for (name, net) in &self.links {
                if let Some(path) = link_path(self.version.root(), name) {
                    out.insert(path, self.link_ifaces(*net));
                }
            }
            for net in self.networks() {
                out.insert(
                    format!("{}/networks/{net}", self.version.root()),
                    self.network_ifaces(net),
                );
            }
        }
        out
    }
}

/// A running fake daemon. Dropping it leaves it serving until the bus goes away; call
/// [`stop`](Self::stop) to make it exit as a crashing `mctpd` would.
pub struct FakeMctpd {
    conn: Connection,
    state: Arc<Mutex<State>>,
    server: Option<std::thread::JoinHandle<()>>,
}

impl FakeMctpd {
    /// Connects to the bus at `address`, starts answering calls, then takes the bus name.
    pub fn start(address: &str, version: Version) -> zbus::Result<FakeMctpd> {
        let conn = zbus::blocking::connection::Builder::address(address)?.build()?;
        let mut st = State {
            version,
            endpoints: BTreeMap::new(),
            links: BTreeMap::new(),
            setup_calls: Vec::new(),
        };
        if version == Version::V2 {
            // mctpd 2.6 on a machine whose `lo` has EID 8: the host's own endpoint.
            st.links.insert("lo".into(), 1);
            let mut local = FakeEndpoint::new(1, 8, &[0]).with_uuid(LOCAL_UUID);
            local.local = true;
            st.endpoints.insert((1, 8), local);
        }
        let state = Arc::new(Mutex::new(st));
        let calls = MessageIterator::for_match_rule(
            MatchRule::builder().msg_type(Type::MethodCall).build(),
            &conn,
            Some(1024),
        )?;
        let server = {
            let conn = conn.clone();
            let state = state.clone();
            std::thread::spawn(move || serve(&conn, &state, calls))
        };
        conn.request_name(version.bus_name())?;
        Ok(FakeMctpd {
            conn,
            state,
            server: Some(server),
        })
    }

    fn state(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn version(&self) -> Version {
        self.state().version
    }

    /// Publishes an endpoint (one `InterfacesAdded`).
    pub fn add_endpoint(&self, ep: FakeEndpoint) {
        let mut st = self.state();
        let path = st.version.endpoint_path(ep.net, ep.eid);
        let ifaces = st.endpoint_ifaces(&ep);
        st.endpoints.insert((ep.net, ep.eid), ep);
        self.interfaces_added(st.version, &path, ifaces);
    }

    fn interfaces_added(&self, version: Version, path: &str, ifaces: Ifaces) {
        let path = zbus::zvariant::ObjectPath::try_from(path).expect("path");
        self.conn
            .emit_signal(
                None::<&str>,
                version.root(),
                OBJECT_MANAGER,
                "InterfacesAdded",
                &(path, ifaces),
            )
            .expect("emit InterfacesAdded");
    }

    /// Withdraws an endpoint (one `InterfacesRemoved` naming all its interfaces).
    pub fn remove_endpoint(&self, net: u32, eid: u8) {
        let mut st = self.state();
        let Some(ep) = st.endpoints.remove(&(net, eid)) else {
            return;
        };
        let names: Vec<String> = st.endpoint_ifaces(&ep).into_keys().collect();
        let path =
            zbus::zvariant::ObjectPath::try_from(st.version.endpoint_path(net, eid)).expect("path");
        self.conn
            .emit_signal(
                None::<&str>,
                st.version.root(),
                OBJECT_MANAGER,
                "InterfacesRemoved",
                &(path, names),
            )
            .expect("emit InterfacesRemoved");
    }

    /// Changes an endpoint's connectivity, sending the new value in `PropertiesChanged`, or
    /// only invalidating the property when `invalidate` is set (as sd-bus does for properties
    /// flagged `EMITS_INVALIDATION`).
    pub fn set_connectivity(&self, net: u32, eid: u8, connectivity: &str, invalidate: bool) {
        let mut st = self.state();
        let version = st.version;
        let Some(ep) = st.endpoints.get_mut(&(net, eid)) else {
            return;
        };
        ep.connectivity = connectivity.into();
        let (changed, invalidated) = if invalidate {
            (Props::new(), vec!["Connectivity".to_owned()])
        } else {
            (
                Props::from([("Connectivity".into(), value(Value::from(connectivity)))]),
                vec![],
            )
        };
        self.conn
            .emit_signal(
                None::<&str>,
                version.endpoint_path(net, eid).as_str(),
                PROPERTIES,
                "PropertiesChanged",
                &(CC_ENDPOINT, changed, invalidated),
            )
            .expect("emit PropertiesChanged");
    }

    /// Adds a local MCTP interface `name` on network `net`, with the bus-owner methods (2.x).
    ///
    /// As mctpd 2.6: a new network gets its network object first; a name that is not a valid
    /// D-Bus path element gets no interface object (the interface exists, but nothing on the
    /// bus can reach it).
    pub fn add_link(&self, name: &str, net: u32) {
        let mut st = self.state();
        if !st.networks().contains(&net) {
            let ifaces = st.network_ifaces(net);
            let path = format!("{}/networks/{net}", st.version.root());
            self.interfaces_added(st.version, &path, ifaces);
        }
        st.links.insert(name.into(), net);
        let ifaces = st.link_ifaces(net);
        if let Some(path) = link_path(st.version.root(), name) {
            self.interfaces_added(st.version, &path, ifaces);
        }
    }

    /// Gives the host another local EID on `net` (as `mctp addr add`): mctpd publishes it as
    /// an endpoint with message types `[0]`; its network's `LocalEIDs` (constant on D-Bus)
    /// changes without a signal.
    pub fn add_local(&self, net: u32, eid: u8) {
        let mut ep = FakeEndpoint::new(net, eid, &[0]).with_uuid(LOCAL_UUID);
        ep.local = true;
        self.add_endpoint(ep);
    }

    /// Exits and starts again, as `systemctl restart mctpd` does: the bus name is released
    /// and taken again, and the new daemon knows only the local interfaces and EIDs; every
    /// peer must be set up again (`SetupEndpoint`).
    pub fn restart(&self) {
        let name = self.version().bus_name();
        let _ = self.conn.release_name(name);
        self.state().endpoints.retain(|_, e| e.local);
        self.conn
            .request_name(name)
            .expect("take the bus name again");
    }

    /// The `SetupEndpoint` calls received: interface name and physical address.
    pub fn setup_calls(&self) -> Vec<(String, Vec<u8>)> {
        self.state().setup_calls.clone()
    }

    /// The remote endpoints published now (not the host's own).
    pub fn endpoints(&self) -> Vec<FakeEndpoint> {
        self.state()
            .endpoints
            .values()
            .filter(|e| !e.local)
            .cloned()
            .collect()
    }

    /// Stops serving and leaves the bus, as an exiting daemon does.
    pub fn stop(mut self) {
        if let Some(unique) = self.conn.unique_name() {
            let _ = self
                .conn
                .call_method(Some(unique.as_str()), "/", Some(CONTROL), "Quit", &());
        }
        if let Some(server) = self.server.take() {
            let _ = server.join();
        }
        let _ = self.conn.release_name(self.version().bus_name());
    }
}

/// Answers method calls until told to quit or the connection ends.
fn serve(conn: &Connection, state: &Mutex<State>, calls: MessageIterator) {
    for msg in calls {
        let Ok(msg) = msg else { return };
        let header = msg.header();
        let path = header
            .path()
            .map(|p| p.as_str().to_owned())
            .unwrap_or_default();
        let iface = header
            .interface()
            .map(|i| i.as_str().to_owned())
            .unwrap_or_default();
        let member = header
            .member()
            .map(|m| m.as_str().to_owned())
            .unwrap_or_default();
        let mut st = state.lock().unwrap_or_else(|e| e.into_inner());
        let version = st.version;
        let unknown = |what: &str| {
            let _ = conn.reply_error(
                &header,
                "org.freedesktop.DBus.Error.UnknownMethod",
                &(what,),
            );
        };
        match (iface.as_str(), member.as_str()) {
            (CONTROL, "Quit") => {
                let _ = conn.reply(&header, &());
                return;
            }
            (OBJECT_MANAGER, "GetManagedObjects") if path == version.root() => {
                let objects: HashMap<zbus::zvariant::OwnedObjectPath, Ifaces> = st
                    .objects()
                    .into_iter()
                    .map(|(p, i)| (p.try_into().expect("path"), i))
                    .collect();
                let _ = conn.reply(&header, &objects);
            }
            (PROPERTIES, "GetAll") => {
                let Ok(wanted) = msg.body().deserialize::<String>() else {
                    unknown("bad arguments");
                    continue;
                };
                match st
                    .objects()
                    .remove(&path)
                    .and_then(|mut i| i.remove(&wanted))
                {
                    Some(props) => {
                        let _ = conn.reply(&header, &props);
                    }
                    None => {
                        let _ = conn.reply_error(
                            &header,
                            "org.freedesktop.DBus.Error.UnknownInterface",
                            &(format!("no {wanted} at {path}"),),
                        );
                    }
                }
            }
            (PROPERTIES, "Get") => {
                let Ok((wanted, name)) = msg.body().deserialize::<(String, String)>() else {
                    unknown("bad arguments");
                    continue;
                };
                match st
                    .objects()
                    .remove(&path)
                    .and_then(|mut i| i.remove(&wanted))
                    .and_then(|mut p| p.remove(&name))
                {
                    Some(v) => {
                        let _ = conn.reply(&header, &v);
                    }
                    None => {
                        let _ = conn.reply_error(
                            &header,
                            "org.freedesktop.DBus.Error.UnknownProperty",
                            &(format!("no {wanted}.{name} at {path}"),),
                        );
                    }
                }
            }
            (CC_BUS_OWNER, "SetupEndpoint") if version == Version::V2 => {
                let prefix = format!("{}/interfaces/", version.root());
                let link = path.strip_prefix(&prefix).unwrap_or_default().to_owned();
                let published = link_path(version.root(), &link).is_some();
                let Some(&net) = st.links.get(&link).filter(|_| published) else {
                    let _ = conn.reply_error(
                        &header,
                        "org.freedesktop.DBus.Error.UnknownObject",
                        &(format!("no interface {path}"),),
                    );
                    continue;
                };
                let Ok(physaddr) = msg.body().deserialize::<Vec<u8>>() else {
                    unknown("bad arguments");
                    continue;
                };
                st.setup_calls.push((link.clone(), physaddr.clone()));
                let phys = Some((link, physaddr));
                let known = st
                    .endpoints
                    .values()
                    .find(|ep| ep.phys == phys)
                    .map(|ep| ep.eid);
                let (eid, new) = match known {
                    Some(eid) => (eid, false),
                    None => {
                        // 8 is the local EID (`LocalEIDs`).
                        let eid = (8..=254u8)
                            .find(|e| !st.endpoints.contains_key(&(net, *e)))
                            .expect("a free EID");
                        let mut ep = FakeEndpoint::new(net, eid, &[0, 4]);
                        ep.phys = phys;
                        let ifaces = st.endpoint_ifaces(&ep);
                        st.endpoints.insert((net, eid), ep);
                        // Announce the object before answering, as mctpd publishes the peer
                        // before SetupEndpoint returns.
                        let object =
                            zbus::zvariant::ObjectPath::try_from(version.endpoint_path(net, eid))
                                .expect("path");
                        let _ = conn.emit_signal(
                            None::<&str>,
                            version.root(),
                            OBJECT_MANAGER,
                            "InterfacesAdded",
                            &(object, ifaces),
                        );
                        (eid, true)
                    }
                };
                let _ = conn.reply(
                    &header,
                    &(eid, net as i32, version.endpoint_path(net, eid), new),
                );
            }
            _ => unknown(&format!("{iface}.{member} at {path}")),
        }
    }
}
