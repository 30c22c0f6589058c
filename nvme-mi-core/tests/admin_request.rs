//! Admin command tunnelling requests: the conformance vector, Repr and builder round trips,
//! truncation and corruption.

use nvme_mi_core::mi::admin::*;
use nvme_mi_core::mi::{Csi, Error, Message};
use proptest::prelude::*;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// `mi-admin-identify-ctrl-req` from tests/vectors/vectors.json.
const IDENTIFY_CTRL_REQ: &str = "84 10 00 00 06 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 9c d6 53 ed";

#[test]
fn vector_identify_controller() {
    let want = hex(IDENTIFY_CTRL_REQ);
    let repr = AdminRequestRepr::for_command(0, &Identify::controller());
    let mut out = [0u8; 128];
    let n = repr.emit_message(&[], &mut out).unwrap();
    assert_eq!(&out[..n], &want[..]);
    assert_eq!(n, AdminRequestRepr::buffer_len(0));

    let view = AdminRequest::new_checked(&want[..]).unwrap();
    view.message().check_mic().unwrap();
    let parsed = AdminRequestRepr::parse(&view).unwrap();
    assert_eq!(parsed, repr);
    assert_eq!(parsed.opcode, AdminOpcode::Identify);
    assert_eq!((parsed.ctlid, parsed.dofst, parsed.dlen), (0, 0, 4096));
    assert_eq!(Identify::from_request(&parsed), Ok(Identify::controller()));
    assert_eq!(
        GetLogPage::from_request(&parsed),
        Err(Error::InvalidField),
        "opcode is checked"
    );
    assert!(view.data().is_empty());
}

#[test]
fn every_prefix_is_an_error() {
    let want = hex(IDENTIFY_CTRL_REQ);
    for n in 0..want.len() {
        let prefix = &want[..n];
        let bad = AdminRequest::new_checked(prefix).is_err()
            || Message::new_checked(prefix)
                .and_then(|m| m.check_mic())
                .is_err();
        assert!(bad, "prefix of {n} bytes accepted");
    }
}

#[test]
fn every_bit_flip_breaks_the_mic() {
    let want = hex(IDENTIFY_CTRL_REQ);
    for i in 0..want.len() {
        for b in 0..8 {
            let mut m = want.clone();
            m[i] ^= 1 << b;
            let ok = Message::new_checked(&m[..]).and_then(|m| m.check_mic());
            assert!(ok.is_err(), "byte {i} bit {b}");
        }
    }
}

#[test]
fn view_setters_match_repr() {
    let mut buf = [0u8; 80];
    let repr = AdminRequestRepr {
        csi: Csi::Slot1,
        opcode: AdminOpcode::SetFeatures,
        ctlid: 0x0102,
        nsid: 0x0304_0506,
        dlen: 8,
        cdw10: 0x0e,
        ..Default::default()
    };
    let n = repr
        .emit_message(&[1, 2, 3, 4, 5, 6, 7, 8], &mut buf)
        .unwrap();
    assert_eq!(n, 80);
    let mut view = AdminRequest::new_checked(&mut buf[..]).unwrap();
    assert_eq!(view.data(), &[1, 2, 3, 4, 5, 6, 7, 8]);
    assert_eq!(view.ctlid(), 0x0102);
    assert_eq!(&view.message().as_bytes()[6..12], &[2, 1, 6, 5, 4, 3]);
    view.set_cdw12(0xdead_beef);
    view.data_mut()[0] = 9;
    let again = AdminRequestRepr::parse(&view).unwrap();
    assert_eq!(again.cdw12, 0xdead_beef);
    assert_eq!(view.data()[0], 9);
}

#[test]
fn emit_limits() {
    let repr = AdminRequestRepr::default();
    let mut small = [0u8; 71];
    assert_eq!(
        repr.emit_message(&[], &mut small),
        Err(Error::BufferTooSmall)
    );
    let mut big = vec![0u8; 5000];
    assert_eq!(repr.emit_message(&[0; 4097], &mut big), Err(Error::TooLong));
    assert_eq!(repr.emit_message(&[0; 4096], &mut big), Ok(4096 + 72));
}

