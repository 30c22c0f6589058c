//! Reception of Asynchronous Event Messages on the requester side (NVMe-MI 2.0, Asynchronous
//! Event Messages).
//!
//! An endpoint sends its AEMs as requests (TO set) to the EID that enabled them: the local
//! EID the kernel put as the source of our requests, the first address of the interface the
//! route to the endpoint goes through ([`Netlink::source_eid`]). The event socket binds that
//! exact (network, EID, NVMe-MI) triple. Binding any EID instead would also take NVMe-MI
//! requests meant for a local responder on another EID of the network: the kernel hands a
//! request to the most recently bound socket that matches (Linux 6.12 net/mctp/route.c,
//! `mctp_lookup_bind`), and a request cannot be handed back.
//!
//! The kernel lets one socket hold a triple (net/mctp/af_mctp.c, `mctp_sk_hash`:
//! `EADDRINUSE`), and every endpoint reached from one local EID sends its AEMs to it. So, in
//! one process, the event listeners of those endpoints share the socket: whichever reads a
//! message keeps it if it is from its own endpoint and queues a copy for every other listener
//! of the sender. Another process cannot listen on the same local EID.

use std::collections::VecDeque;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::sync::{Arc, Mutex, MutexGuard, Weak};
use std::time::{Duration, Instant as StdInstant};

use nix::poll::PollFlags;
use nvme_mi_core::mctp::{Eid, MsgType};

use crate::addr::MctpAddr;
use crate::dropped::Dropped;
use crate::error::{Error, Result};
use crate::netlink::Netlink;
use crate::socket::{self, MctpSocket};
use crate::sys::{MCTP_INITIAL_DEFAULT_NET, MCTP_NET_ANY};

/// Messages queued for one listener by the others, at most; older ones are dropped first.
const QUEUE_LIMIT: usize = 16;

/// The longest a blocking wait sleeps without looking at its queue when the socket is shared:
/// another listener may have taken (and queued) its message meanwhile.
const SHARED_WAIT_SLICE: Duration = Duration::from_millis(50);

/// One listener of a shared socket.
#[derive(Debug)]
struct Listener {
    id: u64,
    peer: MctpAddr,
    queue: VecDeque<Vec<u8>>,
    /// Messages dropped from the queue because it was full.
    overflow: u64,
}

/// A socket bound to one (network, local EID, NVMe-MI) triple and its listeners.
#[derive(Debug)]
struct Shared {
    sock: MctpSocket,
    listeners: Vec<Listener>,
    next_id: u64,
}

/// The shared sockets of this process by (network, local EID).
type Registry = Vec<((u32, Eid), Weak<Mutex<Shared>>)>;

static REGISTRY: Mutex<Registry> = Mutex::new(Vec::new());

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    // A panic while holding the lock leaves consistent data here (plain pushes and pops).
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The socket of (`net`, `local`): the existing one, or a new one bound to it.
fn shared_socket(net: u32, local: Eid) -> Result<Arc<Mutex<Shared>>> {
    let mut reg = lock(&REGISTRY);
    reg.retain(|(_, w)| w.strong_count() > 0);
    if let Some(s) = reg
        .iter()
        .find(|(k, _)| *k == (net, local))
        .and_then(|(_, w)| w.upgrade())
    {
        return Ok(s);
    }
    let sock = MctpSocket::new()?;
    sock.bind(net, Some(local), MsgType::NvmeMi.to_u8())?;
    let s = Arc::new(Mutex::new(Shared {
        sock,
        listeners: Vec::new(),
        next_id: 0,
    }));
    reg.push(((net, local), Arc::downgrade(&s)));
    Ok(s)
}

/// The event listener of one endpoint: NVMe-MI requests from it, on the local EID it sends
/// them to.
#[derive(Debug)]
pub(crate) struct EventCore {
    shared: Arc<Mutex<Shared>>,
    /// A duplicate of the shared socket's descriptor, so that each listener can wait on (and
    /// register with an event loop) a descriptor of its own.
    fd: OwnedFd,
    id: u64,
    peer: MctpAddr,
    dropped: Dropped,
}

