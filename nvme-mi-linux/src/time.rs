//! The transports' clock: monotonic milliseconds since the transport was created, read from
//! the system ([`Clock`]) or carried forward by the waits the kernel measured
//! ([`CarriedClock`]).

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
        millis(self.epoch.elapsed())
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

/// `d` in whole milliseconds.
fn millis(d: Duration) -> Instant {
    Instant(u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

/// A [`Clock`] that is read from the system only when asked to ([`CarriedClock::read`]) and
/// is otherwise carried forward by the waits that the kernel measured
/// ([`CarriedClock::advance`]), so that a blocking transport need not read the clock (a
/// system call where there is no vDSO, as under User-Mode Linux) around each wait.
///
/// Between two readings it counts only the waits, not the time the process spent working
/// or not scheduled, so it may run behind the system clock, never ahead of it (up to a
/// timeout that the kernel ended within its clock tick of the nominal time): a deadline
/// set from it and waited for with its measured waits is met at, or a little after, the
/// time it stands for.
#[derive(Debug, Clone, Copy)]
pub(crate) struct CarriedClock {
    clock: Clock,
    /// The time since the epoch as last read or carried forward.
    at: Duration,
}

impl CarriedClock {
    /// A clock whose epoch is now.
    pub(crate) fn new() -> Self {
        CarriedClock {
            clock: Clock::new(),
            at: Duration::ZERO,
        }
    }

    /// Read the system clock (it never goes back).
    pub(crate) fn read(&mut self) -> Instant {
        self.advance_to(self.clock.now());
        self.current()
    }

    /// The time as last read or carried forward, without reading the system clock.
    pub(crate) fn current(&self) -> Instant {
        millis(self.at)
    }

    /// A wait of `d` passed.
    pub(crate) fn advance(&mut self, d: Duration) {
        self.at = self.at.saturating_add(d);
    }

    /// Time reached `t` at least.
    pub(crate) fn advance_to(&mut self, t: Instant) {
        if t != Instant::NEVER {
            self.at = self.at.max(Duration::from_millis(t.as_millis()));
        }
    }

    /// The system clock's instant of `deadline` (see [`Clock::to_std`]).
    pub(crate) fn to_std(self, deadline: Instant) -> Option<StdInstant> {
        self.clock.to_std(deadline)
    }
}

/// The waits of one receive that signals interrupted, which the kernel does not measure:
/// from the first interruption on, the system clock counts them.
#[derive(Debug, Default)]
pub(crate) struct Interruptions {
    /// The system clock and the carried clock at the first interruption.
    first: Option<(StdInstant, Duration)>,
}

impl Interruptions {
    /// A wait was interrupted: carry `clock` forward by the time since the first
    /// interruption (the part of the wait before it is not counted).
    pub(crate) fn interrupted(&mut self, clock: &mut CarriedClock) {
        match self.first {
            None => self.first = Some((StdInstant::now(), clock.at)),
            Some((t0, at0)) => clock.at = clock.at.max(at0.saturating_add(t0.elapsed())),
        }
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

    #[test]
    fn carried_clock_counts_waits_and_never_passes_the_system_clock() {
        let mut c = CarriedClock::new();
        std::thread::sleep(Duration::from_millis(30));
        // Nothing was measured: the carried time stays where it was read last.
        assert_eq!(c.current(), Instant::ZERO);
        c.advance(Duration::from_millis(12));
        assert_eq!(c.current(), Instant(12));
        let read = c.read();
        assert!(read >= Instant(30), "{read:?}");
        assert_eq!(c.current(), read);
        // A reading never takes the clock back.
        c.advance(Duration::from_secs(3600));
        assert!(c.read() >= Instant(3_600_000));
        c.advance_to(Instant::NEVER);
        assert!(c.current() < Instant::NEVER);
    }

    #[test]
    fn interruptions_count_by_the_system_clock_from_the_first() {
        let mut c = CarriedClock::new();
        let mut i = Interruptions::default();
        i.interrupted(&mut c);
        assert_eq!(c.current(), Instant::ZERO);
        std::thread::sleep(Duration::from_millis(20));
        i.interrupted(&mut c);
        assert!(c.current() >= Instant(20), "{:?}", c.current());
    }
}
