//! Errors of `mctpd` discovery.

use core::fmt;

/// What is wrong with one property of an endpoint object.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum PropertyProblem {
    /// The property (or its whole interface) is absent.
    Missing,
    /// The property has a D-Bus type other than the one `mctpd` documents.
    WrongType,
    /// The value has the right type but cannot be meant (a negative `NetworkId`).
    OutOfRange,
}

impl fmt::Display for PropertyProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PropertyProblem::Missing => "missing",
            PropertyProblem::WrongType => "has the wrong D-Bus type",
            PropertyProblem::OutOfRange => "is out of range",
        })
    }
}

/// An error of [`Discovery`](super::Discovery) or [`Watcher`](super::Watcher).
///
/// Not `Clone` or `Copy` as the project's core errors are: it carries the `zbus` error, which
/// is neither.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The D-Bus connection or a call failed (including an error reply from `mctpd`).
    Bus(zbus::Error),
    /// No `mctpd` owns either of its bus names (see [`Tree`](super::Tree)).
    NotRunning,
    /// A call got no reply within the timeout.
    Timeout,
    /// The connection to the bus closed.
    Disconnected,
    /// An endpoint object's property is missing or malformed.
    Property {
        /// The endpoint object.
        path: String,
        /// The property's name, for example `NetworkId`.
        property: &'static str,
        /// What is wrong with it.
        problem: PropertyProblem,
    },
    /// A reply from `mctpd` does not have the documented shape (for example a negative network
    /// from `SetupEndpoint`).
    BadReply(&'static str),
    /// An interface name for which `mctpd` publishes no object was given to
    /// [`setup_endpoint`](super::Discovery::setup_endpoint): empty, or with a byte other
    /// than an ASCII letter, digit or `_` (see [`interface_path`](super::interface_path)).
    InvalidInterfaceName,
}

impl Error {
    /// True if `e` says that nobody owns the bus name called.
    pub(crate) fn is_no_owner(e: &zbus::Error) -> bool {
        const NAMES: [&str; 2] = [
            "org.freedesktop.DBus.Error.ServiceUnknown",
            "org.freedesktop.DBus.Error.NameHasNoOwner",
        ];
        match e {
            zbus::Error::MethodError(name, _, _) => NAMES.contains(&name.as_str()),
            zbus::Error::FDO(fdo) => matches!(
                **fdo,
                zbus::fdo::Error::ServiceUnknown(_) | zbus::fdo::Error::NameHasNoOwner(_)
            ),
            _ => false,
        }
    }
}

impl From<zbus::Error> for Error {
    fn from(e: zbus::Error) -> Self {
        Error::Bus(e)
    }
}

impl From<zbus::fdo::Error> for Error {
    fn from(e: zbus::fdo::Error) -> Self {
        Error::Bus(e.into())
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Bus(e) => write!(f, "D-Bus: {e}"),
            Error::NotRunning => f.write_str("mctpd is not running (no owner of its bus name)"),
            Error::Timeout => f.write_str("no reply from D-Bus within the timeout"),
            Error::Disconnected => f.write_str("the D-Bus connection closed"),
            Error::Property {
                path,
                property,
                problem,
            } => write!(f, "endpoint {path}: property {property} {problem}"),
            Error::BadReply(what) => write!(f, "malformed reply from mctpd: {what}"),
            Error::InvalidInterfaceName => f.write_str(
                "MCTP interface name mctpd cannot publish (empty, or not only letters, digits and _)",
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Bus(e) => Some(e),
            _ => None,
        }
    }
}

impl std::error::Error for PropertyProblem {}
