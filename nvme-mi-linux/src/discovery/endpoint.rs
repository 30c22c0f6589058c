//! An MCTP endpoint as `mctpd` publishes it.

use super::tree::{CC_ENDPOINT_IFACE, ENDPOINT_IFACE, UUID_IFACE};
use super::{Error, PropertyProblem};
use crate::{MctpAddr, MctpTransport};
use nvme_mi_core::mctp::{Eid, MsgType};
use std::collections::HashMap;
use std::fmt;
use zbus::names::OwnedInterfaceName;
use zbus::zvariant::{OwnedObjectPath, OwnedValue, Value};

/// The interfaces of one D-Bus object with their properties, as `GetManagedObjects` and
/// `InterfacesAdded` carry them.
pub(crate) type Interfaces = HashMap<OwnedInterfaceName, HashMap<String, OwnedValue>>;

/// Whether `mctpd` can currently reach an endpoint: property `Connectivity` of
/// `au.com.codeconstruct.MCTP.Endpoint1` (`mctpd` 2.x).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum Connectivity {
    /// `"Available"`: the endpoint answers.
    Available,
    /// `"Degraded"`: the endpoint stopped answering `mctpd`'s polls; it may come back or be
    /// removed.
    Degraded,
    /// Any other value, kept as published. Empty when the daemon publishes no connectivity at
    /// all (`mctpd` 1.x, or a 2.x release before the property existed).
    Unknown(String),
}

impl Connectivity {
    /// The state named by the property's string value.
    pub fn from_property(s: &str) -> Self {
        match s {
            "Available" => Connectivity::Available,
            "Degraded" => Connectivity::Degraded,
            other => Connectivity::Unknown(other.to_owned()),
        }
    }
}

/// An MCTP endpoint known to `mctpd`: one object below its object manager with the interface
/// `xyz.openbmc_project.MCTP.Endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct DiscoveredEndpoint {
    /// The MCTP network (`NetworkId`; published as `u` by `mctpd` 2.x, `i` by 1.x).
    pub net: u32,
    /// The endpoint's EID (`EID`, `y`).
    pub eid: u8,
    /// The UUID string from `xyz.openbmc_project.Common.UUID`, when the endpoint answered Get
    /// Endpoint UUID.
    pub uuid: Option<String>,
    /// The MCTP message types the endpoint supports (`SupportedMessageTypes`, `ay`).
    pub message_types: Vec<u8>,
    /// Whether `mctpd` can reach it.
    pub connectivity: Connectivity,
    /// The D-Bus object path of the endpoint.
    pub path: OwnedObjectPath,
}

