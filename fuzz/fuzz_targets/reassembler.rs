//! The MCTP reassembler fed arbitrary packet sequences, against a model.
//!
//! Input: a mode byte, then records. Mode bit 0: the first record is instead a whole
//! message, fragmented with the `Fragmenter` at a TU from the input and fed back in order,
//! which must deliver exactly that message. Records: a control byte (bit 7: a `poll`
//! instead of a packet; bits 6:0: time advance in units of 97 ms), then for a packet a
//! length-prefixed chunk.
//!
//! Checks against a model that keeps, per (source, destination, tag, TO), the payloads
//! accepted since the last SOM: a delivered message is exactly those payloads plus the
//! packet that ended it, never longer than MAX and never empty; a message of a key with no
//! open model entry is only ever a single SOM|EOM packet; the number of messages in progress
//! equals the model's; NoFreeContext only when every context is busy; every `Err` is
//! counted; the next deadline lies in the future; with a local EID, nothing for another
//! destination is delivered.
//!
//! Mode bit 2: the responses of one key (8 -> 9, tag 0, TO clear) are received with
//! `receive_into` into a buffer of the caller's of `BUF` bytes; with mode bit 3 as well, that
//! buffer is offered only with the packets whose time advance is odd. The model then also
//! knows where each message lives: a delivered message is in the caller's buffer exactly
//! when its last packet came with it, a message outgrows only its own store, and only a
//! message in the caller's buffer is dropped for `NoBuffer`, when a packet came without it.
#![no_main]

use std::collections::HashMap;

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::reassemble::DEFAULT_TIMEOUT;
use nvme_mi_core::mctp::{DropReason, Eid, Reassembler, Tag, BASELINE_TU};
use nvme_mi_core::time::Instant;
use nvme_mi_fuzz::Input;

const N: usize = 3;
const MAX: usize = 300;
const BUF: usize = 2 * MAX;

type Key = (Eid, Eid, Tag, bool);

struct Open {
    started: u64,
    bytes: Vec<u8>,
    /// In the caller's buffer.
    external: bool,
}

fn fragment_roundtrip(input: &mut Input<'_>) {
    let tu = BASELINE_TU + usize::from(input.byte());
    let hdr = PacketRepr {
        dest: Eid(9),
        src: Eid(8),
        som: true,
        eom: true,
        seq: input.byte() & 3,
        tag_owner: true,
        tag: Tag::from_bits(input.byte() & 7),
    };
    let message = input.chunk();
    let parts = [message];
    let Ok(mut f) = Fragmenter::new(&parts, hdr, tu) else {
        return;
    };
    let mut r: Reassembler<N, MAX> = Reassembler::new();
    let mut buf = vec![0u8; HEADER_LEN + tu];
    let mut delivered = None;
    while let Some(p) = f.next(&mut buf) {
        let n = p.expect("fragment");
        assert!(delivered.is_none(), "delivered before the last fragment");
        match r.receive(&buf[..n], Instant(0)) {
            Ok(Some(m)) => delivered = Some(m.message().to_vec()),
            Ok(None) => {}
            Err(DropReason::TooLong) => {
                assert!(message.len() > MAX);
                return;
            }
            Err(e) => panic!("fragmenter output dropped: {e:?}"),
        }
    }
    assert_eq!(
        delivered.as_deref(),
        Some(message),
        "reassemble(fragment(m)) == m"
    );
    assert_eq!(r.counters().total(), 0);
}

fuzz_target!(|data: &[u8]| {
    let mut input = Input::new(data);
    let mode = input.byte();
    if mode & 1 != 0 {
        fragment_roundtrip(&mut input);
    }
    let local = (mode & 2 != 0).then_some(Eid(9));
    let mut r: Reassembler<N, MAX> = Reassembler::new();
    r.set_local_eid(local);
    let mut model: HashMap<Key, Open> = HashMap::new();
    let mut now = 0u64;
    let mut caller_buf = [0u8; BUF];
    while !input.is_empty() {
        let ctl = input.byte();
        now += u64::from(ctl & 0x7f) * 97;
        // Expiry runs first in both `poll` and `receive`.
        model.retain(|_, o| now < o.started + DEFAULT_TIMEOUT.as_millis() as u64);
        if ctl & 0x80 != 0 {
            r.poll(Instant(now));
            assert_eq!(r.in_progress(), model.len());
            continue;
        }
        let packet = input.chunk();
        let before = r.counters().total();
        let parsed = PacketRepr::parse(&Packet::new_unchecked(packet)).ok();
        let key = parsed.map(|h| (h.src, h.dest, h.tag, h.tag_owner));
        let payload = packet.get(HEADER_LEN..).unwrap_or_default();
        let offered = mode & 4 != 0 && (mode & 8 == 0 || ctl & 1 != 0);
        let wanted = |h: &PacketRepr| {
            offered
                && (h.src, h.dest, h.tag, h.tag_owner) == (Eid(8), Eid(9), Tag::from_bits(0), false)
        };
        let external = parsed.as_ref().is_some_and(wanted);
        let was_external = key.and_then(|k| model.get(&k)).is_some_and(|o| o.external);
        match r.receive_into(packet, Instant(now), wanted, &mut caller_buf) {
            Ok(Some(m)) => {
                assert_eq!(m.in_caller_buffer(), external);
                let h = parsed.expect("a delivered packet has a header");
                let key = key.unwrap();
                assert_eq!((m.src(), m.dest(), m.tag(), m.tag_owner()), key);
                assert!(h.eom);
                let msg = m.message();
                assert!(!msg.is_empty() && msg.len() <= if external { BUF } else { MAX });
                if let Some(l) = local {
                    assert!([l, Eid::NULL, Eid::BROADCAST].contains(&m.dest()));
                }
                let expected = if h.som {
                    payload.to_vec()
                } else {
                    let mut e = model
                        .remove(&key)
                        .expect("a multi-packet message has a start")
                        .bytes;
                    e.extend_from_slice(payload);
                    e
                };
                assert_eq!(msg, &expected[..], "delivered message == accepted payloads");
                model.remove(&key);
            }
            Ok(None) => {
                let h = parsed.expect("an accepted packet has a header");
                let key = key.unwrap();
                assert!(!h.eom);
                if h.som {
                    model.insert(
                        key,
                        Open {
                            started: now,
                            bytes: payload.to_vec(),
                            external,
                        },
                    );
                } else {
                    let open = model
                        .get_mut(&key)
                        .expect("continuation of an open message");
                    assert!(!open.external || external, "accepted without its buffer");
                    open.external = external;
                    open.bytes.extend_from_slice(payload);
                }
            }
            Err(reason) => {
                assert!(r.counters().total() > before, "drop {reason:?} not counted");
                match reason {
                    DropReason::OutOfSequence | DropReason::TooLong => {
                        model.remove(&key.unwrap());
                    }
                    DropReason::NoBuffer => {
                        assert!(was_external && !external, "NoBuffer for {key:?}");
                        model.remove(&key.unwrap());
                    }
                    DropReason::BadFragmentSize if !parsed.unwrap().som => {
                        model.remove(&key.unwrap());
                    }
                    DropReason::NoFreeContext => {
                        assert_eq!(model.len(), N, "no free context with a free one");
                    }
                    _ => {}
                }
            }
        }
        assert_eq!(r.in_progress(), model.len(), "messages in progress");
        if let Some(d) = r.next_deadline() {
            assert!(d > Instant(now));
        }
    }
});
