//! The transports' clock: monotonic milliseconds since the transport was created.

use std::time::{Duration, Instant as StdInstant};

use nvme_mi_core::time::Instant;

/// A monotonic clock reporting [`Instant`]s as milliseconds since its creation.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Clock {
    epoch: StdInstant,
}

impl Clock {
    /// A clock whose epoch is now.
    pub(crate) fn new() -> Self {
        Clock {
            epoch: StdInstant::now(),
        }
    }

    /// Milliseconds since the epoch (rounded down).
    pub(crate) fn now(&self) -> Instant {
        Instant(u64::try_from(self.epoch.elapsed().as_millis()).unwrap_or(u64::MAX))
    }

    /// The `std` instant of `deadline`, `None` for [`Instant::NEVER`] or a point too far
    /// away to represent.
    pub(crate) fn to_std(self, deadline: Instant) -> Option<StdInstant> {
        if deadline == Instant::NEVER {
            return None;
        }
        self.epoch.checked_add(Duration::from_millis(deadline.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deadlines_line_up_with_now() {
        let c = Clock::new();
        let t0 = c.now();
        let d = t0 + Duration::from_millis(20);
        let at = c.to_std(d).unwrap();
        std::thread::sleep(at.saturating_duration_since(StdInstant::now()));
        assert!(c.now() >= d, "{:?} < {d:?}", c.now());
        assert_eq!(c.to_std(Instant::NEVER), None);
    }
}
