//! Minimal rtnetlink for MCTP set-up (Linux include/uapi/linux/mctp.h): bring an interface up, give it a local
//! EID, move it to another MCTP network, add routes. For tests, and for users without the
//! `mctp` tool. Needs `CAP_NET_ADMIN`. Also the one question a requester asks: which local
//! EID the kernel sends from towards a peer ([`Netlink::source_eid`], no privilege needed).
//!
//! Messages are built by hand (the few structures are tiny and host-endian) and sent over a
//! `NETLINK_ROUTE` socket; every request asks for an acknowledgement, whose errno becomes an
//! [`Error::Netlink`]; a dump ends with `NLMSG_DONE`.

use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{
    self as nsock, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};
use nvme_mi_core::mctp::Eid;

use crate::error::{Error, Result};
use crate::sys::AF_MCTP;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLMSG_DONE: u16 = 3;
const NLM_F_REQUEST: u16 = 0x01;
const NLM_F_ACK: u16 = 0x04;
const NLM_F_DUMP: u16 = 0x300;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;

const RTM_NEWLINK: u16 = 16;
const RTM_GETLINK: u16 = 18;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_GETADDR: u16 = 22;
const RTM_NEWROUTE: u16 = 24;
const RTM_DELROUTE: u16 = 25;
const RTM_GETROUTE: u16 = 26;

const IFF_UP: u32 = 0x1;
const IFLA_MTU: u16 = 4;
const IFLA_AF_SPEC: u16 = 26;
const IFLA_MCTP_NET: u16 = 1;
const IFA_LOCAL: u16 = 2;
const RTA_DST: u16 = 1;
const RTA_OIF: u16 = 4;
const RTA_METRICS: u16 = 8;
const RTAX_MTU: u16 = 2;
const RTN_UNICAST: u8 = 1;
const RT_TABLE_MAIN: u8 = 254;
const RTPROT_STATIC: u8 = 4;
const RT_SCOPE_LINK: u8 = 253;
const NLA_F_NESTED: u16 = 0x8000;

/// Round up to netlink's 4-byte alignment.
const fn align4(n: usize) -> usize {
    (n + 3) & !3
}

/// A netlink request under construction: header, fixed body, attributes.
struct Request {
    buf: Vec<u8>,
}

impl Request {
    fn new(ty: u16, flags: u16, body: &[u8]) -> Self {
        let mut buf = vec![0u8; NLMSG_HDRLEN];
        buf[4..6].copy_from_slice(&ty.to_ne_bytes());
        buf[6..8].copy_from_slice(&(flags | NLM_F_REQUEST | NLM_F_ACK).to_ne_bytes());
        buf.extend_from_slice(body);
        buf.resize(align4(buf.len()), 0);
        Request { buf }
    }

    /// Append attribute `ty` with `payload`.
    fn attr(&mut self, ty: u16, payload: &[u8]) -> &mut Self {
        let len = 4 + payload.len();
        self.buf.extend_from_slice(&(len as u16).to_ne_bytes());
        self.buf.extend_from_slice(&ty.to_ne_bytes());
        self.buf.extend_from_slice(payload);
        self.buf.resize(align4(self.buf.len()), 0);
        self
    }

    /// Open a nested attribute; close it with [`Request::end_nest`].
    fn begin_nest(&mut self, ty: u16) -> usize {
        let at = self.buf.len();
        self.buf.extend_from_slice(&[0, 0]);
        self.buf
            .extend_from_slice(&(ty | NLA_F_NESTED).to_ne_bytes());
        at
    }

    fn end_nest(&mut self, at: usize) -> &mut Self {
        let len = (self.buf.len() - at) as u16;
        self.buf[at..at + 2].copy_from_slice(&len.to_ne_bytes());
        self
    }

    /// The finished message with sequence number `seq`.
    fn finish(&mut self, seq: u32) -> &[u8] {
        let len = self.buf.len() as u32;
        self.buf[0..4].copy_from_slice(&len.to_ne_bytes());
        self.buf[8..12].copy_from_slice(&seq.to_ne_bytes());
        &self.buf
    }
}

