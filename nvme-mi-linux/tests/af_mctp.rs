//! The blocking transports against the real kernel MCTP stack (run inside the User-Mode Linux
//! rig by `scripts/test-linux-uml.sh`; skipped on a kernel without `AF_MCTP`).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{mpsc, Arc};
use std::thread;
use std::time::{Duration, Instant as StdInstant};

use common::{echo, marker, request, response, setup, EXPECT_MI, PEER};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::requester::{run_exchange, Expect, Policy, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind, ResponderTransport, Transport};
use nvme_mi_linux::{
    netlink, Error, MctpAddr, MctpListener, MctpPeer, MctpSocket, MctpTransport, PhysAddr, TagMode,
    MCTP_NET_ANY,
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
    let server = serve(listener(), 2, move |l, peer, req| {
        let resp = echo(req);
        let _ = tx.send(resp.clone());
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
    // Kept instead, the tag stays for the next exchange, until it is no longer kept.
    t.set_keep_tag(true);
    run_exchange(&mut t, Policy::read(), EXPECT_MI, &[&req], &mut buf).expect("exchange");
    assert!(t.current_tag().is_some(), "kept");
    assert_eq!(free_tags(PEER), 7);
    t.set_keep_tag(false);
    assert_eq!(t.current_tag(), None, "released when no longer kept");
    assert_eq!(free_tags(PEER), 8);

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

    // Ending the exchanges cannot renew the tags (none is free), so each keeps its own until
    // the next exchange renews it; dropping the transports closes their sockets, which frees
    // the tags.
    for t in &mut open {
        t.end_exchange();
        assert!(t.current_tag().is_some());
    }
    assert_eq!(free_tags(PEER), 0);
    drop(open);
    assert_eq!(free_tags(PEER), 8);
    let again: Vec<MctpTransport> = (0..8)
        .map(|i| open_exchange(i).expect("tags are free again"))
        .collect();
    drop(again);
    assert_eq!(free_tags(PEER), 8);
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
    // The timed-out tag was renewed at once: the transport holds one fresh tag.
    assert_eq!(free_tags(PEER), 7);
    assert!(
        matches!(e, RequestError::Timeout { attempts: 1, .. }),
        "{e:?}"
    );
    assert!(waited >= Duration::from_millis(300), "{waited:?}");
    assert!(waited < Duration::from_millis(1500), "{waited:?}");
    let renewed = t
        .current_tag()
        .expect("a renewed tag waits for the next exchange");

    // A plain receive times out by its deadline too.
    t.send_request(&[&request(2)]).unwrap();
    assert_eq!(t.current_tag(), Some(renewed), "the renewed tag carries it");
    let deadline = t.now() + Duration::from_millis(100);
    let e = t.recv_response(&mut buf, deadline).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    assert!(t.now() >= deadline);
    t.end_exchange();
    assert_ne!(t.current_tag(), Some(renewed), "renewed again");
    // Each renewal dropped the old tag: the transport holds exactly one.
    assert_eq!(free_tags(PEER), 7);
    drop(t);
    assert_eq!(free_tags(PEER), 8);
}

#[test]
fn time_spent_between_commands_does_not_cut_the_next_ones_waits() {
    // Inside an exchange the transport does not read the system clock: it carries its last
    // reading forward by the waits the kernel measured. Time that the process spends
    // elsewhere between two commands is not in that count; the next command must still wait
    // for each response and retry as its policy says, all counted from its own start.
    let Some(_g) = setup() else { return };
    let _silent = listener();
    let mut t = MctpTransport::new(PEER).expect("transport");
    t.set_keep_tag(true);
    let mut buf = [0u8; 256];
    let policy = Policy {
        response_timeout: Duration::from_millis(200),
        max_total: Duration::from_secs(1),
        retries: 2,
        ..Policy::read()
    };
    for pause in [Duration::ZERO, Duration::from_millis(1500)] {
        thread::sleep(pause);
        let start = StdInstant::now();
        let e = run_exchange(&mut t, policy, EXPECT_MI, &[&request(1)], &mut buf).unwrap_err();
        let waited = start.elapsed();
        assert!(
            matches!(e, RequestError::Timeout { attempts: 3, .. }),
            "after a pause of {pause:?}: {e:?}"
        );
        assert!(waited >= Duration::from_millis(600), "{waited:?}");
        assert!(waited < Duration::from_secs(3), "{waited:?}");
    }
    drop(t);
    assert_eq!(free_tags(PEER), 8);
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
    let first = t.current_tag();
    let deadline = t.now() + Duration::from_millis(50);
    let e = t.recv_response(&mut buf, deadline).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);
    l.send_response(&peer, &[&late]).expect("late response");
    thread::sleep(Duration::from_millis(100));

    // The next exchange (perhaps on the same tag value) must see its own answer only.
    let (peer, answer) = send_and_receive(&mut t, &mut l, 0x0000_0b2e);
    assert_ne!(
        t.current_tag(),
        first,
        "a new tag value for the next request"
    );
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
    // Nothing went out, so the tag may carry the next request as it is.
    let tag = t.current_tag();
    assert!(tag.is_some());
    let e = t.send_request(&[&request(5)]).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Unreachable, "{e}");
    assert_eq!(t.current_tag(), tag);
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

/// Extended addressing (Linux include/uapi/linux/mctp.h). A full round trip to EID 0 needs an interface that
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
}

