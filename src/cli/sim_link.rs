//! The built-in simulated drive: `nvme-mi-sim`'s [`Sim`] behind the core's [`Responder`], on
//! an in-process [`Loopback`] link in virtual time.
//!
//! A process normally starts from a fresh drive. With `--sim-state FILE` the drive lives on
//! between invocations: the simulation is deterministic (the same seed and the same requests
//! at the same virtual times give the same drive), so the file keeps the seed and a journal
//! of every request with its virtual send time, and the next invocation replays the journal
//! before it sends anything new.

use std::path::{Path, PathBuf};

use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::responder::Responder;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{gather, ErrorKind, EventSource, Transport};
use nvme_mi_sim::{Sim, Topology};
use serde::{Deserialize, Serialize};

use super::error::{CliError, CliResult};

/// The link the requester talks over.
pub type SimLoop = Loopback<Responder<Sim, LoopPeer>>;

/// The EID the command-line tool uses as requester on the simulated link.
pub const REQUESTER_EID: Eid = Eid(8);

/// One journalled request.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    /// Virtual time of sending, ms.
    t: u64,
    /// The whole message, type byte first, as hex.
    msg: String,
}

/// The contents of a `--sim-state` file.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Journal {
    /// The drive's seed.
    seed: u64,
    /// Virtual time when the last invocation ended, ms.
    now: u64,
    /// Every request sent so far.
    requests: Vec<Entry>,
    /// The drive's topology: controllers, a second PCIe port, namespaces (absent in files
    /// written before topologies: the default).
    #[serde(default)]
    topology: Option<(u8, bool, u8)>,
}

/// The simulated drive on its link, recording requests when it has a state file.
pub struct SimLink {
    link: Box<SimLoop>,
    journal: Option<(PathBuf, Journal)>,
}

fn fresh(seed: u64, t: Topology) -> CliResult<Box<SimLoop>> {
    let sim = Sim::with_topology(seed, t)
        .map_err(|e| CliError::usage(format!("the simulated drive's topology: {e}")))?;
    Ok(Box::new(Loopback::new(
        Responder::new(sim, nvme_mi_sim::DEFAULT_EID),
        REQUESTER_EID,
        nvme_mi_sim::DEFAULT_EID,
    )))
}

impl SimLink {
    /// A fresh drive made from `seed`, or the drive kept in `state` (created with `seed` if
    /// the file does not exist yet).
    pub fn open(seed: u64, topology: Topology, state: Option<&Path>) -> CliResult<Self> {
        let Some(path) = state else {
            return Ok(SimLink {
                link: fresh(seed, topology)?,
                journal: None,
            });
        };
        let journal = match std::fs::read_to_string(path) {
            Ok(text) => serde_json::from_str::<Journal>(&text).map_err(|e| {
                CliError::usage(format!(
                    "{}: not a simulator state file: {e}",
                    path.display()
                ))
            })?,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Journal {
                seed,
                now: 0,
                requests: Vec::new(),
                topology: Some((
                    topology.controllers,
                    topology.dual_port,
                    topology.namespaces,
                )),
            },
            Err(e) => return Err(CliError::usage(format!("{}: {e}", path.display()))),
        };
        let t = match journal.topology {
            Some((controllers, dual_port, namespaces)) => Topology::DEFAULT
                .controllers(controllers)
                .dual_port(dual_port)
                .namespaces(namespaces),
            None => Topology::DEFAULT,
        };
        let mut link = fresh(journal.seed, t)?;
        let mut buf = vec![0u8; nvme_mi_core::mi::MAX_MESSAGE_LEN];
        for e in &journal.requests {
            let msg = hex::decode(&e.msg).map_err(|_| {
                CliError::usage(format!("{}: corrupted journal entry", path.display()))
            })?;
            link.wait_until(Instant(e.t));
            // The replayed responses are not needed: the drive's state is.
            let _ = link.send_request(&[&msg]);
            let now = link.now();
            while link.recv_response(&mut buf, now).is_ok() {}
            link.end_exchange();
        }
        link.wait_until(Instant(journal.now));
        Ok(SimLink {
            link,
            journal: Some((path.to_owned(), journal)),
        })
    }

    /// The simulated drive.
    pub fn sim(&self) -> &Sim {
        self.link.responder().device()
    }

    /// The simulated drive, to change it (test hooks such as its temperature).
    pub fn sim_mut(&mut self) -> &mut Sim {
        self.link.responder_mut().device_mut()
    }

    /// Write the state file, if there is one.
    pub fn save(&mut self) -> CliResult {
        let now = self.link.now().as_millis();
        if let Some((path, j)) = &mut self.journal {
            j.now = now;
            let text = serde_json::to_string(j).map_err(|e| CliError::usage(e.to_string()))?;
            std::fs::write(&*path, text)
                .map_err(|e| CliError::usage(format!("{}: {e}", path.display())))?;
        }
        Ok(())
    }
}

impl Transport for SimLink {
    type Error = ErrorKind;

    fn now(&mut self) -> Instant {
        self.link.now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), ErrorKind> {
        if let Some((_, j)) = &mut self.journal {
            let mut buf = vec![0u8; nvme_mi_core::transport::message_len(message)];
            gather(message, &mut buf).ok_or(ErrorKind::BufferTooSmall)?;
            j.requests.push(Entry {
                t: self.link.now().as_millis(),
                msg: hex::encode(buf),
            });
        }
        self.link.send_request(message)
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
        self.link.recv_response(buf, deadline)
    }

    fn end_exchange(&mut self) {
        self.link.end_exchange()
    }

    fn complete_exchange(&mut self) {
        self.link.complete_exchange()
    }

    fn wait_until(&mut self, t: Instant) {
        self.link.wait_until(t)
    }

    fn remote_eid(&self) -> Option<Eid> {
        self.link.remote_eid()
    }
}

impl EventSource for SimLink {
    fn recv_unsolicited(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, ErrorKind> {
        self.link.recv_unsolicited(buf, deadline)
    }
}
