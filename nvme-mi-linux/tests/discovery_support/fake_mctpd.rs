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
                out.insert(
                    format!("{}/interfaces/{name}", self.version.root()),
                    self.link_ifaces(*net),
                );
                out.insert(
                    format!("{}/networks/{net}", self.version.root()),
                    Ifaces::from([(
                        CC_NETWORK.into(),
                        Props::from([(
                            "LocalEIDs".into(),
                            value(Value::Array(Array::from(vec![8u8]))),
                        )]),
                    )]),
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
        let state = Arc::new(Mutex::new(State {
            version,
            endpoints: BTreeMap::new(),
            links: BTreeMap::new(),
            setup_calls: Vec::new(),
        }));
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
    pub fn add_link(&self, name: &str, net: u32) {
        let mut st = self.state();
        st.links.insert(name.into(), net);
        let ifaces = st.link_ifaces(net);
        let path = format!("{}/interfaces/{name}", st.version.root());
        self.interfaces_added(st.version, &path, ifaces);
    }

    /// The `SetupEndpoint` calls received: interface name and physical address.
    pub fn setup_calls(&self) -> Vec<(String, Vec<u8>)> {
        self.state().setup_calls.clone()
    }

    /// The endpoints published now.
    pub fn endpoints(&self) -> Vec<FakeEndpoint> {
        self.state().endpoints.values().cloned().collect()
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
            (CC_BUS_OWNER, "SetupEndpoint") if version == Version::V2 => {
                let prefix = format!("{}/interfaces/", version.root());
                let link = path.strip_prefix(&prefix).unwrap_or_default().to_owned();
                let Some(&net) = st.links.get(&link) else {
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
                        let eid = (9..=254u8)
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
