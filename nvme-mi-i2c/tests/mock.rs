//! Byte-exact bus traffic with `embedded-hal-mock` transaction scripts: the conformance
//! vectors are written exactly as `i2c.write(addr, frame[1..])`.

use std::cell::RefCell;
use std::collections::VecDeque;

use embedded_hal::i2c::{ErrorKind as I2cErrorKind, NoAcknowledgeSource};
use embedded_hal_mock::eh1::i2c::{Mock, Transaction};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{Error as _, ErrorKind, EventSource, Transport};
use nvme_mi_i2c::{
    read_identification, read_status, BasicMgmtError, Bus, Clock, Error, FrameQueue, I2cTransport,
    RetryPolicy, TargetReceiver,
};

fn vector(name: &str) -> Vec<u8> {
    let text = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../tests/vectors/vectors.json"
    ))
    .expect("tests/vectors/vectors.json");
    let at = text.find(&format!("\"name\": \"{name}\"")).expect("vector");
    let rest = &text[at..];
    let h = rest.find("\"hex\": \"").expect("hex") + 8;
    let end = rest[h..].find('"').unwrap() + h;
    rest[h..end]
        .split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// `frame` (a whole single-packet request frame) with another tag, PEC recomputed.
fn with_tag(frame: &[u8], tag: u8) -> Vec<u8> {
    let mut f = frame.to_vec();
    f[7] = (f[7] & !7) | tag;
    let last = f.len() - 1;
    f[last] = nvme_mi_core::mctp::pec::pec(&f[..last]);
    f
}

/// Frames scripted to arrive on our target address.
#[derive(Default)]
struct Script(VecDeque<Vec<u8>>);

impl TargetReceiver for Script {
    fn poll_frame(&mut self, buf: &mut [u8]) -> Option<usize> {
        let f = self.0.pop_front()?;
        buf[..f.len()].copy_from_slice(&f);
        Some(f.len())
    }
}

/// A clock that moves 1 ms each time it is read.
#[derive(Default)]
struct Ticks(u64);

impl Clock for Ticks {
    fn now(&mut self) -> Instant {
        self.0 += 1;
        Instant(self.0)
    }
}

type MockBus = RefCell<Bus<Mock, Script, Ticks>>;

fn bus(expect: &[Transaction], rx: &[Vec<u8>]) -> MockBus {
    RefCell::new(Bus::new(
        Mock::new(expect),
        Script(rx.iter().cloned().collect()),
        Ticks::default(),
        0x10,
        Eid(8),
    ))
}

fn done(b: MockBus) {
    let (Some(mut i2c), _, _) = b.into_inner().into_parts() else {
        panic!("controller")
    };
    i2c.done();
}

#[test]
fn health_poll_frames_are_the_vectors() {
    let req = vector("smbus-health-poll-req");
    let resp = vector("smbus-health-poll-resp");
    let b = bus(
        &[Transaction::write(0x1d, req[1..].to_vec())],
        &[resp[1..].to_vec()],
    );
    {
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        let mut ep = Endpoint::new(&mut tr, [0u8; 4224]);
        let r = ep
            .mi_command(&SubsystemHealthStatusPollRequest {
                clear_status: false,
            })
            .unwrap();
        assert_eq!(
            (r.health.nss, r.health.sw, r.health.ctemp, r.health.pdlu),
            (0x38, 0xff, 0x25, 3)
        );
        assert_eq!(r.health.ccs.get(), 1);
    }
    assert_eq!(b.borrow().tags_in_use(Eid(9)), 0);
    assert_eq!(b.borrow().stats().frames_sent, 1);
    done(b);
}

