//! PCIe Command Set (NMIMT 4): field placement, responder rejections, round trips of
//! requests and responses, truncation.

use nvme_mi_core::mi::pcie::*;
use nvme_mi_core::mi::status::{ParameterErrorLocation, Rejection, ResponseStatus, StatusInfo};
use nvme_mi_core::mi::{Csi, Error, Message};
use proptest::prelude::*;

#[test]
fn memory_write_layout() {
    let data = [1, 2, 3, 4, 5];
    let req = PcieRequestRepr {
        csi: Csi::Slot1,
        ctlid: 0x0102,
        command: PcieCommand::MemoryWrite {
            bar: Bar(2),
            offset: 0x1122_3344_5566_7788,
            data: &data,
        },
    };
    let mut out = [0u8; 40];
    let n = req.emit_message(&mut out).unwrap();
    assert_eq!(n, req.buffer_len());
    assert_eq!(n, 20 + 8 + 4);
    assert_eq!(
        &out[..28],
        &[
            0x84, 0x21, 0, 0, // header: NMIMT 4, slot 1
            0x03, 0, 0x02, 0x01, // OPC, reserved, CTLID
            5, 0, 2, 0, // NMD0: LENGTH 5, BAR 2
            0x88, 0x77, 0x66, 0x55, // NMD1: OFFSET 31:0
            0x44, 0x33, 0x22, 0x11, // NMD2: OFFSET 63:32
            1, 2, 3, 4, 5, 0, 0, 0, // data padded to a dword
        ]
    );
    let msg = Message::new_checked(&out[..n]).unwrap();
    msg.check_mic().unwrap();
    assert_eq!(PcieRequestRepr::parse(&msg), Ok(req));
    let view = PcieRequest::new_checked(&out[..n]).unwrap();
    assert_eq!(view.opcode(), PcieOpcode::MemoryWrite);
    assert_eq!(view.ctlid(), 0x0102);
    assert_eq!(view.nmd0(), 0x0002_0005);
    assert_eq!(view.nmd2(), 0x1122_3344);
    assert_eq!(view.data(), &[1, 2, 3, 4, 5, 0, 0, 0]);
}

#[test]
fn config_read_response() {
    let req = PcieRequestRepr {
        csi: Csi::Slot0,
        ctlid: 0,
        command: PcieCommand::ConfigRead {
            offset: 0,
            length: 6,
        },
    };
    let read = [0x4d, 0x14, 0x08, 0xa8, 0x06, 0x04];
    let resp = PcieResponseRepr::answering(&req, &read);
    let mut out = [0u8; 24];
    let n = resp.emit_message(&mut out).unwrap();
    assert_eq!(n, 8 + 8 + 4);
    assert_eq!(
        &out[..16],
        &[0x84, 0xa0, 0, 0, 0, 0, 0, 0, 0x4d, 0x14, 0x08, 0xa8, 0x06, 0x04, 0, 0]
    );
    let msg = Message::new_checked(&out[..n]).unwrap();
    msg.check_mic().unwrap();
    assert_eq!(PcieResponseRepr::parse(&msg, 6), Ok(resp));
    // The requester expecting another length sees the inconsistency.
    assert_eq!(
        PcieResponseRepr::parse(&msg, 12),
        Err(Error::InconsistentLength)
    );
    // PCIe Inaccessible: no data.
    let err = Rejection::Other(ResponseStatus::PcieInaccessible);
    let mut e = [0u8; 12];
    err.emit_response(&req.header(), &mut e).unwrap();
    assert_eq!(&e[..8], &[0x84, 0xa0, 0, 0, 0x21, 0, 0, 0]);
    let em = Message::new_checked(&e[..]).unwrap();
    let back = PcieResponseRepr::parse(&em, 6).unwrap();
    assert_eq!(
        back.info,
        StatusInfo::Other(ResponseStatus::PcieInaccessible)
    );
    assert!(back.data.is_empty());
    // Wrong message type.
    let mut mi = out;
    mi[1] = 0x88;
    assert_eq!(
        PcieResponseRepr::parse(&Message::new_checked(&mi[..n]).unwrap(), 6),
        Err(Error::WrongNmimt(1))
    );
}

fn request_bytes(opc: u8, nmd0: u32, nmd1: u32, nmd2: u32, data: &[u8]) -> Vec<u8> {
    let mut v = vec![0x84, 0x20, 0, 0, opc, 0, 0, 0];
    v.extend_from_slice(&nmd0.to_le_bytes());
    v.extend_from_slice(&nmd1.to_le_bytes());
    v.extend_from_slice(&nmd2.to_le_bytes());
    v.extend_from_slice(data);
    v.extend_from_slice(&[0; 4]);
    v
}

