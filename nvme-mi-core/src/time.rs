//! Time as the sans-IO core sees it: instants handed in by the caller.
//!
//! The core never reads a clock. Transports (which own a clock: `std::time::Instant`, a
//! microcontroller timer, or virtual time in tests) report [`Instant`]s, and state machines
//! compare them with deadlines they computed from earlier instants.

use core::time::Duration;

/// A point in time, in milliseconds since an epoch chosen by whoever supplies it.
///
/// Only differences and comparisons between instants from the same source are meaningful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Instant(pub u64);

impl Instant {
    /// The epoch.
    pub const ZERO: Instant = Instant(0);
    /// A point that is never reached.
    pub const NEVER: Instant = Instant(u64::MAX);

    /// Milliseconds since the epoch.
    pub const fn as_millis(self) -> u64 {
        self.0
    }

    /// This instant plus `d` (saturating; sub-millisecond parts round up so that a
    /// deadline is never earlier than asked).
    pub fn saturating_add(self, d: Duration) -> Instant {
        let ms = d.as_millis().min(u64::MAX as u128) as u64;
        let ms = if d.subsec_nanos() % 1_000_000 != 0 {
            ms.saturating_add(1)
        } else {
            ms
        };
        Instant(self.0.saturating_add(ms))
    }

    /// Time from `earlier` to this instant, zero if `earlier` is later.
    pub fn since(self, earlier: Instant) -> Duration {
        Duration::from_millis(self.0.saturating_sub(earlier.0))
    }

    /// Time from this instant until `later`, zero if already past.
    pub fn until(self, later: Instant) -> Duration {
        later.since(self)
    }
}

impl core::ops::Add<Duration> for Instant {
    type Output = Instant;
    fn add(self, d: Duration) -> Instant {
        self.saturating_add(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn arithmetic() {
        let t = Instant(1000);
        assert_eq!(t + Duration::from_millis(5), Instant(1005));
        assert_eq!(t + Duration::from_micros(1500), Instant(1002));
        assert_eq!(Instant::NEVER + Duration::from_secs(1), Instant::NEVER);
        assert_eq!(Instant(1005).since(t), Duration::from_millis(5));
        assert_eq!(t.since(Instant(1005)), Duration::ZERO);
        assert_eq!(t.until(Instant(1500)), Duration::from_millis(500));
    }
}