#[test]
fn two_packet_request_is_the_vectors() {
    let p1 = vector("smbus-identify-packet-1");
    let p2 = vector("smbus-identify-packet-2");
    let hp = vector("smbus-health-poll-req");
    // The message is the two packets' payloads; tag 2 is the third tag handed out.
    let mut msg = p1[8..p1.len() - 1].to_vec();
    msg.extend_from_slice(&p2[8..p2.len() - 1]);
    assert_eq!(msg.len(), 72);
    let hp_tag1 = with_tag(&hp, 1);
    let b = bus(
        &[
            Transaction::write(0x1d, hp[1..].to_vec()),
            Transaction::write(0x1d, hp_tag1[1..].to_vec()),
            Transaction::write(0x1d, p1[1..].to_vec()),
            Transaction::write(0x1d, p2[1..].to_vec()),
        ],
        &[],
    );
    {
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        let poll = &hp[8..hp.len() - 1];
        tr.send_request(&[poll]).unwrap();
        tr.send_request(&[&poll[..4], &poll[4..]]).unwrap();
        tr.send_request(&[&msg[..10], &msg[10..]]).unwrap();
        assert_eq!(tr.tag().map(|t| t.value()), Some(2));
        tr.end_exchange();
    }
    done(b);
}

#[test]
fn nack_retries_then_unreachable_and_arbitration_retry() {
    let req = vector("smbus-health-poll-req");
    let nack = I2cErrorKind::NoAcknowledge(NoAcknowledgeSource::Address);
    // Tags go round: 0 for the first exchange, 1 and 2 for the next ones.
    let w = |tag| Transaction::write(0x1d, with_tag(&req, tag)[1..].to_vec());
    let b = bus(
        &[
            w(0).with_error(nack),
            w(0).with_error(nack),
            w(0).with_error(nack),
            w(1).with_error(I2cErrorKind::ArbitrationLoss),
            w(1),
            w(2).with_error(I2cErrorKind::Bus),
        ],
        &[],
    );
    {
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        let m = &req[8..req.len() - 1];
        let e = tr.send_request(&[m]).unwrap_err();
        assert_eq!(e, Error::Nack(nack));
        assert_eq!(e.kind(), ErrorKind::Unreachable);
        assert_eq!(tr.tag(), None);
        tr.send_request(&[m]).unwrap();
        tr.end_exchange();
        b.borrow_mut().set_retry_policy(RetryPolicy {
            nack_retries: 0,
            arbitration_retries: 0,
            ..RetryPolicy::default()
        });
        let e = tr.send_request(&[m]).unwrap_err();
        assert_eq!(e, Error::Bus(I2cErrorKind::Bus));
        assert_eq!(e.kind(), ErrorKind::Bus);
    }
    let st = b.borrow().stats();
    assert_eq!((st.nacks, st.arbitration_losses, st.bus_errors), (3, 1, 1));
    assert_eq!(st.write_attempts, 6);
    done(b);
}

#[test]
fn receive_path_drops_bad_frames_and_keeps_events() {
    let req = vector("smbus-health-poll-req");
    let resp = vector("smbus-health-poll-resp");
    let mut bad_pec = resp[1..].to_vec();
    *bad_pec.last_mut().unwrap() ^= 1;
    // An unsolicited NVMe-MI request (TO set, drive's tag 5) from the drive: an AEM.
    let aem_msg = [0x84u8, 0x28, 0, 0, 1, 2, 3, 4];
    let mut aem = vec![0u8; 32];
    let n = nvme_mi_core::mctp::smbus::emit(
        0x10,
        0x1d,
        &[&[0x01, 0x08, 0x09, 0xcd][..], &aem_msg[..]].concat(),
        &mut aem,
    )
    .unwrap();
    let b = bus(
        &[Transaction::write(0x1d, req[1..].to_vec())],
        &[
            bad_pec,
            vec![0x0f, 0x02],
            aem[1..n].to_vec(),
            resp[1..].to_vec(),
        ],
    );
    {
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        tr.send_request(&[&req[8..req.len() - 1]]).unwrap();
        let mut buf = [0u8; 64];
        let n = tr.recv_response(&mut buf, Instant(1000)).unwrap();
        assert_eq!(&buf[..n], &resp[8..resp.len() - 1]);
        tr.end_exchange();
        let n = tr.recv_unsolicited(&mut buf, Instant(2000)).unwrap();
        assert_eq!(&buf[..n], &aem_msg);
        let now = tr.now();
        assert_eq!(
            tr.recv_unsolicited(&mut buf, now + core::time::Duration::from_millis(5)),
            Err(Error::Timeout)
        );
    }
    let st = b.borrow().stats();
    assert_eq!(
        (st.pec_errors, st.bad_frames, st.frames_received),
        (1, 1, 4)
    );
    done(b);
}

