//! MCTP message tags (DSP0236 §8.9).
//!
//! A requester picks a tag (0..=7) and sends its request with the Tag Owner bit set; the
//! responder echoes the same tag with TO clear. Tags are only unique per (peer, local EID), so
//! a requester owns at most 8 outstanding tags per peer.
//!
//! [`TagAllocator`] does that bookkeeping for a requester, sans-IO: the caller allocates a tag
//! with a deadline, releases it when the response has arrived, and calls
//! [`TagAllocator::poll`] (or just allocates again: allocation expires stale tags first) so
//! that tags whose deadline has passed come back. A tag lives until the first
//! complete response or its deadline, like Linux's auto-allocated tags (DSP0236); a caller
//! that waits longer (NVMe-MI More Processing Required) moves the deadline with
//! [`TagAllocator::extend`]. DSP0236's tag expiration interval MT4 is at least 5 s.
//!
//! Tags are handed out round-robin per peer, not lowest-free as Linux does: a tag that just
//! timed out is then the last to be reused, so a late response to the abandoned request is
//! unlikely to be taken for the response to a new one.

use super::{Eid, Error};
use crate::time::Instant;

/// An MCTP message tag: a 3-bit value, 0..=7 (DSP0236 §8.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Tag(u8);

impl Tag {
    /// The largest tag value.
    pub const MAX: u8 = 7;

    /// The tag `v`, or [`Error::InvalidTag`] when `v > 7`.
    pub const fn new(v: u8) -> Result<Tag, Error> {
        if v <= Self::MAX {
            Ok(Tag(v))
        } else {
            Err(Error::InvalidTag(v))
        }
    }

    /// The tag in the low 3 bits of `v` (higher bits ignored), as a decoder reads it.
    pub const fn from_bits(v: u8) -> Tag {
        Tag(v & Self::MAX)
    }

    /// The tag value, 0..=7.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl core::fmt::Display for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

/// Why [`TagAllocator::allocate`] failed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TagError {
    /// All 8 tags for this peer are outstanding (Linux returns `EBUSY` here).
    Exhausted,
    /// The allocator already tracks outstanding tags for as many peers as it has room for.
    TooManyPeers,
}

impl core::fmt::Display for TagError {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.write_str(match self {
            TagError::Exhausted => "all 8 MCTP tags for this peer are in use",
            TagError::TooManyPeers => "no room to track another peer's tags",
        })
    }
}

impl core::error::Error for TagError {}

const TAGS: usize = Tag::MAX as usize + 1;

/// The tags owned towards one peer.
#[derive(Debug, Clone, Copy)]
struct PeerTags {
    peer: Eid,
    /// Deadline of each outstanding tag, indexed by tag value.
    deadlines: [Option<Instant>; TAGS],
    /// Where the round-robin search for a free tag starts.
    next: u8,
}

impl PeerTags {
    fn in_use(&self) -> usize {
        self.deadlines.iter().flatten().count()
    }

    fn expire(&mut self, now: Instant) -> usize {
        let mut n = 0;
        for d in &mut self.deadlines {
            if d.is_some_and(|d| d <= now) {
                *d = None;
                n += 1;
            }
        }
        n
    }
}

/// Sans-IO allocation of owned MCTP tags for a requester talking to up to `PEERS` peers at
/// once, 8 tags per peer (DSP0236 §8.9). Times are the caller's [`Instant`]s.
///
/// ```
/// use nvme_mi_core::mctp::{tag::TagAllocator, Eid};
/// use nvme_mi_core::time::Instant;
/// let mut tags: TagAllocator<4> = TagAllocator::new();
/// let t = tags.allocate(Eid(9), Instant(0), Instant(5000)).unwrap();
/// assert!(tags.is_allocated(Eid(9), t));
/// assert_eq!(tags.next_deadline(), Some(Instant(5000)));
/// assert!(tags.release(Eid(9), t));
/// assert_eq!(tags.next_deadline(), None);
/// ```
#[derive(Debug, Clone)]
pub struct TagAllocator<const PEERS: usize> {
    peers: [Option<PeerTags>; PEERS],
}

impl<const PEERS: usize> Default for TagAllocator<PEERS> {
    fn default() -> Self {
        Self::new()
    }
}

