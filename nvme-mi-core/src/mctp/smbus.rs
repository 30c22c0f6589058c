//! The MCTP-over-SMBus/I2C binding: one MCTP packet travels as one SMBus Block Write with PEC
//! (DSP0237 §6).
//!
//! ```text
//! byte 0    destination slave address  dest7 << 1          (bit 0 = 0: write)
//! byte 1    command code               0x0F                (MCTP)
//! byte 2    byte count                 1 + packet length   (bytes 3.. up to, excluding, the PEC)
//! byte 3    source slave address       (src7 << 1) | 1     (bit 0 is always 1)
//! byte 4..  MCTP packet                4-byte header + payload
//! last      PEC                        CRC-8 over every byte before it, byte 0 included
//! ```
//!
//! This layer carries the MCTP packet as opaque bytes: it neither reads nor checks the MCTP
//! header (that is [`super::header`]'s job).
//!
//! Two receive forms exist. A bus analyser or a Linux `i2c_msg` style buffer gives the whole
//! frame from the address byte ([`decode`], [`Frame`]). An I2C target (the receiving side of a
//! master write) usually gets the bytes that *follow* its own address; [`decode_received`]
//! verifies those, given the receiver's own 7-bit address, since the PEC still covers the
//! address byte.

use core::fmt;

use super::pec::{pec, Pec};

/// The SMBus command code of MCTP (DSP0237).
pub const COMMAND_CODE: u8 = 0x0f;
/// Bytes before the MCTP packet: destination address, command code, byte count, source address.
pub const HEADER_LEN: usize = 4;
/// Length of the trailing PEC.
pub const PEC_LEN: usize = 1;
/// Length of the MCTP packet header, the least an MCTP packet can have.
const MCTP_HEADER_LEN: usize = 4;
/// The largest byte count (an 8-bit field).
pub const MAX_BYTE_COUNT: usize = 255;
/// The largest MCTP packet (header + payload) one frame carries: 255 − 1 (source address).
pub const MAX_PACKET_LEN: usize = MAX_BYTE_COUNT - 1;
/// The largest MCTP packet payload one frame carries: 255 − 1 − 4 = 250 (DSP0237).
pub const MAX_PACKET_PAYLOAD: usize = MAX_PACKET_LEN - MCTP_HEADER_LEN;
/// The largest frame, address byte and PEC included: 3 + 255 + 1 = 259 (DSP0237).
pub const MAX_FRAME_LEN: usize = 3 + MAX_BYTE_COUNT + PEC_LEN;
/// The shortest valid frame: 4 frame header bytes, 4 MCTP header bytes and the PEC (DSP0237).
pub const MIN_FRAME_LEN: usize = HEADER_LEN + MCTP_HEADER_LEN + PEC_LEN;
/// A frame carrying a baseline packet (64-byte payload): 73 bytes on the wire (DSP0237).
pub const BASELINE_FRAME_LEN: usize = HEADER_LEN + MCTP_HEADER_LEN + super::BASELINE_TU + PEC_LEN;
/// The largest 7-bit address (10-bit addresses are not allowed for MCTP).
pub const MAX_ADDR: u8 = 0x7f;

mod field {
    pub const DEST: usize = 0;
    pub const COMMAND: usize = 1;
    pub const COUNT: usize = 2;
    pub const SRC: usize = 3;
    pub const PACKET: usize = 4;
}

