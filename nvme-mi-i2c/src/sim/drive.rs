//! A simulated drive on the simulated bus: the MCTP-over-SMBus endpoint and the Basic
//! Management responder in front of a [`Sim`].

use nvme_mi_core::basic_mgmt::{BlockRead, ARBITRATION_RESET, IDENTIFICATION_BLOCK, STATUS_BLOCK};
use nvme_mi_core::mctp::fragment::{Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::{Packet, PacketRepr};
use nvme_mi_core::mctp::reassemble::Reassembler;
use nvme_mi_core::mctp::smbus::{self, FrameRepr, MAX_FRAME_LEN, MAX_PACKET_LEN};
use nvme_mi_core::mctp::{Eid, Tag, BASELINE_TU};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::responder::{Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_sim::Sim;

/// The simulated drive's SMBus/I2C port, whose MCTP transmission unit applies on this bus.
pub const SMBUS_PORT: u8 = 1;

/// A requester as the simulated drive sees it: its 7-bit address (from the source address
/// byte of its frames, digest B.4), its EID and the tag of its request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Peer {
    /// The requester's 7-bit address.
    pub addr: u8,
    /// The requester's EID.
    pub eid: Eid,
    /// The tag of the request.
    pub tag: Tag,
}

/// A message being written back, one frame per poll.
#[derive(Debug, Clone, Copy)]
struct Sending {
    dest_addr: u8,
    header: PacketRepr,
    len: usize,
    offset: usize,
}

/// One simulated drive: [`Responder<Sim, Peer>`] behind an MCTP-over-SMBus endpoint at
/// `mctp_addr` and a Basic Management responder at `basic_addr`. About 14 KiB (a two-context
/// reassembler and one outgoing message buffer of 4224 bytes each, and the [`Sim`]).
pub struct SimDrive {
    responder: Responder<Sim, Peer>,
    mctp_addr: u8,
    basic_addr: u8,
    reasm: Reassembler<2, MAX_MESSAGE_LEN>,
    out: [u8; MAX_MESSAGE_LEN],
    sending: Option<Sending>,
    own_tag: u8,
    command: u8,
    arbitration: bool,
    bad_frames: u32,
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
            mctp_addr,
            basic_addr,
            reasm: Reassembler::new(),
            out: [0; MAX_MESSAGE_LEN],
            sending: None,
            own_tag: 0,
            command: 0,
            arbitration: false,
            bad_frames: 0,
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

    /// The MCTP endpoint's 7-bit address.
    pub fn mctp_addr(&self) -> u8 {
        self.mctp_addr
    }

    /// The Basic Management 7-bit address.
    pub fn basic_addr(&self) -> u8 {
        self.basic_addr
    }

    /// Frames addressed to the drive that failed the SMBus checks (digest B.6).
    pub fn bad_frames(&self) -> u32 {
        self.bad_frames
    }

    /// The transmission unit the drive fragments at: the MTU set on its SMBus port.
    pub fn transmission_unit(&self) -> usize {
        let tu = self.sim().mtu(SMBUS_PORT).map_or(BASELINE_TU, usize::from);
        tu.clamp(BASELINE_TU, MAX_TU_SMBUS)
    }

    /// A write to the MCTP address: `bytes` are the bytes after the address byte.
    pub(crate) fn receive_frame(&mut self, bytes: &[u8], now: Instant) {
        let (repr, packet) = match smbus::decode_received(self.mctp_addr, bytes) {
            Ok(x) => x,
            Err(_) => {
                self.bad_frames = self.bad_frames.saturating_add(1);
                return;
            }
        };
        let Ok(Some(msg)) = self.reasm.receive(packet, now.0) else {
            return;
        };
        if !msg.tag_owner() {
            return;
        }
        let peer = Peer {
            addr: repr.src_addr,
            eid: msg.src(),
            tag: msg.tag(),
        };
        let own = msg.dest();
        if let Some(len) = self
            .responder
            .handle(msg.message(), &peer, now, &mut self.out)
        {
            let eid = if own == Eid::NULL || own == Eid::BROADCAST {
                self.responder.eid()
            } else {
                own
            };
            self.start(peer, eid, false, peer.tag, len);
        }
    }

    fn start(&mut self, to: Peer, src: Eid, tag_owner: bool, tag: Tag, len: usize) {
        self.sending = Some(Sending {
            dest_addr: to.addr,
            header: PacketRepr {
                dest: to.eid,
                src,
                som: true,
                eom: false,
                seq: 0,
                tag_owner,
                tag,
            },
            len,
            offset: 0,
        });
    }

    /// The next frame the drive writes as bus controller (the whole frame, address byte
    /// first), or `None` when it has nothing to send at `now`.
    pub(crate) fn next_frame(
        &mut self,
        now: Instant,
        frame: &mut [u8; MAX_FRAME_LEN],
    ) -> Option<usize> {
        if self.sending.is_none() {
            let eid = self.responder.eid();
            match self.responder.poll(now, &mut self.out)? {
                Outgoing::Response { to, len } => self.start(to, eid, false, to.tag, len),
                Outgoing::Unsolicited { to, len } => {
                    let tag = Tag::from_bits(self.own_tag);
                    self.own_tag = self.own_tag.wrapping_add(1);
                    self.start(to, eid, true, tag, len);
                }
            }
        }
        let tu = self.transmission_unit();
        let s = self.sending.as_mut()?;
        let rest = self.out.get(s.offset..s.len).unwrap_or(&[]);
        let parts = [rest];
        let first = s.offset == 0;
        let mut packet = [0u8; MAX_PACKET_LEN];
        let r = Fragmenter::new(&parts, s.header, tu)
            .ok()
            .and_then(|mut f| f.next(&mut packet))
            .and_then(Result::ok);
        let Some(plen) = r else {
            self.sending = None;
            return None;
        };
        let pkt = packet.get_mut(..plen).unwrap_or(&mut []);
        // The fragmenter starts a message at `rest`; a later packet is not a start.
        Packet::new_unchecked(&mut *pkt).set_som(first);
        let payload = plen.saturating_sub(nvme_mi_core::mctp::header::HEADER_LEN);
        s.offset += payload;
        s.header.seq = (s.header.seq + 1) & 3;
        let repr = FrameRepr {
            dest_addr: s.dest_addr,
            src_addr: self.mctp_addr,
        };
        if s.offset >= s.len {
            self.sending = None;
        }
        repr.emit(pkt, frame).ok()
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
