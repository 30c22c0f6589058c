//! The whole SMBus path as a property: random messages from several sources and tags,
//! fragmented at random transmission units, framed as SMBus block writes with PEC, their
//! frames interleaved at random, deframed and reassembled — every message comes out exactly
//! once and intact.

use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::reassemble::Reassembler;
use nvme_mi_core::mctp::smbus;
use nvme_mi_core::mctp::{Eid, Tag};
use nvme_mi_core::time::Instant;
use proptest::prelude::*;

#[derive(Debug, Clone)]
struct Stream {
    src: u8,
    tag: u8,
    msg: Vec<u8>,
    tu: usize,
}

fn stream() -> impl Strategy<Value = Stream> {
    (
        8u8..12,
        0u8..8,
        proptest::collection::vec(any::<u8>(), 1..=4224),
        64usize..=250,
    )
        .prop_map(|(src, tag, msg, tu)| Stream { src, tag, msg, tu })
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    #[test]
    fn fragment_frame_deframe_reassemble(
        streams in proptest::collection::vec(stream(), 1..=4),
        order in proptest::collection::vec(any::<u16>(), 0..512),
    ) {
        // Distinct (source, tag) keys: a key can carry one message at a time.
        let mut seen = std::collections::HashSet::new();
        let streams: Vec<Stream> = streams.into_iter().filter(|s| seen.insert((s.src, s.tag))).collect();

        // Frame every stream.
        let mut queues: Vec<std::collections::VecDeque<Vec<u8>>> = Vec::new();
        for s in &streams {
            let repr = PacketRepr { dest: Eid(8), src: Eid(s.src), som: false, eom: false, seq: 0, tag_owner: true, tag: Tag::new(s.tag).unwrap() };
            let parts: [&[u8]; 1] = [&s.msg];
            let mut frag = Fragmenter::new(&parts, repr, s.tu).unwrap();
            let mut pkt = vec![0u8; 4 + s.tu];
            let mut q = std::collections::VecDeque::new();
            while let Some(n) = frag.next(&mut pkt) {
                let n = n.unwrap();
                let mut frame = vec![0u8; smbus::MAX_FRAME_LEN];
                let f = smbus::emit(0x10, 0x1d + s.src, &pkt[..n], &mut frame).unwrap();
                frame.truncate(f);
                q.push_back(frame);
            }
            queues.push(q);
        }

        // Interleave them, keeping each stream's own order.
        let mut wire = Vec::new();
        let mut k = 0;
        while queues.iter().any(|q| !q.is_empty()) {
            let pick = order.get(k).copied().unwrap_or(0) as usize;
            k += 1;
            let live: Vec<usize> = (0..queues.len()).filter(|&i| !queues[i].is_empty()).collect();
            let i = live[pick % live.len()];
            wire.push(queues[i].pop_front().unwrap());
        }

        // Deframe and reassemble.
        let mut r: Box<Reassembler<4, 4224>> = Box::new(Reassembler::new());
        let mut out: Vec<(u8, u8, Vec<u8>)> = Vec::new();
        for frame in &wire {
            let (repr, packet) = smbus::decode(frame).unwrap();
            prop_assert_eq!(repr.dest_addr, 0x10);
            if let Some(m) = r.receive(packet, Instant(0)).unwrap() {
                out.push((m.src().0, m.tag().value(), m.message().to_vec()));
            }
        }
        prop_assert_eq!(out.len(), streams.len());
        for s in &streams {
            let got = out.iter().find(|(src, tag, _)| *src == s.src && *tag == s.tag).expect("message delivered");
            prop_assert_eq!(&got.2, &s.msg);
        }
        prop_assert_eq!(r.counters().total(), 0);
    }
}
