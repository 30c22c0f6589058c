//! MCTP transport header (DSP0236 §8.3): vectors, round trips, truncation and
//! corruption.

use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::{Eid, Error, Tag};
use proptest::prelude::*;

mod mctp_common;
use mctp_common::{hex, packet_of_frame, FRAMES};

/// The header fields of the SMBus frame vectors, in the order of [`FRAMES`].
const VECTOR_HEADERS: [PacketRepr; 6] = [
    repr(9, 8, true, true, 0, true, 0),
    repr(8, 9, true, true, 0, false, 0),
    repr(0, 8, true, true, 0, true, 1),
    repr(8, 9, true, true, 0, false, 1),
    repr(9, 8, true, false, 0, true, 2),
    repr(9, 8, false, true, 1, true, 2),
];

const fn repr(
    dest: u8,
    src: u8,
    som: bool,
    eom: bool,
    seq: u8,
    tag_owner: bool,
    tag: u8,
) -> PacketRepr {
    PacketRepr {
        dest: Eid(dest),
        src: Eid(src),
        som,
        eom,
        seq,
        tag_owner,
        tag: Tag::from_bits(tag),
    }
}

#[test]
fn embedded_vectors_match_vector_file() {
    mctp_common::check_embedded_vectors();
}

#[test]
fn vector_headers_parse_and_emit() {
    // Bytes 4..8 of each frame are the MCTP header, the rest before the PEC the payload.
    for ((name, frame), expected) in FRAMES.iter().zip(VECTOR_HEADERS) {
        let frame = hex(frame);
        let packet = packet_of_frame(&frame);
        let pkt = Packet::new_checked(packet).unwrap();
        assert_eq!(PacketRepr::parse(&pkt), Ok(expected), "{name}");
        assert_eq!(pkt.payload(), &packet[HEADER_LEN..]);
        let mut out = [0xffu8; HEADER_LEN];
        expected.emit(&mut Packet::new_checked(&mut out[..]).unwrap());
        assert_eq!(out, packet[..HEADER_LEN], "{name}");
        assert_eq!(expected.buffer_len(), HEADER_LEN);
    }
}

#[test]
fn bad_version_rejected() {
    for v in (0u8..=0x0f).filter(|&v| v != 1) {
        let bytes = [v, 0x09, 0x08, 0xc8];
        let pkt = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(PacketRepr::parse(&pkt), Err(Error::BadVersion(v)));
    }
}

#[test]
fn eid_rules() {
    for eid in 0u8..=255 {
        let src = [0x01, 0x09, eid, 0xc8];
        let got = PacketRepr::parse(&Packet::new_checked(&src[..]).unwrap());
        if eid == 0 || (8..=254).contains(&eid) {
            assert_eq!(got.map(|r| r.src), Ok(Eid(eid)));
        } else {
            assert_eq!(got, Err(Error::BadSourceEid(Eid(eid))));
        }
        let dest = [0x01, eid, 0x08, 0xc8];
        let got = PacketRepr::parse(&Packet::new_checked(&dest[..]).unwrap());
        if eid == 0 || eid >= 8 {
            assert_eq!(got.map(|r| r.dest), Ok(Eid(eid)));
        } else {
            assert_eq!(got, Err(Error::BadDestinationEid(Eid(eid))));
        }
    }
}

#[test]
fn every_prefix_of_a_header_is_truncated() {
    let bytes = [0x01, 0x09, 0x08, 0xc8];
    for n in 0..HEADER_LEN {
        assert_eq!(Packet::new_checked(&bytes[..n]), Err(Error::Truncated));
        let pkt = Packet::new_unchecked(&bytes[..n]);
        assert_eq!(PacketRepr::parse(&pkt), Err(Error::Truncated));
    }
}

fn any_repr() -> impl Strategy<Value = PacketRepr> {
    let src = prop_oneof![Just(0u8), 8u8..=254];
    let dest = prop_oneof![Just(0u8), 8u8..=255];
    (
        dest,
        src,
        any::<bool>(),
        any::<bool>(),
        0u8..4,
        any::<bool>(),
        0u8..8,
    )
        .prop_map(|(d, s, som, eom, seq, to, tag)| repr(d, s, som, eom, seq, to, tag))
}

proptest! {
    #[test]
    fn repr_round_trips(r in any_repr(), payload in proptest::collection::vec(any::<u8>(), 0..16)) {
        let mut buf = vec![0u8; r.buffer_len() + payload.len()];
        let mut pkt = Packet::new_checked(&mut buf[..]).unwrap();
        r.emit(&mut pkt);
        pkt.payload_mut().copy_from_slice(&payload);
        let pkt = Packet::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(PacketRepr::parse(&pkt), Ok(r));
        prop_assert_eq!(pkt.payload(), &payload[..]);
        prop_assert_eq!(pkt.version(), 1);
    }

    #[test]
    fn any_bytes_parse_or_error(bytes in proptest::collection::vec(any::<u8>(), 0..8)) {
        match Packet::new_checked(&bytes[..]) {
            Ok(pkt) => {
                if let Ok(r) = PacketRepr::parse(&pkt) {
                    prop_assert_eq!(&r.to_bytes()[1..], &bytes[1..4]);
                }
            }
            Err(e) => prop_assert_eq!(e, Error::Truncated),
        }
    }
}
