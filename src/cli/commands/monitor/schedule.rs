//! When each endpoint is polled next: the intervals, the back-off after failures, and up or
//! down. No I/O and no clock: every method takes the current time.

use std::time::{Duration, Instant};

/// The monitor's timing settings.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Timing {
    /// Between two NVM Subsystem Health Status Polls of an endpoint that answers.
    pub interval: Duration,
    /// Between two reads of Controller Health and the SMART log.
    pub detail_interval: Duration,
    /// Between two checks for Asynchronous Event Messages (endpoints with AEMs enabled).
    pub event_check: Duration,
    /// The longest wait before retrying an endpoint that stopped answering.
    pub max_backoff: Duration,
}

/// What a job on an endpoint must do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Work {
    /// Poll the subsystem health.
    pub health: bool,
    /// Also read Controller Health and the SMART log.
    pub detail: bool,
    /// Only look for Asynchronous Event Messages (nothing else is due).
    pub events_only: bool,
}

/// One endpoint's schedule.
#[derive(Debug, Clone)]
pub struct Schedule {
    next_health: Instant,
    next_detail: Instant,
    next_events: Option<Instant>,
    failures: u32,
    up: Option<bool>,
    busy: bool,
}

impl Schedule {
    /// A new endpoint: everything is due at once.
    pub fn new(now: Instant) -> Self {
        Schedule {
            next_health: now,
            next_detail: now,
            next_events: None,
            failures: 0,
            up: None,
            busy: false,
        }
    }

    /// `Some(true)` after a successful poll, `Some(false)` after a failed one, `None` before
    /// the first.
    pub fn up(&self) -> Option<bool> {
        self.up
    }

    /// Failed polls in a row.
    #[cfg(test)]
    pub fn failures(&self) -> u32 {
        self.failures
    }

    /// True while a job runs on the endpoint.
    pub fn busy(&self) -> bool {
        self.busy
    }

    /// Makes the health poll and the details due at once.
    pub fn due_now(&mut self, now: Instant) {
        let now = self.next_health.min(self.next_detail).min(now);
        self.next_health = now;
        self.next_detail = now;
    }

    /// The earliest time something is due (whether or not a job is running).
    pub fn next_due(&self) -> Instant {
        let due = self.next_health.min(self.next_detail);
        match self.next_events {
            Some(e) => due.min(e),
            None => due,
        }
    }

    /// The work due at `now`, if any and if no job is running; marks the endpoint busy.
    pub fn take(&mut self, now: Instant) -> Option<Work> {
        if self.busy || self.next_due() > now {
            return None;
        }
        let health = self.next_health <= now || self.next_detail <= now;
        // While down the health poll fails first and the job ends before the details.
        let detail = self.next_detail <= now;
        self.busy = true;
        Some(Work {
            health,
            detail,
            events_only: !health,
        })
    }

    /// The job ended at `now`. `ok`: its health poll succeeded (`None` for an events-only job
    /// that polled nothing). `events`: AEMs are enabled. `event_seen`: one arrived, so
    /// everything is read again at once.
    pub fn done(
        &mut self,
        t: &Timing,
        now: Instant,
        work: Work,
        ok: Option<bool>,
        events: bool,
        event_seen: bool,
    ) {
        self.busy = false;
        match ok {
            Some(true) => {
                self.failures = 0;
                self.up = Some(true);
                self.next_health = now + t.interval;
                if work.detail {
                    self.next_detail = now + t.detail_interval;
                }
            }
            Some(false) => {
                self.failures = self.failures.saturating_add(1);
                self.up = Some(false);
                let wait = self.backoff(t);
                self.next_health = now + wait;
                // The details come with the first health poll that succeeds again.
                self.next_detail = self.next_detail.max(now + wait);
            }
            None => {}
        }
        self.next_events = events.then(|| now + t.event_check);
        if event_seen {
            self.next_health = now;
            self.next_detail = now;
        }
    }

    /// The wait after the current run of failures: the interval doubled for each failure
    /// after the first, up to `max_backoff` (never less than the interval).
    pub fn backoff(&self, t: &Timing) -> Duration {
        let doublings = self.failures.saturating_sub(1).min(16);
        let wait = t.interval.saturating_mul(1 << doublings);
        wait.min(t.max_backoff.max(t.interval))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn timing() -> Timing {
        Timing {
            interval: Duration::from_secs(1),
            detail_interval: Duration::from_secs(10),
            event_check: Duration::from_millis(200),
            max_backoff: Duration::from_secs(8),
        }
    }

    #[test]
    fn health_every_interval_details_every_detail_interval() {
        let t = timing();
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        let w = s.take(t0).unwrap();
        assert!(w.health && w.detail && !w.events_only);
        assert!(s.take(t0).is_none(), "busy");
        s.done(&t, t0, w, Some(true), false, false);
        assert_eq!(s.up(), Some(true));
        assert!(s.take(t0 + Duration::from_millis(999)).is_none());
        let w = s.take(t0 + Duration::from_secs(1)).unwrap();
        assert!(w.health && !w.detail);
        s.done(&t, t0 + Duration::from_secs(1), w, Some(true), false, false);
        assert_eq!(s.next_due(), t0 + Duration::from_secs(2));
        let w = s.take(t0 + Duration::from_secs(10)).unwrap();
        assert!(w.detail);
    }

    #[test]
    fn failures_back_off_exponentially_up_to_the_bound() {
        let t = timing();
        let mut now = Instant::now();
        let mut s = Schedule::new(now);
        let mut waits = Vec::new();
        for _ in 0..6 {
            let w = s.take(now).unwrap();
            s.done(&t, now, w, Some(false), false, false);
            assert_eq!(s.up(), Some(false));
            let due = s.next_due();
            waits.push(due - now);
            now = due;
        }
        let secs: Vec<u64> = waits.iter().map(Duration::as_secs).collect();
        assert_eq!(secs, [1, 2, 4, 8, 8, 8]);
        assert_eq!(s.failures(), 6);
        // The job that finds it back also reads the details, which are overdue.
        let w = s.take(now).unwrap();
        assert!(w.health && w.detail);
        s.done(&t, now, w, Some(true), false, false);
        assert_eq!((s.up(), s.failures()), (Some(true), 0));
        assert_eq!(s.next_due(), now + Duration::from_secs(1));
    }

    #[test]
    fn events_are_checked_between_polls_and_an_event_polls_at_once() {
        let t = timing();
        let t0 = Instant::now();
        let mut s = Schedule::new(t0);
        let w = s.take(t0).unwrap();
        s.done(&t, t0, w, Some(true), true, false);
        let at = t0 + Duration::from_millis(200);
        assert_eq!(s.next_due(), at);
        let w = s.take(at).unwrap();
        assert!(w.events_only && !w.health);
        s.done(&t, at, w, None, true, true);
        let w = s.take(at).unwrap();
        assert!(
            w.health && w.detail,
            "an event brings the next poll forward"
        );
    }
}
