//! The crate's own CRCs against the `crc` crate's reference implementations, on arbitrary
//! input: CRC-32C (NVMe-MI 1.2 §3.1.1.1 integrity check, CRC-32/ISCSI) and the SMBus PEC
//! (SMBus 3.x §6.4, CRC-8/SMBUS); and incremental computation over arbitrary splits (as
//! packets arrive) equal to the one-shot value.

use crc::{Crc, CRC_32_ISCSI, CRC_8_SMBUS};
use nvme_mi_core::mctp::pec::{pec, Pec};
use nvme_mi_core::mi::integrity::{mic, seal, verify, MicDigest, RESIDUE};
use proptest::prelude::*;

const REF32: Crc<u32> = Crc::<u32>::new(&CRC_32_ISCSI);
const REF8: Crc<u8> = Crc::<u8>::new(&CRC_8_SMBUS);

/// Cut `data` at the (sorted, deduplicated) positions drawn from `cuts`.
fn pieces<'a>(data: &'a [u8], cuts: &[usize]) -> Vec<&'a [u8]> {
    let mut at: Vec<usize> = cuts
        .iter()
        .map(|&c| {
            if data.is_empty() {
                0
            } else {
                c % (data.len() + 1)
            }
        })
        .collect();
    at.sort_unstable();
    let mut out = Vec::new();
    let mut prev = 0;
    for c in at {
        out.push(&data[prev..c]);
        prev = c;
    }
    out.push(&data[prev..]);
    out
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    #[test]
    fn crc32c_equals_the_reference(data in proptest::collection::vec(any::<u8>(), 0..5000)) {
        prop_assert_eq!(mic(&data), REF32.checksum(&data));
    }

    #[test]
    fn pec_equals_the_reference(data in proptest::collection::vec(any::<u8>(), 0..600)) {
        prop_assert_eq!(pec(&data), REF8.checksum(&data));
    }

    #[test]
    fn crc32c_over_any_split_equals_one_shot(
        data in proptest::collection::vec(any::<u8>(), 0..5000),
        cuts in proptest::collection::vec(any::<usize>(), 0..80),
    ) {
        let mut d = MicDigest::new();
        for p in pieces(&data, &cuts) {
            d.update(p);
        }
        prop_assert_eq!(d.finalize(), REF32.checksum(&data));
    }

    #[test]
    fn pec_over_any_split_equals_one_shot(
        data in proptest::collection::vec(any::<u8>(), 0..600),
        cuts in proptest::collection::vec(any::<usize>(), 0..20),
    ) {
        let mut d = Pec::new();
        for p in pieces(&data, &cuts) {
            d.update(p);
        }
        prop_assert_eq!(d.value(), REF8.checksum(&data));
    }

    /// A sealed message leaves the residue whatever the packet boundaries; any single bit
    /// flipped anywhere (check included) does not, and `verify` agrees.
    #[test]
    fn residue_over_packet_splits(
        body in proptest::collection::vec(any::<u8>(), 0..4200),
        cuts in proptest::collection::vec(any::<usize>(), 0..70),
        flip in any::<(usize, u8)>(),
    ) {
        let mut msg = body.clone();
        msg.extend_from_slice(&[0; 4]);
        seal(&mut msg).unwrap();
        let mut d = MicDigest::new();
        for p in pieces(&msg, &cuts) {
            d.update(p);
        }
        prop_assert!(d.residue_ok());
        prop_assert_eq!(REF32.checksum(&msg), RESIDUE);
        prop_assert!(verify(&msg).is_ok());
        let (at, bit) = (flip.0 % msg.len(), 1u8 << (flip.1 % 8));
        msg[at] ^= bit;
        let mut bad = MicDigest::new();
        bad.update(&msg);
        prop_assert!(!bad.residue_ok());
        prop_assert!(verify(&msg).is_err());
    }
}
