//! A simulated drive on the simulated bus: the MCTP-over-SMBus endpoint and the Basic
//! Management responder in front of a [`Sim`].

use nvme_mi_core::basic_mgmt::{BlockRead, ARBITRATION_RESET, IDENTIFICATION_BLOCK, STATUS_BLOCK};
use nvme_mi_core::mctp::fragment::MAX_TU_SMBUS;
use nvme_mi_core::mctp::smbus::MAX_FRAME_LEN;
use nvme_mi_core::mctp::{Eid, BASELINE_TU};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::responder::{Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_sim::Sim;

pub use crate::responder::Peer;
use crate::responder::{ResponderEndpoint, Sending};

/// The simulated drive's SMBus/I2C port, whose MCTP transmission unit applies on this bus.
pub const SMBUS_PORT: u8 = 1;

/// One simulated drive: [`Responder<Sim, Peer>`] behind the crate's drive-side endpoint
/// ([`ResponderEndpoint`], what [`I2cResponder`](crate::I2cResponder) runs) at `mctp_addr`,
/// and a Basic Management responder at `basic_addr`. The bus hands it each frame written to
/// `mctp_addr` and takes its outgoing frames one at a time, as the drive would win the bus
/// for each. About 14 KiB (a two-context reassembler and one outgoing message buffer of
/// 4224 bytes each, and the [`Sim`]).
pub struct SimDrive {
    responder: Responder<Sim, Peer>,
    endpoint: ResponderEndpoint,
    basic_addr: u8,
    out: [u8; MAX_MESSAGE_LEN],
    sending: Option<(Sending, usize)>,
    command: u8,
    arbitration: bool,
}

impl SimDrive {
    /// A drive made from `seed` ([`Sim::new`]) answering as EID
    /// [`nvme_mi_sim::DEFAULT_EID`] at 7-bit `mctp_addr`, with Basic Management at
    /// `basic_addr`.
    pub fn new(seed: u64, mctp_addr: u8, basic_addr: u8) -> Self {
        Self::with_eid(seed, mctp_addr, basic_addr, nvme_mi_sim::DEFAULT_EID)
    }

    /// Like [`SimDrive::new`], answering as `eid`.
    pub fn with_eid(seed: u64, mctp_addr: u8, basic_addr: u8, eid: Eid) -> Self {
        SimDrive {
            responder: Responder::new(Sim::new(seed), eid),
            endpoint: ResponderEndpoint::new(mctp_addr, eid),
            basic_addr,
            out: [0; MAX_MESSAGE_LEN],
            sending: None,
            command: 0,
            arbitration: false,
        }
    }

    /// The simulated subsystem.
    pub fn sim(&self) -> &Sim {
        self.responder.device()
    }

    /// The simulated subsystem, mutably (to change its state in a test).
    pub fn sim_mut(&mut self) -> &mut Sim {
        self.responder.device_mut()
    }

    /// The responder engine.
    pub fn responder(&self) -> &Responder<Sim, Peer> {
        &self.responder
    }

    /// The drive's MCTP endpoint (counters, address, transmission unit).
    pub fn endpoint(&self) -> &ResponderEndpoint {
        &self.endpoint
    }

    /// The MCTP endpoint's 7-bit address.
    pub fn mctp_addr(&self) -> u8 {
        self.endpoint.own_addr()
    }

    /// The Basic Management 7-bit address.
    pub fn basic_addr(&self) -> u8 {
        self.basic_addr
    }

    /// Frames addressed to the drive that failed the SMBus checks (DSP0237).
    pub fn bad_frames(&self) -> u32 {
        let s = self.endpoint.stats();
        s.bad_frames.saturating_add(s.pec_errors)
    }

    /// The transmission unit the drive fragments at: the MTU set on its SMBus port.
    pub fn transmission_unit(&self) -> usize {
        let tu = self.sim().mtu(SMBUS_PORT).map_or(BASELINE_TU, usize::from);
        tu.clamp(BASELINE_TU, MAX_TU_SMBUS)
    }

    /// True if the drive has a frame to write at `now`, or when it next will.
    pub(crate) fn next_event(&self) -> Option<Instant> {
        if self.sending.is_some() {
            return Some(Instant::ZERO);
        }
        self.responder.next_deadline()
    }

    /// A write to the MCTP address: `bytes` are the bytes after the address byte.
    pub(crate) fn receive_frame(&mut self, bytes: &[u8], now: Instant) {
        self.endpoint.set_eid(self.responder.eid());
        let Some((peer, msg)) = self.endpoint.receive(bytes, now) else {
            return;
        };
        if let Some(len) = self.responder.handle(msg, &peer, now, &mut self.out) {
            self.sending = Some((self.endpoint.response(&peer), len));
        }
    }

    /// The next frame the drive writes as bus controller (the whole frame, address byte
    /// first), or `None` when it has nothing to send at `now`.
    pub(crate) fn next_frame(
        &mut self,
        now: Instant,
        frame: &mut [u8; MAX_FRAME_LEN],
    ) -> Option<usize> {
        if self.sending.is_none() {
            self.endpoint.set_eid(self.responder.eid());
            self.sending = Some(match self.responder.poll(now, &mut self.out)? {
                Outgoing::Response { to, len } => (self.endpoint.response(&to), len),
                Outgoing::Unsolicited { to, len } => (self.endpoint.unsolicited(&to), len),
            });
        }
        let tu = self.transmission_unit();
        let (s, len) = self.sending.as_mut()?;
        let message = [self.out.get(..*len).unwrap_or(&[])];
        let n = s.next_frame(&message, tu, frame);
        if n.is_none() || s.offset() >= *len {
            self.sending = None;
        }
        n
    }

    /// A write to the Basic Management address: the command code (or a Send Byte 0xFF
    /// arbitration reset).
    pub(crate) fn basic_write(&mut self, bytes: &[u8]) {
        if let [b] = bytes {
            if *b == ARBITRATION_RESET {
                self.arbitration = false;
            }
            self.command = *b;
        } else if let Some(&b) = bytes.first() {
            self.command = b;
        }
    }

    /// A read from the Basic Management address after the command code: the count byte, the
    /// data and the PEC, padded with 0xFF (a released bus reads as ones).
    pub(crate) fn basic_read(&mut self, read: &mut [u8]) {
        let status;
        let ident;
        let data: &[u8] = match self.command {
            STATUS_BLOCK => {
                let mut s = self.sim().basic_status_block();
                if self.arbitration {
                    s[0] |= 0x80;
                }
                status = s;
                &status
            }
            IDENTIFICATION_BLOCK => {
                ident = self.sim().basic_identification_block();
                &ident
            }
            _ => &[],
        };
        let mut wire = [0xffu8; 2 + 32];
        let n = BlockRead::new(self.basic_addr, self.command)
            .encode(data, &mut wire)
            .unwrap_or(0);
        for (i, b) in read.iter_mut().enumerate() {
            *b = if i < n { wire[i] } else { 0xff };
        }
        self.arbitration = true;
    }
}