impl EventCore {
    /// Listen for `peer`'s requests on the local EID the kernel sends to it from.
    pub(crate) fn bind(peer: MctpAddr) -> Result<Self> {
        // Sending on "any network" goes to the default network; so does the route lookup.
        let net = if peer.net == MCTP_NET_ANY {
            MCTP_INITIAL_DEFAULT_NET
        } else {
            peer.net
        };
        let local = Netlink::open()?
            .source_eid(net, peer.eid)?
            .ok_or(Error::NoRoute(MctpAddr::new(net, peer.eid)))?;
        let shared = shared_socket(net, local)?;
        let mut s = lock(&shared);
        let fd = s.sock.as_fd().try_clone_to_owned().map_err(Error::Socket)?;
        let id = s.next_id;
        s.next_id += 1;
        s.listeners.push(Listener {
            id,
            peer,
            queue: VecDeque::new(),
            overflow: 0,
        });
        drop(s);
        Ok(EventCore {
            shared,
            fd,
            id,
            peer,
            dropped: Dropped::default(),
        })
    }

    pub(crate) fn dropped(&self) -> Dropped {
        self.dropped
    }

    /// The next request from the endpoint, into `buf` (type byte first): one that another
    /// listener queued, else the next from the socket. Requests from endpoints that another
    /// listener of the socket follows are queued for it.
    pub(crate) fn try_recv(&mut self, buf: &mut [u8]) -> Result<Option<usize>> {
        let mut s = lock(&self.shared);
        let Shared {
            sock, listeners, ..
        } = &mut *s;
        if let Some(me) = listeners.iter_mut().find(|l| l.id == self.id) {
            self.dropped.queue_full += std::mem::take(&mut me.overflow);
            if let Some(m) = me.queue.pop_front() {
                let n = m.len().min(buf.len());
                buf[..n].copy_from_slice(&m[..n]);
                if n < m.len() {
                    return Err(Error::Truncated {
                        len: m.len(),
                        capacity: buf.len(),
                    });
                }
                return Ok(Some(n));
            }
        }
        while let Some(inc) = sock.try_recv(buf)? {
            let d = &mut self.dropped;
            if inc.len == 0 {
                d.empty += 1;
                continue;
            }
            if !inc.is_request() {
                d.wrong_direction += 1;
                continue;
            }
            let mine = inc.is_from(self.peer);
            let mut taken = mine;
            for l in listeners
                .iter_mut()
                .filter(|l| l.id != self.id && inc.is_from(l.peer))
            {
                taken = true;
                if inc.truncated {
                    continue;
                }
                if l.queue.len() == QUEUE_LIMIT {
                    l.queue.pop_front();
                    l.overflow += 1;
                }
                l.queue.push_back(buf[..inc.len].to_vec());
            }
            if !taken {
                d.wrong_peer += 1;
            } else if mine && inc.truncated {
                return Err(Error::Truncated {
                    len: inc.len,
                    capacity: buf.len(),
                });
            } else if mine {
                return Ok(Some(inc.len));
            }
        }
        Ok(None)
    }

    /// Wait until a message may be there or `until` (`None`: forever); `false` once `until`
    /// has passed. With other listeners on the socket, wakes at least every 50 ms: one of
    /// them may have queued this listener's message after its last look.
    pub(crate) fn wait(&self, until: Option<StdInstant>) -> Result<bool> {
        let shared = lock(&self.shared).listeners.len() > 1;
        let slice_end = shared.then(|| StdInstant::now() + SHARED_WAIT_SLICE);
        let end = match (until, slice_end) {
            (Some(u), Some(s)) => Some(u.min(s)),
            (u, s) => u.or(s),
        };
        let ready = socket::wait(&[self.fd.as_fd()], PollFlags::POLLIN, end)?;
        Ok(ready || until.is_none_or(|u| StdInstant::now() < u))
    }
}

impl Drop for EventCore {
    fn drop(&mut self) {
        lock(&self.shared).listeners.retain(|l| l.id != self.id);
    }
}

impl AsFd for EventCore {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl AsRawFd for EventCore {
    fn as_raw_fd(&self) -> RawFd {
        self.fd.as_raw_fd()
    }
}

// The descriptor is this listener's own duplicate, created with it and closed with it.
#[cfg(feature = "tokio")]
impl crate::sys::StableFd for EventCore {}