fn arb_repr() -> impl Strategy<Value = AdminRequestRepr> {
    (
        (
            any::<bool>(),
            any::<bool>(),
            any::<bool>(),
            any::<u8>(),
            0u8..8,
            any::<u16>(),
        ),
        prop::array::uniform6(any::<u32>()),
        prop::array::uniform8(any::<u32>()),
    )
        .prop_map(
            |((csi, meb, ciap, opc, fl, ctlid), a, b)| AdminRequestRepr {
                csi: if csi { Csi::Slot1 } else { Csi::Slot0 },
                meb,
                ciap,
                opcode: AdminOpcode::from_u8(opc),
                cflgs: Cflgs::from_u8(fl),
                ctlid,
                nsid: a[0],
                cdw2: a[1],
                cdw3: a[2],
                cdw4: a[3],
                cdw5: a[4],
                dofst: a[5],
                dlen: b[0],
                cdw10: b[1],
                cdw11: b[2],
                cdw12: b[3],
                cdw13: b[4],
                cdw14: b[5],
                cdw15: b[6],
            },
        )
}

/// Decode `repr` as `C`, encode it again, and check that the same command comes back.
fn builder_round_trip<C: AdminCommand + PartialEq + core::fmt::Debug>(repr: &AdminRequestRepr) {
    let cmd = C::decode(repr);
    let mut again = AdminRequestRepr::for_command(repr.ctlid, &cmd);
    assert_eq!(again.opcode, C::OPCODE);
    assert_eq!(C::decode(&again), cmd);
    // Through the wire as well.
    let mut buf = [0u8; 72];
    again.csi = repr.csi;
    again.emit_message(&[], &mut buf).unwrap();
    let view = AdminRequest::new_checked(&buf[..]).unwrap();
    let parsed = AdminRequestRepr::parse(&view).unwrap();
    assert_eq!(parsed, again);
    assert_eq!(C::from_request(&parsed).unwrap(), cmd);
}

proptest! {
    #[test]
    fn repr_round_trip(repr in arb_repr(), data in prop::collection::vec(any::<u8>(), 0..64)) {
        let mut buf = [0u8; 160];
        let n = repr.emit_message(&data, &mut buf).unwrap();
        prop_assert_eq!(n, AdminRequestRepr::buffer_len(data.len()));
        let view = AdminRequest::new_checked(&buf[..n]).unwrap();
        view.message().check_mic().unwrap();
        prop_assert_eq!(AdminRequestRepr::parse(&view).unwrap(), repr);
        prop_assert_eq!(view.data(), &data[..]);
    }

    #[test]
    fn builders_round_trip(repr in arb_repr()) {
        builder_round_trip::<Identify>(&repr);
        builder_round_trip::<GetLogPage>(&repr);
        builder_round_trip::<GetFeatures>(&repr);
        builder_round_trip::<SetFeatures>(&repr);
        builder_round_trip::<FirmwareImageDownload>(&repr);
        builder_round_trip::<FirmwareCommit>(&repr);
        builder_round_trip::<FormatNvm>(&repr);
        builder_round_trip::<Sanitize>(&repr);
        builder_round_trip::<SecuritySend>(&repr);
        builder_round_trip::<SecurityReceive>(&repr);
        builder_round_trip::<NamespaceManagement>(&repr);
        builder_round_trip::<NamespaceAttachment>(&repr);
        builder_round_trip::<DeviceSelfTest>(&repr);
    }

    #[test]
    fn view_never_panics(bytes in prop::collection::vec(any::<u8>(), 0..200)) {
        if let Ok(v) = AdminRequest::new_checked(&bytes[..]) {
            let _ = AdminRequestRepr::parse(&v);
            let _ = v.data();
        }
    }

    #[test]
    fn temperature_threshold_round_trip(v in any::<u32>()) {
        let t = TemperatureThreshold::from_cdw11(v);
        prop_assert_eq!(t.to_cdw11(), v & 0x01ff_ffff);
        prop_assert_eq!(TemperatureThreshold::from_cdw11(t.to_cdw11()), t);
    }

    #[test]
    fn log_chunks_cover(len in 0u32..100_000, lpo in 0u64..1_000_000, rae in any::<bool>()) {
        let base = GetLogPage { lpo: lpo * 4, rae, ..GetLogPage::new(Lid::PersistentEvent, 4) };
        let mut next = base.lpo;
        let mut count = 0;
        let total = u64::from(len.div_ceil(4) * 4);
        let chunks: Vec<_> = base.chunks(len).collect();
        for (i, c) in chunks.iter().enumerate() {
            prop_assert_eq!(c.lpo, next);
            prop_assert!(c.len_bytes() <= 4096);
            prop_assert_eq!(c.rae, if i + 1 == chunks.len() { rae } else { true });
            next += c.len_bytes();
            count += c.len_bytes();
        }
        prop_assert_eq!(count, total);
    }

    #[test]
    fn firmware_chunks_cover(dwords in 0usize..10_000, chunk in 4usize..9000) {
        let len = dwords * 4;
        let mut next = 0;
        for (cmd, range) in FirmwareImageDownload::chunks(len, chunk).unwrap() {
            prop_assert_eq!(range.start, next);
            prop_assert_eq!(cmd.offset_bytes(), range.start as u64);
            prop_assert_eq!(cmd.len_bytes(), range.len() as u64);
            prop_assert!(range.len() <= 4096 && range.len() <= chunk);
            next = range.end;
        }
        prop_assert_eq!(next, len);
    }
}

