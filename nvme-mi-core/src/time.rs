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
    ///
    /// Out of line and without 128-bit arithmetic (`Duration::as_millis`): every deadline
    /// of the requester is computed here, and on a microcontroller each inlined copy cost
    /// about 100 bytes of flash.
    #[inline(never)]
    pub fn saturating_add(self, d: Duration) -> Instant {
        self.saturating_add_millis(millis_ceil(d))
    }

    /// This instant plus `ms` milliseconds (saturating).
    pub const fn saturating_add_millis(self, ms: u64) -> Instant {
        Instant(self.0.saturating_add(ms))
    }

    /// Time from `earlier` to this instant, zero if `earlier` is later.
    pub fn since(self, earlier: Instant) -> Duration {
        millis_to_duration(self.0.saturating_sub(earlier.0))
    }

    /// Time from this instant until `later`, zero if already past.
    pub fn until(self, later: Instant) -> Duration {
        later.since(self)
    }
}

/// `ms` milliseconds as a [`Duration`], as `Duration::from_millis` makes it but without its
/// 64-bit division, which on a 32-bit microcontroller is a library routine of about 500
/// bytes of flash: the seconds by long division in 16-bit steps, each a 32-bit division by
/// the constant 1000 (a multiplication on a Cortex-M3/M4).
#[inline(never)]
pub(crate) const fn millis_to_duration(ms: u64) -> Duration {
    let high = (ms >> 32) as u32;
    let low = ms as u32;
    // Each partial remainder is below 1000, so the next dividend fits in 32 bits and its
    // quotient in 16.
    let (q2, r) = (high / 1000, high % 1000);
    let mid = (r << 16) | (low >> 16);
    let (q1, r) = (mid / 1000, mid % 1000);
    let last = (r << 16) | (low & 0xffff);
    let (q0, r) = (last / 1000, last % 1000);
    let secs = ((q2 as u64) << 32) | ((q1 << 16) | q0) as u64;
    Duration::new(secs, r * 1_000_000)
}

/// `d` in whole milliseconds, rounded up (a timeout is never shorter than asked), saturating
/// at `u64::MAX`; without 128-bit arithmetic (see [`Instant::saturating_add`]).
pub(crate) fn millis_ceil(d: Duration) -> u64 {
    let secs = d.as_secs();
    // A plain product under a bound check: `saturating_mul` is a 128-bit product (two
    // library calls on a Cortex-M0).
    if secs > u64::MAX / 1000 {
        u64::MAX
    } else {
        (secs * 1000).saturating_add(u64::from(d.subsec_nanos().div_ceil(1_000_000)))
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

    #[test]
    fn millis_as_duration_matches_from_millis() {
        let mut x: u64 = 0x9e37_79b9_7f4a_7c15;
        let edges = [
            0,
            1,
            999,
            1000,
            1001,
            65_535_999,
            u64::from(u32::MAX),
            u64::from(u32::MAX) + 1,
            (1 << 48) - 1,
            u64::MAX - 1,
            u64::MAX,
        ];
        for ms in edges.into_iter().chain((0..10_000).map(|_| {
            // xorshift64: values of every magnitude
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x >> (x % 64)
        })) {
            assert_eq!(millis_to_duration(ms), Duration::from_millis(ms), "{ms}");
        }
        assert_eq!(
            Instant::NEVER.since(Instant::ZERO),
            Duration::from_millis(u64::MAX)
        );
    }

    #[test]
    fn adding_rounds_up_to_whole_milliseconds_and_saturates() {
        // The sum in 128-bit arithmetic, rounded up and saturated.
        fn reference(t: Instant, d: Duration) -> Instant {
            let ms = d.as_nanos().div_ceil(1_000_000);
            Instant((u128::from(t.0) + ms).min(u128::from(u64::MAX)) as u64)
        }
        let mut x: u64 = 0x2545_f491_4f6c_dd1d;
        let mut next = || {
            x ^= x << 13;
            x ^= x >> 7;
            x ^= x << 17;
            x >> (x % 64)
        };
        for _ in 0..10_000 {
            let t = Instant(next());
            let d = Duration::new(next(), (next() % 1_000_000_000) as u32);
            assert_eq!(t + d, reference(t, d), "{t:?} + {d:?}");
            let d = Duration::from_nanos(next() % 10_000_000_000);
            assert_eq!(t + d, reference(t, d), "{t:?} + {d:?}");
        }
        assert_eq!(Instant(7) + Duration::MAX, Instant::NEVER);
        assert_eq!(Instant(7) + Duration::from_nanos(1), Instant(8));
        assert_eq!(Instant(7) + Duration::from_nanos(999_999), Instant(8));
        assert_eq!(Instant(7) + Duration::from_nanos(1_000_001), Instant(9));
    }
}