impl DiscoveredEndpoint {
    /// Builds an endpoint from the interfaces and properties of its D-Bus object.
    ///
    /// Requires `NetworkId` (`u`, or `i` and not negative), `EID` (`y`) and
    /// `SupportedMessageTypes` (`ay`). `UUID` (`s`) and `Connectivity` (`s`) are optional, but a
    /// present one of the wrong type is an error too.
    pub fn from_interfaces(
        path: OwnedObjectPath,
        interfaces: &HashMap<OwnedInterfaceName, HashMap<String, OwnedValue>>,
    ) -> Result<Self, Error> {
        let get = |iface: &str, name: &str| -> Option<&Value<'static>> {
            interfaces
                .get(iface)
                .and_then(|props| props.get(name))
                .map(|v| &**v)
        };
        let fail = |property: &'static str, problem: PropertyProblem| Error::Property {
            path: path.to_string(),
            property,
            problem,
        };
        let require = |name: &'static str| {
            get(ENDPOINT_IFACE, name).ok_or_else(|| fail(name, PropertyProblem::Missing))
        };

        let net = match require("NetworkId")? {
            Value::U32(n) => *n,
            Value::I32(n) => {
                u32::try_from(*n).map_err(|_| fail("NetworkId", PropertyProblem::OutOfRange))?
            }
            _ => return Err(fail("NetworkId", PropertyProblem::WrongType)),
        };
        let eid = match require("EID")? {
            Value::U8(e) => *e,
            _ => return Err(fail("EID", PropertyProblem::WrongType)),
        };
        let message_types = match require("SupportedMessageTypes")? {
            Value::Array(a) => a
                .inner()
                .iter()
                .map(|v| match v {
                    Value::U8(t) => Some(*t),
                    _ => None,
                })
                .collect::<Option<Vec<u8>>>()
                .ok_or_else(|| fail("SupportedMessageTypes", PropertyProblem::WrongType))?,
            _ => return Err(fail("SupportedMessageTypes", PropertyProblem::WrongType)),
        };
        let string = |iface: &str, name: &'static str| match get(iface, name) {
            None => Ok(None),
            Some(Value::Str(s)) => Ok(Some(s.as_str().to_owned())),
            Some(_) => Err(fail(name, PropertyProblem::WrongType)),
        };
        let uuid = string(UUID_IFACE, "UUID")?;
        let connectivity = match string(CC_ENDPOINT_IFACE, "Connectivity")? {
            Some(s) => Connectivity::from_property(&s),
            None => Connectivity::Unknown(String::new()),
        };
        Ok(DiscoveredEndpoint {
            net,
            eid,
            uuid,
            message_types,
            connectivity,
            path,
        })
    }

    /// True if the endpoint supports the given MCTP message type.
    pub fn supports(&self, msg_type: MsgType) -> bool {
        self.message_types
            .iter()
            .any(|&t| MsgType::from_u8(t) == msg_type)
    }

    /// True if the endpoint supports NVMe-MI (MCTP message type 4, DSP0239).
    pub fn supports_nvme_mi(&self) -> bool {
        self.supports(MsgType::NvmeMi)
    }

    /// The EID as the core's type.
    pub fn mctp_eid(&self) -> Eid {
        Eid(self.eid)
    }

    /// The kernel address of the endpoint, for the crate's transports.
    pub fn mctp_addr(&self) -> MctpAddr {
        MctpAddr::new(self.net, Eid(self.eid))
    }

    /// The device address `mctp:<net>,<eid>` (decimal), as nvme-cli and
    /// [`MctpDevice`](crate::MctpDevice) spell it.
    pub fn address(&self) -> String {
        self.mctp_addr().to_string()
    }

    /// Opens an `AF_MCTP` requester to the endpoint (routed by EID; needs `CAP_NET_RAW`).
    pub fn open(&self) -> crate::Result<MctpTransport> {
        MctpTransport::new(self.mctp_addr())
    }

    /// The UUID as 16 bytes, if it is present and written as 32 hex digits (with or without
    /// the usual hyphens).
    pub fn uuid_bytes(&self) -> Option<[u8; 16]> {
        let hex: Vec<u8> = self
            .uuid
            .as_deref()?
            .bytes()
            .filter(|&b| b != b'-')
            .collect();
        if hex.len() != 32 {
            return None;
        }
        let mut out = [0u8; 16];
        for (o, pair) in out.iter_mut().zip(hex.chunks_exact(2)) {
            let s = std::str::from_utf8(pair).ok()?;
            *o = u8::from_str_radix(s, 16).ok()?;
        }
        Some(out)
    }
}

impl fmt::Display for DiscoveredEndpoint {
    /// Formats the device address, `mctp:<net>,<eid>`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.mctp_addr().fmt(f)
    }
}

