//! One endpoint's requester and the commands a monitoring job sends to it.

use std::fmt;
use std::time::{Duration, Instant as WallInstant};

use nvme_mi_core::mi::command::{
    ControllerHealth as HealthEntry, ControllerHealthStatusPollRequest,
};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{Config, Endpoint, Policy, RequestError};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{Error as _, ErrorKind as TransportKind, Transport};

use super::reading::{
    ControllerReading, FailureKind, Identity, PollError, PollOutcome, Smart, SubsystemHealth,
};
use super::schedule::Work;
use crate::cli::device::{AnyTransport, DeviceError, DeviceSpec};

/// An endpoint the monitor watches.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Target {
    /// A built-in simulated drive made from this seed.
    Sim {
        /// Its seed (serial number and values derive from it).
        seed: u64,
        /// Its position among the simulated drives on the command line (its label).
        index: u32,
    },
    /// An NVMe-MI endpoint over AF_MCTP.
    Mctp {
        /// MCTP network.
        net: u32,
        /// EID.
        eid: u8,
    },
}

impl Target {
    /// The `network` label: the MCTP network, or `sim`.
    pub fn network(&self) -> String {
        match self {
            Target::Sim { .. } => "sim".into(),
            Target::Mctp { net, .. } => net.to_string(),
        }
    }

    /// The `eid` label: the EID, or the simulated drive's index.
    pub fn eid(&self) -> String {
        match self {
            Target::Sim { index, .. } => index.to_string(),
            Target::Mctp { eid, .. } => eid.to_string(),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Sim { index: 0, .. } => f.write_str("sim"),
            Target::Sim { index, .. } => write!(f, "sim{index}"),
            Target::Mctp { net, eid } => write!(f, "mctp:{net},{eid}"),
        }
    }
}

/// The requester of one endpoint, with what the monitor learnt about it.
pub struct Poller {
    ep: Endpoint<AnyTransport, Vec<u8>>,
    /// Wall-clock start of the monitor: a simulated drive's virtual time follows it.
    epoch: WallInstant,
    identity: Option<Identity>,
    controller: Option<u16>,
    events_wanted: bool,
    events_enabled: bool,
}

fn kind_of(e: &RequestError<DeviceError>) -> FailureKind {
    match e {
        RequestError::Timeout { .. } => FailureKind::Timeout,
        RequestError::Transport(t) if t.kind() == TransportKind::Timeout => FailureKind::Timeout,
        RequestError::Transport(_) => FailureKind::Transport,
        RequestError::Integrity { .. } => FailureKind::Integrity,
        RequestError::Status(_) | RequestError::Nvme(_) | RequestError::Control(_) => {
            FailureKind::Status
        }
        _ => FailureKind::Protocol,
    }
}

fn failed(what: &str, e: &RequestError<DeviceError>) -> PollError {
    PollError {
        kind: kind_of(e),
        message: format!("{what}: {e}"),
    }
}

fn protocol(what: &str) -> PollError {
    PollError {
        kind: FailureKind::Protocol,
        message: what.into(),
    }
}

impl Poller {
    /// Opens the endpoint. Every command of a job must end within `deadline` (the requester's
    /// bound on one command, retries and More Processing Required included). `events`:
    /// enable Asynchronous Event Messages if the endpoint supports them.
    pub fn open(
        target: Target,
        deadline: Duration,
        events: bool,
        epoch: WallInstant,
    ) -> Result<Self, String> {
        let spec = match &target {
            Target::Sim { .. } => DeviceSpec::Sim { ctrl: None },
            Target::Mctp { net, eid } => DeviceSpec::Mctp {
                net: *net,
                eid: *eid,
                ctrl: None,
            },
        };
        let seed = match target {
            Target::Sim { seed, .. } => seed,
            Target::Mctp { .. } => 0,
        };
        let t = AnyTransport::open(&spec, seed, None).map_err(|e| e.to_string())?;
        let per_response = deadline / 2;
        let read = Policy {
            response_timeout: per_response,
            max_total: deadline,
            max_mpr_wait: deadline,
            retries: 1,
            idempotent: true,
        };
        let config = Config {
            read,
            write: Policy {
                retries: 0,
                idempotent: false,
                ..read
            },
            ..Config::default()
        };
        Ok(Poller {
            ep: Endpoint::with_config(t, vec![0u8; MAX_MESSAGE_LEN], config),
            epoch,
            identity: None,
            controller: None,
            events_wanted: events,
            events_enabled: false,
        })
    }

    /// The simulated drive, if this is one.
    pub fn sim_mut(&mut self) -> Option<&mut nvme_mi_sim::Sim> {
        self.ep.transport_mut().sim_link().map(|s| s.sim_mut())
    }

    /// A simulated drive lives in virtual time: bring it up to the wall clock.
    fn catch_up(&mut self) {
        let t = self.ep.transport_mut();
        if t.sim_link().is_some() {
            let wall = Instant(self.epoch.elapsed().as_millis() as u64);
            if t.now() < wall {
                t.wait_until(wall);
            }
        }
    }