/// How many tags to `peer` are free now: allocate them all on fresh sockets (at most eight),
/// then release them with the sockets.
fn free_tags(peer: MctpAddr) -> usize {
    let mut held = Vec::new();
    loop {
        let s = MctpSocket::new().expect("socket");
        match s.alloc_tag(peer, false) {
            Ok(_) => held.push(s),
            Err(e) => {
                assert_eq!(e.kind(), ErrorKind::TagsExhausted, "{e}");
                return held.len();
            }
        }
        assert!(held.len() <= 8, "more than eight tags to {peer}");
    }
}

/// Answer every request on `l` with `answer` until `stop` is set; returns how many were
/// answered.
fn serve_until(
    mut l: MctpListener,
    stop: Arc<AtomicBool>,
    answer: impl Fn(&mut MctpListener, &MctpPeer, &[u8]) + Send + 'static,
) -> thread::JoinHandle<usize> {
    thread::spawn(move || {
        let mut buf = [0u8; 4224];
        let mut n = 0;
        while !stop.load(Ordering::Relaxed) {
            let deadline = l.now() + Duration::from_millis(100);
            match l.recv_request(&mut buf, Some(deadline)) {
                Ok((len, peer)) => {
                    answer(&mut l, &peer, &buf[..len]);
                    n += 1;
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::Timeout, "{e}"),
            }
        }
        n
    })
}

/// The policy of the child requesters: a command may wait long for a free tag.
fn patient() -> Policy {
    Policy {
        max_total: Duration::from_secs(120),
        ..Policy::read()
    }
}

/// A requester process: this test binary run again with `child_requester` and
/// `AF_MCTP_CHILD` = `COUNT` (health polls to EID 8, each checked against its echo, the tag
/// kept between them so that each holds one for its whole life). After
/// the first poll it prints `ready` and waits for its standard input to close before the
/// others, so that the parent sees it hold its tag.
fn spawn_requester(count: u32) -> Child {
    Command::new(std::env::current_exe().expect("test binary"))
        .args(["--exact", "child_requester", "--ignored", "--nocapture"])
        .args(["--test-threads", "1", "-q"])
        .env("AF_MCTP_CHILD", count.to_string())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("spawn a requester process")
}

/// Wait for a `ready` line from each of `children`'s standard output, in any order, until
/// `n` have reported; returns the indices that did.
fn wait_ready(children: &mut [Child], n: usize) -> Vec<usize> {
    let (tx, rx) = mpsc::channel();
    for (i, c) in children.iter_mut().enumerate() {
        let out = c.stdout.take().expect("piped stdout");
        let tx = tx.clone();
        thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                if line.map(|l| l.trim() == "ready").unwrap_or(false) {
                    let _ = tx.send(i);
                }
            }
        });
    }
    (0..n)
        .map(|_| {
            rx.recv_timeout(Duration::from_secs(120))
                .expect("a requester ready")
        })
        .collect()
}

