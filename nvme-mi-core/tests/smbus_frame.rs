//! SMBus/I2C frame layer (DSP0237): the conformance vectors byte for byte,
//! round trips, truncation, corruption and limit checks.

use nvme_mi_core::mctp::pec::{pec, Pec};
use nvme_mi_core::mctp::smbus::{
    self, decode, decode_received, emit, Error, Frame, FrameRepr, BASELINE_FRAME_LEN,
    MAX_FRAME_LEN, MAX_PACKET_LEN, MAX_PACKET_PAYLOAD,
};
use proptest::prelude::*;

/// `pec-check`.
const PEC_CHECK: &str = "31 32 33 34 35 36 37 38 39";

/// The SMBus frame vectors of `tests/vectors/vectors.json`, with the addresses they carry.
const FRAMES: [(&str, u8, u8, &str); 6] = [
    (
        "smbus-health-poll-req",
        0x1d,
        0x10,
        "3a 0f 19 21 01 09 08 c8 84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00 d2 d4 77 36 ca",
    ),
    (
        "smbus-health-poll-resp",
        0x10,
        0x1d,
        "20 0f 19 3b 01 08 09 c0 84 88 00 00 00 00 00 00 38 ff 25 03 01 00 00 00 56 af 1e d6 4a",
    ),
    (
        "smbus-get-eid-req",
        0x1d,
        0x10,
        "3a 0f 08 21 01 00 08 c9 00 81 02 55",
    ),
    (
        "smbus-get-eid-resp",
        0x10,
        0x1d,
        "20 0f 0c 3b 01 08 09 c1 00 01 02 00 09 01 00 af",
    ),
    (
        "smbus-identify-packet-1",
        0x1d,
        0x10,
        "3a 0f 45 21 01 09 08 8a 84 10 00 00 06 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
         00 00 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 01 00 00 00 \
         00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 6e",
    ),
    (
        "smbus-identify-packet-2",
        0x1d,
        0x10,
        "3a 0f 0d 21 01 09 08 5a 00 00 00 00 9c d6 53 ed e7",
    ),
];

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The vectors above must be those of the vendored conformance file.
#[test]
fn embedded_vectors_match_vector_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/vectors.json");
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let squash = |s: &str| s.split_whitespace().collect::<Vec<_>>().join(" ");
    let all =
        std::iter::once(("pec-check", PEC_CHECK)).chain(FRAMES.iter().map(|&(n, _, _, h)| (n, h)));
    for (name, h) in all {
        let key = format!("\"name\": \"{name}\"");
        let at = text.find(&key).unwrap_or_else(|| panic!("{name} missing"));
        let rest = &text[at..];
        let hx = rest.find("\"hex\": \"").unwrap() + 8;
        let end = rest[hx..].find('"').unwrap();
        assert_eq!(squash(&rest[hx..hx + end]), squash(h), "{name}");
    }
}

#[test]
fn pec_check_vector() {
    assert_eq!(pec(&hex(PEC_CHECK)), 0xf4);
    let mut d = Pec::new();
    for b in hex(PEC_CHECK) {
        d.push(b);
    }
    assert_eq!(d.value(), 0xf4);
}

#[test]
fn vectors_decode_and_encode_byte_for_byte() {
    for (name, dest, src, h) in FRAMES {
        let frame = hex(h);
        let (repr, packet) = decode(&frame).unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(
            repr,
            FrameRepr {
                dest_addr: dest,
                src_addr: src
            },
            "{name}"
        );
        assert_eq!(packet, &frame[4..frame.len() - 1], "{name}");
        // Encode from the parts.
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = emit(dest, src, packet, &mut out).unwrap();
        assert_eq!(&out[..n], &frame[..], "{name}");
        // In pieces: MCTP header and payload separately.
        let mut out2 = [0u8; MAX_FRAME_LEN];
        let n2 = repr
            .emit_parts(&[&packet[..4], &[], &packet[4..]], &mut out2)
            .unwrap();
        assert_eq!(&out2[..n2], &frame[..], "{name}");
        // The view agrees.
        let view = Frame::new_checked(&frame[..]).unwrap();
        assert_eq!(view.check(), Ok(()));
        assert_eq!(FrameRepr::parse(&view), Ok(repr));
        assert_eq!(usize::from(view.byte_count()) + 4, frame.len());
        assert_eq!(view.pec(), view.computed_pec());
        assert_eq!(view.packet(), packet);
        // The receive form: the target sees everything after its own address byte.
        assert_eq!(decode_received(dest, &frame[1..]), Ok((repr, packet)));
        // ...and the PEC covers that address byte: another receiver address fails.
        assert!(matches!(
            decode_received(dest ^ 0x01, &frame[1..]),
            Err(Error::BadPec { .. })
        ));
    }
}

#[test]
fn responses_go_back_to_the_request_source() {
    // Each response vector follows its request vector in `FRAMES`.
    for pair in [(0, 1), (2, 3)] {
        let req = hex(FRAMES[pair.0].3);
        let resp = hex(FRAMES[pair.1].3);
        let (req_repr, _) = decode(&req).unwrap();
        let (resp_repr, _) = decode(&resp).unwrap();
        assert_eq!(req_repr.reply(), resp_repr);
        assert_eq!(resp_repr.reply(), req_repr);
    }
}

#[test]
fn baseline_packet_frame_is_73_bytes() {
    let frame = hex(FRAMES[4].3);
    assert_eq!(frame.len(), BASELINE_FRAME_LEN);
}