/// Why an SMBus frame could not be decoded or encoded (DSP0237 §6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than the shortest frame ([`MIN_FRAME_LEN`]); when encoding, an MCTP packet
    /// shorter than its 4-byte header.
    Truncated,
    /// More bytes than the longest frame ([`MAX_FRAME_LEN`]); when encoding, a packet longer
    /// than [`MAX_PACKET_LEN`].
    TooLong,
    /// The command code is not 0x0F (MCTP).
    BadCommandCode(u8),
    /// The byte count disagrees with the number of bytes received.
    BadByteCount,
    /// The PEC does not match the bytes.
    BadPec {
        /// The PEC computed over the received bytes.
        computed: u8,
        /// The PEC received.
        received: u8,
    },
    /// An address byte with the wrong bit 0 (destination must be 0, source must be 1), or a
    /// 7-bit address above 0x7F given to an encoder.
    BadAddress,
    /// The output buffer given to an encoder is too small.
    BufferTooSmall,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("SMBus frame too short"),
            Error::TooLong => f.write_str("SMBus frame too long"),
            Error::BadCommandCode(c) => write!(f, "SMBus command code {c:#04x} is not MCTP"),
            Error::BadByteCount => f.write_str("SMBus byte count disagrees with frame length"),
            Error::BadPec { computed, received } => write!(
                f,
                "SMBus PEC mismatch: computed {computed:#04x}, received {received:#04x}"
            ),
            Error::BadAddress => f.write_str("bad SMBus address byte"),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for Error {}

/// The addresses of one frame as 7-bit I2C addresses (DSP0237 §6).
///
/// The packet bytes are not part of the repr: [`decode`] returns them as a borrowed slice and
/// [`FrameRepr::emit`] takes them as an argument.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FrameRepr {
    /// The destination's 7-bit address (byte 0 carries `dest_addr << 1`).
    pub dest_addr: u8,
    /// The source's 7-bit address (byte 3 carries `src_addr << 1 | 1`); a responder sends its
    /// reply to this address (DSP0237).
    pub src_addr: u8,
}

impl FrameRepr {
    /// Validate `frame` in the order Linux's `mctp-i2c` driver applies (length, command code, byte count, PEC, then the address bits) and
    /// return the addresses.
    pub fn parse<T: AsRef<[u8]>>(frame: &Frame<T>) -> Result<FrameRepr, Error> {
        decode(frame.buffer.as_ref()).map(|(repr, _)| repr)
    }

    /// The addresses of the reply to this frame: a responder sends to the requester's source
    /// address, from the address it was reached at (DSP0237 §6).
    pub const fn reply(&self) -> FrameRepr {
        FrameRepr {
            dest_addr: self.src_addr,
            src_addr: self.dest_addr,
        }
    }

    /// Frame length for a packet of `packet_len` bytes.
    pub const fn buffer_len(packet_len: usize) -> usize {
        HEADER_LEN + packet_len + PEC_LEN
    }

    /// Encode the frame carrying `packet` (MCTP header + payload) into `out`, computing the
    /// byte count and the PEC; returns the frame length.
    pub fn emit(&self, packet: &[u8], out: &mut [u8]) -> Result<usize, Error> {
        self.emit_parts(&[packet], out)
    }

    /// Like [`FrameRepr::emit`], with the packet given in pieces that are concatenated (for
    /// example the MCTP header and a payload chunk), so the caller needs no staging buffer.
    pub fn emit_parts(&self, parts: &[&[u8]], out: &mut [u8]) -> Result<usize, Error> {
        if self.dest_addr > MAX_ADDR || self.src_addr > MAX_ADDR {
            return Err(Error::BadAddress);
        }
        let mut packet_len = 0usize;
        for p in parts {
            packet_len = packet_len.saturating_add(p.len());
        }
        if packet_len < MCTP_HEADER_LEN {
            return Err(Error::Truncated);
        }
        if packet_len > MAX_PACKET_LEN {
            return Err(Error::TooLong);
        }
        let len = Self::buffer_len(packet_len);
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let (body, pec_byte) = out.split_at_mut(len - PEC_LEN);
        let (head, mut rest) = body.split_at_mut(HEADER_LEN);
        head.copy_from_slice(&[
            self.dest_addr << 1,
            COMMAND_CODE,
            // Cannot truncate: packet_len <= MAX_PACKET_LEN = 254.
            (packet_len + 1) as u8,
            (self.src_addr << 1) | 1,
        ]);
        for p in parts {
            let (dst, tail) = rest.split_at_mut(p.len());
            dst.copy_from_slice(p);
            rest = tail;
        }
        let mut d = Pec::new();
        d.update(body);
        pec_byte.copy_from_slice(&[d.value()]);
        Ok(len)
    }
}