#[test]
#[ignore = "run as a child process by the multi-process tests"]
fn child_requester() {
    let Some(count) = std::env::var("AF_MCTP_CHILD")
        .ok()
        .and_then(|c| c.parse::<u32>().ok())
    else {
        return;
    };
    let mut t = MctpTransport::new(PEER).expect("transport");
    t.set_keep_tag(true);
    let mut buf = [0u8; 256];
    let base = std::process::id() << 8;
    for i in 0..count {
        let m = base | (i & 0xff);
        let n = run_exchange(&mut t, patient(), EXPECT_MI, &[&request(m)], &mut buf)
            .unwrap_or_else(|e| panic!("poll {i}: {e}"));
        assert_eq!(marker(&buf[..n]), m, "someone else's answer");
        if i == 0 {
            println!("ready");
            std::io::stdout().flush().expect("stdout");
            let mut rest = Vec::new();
            std::io::stdin().read_to_end(&mut rest).expect("stdin");
        }
    }
}

#[test]
fn more_requester_processes_than_tags_all_complete() {
    let Some(_g) = setup() else { return };
    const PROCESSES: usize = 12;
    const POLLS: u32 = 20;
    let stop = Arc::new(AtomicBool::new(false));
    let server = serve_until(listener(), stop.clone(), |l, peer, req| {
        l.send_response(peer, &[&echo(req)]).expect("send response");
    });
    let mut children: Vec<Child> = (0..PROCESSES).map(|_| spawn_requester(POLLS)).collect();
    // Eight hold a tag each (kept between their polls); the other four wait for one.
    let first = wait_ready(&mut children, 8);
    assert_eq!(free_tags(PEER), 0, "eight requesters hold all eight tags");
    assert_eq!(first.len(), 8);
    // Let everyone go: as the eight finish and close their sockets, the four get tags.
    for c in &mut children {
        drop(c.stdin.take());
    }
    for (i, mut c) in children.into_iter().enumerate() {
        let status = c.wait().expect("wait");
        assert!(status.success(), "requester {i}: {status}");
    }
    stop.store(true, Ordering::Relaxed);
    let answered = server.join().unwrap();
    assert!(answered >= PROCESSES * POLLS as usize, "{answered}");
    assert_eq!(free_tags(PEER), 8, "no tag left behind");
}

#[test]
fn a_killed_requester_leaves_no_tag_behind() {
    let Some(_g) = setup() else { return };
    let stop = Arc::new(AtomicBool::new(false));
    let server = serve_until(listener(), stop.clone(), |l, peer, req| {
        l.send_response(peer, &[&echo(req)]).expect("send response");
    });
    let mut children: Vec<Child> = (0..8).map(|_| spawn_requester(2)).collect();
    wait_ready(&mut children, 8);
    assert_eq!(free_tags(PEER), 0, "each holds its tag");
    for c in &mut children {
        c.kill().expect("SIGKILL");
        c.wait().expect("reaped");
    }
    assert_eq!(free_tags(PEER), 8, "the kernel freed the tags of the dead");
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
}