/// `struct ifinfomsg` (16 bytes).
fn ifinfomsg(ifindex: u32, flags: u32, change: u32) -> [u8; 16] {
    let mut b = [0u8; 16];
    // family AF_UNSPEC, pad, type 0.
    b[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    b[8..12].copy_from_slice(&flags.to_ne_bytes());
    b[12..16].copy_from_slice(&change.to_ne_bytes());
    b
}

/// `struct ifaddrmsg` (8 bytes) for MCTP.
fn ifaddrmsg(ifindex: u32) -> [u8; 8] {
    let mut b = [0u8; 8];
    b[0] = AF_MCTP as u8;
    b[4..8].copy_from_slice(&ifindex.to_ne_bytes());
    b
}

/// `struct rtmsg` (12 bytes) for an MCTP unicast route covering `extent` EIDs after the first.
fn rtmsg(extent: u8) -> [u8; 12] {
    let mut b = [0u8; 12];
    b[0] = AF_MCTP as u8;
    b[1] = extent; // rtm_dst_len
    b[4] = RT_TABLE_MAIN;
    b[5] = RTPROT_STATIC;
    b[6] = RT_SCOPE_LINK;
    b[7] = RTN_UNICAST;
    b
}

/// The netlink messages in `data` (one `recv`'s worth): type, sequence number, body.
fn messages(data: &[u8]) -> impl Iterator<Item = Result<(u16, u32, &[u8])>> {
    let mut rest = data;
    std::iter::from_fn(move || {
        if rest.len() < NLMSG_HDRLEN {
            return None;
        }
        let len = u32::from_ne_bytes([rest[0], rest[1], rest[2], rest[3]]) as usize;
        let ty = u16::from_ne_bytes([rest[4], rest[5]]);
        let seq = u32::from_ne_bytes([rest[8], rest[9], rest[10], rest[11]]);
        let Some(body) = rest.get(NLMSG_HDRLEN..len).filter(|_| len >= NLMSG_HDRLEN) else {
            rest = &[];
            return Some(Err(Error::NetlinkProtocol("malformed message length")));
        };
        rest = rest.get(align4(len)..).unwrap_or_default();
        Some(Ok((ty, seq, body)))
    })
}

/// The attributes in `data` (after a message's fixed header): type (without the nested
/// flag) and payload. Stops at the first malformed one.
fn attributes(data: &[u8]) -> impl Iterator<Item = (u16, &[u8])> {
    let mut rest = data;
    std::iter::from_fn(move || {
        let len = usize::from(u16::from_ne_bytes([*rest.first()?, *rest.get(1)?]));
        let ty = u16::from_ne_bytes([*rest.get(2)?, *rest.get(3)?]) & !NLA_F_NESTED;
        let payload = rest.get(4..len)?;
        rest = rest.get(align4(len)..).unwrap_or_default();
        Some((ty, payload))
    })
}

/// The payload of the first attribute of type `ty` in `data`.
fn attribute(data: &[u8], ty: u16) -> Option<&[u8]> {
    attributes(data).find(|(t, _)| *t == ty).map(|(_, p)| p)
}

fn u32_of(payload: &[u8]) -> Option<u32> {
    Some(u32::from_ne_bytes(payload.get(..4)?.try_into().ok()?))
}

/// An MCTP route as the kernel lists it: EIDs `first..=first + extent` through `ifindex`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct RouteEntry {
    first: u8,
    extent: u8,
    ifindex: u32,
}

/// The local EID the kernel sends from towards `peer` on `net` (Linux 6.12
/// net/mctp/route.c, `mctp_local_output`): the first address of the interface of the first
/// route (in the kernel's list order) on that network covering `peer`. `nets` maps
/// interfaces to their MCTP network, `addrs` lists (interface, local EID) in the kernel's
/// order.
fn pick_source(
    routes: &[RouteEntry],
    nets: &[(u32, u32)],
    addrs: &[(u32, u8)],
    net: u32,
    peer: Eid,
) -> Option<Eid> {
    let on_net = |ifindex: u32| nets.iter().any(|&(i, n)| i == ifindex && n == net);
    let route = routes.iter().find(|r| {
        on_net(r.ifindex)
            && r.first <= peer.0
            && u16::from(peer.0) <= u16::from(r.first) + u16::from(r.extent)
    })?;
    addrs
        .iter()
        .find(|&&(i, _)| i == route.ifindex)
        .map(|&(_, eid)| Eid(eid))
}

/// The errno of an `NLMSG_ERROR` message's body (0: an acknowledgement of success).
fn errno_of(body: &[u8]) -> Result<i32> {
    let code = u32_of(body).ok_or(Error::NetlinkProtocol("short error message"))? as i32;
    Ok(code.saturating_neg())
}

