//! De-duplication of retransmitted Asynchronous Event Messages (NVMe-MI 2.0 §5.3).

use super::Aemti;

/// Whether an incoming AEM carries news (NVMe-MI 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AemVerdict {
    /// A generation not processed yet: process the occurrences, then acknowledge.
    New,
    /// The same generation as the last one processed from this source: a retransmission
    /// (the acknowledgement was lost or late). Do not process it again; acknowledge it.
    Repeat,
}

/// Remembers the last processed AEM generation number (AEMGN) of up to `N` sources and
/// classifies each incoming AEM as new or a repeat (NVMe-MI 2.0). Sans-IO: the caller feeds
/// it the source and the AEMTI of each AEM.
///
/// `K` identifies a source (an [`Eid`](crate::mctp::Eid), or a network and EID pair). When
/// all `N` slots are in use, a new source replaces the one heard from least recently.
///
/// ```
/// use nvme_mi_core::mctp::Eid;
/// use nvme_mi_core::mi::aem::{AemTracker, AemVerdict, Aemti};
/// let mut t = AemTracker::<Eid, 4>::new();
/// let g = |generation| Aemti { retry_count: 0, generation };
/// assert_eq!(t.observe(Eid(9), g(3)), AemVerdict::New);
/// assert_eq!(t.observe(Eid(9), Aemti { retry_count: 1, generation: 3 }), AemVerdict::Repeat);
/// assert_eq!(t.observe(Eid(9), g(4)), AemVerdict::New);
/// ```
#[derive(Debug, Clone)]
pub struct AemTracker<K, const N: usize> {
    /// Most recently heard source last.
    seen: heapless::Vec<(K, u8), N>,
}

impl<K: PartialEq + Copy, const N: usize> Default for AemTracker<K, N> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: PartialEq + Copy, const N: usize> AemTracker<K, N> {
    /// A tracker that has seen nothing.
    pub const fn new() -> Self {
        AemTracker {
            seen: heapless::Vec::new(),
        }
    }

    /// Classify an AEM from `source` with transmission information `aemti`, and remember
    /// its generation as processed.
    pub fn observe(&mut self, source: K, aemti: Aemti) -> AemVerdict {
        let generation = aemti.generation;
        let previous = self.take(source);
        if self.seen.is_full() && !self.seen.is_empty() {
            self.seen.remove(0);
        }
        // Cannot fail: a slot was freed above (or N is 0 and nothing is kept).
        let _ = self.seen.push((source, generation));
        if previous == Some(generation) {
            AemVerdict::Repeat
        } else {
            AemVerdict::New
        }
    }

    /// The last generation processed from `source`, if any.
    pub fn last_generation(&self, source: K) -> Option<u8> {
        self.seen
            .iter()
            .find(|(k, _)| *k == source)
            .map(|&(_, g)| g)
    }

    /// Forget `source` (it was reset, or its events were disabled): its next AEM is new.
    pub fn forget(&mut self, source: K) {
        self.take(source);
    }

    /// Forget every source.
    pub fn clear(&mut self) {
        self.seen.clear();
    }

    fn take(&mut self, source: K) -> Option<u8> {
        let i = self.seen.iter().position(|(k, _)| *k == source)?;
        Some(self.seen.remove(i).1)
    }
}
