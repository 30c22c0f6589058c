//! The drive side of the SMBus binding, sans-IO: received frames in, requests out; responses
//! and unsolicited messages out as frames (DSP0237 1.2; DSP0236 1.3 §8.3, §8.9).

use nvme_mi_core::mctp::fragment::{Fragmenter, MAX_TU_SMBUS};
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::reassemble::{DropCounters, Reassembler};
use nvme_mi_core::mctp::smbus::{self, FrameRepr, MAX_FRAME_LEN, MAX_PACKET_LEN};
use nvme_mi_core::mctp::{Eid, Tag, BASELINE_TU};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::time::Instant;

use crate::BusStats;

/// Requests in reassembly at once: two requesters writing to the drive at the same time.
pub const RESPONDER_CONTEXTS: usize = 2;
/// The most pieces a message handed to [`Sending::next_frame`] may come in.
pub const MAX_PARTS: usize = 8;

/// A requester as the drive sees it: where a request came from and how to answer it.
///
/// The requester's 7-bit address comes from the source address byte of its frames (DSP0237
/// 1.2: the responder writes its reply to the requester's own target address), its EID and
/// the message tag from the MCTP header; `local` is the EID the request was addressed to,
/// which the answer comes from (our own EID when it was NULL or broadcast). Requesters are
/// told apart by EID and tag, as the reassembly key of DSP0236 1.3 §8.9 does: two requesters
/// using the NULL EID (physical addressing) at once must use different tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Peer {
    /// The requester's 7-bit address.
    pub addr: u8,
    /// The requester's EID.
    pub eid: Eid,
    /// The tag of the request.
    pub tag: Tag,
    /// The EID the request was sent to.
    pub local: Eid,
}

/// One message on its way out, one frame at a time (from [`ResponderEndpoint::response`]
/// or [`ResponderEndpoint::unsolicited`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Sending {
    repr: FrameRepr,
    header: PacketRepr,
    offset: usize,
}

impl Sending {
    /// The 7-bit address the frames go to.
    pub fn dest_addr(&self) -> u8 {
        self.repr.dest_addr
    }

    /// Bytes of the message already sent.
    pub fn offset(&self) -> usize {
        self.offset
    }

    /// Write the next frame of `message` (the concatenation of its parts), fragmented at `tu`
    /// payload bytes, into `frame`: the whole frame, our destination address byte first, PEC
    /// last. Returns its length, or `None` when the message is done (or cannot be sent: empty,
    /// `tu` outside 64..=250, more than [`MAX_PARTS`] pieces).
    pub fn next_frame(
        &mut self,
        message: &[&[u8]],
        tu: usize,
        frame: &mut [u8; MAX_FRAME_LEN],
    ) -> Option<usize> {
        // The pieces not yet sent.
        let mut rest: [&[u8]; MAX_PARTS] = [&[]; MAX_PARTS];
        let mut skip = self.offset;
        let mut k = 0;
        for p in message {
            if skip >= p.len() {
                skip -= p.len();
                continue;
            }
            *rest.get_mut(k)? = p.get(skip..)?;
            skip = 0;
            k += 1;
        }
        let parts = rest.get(..k)?;
        let mut frag = Fragmenter::new(parts, self.header, tu).ok()?;
        let mut packet = [0u8; MAX_PACKET_LEN];
        let plen = frag.next(&mut packet)?.ok()?;
        let pkt = packet.get_mut(..plen)?;
        // The fragmenter starts its message at `rest`: only the very first packet is SOM.
        let first = self.offset == 0;
        nvme_mi_core::mctp::header::Packet::new_unchecked(&mut *pkt).set_som(first);
        self.offset += plen.saturating_sub(nvme_mi_core::mctp::header::HEADER_LEN);
        self.header.seq = (self.header.seq + 1) & 3;
        self.repr.emit(pkt, frame).ok()
    }
}