/// Find the acknowledgement of request `seq` in `data` (one `recv`'s worth): `Some(0)` for
/// success, `Some(errno)` for failure, `None` if it is not there.
fn find_ack(data: &[u8], seq: u32) -> Result<Option<i32>> {
    for m in messages(data) {
        let (ty, msg_seq, body) = m?;
        if ty == NLMSG_ERROR && msg_seq == seq {
            return errno_of(body).map(Some);
        }
    }
    Ok(None)
}

/// A `NETLINK_ROUTE` socket for MCTP configuration requests.
#[derive(Debug)]
pub struct Netlink {
    fd: OwnedFd,
    seq: u32,
}

impl Netlink {
    /// Open the socket.
    pub fn open() -> Result<Self> {
        let op = "socket";
        let fd = nsock::socket(
            AddressFamily::Netlink,
            SockType::Raw,
            SockFlag::SOCK_CLOEXEC,
            SockProtocol::NetlinkRoute,
        )
        .map_err(|e| Error::Netlink {
            op,
            source: e.into(),
        })?;
        nsock::bind(fd.as_raw_fd(), &NetlinkAddr::new(0, 0)).map_err(|e| Error::Netlink {
            op,
            source: e.into(),
        })?;
        Ok(Netlink { fd, seq: 0 })
    }

    /// Send `req` with the next sequence number, which is returned.
    fn send(&mut self, op: &'static str, req: &mut Request) -> Result<u32> {
        self.seq = self.seq.wrapping_add(1);
        nsock::sendto(
            self.fd.as_raw_fd(),
            req.finish(self.seq),
            &NetlinkAddr::new(0, 0),
            MsgFlags::empty(),
        )
        .map_err(|e| Error::Netlink {
            op,
            source: e.into(),
        })?;
        Ok(self.seq)
    }

    /// Send `req` and wait for its acknowledgement.
    fn call(&mut self, op: &'static str, req: &mut Request) -> Result<()> {
        let seq = self.send(op, req)?;
        let err = |e: nix::errno::Errno| Error::Netlink {
            op,
            source: e.into(),
        };
        let mut buf = vec![0u8; 16 * 1024];
        loop {
            let n = nsock::recv(self.fd.as_raw_fd(), &mut buf, MsgFlags::empty()).map_err(err)?;
            match find_ack(buf.get(..n).unwrap_or_default(), seq)? {
                None => continue,
                Some(0) => return Ok(()),
                Some(errno) => {
                    return Err(Error::Netlink {
                        op,
                        source: std::io::Error::from_raw_os_error(errno),
                    })
                }
            }
        }
    }

    /// Send the dump request `ty` with fixed header `body` and hand every reply message's
    /// body to `each`, until `NLMSG_DONE`.
    fn dump(
        &mut self,
        op: &'static str,
        ty: u16,
        body: &[u8],
        mut each: impl FnMut(&[u8]),
    ) -> Result<()> {
        let seq = self.send(op, &mut Request::new(ty, NLM_F_DUMP, body))?;
        let err = |e: nix::errno::Errno| Error::Netlink {
            op,
            source: e.into(),
        };
        let mut buf = vec![0u8; 32 * 1024];
        loop {
            let n = nsock::recv(self.fd.as_raw_fd(), &mut buf, MsgFlags::empty()).map_err(err)?;
            for m in messages(buf.get(..n).unwrap_or_default()) {
                let (mty, mseq, mbody) = m?;
                if mseq != seq {
                    continue;
                }
                match mty {
                    NLMSG_DONE => return Ok(()),
                    NLMSG_ERROR => match errno_of(mbody)? {
                        0 => {}
                        errno => {
                            return Err(Error::Netlink {
                                op,
                                source: std::io::Error::from_raw_os_error(errno),
                            })
                        }
                    },
                    _ => each(mbody),
                }
            }
        }
    }

