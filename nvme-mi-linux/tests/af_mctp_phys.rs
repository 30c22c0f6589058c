//! Physical addressing (extended socket addresses) over a real wire: a tun
//! interface whose other end is this test, playing a device without an EID (requester
//! side) and a requester without an EID (listener side). Runs inside the UML rig
//! (`scripts/test-linux-uml.sh`); skipped on a kernel without `AF_MCTP`.

mod common;
#[path = "support/tun.rs"]
mod tun;

use std::os::fd::{AsFd, OwnedFd};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use common::{echo, request, setup, EXPECT_MI};
use nix::poll::{PollFd, PollFlags, PollTimeout};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::requester::{run_exchange, Policy};
use nvme_mi_core::transport::{Error as _, ErrorKind, ResponderTransport, Transport};
use nvme_mi_linux::{netlink, MctpAddr, MctpListener, MctpTransport, PhysAddr, MCTP_NET_ANY};
use tun::tun_open;

/// Our EID on the tun interface (the kernel's source address for anything sent there).
const TUN_EID: Eid = Eid(20);
const ETH_P_MCTP: u16 = 0x00fa;
const SOM: u8 = 0x80;
const EOM: u8 = 0x40;
const TO: u8 = 0x08;

/// A tun interface carrying MCTP, up, with EID 20, in network 1.
fn tun() -> (OwnedFd, u32) {
    let (fd, name) = tun_open("mctptun0").expect("tun device");
    let idx = netlink::ifindex(&name).expect("tun index");
    let mut nl = netlink::Netlink::open().expect("netlink");
    nl.link_up(idx).expect("tun up");
    match nl.add_addr(idx, TUN_EID) {
        Err(e) if e.raw_os_error() == Some(libc::EEXIST) => {}
        other => other.expect("EID on tun"),
    }
    (fd, idx)
}

/// One MCTP packet (4-byte transport header, then the message) written to the tun interface
/// as if it arrived on the wire.
fn inject(fd: &OwnedFd, dest: Eid, src: Eid, flags: u8, message: &[u8]) {
    let mut pkt = vec![0, 0];
    pkt.extend_from_slice(&ETH_P_MCTP.to_be_bytes());
    pkt.extend_from_slice(&[0x01, dest.0, src.0, flags]);
    pkt.extend_from_slice(message);
    assert_eq!(nix::unistd::write(fd, &pkt).expect("tun write"), pkt.len());
}

/// The next MCTP packet the kernel sends on the tun interface: (transport header, message).
fn capture(fd: &OwnedFd, within: Duration) -> ([u8; 4], Vec<u8>) {
    let end = StdInstant::now() + within;
    let mut buf = [0u8; 2048];
    loop {
        let left = end.saturating_duration_since(StdInstant::now());
        assert!(!left.is_zero(), "nothing sent on the tun interface");
        let ms = PollTimeout::try_from(left.as_millis().max(1)).unwrap_or(PollTimeout::MAX);
        let mut p = [PollFd::new(fd.as_fd(), PollFlags::POLLIN)];
        if nix::poll::poll(&mut p, ms).expect("poll") == 0 {
            continue;
        }
        let n = nix::unistd::read(fd, &mut buf).expect("tun read");
        // Skip anything that is not MCTP (the kernel may send IPv6 chatter).
        if n >= 8 && u16::from_be_bytes([buf[2], buf[3]]) == ETH_P_MCTP {
            return ([buf[4], buf[5], buf[6], buf[7]], buf[8..n].to_vec());
        }
    }
}