#[test]
fn small_buffer_is_reported() {
    let req = vector("smbus-health-poll-req");
    let resp = vector("smbus-health-poll-resp");
    let b = bus(
        &[Transaction::write(0x1d, req[1..].to_vec())],
        &[resp[1..].to_vec()],
    );
    {
        let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
        tr.send_request(&[&req[8..req.len() - 1]]).unwrap();
        let mut buf = [0u8; 8];
        assert_eq!(
            tr.recv_response(&mut buf, Instant(100)),
            Err(Error::BufferTooSmall)
        );
    }
    done(b);
}

fn padded(bytes: &[u8]) -> Vec<u8> {
    let mut v = bytes.to_vec();
    v.resize(nvme_mi_i2c::MAX_READ_LEN, 0xff);
    v
}

#[test]
fn basic_management_block_reads() {
    // Digest G.2: status 06 B8 FF 25 03 00 00, PEC 0x3A.
    let status = [0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00, 0x3a];
    let mut bad = status;
    bad[7] ^= 0x10;
    let mut ident = vec![22u8, 0xff, 0xfe];
    ident.extend_from_slice(b"SIM0123456789       ");
    let bm = nvme_mi_core::basic_mgmt::BlockRead::new(0x6a, 8);
    ident.push(bm.pec(&ident));
    let mut i2c = Mock::new(&[
        Transaction::write_read(0x6a, vec![0], padded(&status)),
        Transaction::write_read(0x6a, vec![8], padded(&ident)),
        Transaction::write_read(0x6a, vec![0], padded(&bad)),
        Transaction::write_read(0x6a, vec![0], padded(&[40, 1, 2])),
        Transaction::write_read(0x6a, vec![0], padded(&[2, 1, 2, 0]))
            .with_error(I2cErrorKind::NoAcknowledge(NoAcknowledgeSource::Address)),
    ]);
    let s = read_status(&mut i2c, 0x6a).unwrap();
    assert_eq!(s.pdlu, 3);
    assert!(s.flags.drive_functional());
    let id = read_identification(&mut i2c, 0x6a).unwrap();
    assert_eq!((id.vendor_id, id.serial()), (0xfffe, "SIM0123456789"));
    assert!(matches!(
        read_status(&mut i2c, 0x6a),
        Err(BasicMgmtError::PecMismatch {
            received: 0x2a,
            computed: 0x3a
        })
    ));
    assert_eq!(
        read_status(&mut i2c, 0x6a),
        Err(BasicMgmtError::BadLength(40))
    );
    assert!(matches!(
        read_status(&mut i2c, 0x6a),
        Err(BasicMgmtError::Bus(_))
    ));
    i2c.done();
}

#[test]
fn frame_queue_feeds_the_transport() {
    let req = vector("smbus-health-poll-req");
    let resp = vector("smbus-health-poll-resp");
    let b = RefCell::new(Bus::new(
        Mock::new(&[Transaction::write(0x1d, req[1..].to_vec())]),
        FrameQueue::<2>::new(),
        Ticks::default(),
        0x10,
        Eid(8),
    ));
    let mut tr = I2cTransport::new(&b, 0x1d, Eid(9));
    tr.send_request(&[&req[8..req.len() - 1]]).unwrap();
    {
        // The I2C target interrupt handler: bytes after our address, then the stop.
        let mut bus = b.borrow_mut();
        let q = bus.receiver_mut();
        for &byte in &resp[1..] {
            q.feed_byte(byte);
        }
        q.end_of_frame();
    }
    let mut buf = [0u8; 64];
    let n = tr.recv_response(&mut buf, Instant(100)).unwrap();
    assert_eq!(n, resp.len() - 9);
    tr.end_exchange();
    let (Some(mut i2c), q, _) = b.into_inner().into_parts() else {
        panic!("controller")
    };
    assert_eq!(q.stats().frames, 1);
    i2c.done();
}
