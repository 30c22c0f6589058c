//! Counters of received messages that a transport discarded.

/// Messages a socket received but that did not belong where they arrived, by reason. The
/// kernel already routes by tag; these are the cases it cannot rule out (late responses to
/// an earlier exchange, requests from other endpoints on a shared binding).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash)]
pub struct Dropped {
    /// From another endpoint or network than the one this transport talks to.
    pub wrong_peer: u64,
    /// On another tag than the current exchange's (a late response to an earlier one).
    pub wrong_tag: u64,
    /// A request where a response was expected, or the reverse.
    pub wrong_direction: u64,
    /// A response that arrived while no exchange was open, or that was still queued when a
    /// new exchange started.
    pub stale: u64,
    /// A datagram without even a message type byte.
    pub empty: u64,
    /// An event message that another listener of a shared event socket received for this
    /// one, dropped because this one's queue was full (it did not read its events).
    pub queue_full: u64,
}

impl Dropped {
    /// All discarded messages.
    pub fn total(&self) -> u64 {
        self.wrong_peer
            .saturating_add(self.wrong_tag)
            .saturating_add(self.wrong_direction)
            .saturating_add(self.stale)
            .saturating_add(self.empty)
            .saturating_add(self.queue_full)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn total_adds_every_reason() {
        let d = Dropped {
            wrong_peer: 1,
            wrong_tag: 2,
            wrong_direction: 4,
            stale: 8,
            empty: 16,
            queue_full: 32,
        };
        assert_eq!(d.total(), 63);
        assert_eq!(Dropped::default().total(), 0);
    }
}