impl From<&DiscoveredEndpoint> for MctpAddr {
    fn from(ep: &DiscoveredEndpoint) -> Self {
        ep.mctp_addr()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zbus::zvariant::Array;

    fn props(list: &[(&str, &str, Value<'static>)]) -> Interfaces {
        let mut out = Interfaces::new();
        for (iface, name, value) in list {
            out.entry(OwnedInterfaceName::try_from(*iface).unwrap())
                .or_default()
                .insert((*name).to_owned(), value.try_to_owned().unwrap());
        }
        out
    }

    fn types(t: &[u8]) -> Value<'static> {
        Value::Array(Array::from(t.to_vec()))
    }

    fn path() -> OwnedObjectPath {
        OwnedObjectPath::try_from("/au/com/codeconstruct/mctp1/networks/1/endpoints/9").unwrap()
    }

    #[test]
    fn full_v2_endpoint() {
        let ifaces = props(&[
            (ENDPOINT_IFACE, "NetworkId", Value::U32(1)),
            (ENDPOINT_IFACE, "EID", Value::U8(9)),
            (ENDPOINT_IFACE, "SupportedMessageTypes", types(&[0, 4])),
            (
                UUID_IFACE,
                "UUID",
                Value::from("01234567-89ab-cdef-0011-223344556677"),
            ),
            (CC_ENDPOINT_IFACE, "Connectivity", Value::from("Degraded")),
        ]);
        let ep = DiscoveredEndpoint::from_interfaces(path(), &ifaces).unwrap();
        assert_eq!((ep.net, ep.eid), (1, 9));
        assert_eq!(ep.message_types, [0, 4]);
        assert!(ep.supports_nvme_mi());
        assert_eq!(ep.connectivity, Connectivity::Degraded);
        assert_eq!(ep.address(), "mctp:1,9");
        assert_eq!(ep.to_string(), "mctp:1,9");
        assert_eq!(ep.mctp_eid(), Eid(9));
        assert_eq!(
            ep.uuid_bytes(),
            Some([
                0x01, 0x23, 0x45, 0x67, 0x89, 0xab, 0xcd, 0xef, 0x00, 0x11, 0x22, 0x33, 0x44, 0x55,
                0x66, 0x77
            ])
        );
    }

    #[test]
    fn v1_signed_network_and_missing_optionals() {
        let ifaces = props(&[
            (ENDPOINT_IFACE, "NetworkId", Value::I32(3)),
            (ENDPOINT_IFACE, "EID", Value::U8(20)),
            (ENDPOINT_IFACE, "SupportedMessageTypes", types(&[0, 1])),
        ]);
        let ep = DiscoveredEndpoint::from_interfaces(path(), &ifaces).unwrap();
        assert_eq!(ep.net, 3);
        assert!(!ep.supports_nvme_mi());
        assert!(ep.supports(MsgType::Pldm));
        assert_eq!(ep.uuid, None);
        assert_eq!(ep.uuid_bytes(), None);
        assert_eq!(ep.connectivity, Connectivity::Unknown(String::new()));
    }

    #[test]
    fn rejects_malformed_properties() {
        let base = [
            (ENDPOINT_IFACE, "NetworkId", Value::U32(1)),
            (ENDPOINT_IFACE, "EID", Value::U8(9)),
            (ENDPOINT_IFACE, "SupportedMessageTypes", types(&[4])),
        ];
        let cases: [(usize, Option<Value<'static>>, &str, PropertyProblem); 7] = [
            (0, None, "NetworkId", PropertyProblem::Missing),
            (
                0,
                Some(Value::I32(-1)),
                "NetworkId",
                PropertyProblem::OutOfRange,
            ),
            (
                0,
                Some(Value::U64(1)),
                "NetworkId",
                PropertyProblem::WrongType,
            ),
            (1, None, "EID", PropertyProblem::Missing),
            (1, Some(Value::U32(9)), "EID", PropertyProblem::WrongType),
            (
                2,
                Some(Value::from("4")),
                "SupportedMessageTypes",
                PropertyProblem::WrongType,
            ),
            (
                2,
                Some(Value::Array(Array::from(vec![4u32]))),
                "SupportedMessageTypes",
                PropertyProblem::WrongType,
            ),
        ];
        for (idx, replacement, property, problem) in cases {
            let mut list: Vec<_> = base
                .iter()
                .map(|(i, n, v)| (*i, *n, v.try_clone().unwrap()))
                .collect();
            match replacement {
                Some(v) => list[idx].2 = v,
                None => {
                    list.remove(idx);
                }
            }
            let err = DiscoveredEndpoint::from_interfaces(path(), &props(&list)).unwrap_err();
            match err {
                Error::Property {
                    property: p,
                    problem: q,
                    ..
                } => assert_eq!((p, q), (property, problem)),
                other => panic!("unexpected {other:?}"),
            }
        }
        let mut list: Vec<_> = base
            .iter()
            .map(|(i, n, v)| (*i, *n, v.try_clone().unwrap()))
            .collect();
        list.push((UUID_IFACE, "UUID", Value::U8(1)));
        assert!(DiscoveredEndpoint::from_interfaces(path(), &props(&list)).is_err());
    }

    #[test]
    fn connectivity_values() {
        assert_eq!(
            Connectivity::from_property("Available"),
            Connectivity::Available
        );
        assert_eq!(
            Connectivity::from_property("Degraded"),
            Connectivity::Degraded
        );
        assert_eq!(
            Connectivity::from_property("Gone"),
            Connectivity::Unknown("Gone".into())
        );
    }

    #[test]
    fn uuid_forms() {
        let mut ep = DiscoveredEndpoint {
            net: 1,
            eid: 8,
            uuid: Some("00112233445566778899AABBCCDDEEFF".into()),
            message_types: vec![],
            connectivity: Connectivity::Available,
            path: path(),
        };
        assert_eq!(ep.uuid_bytes().unwrap()[15], 0xff);
        for bad in [
            "0011",
            "zz112233445566778899aabbccddeeff",
            "é0112233445566778899aabbccddeef",
        ] {
            ep.uuid = Some(bad.into());
            assert_eq!(ep.uuid_bytes(), None, "{bad}");
        }
    }
}
