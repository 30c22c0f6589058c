//! Run this project's requester over another MCTP stack: an adapter from the `mctp` crate's
//! `ReqChannel` (implemented by `mctp-linux` and `mctp-estack`) to
//! `nvme_mi_core::transport::Transport`.
//!
//! The adapter is the first part of this file. To run without hardware, the example gives it
//! a `ReqChannel` of its own that hands each request to the simulated drive in process.
//!
//! ```sh
//! cargo run --example mctp_adapter
//! ```

use std::time::Duration;

use mctp::{MsgIC, MsgType, ReqChannel};
use nvme_mi_core::mi::admin::Identify;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::command::{CompositeTemperature, SubsystemHealthStatusPollRequest};
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{self, ErrorKind, Transport};

// ---- The adapter ------------------------------------------------------------------------

/// A `mctp::ReqChannel` as a `Transport`.
///
/// `ReqChannel` has no deadline argument: the channel's own receive timeout applies (for
/// `mctp-linux`, `MctpLinuxReq::set_timeout`), so set it to at most the requester's response
/// timeout.
pub struct ReqChannelTransport<R> {
    chan: R,
    epoch: std::time::Instant,
}

impl<R: ReqChannel> ReqChannelTransport<R> {
    /// Wrap `chan`.
    pub fn new(chan: R) -> Self {
        ReqChannelTransport {
            chan,
            epoch: std::time::Instant::now(),
        }
    }
}

/// The `mctp` crate's error, classified for the requester engine.
#[derive(Debug)]
pub struct AdapterError(pub mctp::Error);

impl std::fmt::Display for AdapterError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl transport::Error for AdapterError {
    fn kind(&self) -> ErrorKind {
        match self.0 {
            mctp::Error::TimedOut => ErrorKind::Timeout,
            mctp::Error::TagUnavailable => ErrorKind::TagsExhausted,
            mctp::Error::Unreachable => ErrorKind::Unreachable,
            mctp::Error::NoSpace => ErrorKind::BufferTooSmall,
            mctp::Error::Unsupported => ErrorKind::Unsupported,
            _ => ErrorKind::Other,
        }
    }
}

impl<R: ReqChannel> Transport for ReqChannelTransport<R> {
    type Error = AdapterError;

    fn now(&mut self) -> Instant {
        Instant(self.epoch.elapsed().as_millis() as u64)
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), AdapterError> {
        // The `mctp` crate carries the type byte (with IC) beside the body.
        let mut parts: Vec<&[u8]> = message.iter().copied().filter(|p| !p.is_empty()).collect();
        let Some((&ty, first)) = parts.first().and_then(|p| p.split_first()) else {
            return Err(AdapterError(mctp::Error::BadArgument));
        };
        parts[0] = first;
        self.chan
            .send_vectored(MsgType(ty & 0x7f), MsgIC(ty & 0x80 != 0), &parts)
            .map_err(AdapterError)
    }

    fn recv_response(&mut self, buf: &mut [u8], _deadline: Instant) -> Result<usize, AdapterError> {
        let (head, body) = buf
            .split_first_mut()
            .ok_or(AdapterError(mctp::Error::NoSpace))?;
        let (typ, ic, got) = self.chan.recv(body).map_err(AdapterError)?;
        let n = got.len();
        *head = mctp::encode_type_ic(typ, ic);
        Ok(n + 1)
    }

    fn remote_eid(&self) -> Option<nvme_mi_core::mctp::Eid> {
        Some(nvme_mi_core::mctp::Eid(self.chan.remote_eid().0))
    }
}

// ---- A ReqChannel to the simulated drive, for the demonstration -------------------------

struct SimChannel {
    drive: nvme_mi_core::responder::Responder<nvme_mi_sim::Sim, ()>,
    reply: Option<Vec<u8>>,
    now: Instant,
}

impl ReqChannel for SimChannel {
    fn send_vectored(&mut self, typ: MsgType, ic: MsgIC, bufs: &[&[u8]]) -> mctp::Result<()> {
        use nvme_mi_core::responder::Respond;
        let mut msg = vec![mctp::encode_type_ic(typ, ic)];
        bufs.iter().for_each(|b| msg.extend_from_slice(b));
        let mut out = vec![0u8; 4224];
        self.now = self.now + Duration::from_millis(1);
        self.reply = self
            .drive
            .handle(&msg, &(), self.now, &mut out)
            .map(|n| out[..n].to_vec());
        Ok(())
    }

    fn recv<'f>(&mut self, buf: &'f mut [u8]) -> mctp::Result<(MsgType, MsgIC, &'f mut [u8])> {
        let reply = self.reply.take().ok_or(mctp::Error::TimedOut)?;
        let (&ty, body) = reply.split_first().ok_or(mctp::Error::RxFailure)?;
        let dst = buf.get_mut(..body.len()).ok_or(mctp::Error::NoSpace)?;
        dst.copy_from_slice(body);
        Ok((MsgType(ty & 0x7f), MsgIC(ty & 0x80 != 0), dst))
    }

    fn remote_eid(&self) -> mctp::Eid {
        mctp::Eid(nvme_mi_sim::DEFAULT_EID.0)
    }
}

/// Health poll and Identify Controller through the adapter: (composite temperature, model).
fn run() -> Result<(CompositeTemperature, String), Box<dyn std::error::Error>> {
    let chan = SimChannel {
        drive: nvme_mi_core::responder::Responder::new(
            nvme_mi_sim::Sim::new(1),
            nvme_mi_sim::DEFAULT_EID,
        ),
        reply: None,
        now: Instant::ZERO,
    };
    let mut ep = Endpoint::new(ReqChannelTransport::new(chan), vec![0u8; 4224]);
    let health = ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    })?;
    println!("composite temperature: {:?}", health.health.temperature());
    let ctrl = nvme_mi_sim::CONTROLLER_IDS[0];
    let id = ep.admin(ctrl, &Identify::controller(), 0, 4096, &[])?;
    let id = IdentifyController::view(id.data)?;
    println!(
        "model: {}  serial: {}  firmware: {}",
        id.mn(),
        id.sn(),
        id.fr()
    );
    Ok((health.health.temperature(), id.mn().to_string()))
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    run().map(|_| ())
}

#[test]
fn the_adapter_carries_mi_and_admin_commands() {
    let (ctemp, model) = run().expect("through the adapter");
    assert!(
        matches!(ctemp, CompositeTemperature::Celsius(20..=60)),
        "{ctemp:?}"
    );
    assert_eq!(model, nvme_mi_sim::MODEL);
}
