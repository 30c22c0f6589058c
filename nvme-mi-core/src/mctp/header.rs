//! The MCTP packet (transport) header, DSP0236 §8.3.
//!
//! ```text
//! byte 0: reserved(7:4) | header version(3:0) = 1
//! byte 1: destination EID
//! byte 2: source EID
//! byte 3: SOM(7) | EOM(6) | packet sequence(5:4) | TO(3) | message tag(2:0)
//! ...     packet payload (the first packet of a message starts with the message type byte)
//! ```
//!
//! [`Packet`] is a checked view over one packet (header and payload); [`PacketRepr`] holds the
//! header fields as plain values. [`PacketRepr::parse`] rejects what a receiver must drop
//! (DSP0236 §8.8): a header version other than 1, a reserved or broadcast
//! source EID, a reserved destination EID. The reserved bits 7:4 of byte 0 are ignored on
//! receipt and sent as 0.

use super::{Eid, Error, Tag};

/// Length of the MCTP transport header.
pub const HEADER_LEN: usize = 4;

/// The only header version DSP0236 1.x defines.
pub const HEADER_VERSION: u8 = 1;

const VERSION_MASK: u8 = 0x0f;
// The fields of the flags byte (byte 3).
pub(crate) const FLAG_SOM: u8 = 0x80;
pub(crate) const FLAG_EOM: u8 = 0x40;
pub(crate) const SEQ_SHIFT: u8 = 4;
pub(crate) const SEQ_MASK: u8 = 0x03;
const FLAG_TO: u8 = 0x08;
const TAG_MASK: u8 = 0x07;

mod field {
    pub const VERSION: usize = 0;
    pub const DEST: usize = 1;
    pub const SRC: usize = 2;
    pub const FLAGS: usize = 3;
}