#[test]
fn late_response_to_a_timed_out_command_is_never_taken_for_the_next() {
    let Some(_g) = setup() else { return };
    let mut l = listener();
    let mut t = MctpTransport::new(PEER).expect("transport");
    let quick = Policy::write().with_timeout(Duration::from_millis(200));
    let mut buf = [0u8; 256];

    for round in 0..3u32 {
        // The engine gives up on the first command; its answer comes after that.
        let m = 0x100 + round;
        let late = {
            let e = run_exchange(&mut t, quick, EXPECT_MI, &[&request(m)], &mut buf).unwrap_err();
            assert!(matches!(e, RequestError::Timeout { .. }), "{e:?}");
            let deadline = l.now() + Duration::from_secs(5);
            let (len, peer) = l.recv_request(&mut buf, Some(deadline)).expect("request");
            assert_eq!(marker(&buf[..len]), m);
            (peer, echo(&buf[..len]))
        };
        let timed_out_tag = late.0.tag;
        // The engine renewed the tag when it gave up, so the kernel no longer knows the old
        // one: on this local route it says so at once (ENOENT); on a wire it would discard
        // the response on arrival.
        match l.send_response(&late.0, &[&late.1]) {
            Ok(()) => {}
            Err(e) if e.raw_os_error() == Some(libc::ENOENT) => {}
            Err(e) => panic!("late response: {e}"),
        }

        // The next command gets its own answer, on another tag.
        thread::sleep(Duration::from_millis(50));
        let m2 = 0x200 + round;
        let answerer = thread::spawn(move || {
            let mut buf = [0u8; 256];
            let deadline = l.now() + Duration::from_secs(5);
            let (len, peer) = l.recv_request(&mut buf, Some(deadline)).expect("request");
            l.send_response(&peer, &[&echo(&buf[..len])])
                .expect("answer");
            (l, peer.tag)
        });
        let policy = quick.with_timeout(Duration::from_secs(5));
        let n = run_exchange(&mut t, policy, EXPECT_MI, &[&request(m2)], &mut buf)
            .expect("the next command");
        assert_eq!(marker(&buf[..n]), m2, "the late answer was taken");
        let (back, next_tag) = answerer.join().unwrap();
        assert_ne!(
            next_tag, timed_out_tag,
            "the next request went out on another tag"
        );
        l = back;
    }
    // The late answers were discarded (queued ones by the renewal, any later one by the
    // kernel, which no longer knows the old tag).
    assert_eq!(t.dropped().wrong_tag, 0, "{:?}", t.dropped());
}

#[test]
fn a_late_response_is_not_taken_when_its_tag_value_comes_back() {
    let Some(_g) = setup() else { return };
    let mut l = listener();
    let mut t = MctpTransport::new(PEER).expect("transport");
    let quick = Policy::write().with_timeout(Duration::from_millis(200));
    let mut buf = [0u8; 256];

    // The engine gives up on a command (a deadline shorter than the transfer); its answer is
    // still on the way when the next commands go out.
    let e = run_exchange(&mut t, quick, EXPECT_MI, &[&request(0x300)], &mut buf).unwrap_err();
    assert!(matches!(e, RequestError::Timeout { .. }), "{e:?}");
    let deadline = l.now() + Duration::from_secs(5);
    let (len, late_peer) = l.recv_request(&mut buf, Some(deadline)).expect("request");
    let late = echo(&buf[..len]);

    // Each later command releases its tag when it completes, and the kernel hands out the
    // lowest free tag value: whenever one goes out on the abandoned command's tag value, the
    // late answer arrives just before its own, and must not be taken for it.
    let mut late_sent = false;
    for m in 0x400..0x408u32 {
        let late = late.clone();
        let answerer = thread::spawn(move || {
            let mut buf = [0u8; 256];
            let deadline = l.now() + Duration::from_secs(5);
            let (len, peer) = l.recv_request(&mut buf, Some(deadline)).expect("request");
            let reused = peer.tag == late_peer.tag;
            if reused && !late_sent {
                // The kernel knows the tag value again: the late answer is delivered.
                l.send_response(&late_peer, &[&late])
                    .expect("late response");
            }
            l.send_response(&peer, &[&echo(&buf[..len])])
                .expect("answer");
            (l, reused)
        });
        let policy = quick.with_timeout(Duration::from_secs(5));
        let n = run_exchange(&mut t, policy, EXPECT_MI, &[&request(m)], &mut buf)
            .expect("the next command");
        assert_eq!(marker(&buf[..n]), m, "the late answer was taken");
        let (back, reused) = answerer.join().unwrap();
        l = back;
        late_sent |= reused;
    }
    if !late_sent {
        // No command went out on that tag value: the late answer comes now and is dropped.
        let _ = l.send_response(&late_peer, &[&late]);
    }
}

