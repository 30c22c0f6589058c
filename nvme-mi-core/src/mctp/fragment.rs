//! Splitting an MCTP message into packets, DSP0236 §8.3.
//!
//! The message is given as several slices (for NVMe-MI typically the message header, the body
//! and the integrity check) so that nothing is copied into one buffer beforehand; the
//! [`Fragmenter`] copies each packet's share straight into the caller's output buffer.
//!
//! Rules (DSP0236): every packet but the last carries exactly TU payload bytes, the last
//! carries 1..=TU; the first has SOM, the last EOM (a one-packet message has both); the
//! sequence number starts at a caller-chosen value (Linux starts at 0) and increases by 1
//! mod 4 per packet; tag and tag-owner bit are the caller's and are the same in every packet.
//!
//! The transmission unit must lie in [`BASELINE_TU`]..=[`MAX_TU_SMBUS`]: 64 bytes is the
//! baseline every endpoint accepts (DSP0236 §8.3), larger units need negotiation (NVMe-MI
//! Configuration Set, MCTP Transmission Unit Size), and 250 is the most an SMBus block write
//! carries (DSP0237). Smaller units are rejected because a receiver may drop
//! them: a peer that checks fragment sizes expects full baseline packets.

use super::header::{Packet, PacketRepr, HEADER_LEN};
use super::{Error, BASELINE_TU};

/// The largest MCTP packet payload an SMBus block write can carry: 255 byte-count bytes minus
/// the source address byte and the 4-byte MCTP header (DSP0237).
pub const MAX_TU_SMBUS: usize = 250;

/// Number of packets a message of `message_len` bytes needs at transmission unit `tu`
/// (0 for an empty message or `tu == 0`).
pub const fn packet_count(message_len: usize, tu: usize) -> usize {
    if tu == 0 {
        0
    } else {
        message_len.div_ceil(tu)
    }
}

/// Splits one MCTP message into packets of a given transmission unit, DSP0236 §8.3
/// (DSP0236).
///
/// ```
/// use nvme_mi_core::mctp::{fragment::Fragmenter, header::PacketRepr, Eid, Tag};
/// let hdr = PacketRepr {
///     dest: Eid(9), src: Eid(8), som: false, eom: false, seq: 0,
///     tag_owner: true, tag: Tag::new(2).unwrap(),
/// };
/// let (head, body) = ([0x84u8, 0x10, 0, 0], [0u8; 68]);
/// let parts: [&[u8]; 2] = [&head, &body];
/// let mut frag = Fragmenter::new(&parts, hdr, 64).unwrap();
/// assert_eq!(frag.packet_count(), 2);
/// let mut out = [0u8; 4 + 64];
/// assert_eq!(frag.next(&mut out), Some(Ok(68)));
/// assert_eq!(out[..5], [0x01, 0x09, 0x08, 0x8a, 0x84]);
/// assert_eq!(frag.next(&mut out), Some(Ok(12)));
/// assert_eq!(out[3], 0x5a);
/// assert_eq!(frag.next(&mut out), None);
/// ```
#[derive(Debug, Clone)]
pub struct Fragmenter<'a> {
    parts: &'a [&'a [u8]],
    /// Index of the part holding the next byte to send.
    part: usize,
    /// Offset of the next byte to send within `parts[part]`.
    offset: usize,
    /// Message bytes not yet sent.
    remaining: usize,
    total: usize,
    tu: usize,
    /// Header of the next packet (SOM and sequence number kept up to date).
    header: PacketRepr,
}

