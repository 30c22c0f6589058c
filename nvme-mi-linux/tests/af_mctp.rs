//! The blocking transports against the real kernel MCTP stack (run inside the User-Mode Linux
//! rig by `scripts/test-linux-uml.sh`; skipped on a kernel without `AF_MCTP`).

mod common;

use std::sync::mpsc;
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use common::{echo, marker, request, response, setup, EXPECT_MI, PEER};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::requester::{run_exchange, Expect, Policy, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind, ResponderTransport, Transport};
use nvme_mi_linux::sys::MCTP_NET_ANY;
use nvme_mi_linux::{
    netlink, Error, MctpAddr, MctpListener, MctpPeer, MctpTransport, PhysAddr, TagMode,
};

/// A listener on every network, any local EID.
fn listener() -> MctpListener {
    MctpListener::bind(MCTP_NET_ANY, None).expect("bind NVMe-MI listener")
}

/// Serve `n` requests on `l` in a thread with `answer`, which may send any number of
/// messages; the thread returns the peers it saw.
fn serve(
    mut l: MctpListener,
    n: usize,
    answer: impl Fn(&mut MctpListener, &MctpPeer, &[u8]) + Send + 'static,
) -> thread::JoinHandle<Vec<MctpPeer>> {
    thread::spawn(move || {
        let mut buf = [0u8; 4224];
        let mut peers = Vec::new();
        for _ in 0..n {
            let deadline = l.now() + Duration::from_secs(10);
            let (len, peer) = l.recv_request(&mut buf, Some(deadline)).expect("a request");
            answer(&mut l, &peer, &buf[..len]);
            peers.push(peer);
        }
        peers
    })
}

#[test]
fn exchange_with_a_responder_thread() {
    let Some(_g) = setup() else { return };
    let (tx, rx) = mpsc::channel();
    let server = serve(listener(), 1, move |l, peer, req| {
        let resp = echo(req);
        tx.send(resp.clone()).unwrap();
        l.send_response(peer, &[&resp]).expect("send response");
    });

    let mut t = MctpTransport::new(PEER).expect("transport");
    let req = request(0x00c0_ffee);
    let mut buf = [0u8; 256];
    let n = run_exchange(&mut t, Policy::read(), EXPECT_MI, &[&req], &mut buf).expect("exchange");
    assert_eq!(buf[..n], rx.recv().unwrap()[..]);
    assert_eq!(&buf[5..8], &[0xee, 0xff, 0xc0]);
    assert_eq!(t.tag_mode(), TagMode::Preallocated);
    assert!(t.preallocates_tags());
    assert_eq!(t.current_tag(), None, "the exchange released its tag");
    assert_eq!(t.dropped().total(), 0);

    let peers = server.join().unwrap();
    assert_eq!(
        peers[0].addr, PEER,
        "the request came from EID 8 on network 1"
    );
}

#[test]
fn more_processing_required_then_final_on_the_same_tag() {
    let Some(_g) = setup() else { return };
    let server = serve(listener(), 1, |l, peer, req| {
        // MPRT = 10 (1 s); the final response follows 300 ms later on the same tag.
        let mpr = response(req, 0x01, [0, 10, 0], &[]);
        l.send_response(peer, &[&mpr]).expect("send MPR");
        thread::sleep(Duration::from_millis(300));
        l.send_response(peer, &[&echo(req)]).expect("send final");
    });

    let mut t = MctpTransport::new(PEER).expect("transport");
    let req = request(0x1234_5678);
    let mut buf = [0u8; 256];
    let start = StdInstant::now();
    let n = run_exchange(&mut t, Policy::write(), EXPECT_MI, &[&req], &mut buf).expect("exchange");
    assert!(start.elapsed() >= Duration::from_millis(300));
    assert_eq!(buf[4], 0, "the final response, not the MPR");
    assert_eq!(buf[..n], echo(&req)[..]);
    assert_eq!(t.dropped().total(), 0);
    server.join().unwrap();
}

#[test]
fn concurrent_requesters_each_get_their_own_answers() {
    let Some(_g) = setup() else { return };
    const THREADS: u32 = 4;
    const EACH: u32 = 5;
    let server = serve(listener(), (THREADS * EACH) as usize, |l, peer, req| {
        l.send_response(peer, &[&echo(req)]).expect("send response");
    });
    let clients: Vec<_> = (0..THREADS)
        .map(|c| {
            thread::spawn(move || {
                let mut t = MctpTransport::new(PEER).expect("transport");
                let mut buf = [0u8; 256];
                for i in 0..EACH {
                    let m = (c << 16) | i;
                    let req = request(m);
                    let n = run_exchange(&mut t, Policy::read(), EXPECT_MI, &[&req], &mut buf)
                        .expect("exchange");
                    assert_eq!(marker(&buf[..n]), m, "client {c} got someone else's answer");
                }
                t.dropped()
            })
        })
        .collect();
    for c in clients {
        assert_eq!(c.join().unwrap().wrong_tag, 0);
    }
    let peers = server.join().unwrap();
    assert_eq!(peers.len(), (THREADS * EACH) as usize);
}

