//! Reception of Asynchronous Event Messages on the requester side (NVMe-MI 2.0): a socket
//! bound to NVMe-MI requests, filtered to one endpoint in user space.

use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};

use nvme_mi_core::mctp::MsgType;

use crate::addr::MctpAddr;
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::socket::MctpSocket;

/// A socket bound to NVMe-MI (type 4) requests on the endpoint's network, keeping those from
/// that endpoint. Kernel 6.12 has no peer binding (`connect`), so the filter is here.
#[derive(Debug)]
pub(crate) struct EventCore {
    sock: MctpSocket,
    peer: MctpAddr,
    dropped: Dropped,
}

impl EventCore {
    /// Bind to NVMe-MI requests on `peer`'s network, any local EID.
    pub(crate) fn bind(peer: MctpAddr) -> Result<Self> {
        let sock = MctpSocket::new()?;
        sock.bind(peer.net, None, MsgType::NvmeMi.to_u8())?;
        Ok(EventCore {
            sock,
            peer,
            dropped: Dropped::default(),
        })
    }

    pub(crate) fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// The next queued request from the endpoint, into `buf` (type byte first).
    pub(crate) fn try_recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        while let Some(inc) = self.sock.try_recv(buf)? {
            let d = &mut self.dropped;
            if inc.len == 0 {
                d.empty += 1;
            } else if !inc.is_request() {
                d.wrong_direction += 1;
            } else if !inc.is_from(self.peer) {
                d.wrong_peer += 1;
            } else if inc.truncated {
                return Err(Error::Truncated {
                    len: inc.len,
                    capacity: buf.len(),
                });
            } else {
                return Ok(Some(inc.len));
            }
        }
        Ok(None)
    }
}

impl AsFd for EventCore {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.sock.as_fd()
    }
}

impl AsRawFd for EventCore {
    fn as_raw_fd(&self) -> RawFd {
        self.sock.as_raw_fd()
    }
}

// The descriptor is the socket's, created with the core and closed with it.
#[cfg(feature = "tokio")]
impl crate::sys::StableFd for EventCore {}
