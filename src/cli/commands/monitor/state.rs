//! What the monitor knows about every endpoint it watches: the last good reading of each
//! kind with its time, counters, and up or down. Bounded: one record per watched endpoint
//! (a removed endpoint's record goes with it), at most 255 controllers a record, and fixed
//! histogram buckets.

use std::collections::BTreeMap;
use std::time::{Duration, Instant, SystemTime};

use super::poll::Target;
use super::reading::{
    ControllerReading, FailureKind, Identity, PollError, PollOutcome, Smart, SubsystemHealth,
};

/// Upper bounds of the poll latency histogram, seconds.
pub const LATENCY_BUCKETS: [f64; 10] = [0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 1.0, 5.0];

/// A reading and when it was taken.
#[derive(Debug, Clone)]
pub struct Stamped<T> {
    /// The reading.
    pub value: T,
    /// When it arrived (monotonic, for its age).
    pub at: Instant,
    /// When it arrived (wall clock, for JSON).
    pub wall: SystemTime,
}

impl<T> Stamped<T> {
    fn new(value: T, at: Instant) -> Self {
        Stamped {
            value,
            at,
            wall: SystemTime::now(),
        }
    }

    /// How old the reading is at `now`.
    pub fn age(&self, now: Instant) -> Duration {
        now.saturating_duration_since(self.at)
    }
}

/// A histogram with fixed buckets.
#[derive(Debug, Clone, Default)]
pub struct Latency {
    /// Observations per bucket of [`LATENCY_BUCKETS`], then above the last.
    pub counts: [u64; LATENCY_BUCKETS.len() + 1],
    /// Sum of the observations, seconds.
    pub sum: f64,
    /// Number of observations.
    pub count: u64,
}

impl Latency {
    /// Adds one observation.
    pub fn observe(&mut self, d: Duration) {
        let s = d.as_secs_f64();
        let i = LATENCY_BUCKETS
            .iter()
            .position(|&b| s <= b)
            .unwrap_or(LATENCY_BUCKETS.len());
        self.counts[i] += 1;
        self.sum += s;
        self.count += 1;
    }
}

/// One endpoint.
#[derive(Debug, Clone)]
pub struct Record {
    /// Its identity, once read.
    pub identity: Option<Identity>,
    /// Up after a successful health poll, down after a failed one, unknown before.
    pub up: Option<bool>,
    /// The last NVM Subsystem Health.
    pub health: Option<Stamped<SubsystemHealth>>,
    /// The last Controller Health of every controller.
    pub controllers: Option<Stamped<Vec<ControllerReading>>>,
    /// The last SMART log.
    pub smart: Option<Stamped<Smart>>,
    /// Asynchronous Event Messages received.
    pub events: u64,
    /// Whether AEMs are enabled.
    pub events_enabled: bool,
    /// Health polls sent.
    pub polls: u64,
    /// Failed jobs by kind of their first failure.
    pub errors: BTreeMap<FailureKind, u64>,
    /// The last failure.
    pub last_error: Option<PollError>,
    /// Health poll latency.
    pub latency: Latency,
}

impl Record {
    fn new() -> Self {
        Record {
            identity: None,
            up: None,
            health: None,
            controllers: None,
            smart: None,
            events: 0,
            events_enabled: false,
            polls: 0,
            errors: BTreeMap::new(),
            last_error: None,
            latency: Latency::default(),
        }
    }

    /// The `serial` label.
    pub fn serial(&self) -> &str {
        self.identity.as_ref().map_or("", |i| i.serial.as_str())
    }

    /// The `model` label.
    pub fn model(&self) -> &str {
        self.identity.as_ref().map_or("", |i| i.model.as_str())
    }
}

/// Every endpoint the monitor watches, by address.
#[derive(Debug, Default)]
pub struct State {
    /// The records.
    pub records: BTreeMap<Target, Record>,
}

/// The most controllers kept for one endpoint (a Controller Health Status Poll response holds
/// at most 255 entries).
const MAX_CONTROLLERS: usize = 255;

impl State {
    /// Starts watching `target` (no effect if it is watched already).
    pub fn add(&mut self, target: Target) {
        self.records.entry(target).or_insert_with(Record::new);
    }

    /// Stops watching `target`.
    pub fn remove(&mut self, target: &Target) {
        self.records.remove(target);
    }

    /// Applies the outcome of a job at `now`; `polled`: a health poll was sent.
    pub fn apply(&mut self, target: &Target, mut out: PollOutcome, polled: bool, now: Instant) {
        let Some(r) = self.records.get_mut(target) else {
            return;
        };
        if polled {
            r.polls += 1;
            r.up = Some(out.health.is_some());
        }
        if let Some(h) = out.health {
            r.health = Some(Stamped::new(h, now));
        }
        if let Some(mut c) = out.controllers.take() {
            c.truncate(MAX_CONTROLLERS);
            r.controllers = Some(Stamped::new(c, now));
        }
        if let Some(s) = out.smart {
            r.smart = Some(Stamped::new(s, now));
        }
        if let Some(id) = out.identity.take() {
            r.identity = Some(id);
        }
        if let Some(l) = out.latency {
            r.latency.observe(l);
        }
        r.events += out.events;
        r.events_enabled = out.events_enabled;
        if let Some(e) = out.error.take() {
            *r.errors.entry(e.kind).or_default() += 1;
            r.last_error = Some(e);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_keep_the_last_good_reading_and_count_failures() {
        let mut s = State::default();
        let t = Target::Mctp { net: 1, eid: 9 };
        let t0 = Instant::now();
        s.add(t.clone());
        let good = PollOutcome {
            health: Some(SubsystemHealth {
                temperature_celsius: Some(41),
                ..Default::default()
            }),
            latency: Some(Duration::from_millis(3)),
            ..Default::default()
        };
        s.apply(&t, good, true, t0);
        let bad = PollOutcome {
            error: Some(PollError {
                kind: FailureKind::Timeout,
                message: "timed out".into(),
            }),
            ..Default::default()
        };
        let later = t0 + Duration::from_secs(5);
        s.apply(&t, bad, true, later);
        let r = &s.records[&t];
        assert_eq!(r.up, Some(false));
        assert_eq!(r.polls, 2);
        assert_eq!(r.errors[&FailureKind::Timeout], 1);
        let h = r.health.as_ref().unwrap();
        assert_eq!(
            h.value.temperature_celsius,
            Some(41),
            "last good reading kept"
        );
        assert_eq!(h.age(later), Duration::from_secs(5));
        assert_eq!(r.latency.count, 1);
        assert_eq!(r.latency.counts[2], 1, "3 ms falls in the 5 ms bucket");
        s.remove(&t);
        assert!(s.records.is_empty());
        // A late outcome for a removed endpoint is dropped.
        s.apply(&t, PollOutcome::default(), true, later);
        assert!(s.records.is_empty());
    }
}
