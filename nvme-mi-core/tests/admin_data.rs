//! Admin data views: sizes, the NVMe Base 2.x field offsets, unaligned parsing and building.

use nvme_mi_core::mi::admin::{NvmeStatus, Sct};
use nvme_mi_core::mi::admin_data::*;
use nvme_mi_core::mi::command::CriticalWarning;
use nvme_mi_core::mi::Error;
use zerocopy::{FromZeros, IntoBytes};

#[test]
fn sizes() {
    assert_eq!(IdentifyController::SIZE, 4096);
    assert_eq!(IdentifyNamespace::SIZE, 4096);
    assert_eq!(SmartLog::SIZE, 512);
    assert_eq!(ErrorLogEntry::SIZE, 64);
    assert_eq!(FirmwareSlotLog::SIZE, 512);
    assert_eq!(SupportedLogPages::SIZE, 1024);
    assert_eq!(CommandsEffectsLog::SIZE, 4096);
    assert_eq!(SelfTestLog::SIZE, 564);
    assert_eq!(SanitizeStatusLog::SIZE, 512);
    assert_eq!(NsIdDescriptorList::SIZE, 4096);
    assert_eq!(core::mem::size_of::<PowerStateDescriptor>(), 32);
    assert_eq!(core::mem::size_of::<LbaFormat>(), 4);
}

#[test]
fn identify_controller_offsets_by_bytes() {
    // Digest E.6, checked by writing a marker at each offset and reading the field.
    let mut raw = vec![0u8; 4096 + 1];
    let b = &mut raw[1..]; // deliberately misaligned
    b[0..2].copy_from_slice(&0x144du16.to_le_bytes());
    b[4..24].copy_from_slice(b"S5GXNG0N000000      ");
    b[24..64].fill(b' ');
    b[24..41].copy_from_slice(b"Samsung SSD 980PR");
    b[64..72].copy_from_slice(b"5B2QGXA7");
    b[77] = 9;
    b[78..80].copy_from_slice(&0x0041u16.to_le_bytes());
    b[80..84].copy_from_slice(&0x0001_0400u32.to_le_bytes());
    b[253] = 0x01;
    b[254] = 0x83;
    b[255] = 0x03;
    b[266..268].copy_from_slice(&355u16.to_le_bytes());
    b[516..520].copy_from_slice(&32u32.to_le_bytes());
    b[2048..2050].copy_from_slice(&800u16.to_le_bytes());
    let id = IdentifyController::view(&raw[1..]).unwrap();
    assert_eq!(id.vid.get(), 0x144d);
    assert_eq!(id.sn(), "S5GXNG0N000000");
    assert_eq!(id.mn(), "Samsung SSD 980PR");
    assert_eq!(id.fr(), "5B2QGXA7");
    assert_eq!(id.mdts, 9);
    assert_eq!(id.cntlid.get(), 0x41);
    assert_eq!(id.ver.get(), 0x0001_0400);
    assert!(id.is_storage_device());
    assert_eq!(id.vpd_write_cycles_remaining(), Some(3));
    assert_eq!(id.mec, 3);
    assert_eq!(id.wctemp.get(), 355);
    assert_eq!(id.nn.get(), 32);
    assert_eq!(id.psd[0].mxps.get(), 800);
    let copy = IdentifyController::read(&raw[1..]).unwrap();
    assert_eq!(&copy, id);
    assert_eq!(copy.as_bytes(), &raw[1..]);
}

#[test]
fn short_input_is_truncated() {
    let raw = [0u8; 4096];
    for n in [0, 1, 63, 511, 4095] {
        assert_eq!(
            IdentifyController::view(&raw[..n]).err(),
            Some(Error::Truncated)
        );
        assert_eq!(
            IdentifyNamespace::read(&raw[..n]).err(),
            Some(Error::Truncated)
        );
    }
    assert_eq!(SmartLog::view(&raw[..511]).err(), Some(Error::Truncated));
    assert_eq!(
        ErrorLogEntry::view(&raw[..63]).err(),
        Some(Error::Truncated)
    );
    assert_eq!(
        FirmwareSlotLog::read(&raw[..100]).err(),
        Some(Error::Truncated)
    );
    assert!(SmartLog::view(&raw[..512]).is_ok());
}