impl<const PEERS: usize> TagAllocator<PEERS> {
    /// An allocator with no tag outstanding.
    pub const fn new() -> Self {
        TagAllocator {
            peers: [None; PEERS],
        }
    }

    fn entry(&self, peer: Eid) -> Option<&PeerTags> {
        self.peers.iter().flatten().find(|p| p.peer == peer)
    }

    fn entry_mut(&mut self, peer: Eid) -> Option<&mut PeerTags> {
        self.peers.iter_mut().flatten().find(|p| p.peer == peer)
    }

    /// Allocate a tag towards `peer`, outstanding until `expires_at` at the latest.
    ///
    /// Tags whose deadline is at or before `now` are expired first (as by
    /// [`TagAllocator::poll`]). A peer not yet tracked takes a free slot, or the slot of a peer
    /// with no tag outstanding. The tag is the next free one after the last tag given to this
    /// peer (round-robin).
    pub fn allocate(
        &mut self,
        peer: Eid,
        now: Instant,
        expires_at: Instant,
    ) -> Result<Tag, TagError> {
        self.poll(now);
        let idx = match self
            .peers
            .iter()
            .position(|p| p.is_some_and(|p| p.peer == peer))
        {
            Some(idx) => idx,
            None => self
                .peers
                .iter()
                .position(Option::is_none)
                .or_else(|| {
                    self.peers
                        .iter()
                        .position(|p| p.is_some_and(|p| p.in_use() == 0))
                })
                .ok_or(TagError::TooManyPeers)?,
        };
        let slot = self.peers.get_mut(idx).ok_or(TagError::TooManyPeers)?;
        let entry = match slot {
            Some(e) if e.peer == peer => e,
            _ => slot.insert(PeerTags {
                peer,
                deadlines: [None; TAGS],
                next: 0,
            }),
        };
        for i in 0..TAGS as u8 {
            let tag = Tag::from_bits(entry.next.wrapping_add(i));
            if let Some(d) = entry.deadlines.get_mut(usize::from(tag.value())) {
                if d.is_none() {
                    *d = Some(expires_at);
                    entry.next = tag.value().wrapping_add(1) & Tag::MAX;
                    return Ok(tag);
                }
            }
        }
        Err(TagError::Exhausted)
    }

    /// Release `tag` towards `peer` (its response has arrived). Returns false if it was not
    /// outstanding (already released or expired).
    pub fn release(&mut self, peer: Eid, tag: Tag) -> bool {
        self.entry_mut(peer)
            .and_then(|e| e.deadlines.get_mut(usize::from(tag.value())))
            .and_then(Option::take)
            .is_some()
    }

    /// Move the deadline of an outstanding tag (e.g. after More Processing Required).
    /// Returns false if the tag is not outstanding.
    pub fn extend(&mut self, peer: Eid, tag: Tag, expires_at: Instant) -> bool {
        match self
            .entry_mut(peer)
            .and_then(|e| e.deadlines.get_mut(usize::from(tag.value())))
        {
            Some(Some(d)) => {
                *d = expires_at;
                true
            }
            _ => false,
        }
    }

    /// True if `tag` towards `peer` is outstanding.
    pub fn is_allocated(&self, peer: Eid, tag: Tag) -> bool {
        self.entry(peer)
            .and_then(|e| e.deadlines.get(usize::from(tag.value())))
            .is_some_and(Option::is_some)
    }

    /// Number of tags outstanding towards `peer`.
    pub fn in_use(&self, peer: Eid) -> usize {
        self.entry(peer).map_or(0, PeerTags::in_use)
    }

    /// Release every tag whose deadline is at or before `now`; returns how many.
    pub fn poll(&mut self, now: Instant) -> usize {
        self.peers.iter_mut().flatten().map(|p| p.expire(now)).sum()
    }