/// The drive's MCTP-over-SMBus endpoint without I/O: what [`I2cResponder`](crate::I2cResponder)
/// and the simulated drive both run.
///
/// [`ResponderEndpoint::receive`] checks each frame written to our target address (DSP0237
/// 1.2 frame checks with PEC, in the order Linux's `mctp-i2c` driver applies them), reassembles it with the core's
/// [`Reassembler`] and returns a complete request (TO set) with its [`Peer`]; everything else
/// is dropped and counted. [`ResponderEndpoint::response`] and
/// [`ResponderEndpoint::unsolicited`] start an outgoing message: a response goes back with
/// the request's tag and TO clear; an unsolicited message (an Asynchronous Event Message,
/// NVMe-MI 2.0 §5.4) gets a tag of our own with TO set, tags in turn (DSP0236 1.3 §8.9).
pub struct ResponderEndpoint {
    own_addr: u8,
    eid: Eid,
    tu: usize,
    reasm: Reassembler<RESPONDER_CONTEXTS, MAX_MESSAGE_LEN>,
    own_tag: u8,
    stats: BusStats,
}

fn bump(c: &mut u32) {
    *c = c.saturating_add(1);
}

impl ResponderEndpoint {
    /// An endpoint at 7-bit target address `own_addr` answering as `eid` (also for requests
    /// sent to the NULL or broadcast EID), with the baseline transmission unit.
    pub fn new(own_addr: u8, eid: Eid) -> Self {
        ResponderEndpoint {
            own_addr,
            eid,
            tu: BASELINE_TU,
            reasm: Reassembler::new(),
            own_tag: 0,
            stats: BusStats::default(),
        }
    }

    /// Our 7-bit target address.
    pub fn own_addr(&self) -> u8 {
        self.own_addr
    }

    /// Our EID.
    pub fn eid(&self) -> Eid {
        self.eid
    }

    /// Answer as `eid` from now on (after MCTP Set Endpoint ID).
    pub fn set_eid(&mut self, eid: Eid) {
        self.eid = eid;
    }

    /// The transmission unit outgoing messages are fragmented at.
    pub fn transmission_unit(&self) -> usize {
        self.tu
    }

    /// Fragment at `tu` (64..=250) from now on, as NVMe-MI Configuration Set, MCTP
    /// Transmission Unit Size asked for; `false` (and no change) outside that range.
    pub fn set_transmission_unit(&mut self, tu: usize) -> bool {
        if (BASELINE_TU..=MAX_TU_SMBUS).contains(&tu) {
            self.tu = tu;
            true
        } else {
            false
        }
    }

    /// What the endpoint received and sent.
    pub fn stats(&self) -> BusStats {
        self.stats
    }

    /// The counters of the write path (frames, retries), for the transports.
    pub(crate) fn stats_mut(&mut self) -> &mut BusStats {
        &mut self.stats
    }

    /// Why the reassembler dropped packets.
    pub fn drop_counters(&self) -> &DropCounters {
        self.reasm.counters()
    }

    /// A write to our address arrived at `now` (`bytes`: everything after our address byte).
    /// Returns the request it completes, lent until the next call, and who sent it.
    pub fn receive(&mut self, bytes: &[u8], now: Instant) -> Option<(Peer, &[u8])> {
        bump(&mut self.stats.frames_received);
        let (repr, packet) = match smbus::decode_received(self.own_addr, bytes) {
            Ok(x) => x,
            Err(smbus::Error::BadPec { .. }) => {
                bump(&mut self.stats.pec_errors);
                return None;
            }
            Err(_) => {
                bump(&mut self.stats.bad_frames);
                return None;
            }
        };
        let msg = match self.reasm.receive(packet, now) {
            Ok(Some(m)) => m,
            Ok(None) => return None,
            Err(_) => {
                bump(&mut self.stats.dropped_packets);
                return None;
            }
        };
        if !msg.tag_owner() {
            // A response: the drive sends no requests that expect one.
            bump(&mut self.stats.stray_messages);
            return None;
        }
        let peer = Peer {
            addr: repr.src_addr,
            eid: msg.src(),
            tag: msg.tag(),
            local: msg.dest(),
        };
        Some((peer, msg.message()))
    }