/// Open one exchange to the endpoint (the request goes to a listener that never answers).
fn open_exchange(marker: u32) -> Result<MctpTransport, Error> {
    let mut t = MctpTransport::new(PEER)?;
    t.send_request(&[&request(marker)])?;
    Ok(t)
}

#[test]
fn nine_outstanding_exchanges_exhaust_the_tags() {
    let Some(_g) = setup() else { return };
    let _silent = listener();
    let mut open: Vec<MctpTransport> = (0..8)
        .map(|i| open_exchange(i).expect("one of eight exchanges"))
        .collect();
    let tags: std::collections::BTreeSet<u8> =
        open.iter().map(|t| t.current_tag().unwrap()).collect();
    assert_eq!(tags.len(), 8, "eight distinct tags: {tags:?}");

    let e = open_exchange(8).expect_err("a ninth exchange");
    assert_eq!(e.kind(), ErrorKind::TagsExhausted, "{e}");

    for t in &mut open {
        t.end_exchange();
    }
    let again: Vec<MctpTransport> = (0..8)
        .map(|i| open_exchange(i).expect("tags are free again"))
        .collect();
    drop(again);
    // Dropping the transports released their tags too.
    drop(open_exchange(0).expect("after drop"));
}

#[test]
fn silent_endpoint_times_out_and_leaks_no_tag() {
    let Some(_g) = setup() else { return };
    let _silent = listener();
    let mut t = MctpTransport::new(PEER).expect("transport");
    let policy = Policy::write().with_timeout(Duration::from_millis(300));
    let mut buf = [0u8; 256];
    let start = StdInstant::now();
    let e = run_exchange(&mut t, policy, EXPECT_MI, &[&request(1)], &mut buf).unwrap_err();
    let waited = start.elapsed();
    assert!(
        matches!(e, RequestError::Timeout { attempts: 1, .. }),
        "{e:?}"
    );
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_millis(1500), "{waited:?}");
    assert_eq!(t.current_tag(), None);

    // A plain receive times out by its deadline too.
    t.send_request(&[&request(2)]).unwrap();
    let deadline = t.now() + Duration::from_millis(100);
    let e = t.recv_response(&mut buf, deadline).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(t.now() >= deadline);
    t.end_exchange();

    let all: Vec<MctpTransport> = (0..8)
        .map(|i| open_exchange(i).expect("no tag leaked"))
        .collect();
    drop(all);
}

/// Send a request with `marker` on `t` and receive it on `l`: the peer to answer and the
/// answer `echo` makes.
fn send_and_receive(
    t: &mut MctpTransport,
    l: &mut MctpListener,
    marker: u32,
) -> (MctpPeer, Vec<u8>) {
    let mut buf = [0u8; 256];
    t.send_request(&[&request(marker)]).unwrap();
    let deadline = l.now() + Duration::from_secs(10);
    let (len, peer) = l
        .recv_request(&mut buf, Some(deadline))
        .expect("the request");
    (peer, echo(&buf[..len]))
}

#[test]
fn late_response_after_a_timeout_is_not_taken_for_the_next_one() {
    let Some(_g) = setup() else { return };
    let mut l = listener();
    let mut t = MctpTransport::new(PEER).expect("transport");
    let mut buf = [0u8; 256];

    // The first request goes out, its receive gives up, and only then (the tag still held)
    // the endpoint answers: the answer is queued on the requester's socket.
    let (peer, late) = send_and_receive(&mut t, &mut l, 0x0000_0a1d);
    let deadline = t.now() + Duration::from_millis(50);
    let e = t.recv_response(&mut buf, deadline).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    l.send_response(&peer, &[&late]).expect("late response");
    thread::sleep(Duration::from_millis(100));

    // The next exchange (perhaps on the same tag value) must see its own answer only.
    let (peer, answer) = send_and_receive(&mut t, &mut l, 0x0000_0b2e);
    l.send_response(&peer, &[&answer]).expect("answer");
    let deadline = t.now() + Duration::from_secs(5);
    let n = t
        .recv_response(&mut buf, deadline)
        .expect("the second answer");
    t.end_exchange();
    assert_eq!(buf[..n], answer[..]);
    assert_ne!(answer, late);
    assert_eq!(t.dropped().stale, 1, "{:?}", t.dropped());
    assert_eq!(t.dropped().total(), 1, "{:?}", t.dropped());
}