    /// The local EID the kernel puts as source on messages to `peer` on network `net`
    /// (Linux 6.12: the first local EID of the interface that the route to `peer` goes
    /// through), `None` without such a route. This is where the peer's responses and its
    /// Asynchronous Event Messages arrive.
    pub fn source_eid(&mut self, net: u32, peer: Eid) -> Result<Option<Eid>> {
        let mut nets = Vec::new();
        self.dump("RTM_GETLINK", RTM_GETLINK, &ifinfomsg(0, 0, 0), |b| {
            let Some(ifindex) = b.get(4..8).and_then(u32_of) else {
                return;
            };
            let mctp_net = b
                .get(16..)
                .and_then(|a| attribute(a, IFLA_AF_SPEC))
                .and_then(|a| attribute(a, AF_MCTP as u16))
                .and_then(|a| attribute(a, IFLA_MCTP_NET))
                .and_then(u32_of);
            if let Some(n) = mctp_net {
                nets.push((ifindex, n));
            }
        })?;
        let mut addrs = Vec::new();
        self.dump("RTM_GETADDR", RTM_GETADDR, &ifaddrmsg(0), |b| {
            let Some(ifindex) = b.get(4..8).and_then(u32_of) else {
                return;
            };
            if let Some(&[eid]) = b.get(8..).and_then(|a| attribute(a, IFA_LOCAL)) {
                addrs.push((ifindex, eid));
            }
        })?;
        let mut routes = Vec::new();
        let mut q = [0u8; 12];
        q[0] = AF_MCTP as u8;
        self.dump("RTM_GETROUTE", RTM_GETROUTE, &q, |b| {
            let (Some(&extent), Some(a)) = (b.get(1), b.get(12..)) else {
                return;
            };
            let first = attribute(a, RTA_DST).and_then(|d| d.first().copied());
            let oif = attribute(a, RTA_OIF).and_then(u32_of);
            if let (Some(first), Some(ifindex)) = (first, oif) {
                routes.push(RouteEntry {
                    first,
                    extent,
                    ifindex,
                });
            }
        })?;
        Ok(pick_source(&routes, &nets, &addrs, net, peer))
    }

    /// Bring interface `ifindex` up (`ip link set <dev> up`).
    pub fn link_up(&mut self, ifindex: u32) -> Result<()> {
        let mut r = Request::new(RTM_NEWLINK, 0, &ifinfomsg(ifindex, IFF_UP, IFF_UP));
        self.call("RTM_NEWLINK (up)", &mut r)
    }

    /// Set interface `ifindex`'s MTU.
    pub fn set_link_mtu(&mut self, ifindex: u32, mtu: u32) -> Result<()> {
        let mut r = Request::new(RTM_NEWLINK, 0, &ifinfomsg(ifindex, 0, 0));
        r.attr(IFLA_MTU, &mtu.to_ne_bytes());
        self.call("RTM_NEWLINK (mtu)", &mut r)
    }

    /// Move interface `ifindex` to MCTP network `net` (`mctp link set <dev> net <net>`).
    pub fn set_link_net(&mut self, ifindex: u32, net: u32) -> Result<()> {
        let mut r = Request::new(RTM_NEWLINK, 0, &ifinfomsg(ifindex, 0, 0));
        let spec = r.begin_nest(IFLA_AF_SPEC);
        let mctp = r.begin_nest(AF_MCTP as u16);
        r.attr(IFLA_MCTP_NET, &net.to_ne_bytes());
        r.end_nest(mctp);
        r.end_nest(spec);
        self.call("RTM_NEWLINK (mctp net)", &mut r)
    }

    /// Give interface `ifindex` the local EID `eid` (`mctp addr add <eid> dev <dev>`; the
    /// kernel adds the local route). `EEXIST` if it has it already.
    pub fn add_addr(&mut self, ifindex: u32, eid: Eid) -> Result<()> {
        let mut r = Request::new(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifaddrmsg(ifindex));
        r.attr(IFA_LOCAL, &[eid.0]);
        self.call("RTM_NEWADDR", &mut r)
    }

    /// Remove the local EID `eid` from interface `ifindex`.
    pub fn del_addr(&mut self, ifindex: u32, eid: Eid) -> Result<()> {
        let mut r = Request::new(RTM_DELADDR, 0, &ifaddrmsg(ifindex));
        r.attr(IFA_LOCAL, &[eid.0]);
        self.call("RTM_DELADDR", &mut r)
    }

