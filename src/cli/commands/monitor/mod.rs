//! `monitor`: watch the health of every NVMe-MI endpoint a machine manages, and export it as
//! Prometheus / OpenMetrics metrics, JSON lines and (with `--dbus`) OpenBMC sensors.
//!
//! Threads: the scheduler (this module's [`run`], the only owner of the schedules), a pool of
//! `--concurrency` workers that each run one endpoint's job at a time (so a slow or silent
//! endpoint holds one worker for at most its deadline and never blocks the others), the HTTP
//! listener, the `mctpd` follower and a signal thread. Everything they tell the scheduler
//! arrives as a [`Msg`] on one channel.
//
// The doc comments of MonitorArgs are its --help text: device syntax is plain text there.
#![allow(rustdoc::invalid_html_tags)]

mod dbus;
mod follow;
mod http;
mod jsonl;
mod metrics;
mod poll;
mod reading;
mod schedule;
mod state;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::mpsc::{self, Receiver, RecvTimeoutError, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use clap::Args;
use signal_hook::consts::{SIGINT, SIGTERM, SIGUSR1};

use crate::cli::args::{OutputFormat, Settings};
use crate::cli::device::DeviceSpec;
use crate::cli::error::{CliError, CliResult};
use poll::{Poller, Target};
use reading::{FailureKind, PollError, PollOutcome};
use schedule::{Schedule, Timing, Work};
use state::State;

/// The options of `monitor`.
#[derive(Debug, Args, Clone)]
pub struct MonitorArgs {
    /// Endpoints to watch besides those mctpd publishes: mctp:<net>,<eid> or sim (each sim is
    /// another simulated drive, seeded --seed, --seed + 1, ...).
    #[arg(value_name = "DEVICE")]
    pub devices: Vec<DeviceSpec>,
    /// Address of the HTTP listener serving /metrics (loopback unless told otherwise).
    #[arg(long, default_value = "127.0.0.1:9883", value_name = "ADDR:PORT")]
    pub listen: SocketAddr,
    /// No HTTP listener.
    #[arg(long, conflicts_with = "listen")]
    pub no_listen: bool,
    /// Seconds between two NVM Subsystem Health Status Polls of an endpoint.
    #[arg(long, default_value_t = 5.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub interval: f64,
    /// Seconds between two reads of Controller Health and the SMART log.
    #[arg(long, default_value_t = 60.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub detail_interval: f64,
    /// Seconds a job on one endpoint may take (each of its commands, retries and More
    /// Processing Required waits included) before the endpoint counts as down.
    #[arg(long, default_value_t = 2.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub deadline: f64,
    /// Longest wait, in seconds, before polling an endpoint that stopped answering again
    /// (the wait doubles from --interval after each failure).
    #[arg(long, default_value_t = 300.0, value_name = "SECONDS", value_parser = positive_seconds)]
    pub max_backoff: f64,
    /// Endpoints polled at the same time.
    #[arg(long, default_value_t = 4, value_parser = clap::value_parser!(u16).range(1..=256))]
    pub concurrency: u16,
    /// Do not enable Asynchronous Event Messages.
    #[arg(long)]
    pub no_events: bool,
    /// Where to find mctpd: system (the default), session, none, or a D-Bus address.
    #[arg(long, default_value = "system", value_name = "BUS")]
    pub mctpd: String,
    /// Publish each endpoint's temperature as an OpenBMC sensor (the objects dbus-sensors'
    /// NVMeSensor publishes) on this bus: system, session or a D-Bus address.
    #[arg(long, value_name = "BUS", num_args = 0..=1, default_missing_value = "system")]
    pub dbus: Option<String>,
    /// The well-known name taken with --dbus.
    #[arg(
        long,
        default_value = "xyz.openbmc_project.NVMeSensor",
        value_name = "NAME"
    )]
    pub dbus_name: String,
    /// Stop after this many seconds (default: until SIGTERM or SIGINT).
    #[arg(long, value_name = "SECONDS")]
    pub seconds: Option<f64>,
}