#[test]
fn every_prefix_is_an_error() {
    for (name, dest, _, h) in FRAMES {
        let frame = hex(h);
        for n in 0..frame.len() {
            assert!(decode(&frame[..n]).is_err(), "{name} prefix {n}");
            if n >= 1 {
                assert!(decode_received(dest, &frame[1..n]).is_err(), "{name} {n}");
            }
            if n < smbus::MIN_FRAME_LEN {
                assert_eq!(Frame::new_checked(&frame[..n]), Err(Error::Truncated));
            }
        }
    }
}

#[test]
fn every_single_bit_flip_is_detected() {
    for (name, dest, _, h) in FRAMES {
        let frame = hex(h);
        for i in 0..frame.len() {
            for bit in 0..8 {
                let mut bad = frame.clone();
                bad[i] ^= 1 << bit;
                assert!(decode(&bad).is_err(), "{name} byte {i} bit {bit}");
                if i > 0 {
                    assert!(
                        decode_received(dest, &bad[1..]).is_err(),
                        "{name} {i}/{bit}"
                    );
                }
            }
        }
    }
}

#[test]
fn specific_errors_in_b6_order() {
    let good = hex(FRAMES[2].3);
    // Command code.
    let mut bad = good.clone();
    bad[1] = 0x0e;
    assert_eq!(decode(&bad), Err(Error::BadCommandCode(0x0e)));
    // Byte count one off either way, even with a matching PEC.
    for count in [0x07, 0x09, 0x00, 0xff] {
        let mut bad = good.clone();
        bad[2] = count;
        let last = bad.len() - 1;
        bad[last] = pec(&bad[..last]);
        assert_eq!(decode(&bad), Err(Error::BadByteCount));
    }
    // PEC.
    let mut bad = good.clone();
    bad[11] ^= 0xff;
    assert_eq!(
        decode(&bad),
        Err(Error::BadPec {
            computed: 0x55,
            received: 0xaa
        })
    );
    // Address bits, with a correct PEC.
    for (i, mask) in [(0usize, 0x01u8), (3, 0x01)] {
        let mut bad = good.clone();
        bad[i] ^= mask;
        let last = bad.len() - 1;
        bad[last] = pec(&bad[..last]);
        assert_eq!(decode(&bad), Err(Error::BadAddress), "byte {i}");
    }
    // Receiver address out of range.
    assert_eq!(decode_received(0x80, &good[1..]), Err(Error::BadAddress));
}

#[test]
fn oversized_frames_and_packets_are_rejected() {
    // A frame one byte over the maximum, otherwise consistent apart from the count.
    let big = vec![0u8; MAX_FRAME_LEN + 1];
    assert_eq!(decode(&big), Err(Error::TooLong));
    assert_eq!(Frame::new_checked(&big[..]), Err(Error::TooLong));
    assert_eq!(decode_received(0x1d, &big[1..]), Err(Error::TooLong));
    // The largest packet encodes and decodes; one more byte does not encode.
    let packet: Vec<u8> = (0..MAX_PACKET_LEN).map(|i| i as u8).collect();
    assert_eq!(MAX_PACKET_LEN, 4 + MAX_PACKET_PAYLOAD);
    let mut out = [0u8; MAX_FRAME_LEN + 1];
    let n = emit(0x1d, 0x10, &packet, &mut out).unwrap();
    assert_eq!(n, MAX_FRAME_LEN);
    assert_eq!(out[2], 0xff);
    assert_eq!(decode(&out[..n]).unwrap().1, &packet[..]);
    let mut longer = packet.clone();
    longer.push(0);
    assert_eq!(emit(0x1d, 0x10, &longer, &mut out), Err(Error::TooLong));
    // Encoder argument errors.
    assert_eq!(
        emit(0x1d, 0x10, &[1, 2, 3], &mut out),
        Err(Error::Truncated)
    );
    assert_eq!(
        emit(0x80, 0x10, &packet[..4], &mut out),
        Err(Error::BadAddress)
    );
    assert_eq!(
        emit(0x1d, 0xff, &packet[..4], &mut out),
        Err(Error::BadAddress)
    );
    assert_eq!(
        emit(0x1d, 0x10, &packet[..4], &mut out[..8]),
        Err(Error::BufferTooSmall)
    );
}

proptest! {
    #[test]
    fn round_trip(dest in 0u8..=0x7f, src in 0u8..=0x7f,
                  packet in proptest::collection::vec(any::<u8>(), 4..=MAX_PACKET_LEN)) {
        let repr = FrameRepr { dest_addr: dest, src_addr: src };
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = repr.emit(&packet, &mut out).unwrap();
        prop_assert_eq!(n, FrameRepr::buffer_len(packet.len()));
        let (back, p) = decode(&out[..n]).unwrap();
        prop_assert_eq!(back, repr);
        prop_assert_eq!(p, &packet[..]);
        prop_assert_eq!(decode_received(dest, &out[1..n]), Ok((repr, &packet[..])));
    }

    #[test]
    fn arbitrary_bytes_never_panic(bytes in proptest::collection::vec(any::<u8>(), 0..300),
                                   own in any::<u8>()) {
        let _ = decode(&bytes);
        let _ = decode_received(own, &bytes);
        let f = Frame::new_unchecked(&bytes[..]);
        let _ = (f.packet(), f.pec(), f.computed_pec(), f.byte_count(), f.check());
    }

    #[test]
    fn any_single_bit_flip_is_detected(dest in 0u8..=0x7f, src in 0u8..=0x7f,
                                       packet in proptest::collection::vec(any::<u8>(), 4..=64),
                                       pos in any::<prop::sample::Index>(), bit in 0u8..8) {
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = emit(dest, src, &packet, &mut out).unwrap();
        let i = pos.index(n);
        out[i] ^= 1 << bit;
        prop_assert!(decode(&out[..n]).is_err());
    }
}
