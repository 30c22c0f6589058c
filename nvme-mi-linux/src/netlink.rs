//! Minimal rtnetlink for MCTP set-up (Linux include/uapi/linux/mctp.h): bring an interface up, give it a local
//! EID, move it to another MCTP network, add routes. For tests, and for users without the
//! `mctp` tool. Needs `CAP_NET_ADMIN`.
//!
//! Messages are built by hand (the few structures are tiny and host-endian) and sent over a
//! `NETLINK_ROUTE` socket; every request asks for an acknowledgement, whose errno becomes an
//! [`Error::Netlink`].

use std::os::fd::{AsRawFd, OwnedFd};

use nix::sys::socket::{
    self as nsock, AddressFamily, MsgFlags, NetlinkAddr, SockFlag, SockProtocol, SockType,
};
use nvme_mi_core::mctp::Eid;

use crate::error::{Error, Result};
use crate::sys::AF_MCTP;

const NLMSG_HDRLEN: usize = 16;
const NLMSG_ERROR: u16 = 2;
const NLM_F_REQUEST: u16 = 0x01;
const NLM_F_ACK: u16 = 0x04;
const NLM_F_EXCL: u16 = 0x200;
const NLM_F_CREATE: u16 = 0x400;

const RTM_NEWLINK: u16 = 16;
const RTM_NEWADDR: u16 = 20;
const RTM_DELADDR: u16 = 21;
const RTM_NEWROUTE: u16 = 24;
const RTM_DELROUTE: u16 = 25;

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

/// Find the acknowledgement of request `seq` in `data` (one `recv`'s worth): `Some(0)` for
/// success, `Some(errno)` for failure, `None` if it is not there.
fn find_ack(data: &[u8], seq: u32) -> Result<Option<i32>> {
    let mut rest = data;
    while rest.len() >= NLMSG_HDRLEN {
        let word = |at: usize| -> u32 {
            let mut w = [0u8; 4];
            w.copy_from_slice(&rest[at..at + 4]);
            u32::from_ne_bytes(w)
        };
        let len = word(0) as usize;
        let ty = u16::from_ne_bytes([rest[4], rest[5]]);
        let msg_seq = word(8);
        if len < NLMSG_HDRLEN || len > rest.len() {
            return Err(Error::NetlinkProtocol("malformed message length"));
        }
        if ty == NLMSG_ERROR && msg_seq == seq {
            if len < NLMSG_HDRLEN + 4 {
                return Err(Error::NetlinkProtocol("short error message"));
            }
            let code = word(NLMSG_HDRLEN) as i32;
            return Ok(Some(code.saturating_neg()));
        }
        rest = rest.get(align4(len)..).unwrap_or_default();
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

    /// Send `req` and wait for its acknowledgement.
    fn call(&mut self, op: &'static str, req: &mut Request) -> Result<()> {
        self.seq = self.seq.wrapping_add(1);
        let seq = self.seq;
        let err = |e: nix::errno::Errno| Error::Netlink {
            op,
            source: e.into(),
        };
        nsock::sendto(
            self.fd.as_raw_fd(),
            req.finish(seq),
            &NetlinkAddr::new(0, 0),
            MsgFlags::empty(),
        )
        .map_err(err)?;
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
        let mut r = Request::new(RTM_NEWLINK, 0, &ifinfomsg(3, 0, 0));
        let spec = r.begin_nest(IFLA_AF_SPEC);
        let mctp = r.begin_nest(AF_MCTP as u16);
        r.attr(IFLA_MCTP_NET, &10u32.to_ne_bytes());
        r.end_nest(mctp);
        r.end_nest(spec);
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
