//! MCTP packets (DSP0236 §8.3) and the fragmenter.
//!
//! Checks: a header that parses is emitted again as the same four bytes (reserved bits of
//! byte 0 cleared) and parses to the same repr; the view's accessors never panic. Then the
//! packet's payload is fragmented at a transmission unit taken from the input: every
//! fragment parses with the same addresses and tag, SOM only on the first, EOM only on the
//! last, consecutive sequence numbers, full TUs but the last, and the payloads concatenate
//! back to the message.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mctp::fragment::{packet_count, Fragmenter};
use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::BASELINE_TU;

fuzz_target!(|data: &[u8]| {
    let Some((&tu_byte, data)) = data.split_first() else {
        return;
    };
    let pkt = Packet::new_unchecked(data);
    let _ = (pkt.version(), pkt.dest(), pkt.src(), pkt.flags(), pkt.seq());
    let _ = (
        pkt.som(),
        pkt.eom(),
        pkt.tag_owner(),
        pkt.tag(),
        pkt.payload(),
    );
    let Ok(hdr) = PacketRepr::parse(&pkt) else {
        return;
    };
    assert!(Packet::new_checked(data).is_ok());
    let mut copy = data.to_vec();
    hdr.emit(&mut Packet::new_unchecked(&mut copy[..]));
    assert_eq!(copy[0], 1);
    assert_eq!(&copy[1..HEADER_LEN], &data[1..HEADER_LEN]);
    assert_eq!(
        &copy[HEADER_LEN..],
        &data[HEADER_LEN..],
        "emit touched the payload"
    );
    assert_eq!(
        PacketRepr::parse(&Packet::new_unchecked(&copy[..])),
        Ok(hdr)
    );
    assert_eq!(hdr.to_bytes(), [1, data[1], data[2], data[3]]);

    // Fragment the payload as a message.
    let message = pkt.payload();
    let tu = BASELINE_TU + usize::from(tu_byte);
    let (a, b) = message.split_at(message.len() / 3);
    let parts: [&[u8]; 2] = [a, b];
    let Ok(mut f) = Fragmenter::new(&parts, hdr, tu) else {
        return;
    };
    let count = f.packet_count();
    assert_eq!(count, packet_count(message.len(), tu));
    let mut joined = Vec::new();
    let mut buf = vec![0u8; HEADER_LEN + tu];
    let mut i = 0;
    while let Some(r) = f.next(&mut buf) {
        let n = r.expect("fragment into a TU-sized buffer");
        let p = Packet::new_checked(&buf[..n]).expect("fragment has a header");
        let h = PacketRepr::parse(&p).expect("fragment header parses");
        assert_eq!(
            (h.src, h.dest, h.tag, h.tag_owner),
            (hdr.src, hdr.dest, hdr.tag, hdr.tag_owner)
        );
        assert_eq!(h.som, i == 0);
        assert_eq!(h.eom, i + 1 == count);
        assert_eq!(h.seq, (hdr.seq + i as u8) & 3);
        if !h.eom {
            assert_eq!(p.payload().len(), tu);
        }
        joined.extend_from_slice(p.payload());
        i += 1;
    }
    assert_eq!(i, count);
    assert!(f.is_done());
    assert_eq!(joined, message);
});