fn positive_seconds(s: &str) -> Result<f64, String> {
    match s.parse::<f64>() {
        Ok(v) if v.is_finite() && v > 0.0 && v < 1e7 => Ok(v),
        _ => Err("expected a positive number of seconds".into()),
    }
}

/// What the other threads tell the scheduler.
pub enum Msg {
    /// A job ended.
    Done(Box<Job>),
    /// `mctpd` published an NVMe-MI endpoint.
    Added(Target),
    /// `mctpd` withdrew one.
    Removed(Target),
    /// A signal arrived.
    Signal(i32),
}

/// A job: the work, the endpoint's requester (opened by the worker if it is not yet), and
/// afterwards what came of it.
pub struct Job {
    target: Target,
    poller: Option<Poller>,
    work: Work,
    outcome: PollOutcome,
}

/// One watched endpoint, as the scheduler sees it.
struct Slot {
    schedule: Schedule,
    /// `None` while a job holds it (or before it was first opened).
    poller: Option<Poller>,
    /// Withdrawn while a job ran: dropped when the job returns.
    removed: bool,
    /// Offset of a simulated drive's temperature to apply (SIGUSR1), kelvin.
    sim_offset: Option<i16>,
    /// The simulated drive's temperature is raised (SIGUSR1 toggles it).
    sim_raised: bool,
    /// From the command line (never removed by mctpd).
    pinned: bool,
}

/// The raise SIGUSR1 gives a simulated drive's temperature (from about 40 °C to above its
/// 70 °C warning threshold); the next SIGUSR1 takes it back.
const SIM_RAISE_KELVIN: i16 = 40;

fn worker(
    jobs: Arc<Mutex<Receiver<Box<Job>>>>,
    done: Sender<Msg>,
    deadline: Duration,
    events: bool,
    epoch: Instant,
) {
    loop {
        let job = {
            let rx = jobs.lock().unwrap_or_else(|e| e.into_inner());
            rx.recv()
        };
        let Ok(mut job) = job else { return };
        if job.poller.is_none() {
            match Poller::open(job.target.clone(), deadline, events, epoch) {
                Ok(p) => job.poller = Some(p),
                Err(message) => {
                    job.outcome = PollOutcome {
                        error: Some(PollError {
                            kind: FailureKind::Transport,
                            message,
                        }),
                        ..PollOutcome::default()
                    };
                }
            }
        }
        if let Some(p) = job.poller.as_mut() {
            job.outcome = p.run(job.work);
        }
        if done.send(Msg::Done(job)).is_err() {
            return;
        }
    }
}

fn parse_bus(s: &str, option: &str) -> CliResult<follow::MessageBus> {
    match s {
        "system" => Ok(follow::MessageBus::System),
        "session" => Ok(follow::MessageBus::Session),
        other if other.contains(':') => Ok(follow::MessageBus::Address(other.to_owned())),
        other => Err(CliError::usage(format!(
            "{option} {other}: expected system, session, none or a D-Bus address"
        ))),
    }
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s)
}