fn parse(bytes: &[u8]) -> Result<PcieRequestRepr<'static>, Rejection> {
    // Leaked so the borrowed Repr can outlive the message view in this helper.
    let msg: &'static Message<Vec<u8>> =
        Box::leak(Box::new(Message::new_checked(bytes.to_vec()).unwrap()));
    PcieRequestRepr::parse(msg)
}

#[test]
fn responder_rejections() {
    let at = |byte, bit| Rejection::InvalidParameter(ParameterErrorLocation::new(byte, bit));
    // Short header.
    let short = [0x84, 0x20, 0, 0, 0, 0, 0, 0, 4, 0, 0, 0, 0, 0, 0, 0];
    assert_eq!(parse(&short), Err(Rejection::InvalidCommandSize));
    // Reserved opcode.
    assert_eq!(
        parse(&request_bytes(6, 4, 0, 0, &[])),
        Err(Rejection::InvalidCommandOpcode)
    );
    // Data on a read; data not matching LENGTH on a write.
    assert_eq!(
        parse(&request_bytes(0, 4, 0, 0, &[0; 4])),
        Err(Rejection::InvalidCommandInputDataSize)
    );
    assert_eq!(
        parse(&request_bytes(1, 5, 0, 0, &[0; 4])),
        Err(Rejection::InvalidCommandInputDataSize)
    );
    assert_eq!(
        parse(&request_bytes(1, 5, 0, 0, &[0; 12])),
        Err(Rejection::InvalidCommandInputDataSize)
    );
    // Configuration access past 4 KiB: Invalid Parameter at OFFSET (byte 12).
    assert_eq!(parse(&request_bytes(0, 8, 0xffc, 0, &[])), Err(at(12, 0)));
    assert!(parse(&request_bytes(0, 4, 0xffc, 0, &[])).is_ok());
    // Reserved BAR: Invalid Parameter at NMD0 bit 16 (byte 10, bit 0).
    assert_eq!(
        parse(&request_bytes(2, 0x0006_0004, 0, 0, &[])),
        Err(at(10, 0))
    );
    assert_eq!(
        parse(&request_bytes(5, 0x0007_0000, 0, 0, &[])),
        Err(at(10, 0))
    );
    // A read longer than a response can carry: Invalid Parameter at LENGTH.
    assert_eq!(
        parse(&request_bytes(4, 0x0000_1001, 0, 0, &[])),
        Err(at(8, 0))
    );
    // Reserved bits are ignored: NMD0 31:19, configuration NMD1 31:12 and NMD2.
    let ok = parse(&request_bytes(
        0,
        0xfff8_0004,
        0xffff_f010,
        0xdead_beef,
        &[],
    ))
    .unwrap();
    assert_eq!(
        ok.command,
        PcieCommand::ConfigRead {
            offset: 0x10,
            length: 4
        }
    );
    assert_eq!(
        parse(&request_bytes(4, 0x0001_0002, 0xcf8, 0x1234, &[]))
            .unwrap()
            .command,
        PcieCommand::IoRead {
            bar: Bar(1),
            offset: 0xcf8,
            length: 2
        }
    );
}

#[test]
fn encoder_limits() {
    let mut out = [0u8; 128];
    let bad = |command| {
        PcieRequestRepr {
            csi: Csi::Slot0,
            ctlid: 0,
            command,
        }
        .emit_message(&mut [0u8; 128])
    };
    assert_eq!(
        bad(PcieCommand::ConfigRead {
            offset: 0x1000,
            length: 4
        }),
        Err(Error::InvalidField)
    );
    assert_eq!(
        bad(PcieCommand::IoRead {
            bar: Bar(6),
            offset: 0,
            length: 4
        }),
        Err(Error::InvalidField)
    );
    let big = vec![0u8; 70_000];
    assert_eq!(
        bad(PcieCommand::MemoryWrite {
            bar: Bar(0),
            offset: 0,
            data: &big
        }),
        Err(Error::InvalidField)
    );
    let ok = PcieRequestRepr {
        csi: Csi::Slot0,
        ctlid: 0,
        command: PcieCommand::ConfigWrite {
            offset: 4,
            data: &[1, 2],
        },
    };
    assert_eq!(ok.emit_message(&mut out[..27]), Err(Error::BufferTooSmall));
    assert_eq!(ok.emit_message(&mut out), Ok(28));
}

fn csi() -> impl Strategy<Value = Csi> {
    any::<bool>().prop_map(|b| if b { Csi::Slot1 } else { Csi::Slot0 })
}