/// Encode one frame to the 7-bit address `dest7`, sent by `src7`, carrying `packet` (MCTP
/// header + payload) into `out`; returns its length. See [`FrameRepr::emit`].
pub fn emit(dest7: u8, src7: u8, packet: &[u8], out: &mut [u8]) -> Result<usize, Error> {
    FrameRepr {
        dest_addr: dest7,
        src_addr: src7,
    }
    .emit(packet, out)
}

/// Validate a whole frame (address byte to PEC) in the order Linux's `mctp-i2c` driver applies and return its
/// addresses and the MCTP packet it carries (header + payload, not interpreted).
///
/// Checks, in order: length [`MIN_FRAME_LEN`]..=[`MAX_FRAME_LEN`] ([`Error::Truncated`],
/// [`Error::TooLong`]); command code 0x0F; `byte_count + 3 == len − 1`; PEC; destination byte
/// bit 0 = 0 and source byte bit 0 = 1 ([`Error::BadAddress`]).
#[cfg_attr(not(target_os = "none"), inline)]
pub fn decode(frame: &[u8]) -> Result<(FrameRepr, &[u8]), Error> {
    match frame.split_first() {
        Some((&dest, rest)) => validate(dest, rest),
        None => Err(Error::Truncated),
    }
}

/// Validate a frame as an I2C target receives it: `bytes` are everything after the address
/// byte (command code to PEC), and `own_addr7` is the receiver's own 7-bit address, which the
/// PEC covers as the write address byte `own_addr7 << 1`. Same checks and result as
/// [`decode`]; an `own_addr7` above 0x7F gives [`Error::BadAddress`].
///
/// ```
/// use nvme_mi_core::mctp::smbus::{decode_received, FrameRepr};
/// // A drive at 0x1D receives Get Endpoint ID from a BMC at 0x10; its I2C target
/// // peripheral hands over the bytes after the address byte 0x3A.
/// let rx = [0x0f, 0x08, 0x21, 0x01, 0x00, 0x08, 0xc9, 0x00, 0x81, 0x02, 0x55];
/// let (repr, packet) = decode_received(0x1d, &rx).unwrap();
/// assert_eq!(repr, FrameRepr { dest_addr: 0x1d, src_addr: 0x10 });
/// assert_eq!(packet, &rx[3..10]);
/// assert_eq!(repr.reply(), FrameRepr { dest_addr: 0x10, src_addr: 0x1d });
/// ```
#[cfg_attr(not(target_os = "none"), inline)]
pub fn decode_received(own_addr7: u8, bytes: &[u8]) -> Result<(FrameRepr, &[u8]), Error> {
    // Length first (B.6 step 1), so that the error order matches `decode`.
    check_total_len(bytes.len().saturating_add(1))?;
    if own_addr7 > MAX_ADDR {
        return Err(Error::BadAddress);
    }
    validate(own_addr7 << 1, bytes)
}

#[cfg_attr(not(target_os = "none"), inline)]
fn check_total_len(len: usize) -> Result<(), Error> {
    if len < MIN_FRAME_LEN {
        Err(Error::Truncated)
    } else if len > MAX_FRAME_LEN {
        Err(Error::TooLong)
    } else {
        Ok(())
    }
}

/// The frame checks on a frame split into its address byte and the rest.
#[cfg_attr(not(target_os = "none"), inline)]
fn validate(dest: u8, rest: &[u8]) -> Result<(FrameRepr, &[u8]), Error> {
    check_total_len(rest.len().saturating_add(1))?;
    // `rest` = command, count, source, packet (>= 4 bytes), PEC.
    let [command, count, ..] = *rest else {
        return Err(Error::Truncated);
    };
    if command != COMMAND_CODE {
        return Err(Error::BadCommandCode(command));
    }
    // byte_count + 3 == total − 1, where total = rest.len() + 1.
    if usize::from(count) + 3 != rest.len() {
        return Err(Error::BadByteCount);
    }
    // The PEC taken over the frame *with* its PEC byte is zero exactly when that byte is the
    // PEC of the bytes before it (a CRC without final XOR): one pass, and nothing to keep
    // for afterwards.
    if frame_pec(dest, rest) != 0 {
        return Err(bad_pec(dest, rest));
    }
    let [_, _, src, ref packet @ .., _] = *rest else {
        return Err(Error::Truncated);
    };
    if dest & 1 != 0 || src & 1 == 0 {
        return Err(Error::BadAddress);
    }
    Ok((
        FrameRepr {
            dest_addr: dest >> 1,
            src_addr: src >> 1,
        },
        packet,
    ))
}

