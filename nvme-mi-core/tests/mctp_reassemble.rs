//! Reassembly (DSP0236 §8.3, §8.8): vectors, interleaved streams, and every drop
//! reason with its counter.

use nvme_mi_core::mctp::fragment::{Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::{PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::reassemble::{DropReason, Reassembler, DEFAULT_TIMEOUT};
use nvme_mi_core::mctp::{Eid, MsgTypeIc, Tag, BASELINE_TU};
use nvme_mi_core::time::Instant;
use proptest::prelude::*;
use std::time::Duration;

mod mctp_common;
use mctp_common::{
    hex, packet_of_frame, GET_EID_REQ, GET_EID_RESP, HEALTH_POLL_REQ, HEALTH_POLL_RESP,
    IDENTIFY_PKT1, IDENTIFY_PKT2, IDENTIFY_REQ,
};

const MAX: usize = 4224;
type Nvme = Reassembler<4, MAX>;

fn pkt1() -> Vec<u8> {
    packet_of_frame(&hex(IDENTIFY_PKT1)).to_vec()
}

fn pkt2() -> Vec<u8> {
    packet_of_frame(&hex(IDENTIFY_PKT2)).to_vec()
}

fn header(src: u8, tag: u8, tag_owner: bool) -> PacketRepr {
    PacketRepr {
        dest: Eid(9),
        src: Eid(src),
        som: false,
        eom: false,
        seq: 0,
        tag_owner,
        tag: Tag::new(tag).unwrap(),
    }
}

/// The packets of `msg` at transmission unit `tu`.
fn packets(msg: &[u8], hdr: PacketRepr, tu: usize) -> Vec<Vec<u8>> {
    let parts: [&[u8]; 1] = [msg];
    let mut frag = Fragmenter::new(&parts, hdr, tu).unwrap();
    let mut out = [0u8; HEADER_LEN + MAX_TU_SMBUS];
    let mut v = Vec::new();
    while let Some(n) = frag.next(&mut out) {
        v.push(out[..n.unwrap()].to_vec());
    }
    v
}

fn message(len: usize, seed: u8) -> Vec<u8> {
    (0..len)
        .map(|i| (i as u8).wrapping_mul(31) ^ seed)
        .collect()
}

/// Feed every packet; return the messages delivered.
fn feed<const N: usize, const M: usize>(
    r: &mut Reassembler<N, M>,
    pkts: &[Vec<u8>],
    now: Instant,
) -> Vec<Vec<u8>> {
    let mut out = Vec::new();
    for p in pkts {
        if let Ok(Some(m)) = r.receive(p, now) {
            out.push(m.message().to_vec());
        }
    }
    out
}

#[test]
fn identify_vector_reassembles() {
    let mut r = Nvme::new();
    r.set_local_eid(Some(Eid(9)));
    assert_eq!(r.receive(&pkt1(), Instant(0)), Ok(None));
    let m = r.receive(&pkt2(), Instant(5)).unwrap().unwrap();
    assert_eq!(m.message(), &hex(IDENTIFY_REQ)[..]);
    assert_eq!(m.msg_type(), MsgTypeIc::NVME_MI);
    assert_eq!((m.src(), m.dest()), (Eid(8), Eid(9)));
    assert_eq!((m.tag(), m.tag_owner()), (Tag::new(2).unwrap(), true));
    assert_eq!(r.counters().total(), 0);
}

#[test]
fn single_packet_vectors_reassemble() {
    // (frame, source, destination, tag, tag owner, message type)
    let cases = [
        (HEALTH_POLL_REQ, 8, 9, 0, true, MsgTypeIc::NVME_MI),
        (HEALTH_POLL_RESP, 9, 8, 0, false, MsgTypeIc::NVME_MI),
        (GET_EID_REQ, 8, 0, 1, true, MsgTypeIc::CONTROL),
        (GET_EID_RESP, 9, 8, 1, false, MsgTypeIc::CONTROL),
    ];
    let mut r = Nvme::new();
    for (frame, src, dest, tag, to, ty) in cases {
        let frame = hex(frame);
        let packet = packet_of_frame(&frame);
        let m = r.receive(packet, Instant(0)).unwrap().unwrap();
        assert_eq!(m.message(), &packet[HEADER_LEN..]);
        assert_eq!((m.src(), m.dest()), (Eid(src), Eid(dest)));
        assert_eq!((m.tag(), m.tag_owner()), (Tag::new(tag).unwrap(), to));
        assert_eq!(m.msg_type(), ty);
    }
    assert_eq!(r.counters().total(), 0);
}

#[test]
fn out_of_sequence_drops_the_message() {
    let mut r = Nvme::new();
    let mut p = packets(&message(200, 1), header(8, 0, true), 64);
    p[1][3] ^= 0x30; // seq 1 -> 2
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&p[1], Instant(0)), Err(DropReason::OutOfSequence));
    assert_eq!(r.receive(&p[2], Instant(0)), Err(DropReason::NoStart));
    assert_eq!(r.receive(&p[3], Instant(0)), Err(DropReason::NoStart));
    assert_eq!(r.counters().out_of_sequence, 1);
    assert_eq!(r.counters().no_start, 2);
    assert_eq!(r.in_progress(), 0);
}