    /// Route EIDs `first..=first + extent` through interface `ifindex`, with an optional MTU
    /// (including the 4-byte MCTP header) (`mctp route add <eid> via <dev> [mtu <n>]`).
    pub fn add_route(
        &mut self,
        ifindex: u32,
        first: Eid,
        extent: u8,
        mtu: Option<u32>,
    ) -> Result<()> {
        let mut r = Request::new(RTM_NEWROUTE, NLM_F_CREATE | NLM_F_EXCL, &rtmsg(extent));
        r.attr(RTA_DST, &[first.0]);
        r.attr(RTA_OIF, &ifindex.to_ne_bytes());
        if let Some(mtu) = mtu {
            let m = r.begin_nest(RTA_METRICS);
            r.attr(RTAX_MTU, &mtu.to_ne_bytes());
            r.end_nest(m);
        }
        self.call("RTM_NEWROUTE", &mut r)
    }

    /// Remove a route added with [`Netlink::add_route`].
    pub fn del_route(&mut self, ifindex: u32, first: Eid, extent: u8) -> Result<()> {
        let mut r = Request::new(RTM_DELROUTE, 0, &rtmsg(extent));
        r.attr(RTA_DST, &[first.0]);
        r.attr(RTA_OIF, &ifindex.to_ne_bytes());
        self.call("RTM_DELROUTE", &mut r)
    }
}

/// The index of the interface called `name`.
pub fn ifindex(name: &str) -> Result<u32> {
    if name.as_bytes().contains(&0) {
        return Err(Error::InvalidArgument("interface name contains a NUL byte"));
    }
    nix::net::if_::if_nametoindex(name).map_err(|_| Error::NoSuchInterface(name.to_owned()))
}

