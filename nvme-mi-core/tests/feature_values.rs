//! Typed feature values (NVMe Base 2.0 §5.27.1): each value round-trips through its dword,
//! any dword decodes to a value that encodes back to the dword's defined bits, and the Get
//! and Set Features commands built from a value carry it in CDW11.

use nvme_mi_core::mi::admin::{
    AdminCommand, AdminRequestRepr, Arbitration, AsyncEventConfig, DataTransfer, ErrorRecovery,
    FeatureCapabilities, FeatureValue, GetFeatures, InterruptCoalescing, InterruptVectorConfig,
    NumberOfQueues, PowerManagement, Sel, SetFeatures, TemperatureThreshold, Thsel, Timestamp,
    VolatileWriteCache, WriteAtomicityNormal,
};
use proptest::prelude::*;
use zerocopy::IntoBytes;

/// `from_dw0` is a projection: decoding what a decoded value encodes to changes nothing, the
/// encoding keeps only bits of the dword, and both commands carry the value.
fn projection<F: FeatureValue + PartialEq + core::fmt::Debug>(
    dw: u32,
) -> Result<(), TestCaseError> {
    let v = F::from_dw0(dw);
    let enc = v.to_cdw11();
    prop_assert_eq!(F::from_dw0(enc), v);
    prop_assert_eq!(enc & !dw, 0, "encoding adds no bit the dword lacked");
    let set = AdminRequestRepr::for_command(0, &SetFeatures::value(&v, false));
    prop_assert_eq!(
        (set.cdw10 & 0xff, set.cdw11),
        (u32::from(F::FID.to_u8()), enc)
    );
    let get = AdminRequestRepr::for_command(0, &GetFeatures::of_selected(Sel::Saved, &v));
    prop_assert_eq!(
        (get.cdw10, get.cdw11),
        (u32::from(F::FID.to_u8()) | 2 << 8, enc)
    );
    prop_assert_eq!(
        SetFeatures::value(&v, true).data_transfer(),
        DataTransfer::None
    );
    Ok(())
}

proptest! {
    #[test]
    fn every_dword_is_a_projection(dw in any::<u32>()) {
        projection::<Arbitration>(dw)?;
        projection::<PowerManagement>(dw)?;
        projection::<TemperatureThreshold>(dw)?;
        projection::<ErrorRecovery>(dw)?;
        projection::<VolatileWriteCache>(dw)?;
        projection::<NumberOfQueues>(dw)?;
        projection::<InterruptCoalescing>(dw)?;
        projection::<InterruptVectorConfig>(dw)?;
        projection::<WriteAtomicityNormal>(dw)?;
        projection::<AsyncEventConfig>(dw)?;
        let caps = FeatureCapabilities::from_dw0(dw);
        prop_assert_eq!(caps.to_dw0(), dw & 7);
    }

    #[test]
    fn values_round_trip(ab in 0u8..8, w in any::<[u8; 3]>(), ps in 0u8..32, wh in 0u8..8,
                         x in any::<u16>(), y in any::<u16>(), on in any::<bool>()) {
        let a = Arbitration { ab, lpw: w[0], mpw: w[1], hpw: w[2] };
        prop_assert_eq!(Arbitration::from_dw0(a.to_cdw11()), a);
        let p = PowerManagement { ps, wh };
        prop_assert_eq!(PowerManagement::from_dw0(p.to_cdw11()), p);
        let e = ErrorRecovery { tler: x, dulbe: on };
        prop_assert_eq!(ErrorRecovery::from_dw0(e.to_cdw11()), e);
        let q = NumberOfQueues { nsq: x, ncq: y };
        prop_assert_eq!(NumberOfQueues::from_dw0(q.to_cdw11()), q);
        let c = InterruptCoalescing { thr: w[0], time: w[1] };
        prop_assert_eq!(InterruptCoalescing::from_dw0(c.to_cdw11()), c);
        let v = InterruptVectorConfig { iv: x, cd: on };
        prop_assert_eq!(InterruptVectorConfig::from_dw0(v.to_cdw11()), v);
        let t = TemperatureThreshold { tmpth: x, tmpsel: ab, thsel: Thsel::Under, tmpthh: wh };
        prop_assert_eq!(TemperatureThreshold::from_dw0(FeatureValue::to_cdw11(&t)), t);
    }

    #[test]
    fn timestamp_keeps_48_bits(ms in any::<u64>(), attributes in any::<u8>()) {
        let mut t = Timestamp::new(ms);
        prop_assert_eq!(t.millis(), ms & ((1 << 48) - 1));
        t.attributes = attributes;
        let back = Timestamp::parse(t.as_bytes()).unwrap();
        prop_assert_eq!(back, t);
        prop_assert_eq!((back.synch(), back.origin()), (attributes & 1 != 0, (attributes >> 1) & 7));
        prop_assert!(Timestamp::parse(&t.as_bytes()[..7]).is_err());
    }
}