#[test]
fn missing_middle_packet() {
    let mut r = Nvme::new();
    let p = packets(&message(200, 2), header(8, 0, true), 64);
    let got = feed(
        &mut r,
        &[p[0].clone(), p[2].clone(), p[3].clone()],
        Instant::ZERO,
    );
    assert!(got.is_empty());
    assert_eq!(r.counters().get(DropReason::OutOfSequence), 1);
    assert_eq!(r.counters().get(DropReason::NoStart), 1);
}

#[test]
fn duplicated_packet() {
    let mut r = Nvme::new();
    let p = packets(&message(200, 3), header(8, 0, true), 64);
    let seq = [&p[0], &p[1], &p[1], &p[2], &p[3]].map(|v| v.clone());
    assert!(feed(&mut r, &seq, Instant::ZERO).is_empty());
    assert_eq!(r.counters().out_of_sequence, 1);
    assert_eq!(r.counters().no_start, 2);
}

#[test]
fn duplicated_last_packet_is_not_a_second_message() {
    let mut r = Nvme::new();
    let p = packets(&message(100, 3), header(8, 0, true), 64);
    let got = feed(
        &mut r,
        &[p[0].clone(), p[1].clone(), p[1].clone()],
        Instant::ZERO,
    );
    assert_eq!(got, vec![message(100, 3)]);
    assert_eq!(r.counters().no_start, 1);
}

#[test]
fn short_middle_packet() {
    let mut r = Nvme::new();
    let mut p = packets(&message(200, 4), header(8, 0, true), 64);
    p[1].pop();
    assert!(feed(&mut r, &p, Instant::ZERO).is_empty());
    assert_eq!(r.counters().bad_fragment_size, 1);
    assert_eq!(r.counters().no_start, 2);
}

#[test]
fn long_last_packet() {
    let mut r = Nvme::new();
    let mut p = packets(&message(100, 4), header(8, 0, true), 64);
    p[1].resize(HEADER_LEN + 65, 0);
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    assert_eq!(
        r.receive(&p[1], Instant(0)),
        Err(DropReason::BadFragmentSize)
    );
}

#[test]
fn oversize_message() {
    let mut r: Reassembler<1, 100> = Reassembler::new();
    let p = packets(&message(150, 5), header(8, 0, true), 64);
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&p[1], Instant(0)), Err(DropReason::TooLong));
    assert_eq!(r.receive(&p[2], Instant(0)), Err(DropReason::NoStart));
    assert_eq!(r.counters().too_long, 1);
    // A message of exactly the capacity fits.
    let p = packets(&message(100, 5), header(8, 0, true), 64);
    assert_eq!(feed(&mut r, &p, Instant::ZERO), vec![message(100, 5)]);
    // A single oversize first packet is dropped too.
    let mut small: Reassembler<1, 10> = Reassembler::new();
    assert_eq!(
        small.receive(
            &packets(&message(11, 5), header(8, 0, true), 64)[0],
            Instant::ZERO
        ),
        Err(DropReason::TooLong)
    );
}

