//! Typed views of Admin data (Identify Controller and Namespace, SMART, Error and Firmware
//! Slot logs): `view` and `read` at any alignment and length.
//!
//! Checks: both succeed exactly when the input is at least the structure's size, and agree
//! with the input bytes; every accessor is total; the ASCII fields trim to a prefix of the
//! field that survives `set_ascii` and trimming again.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mi::admin_data::{
    set_ascii, trim_ascii, AdminData, ErrorLogEntry, FirmwareSlotLog, IdentifyController,
    IdentifyNamespace, SmartLog,
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
});