#[test]
fn oversized_response_is_an_error_not_a_truncation() {
    let Some(_g) = setup() else { return };
    let server = serve(listener(), 1, |l, peer, req| {
        l.send_response(peer, &[&response(req, 0, [0; 3], &[0x5a; 100])])
            .expect("send response");
    });
    let mut t = MctpTransport::new(PEER).expect("transport");
    t.send_request(&[&request(3)]).unwrap();
    let mut small = [0u8; 32];
    let deadline = t.now() + Duration::from_secs(5);
    let e = t.recv_response(&mut small, deadline).unwrap_err();
    assert!(
        matches!(
            e,
            Error::Truncated {
                len: 112,
                capacity: 32
            }
        ),
        "{e:?}"
    );
    assert_eq!(e.kind(), ErrorKind::BufferTooSmall);
    t.end_exchange();
    server.join().unwrap();
}

#[test]
fn unreachable_endpoint() {
    let Some(_g) = setup() else { return };
    // No route to EID 50 on network 1.
    let mut t = MctpTransport::new(MctpAddr::new(1, Eid(50))).expect("transport");
    let e = t.send_request(&[&request(4)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unreachable, "{e}");
    assert_eq!(t.current_tag(), None, "the tag was released");
}

#[test]
fn second_listener_on_the_same_binding_is_refused() {
    let Some(_g) = setup() else { return };
    let _first = listener();
    let e = MctpListener::bind(MCTP_NET_ANY, None).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE), "{e}");
    assert!(e.to_string().contains("holds it"), "{e}");
}

#[test]
fn control_requests_reach_a_listener_that_asks_for_them() {
    let Some(_g) = setup() else { return };
    let mut l = listener();
    l.listen_control().expect("bind MCTP control");
    let server = serve(l, 1, |l, peer, req| {
        // Get Endpoint ID (DSP0236 §12.4): answer with EID 8, simple endpoint.
        assert_eq!(req[0], 0x00, "an MCTP control message");
        assert_eq!(req[2], 0x02, "Get Endpoint ID");
        let resp = [0x00, req[1] & 0x1f, 0x02, 0x00, 8, 0x00, 0x00];
        l.send_response(peer, &[&resp])
            .expect("send control response");
    });
    let mut t = MctpTransport::new(PEER).expect("transport");
    let mut buf = [0u8; 64];
    let expect = Expect::Control {
        instance: 3,
        command: 0x02,
    };
    let n = run_exchange(
        &mut t,
        Policy::read(),
        expect,
        &[&[0x00, 0x83, 0x02]],
        &mut buf,
    )
    .expect("control exchange");
    assert_eq!(&buf[..n], &[0x00, 0x03, 0x02, 0x00, 8, 0x00, 0x00]);
    server.join().unwrap();
}

/// Extended addressing (digest H.3). A full round trip to EID 0 needs an interface that
/// carries MCTP frames (mctp-i2c, a tun device with a peer: see `af_mctp_phys.rs`): `lo` cannot, because its
/// Ethernet-style framing reads the MCTP ethertype 0x00FA as an 802.3 length. What `lo` does
/// show: the kernel reads our `sockaddr_mctp_ext` as intended (index and hardware address
/// length are checked against the device), and a listener with extended addressing answers
/// routed requests normally.
#[test]
fn extended_addressing() {
    let Some(_g) = setup() else { return };
    let lo = netlink::ifindex("lo").expect("lo");
    let mut l = listener();
    l.set_extended_addressing(true)
        .expect("extended addressing");
    let server = serve(l, 1, |l, peer, req| {
        l.send_response(peer, &[&echo(req)]).expect("send response");
    });
    let mut t = MctpTransport::new(PEER).expect("transport");
    let req = request(0x0f0f);
    let mut buf = [0u8; 256];
    let n = run_exchange(&mut t, Policy::read(), EXPECT_MI, &[&req], &mut buf).expect("exchange");
    assert_eq!(buf[..n], echo(&req)[..]);
    let peers = server.join().unwrap();
    assert_eq!(
        peers[0].phys, None,
        "local delivery comes through no interface"
    );

    // EID 0 on lo's 6-byte hardware address: accepted and sent (then lost, see above).
    let phys = PhysAddr::new(lo, &[0; 6]).expect("6-byte address");
    let mut t = MctpTransport::with_physical(MctpAddr::new(1, Eid::NULL), phys).expect("transport");
    t.send_request(&[&req]).expect("sent directly on lo");
    assert!(t.current_tag().is_some());
    t.end_exchange();
    // A hardware address of the wrong length for the device is refused.
    let phys = PhysAddr::new(lo, &[0x1d]).expect("1-byte address");
    let mut t = MctpTransport::with_physical(MctpAddr::new(1, Eid::NULL), phys).expect("transport");
    let e = t.send_request(&[&req]).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EINVAL), "{e}");
    assert_eq!(t.current_tag(), None);
}
