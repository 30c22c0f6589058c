//! NVMe Basic Management Command: the status block example, round trips, truncation and
//! corruption.

use nvme_mi_core::basic_mgmt::*;
use nvme_mi_core::mi::admin_data::IdentifyController;
use proptest::prelude::*;

#[test]
fn digest_status_example() {
    // Digest G.2: 06 B8 FF 25 03 00 00, PEC over D4 00 D5 + those bytes = 0x3A.
    let read = BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK);
    assert_eq!(read.pec(&[0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00]), 0x3a);
    let status = StatusBlock {
        flags: Sflgs(
            Sflgs::SMBUS_ARBITRATION
                | Sflgs::DRIVE_FUNCTIONAL
                | Sflgs::RESET_NOT_REQUIRED
                | Sflgs::PORT0_LINK_ACTIVE,
        ),
        warnings: CriticalWarning::empty(),
        ctemp: CompositeTemperature::Celsius(37),
        pdlu: 3,
    };
    let mut out = [0u8; 8];
    let n = read.encode(&status.to_bytes(), &mut out).unwrap();
    assert_eq!(out[..n], [0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00, 0x3a]);
    let back = StatusBlock::parse(read.decode(&out).unwrap()).unwrap();
    assert_eq!(back, status);
    assert!(back.flags.drive_ready());
    assert!(!back.flags.contains(Sflgs::PORT1_LINK_ACTIVE));
}

#[test]
fn identification_block() {
    let read = BlockRead::new(DEFAULT_ADDRESS, IDENTIFICATION_BLOCK);
    let id = IdentificationBlock::new(0x144d, "S4EWNX0R123456");
    let mut out = [0u8; 32];
    let n = read.encode(&id.to_bytes(), &mut out).unwrap();
    assert_eq!(n, 24);
    assert_eq!(out[0], 0x16);
    assert_eq!(&out[1..3], &[0x14, 0x4d]);
    assert_eq!(&out[3..17], b"S4EWNX0R123456");
    assert_eq!(&out[17..23], b"      ");
    let back = IdentificationBlock::parse(read.decode(&out[..n]).unwrap()).unwrap();
    assert_eq!(back, id);
    assert_eq!(back.serial(), "S4EWNX0R123456");
    // Same values as Identify Controller's VID and SN.
    let mut ctrl = <IdentifyController as zerocopy::FromZeros>::new_zeroed();
    ctrl.vid.set(0x144d);
    ctrl.set_sn("S4EWNX0R123456");
    assert_eq!(IdentificationBlock::from_identify(&ctrl), id);
    // The status block's PEC differs: command code is covered.
    assert!(BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK)
        .decode(&out[..n])
        .is_err());
}

#[test]
fn warnings_are_inverted() {
    let read = BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK);
    let data = [0x20, 0xfd, 0x81, 0xff, 0, 0];
    let mut out = [0u8; 8];
    let n = read.encode(&data, &mut out).unwrap();
    let s = StatusBlock::parse(read.decode(&out[..n]).unwrap()).unwrap();
    assert_eq!(s.warnings, CriticalWarning::TAUT);
    assert_eq!(s.ctemp, CompositeTemperature::SensorFailure);
    assert_eq!(s.pdlu, 255);
    assert_eq!(s.to_bytes(), data);
    // Reserved bits 7:5 cleared on the wire are not warnings.
    let r = StatusBlock::parse(&[0, 0x1f, 0, 0, 0, 0]).unwrap();
    assert!(r.warnings.is_empty());
    assert_eq!(r.to_bytes()[1], 0xff);
    let all = StatusBlock::parse(&[0, 0x00, 0, 0, 0, 0]).unwrap();
    assert_eq!(all.warnings, CriticalWarning(0x1f));
}

#[test]
fn wrong_lengths() {
    for n in 0..30 {
        let data = [0u8; 30];
        assert_eq!(StatusBlock::parse(&data[..n]).is_ok(), n == 6);
        assert_eq!(IdentificationBlock::parse(&data[..n]).is_ok(), n == 22);
    }
}

proptest! {
    #[test]
    fn status_round_trip(f in any::<u8>(), w in any::<u8>(), t in any::<u8>(), p in any::<u8>(),
                         addr in 0u8..0x80) {
        let s = StatusBlock {
            flags: Sflgs(f),
            warnings: CriticalWarning(w & 0x1f),
            ctemp: CompositeTemperature::from_u8(t),
            pdlu: p,
        };
        let read = BlockRead::new(addr, STATUS_BLOCK);
        let mut out = [0u8; 8];
        let n = read.encode(&s.to_bytes(), &mut out).unwrap();
        prop_assert_eq!(StatusBlock::parse(read.decode(&out[..n]).unwrap()).unwrap(), s);
        for len in 0..n {
            prop_assert!(read.decode(&out[..len]).is_err());
        }
    }

    #[test]
    fn identification_round_trip(vid in any::<u16>(), sn in "[ -~]{0,20}") {
        let id = IdentificationBlock::new(vid, &sn);
        let back = IdentificationBlock::parse(&id.to_bytes()).unwrap();
        prop_assert_eq!(back, id);
        prop_assert_eq!(back.serial(), sn.trim_end_matches(' '));
    }

    #[test]
    fn block_read_round_trip(data in prop::collection::vec(any::<u8>(), 0..=255),
                             addr in 0u8..0x80, cmd in any::<u8>(), flip in any::<(usize, u8)>()) {
        let read = BlockRead::new(addr, cmd);
        let mut out = [0u8; 257];
        let n = read.encode(&data, &mut out).unwrap();
        prop_assert_eq!(read.decode(&out[..n]).unwrap(), &data[..]);
        let mut bad = out;
        bad[flip.0 % n] ^= flip.1.max(1);
        prop_assert!(read.decode(&bad[..n]).is_err());
    }

    #[test]
    fn decode_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..300)) {
        let read = BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK);
        if let Ok(d) = read.decode(&bytes) {
            let _ = StatusBlock::parse(d);
            let _ = IdentificationBlock::parse(d);
        }
    }
}
