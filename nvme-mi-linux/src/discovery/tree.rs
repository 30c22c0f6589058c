//! Names and paths of the object trees `mctpd` publishes on D-Bus.
//!
//! Source: `mctpd`'s D-Bus documentation (`docs/mctpd.md` of the CodeConstruct `mctp`
//! project), summarised in the project notes (`ecosystem.md`, "mctpd, D-Bus API").

use super::Error;
use zbus::zvariant::OwnedObjectPath;

/// The endpoint interface of OpenBMC's phosphor-dbus-interfaces: `NetworkId`, `EID`,
/// `SupportedMessageTypes`.
pub(crate) const ENDPOINT_IFACE: &str = "xyz.openbmc_project.MCTP.Endpoint";
/// OpenBMC's UUID interface: `UUID` (`s`), present when the endpoint answered Get Endpoint UUID.
pub(crate) const UUID_IFACE: &str = "xyz.openbmc_project.Common.UUID";
/// `mctpd`'s own per-endpoint interface (2.x): `Connectivity`, `SetMTU`, `Remove`, `Recover`.
pub(crate) const CC_ENDPOINT_IFACE: &str = "au.com.codeconstruct.MCTP.Endpoint1";
/// `mctpd`'s bus-owner interface on interface objects (2.x): `SetupEndpoint` and friends.
pub(crate) const BUS_OWNER_IFACE: &str = "au.com.codeconstruct.MCTP.BusOwner1";
/// `mctpd`'s network interface (2.x) on `<root>/networks/<net>`: `LocalEIDs` (`ay`).
pub(crate) const NETWORK_IFACE: &str = "au.com.codeconstruct.MCTP.Network1";
/// The standard object manager interface.
pub(crate) const OBJECT_MANAGER_IFACE: &str = "org.freedesktop.DBus.ObjectManager";
/// The standard properties interface.
pub(crate) const PROPERTIES_IFACE: &str = "org.freedesktop.DBus.Properties";
/// The message bus itself.
pub(crate) const DBUS_NAME: &str = "org.freedesktop.DBus";
/// The message bus's object path.
pub(crate) const DBUS_PATH: &str = "/org/freedesktop/DBus";

/// Which layout of `mctpd`'s object tree a daemon publishes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Tree {
    /// `mctpd` 2.x: bus name `au.com.codeconstruct.MCTP1`, object manager at
    /// `/au/com/codeconstruct/mctp1`, endpoints at `.../networks/<net>/endpoints/<eid>`,
    /// `NetworkId` typed `u`.
    V2,
    /// `mctpd` 1.x: bus name `xyz.openbmc_project.MCTP`, object manager at
    /// `/xyz/openbmc_project/mctp`, endpoints at `.../<net>/<eid>`, `NetworkId` typed `i`.
    V1,
}

impl Tree {
    /// Both layouts, in the order they are tried: the current one first.
    pub const ALL: [Tree; 2] = [Tree::V2, Tree::V1];

    /// The daemon's well-known bus name.
    pub const fn bus_name(self) -> &'static str {
        match self {
            Tree::V2 => "au.com.codeconstruct.MCTP1",
            Tree::V1 => "xyz.openbmc_project.MCTP",
        }
    }

    /// The path of the object manager that holds every endpoint object.
    pub const fn root(self) -> &'static str {
        match self {
            Tree::V2 => "/au/com/codeconstruct/mctp1",
            Tree::V1 => "/xyz/openbmc_project/mctp",
        }
    }

    /// The object path `mctpd` gives the endpoint `eid` on network `net`.
    pub fn endpoint_path(self, net: u32, eid: u8) -> OwnedObjectPath {
        let path = match self {
            Tree::V2 => format!("{}/networks/{net}/endpoints/{eid}", self.root()),
            Tree::V1 => format!("{}/{net}/{eid}", self.root()),
        };
        // Decimal numbers after a valid prefix always make a valid path.
        OwnedObjectPath::try_from(path).unwrap_or_default()
    }
}

/// The object path of `mctpd` 2.x's object for the local MCTP interface `ifname` (for example
/// `mctpi2c1`), which carries the bus-owner methods: `<root>/interfaces/<ifname>`.
///
/// `mctpd` (2.6 checked) puts the interface name into the path as it is, without escaping. A
/// D-Bus object path element may only hold ASCII letters, digits and `_` (D-Bus
/// Specification 0.41, "Valid Object Paths"), so for a name with any other byte (such as
/// `mctp-t.1`) `mctpd` publishes no object at all, and nothing can call `SetupEndpoint` on
/// that interface: such a name is [`Error::InvalidInterfaceName`], as is the empty name.
pub fn interface_path(ifname: &str) -> Result<OwnedObjectPath, Error> {
    if ifname.is_empty()
        || !ifname
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_')
    {
        return Err(Error::InvalidInterfaceName);
    }
    OwnedObjectPath::try_from(format!("{}/interfaces/{ifname}", Tree::V2.root()))
        .map_err(|_| Error::InvalidInterfaceName)
}

/// The path of `mctpd` 2.x's object for network `net`, which carries `LocalEIDs`.
pub(crate) fn network_path(net: u32) -> OwnedObjectPath {
    // Decimal digits after a valid prefix always make a valid path.
    OwnedObjectPath::try_from(format!("{}/networks/{net}", Tree::V2.root())).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn endpoint_paths() {
        assert_eq!(
            Tree::V2.endpoint_path(1, 10).as_str(),
            "/au/com/codeconstruct/mctp1/networks/1/endpoints/10"
        );
        assert_eq!(
            Tree::V1.endpoint_path(4_294_967_295, 255).as_str(),
            "/xyz/openbmc_project/mctp/4294967295/255"
        );
    }

    #[test]
    fn interface_paths() {
        assert_eq!(
            interface_path("mctpi2c1").unwrap().as_str(),
            "/au/com/codeconstruct/mctp1/interfaces/mctpi2c1"
        );
        assert_eq!(
            interface_path("mctp_usb0").unwrap().as_str(),
            "/au/com/codeconstruct/mctp1/interfaces/mctp_usb0"
        );
        // mctpd publishes no object for these names: nothing to call.
        for bad in ["", "mctp-t.1", "mctp-serial.0", "mctp/1", "é"] {
            assert!(
                matches!(interface_path(bad), Err(Error::InvalidInterfaceName)),
                "{bad}"
            );
        }
        assert_eq!(
            network_path(3).as_str(),
            "/au/com/codeconstruct/mctp1/networks/3"
        );
    }
}
