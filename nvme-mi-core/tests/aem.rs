//! Asynchronous Event Messages: the acknowledgement bytes (NVMe-MI 2.0), round trips of every
//! list encoder, truncation and inconsistent lengths, and generation de-duplication.

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::aem::*;
use nvme_mi_core::mi::header::emit_message;
use nvme_mi_core::mi::{Csi, Error, Message, MessageHeader, Nmimt};
use proptest::prelude::*;

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

#[test]
fn ack_body_and_worked_message() {
    let mut list = [0u8; 8];
    let n = AeEnableList::emit(&[], &mut list).unwrap();
    assert_eq!(&list[..n], &[0x00, 0x00, 0x05, 0x00, 0x05]);
    assert_eq!(&list[..n], &ACK_ENABLE_LIST);
    // Digest F.6: Configuration Set (OPC 3), NMD0 = identifier 4 with AERD/AEMD/flags 0,
    // NMD1 0, then the empty AE Enable List.
    let worked = hex("84 08 00 00 03 00 00 00 04 00 00 00 00 00 00 00 00 00 05 00 05 97 3B DC F1");
    let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
    let mut out = [0u8; 32];
    let len = emit_message(
        &hdr,
        &[&[3, 0, 0, 0], &4u32.to_le_bytes(), &[0; 4], &list[..n]],
        &mut out,
    )
    .unwrap();
    assert_eq!(&out[..len], &worked[..]);
    // The helper built on the Configuration Set codec gives the same bytes, and the codec
    // decodes them back to the acknowledgement.
    let mut ack = [0u8; 32];
    let n_ack = emit_ack_request(Csi::Slot0, &mut ack).unwrap();
    assert_eq!(&ack[..n_ack], &worked[..]);
    let msg = Message::new_checked(&worked[..]).unwrap();
    msg.check_mic().unwrap();
    assert_eq!(
        nvme_mi_core::mi::command::MiRequest::parse(&msg),
        Ok(ACK_REQUEST)
    );
    // The request data of the worked message parses back as an empty enable list.
    let parsed = AeEnableList::parse(&worked[16..21]).unwrap();
    assert!(parsed.is_empty());
    assert_eq!(parsed.version(), 0);
}