#[test]
fn more_processing_required_outlives_the_kernels_key_lifetime() {
    let Some(_g) = setup() else { return };
    // MPRT = 100 (10 s); the final response comes 7 s later, past the 6 s after which the
    // kernel expires a tag it allocated itself (MCTP_KEY_LIFETIME).
    let server = serve(listener(), 2, |l, peer, req| {
        if marker(req) == 1 {
            l.send_response(peer, &[&response(req, 0x01, [0, 100, 0], &[])])
                .expect("send MPR");
            thread::sleep(Duration::from_secs(7));
        }
        l.send_response(peer, &[&echo(req)]).expect("send final");
    });
    let mut t = MctpTransport::new(PEER).expect("transport");
    let mut buf = [0u8; 256];
    let start = StdInstant::now();
    let n = run_exchange(&mut t, Policy::write(), EXPECT_MI, &[&request(1)], &mut buf)
        .expect("the final response");
    assert!(start.elapsed() >= Duration::from_secs(7));
    assert_eq!(marker(&buf[..n]), 1);
    assert_eq!(buf[4], 0, "the final response, not the MPR");
    // The kept tag carries the next command.
    let n = run_exchange(&mut t, Policy::write(), EXPECT_MI, &[&request(2)], &mut buf)
        .expect("the next command");
    assert_eq!(marker(&buf[..n]), 2);
    assert_eq!(t.dropped().total(), 0);
    server.join().unwrap();
}

#[test]
fn several_requesters_and_endpoints_at_once_leak_no_tag() {
    let Some(_g) = setup() else { return };
    // Endpoint A (EID 8) leaves the first transmission of every third command unanswered
    // (its retry is answered); endpoint B (EID 9, a second local EID, bound by a listener
    // that never answers) is silent.
    netlink::ensure_local_eid("lo", Eid(9)).expect("local EID 9 on lo");
    let silent_peer = MctpAddr::new(1, Eid(9));
    let stop = Arc::new(AtomicBool::new(false));
    let seen = std::sync::Mutex::new(std::collections::HashSet::new());
    let server = serve_until(listener(), stop.clone(), move |l, peer, req| {
        let m = marker(req);
        let first = seen.lock().unwrap().insert(m);
        if !(first && m % 3 == 2) {
            l.send_response(peer, &[&echo(req)]).expect("send response");
        }
    });
    let _silent = MctpListener::bind(1, Some(Eid(9))).expect("silent listener on EID 9");

    const EACH: usize = 3;
    const COMMANDS: u32 = 6;
    let barrier = Arc::new(std::sync::Barrier::new(2 * EACH));
    let threads: Vec<_> = (0..2 * EACH)
        .map(|i| {
            let barrier = barrier.clone();
            thread::spawn(move || {
                let silent = i % 2 == 1;
                let peer = if silent { silent_peer } else { PEER };
                let mut t = MctpTransport::new(peer).expect("transport");
                t.set_keep_tag(i % 4 < 2);
                let mut buf = [0u8; 256];
                let policy = Policy::read().with_timeout(Duration::from_millis(200));
                barrier.wait();
                for c in 0..COMMANDS {
                    let m = ((i as u32) << 8) | c;
                    let r = run_exchange(&mut t, policy, EXPECT_MI, &[&request(m)], &mut buf);
                    match (silent, r) {
                        (false, Ok(n)) => assert_eq!(marker(&buf[..n]), m),
                        (true, Err(RequestError::Timeout { attempts: 3, .. })) => {}
                        (_, r) => panic!("requester {i}, command {c}: {r:?}"),
                    }
                }
                t
            })
        })
        .collect();
    let transports: Vec<MctpTransport> = threads.into_iter().map(|t| t.join().unwrap()).collect();
    // However many tags they renewed, the transports to A hold one each if they keep it and
    // none otherwise; those to B one each (renewed after the last timeout).
    let kept_a = transports
        .iter()
        .filter(|t| t.peer() == PEER && t.keeps_tag())
        .count();
    assert!(kept_a > 0 && kept_a < EACH, "{kept_a}");
    assert_eq!(free_tags(PEER), 8 - kept_a);
    assert_eq!(free_tags(silent_peer), 8 - EACH);
    assert!(transports.iter().all(|t| t.tag_drop_failures() == 0));
    drop(transports);
    assert_eq!(free_tags(PEER), 8);
    assert_eq!(free_tags(silent_peer), 8);
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
}