#[test]
fn smart_log_offsets_by_bytes() {
    let mut b = [0u8; 513];
    let s = &mut b[1..];
    s[0] = 0x02;
    s[1..3].copy_from_slice(&310u16.to_le_bytes());
    s[3] = 100;
    s[5] = 7;
    s[32] = 0x10;
    s[128..144].copy_from_slice(&(1u128 << 100 | 1234).to_le_bytes());
    s[176] = 5;
    s[200..202].copy_from_slice(&305u16.to_le_bytes());
    let log = SmartLog::view(&b[1..]).unwrap();
    assert!(log.warnings().contains(CriticalWarning::TAUT));
    assert_eq!(log.temperature.get(), 310);
    assert_eq!(log.temperature_celsius(), 37);
    assert_eq!(log.avail_spare, 100);
    assert_eq!(log.percent_used, 7);
    assert_eq!(log.data_units_read.get(), 0x10);
    assert_eq!(log.power_on_hours.get(), 1u128 << 100 | 1234);
    assert_eq!(log.num_err_log_entries.get(), 5);
    assert_eq!(log.temperature_sensor[0].get(), 305);
}

#[test]
fn build_and_parse_every_view() {
    let mut ns = IdentifyNamespace::new_zeroed();
    ns.nsze.set(1 << 30);
    ns.nlbaf = 1;
    ns.lbaf[1] = LbaFormat::new(0, 12, 0);
    ns.flbas = 1;
    ns.nguid = [0xab; 16];
    let back = IdentifyNamespace::read(ns.as_bytes()).unwrap();
    assert_eq!(back, ns);
    assert_eq!(back.current_lba_format().unwrap().block_size(), Some(4096));

    let mut e = ErrorLogEntry::new_zeroed();
    e.error_count.set(3);
    // Invalid Field in Command with DNR, phase tag set.
    e.status_field.set((0x4002 << 1) | 1);
    e.parm_error_location.set(0x0128);
    let back = ErrorLogEntry::view(e.as_bytes()).unwrap();
    assert_eq!(
        back.status(),
        NvmeStatus {
            dnr: true,
            ..NvmeStatus::new(Sct::Generic, 2)
        }
    );
    assert_eq!(back.error_count.get(), 3);

    let mut fw = FirmwareSlotLog::new_zeroed();
    fw.afi = 1;
    fw.set_revision(1, "GDC7302Q");
    let back = FirmwareSlotLog::view(fw.as_bytes()).unwrap();
    assert_eq!(back.revision(1), Some("GDC7302Q"));
    assert_eq!(back.as_bytes()[8..16], *b"GDC7302Q");
}