#[test]
fn builder_encodings() {
    // Field positions from NVMe Base 2.x.
    let r = |c: &dyn Fn(&mut AdminRequestRepr)| {
        let mut r = AdminRequestRepr::default();
        c(&mut r);
        r
    };
    let g = GetLogPage {
        lsp: 0x7f,
        rae: true,
        lsi: 0xabcd,
        lpo: 0x1_0000_0200,
        uuid_index: 0x7f,
        ot: true,
        csi: 2,
        ..GetLogPage::new(Lid::SmartHealth, 512)
    };
    let e = r(&|x| g.encode(x));
    assert_eq!(e.cdw10, 0x007f_ff02);
    assert_eq!(e.cdw11, 0xabcd_0000);
    assert_eq!((e.cdw12, e.cdw13), (0x200, 1));
    assert_eq!(e.cdw14, 0x0280_007f);
    assert_eq!(e.nsid, 0xffff_ffff);

    let f = FirmwareCommit {
        fs: 2,
        ca: CommitAction::ReplaceAndActivate,
        bpid: true,
    };
    assert_eq!(r(&|x| f.encode(x)).cdw10, 0x8000_000a);

    let fmt = FormatNvm {
        mset: true,
        pi: 1,
        pil: true,
        ses: SecureEraseSettings::CryptographicErase,
        ..FormatNvm::new(1, 0x23)
    };
    assert_eq!(fmt.format_index(), 0x23);
    assert_eq!(
        r(&|x| fmt.encode(x)).cdw10,
        0x2000 | 0x400 | 0x100 | 0x20 | 0x10 | 0x3
    );

    let s = Sanitize {
        ause: true,
        owpass: 0xf,
        oipbp: true,
        nodas: true,
        ovrpat: 0x5555_aaaa,
        ..Sanitize::new(Sanact::Overwrite)
    };
    let e = r(&|x| s.encode(x));
    assert_eq!((e.cdw10, e.cdw11), (0x3fb, 0x5555_aaaa));

    let sr = SecurityReceive {
        protocol: SecurityProtocol {
            secp: 0xea,
            spsp: 0x0201,
            nssf: 0x05,
        },
        al: 512,
    };
    assert_eq!(sr.protocol.spsp0(), 1);
    assert_eq!(sr.protocol.spsp1(), 2);
    let e = AdminRequestRepr::for_command(0, &sr);
    assert_eq!(
        (e.opcode.to_u8(), e.cdw10, e.cdw11, e.dlen),
        (0x82, 0xea02_0105, 512, 512)
    );

    let nm = NamespaceManagement {
        sel: NsManagementSel::Delete,
        nsid: 7,
        csi: 2,
    };
    let e = AdminRequestRepr::for_command(0, &nm);
    assert_eq!((e.nsid, e.cdw10, e.cdw11, e.dlen), (7, 1, 0x0200_0000, 0));
    let na = NamespaceAttachment {
        sel: NsAttachmentSel::Detach,
        nsid: 3,
    };
    let e = AdminRequestRepr::for_command(0, &na);
    assert_eq!((e.opcode.to_u8(), e.cdw10, e.dlen), (0x15, 1, 4096));
    let st = DeviceSelfTest {
        nsid: 0xffff_ffff,
        stc: Stc::Extended,
    };
    assert_eq!(AdminRequestRepr::for_command(0, &st).cdw10, 2);
    let gf = GetFeatures::temperature_threshold(3, Thsel::Under);
    let e = AdminRequestRepr::for_command(0, &gf);
    assert_eq!((e.cdw10, e.cdw11), (4, 0x0013_0000));
    let ts = GetFeatures::new(Fid::Timestamp, Sel::Current);
    assert_eq!(ts.data_transfer(), DataTransfer::DeviceToHost(8));
    let caps = GetFeatures::new(Fid::Timestamp, Sel::SupportedCapabilities);
    assert_eq!(caps.data_transfer(), DataTransfer::None);
    let hid = SetFeatures::new(Fid::HostIdentifier, 1, false);
    assert_eq!(hid.data_transfer(), DataTransfer::HostToDevice(16));
}