#[test]
fn requester_reaches_a_device_without_eid_and_listener_answers_one() {
    let Some(_g) = setup() else { return };
    let (fd, idx) = tun();
    let phys = PhysAddr::new(idx, &[]).expect("tun has no hardware address");

    // Requester side: a request to EID 0 goes out on the tun interface directly; the device
    // answers from EID 0 (it has none yet) on the same tag.
    let device = thread::spawn(move || {
        let (hdr, req) = capture(&fd, Duration::from_secs(5));
        assert_eq!(hdr[0] & 0x0f, 1, "MCTP version 1");
        assert_eq!(
            (hdr[1], hdr[2]),
            (0, TUN_EID.0),
            "to EID 0 from our tun EID"
        );
        assert_eq!(hdr[3] & (SOM | EOM | TO), SOM | EOM | TO, "{:02x}", hdr[3]);
        inject(
            &fd,
            TUN_EID,
            Eid::NULL,
            SOM | EOM | (hdr[3] & 0x07),
            &echo(&req),
        );
        fd
    });
    let mut t = MctpTransport::with_physical(MctpAddr::new(1, Eid::NULL), phys).expect("transport");
    let req = request(0x0d0d);
    let mut buf = [0u8; 256];
    let n = run_exchange(&mut t, Policy::write(), EXPECT_MI, &[&req], &mut buf).expect("exchange");
    assert_eq!(buf[..n], echo(&req)[..]);
    assert_eq!(t.dropped().total(), 0);
    let fd = device.join().unwrap();

    // Listener side: a requester without an EID addresses us physically (destination EID
    // 0); with extended addressing the listener learns where it came from and answers there.
    let mut l = MctpListener::bind(MCTP_NET_ANY, None).expect("listener");
    l.set_extended_addressing(true)
        .expect("extended addressing");
    let req = request(0x0e0e);
    inject(&fd, Eid::NULL, Eid(30), SOM | EOM | TO | 5, &req);
    let mut rx = [0u8; 256];
    let deadline = l.now() + Duration::from_secs(5);
    let (n, peer) = l.recv_request(&mut rx, Some(deadline)).expect("request");
    assert_eq!(rx[..n], req[..]);
    assert_eq!((peer.addr.eid, peer.tag), (Eid(30), 5));
    assert_eq!(peer.phys, Some(phys), "came in on the tun interface");
    l.send_response(&peer, &[&echo(&req)]).expect("response");
    let (hdr, resp) = capture(&fd, Duration::from_secs(5));
    assert_eq!(
        (hdr[1], hdr[2]),
        (30, TUN_EID.0),
        "to the requester from our tun EID"
    );
    assert_eq!(
        hdr[3] & (SOM | EOM | TO | 0x07),
        SOM | EOM | 5,
        "same tag, TO clear"
    );
    assert_eq!(resp, echo(&req));
}

/// The netlink helpers configure a second network over the tun wire: the interface moves to
/// network 10 with EID 40 and a route to EID 41 with a 68-byte MTU; a message to (10, 41) then
/// leaves on the tun interface, fragmented at that MTU; without the route it is unreachable.
#[test]
fn netlink_networks_routes_and_mtu() {
    let Some(_g) = setup() else { return };
    let (fd, name) = tun_open("mctptun1").expect("tun device");
    let idx = netlink::ifindex(&name).expect("tun index");
    let mut nl = netlink::Netlink::open().expect("netlink");
    nl.set_link_net(idx, 10).expect("move to network 10");
    nl.link_up(idx).expect("up");
    nl.add_addr(idx, Eid(40)).expect("EID 40");
    let e = nl.add_addr(idx, Eid(40)).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EEXIST), "{e}");
    nl.add_route(idx, Eid(41), 0, Some(68))
        .expect("route to 41");

    let mut t = MctpTransport::new(MctpAddr::new(10, Eid(41))).expect("transport");
    let big: Vec<u8> = std::iter::once(0x84)
        .chain((0..99).map(|i| i as u8))
        .collect();
    t.send_request(&[&big]).expect("sent into network 10");
    let (hdr, body) = capture(&fd, Duration::from_secs(5));
    assert_eq!((hdr[1], hdr[2]), (41, 40));
    assert_eq!(
        hdr[3] & (SOM | EOM),
        SOM,
        "first of several packets: {:02x}",
        hdr[3]
    );
    assert_eq!(body.len(), 64, "68-byte MTU less the 4-byte header");
    assert_eq!(body[..], big[..64]);
    let (hdr, body) = capture(&fd, Duration::from_secs(5));
    assert_eq!(hdr[3] & (SOM | EOM), EOM, "{:02x}", hdr[3]);
    assert_eq!(body[..], big[64..]);
    t.end_exchange();

    nl.del_route(idx, Eid(41), 0).expect("route removed");
    let e = t.send_request(&[&big]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unreachable, "{e}");
    nl.del_addr(idx, Eid(40)).expect("EID removed");
    assert!(nl.del_addr(idx, Eid(40)).is_err(), "already gone");
}