#[test]
fn log_offsets_by_bytes() {
    // Self-test log: result n at 4 + 28 n; NSID at +12, FLBA at +16, SCT/SC at +24/+25.
    let mut b = vec![0u8; 565];
    let st = &mut b[1..];
    st[0] = 2;
    st[1] = 55;
    let r = &mut st[4 + 28..4 + 56];
    r[0] = 0x27;
    r[1] = 3;
    r[2] = 0x0f;
    r[4..12].copy_from_slice(&1000u64.to_le_bytes());
    r[12..16].copy_from_slice(&7u32.to_le_bytes());
    r[16..24].copy_from_slice(&0x1234u64.to_le_bytes());
    r[24] = 2;
    r[25] = 0x81;
    let log = SelfTestLog::view(&b[1..]).unwrap();
    assert_eq!((log.operation(), log.completion()), (2, 55));
    let r = &log.results[1];
    assert_eq!((r.code(), r.result(), r.seg, r.poh.get()), (2, 7, 3, 1000));
    assert_eq!(
        (r.valid_nsid(), r.valid_flba(), r.valid_sct(), r.valid_sc()),
        (Some(7), Some(0x1234), Some(2), Some(0x81))
    );
    assert_eq!(log.results[0].valid_nsid(), None);

    // Sanitize Status: SSTAT at 2, SCDW10 at 4, the estimates from 8.
    let mut s = vec![0u8; 512];
    s[2..4].copy_from_slice(&0x0113u16.to_le_bytes());
    s[4..8].copy_from_slice(&0x204u32.to_le_bytes());
    s[28..32].copy_from_slice(&99u32.to_le_bytes());
    let log = SanitizeStatusLog::view(&s).unwrap();
    assert_eq!(
        (log.status(), log.passes(), log.global_data_erased()),
        (3, 2, true)
    );
    assert_eq!((log.scdw10.get(), log.etcend.get()), (0x204, 99));

    // Effects: ACS at opcode × 4, IOCS from 1024.
    let mut e = vec![0u8; 4096];
    e[0x06 * 4] = 1;
    e[1024 + 0x02 * 4..1024 + 0x02 * 4 + 4].copy_from_slice(&0x0001_0001u32.to_le_bytes());
    let log = CommandsEffectsLog::view(&e).unwrap();
    assert_eq!(
        log.admin_commands().map(|(op, _)| op).collect::<Vec<_>>(),
        [6]
    );
    assert_eq!(log.io(0x02).cse(), 1);

    // Supported log pages: LID × 4.
    let mut l = vec![0u8; 1024];
    l[0x81 * 4] = 3;
    let log = SupportedLogPages::view(&l).unwrap();
    assert_eq!(log.iter().collect::<Vec<_>>(), [(0x81, 3)]);
    assert_eq!(log.get(0x81) & IOS, IOS);

    // Each view refuses one byte too few.
    assert_eq!(SelfTestLog::view(&b[1..564]).unwrap_err(), Error::Truncated);
    assert_eq!(
        SanitizeStatusLog::read(&s[..511]).unwrap_err(),
        Error::Truncated
    );
    assert_eq!(
        CommandsEffectsLog::view(&e[..4095]).unwrap_err(),
        Error::Truncated
    );
    assert_eq!(
        SupportedLogPages::view(&l[..1023]).unwrap_err(),
        Error::Truncated
    );
}

proptest::proptest! {
    #[test]
    fn ns_descriptors_read_back(ids in proptest::collection::vec(
        (1u8..=8, proptest::collection::vec(proptest::prelude::any::<u8>(), 1..40)), 0..12)) {
        let mut list = NsIdDescriptorList::new_zeroed();
        let mut at = 0;
        let mut put = Vec::new();
        for (nidt, nid) in &ids {
            match list.put(at, *nidt, nid) {
                Ok(next) => {
                    put.push((at, *nidt, nid.clone()));
                    at = next;
                }
                Err(e) => proptest::prop_assert_eq!(e, Error::TooLong),
            }
        }
        let got: Vec<_> = list
            .iter()
            .map(|d| d.map(|d| (d.offset, d.nidt, d.nid.to_vec())))
            .collect::<Result<_, _>>()
            .unwrap();
        proptest::prop_assert_eq!(got, put);
        // Cut anywhere, the list reads as a prefix of itself, then at most one error.
        for cut in [0, 3, at / 2, at.saturating_sub(1)] {
            let mut seen = 0;
            for d in NsIdDescriptors::new(&list.data[..cut]) {
                match d {
                    Ok(d) => proptest::prop_assert!(d.offset + 4 + d.nid.len() <= cut),
                    Err(e) => proptest::prop_assert_eq!(e, Error::Truncated),
                }
                seen += 1;
            }
            proptest::prop_assert!(seen <= list.iter().count() + 1);
        }
    }
}
