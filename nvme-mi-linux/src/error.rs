//! The crate's error type: what a socket, a tag ioctl or a netlink request reported.

use std::fmt;
use std::io;

use nvme_mi_core::transport::{self, ErrorKind};

use crate::addr::MctpAddr;

/// An error of the `AF_MCTP` transport or of the netlink helpers.
///
/// System call failures keep their [`io::Error`] (and so the errno); [`transport::Error::kind`]
/// sorts them for the engines: `EBUSY`/`EAGAIN` on tag allocation are
/// [`ErrorKind::TagsExhausted`] (and `EBUSY` on send, when the kernel allocates the tag),
/// `EHOSTUNREACH`/`ENETUNREACH` on send are
/// [`ErrorKind::Unreachable`], deadlines are [`ErrorKind::Timeout`].
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// Creating the socket failed; `EAFNOSUPPORT` means the kernel has no MCTP support.
    Socket(io::Error),
    /// Binding a socket to a local (network, EID, message type) failed. `EADDRINUSE`: another
    /// socket (mctpd, another responder, another event listener) already holds that binding;
    /// `EACCES`: `CAP_NET_BIND_SERVICE` is missing.
    Bind {
        /// The network bound to (0 = any).
        net: u32,
        /// The EID bound to (255 = any).
        eid: u8,
        /// The message type bound to.
        msg_type: u8,
        /// What the kernel said.
        source: io::Error,
    },
    /// Setting a socket option failed.
    SocketOption(io::Error),
    /// Allocating a message tag failed (`EBUSY`/`EAGAIN`: all eight tags to that peer are in
    /// use).
    TagAlloc(io::Error),
    /// Sending failed (`EHOSTUNREACH`: no route or no local address; `EBUSY`: no free tag;
    /// `EACCES`: `CAP_NET_RAW` is missing).
    Send(io::Error),
    /// Waiting for or receiving a message failed.
    Recv(io::Error),
    /// Nothing arrived before the deadline.
    Timeout,
    /// The received message (`len` bytes with its type byte) was larger than the buffer
    /// (`capacity` bytes) and was discarded.
    Truncated {
        /// The message's length.
        len: usize,
        /// The buffer's length.
        capacity: usize,
    },
    /// The message to send was empty (it has no type byte).
    EmptyMessage,
    /// A netlink request failed. `EPERM`: `CAP_NET_ADMIN` is missing; `EEXIST`: the address
    /// or route exists already.
    Netlink {
        /// What was asked (e.g. `"RTM_NEWADDR"`).
        op: &'static str,
        /// The errno of the kernel's acknowledgement, or of the socket call.
        source: io::Error,
    },
    /// The kernel's netlink reply could not be understood.
    NetlinkProtocol(&'static str),
    /// No interface with that name.
    NoSuchInterface(String),
    /// An argument the kernel would reject (e.g. an interface name with a NUL byte).
    InvalidArgument(&'static str),
    /// No route to this endpoint, so no local EID that its messages would be sent to (its
    /// Asynchronous Event Messages have nowhere to arrive).
    NoRoute(MctpAddr),
}

impl Error {
    /// The errno of the underlying system call, if any.
    pub fn raw_os_error(&self) -> Option<i32> {
        self.io().and_then(io::Error::raw_os_error)
    }

    /// The underlying [`io::Error`], if any.
    pub fn io(&self) -> Option<&io::Error> {
        match self {
            Error::Socket(e)
            | Error::SocketOption(e)
            | Error::TagAlloc(e)
            | Error::Send(e)
            | Error::Recv(e)
            | Error::Bind { source: e, .. }
            | Error::Netlink { source: e, .. } => Some(e),
            _ => None,
        }
    }

    /// True when the kernel lacks `AF_MCTP` (`EAFNOSUPPORT` on `socket`).
    pub fn is_mctp_unsupported(&self) -> bool {
        matches!(self, Error::Socket(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT))
    }
}

impl transport::Error for Error {
    fn kind(&self) -> ErrorKind {
        let errno = self.raw_os_error();
        match self {
            Error::Timeout => ErrorKind::Timeout,
            Error::NoRoute(_) => ErrorKind::Unreachable,
            Error::Truncated { .. } => ErrorKind::BufferTooSmall,
            Error::Socket(_) if errno == Some(libc::EAFNOSUPPORT) => ErrorKind::Unsupported,
            Error::TagAlloc(_) if matches!(errno, Some(libc::EBUSY | libc::EAGAIN)) => {
                ErrorKind::TagsExhausted
            }
            // The kernel allocating an owned tag itself on send.
            Error::Send(_) if errno == Some(libc::EBUSY) => ErrorKind::TagsExhausted,
            // ENOENT: local delivery found no socket bound to the message type.
            Error::Send(_)
                if matches!(
                    errno,
                    Some(libc::EHOSTUNREACH | libc::ENETUNREACH | libc::ENOENT | libc::ENODEV)
                ) =>
            {
                ErrorKind::Unreachable
            }
            Error::Send(_) | Error::Recv(_) if errno == Some(libc::ENETDOWN) => ErrorKind::Bus,
            _ => ErrorKind::Other,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Socket(e) if e.raw_os_error() == Some(libc::EAFNOSUPPORT) => {
                write!(f, "AF_MCTP socket: {e} (the kernel has no MCTP support)")
            }
            Error::Socket(e) => write!(f, "AF_MCTP socket: {e}"),
            Error::Bind {
                net,
                eid,
                msg_type,
                source,
            } => {
                write!(
                    f,
                    "binding MCTP type {msg_type:#04x} on network {net}, EID {eid}: {source}"
                )?;
                if source.raw_os_error() == Some(libc::EADDRINUSE) {
                    f.write_str(" (another socket, e.g. mctpd or another responder, holds it)")?;
                }
                Ok(())
            }
            Error::SocketOption(e) => write!(f, "setting an MCTP socket option: {e}"),
            Error::TagAlloc(e) => write!(f, "allocating an MCTP tag: {e}"),
            Error::Send(e) => write!(f, "sending an MCTP message: {e}"),
            Error::Recv(e) => write!(f, "receiving an MCTP message: {e}"),
            Error::Timeout => f.write_str("timed out"),
            Error::Truncated { len, capacity } => write!(
                f,
                "received a {len}-byte MCTP message into a {capacity}-byte buffer; discarded"
            ),
            Error::EmptyMessage => f.write_str("an MCTP message needs at least its type byte"),
            Error::Netlink { op, source } => write!(f, "netlink {op}: {source}"),
            Error::NetlinkProtocol(what) => write!(f, "netlink: {what}"),
            Error::NoSuchInterface(name) => write!(f, "no network interface named {name:?}"),
            Error::InvalidArgument(what) => write!(f, "invalid argument: {what}"),
            Error::NoRoute(a) => write!(
                f,
                "no MCTP route to EID {} on network {}, hence no local EID for its events",
                a.eid, a.net
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.io().map(|e| e as _)
    }
}

impl From<Error> for io::Error {
    fn from(e: Error) -> io::Error {
        let kind = match &e {
            Error::Timeout => io::ErrorKind::TimedOut,
            Error::InvalidArgument(_) | Error::EmptyMessage => io::ErrorKind::InvalidInput,
            Error::NoSuchInterface(_) => io::ErrorKind::NotFound,
            Error::NoRoute(_) => io::ErrorKind::HostUnreachable,
            other => other.io().map_or(io::ErrorKind::Other, io::Error::kind),
        };
        io::Error::new(kind, e)
    }
}

/// Result with the crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use transport::Error as _;

    fn os(errno: i32) -> io::Error {
        io::Error::from_raw_os_error(errno)
    }

    #[test]
    fn kinds() {
        assert_eq!(
            Error::TagAlloc(os(libc::EBUSY)).kind(),
            ErrorKind::TagsExhausted
        );
        assert_eq!(
            Error::TagAlloc(os(libc::EAGAIN)).kind(),
            ErrorKind::TagsExhausted
        );
        assert_eq!(
            Error::Send(os(libc::EBUSY)).kind(),
            ErrorKind::TagsExhausted
        );
        assert_eq!(
            Error::Send(os(libc::EHOSTUNREACH)).kind(),
            ErrorKind::Unreachable
        );
        assert_eq!(
            Error::Send(os(libc::ENETUNREACH)).kind(),
            ErrorKind::Unreachable
        );
        assert_eq!(Error::Recv(os(libc::EBUSY)).kind(), ErrorKind::Other);
        assert_eq!(Error::Timeout.kind(), ErrorKind::Timeout);
        assert_eq!(
            Error::Truncated {
                len: 9,
                capacity: 4
            }
            .kind(),
            ErrorKind::BufferTooSmall
        );
        let e = Error::Socket(os(libc::EAFNOSUPPORT));
        assert_eq!(e.kind(), ErrorKind::Unsupported);
        assert!(e.is_mctp_unsupported());
        assert!(e.to_string().contains("no MCTP support"));
    }

    #[test]
    fn bind_conflict_is_explained() {
        let e = Error::Bind {
            net: 1,
            eid: 255,
            msg_type: 0,
            source: os(libc::EADDRINUSE),
        };
        assert!(e.to_string().contains("mctpd"), "{e}");
        assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE));
        assert_eq!(io::Error::from(e).kind(), io::ErrorKind::AddrInUse);
    }
}
