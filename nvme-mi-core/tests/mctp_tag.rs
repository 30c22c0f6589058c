//! Tag allocation (DSP0236 §8.9) against a simple model.

use nvme_mi_core::mctp::{Eid, Tag, TagAllocator, TagError};
use nvme_mi_core::time::Instant;
use proptest::prelude::*;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone)]
enum Op {
    Allocate { peer: u8, advance: u64, life: u64 },
    Release { peer: u8, tag: u8 },
    Poll { advance: u64 },
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        3 => (0u8..4, 0u64..50, 1u64..200).prop_map(|(peer, advance, life)| Op::Allocate { peer, advance, life }),
        2 => (0u8..4, 0u8..8).prop_map(|(peer, tag)| Op::Release { peer, tag }),
        1 => (0u64..100).prop_map(|advance| Op::Poll { advance }),
    ]
}

const PEERS: usize = 3;

proptest! {
    #[test]
    fn allocator_matches_model(ops in proptest::collection::vec(op(), 1..300)) {
        let mut a: TagAllocator<PEERS> = TagAllocator::new();
        // Model: outstanding (peer, tag) -> deadline, as the allocator holds them (a tag past
        // its deadline stays until the next poll or allocation).
        let mut model: BTreeMap<(u8, u8), u64> = BTreeMap::new();
        let mut now = 0u64;
        for op in ops {
            match op {
                Op::Allocate { peer, advance, life } => {
                    now += advance;
                    model.retain(|_, d| *d > now);
                    let others: BTreeSet<u8> =
                        model.keys().map(|k| k.0).filter(|&p| p != peer).collect();
                    let mine = model.keys().filter(|k| k.0 == peer).count();
                    match a.allocate(Eid(8 + peer), Instant(now), Instant(now + life)) {
                        Ok(tag) => {
                            prop_assert!(mine < 8);
                            prop_assert!(mine > 0 || others.len() < PEERS);
                            prop_assert!(model.insert((peer, tag.value()), now + life).is_none());
                        }
                        Err(TagError::Exhausted) => prop_assert_eq!(mine, 8),
                        Err(TagError::TooManyPeers) => {
                            prop_assert_eq!((mine, others.len()), (0, PEERS));
                        }
                        Err(e) => prop_assert!(false, "unexpected {:?}", e),
                    }
                }
                Op::Release { peer, tag } => {
                    let held = model.remove(&(peer, tag)).is_some();
                    prop_assert_eq!(a.release(Eid(8 + peer), Tag::new(tag).unwrap()), held);
                }
                Op::Poll { advance } => {
                    now += advance;
                    let before = model.len();
                    model.retain(|_, d| *d > now);
                    prop_assert_eq!(a.poll(Instant(now)), before - model.len());
                }
            }
            for peer in 0..4u8 {
                let held = model.keys().filter(|k| k.0 == peer).count();
                prop_assert_eq!(a.in_use(Eid(8 + peer)), held);
                for tag in 0..8u8 {
                    prop_assert_eq!(
                        a.is_allocated(Eid(8 + peer), Tag::new(tag).unwrap()),
                        model.contains_key(&(peer, tag))
                    );
                }
            }
            prop_assert_eq!(a.next_deadline(), model.values().min().copied().map(Instant));
        }
    }
}