#[test]
fn config_list_errors() {
    assert_eq!(AeEnableList::parse(&[]), Err(Error::Truncated));
    assert_eq!(
        AeEnableList::parse(&[0, 0, 5, 0, 4]),
        Err(Error::InvalidField)
    );
    // NUMAEE 1 but AEETL 5 (and the reverse).
    assert_eq!(
        AeEnableList::parse(&[1, 0, 5, 0, 5]),
        Err(Error::InconsistentLength)
    );
    assert_eq!(
        AeEnableList::parse(&[0, 0, 8, 0, 5, 3, 0, 0x80]),
        Err(Error::InconsistentLength)
    );
    // Entry length not 3.
    assert_eq!(
        AeSupportedList::parse(&[1, 0, 8, 0, 5, 4, 0, 0x80]),
        Err(Error::InvalidField)
    );
    // Trailing byte.
    assert_eq!(
        AeSupportedList::parse(&[0, 0, 5, 0, 5, 0]),
        Err(Error::TooLong)
    );
    let many = [AeConfigEntry::new(AeId::ControllerReady, true); 256];
    let mut big = [0u8; 1024];
    assert_eq!(
        AeEnableList::emit(&many, &mut big),
        Err(Error::InvalidField)
    );
    let mut small = [0u8; 7];
    assert_eq!(
        AeEnableList::emit(&many[..1], &mut small),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn occurrence_list_bytes() {
    let osi = [0xaa, 0xbb];
    let occ = [
        AeOccurrence {
            id: AeId::CompositeTemperature,
            scope: AeScope::Controller,
            scope_id: 0x0102_0304,
            specific: &osi,
            vendor_specific: &[0xcc],
        },
        AeOccurrence::new(AeId::VendorSpecific(0xc5)),
    ];
    let header = AeOccurrenceListHeader {
        version: 0,
        overflow: true,
        aemti: Aemti {
            retry_count: 2,
            generation: 17,
        },
    };
    let mut buf = [0u8; 64];
    let n = AeOccurrenceList::emit(&header, &occ, &mut buf).unwrap();
    let expect = hex("02 00 1c 00 80 07 8a \
         09 02 01 06 04 03 02 01 01 aa bb cc \
         09 00 00 c5 00 00 00 00 02");
    assert_eq!(&buf[..n], &expect[..]);
    let list = AeOccurrenceList::parse(&buf[..n]).unwrap();
    assert_eq!(list.header(), header);
    assert_eq!(list.len(), 2);
    assert_eq!(list.total_len(), 28);
    assert_eq!(list.occurrences().collect::<Vec<_>>(), occ);
}

fn one_occurrence_list() -> Vec<u8> {
    let mut buf = [0u8; 64];
    let occ = [AeOccurrence {
        id: AeId::SmartWarnings,
        scope: AeScope::NvmSubsystem,
        scope_id: 7,
        specific: &[1, 2, 3],
        vendor_specific: &[],
    }];
    let n = AeOccurrenceList::emit(&AeOccurrenceListHeader::default(), &occ, &mut buf).unwrap();
    buf[..n].to_vec()
}

#[test]
fn occurrence_list_inconsistent_lengths() {
    let good = one_occurrence_list();
    assert_eq!(good.len(), 19);
    AeOccurrenceList::parse(&good).unwrap();

    // AEOLTL smaller than the entries: the bytes past AEOLTL are then "too long", and with
    // the buffer cut to AEOLTL the entry overruns it.
    let mut small = good.clone();
    small[2] = 18;
    assert_eq!(AeOccurrenceList::parse(&small), Err(Error::TooLong));
    assert_eq!(
        AeOccurrenceList::parse(&small[..18]),
        Err(Error::InconsistentLength)
    );
    // AEOLTL below the header length.
    let mut tiny = good.clone();
    tiny[2] = 6;
    assert_eq!(AeOccurrenceList::parse(&tiny[..6]), Err(Error::Truncated));
    assert_eq!(
        AeOccurrenceList::parse(&tiny[..7]),
        Err(Error::InconsistentLength)
    );
    // AEOLTL larger than the entries: bytes left inside AEOLTL after NUMAEO entries.
    let mut large = good.clone();
    large[2] = 20;
    large.push(0);
    assert_eq!(
        AeOccurrenceList::parse(&large),
        Err(Error::InconsistentLength)
    );
    // AEOLTL larger than the buffer.
    let mut beyond = good.clone();
    beyond[2] = 40;
    assert_eq!(AeOccurrenceList::parse(&beyond), Err(Error::Truncated));
    // NUMAEO larger than the entries present.
    let mut count = good.clone();
    count[0] = 2;
    assert_eq!(
        AeOccurrenceList::parse(&count),
        Err(Error::InconsistentLength)
    );
    // AEOSIL overrunning AEOLTL.
    let mut osil = good.clone();
    osil[8] = 4;
    assert_eq!(
        AeOccurrenceList::parse(&osil),
        Err(Error::InconsistentLength)
    );
    // AEOVSIL overrunning AEOLTL.
    let mut ovsil = good.clone();
    ovsil[9] = 1;
    assert_eq!(
        AeOccurrenceList::parse(&ovsil),
        Err(Error::InconsistentLength)
    );
    // Header lengths other than specified.
    let mut aeolhl = good.clone();
    aeolhl[5] = 8;
    assert_eq!(AeOccurrenceList::parse(&aeolhl), Err(Error::InvalidField));
    let mut aelhlen = good.clone();
    aelhlen[7] = 10;
    assert_eq!(AeOccurrenceList::parse(&aelhlen), Err(Error::InvalidField));
    // The overflow bit is not part of the length.
    let mut ovf = good.clone();
    ovf[4] = 0x80;
    assert!(AeOccurrenceList::parse(&ovf).unwrap().header().overflow);
}

#[test]
fn occurrence_encoder_limits() {
    let long = [0u8; 256];
    let bad = [AeOccurrence {
        specific: &long,
        ..AeOccurrence::new(AeId::ControllerReady)
    }];
    let mut out = [0u8; 512];
    assert_eq!(
        AeOccurrenceList::emit(&AeOccurrenceListHeader::default(), &bad, &mut out),
        Err(Error::InvalidField)
    );
    let scope = [AeOccurrence {
        scope: AeScope::Unknown(0x10),
        ..AeOccurrence::new(AeId::ControllerReady)
    }];
    assert_eq!(
        AeOccurrenceList::emit(&AeOccurrenceListHeader::default(), &scope, &mut out),
        Err(Error::InvalidField)
    );
    let aemti = AeOccurrenceListHeader {
        aemti: Aemti {
            retry_count: 0,
            generation: 32,
        },
        ..Default::default()
    };
    assert_eq!(
        AeOccurrenceList::emit(&aemti, &[], &mut out),
        Err(Error::InvalidField)
    );
    let mut small = [0u8; 15];
    assert_eq!(
        AeOccurrenceList::emit(
            &AeOccurrenceListHeader::default(),
            &[AeOccurrence::new(AeId::ControllerReady)],
            &mut small
        ),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn aem_message_checks() {
    let mut buf = [0u8; 64];
    let n = emit_aem(&AeOccurrenceListHeader::default(), &[], &mut buf).unwrap();
    assert_eq!(n, 4 + 7 + 4);
    assert_eq!(&buf[..11], &[0x84, 0x28, 0, 0, 0, 0, 7, 0, 0, 7, 0]);
    let msg = Message::new_checked(&buf[..n]).unwrap();
    msg.check_mic().unwrap();
    assert!(parse_aem(&msg).unwrap().is_empty());
    // As a response, or as another message type: rejected.
    let mut resp = buf;
    resp[1] = 0xa8;
    assert_eq!(
        parse_aem(&Message::new_checked(&resp[..n]).unwrap()),
        Err(Error::WrongDirection)
    );
    resp[1] = 0x08;
    assert_eq!(
        parse_aem(&Message::new_checked(&resp[..n]).unwrap()),
        Err(Error::WrongNmimt(1))
    );
    let mut small = [0u8; 14];
    assert_eq!(
        emit_aem(&AeOccurrenceListHeader::default(), &[], &mut small),
        Err(Error::BufferTooSmall)
    );
}

#[test]
fn tracker_dedup() {
    let mut t = AemTracker::<Eid, 2>::new();
    let g = |retry_count, generation| Aemti {
        retry_count,
        generation,
    };
    assert_eq!(t.observe(Eid(9), g(0, 5)), AemVerdict::New);
    assert_eq!(t.observe(Eid(9), g(1, 5)), AemVerdict::Repeat);
    assert_eq!(t.observe(Eid(9), g(2, 5)), AemVerdict::Repeat);
    // Another source keeps its own generation.
    assert_eq!(t.observe(Eid(10), g(0, 5)), AemVerdict::New);
    assert_eq!(t.observe(Eid(9), g(0, 6)), AemVerdict::New);
    assert_eq!(t.last_generation(Eid(9)), Some(6));
    assert_eq!(t.last_generation(Eid(10)), Some(5));
    // A third source evicts the least recently heard one (EID 10).
    assert_eq!(t.observe(Eid(11), g(0, 1)), AemVerdict::New);
    assert_eq!(t.last_generation(Eid(10)), None);
    assert_eq!(t.observe(Eid(10), g(1, 5)), AemVerdict::New);
    assert_eq!(t.last_generation(Eid(9)), None);
    // Forgetting makes the next AEM new again.
    t.forget(Eid(11));
    assert_eq!(t.observe(Eid(11), g(0, 1)), AemVerdict::New);
    t.clear();
    assert_eq!(t.observe(Eid(10), g(0, 5)), AemVerdict::New);
    // Generation numbers wrap at 32: 31 then 0 is new.
    assert_eq!(t.observe(Eid(10), g(0, 31)), AemVerdict::New);
    assert_eq!(t.observe(Eid(10), g(0, 0)), AemVerdict::New);
}

fn ae_id() -> impl Strategy<Value = AeId> {
    any::<u8>().prop_map(AeId::from_u8)
}

fn scope() -> impl Strategy<Value = AeScope> {
    (0u8..16).prop_map(AeScope::from_u8)
}

type OwnedOccurrence = (AeId, AeScope, u32, Vec<u8>, Vec<u8>);

fn occurrence() -> impl Strategy<Value = OwnedOccurrence> {
    (
        ae_id(),
        scope(),
        any::<u32>(),
        proptest::collection::vec(any::<u8>(), 0..40),
        proptest::collection::vec(any::<u8>(), 0..20),
    )
}

fn list_header() -> impl Strategy<Value = AeOccurrenceListHeader> {
    (any::<u8>(), any::<bool>(), 0u8..8, 0u8..32).prop_map(|(version, overflow, r, g)| {
        AeOccurrenceListHeader {
            version,
            overflow,
            aemti: Aemti {
                retry_count: r,
                generation: g,
            },
        }
    })
}

fn borrow(owned: &[OwnedOccurrence]) -> Vec<AeOccurrence<'_>> {
    owned
        .iter()
        .map(|(id, scope, scope_id, s, v)| AeOccurrence {
            id: *id,
            scope: *scope,
            scope_id: *scope_id,
            specific: s,
            vendor_specific: v,
        })
        .collect()
}

proptest! {
    #[test]
    fn config_list_round_trip(entries in proptest::collection::vec((ae_id(), any::<bool>()), 0..40)) {
        let entries: Vec<_> = entries.into_iter().map(|(id, e)| AeConfigEntry::new(id, e)).collect();
        let mut buf = vec![0u8; AeConfigList::buffer_len(entries.len())];
        let n = AeConfigList::emit(&entries, &mut buf).unwrap();
        prop_assert_eq!(n, buf.len());
        let list = AeConfigList::parse(&buf).unwrap();
        prop_assert_eq!(list.len(), entries.len());
        prop_assert_eq!(list.entries().collect::<Vec<_>>(), entries);
        for cut in 0..n {
            prop_assert!(AeConfigList::parse(&buf[..cut]).is_err());
        }
    }

    #[test]
    fn occurrence_list_round_trip(header in list_header(), owned in proptest::collection::vec(occurrence(), 0..8)) {
        let occ = borrow(&owned);
        let mut buf = vec![0u8; AeOccurrenceList::buffer_len(&occ)];
        let n = AeOccurrenceList::emit(&header, &occ, &mut buf).unwrap();
        prop_assert_eq!(n, buf.len());
        let list = AeOccurrenceList::parse(&buf).unwrap();
        prop_assert_eq!(list.header(), header);
        prop_assert_eq!(list.occurrences().collect::<Vec<_>>(), occ.clone());
        for cut in 0..n {
            prop_assert!(AeOccurrenceList::parse(&buf[..cut]).is_err());
        }
        // Each occurrence alone round-trips, and its prefixes fail.
        for o in &occ {
            let mut one = vec![0u8; o.buffer_len()];
            o.emit(&mut one).unwrap();
            let (back, rest) = AeOccurrence::parse(&one).unwrap();
            prop_assert_eq!(back, *o);
            prop_assert!(rest.is_empty());
            for cut in 0..one.len() {
                prop_assert!(AeOccurrence::parse(&one[..cut]).is_err());
            }
        }
    }

    #[test]
    fn aem_message_round_trip(header in list_header(), owned in proptest::collection::vec(occurrence(), 0..6)) {
        let occ = borrow(&owned);
        let mut buf = vec![0u8; aem_buffer_len(&occ)];
        let n = emit_aem(&header, &occ, &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..n]).unwrap();
        msg.check_mic().unwrap();
        let list = parse_aem(&msg).unwrap();
        prop_assert_eq!(list.header(), header);
        prop_assert_eq!(list.occurrences().collect::<Vec<_>>(), occ);
        for cut in 0..n {
            let r = Message::new_checked(&buf[..cut]).and_then(|m| {
                m.check_mic()?;
                parse_aem(&m).map(|_| ())
            });
            prop_assert!(r.is_err());
        }
    }

    #[test]
    fn occurrence_list_decoder_total(bytes in proptest::collection::vec(any::<u8>(), 0..96)) {
        if let Ok(list) = AeOccurrenceList::parse(&bytes) {
            // Whatever parses re-encodes to the same bytes (reserved AESSI bits aside).
            let occ: Vec<_> = list.occurrences().collect();
            prop_assert_eq!(occ.len(), list.len());
            let mut out = vec![0u8; bytes.len()];
            let n = AeOccurrenceList::emit(&list.header(), &occ, &mut out).unwrap();
            prop_assert_eq!(n, bytes.len());
        }
        let _ = AeConfigList::parse(&bytes).map(|l| l.entries().count());
    }

    #[test]
    fn occurrence_list_corruption(owned in proptest::collection::vec(occurrence(), 1..4), pos in any::<prop::sample::Index>(), v in any::<u8>()) {
        let occ = borrow(&owned);
        let mut buf = vec![0u8; AeOccurrenceList::buffer_len(&occ)];
        AeOccurrenceList::emit(&AeOccurrenceListHeader::default(), &occ, &mut buf).unwrap();
        let i = pos.index(buf.len());
        buf[i] = v;
        // Never panics; if it still parses, the walk stays inside the buffer.
        if let Ok(list) = AeOccurrenceList::parse(&buf) {
            let total: usize = list.occurrences().map(|o| o.buffer_len()).sum();
            prop_assert_eq!(total + OCCURRENCE_LIST_HEADER_LEN, buf.len());
        }
    }
}