/// Bring interface `ifname` up and make sure it has the local EID `eid` (an existing
/// address is fine). The usual single-host test set-up is `ensure_local_eid("lo", Eid(8))`.
pub fn ensure_local_eid(ifname: &str, eid: Eid) -> Result<u32> {
    let idx = ifindex(ifname)?;
    let mut nl = Netlink::open()?;
    nl.link_up(idx)?;
    match nl.add_addr(idx, eid) {
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
        other => other?,
    }
    Ok(idx)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn source_is_the_first_address_of_the_first_matching_route() {
        let r = |first, extent, ifindex| RouteEntry {
            first,
            extent,
            ifindex,
        };
        // Interfaces 2 and 3 on network 1, 4 on network 2.
        let nets = [(1, 1), (2, 1), (3, 1), (4, 2)];
        let addrs = [(2, 8), (2, 12), (3, 7), (4, 9)];
        let routes = [r(8, 0, 2), r(12, 0, 2), r(9, 0, 2), r(10, 5, 3), r(9, 0, 4)];
        let src = |net, peer| pick_source(&routes, &nets, &addrs, net, Eid(peer));
        // A local EID's own route: the interface's first address, not the EID itself.
        assert_eq!(src(1, 12), Some(Eid(8)));
        assert_eq!(src(1, 9), Some(Eid(8)));
        // A range, on another interface.
        assert_eq!(src(1, 15), Some(Eid(7)));
        assert_eq!(src(1, 16), None);
        // The same EID on another network.
        assert_eq!(src(2, 9), Some(Eid(9)));
        assert_eq!(src(3, 9), None);
        // A route through an interface without address.
        assert_eq!(pick_source(&routes, &nets, &[], 1, Eid(9)), None);
    }

    /// `mctp link set` of interface 3 to network 10: a request with nested attributes.
    fn link_net_request() -> Request {
        let mut r = Request::new(RTM_NEWLINK, 0, &ifinfomsg(3, 0, 0));
        let spec = r.begin_nest(IFLA_AF_SPEC);
        let mctp = r.begin_nest(AF_MCTP as u16);
        r.attr(IFLA_MCTP_NET, &10u32.to_ne_bytes());
        r.end_nest(mctp);
        r.end_nest(spec);
        r
    }

    #[test]
    fn dump_messages_and_nested_attributes() {
        let mut r = link_net_request();
        let one = r.finish(5).to_vec();
        let two = [one.clone(), one].concat();
        let got: Vec<_> = messages(&two).collect::<Result<_>>().unwrap();
        assert_eq!(got.len(), 2);
        let (ty, seq, body) = got[0];
        assert_eq!((ty, seq), (RTM_NEWLINK, 5));
        let net = attribute(&body[16..], IFLA_AF_SPEC)
            .and_then(|a| attribute(a, AF_MCTP as u16))
            .and_then(|a| attribute(a, IFLA_MCTP_NET))
            .and_then(u32_of);
        assert_eq!(net, Some(10));
        // A length past the data is an error, not a panic.
        let mut bad = two.clone();
        bad[0..4].copy_from_slice(&1000u32.to_ne_bytes());
        assert!(messages(&bad).next().unwrap().is_err());
        assert_eq!(attributes(&[8, 0, 1, 0, 1]).count(), 0);
    }

    #[test]
    fn address_request_bytes() {
        let mut r = Request::new(RTM_NEWADDR, NLM_F_CREATE | NLM_F_EXCL, &ifaddrmsg(1));
        r.attr(IFA_LOCAL, &[8]);
        let b = r.finish(7).to_vec();
        assert_eq!(b.len(), 16 + 8 + 8);
        assert_eq!(u32::from_ne_bytes(b[0..4].try_into().unwrap()), 32);
        assert_eq!(u16::from_ne_bytes([b[4], b[5]]), RTM_NEWADDR);
        assert_eq!(u16::from_ne_bytes([b[6], b[7]]), 0x605);
        assert_eq!(u32::from_ne_bytes(b[8..12].try_into().unwrap()), 7);
        assert_eq!(
            b[16..24],
            [&[45u8, 0, 0, 0][..], &1u32.to_ne_bytes()].concat()
        );
        // IFA_LOCAL: len 5, type 2, value 8, 3 bytes padding.
        assert_eq!(u16::from_ne_bytes([b[24], b[25]]), 5);
        assert_eq!(u16::from_ne_bytes([b[26], b[27]]), IFA_LOCAL);
        assert_eq!(&b[28..32], &[8, 0, 0, 0]);
    }

    #[test]
    fn nested_network_attribute() {
        let mut r = link_net_request();
        let b = r.finish(1).to_vec();
        let at = 16 + 16;
        assert_eq!(u16::from_ne_bytes([b[at], b[at + 1]]), 4 + 4 + 8);
        assert_eq!(
            u16::from_ne_bytes([b[at + 2], b[at + 3]]),
            IFLA_AF_SPEC | NLA_F_NESTED
        );
        assert_eq!(u16::from_ne_bytes([b[at + 4], b[at + 5]]), 4 + 8);
        assert_eq!(
            u16::from_ne_bytes([b[at + 6], b[at + 7]]),
            45 | NLA_F_NESTED
        );
        assert_eq!(
            u32::from_ne_bytes(b[at + 12..at + 16].try_into().unwrap()),
            10
        );
        assert_eq!(b.len(), at + 16);
    }

    fn error_msg(seq: u32, code: i32) -> Vec<u8> {
        let mut m = vec![0u8; 36];
        m[0..4].copy_from_slice(&36u32.to_ne_bytes());
        m[4..6].copy_from_slice(&NLMSG_ERROR.to_ne_bytes());
        m[8..12].copy_from_slice(&seq.to_ne_bytes());
        m[16..20].copy_from_slice(&code.to_ne_bytes());
        m
    }

    #[test]
    fn acks() {
        assert_eq!(find_ack(&error_msg(3, 0), 3).unwrap(), Some(0));
        assert_eq!(
            find_ack(&error_msg(3, -libc::EEXIST), 3).unwrap(),
            Some(libc::EEXIST)
        );
        assert_eq!(find_ack(&error_msg(2, 0), 3).unwrap(), None);
        let mut two = error_msg(2, -1);
        two.extend(error_msg(3, -libc::EPERM));
        assert_eq!(find_ack(&two, 3).unwrap(), Some(libc::EPERM));
        assert_eq!(find_ack(&[], 3).unwrap(), None);
    }

    #[test]
    fn malformed_replies_are_errors_not_panics() {
        let good = error_msg(3, 0);
        for cut in 0..good.len() {
            let _ = find_ack(&good[..cut], 3);
        }
        let mut bad = good.clone();
        bad[0..4].copy_from_slice(&8u32.to_ne_bytes());
        assert!(find_ack(&bad, 3).is_err());
        let mut short = good[..16].to_vec();
        short[0..4].copy_from_slice(&16u32.to_ne_bytes());
        assert!(find_ack(&short, 3).is_err());
    }

    #[test]
    fn unknown_interface() {
        assert!(matches!(
            ifindex("no-such-if-xyz"),
            Err(Error::NoSuchInterface(_))
        ));
        assert!(matches!(ifindex("a\0b"), Err(Error::InvalidArgument(_))));
    }
}
