//! Typed views of Admin data (Identify Controller and Namespace, SMART, Error, Firmware Slot,
//! Supported Log Pages, Commands Supported and Effects, Device Self-test and Sanitize Status
//! logs, the Namespace Identification Descriptor list) and of feature values: `view` and
//! `read` at any alignment and length.
//!
//! Checks: both succeed exactly when the input is at least the structure's size, and agree
//! with the input bytes; every accessor is total; the ASCII fields trim to a prefix of the
//! field that survives `set_ascii` and trimming again; descriptors lie inside the input and
//! follow each other; a feature value decoded from any dword encodes to a dword that decodes
//! to the same value.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mi::admin::{
    Arbitration, AsyncEventConfig, ErrorRecovery, FeatureValue, InterruptCoalescing,
    InterruptVectorConfig, NumberOfQueues, PowerManagement, TemperatureThreshold, Timestamp,
    VolatileWriteCache, WriteAtomicityNormal,
};
use nvme_mi_core::mi::admin_data::{
    set_ascii, trim_ascii, AdminData, CommandsEffectsLog, ErrorLogEntry, FirmwareSlotLog,
    IdentifyController, IdentifyNamespace, NsIdDescriptors, SanitizeStatusLog, SelfTestLog,
    SmartLog, SupportedLogPages,
};
use zerocopy::IntoBytes;

fn check<T: AdminData + IntoBytes>(data: &[u8]) -> Option<T> {
    let v = T::view(data);
    let r = T::read(data);
    assert_eq!(v.is_ok(), data.len() >= T::SIZE);
    assert_eq!(r.is_ok(), data.len() >= T::SIZE);
    let (v, r) = (v.ok()?, r.ok()?);
    assert_eq!(v.as_bytes(), &data[..T::SIZE]);
    assert_eq!(r.as_bytes(), &data[..T::SIZE]);
    Some(r)
}

fn ascii(field: &[u8]) {
    let t = trim_ascii(field);
    assert!(field.starts_with(t.as_bytes()), "trim gives a prefix");
    let mut f = field.to_vec();
    set_ascii(&mut f, t);
    assert_eq!(trim_ascii(&f), t, "trim(set(trim(x))) == trim(x)");
}

fuzz_target!(|data: &[u8]| {
    // An odd offset: views must not need alignment.
    let data = data.get(1..).unwrap_or_default();
    if let Some(id) = check::<IdentifyController>(data) {
        for f in [&id.sn[..], &id.mn[..], &id.fr[..], &id.subnqn[..]] {
            ascii(f);
        }
        let _ = (id.sn(), id.mn(), id.fr(), id.subnqn(), id.ieee_oui());
        let _ = (
            id.is_storage_device(),
            id.is_enclosure(),
            id.vpd_write_cycles_remaining(),
        );
        for mps in [0, 1, 4096, u64::MAX] {
            let _ = id.max_transfer_bytes(mps);
        }
    }
    if let Some(ns) = check::<IdentifyNamespace>(data) {
        assert!(ns.flbas_index() < 64);
        if let Some(f) = ns.current_lba_format() {
            if let Some(bs) = f.block_size() {
                assert!(bs >= 512 && bs.is_power_of_two());
            }
        }
        for f in &ns.lbaf {
            let _ = f.block_size();
        }
    }
    if let Some(s) = check::<SmartLog>(data) {
        let _ = (
            s.warnings(),
            s.temperature_celsius(),
            s.composite_temperature(),
        );
    }
    if let Some(e) = check::<ErrorLogEntry>(data) {
        let _ = e.status();
    }
    if let Some(fw) = check::<FirmwareSlotLog>(data) {
        assert!(fw.active_slot() <= 7 && fw.next_slot() <= 7);
        for slot in 0..=8 {
            if let Some(r) = fw.revision(slot) {
                assert!(r.len() <= 8);
            }
        }
        for f in &fw.frs {
            ascii(f);
        }
    }
    if let Some(l) = check::<SupportedLogPages>(data) {
        assert!(l.iter().all(|(lid, _)| l.supported(lid)));
    }
    if let Some(l) = check::<CommandsEffectsLog>(data) {
        for (op, e) in l.admin_commands().chain(l.io_commands()) {
            let _ = (op, e.cse());
        }
    }
    if let Some(l) = check::<SelfTestLog>(data) {
        assert!(l.operation() <= 0xf && l.completion() <= 100 + 27);
        for r in &l.results {
            let _ = (r.valid_nsid(), r.valid_flba(), r.valid_sct(), r.valid_sc());
            assert!(r.result() <= 0xf && r.code() <= 0xf);
        }
    }
    if let Some(l) = check::<SanitizeStatusLog>(data) {
        assert!(l.status() <= 7 && l.passes() <= 31);
    }
    let mut next = 0;
    for d in NsIdDescriptors::new(data) {
        let Ok(d) = d else { break };
        assert_eq!(d.offset, next, "descriptors follow each other");
        assert!(d.nidl() > 0 && d.offset + 4 + d.nid.len() <= data.len());
        let _ = d.id();
        next = d.offset + 4 + d.nid.len();
    }
    if let Ok(t) = Timestamp::parse(data) {
        assert!(t.millis() < 1 << 48 && t.origin() <= 7);
    }
    if let Some(w) = data.get(..4) {
        let dw = u32::from_le_bytes([w[0], w[1], w[2], w[3]]);
        feature::<Arbitration>(dw);
        feature::<PowerManagement>(dw);
        feature::<TemperatureThreshold>(dw);
        feature::<ErrorRecovery>(dw);
        feature::<VolatileWriteCache>(dw);
        feature::<NumberOfQueues>(dw);
        feature::<InterruptCoalescing>(dw);
        feature::<InterruptVectorConfig>(dw);
        feature::<WriteAtomicityNormal>(dw);
        feature::<AsyncEventConfig>(dw);
    }
});

fn feature<F: FeatureValue + PartialEq + core::fmt::Debug>(dw: u32) {
    let v = F::from_dw0(dw);
    assert_eq!(F::from_dw0(v.to_cdw11()), v);
}