/// The [`Error::BadPec`] of a frame whose PEC does not match: the PEC of the bytes before
/// the last, and the last.
#[cold]
fn bad_pec(dest: u8, rest: &[u8]) -> Error {
    let (&received, body) = rest.split_last().unwrap_or((&0, &[]));
    Error::BadPec {
        computed: frame_pec(dest, body),
        received,
    }
}

/// The PEC of the address byte `dest` followed by `bytes` (inlined on a host: the frame check
/// is in every receive's path; one copy on bare metal).
#[cfg_attr(not(target_os = "none"), inline)]
fn frame_pec(dest: u8, bytes: &[u8]) -> u8 {
    let mut d = Pec::new();
    d.push(dest);
    d.update(bytes);
    d.value()
}

/// A checked view over one frame, from the destination address byte to the PEC
/// (DSP0237 §6).
///
/// [`Frame::new_checked`] verifies the length ([`MIN_FRAME_LEN`]..=[`MAX_FRAME_LEN`]); after it
/// no accessor can panic (on a buffer wrapped with [`Frame::new_unchecked`] that is too short
/// the getters read 0 or an empty slice and the setters write nothing). The field values are
/// not validated: [`Frame::check`] (or [`FrameRepr::parse`]) does that.
///
/// ```
/// use nvme_mi_core::mctp::smbus::Frame;
/// let bytes = [0x3a, 0x0f, 0x08, 0x21, 0x01, 0x00, 0x08, 0xc9, 0x00, 0x81, 0x02, 0x55];
/// let frame = Frame::new_checked(&bytes[..]).unwrap();
/// assert!(frame.check().is_ok());
/// assert_eq!((frame.dest_addr(), frame.src_addr()), (0x1d, 0x10));
/// assert_eq!(frame.packet(), &bytes[4..11]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Frame<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> Frame<T> {
    /// Wrap `buffer` without checking its length.
    pub const fn new_unchecked(buffer: T) -> Self {
        Frame { buffer }
    }

    /// Wrap `buffer`, checking its length.
    pub fn new_checked(buffer: T) -> Result<Self, Error> {
        let f = Self::new_unchecked(buffer);
        f.check_len()?;
        Ok(f)
    }

    /// [`Error::Truncated`] or [`Error::TooLong`] unless the buffer length is a possible frame
    /// length.
    pub fn check_len(&self) -> Result<(), Error> {
        check_total_len(self.buffer.as_ref().len())
    }

    /// Every check of [`decode`] (length, command code, byte count, PEC and the address bits).
    pub fn check(&self) -> Result<(), Error> {
        decode(self.buffer.as_ref()).map(|_| ())
    }

    /// The wrapped buffer.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    fn byte(&self, i: usize) -> u8 {
        self.buffer.as_ref().get(i).copied().unwrap_or(0)
    }

    /// The destination address byte (byte 0) as received.
    pub fn dest_addr_byte(&self) -> u8 {
        self.byte(field::DEST)
    }

    /// The destination 7-bit address (byte 0, bits 7:1).
    pub fn dest_addr(&self) -> u8 {
        self.dest_addr_byte() >> 1
    }

    /// The command code (byte 1).
    pub fn command_code(&self) -> u8 {
        self.byte(field::COMMAND)
    }

    /// The byte count (byte 2).
    pub fn byte_count(&self) -> u8 {
        self.byte(field::COUNT)
    }

    /// The source address byte (byte 3) as received.
    pub fn src_addr_byte(&self) -> u8 {
        self.byte(field::SRC)
    }

    /// The source 7-bit address (byte 3, bits 7:1).
    pub fn src_addr(&self) -> u8 {
        self.src_addr_byte() >> 1
    }

    /// The MCTP packet: the bytes from offset 4 up to, excluding, the last byte (the PEC).
    /// Uses the buffer length, not the byte count.
    pub fn packet(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        b.get(field::PACKET..b.len().saturating_sub(PEC_LEN))
            .unwrap_or(&[])
    }

    /// The PEC (last byte).
    pub fn pec(&self) -> u8 {
        self.buffer.as_ref().last().copied().unwrap_or(0)
    }

    /// The PEC computed over every byte but the last.
    pub fn computed_pec(&self) -> u8 {
        let b = self.buffer.as_ref();
        pec(b.get(..b.len().saturating_sub(PEC_LEN)).unwrap_or(&[]))
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> Frame<T> {
    fn set_byte(&mut self, i: usize, v: u8) {
        if let Some(b) = self.buffer.as_mut().get_mut(i) {
            *b = v;
        }
    }

    /// Set the destination address byte from a 7-bit address (bit 0 = 0).
    pub fn set_dest_addr(&mut self, addr7: u8) {
        self.set_byte(field::DEST, addr7 << 1);
    }

    /// Set the command code.
    pub fn set_command_code(&mut self, code: u8) {
        self.set_byte(field::COMMAND, code);
    }

    /// Set the byte count.
    pub fn set_byte_count(&mut self, count: u8) {
        self.set_byte(field::COUNT, count);
    }

    /// Set the source address byte from a 7-bit address (bit 0 = 1).
    pub fn set_src_addr(&mut self, addr7: u8) {
        self.set_byte(field::SRC, (addr7 << 1) | 1);
    }

    /// The MCTP packet bytes, writable.
    pub fn packet_mut(&mut self) -> &mut [u8] {
        let b = self.buffer.as_mut();
        let end = b.len().saturating_sub(PEC_LEN);
        b.get_mut(field::PACKET..end).unwrap_or(&mut [])
    }

    /// Set the PEC byte.
    pub fn set_pec(&mut self, value: u8) {
        let last = self.buffer.as_ref().len().wrapping_sub(1);
        self.set_byte(last, value);
    }

    /// Compute the PEC over every byte but the last and store it in the last byte.
    pub fn fill_pec(&mut self) {
        let v = self.computed_pec();
        self.set_pec(v);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn limits() {
        assert_eq!(MAX_PACKET_PAYLOAD, 250);
        assert_eq!(MAX_FRAME_LEN, 259);
        assert_eq!(BASELINE_FRAME_LEN, 73);
        assert_eq!(MIN_FRAME_LEN, 9);
    }

    #[test]
    fn view_setters_build_a_valid_frame() {
        let packet = [0x01, 0x00, 0x08, 0xc9, 0x00, 0x81, 0x02];
        let mut buf = [0u8; 12];
        let mut f = Frame::new_checked(&mut buf[..]).unwrap();
        f.set_dest_addr(0x1d);
        f.set_command_code(COMMAND_CODE);
        f.set_byte_count(8);
        f.set_src_addr(0x10);
        f.packet_mut().copy_from_slice(&packet);
        f.fill_pec();
        assert_eq!(f.check(), Ok(()));
        assert_eq!(f.pec(), 0x55);
        let mut out = [0u8; 12];
        assert_eq!(emit(0x1d, 0x10, &packet, &mut out), Ok(12));
        assert_eq!(out, buf);
    }

    #[test]
    fn unchecked_short_view_does_not_panic() {
        let mut buf = [0u8; 2];
        let mut f = Frame::new_unchecked(&mut buf[..]);
        assert_eq!(f.byte_count(), 0);
        assert!(f.packet().is_empty());
        f.set_src_addr(3);
        f.fill_pec();
        assert!(f.packet_mut().is_empty());
        let mut empty: [u8; 0] = [];
        let mut e = Frame::new_unchecked(&mut empty[..]);
        e.fill_pec();
        assert_eq!(e.pec(), 0);
        assert_eq!(e.check(), Err(Error::Truncated));
    }
}