#[test]
fn eom_without_som() {
    let mut r = Nvme::new();
    assert_eq!(r.receive(&pkt2(), Instant(0)), Err(DropReason::NoStart));
    assert_eq!(r.counters().no_start, 1);
}

#[test]
fn header_errors() {
    let mut r = Nvme::new();
    let good = pkt1();
    let mut bad = good.clone();
    bad[0] = 0x02;
    assert_eq!(r.receive(&bad, Instant(0)), Err(DropReason::BadVersion));
    let mut bad = good.clone();
    bad[2] = 0xff;
    assert_eq!(r.receive(&bad, Instant(0)), Err(DropReason::BadSourceEid));
    bad[2] = 0x03;
    assert_eq!(r.receive(&bad, Instant(0)), Err(DropReason::BadSourceEid));
    let mut bad = good.clone();
    bad[1] = 0x07;
    assert_eq!(
        r.receive(&bad, Instant(0)),
        Err(DropReason::BadDestinationEid)
    );
    let c = r.counters();
    assert_eq!(
        (c.bad_version, c.bad_source_eid, c.bad_destination_eid),
        (1, 2, 1)
    );
    assert_eq!(r.in_progress(), 0);
}

#[test]
fn header_error_does_not_disturb_open_message() {
    let mut r = Nvme::new();
    let p = packets(&message(100, 6), header(8, 0, true), 64);
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    let mut bad = p[1].clone();
    bad[0] = 0;
    assert_eq!(r.receive(&bad, Instant(0)), Err(DropReason::BadVersion));
    assert_eq!(
        r.receive(&p[1], Instant(0)).unwrap().unwrap().message(),
        &message(100, 6)[..]
    );
}

#[test]
fn every_prefix_of_a_packet() {
    // Every proper prefix of the first identify packet (SOM without EOM, one 64-byte TU) is
    // dropped: too short for a header, without payload, or a first packet cut short.
    let pkt = pkt1();
    for n in 0..pkt.len() {
        let mut r = Nvme::new();
        let got = r.receive(&pkt[..n], Instant(0));
        let expected = match n {
            0..HEADER_LEN => DropReason::Truncated,
            HEADER_LEN => DropReason::EmptyPayload,
            _ => DropReason::BadFragmentSize,
        };
        assert_eq!(got, Err(expected));
        assert_eq!(r.counters().get(expected), 1);
        assert_eq!(r.counters().total(), 1);
        assert_eq!(r.in_progress(), 0);
    }
    // Prefixes of the last packet, after a complete first packet: too short for a header, no
    // payload, or a shorter last packet, which MCTP cannot tell from a shorter message (the
    // MIC can: here the result is never the original message).
    let (first, last) = (pkt1(), pkt2());
    for n in 0..last.len() {
        let mut r = Nvme::new();
        assert_eq!(r.receive(&first, Instant(0)), Ok(None));
        match r.receive(&last[..n], Instant(0)) {
            Ok(Some(m)) => assert!(n > HEADER_LEN && m.message() != &hex(IDENTIFY_REQ)[..]),
            Err(DropReason::Truncated) => assert!(n < HEADER_LEN),
            Err(DropReason::EmptyPayload) => assert_eq!(n, HEADER_LEN),
            other => panic!("prefix {n}: {other:?}"),
        }
    }
}

