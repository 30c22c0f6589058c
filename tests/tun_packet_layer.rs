//! The core's MCTP packet layer against the Linux kernel's, in the UML rig: a tun interface
//! whose other end is this test, holding the core's [`Fragmenter`] and [`Reassembler`] (an
//! MCTP endpoint behind the real kernel stack). Each case is one row below; the last column
//! names the clauses of DSP0236 1.3.3 (MCTP Base Specification) it checks. Run under
//! `scripts/test-tun-uml.sh` (skipped on a kernel without `AF_MCTP` outside the rig).
//!
//! | case | direction | what must happen | DSP0236 1.3.3 |
//! |---|---|---|---|
//! | 4 KiB at route MTU 68, 128, 254 | kernel → core | the kernel fragments (64, 124, 250-byte payloads), the core reassembles the exact bytes | §8.4 packet payload and transmission unit sizes, §8.6 message assembly |
//! | 4 KiB at TU 64, 124, 250 | core → kernel | the core fragments, the kernel reassembles the exact bytes (the response on the kernel's tag) | §8.4, §8.6; §8.2 Table 1 (TO clear and the requester's tag on a response) |
//! | two sources, two tags, interleaved | core → kernel | packets of two requests from EIDs 30 and 31 alternate; both arrive whole | §8.6 (message tag, TO and source EID identify a message) |
//! | two kernel senders at once | kernel → core | two sockets on two threads each send 4 KiB to EID 30 at MTU 68; the kernel's 128 packets (two tags) reassemble into both messages in the order the kernel sent them, and again with the two tags' packets alternating | §8.6 |
//! | one packet lost | core → kernel | the kernel drops the message (no delivery); the next message arrives | §8.9 out-of-sequence packet |
//! | two packets swapped | core → kernel | the kernel drops the message; the next message arrives | §8.9; §8.14 (no out-of-order packets) |
//! | one packet lost | kernel → core | the core's reassembler drops the message: `OutOfSequence` | §8.9 |
//! | two packets swapped | kernel → core | `OutOfSequence`, no message completes | §8.9, §8.14 |
//! | simulated drive behind the tun interface | both | Debian's nvme-cli (`nvme id-ctrl mctp:1,30`) and the project's requester (health poll, Identify Controller) get the drive's answers through the kernel's packetisation at MTU 68; Debian's tcpdump captures them (`-i any`) and `nvme-mi decode --summary` reads the capture | §8.4, §8.6 |
#![cfg(target_os = "linux")]

use std::fs::File;
use std::io::{Read, Write};
use std::os::fd::OwnedFd;
use std::sync::mpsc::{channel, Receiver};
use std::time::{Duration, Instant as StdInstant};