    /// Runs one job.
    pub fn run(&mut self, work: Work) -> PollOutcome {
        self.catch_up();
        let mut out = PollOutcome::default();
        if self.events_enabled {
            self.receive_events(&mut out);
            if out.error.is_some() {
                return out;
            }
        }
        if work.events_only && out.events == 0 {
            out.events_enabled = self.events_enabled;
            return out;
        }
        let started = WallInstant::now();
        match self.ep.health_poll(false) {
            Ok(h) => {
                out.health = Some(SubsystemHealth {
                    nss: h.nss,
                    warnings: h.warnings().bits(),
                    temperature_celsius: h.temperature().celsius(),
                    percentage_used: h.pdlu,
                    ccs: h.ccs().bits(),
                });
                out.latency = Some(started.elapsed());
            }
            Err(e) => {
                out.error = Some(failed("NVM Subsystem Health Status Poll", &e));
                // A lost endpoint may come back without our settings: enable its events
                // again then.
                if self.events_enabled {
                    self.events_enabled = false;
                    self.events_wanted = true;
                }
                return out;
            }
        }
        if self.identity.is_none() {
            match self.identify() {
                Ok(id) => {
                    self.identity = Some(id.clone());
                    out.identity = Some(id);
                }
                Err(e) => out.error = Some(e),
            }
        }
        if work.detail || out.events > 0 {
            self.details(&mut out);
        }
        if self.events_wanted && !self.events_enabled && out.error.is_none() {
            if let Err(e) = self.enable_events() {
                out.error = Some(e);
            }
        }
        out.events_enabled = self.events_enabled;
        out
    }

    /// The Controller List's first controller and its Identify Controller data structure.
    fn identify(&mut self) -> Result<Identity, PollError> {
        let ctrl = match self.controller {
            Some(c) => c,
            None => {
                let mut first = [0u16; 1];
                let n = self
                    .ep
                    .read_ctrl_list(0, &mut first)
                    .map_err(|e| failed("reading the Controller List", &e))?;
                if n == 0 {
                    return Err(protocol("the subsystem reports no controller"));
                }
                self.controller = Some(first[0]);
                first[0]
            }
        };
        let id = self
            .ep
            .controller(ctrl)
            .identify_ctrl()
            .map_err(|e| failed("Identify Controller", &e))?;
        let celsius = |k: u16| (k != 0).then(|| i32::from(k) - 273);
        Ok(Identity {
            serial: id.sn().trim().to_owned(),
            model: id.mn().trim().to_owned(),
            warning_celsius: celsius(id.wctemp.get()),
            critical_celsius: celsius(id.cctemp.get()),
        })
    }

    /// Controller Health Status Poll of every controller and the SMART log of the first.
    fn details(&mut self, out: &mut PollOutcome) {
        let req = ControllerHealthStatusPollRequest {
            all: true,
            incf: true,
            maxrent: 254,
            ..Default::default()
        };
        let mut entries = [HealthEntry::default(); 255];
        match self.ep.ctrl_health_poll(&req, &mut entries) {
            Ok(n) => {
                out.controllers = Some(
                    entries[..n.min(entries.len())]
                        .iter()
                        .map(|e| ControllerReading {
                            id: e.controller_id(),
                            csts: e.status().bits(),
                            temperature_celsius: e.temperature_celsius(),
                            percentage_used: e.pdlu,
                            available_spare: e.spare,
                            critical_warning: e.cwarn,
                        })
                        .collect(),
                )
            }
            Err(e) => {
                out.error
                    .get_or_insert(failed("Controller Health Status Poll", &e));
            }
        }
        let Some(ctrl) = self.controller else { return };
        match self.ep.controller(ctrl).get_log_smart() {
            Ok(s) => {
                out.smart = Some(Smart {
                    critical_warning: s.critical_warning,
                    available_spare: s.avail_spare,
                    available_spare_threshold: s.spare_thresh,
                    percentage_used: s.percent_used,
                    power_on_hours: s.power_on_hours.get() as u64,
                    media_errors: s.media_errors.get() as u64,
                    unsafe_shutdowns: s.unsafe_shutdowns.get() as u64,
                })
            }
            Err(e) => {
                out.error.get_or_insert(failed("SMART log", &e));
            }
        }
    }

    /// Enables every Asynchronous Event the endpoint supports (NVMe-MI 2.0, Configuration
    /// Get and Set of the Asynchronous Event configuration). An endpoint without AEMs
    /// (Invalid Parameter, or no supported event) is left alone; one whose events were
    /// enabled gets them enabled again when it comes back after it was lost.
    fn enable_events(&mut self) -> Result<(), PollError> {
        // Over AF_MCTP, listen before enabling: the first AEM may follow at once. A socket
        // that cannot be bound (no route; another process holds the local EID) will not
        // change: reported once, and the endpoint is polled without events.
        if let Err(e) = self.ep.transport_mut().listen_events() {
            self.events_wanted = false;
            return Err(PollError {
                kind: FailureKind::Transport,
                message: e.to_string(),
            });
        }
        match self.ep.enable_supported_events(super::super::aem::SETTINGS) {
            Ok((n, _)) => {
                self.events_wanted = false;
                self.events_enabled = n > 0;
                Ok(())
            }
            Err(RequestError::Status(_)) => {
                self.events_wanted = false;
                Ok(())
            }
            Err(e) => {
                // A malformed AE Supported List will not mend: reported once, not asked again.
                if matches!(e, RequestError::Malformed(_)) {
                    self.events_wanted = false;
                }
                Err(failed("enabling Asynchronous Events", &e))
            }
        }
    }

    /// Takes every AEM that has arrived (without waiting) and acknowledges them.
    fn receive_events(&mut self, out: &mut PollOutcome) {
        loop {
            let now = self.ep.transport_mut().now();
            match self.ep.recv_event(now) {
                Ok(_) => out.events += 1,
                Err(RequestError::Transport(e)) if e.kind() == TransportKind::Timeout => break,
                Err(RequestError::Timeout { .. }) => break,
                Err(e) => {
                    out.error = Some(failed("receiving an Asynchronous Event Message", &e));
                    return;
                }
            }
            if let Err(e) = self.ep.ack_events() {
                out.error = Some(failed("acknowledging Asynchronous Events", &e));
                return;
            }
            if out.events >= 64 {
                // Bounded work per job; the rest waits for the next check.
                break;
            }
        }
    }
}