#[test]
fn timeout_expiry() {
    let mut r = Nvme::new();
    assert_eq!(r.next_deadline(), None);
    let p = packets(&message(200, 7), header(8, 0, true), 64);
    assert_eq!(r.receive(&p[0], Instant(1000)), Ok(None));
    // Measured from the first packet: a later packet does not extend it.
    assert_eq!(r.receive(&p[1], Instant(6000)), Ok(None));
    let deadline = Instant(1000) + DEFAULT_TIMEOUT;
    assert_eq!(deadline, Instant(7000));
    assert_eq!(r.next_deadline(), Some(deadline));
    assert_eq!(r.poll(Instant(deadline.0 - 1)), 0);
    assert_eq!(r.poll(deadline), 1);
    assert_eq!(r.counters().expired, 1);
    assert_eq!(r.next_deadline(), None);
    assert_eq!(r.receive(&p[2], Instant(7001)), Err(DropReason::NoStart));

    // Expiry also runs on receive, and the timeout is configurable.
    r.set_timeout(Duration::from_millis(10));
    assert_eq!(r.timeout(), Duration::from_millis(10));
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&p[1], Instant(10)), Err(DropReason::NoStart));
    assert_eq!(r.counters().expired, 2);
}

#[test]
fn context_exhaustion() {
    let mut r: Reassembler<2, MAX> = Reassembler::new();
    let a = packets(&message(100, 8), header(8, 1, true), 64);
    let b = packets(&message(100, 9), header(10, 1, true), 64);
    let c = packets(&message(100, 10), header(8, 1, false), 64);
    assert_eq!(r.receive(&a[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&b[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&c[0], Instant(0)), Err(DropReason::NoFreeContext));
    assert_eq!(r.counters().no_free_context, 1);
    assert_eq!(r.receive(&c[1], Instant(0)), Err(DropReason::NoStart));
    assert_eq!(feed(&mut r, &a[1..], Instant::ZERO), vec![message(100, 8)]);
    assert_eq!(feed(&mut r, &b[1..], Instant::ZERO), vec![message(100, 9)]);
    // Once a context is free again, the third stream gets through.
    assert_eq!(feed(&mut r, &c, Instant::ZERO), vec![message(100, 10)]);
}

#[test]
fn new_som_restarts() {
    let mut r = Nvme::new();
    let old = packets(&message(200, 11), header(8, 3, true), 64);
    let new = packets(&message(130, 12), header(8, 3, true), 64);
    assert_eq!(r.receive(&old[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&old[1], Instant(0)), Ok(None));
    assert_eq!(feed(&mut r, &new, Instant::ZERO), vec![message(130, 12)]);
    assert_eq!(r.counters().restarted, 1);
    assert_eq!(r.counters().total(), 1);
}

#[test]
fn local_eid_filter() {
    let mut r = Nvme::new();
    r.set_local_eid(Some(Eid(20)));
    assert_eq!(r.local_eid(), Some(Eid(20)));
    assert_eq!(r.receive(&pkt1(), Instant(0)), Err(DropReason::NotForUs));
    assert_eq!(r.counters().not_for_us, 1);
    for dest in [20, 0, 0xff] {
        let mut p = hex("01 00 08 c8 84");
        p[1] = dest;
        let m = r.receive(&p, Instant(0)).unwrap().unwrap();
        assert_eq!(m.dest(), Eid(dest));
    }
    r.set_local_eid(None);
    assert!(r
        .receive(&hex("01 21 08 c8 00"), Instant(0))
        .unwrap()
        .is_some());
}

#[test]
fn empty_payload() {
    let mut r = Nvme::new();
    assert_eq!(
        r.receive(&hex("01 09 08 c8"), Instant(0)),
        Err(DropReason::EmptyPayload)
    );
    assert_eq!(r.counters().empty_payload, 1);
    r.reset_counters();
    assert_eq!(r.counters().total(), 0);
}

/// The next packet of the last message goes straight to its context (its header is one that
/// passed the header checks but for SEQ and EOM): whatever could make it fail them is still
/// seen.
#[test]
fn next_packet_of_the_last_message_is_still_checked() {
    let p = packets(&message(200, 1), header(8, 0, true), 64);
    assert_eq!(p.len(), 4);

    // A new local EID applies to the open message.
    let mut r = Nvme::new();
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    r.set_local_eid(Some(Eid(20)));
    assert_eq!(r.receive(&p[1], Instant(0)), Err(DropReason::NotForUs));
    r.set_local_eid(Some(Eid(9)));
    assert_eq!(feed(&mut r, &p[1..], Instant(0)), vec![message(200, 1)]);
    // Delivered: the header that came next finds no message.
    assert_eq!(r.receive(&p[1], Instant(0)), Err(DropReason::NoStart));

    // An empty last packet with the expected header; the message stays open.
    let mut r = Nvme::new();
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    let mut empty = p[1][..HEADER_LEN].to_vec();
    empty[3] |= 0x40;
    assert_eq!(r.receive(&empty, Instant(0)), Err(DropReason::EmptyPayload));
    assert_eq!(feed(&mut r, &p[1..], Instant(0)), vec![message(200, 1)]);

    // Reserved bits of byte 0, ignored whether the first packet has them or a later one.
    let mut r = Nvme::new();
    let mut first = p[0].clone();
    first[0] |= 0xf0;
    assert_eq!(r.receive(&first, Instant(0)), Ok(None));
    let mut second = p[1].clone();
    second[0] |= 0x30;
    assert_eq!(r.receive(&second, Instant(0)), Ok(None));
    assert_eq!(feed(&mut r, &p[2..], Instant(0)), vec![message(200, 1)]);
    assert_eq!(r.counters().total(), 0);

    // A timeout lowered while a message is open expires it at its next packet.
    let mut r = Nvme::new();
    assert_eq!(r.receive(&p[0], Instant(0)), Ok(None));
    assert_eq!(r.receive(&p[1], Instant(5)), Ok(None));
    r.set_timeout(Duration::from_millis(10));
    assert_eq!(r.receive(&p[2], Instant(10)), Err(DropReason::NoStart));
    assert_eq!(r.counters().expired, 1);

    // Two messages whose packets alternate: each packet changes the last message.
    let mut r = Nvme::new();
    let q = packets(&message(300, 2), header(10, 0, true), 64);
    let mut got = Vec::new();
    for i in 0..q.len() {
        for s in [&p, &q] {
            if let Some(Ok(Some(m))) = s.get(i).map(|pk| r.receive(pk, Instant(0))) {
                got.push(m.message().to_vec());
            }
        }
    }
    assert_eq!(got, vec![message(200, 1), message(300, 2)]);
    assert_eq!(r.counters().total(), 0);
}

/// Distinct keys (source EID, tag, tag owner) for up to `n` streams.
fn keys(picks: &[(u8, u8, bool)]) -> Vec<(u8, u8, bool)> {
    let mut v: Vec<(u8, u8, bool)> = Vec::new();
    for &(s, t, to) in picks {
        let k = (8 + s % 3, t % 8, to);
        if !v.contains(&k) {
            v.push(k);
        }
    }
    v
}

/// Interleave the streams in the order `choice` picks them, keeping each stream's order.
fn interleave(streams: &[Vec<Vec<u8>>], choice: &[usize]) -> Vec<(usize, Vec<u8>)> {
    let mut pos = vec![0; streams.len()];
    let mut out = Vec::new();
    let mut c = choice.iter().cycle();
    let total: usize = streams.iter().map(Vec::len).sum();
    while out.len() < total {
        let mut i = c.next().unwrap() % streams.len();
        while pos[i] == streams[i].len() {
            i = (i + 1) % streams.len();
        }
        out.push((i, streams[i][pos[i]].clone()));
        pos[i] += 1;
    }
    out
}

/// Key picks, messages, transmission units, interleaving choices.
type StreamCase = (Vec<(u8, u8, bool)>, Vec<Vec<u8>>, Vec<usize>, Vec<usize>);

/// The packets of each stream `i`: message `msgs[i]` at TU `tus[i]` under key `keys[i]`.
fn build_streams(keys: &[(u8, u8, bool)], msgs: &[Vec<u8>], tus: &[usize]) -> Vec<Vec<Vec<u8>>> {
    keys.iter()
        .enumerate()
        .map(|(i, &(s, t, to))| packets(&msgs[i], header(s, t, to), tus[i]))
        .collect()
}

fn stream_case() -> impl Strategy<Value = StreamCase> {
    (
        proptest::collection::vec((any::<u8>(), any::<u8>(), any::<bool>()), 1..=4),
        proptest::collection::vec(proptest::collection::vec(any::<u8>(), 1..=MAX), 4),
        proptest::collection::vec(BASELINE_TU..=MAX_TU_SMBUS, 4),
        proptest::collection::vec(any::<usize>(), 1..64),
    )
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn interleaved_streams_reassemble_exactly((picks, msgs, tus, choice) in stream_case()) {
        let keys = keys(&picks);
        let streams = build_streams(&keys, &msgs, &tus);
        let mut r = Nvme::new();
        let mut done = vec![false; keys.len()];
        for (now, (i, p)) in interleave(&streams, &choice).into_iter().enumerate() {
            if let Some(m) = r.receive(&p, Instant(now as u64)).unwrap() {
                let (s, t, to) = keys[i];
                prop_assert_eq!((m.src(), m.tag(), m.tag_owner()), (Eid(s), Tag::new(t).unwrap(), to));
                prop_assert_eq!(m.message(), &msgs[i][..]);
                prop_assert!(!done[i]);
                done[i] = true;
            }
        }
        prop_assert!(done.iter().all(|&d| d));
        prop_assert_eq!(r.counters().total(), 0);
        prop_assert_eq!(r.in_progress(), 0);
    }

    #[test]
    fn corrupted_streams_never_deliver_a_wrong_message(
        (picks, msgs, tus, choice) in stream_case(),
        victim in any::<usize>(),
        kind in 0u8..3,
    ) {
        let keys = keys(&picks);
        let streams = build_streams(&keys, &msgs, &tus);
        let mut pkts = interleave(&streams, &choice);
        let v = victim % pkts.len();
        let victim_stream = pkts[v].0;
        let mut alternative = msgs[victim_stream].clone();
        match kind {
            0 => {
                pkts.remove(v);
            }
            1 => {
                let p = pkts[v].clone();
                pkts.insert(v, p);
            }
            _ => {
                // The message as the shortened packet now describes it: the same message with
                // part of the victim's payload cut out. MCTP has no length field, so when the
                // other packets' sizes cannot tell (the victim is the last packet, or the first
                // of two and still at least one TU long), this is what arrives; the message's
                // own integrity check (the NVMe-MI MIC) is what catches it.
                let index = pkts[..v].iter().filter(|(s, _)| *s == victim_stream).count();
                let tu = streams[victim_stream][0].len() - HEADER_LEN;
                let payload = pkts[v].1.len() - HEADER_LEN;
                let keep = (victim >> 8) % payload;
                pkts[v].1.truncate(HEADER_LEN + keep);
                let cut = index * tu + keep;
                alternative.drain(cut..cut + payload - keep);
            }
        }
        let mut r = Nvme::new();
        for (i, p) in pkts {
            if let Ok(Some(m)) = r.receive(&p, Instant(0)) {
                let (s, t, to) = keys[i];
                prop_assert_eq!((m.src(), m.tag(), m.tag_owner()), (Eid(s), Tag::new(t).unwrap(), to));
                if m.message() != &msgs[i][..] {
                    prop_assert_eq!((kind, i), (2, victim_stream));
                    prop_assert_eq!(m.message(), &alternative[..]);
                }
            }
        }
    }
}

#[test]
fn footprint_is_what_the_docs_say() {
    let size = std::mem::size_of::<Reassembler<4, MAX>>();
    assert!((4 * MAX..=4 * (MAX + 48) + 64).contains(&size), "{size}");
}
