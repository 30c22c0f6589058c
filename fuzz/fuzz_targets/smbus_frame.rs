//! SMBus frames (DSP0237): `decode` of arbitrary bytes, and `emit` of arbitrary packets.
//!
//! Checks: a frame that decodes is re-emitted byte for byte from its repr and packet; the
//! checked view and `decode_received` (the I2C target's form, without the address byte)
//! agree with `decode`; the view's accessors never panic; a packet that emits decodes back
//! to the same addresses and bytes.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mctp::smbus::{self, Frame, FrameRepr, MAX_FRAME_LEN};

fuzz_target!(|data: &[u8]| {
    // Decode direction.
    let decoded = smbus::decode(data);
    let view = Frame::new_unchecked(data);
    let _ = (
        view.dest_addr(),
        view.src_addr(),
        view.byte_count(),
        view.pec(),
    );
    let _ = (view.packet(), view.computed_pec(), view.command_code());
    assert_eq!(view.check(), decoded.map(|_| ()));
    if let Ok(v) = Frame::new_checked(data) {
        assert_eq!(FrameRepr::parse(&v), decoded.map(|(r, _)| r));
    }
    if let Some((&first, rest)) = data.split_first() {
        if first & 1 == 0 {
            assert_eq!(smbus::decode_received(first >> 1, rest), decoded);
        }
    }
    if let Ok((repr, packet)) = decoded {
        assert!(data.len() <= MAX_FRAME_LEN);
        assert_eq!(packet, view.packet());
        let mut out = [0u8; MAX_FRAME_LEN];
        let n = repr
            .emit(packet, &mut out)
            .expect("a decoded frame re-emits");
        assert_eq!(&out[..n], data, "emit(decode(frame)) == frame");
        let (a, b) = packet.split_at(packet.len() / 2);
        let mut parts = [0u8; MAX_FRAME_LEN];
        let m = repr.emit_parts(&[a, b], &mut parts).expect("emit_parts");
        assert_eq!(&parts[..m], data);
        assert_eq!(repr.reply().reply(), repr);
    }

    // Encode direction: addresses from the first two bytes (any value), the packet after.
    if data.len() >= 2 {
        let (dest, src, packet) = (data[0], data[1], &data[2..]);
        let mut out = [0u8; MAX_FRAME_LEN + 1];
        match smbus::emit(dest, src, packet, &mut out) {
            Ok(n) => {
                let (repr, p) = smbus::decode(&out[..n]).expect("an emitted frame decodes");
                assert_eq!((repr.dest_addr, repr.src_addr), (dest, src));
                assert_eq!(p, packet);
            }
            Err(e) => assert!(
                dest > 0x7f
                    || src > 0x7f
                    || packet.len() < 4
                    || packet.len() > smbus::MAX_PACKET_LEN,
                "emit failed with {e:?} on a valid packet"
            ),
        }
    }
});