    /// The earliest deadline of an outstanding tag.
    pub fn next_deadline(&self) -> Option<Instant> {
        self.peers
            .iter()
            .flatten()
            .flat_map(|p| p.deadlines.iter().flatten())
            .copied()
            .min()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_range() {
        for v in 0..=7 {
            assert_eq!(Tag::new(v).map(Tag::value), Ok(v));
        }
        for v in 8..=255 {
            assert_eq!(Tag::new(v), Err(Error::InvalidTag(v)));
        }
        assert_eq!(Tag::from_bits(0xfa).value(), 2);
    }

    fn t(v: u8) -> Tag {
        Tag::from_bits(v)
    }

    #[test]
    fn eight_tags_per_peer_round_robin() {
        let mut a: TagAllocator<2> = TagAllocator::new();
        for v in 0..8 {
            assert_eq!(
                a.allocate(Eid(9), Instant(0), Instant(100 + u64::from(v))),
                Ok(t(v))
            );
        }
        assert_eq!(
            a.allocate(Eid(9), Instant(0), Instant(100)),
            Err(TagError::Exhausted)
        );
        assert_eq!(a.in_use(Eid(9)), 8);
        // Another peer has its own 8 tags.
        assert_eq!(a.allocate(Eid(10), Instant(0), Instant(100)), Ok(t(0)));
        assert!(a.release(Eid(9), t(3)));
        assert!(!a.release(Eid(9), t(3)));
        assert!(!a.is_allocated(Eid(9), t(3)));
        assert_eq!(a.allocate(Eid(9), Instant(0), Instant(100)), Ok(t(3)));
        // Round-robin: after releasing 1 and 5, the search starts after 3.
        assert!(a.release(Eid(9), t(1)));
        assert!(a.release(Eid(9), t(5)));
        assert_eq!(a.allocate(Eid(9), Instant(0), Instant(100)), Ok(t(5)));
        assert_eq!(a.allocate(Eid(9), Instant(0), Instant(100)), Ok(t(1)));
    }

    #[test]
    fn too_many_peers() {
        let mut a: TagAllocator<1> = TagAllocator::new();
        let tag = a.allocate(Eid(9), Instant(0), Instant(100)).unwrap();
        assert_eq!(
            a.allocate(Eid(10), Instant(0), Instant(100)),
            Err(TagError::TooManyPeers)
        );
        // Once the first peer has nothing outstanding, its slot is reused.
        assert!(a.release(Eid(9), tag));
        assert_eq!(a.allocate(Eid(10), Instant(0), Instant(100)), Ok(t(0)));
        assert_eq!(a.in_use(Eid(9)), 0);
        assert_eq!(
            a.allocate(Eid(9), Instant(0), Instant(100)),
            Err(TagError::TooManyPeers)
        );
        // An expired tag frees the slot as well.
        assert_eq!(a.allocate(Eid(9), Instant(100), Instant(200)), Ok(t(0)));
    }

    #[test]
    fn expiry_and_deadlines() {
        let mut a: TagAllocator<2> = TagAllocator::new();
        assert_eq!(a.next_deadline(), None);
        let t0 = a.allocate(Eid(9), Instant(0), Instant(300)).unwrap();
        let t1 = a.allocate(Eid(9), Instant(0), Instant(200)).unwrap();
        let t2 = a.allocate(Eid(10), Instant(0), Instant(250)).unwrap();
        assert_eq!(a.next_deadline(), Some(Instant(200)));
        assert_eq!(a.poll(Instant(199)), 0);
        assert_eq!(a.poll(Instant(200)), 1);
        assert!(!a.is_allocated(Eid(9), t1));
        assert_eq!(a.next_deadline(), Some(Instant(250)));
        assert!(a.extend(Eid(10), t2, Instant(1000)));
        assert!(!a.extend(Eid(10), t1, Instant(1000)));
        assert_eq!(a.poll(Instant(300)), 1);
        assert!(!a.is_allocated(Eid(9), t0));
        assert!(a.is_allocated(Eid(10), t2));
        assert_eq!(a.next_deadline(), Some(Instant(1000)));
        // Allocation expires stale tags itself.
        for _ in 0..7 {
            a.allocate(Eid(10), Instant(1000), Instant(2000)).unwrap();
        }
        assert_eq!(a.in_use(Eid(10)), 7);
        assert_eq!(a.allocate(Eid(10), Instant(1000), Instant(2000)), Ok(t2));
        assert_eq!(
            a.allocate(Eid(10), Instant(1999), Instant(2000)),
            Err(TagError::Exhausted)
        );
        assert!(a.allocate(Eid(10), Instant(2000), Instant(3000)).is_ok());
        assert_eq!(a.in_use(Eid(10)), 1);
    }
}