/// `monitor`.
pub fn run(a: &MonitorArgs, g: &Settings) -> CliResult {
    let timing = Timing {
        interval: secs(a.interval),
        detail_interval: secs(a.detail_interval.max(a.interval)),
        event_check: secs(a.interval.min(0.25)),
        max_backoff: secs(a.max_backoff),
    };
    let deadline = secs(a.deadline);
    let mut targets = Vec::new();
    let mut sims = 0u32;
    for d in &a.devices {
        match d {
            DeviceSpec::Sim { .. } => {
                targets.push(Target::Sim {
                    seed: g.seed.wrapping_add(u64::from(sims)),
                    index: sims,
                });
                sims += 1;
            }
            DeviceSpec::Mctp { net, eid, .. } => targets.push(Target::Mctp { net: *net, eid: *eid }),
            DeviceSpec::I2c { .. } => {
                return Err(CliError::usage(format!(
                    "{d}: an I2C device answers only the Basic Management Command; monitor watches NVMe-MI endpoints"
                )))
            }
        }
    }
    let bus = match a.mctpd.as_str() {
        "none" => None,
        other => Some(parse_bus(other, "--mctpd")?),
    };
    let sensors = match &a.dbus {
        None => None,
        Some(b) => Some(
            dbus::Sensors::connect(&parse_bus(b, "--dbus")?, &a.dbus_name)
                .map_err(|e| CliError::usage(format!("--dbus: {e}")))?,
        ),
    };
    if targets.is_empty() && bus.is_none() {
        return Err(CliError::usage(
            "nothing to watch: give devices, or let monitor follow mctpd",
        ));
    }

    let state = Arc::new(Mutex::new(State::default()));
    if !a.no_listen {
        let listener = http::bind(a.listen)
            .map_err(|e| CliError::usage(format!("--listen {}: {e}", a.listen)))?;
        let registry = Arc::new(metrics::registry(state.clone()));
        std::thread::spawn(move || http::serve(listener, registry));
    }

    let (tx, rx) = mpsc::channel::<Msg>();
    let stop = Arc::new(AtomicBool::new(false));
    {
        let mut signals = signal_hook::iterator::Signals::new([SIGTERM, SIGINT, SIGUSR1])
            .map_err(|e| CliError::usage(format!("cannot handle signals: {e}")))?;
        let tx = tx.clone();
        std::thread::spawn(move || {
            for s in signals.forever() {
                if tx.send(Msg::Signal(s)).is_err() {
                    return;
                }
            }
        });
    }
    if let Some(bus) = bus {
        let tx = tx.clone();
        let stop = stop.clone();
        std::thread::spawn(move || follow::follow(bus, tx, stop));
    }
    let epoch = Instant::now();
    let (job_tx, job_rx): (SyncSender<Box<Job>>, _) =
        mpsc::sync_channel(usize::from(a.concurrency));
    let job_rx = Arc::new(Mutex::new(job_rx));
    for _ in 0..a.concurrency {
        let (jobs, done) = (job_rx.clone(), tx.clone());
        let events = !a.no_events;
        std::thread::spawn(move || worker(jobs, done, deadline, events, epoch));
    }
    drop(tx);

    let mut sched = Scheduler {
        slots: BTreeMap::new(),
        state,
        timing,
        free: usize::from(a.concurrency),
        json: g.output == OutputFormat::Json,
        sensors,
    };
    for t in targets {
        sched.add(t, true);
    }
    let end = a.seconds.map(|s| epoch + secs(s));
    let mut stopping = false;
    loop {
        let now = Instant::now();
        if end.is_some_and(|e| now >= e) && !stopping {
            stopping = true;
            stop.store(true, Ordering::Relaxed);
        }
        if stopping && sched.in_flight() == 0 {
            break;
        }
        if !stopping {
            sched.dispatch(now, &job_tx);
        }
        let mut wait = sched
            .next_due()
            .map_or(Duration::from_secs(1), |d| d.saturating_duration_since(now));
        wait = wait.min(Duration::from_secs(1));
        if let Some(e) = end {
            wait = wait.min(e.saturating_duration_since(now));
        }
        match rx.recv_timeout(wait) {
            Ok(Msg::Done(job)) => sched.done(*job),
            Ok(Msg::Added(t)) => sched.add(t, false),
            Ok(Msg::Removed(t)) => sched.remove(&t),
            Ok(Msg::Signal(SIGUSR1)) => sched.toggle_sim_temperature(),
            Ok(Msg::Signal(_)) => {
                // SIGTERM / SIGINT: start nothing new; end once every running command has
                // ended (each within its deadline).
                stopping = true;
                stop.store(true, Ordering::Relaxed);
            }
            Err(RecvTimeoutError::Timeout) => {}
            Err(RecvTimeoutError::Disconnected) => break,
        }
    }
    Ok(())
}