#[derive(Debug, Clone)]
enum Owned {
    ConfigRead(u16, u16),
    ConfigWrite(u16, Vec<u8>),
    MemoryRead(u8, u64, u16),
    MemoryWrite(u8, u64, Vec<u8>),
    IoRead(u8, u32, u16),
    IoWrite(u8, u32, Vec<u8>),
}

fn owned() -> impl Strategy<Value = Owned> {
    let data = proptest::collection::vec(any::<u8>(), 0..64);
    prop_oneof![
        (0u16..4096)
            .prop_flat_map(|o| (Just(o), 0..=(4096 - o)))
            .prop_map(|(o, l)| Owned::ConfigRead(o, l)),
        (0u16..4000, data.clone()).prop_map(|(o, d)| Owned::ConfigWrite(o, d)),
        (0u8..6, any::<u64>(), 0u16..=4096).prop_map(|(b, o, l)| Owned::MemoryRead(b, o, l)),
        (0u8..6, any::<u64>(), data.clone()).prop_map(|(b, o, d)| Owned::MemoryWrite(b, o, d)),
        (0u8..6, any::<u32>(), 0u16..=4096).prop_map(|(b, o, l)| Owned::IoRead(b, o, l)),
        (0u8..6, any::<u32>(), data).prop_map(|(b, o, d)| Owned::IoWrite(b, o, d)),
    ]
}

fn borrow(o: &Owned) -> PcieCommand<'_> {
    match o {
        Owned::ConfigRead(offset, length) => PcieCommand::ConfigRead {
            offset: *offset,
            length: *length,
        },
        Owned::ConfigWrite(offset, data) => PcieCommand::ConfigWrite {
            offset: *offset,
            data,
        },
        Owned::MemoryRead(b, offset, length) => PcieCommand::MemoryRead {
            bar: Bar(*b),
            offset: *offset,
            length: *length,
        },
        Owned::MemoryWrite(b, offset, data) => PcieCommand::MemoryWrite {
            bar: Bar(*b),
            offset: *offset,
            data,
        },
        Owned::IoRead(b, offset, length) => PcieCommand::IoRead {
            bar: Bar(*b),
            offset: *offset,
            length: *length,
        },
        Owned::IoWrite(b, offset, data) => PcieCommand::IoWrite {
            bar: Bar(*b),
            offset: *offset,
            data,
        },
    }
}

proptest! {
    #[test]
    fn request_round_trip(csi in csi(), ctlid in any::<u16>(), o in owned()) {
        let req = PcieRequestRepr { csi, ctlid, command: borrow(&o) };
        let mut out = vec![0u8; req.buffer_len()];
        let n = req.emit_message(&mut out).unwrap();
        prop_assert_eq!(n, out.len());
        prop_assert_eq!(n % 4, 0);
        let msg = Message::new_checked(&out[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(PcieRequestRepr::parse(&msg), Ok(req));
        for cut in 0..n {
            let ok = Message::new_checked(&out[..cut])
                .ok()
                .filter(|m| m.check_mic().is_ok())
                .map(|m| PcieRequestRepr::parse(&m).is_ok());
            prop_assert!(ok != Some(true));
            prop_assert!(PcieRequest::new_checked(&out[..cut]).is_err() || cut >= 24);
        }
    }

    #[test]
    fn response_round_trip(csi in csi(), data in proptest::collection::vec(any::<u8>(), 0..64), rsvd in any::<[u8; 3]>()) {
        let resp = PcieResponseRepr { csi, info: StatusInfo::Success(rsvd), data: &data };
        let mut out = vec![0u8; resp.buffer_len()];
        let n = resp.emit_message(&mut out).unwrap();
        prop_assert_eq!(n, out.len());
        let msg = Message::new_checked(&out[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(PcieResponseRepr::parse(&msg, data.len()), Ok(resp));
        for cut in 0..n {
            if let Ok(m) = Message::new_checked(&out[..cut]) {
                prop_assert!(PcieResponseRepr::parse(&m, data.len()).is_err());
            }
        }
    }

    #[test]
    fn any_bytes_decode_or_reject(bytes in proptest::collection::vec(any::<u8>(), 0..48), len in 0usize..40) {
        if let Ok(m) = Message::new_checked(&bytes[..]) {
            let _ = PcieRequestRepr::parse(&m);
            let _ = PcieResponseRepr::parse(&m, len);
        }
        if let Ok(v) = PcieRequest::new_checked(&bytes[..]) {
            let _ = (v.opcode(), v.ctlid(), v.nmd0(), v.nmd1(), v.nmd2(), v.data());
        }
    }
}