    fn start(&self, to: &Peer, tag_owner: bool, tag: Tag) -> Sending {
        let src = if to.local.is_unicast() {
            to.local
        } else {
            self.eid
        };
        Sending {
            repr: FrameRepr {
                dest_addr: to.addr,
                src_addr: self.own_addr,
            },
            header: PacketRepr {
                dest: to.eid,
                src,
                som: true,
                eom: false,
                seq: 0,
                tag_owner,
                tag,
            },
            offset: 0,
        }
    }

    /// Start the response to the request from `to`: its tag, TO clear.
    pub fn response(&self, to: &Peer) -> Sending {
        self.start(to, false, to.tag)
    }

    /// Start a message of our own to `to` (an AEM): the next tag of ours, TO set.
    pub fn unsolicited(&mut self, to: &Peer) -> Sending {
        let tag = Tag::from_bits(self.own_tag);
        self.own_tag = self.own_tag.wrapping_add(1) & Tag::MAX;
        self.start(to, true, tag)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use nvme_mi_core::mctp::header::Packet;

    #[test]
    fn request_in_response_out_in_pieces() {
        let mut ep = ResponderEndpoint::new(0x1d, Eid(9));
        // A one-packet request from 0x10 / EID 8, tag 3, to the NULL EID.
        let hdr = PacketRepr {
            dest: Eid::NULL,
            src: Eid(8),
            som: true,
            eom: true,
            seq: 0,
            tag_owner: true,
            tag: Tag::from_bits(3),
        };
        let mut pkt = [0u8; 8];
        hdr.emit(&mut Packet::new_unchecked(&mut pkt[..]));
        pkt[4..].copy_from_slice(&[0x84, 1, 2, 3]);
        let mut frame = [0u8; MAX_FRAME_LEN];
        let n = FrameRepr {
            dest_addr: 0x1d,
            src_addr: 0x10,
        }
        .emit(&pkt, &mut frame)
        .unwrap();
        let (peer, msg) = ep.receive(&frame[1..n], Instant(0)).unwrap();
        assert_eq!(msg, &[0x84, 1, 2, 3]);
        assert_eq!(
            peer,
            Peer {
                addr: 0x10,
                eid: Eid(8),
                tag: Tag::from_bits(3),
                local: Eid::NULL
            }
        );
        // A bad PEC is counted, never delivered.
        frame[n - 1] ^= 1;
        assert!(ep.receive(&frame[1..n], Instant(0)).is_none());
        assert_eq!(ep.stats().pec_errors, 1);
        // 100 bytes in three pieces at the baseline unit: two frames, from our EID.
        let body = [7u8; 98];
        let parts: [&[u8]; 3] = [&[0x84], &body[..50], &body[50..]];
        let mut s = ep.response(&peer);
        let n1 = s.next_frame(&parts, 64, &mut frame).unwrap();
        assert_eq!(n1, 4 + 4 + 64 + 1);
        assert_eq!((frame[0], frame[3], frame[5], frame[6]), (0x20, 0x3b, 8, 9));
        assert_eq!(frame[7], 0x80 | 3); // SOM, seq 0, TO clear, tag 3
        let n2 = s.next_frame(&parts, 64, &mut frame).unwrap();
        assert_eq!(n2, 4 + 4 + 35 + 1);
        assert_eq!(frame[7], 0x40 | 0x10 | 3); // EOM, seq 1
        assert_eq!(s.next_frame(&parts, 64, &mut frame), None);
        // Unsolicited messages take our own tags in turn, TO set.
        let mut u = ep.unsolicited(&peer);
        u.next_frame(&[&[0x84, 0]], 64, &mut frame).unwrap();
        assert_eq!(frame[7] & 0x0f, 0x08);
        let mut u = ep.unsolicited(&peer);
        u.next_frame(&[&[0x84, 0]], 64, &mut frame).unwrap();
        assert_eq!(frame[7] & 0x0f, 0x09);
        assert!(!ep.set_transmission_unit(251));
        assert!(ep.set_transmission_unit(250));
    }
}