impl<'a> Fragmenter<'a> {
    /// A fragmenter for the message made of `parts` (concatenated in order).
    ///
    /// `header` gives the destination and source EIDs, the tag, the tag-owner bit and the
    /// sequence number of the first packet; its SOM and EOM are ignored. `tu` is the
    /// transmission unit: packet payload bytes, header excluded.
    ///
    /// Errors: [`Error::InvalidTransmissionUnit`] unless
    /// `BASELINE_TU <= tu <= MAX_TU_SMBUS`; [`Error::EmptyMessage`] if the parts hold no bytes.
    pub fn new(parts: &'a [&'a [u8]], header: PacketRepr, tu: usize) -> Result<Self, Error> {
        if !(BASELINE_TU..=MAX_TU_SMBUS).contains(&tu) {
            return Err(Error::InvalidTransmissionUnit(tu));
        }
        let total = parts
            .iter()
            .fold(0usize, |acc, p| acc.saturating_add(p.len()));
        if total == 0 {
            return Err(Error::EmptyMessage);
        }
        Ok(Fragmenter {
            parts,
            part: 0,
            offset: 0,
            remaining: total,
            total,
            tu,
            header: PacketRepr {
                som: true,
                eom: false,
                seq: header.seq & 3,
                ..header
            },
        })
    }

    /// The transmission unit in use.
    pub fn tu(&self) -> usize {
        self.tu
    }

    /// Total length of the message.
    pub fn message_len(&self) -> usize {
        self.total
    }

    /// Number of packets the whole message needs.
    pub fn packet_count(&self) -> usize {
        packet_count(self.total, self.tu)
    }

    /// Number of packets not yet produced.
    pub fn remaining_packets(&self) -> usize {
        packet_count(self.remaining, self.tu)
    }

    /// True once the last packet has been produced.
    pub fn is_done(&self) -> bool {
        self.remaining == 0
    }

    /// Length (header + payload) of the next packet, or `None` when done.
    pub fn next_packet_len(&self) -> Option<usize> {
        if self.is_done() {
            None
        } else {
            Some(HEADER_LEN + self.remaining.min(self.tu))
        }
    }

    /// Write the next packet (header and payload) to the start of `out` and return its length.
    ///
    /// `None` once every packet has been produced. `Some(Err(Error::BufferTooSmall))` if `out`
    /// cannot hold the packet; the fragmenter does not advance, so the call can be repeated
    /// with a larger buffer.
    #[allow(clippy::should_implement_trait)]
    pub fn next(&mut self, out: &mut [u8]) -> Option<Result<usize, Error>> {
        let len = self.next_packet_len()?;
        let Some(dst) = out.get_mut(..len) else {
            return Some(Err(Error::BufferTooSmall));
        };
        let payload_len = len - HEADER_LEN;
        let last = payload_len == self.remaining;
        let mut pkt = Packet::new_unchecked(dst);
        PacketRepr {
            eom: last,
            ..self.header
        }
        .emit(&mut pkt);
        self.copy_payload(pkt.payload_mut());
        self.remaining -= payload_len;
        self.header.som = false;
        self.header.seq = (self.header.seq + 1) & 3;
        Some(Ok(len))
    }

    /// Fill `dst` with the next message bytes, walking across the parts.
    fn copy_payload(&mut self, mut dst: &mut [u8]) {
        while !dst.is_empty() {
            let Some(part) = self.parts.get(self.part) else {
                return;
            };
            let src = part.get(self.offset..).unwrap_or(&[]);
            let n = src.len().min(dst.len());
            let (head, tail) = dst.split_at_mut(n);
            head.copy_from_slice(&src[..n]);
            dst = tail;
            self.offset += n;
            if self.offset >= part.len() {
                self.part += 1;
                self.offset = 0;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mctp::{Eid, Tag};

    fn hdr(seq: u8) -> PacketRepr {
        PacketRepr {
            dest: Eid(9),
            src: Eid(8),
            som: false,
            eom: true,
            seq,
            tag_owner: false,
            tag: Tag::from_bits(5),
        }
    }

    #[test]
    fn tu_limits() {
        let parts: [&[u8]; 1] = [&[1]];
        for tu in [0, 1, 63, 251, 1000] {
            assert_eq!(
                Fragmenter::new(&parts, hdr(0), tu).err(),
                Some(Error::InvalidTransmissionUnit(tu))
            );
        }
        assert!(Fragmenter::new(&parts, hdr(0), 64).is_ok());
        assert!(Fragmenter::new(&parts, hdr(0), 250).is_ok());
    }

    #[test]
    fn empty_message_rejected() {
        let parts: [&[u8]; 2] = [&[], &[]];
        assert_eq!(
            Fragmenter::new(&parts, hdr(0), 64).err(),
            Some(Error::EmptyMessage)
        );
        assert_eq!(
            Fragmenter::new(&[], hdr(0), 64).err(),
            Some(Error::EmptyMessage)
        );
    }

    #[test]
    fn sizes_flags_and_sequence() {
        let a = [0xaau8; 100];
        let b = [0xbbu8; 0];
        let c = [0xccu8; 93];
        let parts: [&[u8]; 3] = [&a, &b, &c];
        let mut f = Fragmenter::new(&parts, hdr(3), 64).unwrap();
        assert_eq!(f.packet_count(), 4);
        let mut out = [0u8; 80];
        let mut seen = [0u8; 0x100];
        let mut pos = 0;
        let mut seqs = [0u8; 4];
        for (i, seq) in seqs.iter_mut().enumerate() {
            assert_eq!(f.remaining_packets(), 4 - i);
            let n = f.next(&mut out).unwrap().unwrap();
            assert_eq!(n, if i < 3 { 68 } else { 4 + 1 });
            let pkt = Packet::new_checked(&out[..n]).unwrap();
            let r = PacketRepr::parse(&pkt).unwrap();
            assert_eq!((r.som, r.eom), (i == 0, i == 3));
            assert_eq!((r.tag, r.tag_owner), (Tag::from_bits(5), false));
            *seq = r.seq;
            seen[pos..pos + pkt.payload().len()].copy_from_slice(pkt.payload());
            pos += pkt.payload().len();
        }
        assert_eq!(seqs, [3, 0, 1, 2]);
        assert_eq!(f.next(&mut out), None);
        assert!(f.is_done());
        assert_eq!(&seen[..100], &a[..]);
        assert_eq!(&seen[100..193], &c[..]);
    }

    #[test]
    fn small_buffer_does_not_advance() {
        let m = [7u8; 70];
        let parts: [&[u8]; 1] = [&m];
        let mut f = Fragmenter::new(&parts, hdr(0), 64).unwrap();
        let mut small = [0u8; 67];
        assert_eq!(f.next(&mut small), Some(Err(Error::BufferTooSmall)));
        let mut out = [0u8; 68];
        assert_eq!(f.next(&mut out), Some(Ok(68)));
        assert_eq!(out[3] & 0x80, 0x80);
        assert_eq!(f.next(&mut small[..9]), Some(Err(Error::BufferTooSmall)));
        assert_eq!(f.next(&mut out), Some(Ok(10)));
    }

    #[test]
    fn counts() {
        assert_eq!(packet_count(0, 64), 0);
        assert_eq!(packet_count(1, 64), 1);
        assert_eq!(packet_count(64, 64), 1);
        assert_eq!(packet_count(65, 64), 2);
        assert_eq!(packet_count(4120, 64), 65);
        assert_eq!(packet_count(10, 0), 0);
    }
}