/// A checked view over one MCTP packet: the 4-byte transport header and its payload
/// (DSP0236 §8.3).
///
/// [`Packet::new_checked`] verifies that the header is present; the accessors never panic
/// (on a buffer wrapped with [`Packet::new_unchecked`] that is too short they read 0 and
/// write nothing). Field values are not validated: use [`PacketRepr::parse`] for that.
///
/// ```
/// use nvme_mi_core::mctp::{header::Packet, Eid};
/// let bytes = [0x01, 0x09, 0x08, 0xc8, 0x84];
/// let pkt = Packet::new_checked(&bytes[..]).unwrap();
/// assert_eq!(pkt.dest(), Eid(9));
/// assert!(pkt.som() && pkt.eom() && pkt.tag_owner());
/// assert_eq!(pkt.payload(), &[0x84]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Packet<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Packet<T> {
    /// Wrap `buffer` without checking its length.
    pub const fn new_unchecked(buffer: T) -> Self {
        Packet { buffer }
    }

    /// Wrap `buffer`, checking that it holds at least the 4-byte header.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let pkt = Self::new_unchecked(buffer);
        pkt.check_len()?;
        Ok(pkt)
    }

    /// [`Error::Truncated`] if the buffer is shorter than the header.
    pub fn check_len(&self) -> Result<(), Error> {
        if self.buffer.as_ref().len() < HEADER_LEN {
            Err(Error::Truncated)
        } else {
            Ok(())
        }
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn byte(&self, i: usize) -> u8 {
        self.buffer.as_ref().get(i).copied().unwrap_or(0)
    }

    /// Header version (byte 0, bits 3:0).
    pub fn version(&self) -> u8 {
        self.byte(field::VERSION) & VERSION_MASK
    }

    /// Destination EID.
    pub fn dest(&self) -> Eid {
        Eid(self.byte(field::DEST))
    }

    /// Source EID.
    pub fn src(&self) -> Eid {
        Eid(self.byte(field::SRC))
    }

    /// The flags byte (byte 3) as received.
    pub fn flags(&self) -> u8 {
        self.byte(field::FLAGS)
    }

    /// Start of message: this is the first packet of a message.
    pub fn som(&self) -> bool {
        self.flags() & FLAG_SOM != 0
    }

    /// End of message: this is the last packet of a message.
    pub fn eom(&self) -> bool {
        self.flags() & FLAG_EOM != 0
    }

    /// Packet sequence number, 0..=3.
    pub fn seq(&self) -> u8 {
        (self.flags() >> SEQ_SHIFT) & SEQ_MASK
    }

    /// Tag owner: the sender of this message allocated the tag (set on requests).
    pub fn tag_owner(&self) -> bool {
        self.flags() & FLAG_TO != 0
    }

    /// Message tag.
    pub fn tag(&self) -> Tag {
        Tag::from_bits(self.flags())
    }

    /// The packet payload: every byte after the header.
    pub fn payload(&self) -> &[u8] {
        self.buffer.as_ref().get(HEADER_LEN..).unwrap_or(&[])
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Packet<T> {
    fn set_byte(&mut self, i: usize, v: u8) {
        if let Some(b) = self.buffer.as_mut().get_mut(i) {
            *b = v;
        }
    }

    fn set_flag(&mut self, mask: u8, on: bool) {
        let flags = self.flags() & !mask;
        self.set_byte(field::FLAGS, if on { flags | mask } else { flags });
    }

    /// Set the header version (low 4 bits of `v`); the reserved bits 7:4 are cleared.
    pub fn set_version(&mut self, v: u8) {
        self.set_byte(field::VERSION, v & VERSION_MASK);
    }

    /// Set the destination EID.
    pub fn set_dest(&mut self, eid: Eid) {
        self.set_byte(field::DEST, eid.0);
    }

    /// Set the source EID.
    pub fn set_src(&mut self, eid: Eid) {
        self.set_byte(field::SRC, eid.0);
    }

    /// Set or clear SOM.
    pub fn set_som(&mut self, on: bool) {
        self.set_flag(FLAG_SOM, on);
    }

    /// Set or clear EOM.
    pub fn set_eom(&mut self, on: bool) {
        self.set_flag(FLAG_EOM, on);
    }

    /// Set the packet sequence number (low 2 bits of `seq`).
    pub fn set_seq(&mut self, seq: u8) {
        let flags = self.flags() & !(SEQ_MASK << SEQ_SHIFT);
        self.set_byte(field::FLAGS, flags | ((seq & SEQ_MASK) << SEQ_SHIFT));
    }

    /// Set or clear the tag owner bit.
    pub fn set_tag_owner(&mut self, on: bool) {
        self.set_flag(FLAG_TO, on);
    }

    /// Set the message tag.
    pub fn set_tag(&mut self, tag: Tag) {
        let flags = self.flags() & !TAG_MASK;
        self.set_byte(field::FLAGS, flags | tag.value());
    }

    /// The payload, mutable.
    pub fn payload_mut(&mut self) -> &mut [u8] {
        self.buffer
            .as_mut()
            .get_mut(HEADER_LEN..)
            .unwrap_or(&mut [])
    }
}

/// The MCTP transport header fields as plain values (DSP0236 §8.3).
///
/// The header version is not a field: [`PacketRepr::parse`] accepts only version 1 and
/// [`PacketRepr::emit`] always writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PacketRepr {
    /// Destination EID: unicast, NULL (physical addressing) or broadcast.
    pub dest: Eid,
    /// Source EID: unicast or NULL.
    pub src: Eid,
    /// Start of message.
    pub som: bool,
    /// End of message.
    pub eom: bool,
    /// Packet sequence number, 0..=3 ([`PacketRepr::emit`] writes the low 2 bits).
    pub seq: u8,
    /// Tag owner bit.
    pub tag_owner: bool,
    /// Message tag.
    pub tag: Tag,
}

impl PacketRepr {
    /// Parse and validate the header of a checked packet.
    ///
    /// Errors: [`Error::Truncated`] (only for an unchecked packet), [`Error::BadVersion`],
    /// [`Error::BadSourceEid`] (1..=7 or 0xFF), [`Error::BadDestinationEid`] (1..=7), in that
    /// order (DSP0237).
    pub fn parse<T: AsRef<[u8]>>(pkt: &Packet<T>) -> Result<PacketRepr, Error> {
        match pkt.buffer.as_ref().first_chunk::<HEADER_LEN>() {
            Some(bytes) => Self::from_bytes(*bytes),
            None => Err(Error::Truncated),
        }
    }

    /// Parse and validate the four header bytes: [`PacketRepr::parse`] after its length
    /// check, for a receiver that has split the header off the payload itself.
    ///
    /// ```
    /// use nvme_mi_core::mctp::{header::PacketRepr, Eid, Error};
    /// let repr = PacketRepr::from_bytes([0x01, 0x09, 0x08, 0x5a]).unwrap();
    /// assert_eq!((repr.dest, repr.src, repr.seq), (Eid(9), Eid(8), 1));
    /// assert!(!repr.som && repr.eom && repr.tag_owner);
    /// assert_eq!(PacketRepr::from_bytes([0x02, 0x09, 0x08, 0x5a]), Err(Error::BadVersion(2)));
    /// ```
    #[inline]
    pub const fn from_bytes(bytes: [u8; HEADER_LEN]) -> Result<PacketRepr, Error> {
        let [version, dest, src, _] = bytes;
        if version & VERSION_MASK != HEADER_VERSION {
            return Err(Error::BadVersion(version & VERSION_MASK));
        }
        let (dest, src) = (Eid(dest), Eid(src));
        if !src.is_valid_source() {
            return Err(Error::BadSourceEid(src));
        }
        if !dest.is_valid_destination() {
            return Err(Error::BadDestinationEid(dest));
        }
        Ok(Self::from_bytes_unchecked(bytes))
    }

    /// The fields of the four header bytes, unchecked: for header bytes known to pass
    /// [`PacketRepr::from_bytes`] (as the reassembler knows those of a message's next packet,
    /// equal to a header it checked but for SEQ and EOM).
    #[inline]
    pub(crate) const fn from_bytes_unchecked(bytes: [u8; HEADER_LEN]) -> PacketRepr {
        let [_, dest, src, flags] = bytes;
        PacketRepr {
            dest: Eid(dest),
            src: Eid(src),
            som: flags & FLAG_SOM != 0,
            eom: flags & FLAG_EOM != 0,
            seq: (flags >> SEQ_SHIFT) & SEQ_MASK,
            tag_owner: flags & FLAG_TO != 0,
            tag: Tag::from_bits(flags),
        }
    }

    /// The header length, [`HEADER_LEN`] (the payload is not part of the header).
    pub const fn buffer_len(&self) -> usize {
        HEADER_LEN
    }

    /// The flags byte (byte 3).
    #[inline]
    pub const fn flags(&self) -> u8 {
        (if self.som { FLAG_SOM } else { 0 })
            | (if self.eom { FLAG_EOM } else { 0 })
            | ((self.seq & SEQ_MASK) << SEQ_SHIFT)
            | (if self.tag_owner { FLAG_TO } else { 0 })
            | self.tag.value()
    }

    /// The four header bytes.
    #[inline]
    pub const fn to_bytes(&self) -> [u8; HEADER_LEN] {
        [HEADER_VERSION, self.dest.0, self.src.0, self.flags()]
    }

    /// Write the header (version 1) into the first four bytes of `pkt`; the payload is not
    /// touched. A buffer shorter than the header is left as is: wrap it with
    /// [`Packet::new_checked`] first.
    pub fn emit<T: AsRef<[u8]> + AsMut<[u8]>>(&self, pkt: &mut Packet<T>) {
        if let Some(hdr) = pkt.buffer.as_mut().get_mut(..HEADER_LEN) {
            hdr.copy_from_slice(&self.to_bytes());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repr() -> PacketRepr {
        PacketRepr {
            dest: Eid(9),
            src: Eid(8),
            som: true,
            eom: false,
            seq: 0,
            tag_owner: true,
            tag: Tag::from_bits(2),
        }
    }

    #[test]
    fn flags_quick_values() {
        // Digest A.1: single-packet request with tag t = 0xC8 | t, response = 0xC0 | t.
        let mut r = repr();
        r.eom = true;
        assert_eq!(r.flags(), 0xca);
        r.tag_owner = false;
        assert_eq!(r.flags(), 0xc2);
        // Digest B.7 example 3, packet 1 / packet 2.
        assert_eq!(repr().flags(), 0x8a);
        let p2 = PacketRepr {
            som: false,
            eom: true,
            seq: 1,
            ..repr()
        };
        assert_eq!(p2.to_bytes(), [0x01, 0x09, 0x08, 0x5a]);
    }

    #[test]
    fn setters_touch_only_their_field() {
        let mut buf = [0u8; 5];
        let mut pkt = Packet::new_checked(&mut buf[..]).unwrap();
        pkt.set_tag(Tag::from_bits(7));
        pkt.set_seq(3);
        pkt.set_som(true);
        pkt.set_tag_owner(true);
        assert_eq!(pkt.flags(), 0xbf);
        pkt.set_seq(0);
        pkt.set_som(false);
        pkt.set_eom(true);
        assert_eq!(pkt.flags(), 0x4f);
        pkt.set_version(0xf1);
        assert_eq!(pkt.version(), 1);
        pkt.payload_mut()[0] = 0x84;
        assert_eq!(pkt.payload(), &[0x84]);
    }

    #[test]
    fn reserved_bits_ignored() {
        let bytes = [0xf1, 0x09, 0x08, 0xc8];
        let pkt = Packet::new_checked(&bytes[..]).unwrap();
        assert_eq!(PacketRepr::parse(&pkt).unwrap().src, Eid(8));
    }

    #[test]
    fn unchecked_short_buffer_does_not_panic() {
        let mut buf = [0u8; 2];
        let mut pkt = Packet::new_unchecked(&mut buf[..]);
        pkt.set_tag(Tag::from_bits(1));
        assert_eq!(pkt.flags(), 0);
        assert_eq!(pkt.payload(), &[] as &[u8]);
        assert_eq!(PacketRepr::parse(&pkt), Err(Error::Truncated));
        repr().emit(&mut pkt);
        assert_eq!(buf, [0, 0]);
    }
}