/// The scheduler's state.
struct Scheduler {
    slots: BTreeMap<Target, Slot>,
    state: Arc<Mutex<State>>,
    timing: Timing,
    free: usize,
    json: bool,
    sensors: Option<dbus::Sensors>,
}

impl Scheduler {
    fn state(&self) -> std::sync::MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(|e| e.into_inner())
    }

    fn in_flight(&self) -> usize {
        self.slots.values().filter(|s| s.schedule.busy()).count()
    }

    fn next_due(&self) -> Option<Instant> {
        self.slots
            .values()
            .filter(|s| !s.schedule.busy())
            .map(|s| s.schedule.next_due())
            .min()
    }

    fn add(&mut self, t: Target, pinned: bool) {
        match self.slots.get_mut(&t) {
            Some(s) if !s.removed => return,
            // Withdrawn while its job ran and back before the job ended: the slot stays, its
            // record (dropped on withdrawal) is made again.
            Some(s) => s.removed = false,
            None => {
                self.slots.insert(
                    t.clone(),
                    Slot {
                        schedule: Schedule::new(Instant::now()),
                        poller: None,
                        removed: false,
                        sim_offset: None,
                        sim_raised: false,
                        pinned,
                    },
                );
            }
        }
        self.state().add(t.clone());
        if self.json {
            println!("{}", jsonl::membership("added", &t));
        } else {
            println!("monitor: watching {t}");
        }
    }

    fn remove(&mut self, t: &Target) {
        let Some(s) = self.slots.get_mut(t) else {
            return;
        };
        if s.pinned {
            return;
        }
        if s.schedule.busy() {
            s.removed = true;
        } else {
            self.slots.remove(t);
        }
        self.state().remove(t);
        if let Some(s) = self.sensors.as_mut() {
            s.remove(t);
        }
        if self.json {
            println!("{}", jsonl::membership("removed", t));
        } else {
            println!("monitor: {t} withdrawn by mctpd");
        }
    }

    fn dispatch(&mut self, now: Instant, jobs: &SyncSender<Box<Job>>) {
        if self.free == 0 {
            return;
        }
        // The most overdue first.
        let mut due: Vec<(Instant, Target)> = self
            .slots
            .iter()
            .filter(|(_, s)| !s.schedule.busy() && s.schedule.next_due() <= now)
            .map(|(t, s)| (s.schedule.next_due(), t.clone()))
            .collect();
        due.sort();
        for (_, t) in due.into_iter().take(self.free) {
            let Some(slot) = self.slots.get_mut(&t) else {
                continue;
            };
            let Some(work) = slot.schedule.take(now) else {
                continue;
            };
            let mut poller = slot.poller.take();
            // Kept for a later poll while there is no simulated drive to apply it to, so
            // that the drive and `sim_raised` do not fall out of step.
            if let Some(sim) = poller.as_mut().and_then(|p| p.sim_mut()) {
                if let Some(k) = slot.sim_offset.take() {
                    sim.set_temperature_offset(k);
                }
            }
            let job = Box::new(Job {
                target: t,
                poller,
                work,
                outcome: PollOutcome::default(),
            });
            // Never full: at most `free` jobs are queued or running.
            if jobs.try_send(job).is_ok() {
                self.free -= 1;
            }
        }
    }

    fn done(&mut self, job: Job) {
        self.free += 1;
        let now = Instant::now();
        let Job {
            target,
            poller,
            work,
            outcome,
        } = job;
        let Some(slot) = self.slots.get_mut(&target) else {
            return;
        };
        if slot.removed {
            self.slots.remove(&target);
            return;
        }
        let polled = !work.events_only || outcome.health.is_some() || outcome.error.is_some();
        let ok = polled.then_some(outcome.health.is_some());
        let events = outcome.events_enabled;
        let event_seen = outcome.events > 0;
        let was_up = slot.schedule.up();
        slot.schedule
            .done(&self.timing, now, work, ok, events, event_seen);
        slot.poller = poller;
        let up = slot.schedule.up();
        let quiet = work.events_only && outcome.events == 0 && outcome.error.is_none();
        let message = outcome.error.as_ref().map(|e| e.message.clone());
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.apply(&target, outcome, polled, now);
        if let (Some(s), Some(r)) = (self.sensors.as_mut(), st.records.get(&target)) {
            if !quiet {
                s.update(&target, r);
            }
        }
        if self.json {
            if !quiet {
                if let Some(r) = st.records.get(&target) {
                    println!("{}", jsonl::reading(&target, r));
                }
            }
        } else if up != was_up {
            match (up, message) {
                (Some(true), _) => println!("monitor: {target} is up"),
                (_, Some(m)) => println!("monitor: {target} is down: {m}"),
                _ => println!("monitor: {target} is down"),
            }
        }
    }

    fn toggle_sim_temperature(&mut self) {
        for (t, s) in self.slots.iter_mut() {
            if matches!(t, Target::Sim { .. }) {
                s.sim_raised = !s.sim_raised;
                s.sim_offset = Some(if s.sim_raised { SIM_RAISE_KELVIN } else { 0 });
                // Poll at once so that the change shows.
                s.schedule.due_now(Instant::now());
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scheduler(concurrency: usize) -> Scheduler {
        Scheduler {
            slots: BTreeMap::new(),
            state: Arc::new(Mutex::new(State::default())),
            timing: Timing {
                interval: Duration::from_secs(1),
                detail_interval: Duration::from_secs(10),
                event_check: Duration::from_millis(250),
                max_backoff: Duration::from_secs(8),
            },
            free: concurrency,
            json: false,
            sensors: None,
        }
    }

    #[test]
    fn an_endpoint_back_before_its_job_ended_keeps_a_record() {
        let mut s = scheduler(1);
        let t = Target::Mctp { net: 1, eid: 9 };
        s.add(t.clone(), false);
        let (jobs, queued) = mpsc::sync_channel(1);
        s.dispatch(Instant::now(), &jobs);
        let job = queued.try_recv().expect("a job for the new endpoint");
        s.remove(&t);
        assert!(s.state().records.is_empty(), "withdrawn: no record");
        s.add(t.clone(), false);
        s.done(*job);
        assert!(s.slots.contains_key(&t));
        assert_eq!(s.state().records[&t].polls, 1, "the job's outcome is kept");
    }

    #[test]
    fn endpoints_that_come_and_go_leave_nothing_behind() {
        let mut s = scheduler(4);
        let pinned = Target::Mctp { net: 1, eid: 8 };
        s.add(pinned.clone(), true);
        let registry = metrics::registry(s.state.clone());
        let before = metrics::encode(&registry);
        let (jobs, queued) = mpsc::sync_channel(4);
        for net in 100..1100 {
            let t = Target::Mctp { net, eid: 9 };
            s.add(t.clone(), false);
            s.dispatch(Instant::now(), &jobs);
            // Half of them withdrawn while their job runs, half after it ended.
            if net % 2 == 0 {
                s.remove(&t);
            }
            while let Ok(job) = queued.try_recv() {
                s.done(*job);
            }
            s.remove(&t);
        }
        // mctpd cannot withdraw an endpoint given on the command line.
        s.remove(&pinned);
        assert_eq!(s.slots.keys().collect::<Vec<_>>(), [&pinned]);
        assert_eq!(s.state().records.keys().collect::<Vec<_>>(), [&pinned]);
        let after = metrics::encode(&registry);
        assert!(!after.contains("network=\"100\""), "{after}");
        assert_eq!(before.lines().count(), after.lines().count());
    }
}