use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::{Packet, PacketRepr};
use nvme_mi_core::mctp::reassemble::{DropReason, Reassembler};
use nvme_mi_core::mctp::{Eid, Tag};
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::responder::{Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{Error as _, ErrorKind, ResponderTransport, Transport};
use nvme_mi_linux::{netlink, MctpAddr, MctpListener, MctpSocket, MctpTransport, MCTP_NET_ANY};
use tun::tun_open;

#[path = "../nvme-mi-linux/tests/support/tun.rs"]
mod tun;
use nvme_mi_sim::Sim;

/// The kernel's EID on the tun interface.
const KERNEL_EID: Eid = Eid(20);
/// The endpoints behind the tun interface (the core's side).
const CORE_EID: Eid = Eid(30);
const CORE_EID2: Eid = Eid(31);
const ETH_P_MCTP: [u8; 2] = [0x00, 0xfa];
/// NVMe-MI message type (the kernel does not look inside).
const TYPE: u8 = 0x04;

/// The tun interface and the packets the kernel sends on it.
struct Wire {
    tx: File,
    rx: Receiver<Vec<u8>>,
    idx: u32,
    nl: netlink::Netlink,
}

impl Wire {
    fn open() -> Option<Wire> {
        match MctpSocket::new() {
            Ok(_) => {}
            Err(e) if e.is_mctp_unsupported() && std::env::var_os("NVME_MI_UML").is_none() => {
                eprintln!("skipped: {e}; run under scripts/test-tun-uml.sh");
                return None;
            }
            Err(e) => panic!("AF_MCTP socket: {e}"),
        }
        let (fd, name): (OwnedFd, String) = tun_open("mctptun1").expect("tun device");
        let idx = netlink::ifindex(&name).expect("tun index");
        let mut nl = netlink::Netlink::open().expect("netlink");
        nl.link_up(idx).expect("tun up");
        nl.add_addr(idx, KERNEL_EID).expect("kernel EID on tun");
        let tx = File::from(fd);
        let mut reader = tx.try_clone().expect("tun fd");
        let (send, rx) = channel();
        std::thread::spawn(move || {
            let mut buf = [0u8; 2048];
            while let Ok(n) = reader.read(&mut buf) {
                // MCTP only (the kernel may send other chatter on a tun device).
                if n >= 8 && buf[2..4] == ETH_P_MCTP && send.send(buf[4..n].to_vec()).is_err() {
                    break;
                }
            }
        });
        Some(Wire { tx, rx, idx, nl })
    }

    /// Route the core's EIDs through the tun interface with this MTU (header included).
    fn route(&mut self, mtu: u32) {
        let _ = self.nl.del_route(self.idx, CORE_EID, 1);
        self.nl
            .add_route(self.idx, CORE_EID, 1, Some(mtu))
            .expect("route to the core's EIDs");
    }

    /// Write one MCTP packet as if it arrived on the wire.
    fn inject(&mut self, packet: &[u8]) {
        let mut f = vec![0, 0, ETH_P_MCTP[0], ETH_P_MCTP[1]];
        f.extend_from_slice(packet);
        self.tx.write_all(&f).expect("tun write");
    }

    /// The packets the kernel sends until one has EOM (or `within` passes).
    fn capture_message(&self, within: Duration) -> Vec<Vec<u8>> {
        self.capture_messages(1, within)
    }

    /// The packets the kernel sends until `messages` of them have had EOM.
    fn capture_messages(&self, messages: usize, within: Duration) -> Vec<Vec<u8>> {
        let end = StdInstant::now() + within;
        let mut out = Vec::new();
        let mut left_to_end = messages;
        loop {
            let left = end.saturating_duration_since(StdInstant::now());
            let p = self
                .rx
                .recv_timeout(left)
                .expect("the kernel sent nothing more");
            let eom = PacketRepr::parse(&Packet::new_checked(&p[..]).expect("an MCTP packet"))
                .expect("an MCTP header")
                .eom;
            out.push(p);
            if eom {
                left_to_end -= 1;
                if left_to_end == 0 {
                    return out;
                }
            }
        }
    }
}

/// The packets of `msg` to the kernel, as the core's fragmenter makes them.
fn fragments(msg: &[u8], src: Eid, to: bool, tag: u8, tu: usize) -> Vec<Vec<u8>> {
    fragments_to(msg, KERNEL_EID, src, to, tag, tu)
}

fn fragments_to(msg: &[u8], dest: Eid, src: Eid, to: bool, tag: u8, tu: usize) -> Vec<Vec<u8>> {
    let hdr = PacketRepr {
        dest,
        src,
        som: true,
        eom: false,
        seq: 0,
        tag_owner: to,
        tag: Tag::from_bits(tag),
    };
    let parts = [msg];
    let mut f = Fragmenter::new(&parts, hdr, tu).expect("fragmenter");
    let mut out = Vec::new();
    let mut buf = [0u8; 4 + 250];
    while let Some(r) = f.next(&mut buf) {
        out.push(buf[..r.expect("packet")].to_vec());
    }
    out
}

/// A recognisable message of `len` bytes, type byte first.
fn message(len: usize, seed: u8) -> Vec<u8> {
    let mut m: Vec<u8> = (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect();
    m[0] = TYPE;
    m
}

/// Feed `packets` to a fresh core reassembler (two contexts); the messages that complete, in
/// order, and the drops.
fn reassemble(packets: &[Vec<u8>]) -> (Vec<Vec<u8>>, Vec<DropReason>) {
    let mut r: Box<Reassembler<2, 8192>> = Box::default();
    let (mut msgs, mut drops) = (Vec::new(), Vec::new());
    for p in packets {
        match r.receive(p, Instant::ZERO) {
            Ok(Some(m)) => msgs.push(m.message().to_vec()),
            Ok(None) => {}
            Err(d) => drops.push(d),
        }
    }
    (msgs, drops)
}

/// The message tag of a packet the kernel sent.
fn tag_of(p: &[u8]) -> Tag {
    PacketRepr::parse(&Packet::new_checked(p).expect("an MCTP packet"))
        .expect("an MCTP header")
        .tag
}

#[test]
fn packet_layer_against_the_kernel() {
    let Some(mut wire) = Wire::open() else { return };
    let mut listener = MctpListener::bind(MCTP_NET_ANY, None).expect("listener");
    let mut rows = Vec::new();

    // Kernel fragments, core reassembles; core fragments the answer, kernel reassembles.
    for (mtu, tu) in [(68u32, 64usize), (128, 124), (254, 250)] {
        wire.route(mtu);
        let mut t = MctpTransport::new(MctpAddr::new(1, CORE_EID)).expect("transport");
        let req = message(4096, mtu as u8);
        t.send_request(&[&req]).expect("send 4 KiB");
        let packets = wire.capture_message(Duration::from_secs(5));
        let payload = tu.min(mtu as usize - 4);
        assert_eq!(packets.len(), 4096usize.div_ceil(payload), "MTU {mtu}");
        assert!(packets[..packets.len() - 1]
            .iter()
            .all(|p| p.len() == mtu as usize));
        let (got, drops) = reassemble(&packets);
        assert_eq!(
            got,
            std::slice::from_ref(&req),
            "MTU {mtu}: core reassembly"
        );
        assert!(drops.is_empty());
        rows.push(format!(
            "kernel -> core, 4096 B at MTU {mtu}: {} packets, reassembled",
            packets.len()
        ));
        // The answer on the kernel's tag, TO clear.
        let tag = tag_of(&packets[0]).value();
        let resp = message(4096, !(mtu as u8));
        for p in fragments(&resp, CORE_EID, false, tag, tu) {
            wire.inject(&p);
        }
        let mut buf = vec![0u8; 8192];
        let deadline = t.now() + Duration::from_secs(5);
        let n = t
            .recv_response(&mut buf, deadline)
            .expect("kernel reassembly");
        assert_eq!(&buf[..n], &resp[..], "TU {tu}: kernel reassembly");
        t.end_exchange();
        rows.push(format!("core -> kernel, 4096 B at TU {tu}: reassembled"));
    }

    // Two kernel senders at once: two sockets, each on its own thread, send 4 KiB to the
    // core's EID together; the kernel gives each its own tag. The core's reassembler gets the
    // packets in the order the kernel sent them, then with the two tags alternating (so that
    // both contexts are open at once whatever the kernel's order).
    wire.route(68);
    let sent = [message(4096, 0xa5), message(4096, 0x5a)];
    let start = std::sync::Arc::new(std::sync::Barrier::new(2));
    let senders: Vec<_> = sent
        .iter()
        .cloned()
        .map(|m| {
            let start = start.clone();
            std::thread::spawn(move || {
                let mut t = MctpTransport::new(MctpAddr::new(1, CORE_EID)).expect("transport");
                start.wait();
                t.send_request(&[&m]).expect("send 4 KiB");
                t
            })
        })
        .collect();
    let packets = wire.capture_messages(2, Duration::from_secs(10));
    let mut transports: Vec<MctpTransport> = senders
        .into_iter()
        .map(|h| h.join().expect("sender"))
        .collect();
    assert_eq!(packets.len(), 2 * 64);
    let tags: Vec<Tag> = packets.iter().map(|p| tag_of(p)).collect();
    assert_ne!(tags[0], tags[tags.len() - 1], "one tag per sender");
    let switches = tags.windows(2).filter(|w| w[0] != w[1]).count();
    let (mut a, mut b): (Vec<Vec<u8>>, Vec<Vec<u8>>) =
        packets.iter().cloned().partition(|p| tag_of(p) == tags[0]);
    let mut alternating = Vec::new();
    while !a.is_empty() || !b.is_empty() {
        for side in [&mut a, &mut b] {
            if !side.is_empty() {
                alternating.push(side.remove(0));
            }
        }
    }
    for (order, what) in [(&packets, "kernel order"), (&alternating, "alternating")] {
        let (mut got, drops) = reassemble(order);
        got.sort();
        let mut want = sent.to_vec();
        want.sort();
        assert_eq!(got, want, "two senders, {what}");
        assert!(drops.is_empty(), "two senders, {what}: {drops:?}");
    }
    for t in &mut transports {
        t.end_exchange();
    }
    rows.push(format!(
        "kernel -> core, 2 senders x 4096 B at once: 128 packets, {switches} tag switches in the kernel's order; both reassembled, and again alternating"
    ));

    // Two sources, two tags, packets interleaved: both requests arrive whole.
    wire.route(68);
    let a = message(1000, 1);
    let b = message(700, 2);
    let (fa, fb) = (
        fragments(&a, CORE_EID, true, 1, 64),
        fragments(&b, CORE_EID2, true, 2, 64),
    );
    for i in 0..fa.len().max(fb.len()) {
        for f in [&fa, &fb] {
            if let Some(p) = f.get(i) {
                wire.inject(p);
            }
        }
    }
    let mut got = Vec::new();
    let mut buf = vec![0u8; 8192];
    for _ in 0..2 {
        let deadline = listener.now() + Duration::from_secs(5);
        let (n, peer) = listener
            .recv_request(&mut buf, Some(deadline))
            .expect("interleaved");
        got.push((peer.addr.eid, peer.tag, buf[..n].to_vec()));
    }
    got.sort_by_key(|g| g.0 .0);
    assert_eq!(got[0], (CORE_EID, 1, a.clone()));
    assert_eq!(got[1], (CORE_EID2, 2, b.clone()));
    rows.push("core -> kernel, 2 sources x 2 tags interleaved: both whole".into());

    // A lost or swapped packet: the kernel drops the message; the next one arrives.
    for (name, order) in [("lost", vec![0, 1, 3, 4]), ("swapped", vec![0, 2, 1, 3, 4])] {
        let m = message(300, 3);
        let f = fragments(&m, CORE_EID, true, 4, 64);
        assert_eq!(f.len(), 5);
        for &i in &order {
            wire.inject(&f[i]);
        }
        let deadline = listener.now() + Duration::from_millis(300);
        let r = listener.recv_request(&mut buf, Some(deadline));
        assert_eq!(
            r.err().map(|e| e.kind()),
            Some(ErrorKind::Timeout),
            "{name}: delivered"
        );
        let good = message(300, 4);
        for p in fragments(&good, CORE_EID, true, 5, 64) {
            wire.inject(&p);
        }
        let deadline = listener.now() + Duration::from_secs(5);
        let (n, _) = listener
            .recv_request(&mut buf, Some(deadline))
            .expect("next message");
        assert_eq!(&buf[..n], &good[..]);
        rows.push(format!(
            "core -> kernel, one packet {name}: kernel drops it, next arrives"
        ));
    }

    // The kernel's packets lost or swapped on the way to the core.
    for (name, order) in [
        ("lost", vec![0usize, 1, 3, 4]),
        ("swapped", vec![0, 2, 1, 3, 4]),
    ] {
        let mut t = MctpTransport::new(MctpAddr::new(1, CORE_EID)).expect("transport");
        t.send_request(&[&message(300, 5)]).expect("send");
        let packets = wire.capture_message(Duration::from_secs(5));
        assert_eq!(packets.len(), 5);
        let picked: Vec<Vec<u8>> = order.iter().map(|&i| packets[i].clone()).collect();
        let (got, drops) = reassemble(&picked);
        assert!(got.is_empty(), "{name}: reassembled anyway");
        assert!(
            drops.contains(&DropReason::OutOfSequence),
            "{name}: {drops:?}"
        );
        t.end_exchange();
        rows.push(format!(
            "kernel -> core, one packet {name}: core drops it ({drops:?})"
        ));
    }

    // The simulated drive behind the tun interface, on the core alone (reassembler, the
    // responder engine, fragmenter at TU 64), answering through the kernel.
    let sim = Sim::new(77);
    let serial = sim.serial_number().to_owned();
    let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let drive = {
        let stop = stop.clone();
        std::thread::spawn(move || serve_drive(wire, sim, &stop))
    };
    let tcpdump = Tcpdump::start();
    let out = std::process::Command::new("nvme")
        .args(["id-ctrl", "mctp:1,30", "-o", "json"])
        .output()
        .expect("nvme-cli");
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "nvme id-ctrl: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(text.contains(&serial), "nvme-cli's sn: {text}");
    rows.push("nvme-cli id-ctrl mctp:1,30 -> simulated drive behind tun: serial matches".into());
    let t = MctpTransport::new(MctpAddr::new(1, CORE_EID)).expect("transport");
    let mut ep = Endpoint::new(t, vec![0u8; MAX_MESSAGE_LEN]);
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .expect("health poll");
    assert!((35..=45).contains(&h.health.ctemp));
    let r = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .expect("identify");
    assert_eq!(
        IdentifyController::read(r.data)
            .expect("identify data")
            .sn(),
        serial
    );
    rows.push("nvme-mi requester -> simulated drive behind tun: health, identify".into());
    rows.push(tcpdump.decoded());
    stop.store(true, std::sync::atomic::Ordering::SeqCst);
    let served = drive.join().expect("drive thread");
    assert!(served >= 4, "{served} requests served");
    for r in &rows {
        eprintln!("  {r}");
    }
}

/// A real capture by Debian's tcpdump of what crosses the tun interface, read back by
/// `nvme-mi decode`. On `any` (Linux cooked capture v2, the MCTP records among others): the
/// tun device is ARPHRD_NONE, and lo never shows MCTP at all (a message to a local EID is
/// delivered by the kernel's route without passing a device, so the served drive of the
/// other UML scripts cannot be captured).
struct Tcpdump {
    child: std::process::Child,
    /// Its standard error, past the "listening on" line: the counts it prints on exit.
    err: std::io::BufReader<std::process::ChildStderr>,
    file: std::path::PathBuf,
}

impl Tcpdump {
    /// Start capturing; returns once tcpdump says it listens. In immediate mode: otherwise
    /// libpcap hands packets over only when its ring's block is full or its timeout (1 s)
    /// passes, and a capture stopped sooner, as this one is on an idle machine, is empty.
    /// With a small snapshot length: in immediate mode libpcap's ring has one slot of
    /// snapshot length per packet, so with the default (262 144 bytes) its 2 MiB hold eight
    /// packets, and a burst of 65 (a 4 KiB Identify at TU 64) lost all but the first eight
    /// whenever tcpdump was not scheduled in between (seen in CI and in 1 of 6 UML runs).
    fn start() -> Tcpdump {
        use std::io::BufRead;
        let file = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("nvme-mi-tun.pcap");
        let mut child = std::process::Command::new("tcpdump")
            .args(["-i", "any", "--immediate-mode", "-s", "512", "-U", "-w"])
            .arg(&file)
            .stderr(std::process::Stdio::piped())
            .spawn()
            .expect("tcpdump (scripts/setup.sh installs it)");
        let mut err = std::io::BufReader::new(child.stderr.take().expect("tcpdump stderr"));
        let mut line = String::new();
        while err.read_line(&mut line).expect("tcpdump stderr") > 0
            && !line.contains("listening on")
        {
            line.clear();
        }
        assert!(line.contains("listening on"), "tcpdump did not start");
        Tcpdump { child, err, file }
    }

    /// Stop, and check that `nvme-mi decode --summary` finds the exchanges in the capture.
    fn decoded(mut self) -> String {
        std::thread::sleep(Duration::from_millis(500));
        // SIGTERM, so that tcpdump ends its file properly.
        let _ = std::process::Command::new("kill")
            .arg(self.child.id().to_string())
            .status();
        let _ = self.child.wait();
        let mut counts = String::new();
        let _ = std::io::Read::read_to_string(&mut self.err, &mut counts);
        assert!(
            counts.lines().any(|l| l == "0 packets dropped by kernel"),
            "tcpdump lost packets: {counts:?}"
        );
        let size = std::fs::metadata(&self.file).map(|m| m.len());
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_nvme-mi"))
            .args(["decode", "--summary", "-f"])
            .arg(&self.file)
            .output()
            .expect("nvme-mi decode");
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success(),
            "decode of {} ({size:?} bytes): {}\n{text}",
            self.file.display(),
            String::from_utf8_lossy(&out.stderr)
        );
        for what in ["NVM Subsystem Health Status Poll", "Identify"] {
            assert!(
                text.contains(what),
                "{what} not in the decoded capture:\n{text}"
            );
        }
        let _ = std::fs::remove_file(&self.file);
        format!(
            "tcpdump -i any while nvme-cli and nvme-mi ran: nvme-mi decode --summary reads it, {} lines",
            text.lines().count()
        )
    }
}

/// The simulated drive on the tun interface until `stop`: packets in, reassembled requests
/// to the responder engine, answers fragmented back. Returns how many requests it answered.
fn serve_drive(mut wire: Wire, sim: Sim, stop: &std::sync::atomic::AtomicBool) -> u32 {
    let start = StdInstant::now();
    let mut reasm: Box<Reassembler<2, MAX_MESSAGE_LEN>> = Box::default();
    reasm.set_local_eid(Some(CORE_EID));
    let mut engine: Responder<Sim, (Eid, u8)> = Responder::new(sim, CORE_EID);
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut served = 0;
    while !stop.load(std::sync::atomic::Ordering::SeqCst) {
        let now = Instant(start.elapsed().as_millis() as u64);
        let mut answers = Vec::new();
        if let Ok(p) = wire.rx.recv_timeout(Duration::from_millis(5)) {
            if let Ok(Some(m)) = reasm.receive(&p, now) {
                if m.tag_owner() {
                    let peer = (m.src(), m.tag().value());
                    let msg = m.message().to_vec();
                    if let Some(n) = engine.handle(&msg, &peer, now, &mut out) {
                        answers.push((peer, out[..n].to_vec()));
                    }
                }
            }
        }
        while let Some(o) = engine.poll(now, &mut out) {
            if let Outgoing::Response { to, len } = o {
                answers.push((to, out[..len].to_vec()));
            }
        }
        for ((eid, tag), msg) in answers {
            served += 1;
            for p in fragments_to(&msg, eid, CORE_EID, false, tag, 64) {
                wire.inject(&p);
            }
        }
    }
    served
}
