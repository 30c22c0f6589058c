//! Fragmentation (DSP0236 §8.3) against the conformance vectors, and properties.

use nvme_mi_core::mctp::fragment::{packet_count, Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::{Eid, Tag, BASELINE_TU};
use proptest::prelude::*;

mod mctp_common;
use mctp_common::{hex, packet_of_frame, IDENTIFY_PKT1, IDENTIFY_PKT2, IDENTIFY_REQ};

fn identify_header() -> PacketRepr {
    PacketRepr {
        dest: Eid(9),
        src: Eid(8),
        som: false,
        eom: false,
        seq: 0,
        tag_owner: true,
        tag: Tag::new(2).unwrap(),
    }
}

#[test]
fn embedded_vectors_match_vector_file() {
    mctp_common::check_embedded_vectors();
}

#[test]
fn identify_request_gives_the_two_vector_packets() {
    let msg = hex(IDENTIFY_REQ);
    assert_eq!(msg.len(), 72);
    // Header, body and integrity check as separate slices: nothing copied beforehand.
    let parts: [&[u8]; 3] = [&msg[..4], &msg[4..68], &msg[68..]];
    let mut frag = Fragmenter::new(&parts, identify_header(), BASELINE_TU).unwrap();
    assert_eq!(frag.packet_count(), 2);
    let mut out = [0u8; HEADER_LEN + BASELINE_TU];
    let n = frag.next(&mut out).unwrap().unwrap();
    assert_eq!(&out[..n], packet_of_frame(&hex(IDENTIFY_PKT1)));
    let n = frag.next(&mut out).unwrap().unwrap();
    assert_eq!(&out[..n], packet_of_frame(&hex(IDENTIFY_PKT2)));
    assert_eq!(frag.next(&mut out), None);
}

#[test]
fn identify_request_as_one_slice_is_the_same() {
    let msg = hex(IDENTIFY_REQ);
    let parts: [&[u8]; 1] = [&msg];
    let mut frag = Fragmenter::new(&parts, identify_header(), 64).unwrap();
    let mut out = [0u8; 300];
    let n = frag.next(&mut out).unwrap().unwrap();
    assert_eq!(&out[..n], packet_of_frame(&hex(IDENTIFY_PKT1)));
}

fn split_points(len: usize, cuts: &[usize]) -> Vec<usize> {
    let mut v: Vec<usize> = cuts.iter().map(|c| c % (len + 1)).collect();
    v.push(0);
    v.push(len);
    v.sort_unstable();
    v
}

proptest! {
    #[test]
    fn packets_carry_the_message(
        msg in proptest::collection::vec(any::<u8>(), 1..=4224),
        tu in BASELINE_TU..=MAX_TU_SMBUS,
        cuts in proptest::collection::vec(any::<usize>(), 0..4),
        seq0 in 0u8..4,
        tag in 0u8..8,
        to in any::<bool>(),
    ) {
        let points = split_points(msg.len(), &cuts);
        let parts: Vec<&[u8]> = points.windows(2).map(|w| &msg[w[0]..w[1]]).collect();
        let header = PacketRepr { seq: seq0, tag: Tag::new(tag).unwrap(), tag_owner: to, ..identify_header() };
        let mut frag = Fragmenter::new(&parts, header, tu).unwrap();
        let count = frag.packet_count();
        prop_assert_eq!(count, packet_count(msg.len(), tu));
        let mut out = vec![0u8; HEADER_LEN + MAX_TU_SMBUS];
        let mut joined = Vec::new();
        let mut i = 0;
        while let Some(r) = frag.next(&mut out) {
            let n = r.unwrap();
            let pkt = Packet::new_checked(&out[..n]).unwrap();
            let r = PacketRepr::parse(&pkt).unwrap();
            prop_assert_eq!(r.som, i == 0);
            prop_assert_eq!(r.eom, i == count - 1);
            prop_assert_eq!(r.seq, (seq0 + i as u8) & 3);
            prop_assert_eq!((r.tag, r.tag_owner, r.src, r.dest), (header.tag, to, Eid(8), Eid(9)));
            if r.eom {
                prop_assert!(!pkt.payload().is_empty() && pkt.payload().len() <= tu);
            } else {
                prop_assert_eq!(pkt.payload().len(), tu);
            }
            joined.extend_from_slice(pkt.payload());
            i += 1;
        }
        prop_assert_eq!(i, count);
        prop_assert_eq!(joined, msg);
    }
}
