//! Get MCTP Version Support (command 0x04; DSP0236 §12.6, DSP4004).
//!
//! ```text
//! request data:  byte 0 message type number (0xFF = MCTP base specification, 0x00 = control)
//! response data: byte 0 entry count N | N × 4-byte version entries (major, minor, update, alpha)
//! ```
//! A type the endpoint does not support is answered with completion code 0x80
//! ([`super::CompletionCode::VERSION_TYPE_NOT_SUPPORTED`]) and no data.

use core::fmt;

use super::{put, Error};

/// A Get MCTP Version Support request (DSP0236 §12.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetVersionSupportRequest {
    /// The message type number queried: a message type (0x00 = control), or
    /// [`GetVersionSupportRequest::BASE_SPEC`].
    pub msg_type: u8,
}

impl GetVersionSupportRequest {
    /// The message type number that asks for the MCTP base specification version.
    pub const BASE_SPEC: u8 = 0xff;
    /// Data length.
    pub const LEN: usize = 1;

    /// Parse the data after the request header; extra bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let &msg_type = data.first().ok_or(Error::Truncated)?;
        Ok(GetVersionSupportRequest { msg_type })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        put(out, &[self.msg_type])
    }
}

/// One 4-byte version number entry (DSP4004 as used by DSP0236 §12.6), in wire
/// order, kept as raw bytes.
///
/// Each of major, minor and update is BCD, with 0xF in the upper nibble for a single digit
/// (`1` ⇒ 0xF1, `12` ⇒ 0x12); an unused update is 0xFF; alpha is 0x00 when unused. So 1.3.3
/// is `F1 F3 F3 00` and 1.0 is `F1 F0 FF 00`. The encoding beyond these examples is
/// not checked against DSP4004: the raw bytes are always available, and the numeric helpers
/// return `None` for anything else.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VersionEntry {
    /// Major version byte.
    pub major: u8,
    /// Minor version byte.
    pub minor: u8,
    /// Update version byte (0xFF: not used).
    pub update: u8,
    /// Alpha byte (0x00: not used).
    pub alpha: u8,
}

impl VersionEntry {
    /// MCTP 1.0 (`F1 F0 FF 00`).
    pub const V1_0: VersionEntry = VersionEntry::from_bytes([0xf1, 0xf0, 0xff, 0x00]);
    /// MCTP 1.1 (`F1 F1 FF 00`).
    pub const V1_1: VersionEntry = VersionEntry::from_bytes([0xf1, 0xf1, 0xff, 0x00]);
    /// MCTP 1.2 (`F1 F2 FF 00`).
    pub const V1_2: VersionEntry = VersionEntry::from_bytes([0xf1, 0xf2, 0xff, 0x00]);
    /// MCTP 1.3.3 (`F1 F3 F3 00`).
    pub const V1_3_3: VersionEntry = VersionEntry::from_bytes([0xf1, 0xf3, 0xf3, 0x00]);

    /// The entry from its 4 wire bytes.
    pub const fn from_bytes(b: [u8; 4]) -> Self {
        VersionEntry {
            major: b[0],
            minor: b[1],
            update: b[2],
            alpha: b[3],
        }
    }

    /// The 4 wire bytes.
    pub const fn to_bytes(self) -> [u8; 4] {
        [self.major, self.minor, self.update, self.alpha]
    }

    /// Encode `major.minor[.update]` (each 0..=99) with no alpha; `None` if a number is
    /// above 99.
    pub const fn from_numbers(major: u8, minor: u8, update: Option<u8>) -> Option<Self> {
        let (Some(major), Some(minor)) = (encode_number(major), encode_number(minor)) else {
            return None;
        };
        let update = match update {
            None => 0xff,
            Some(u) => match encode_number(u) {
                Some(b) => b,
                None => return None,
            },
        };
        Some(VersionEntry {
            major,
            minor,
            update,
            alpha: 0,
        })
    }

    /// The major version number, if the byte is a valid encoding.
    pub const fn major_number(&self) -> Option<u8> {
        decode_number(self.major)
    }

    /// The minor version number, if the byte is a valid encoding.
    pub const fn minor_number(&self) -> Option<u8> {
        decode_number(self.minor)
    }

    /// The update version number; `None` if unused (0xFF) or not a valid encoding.
    pub const fn update_number(&self) -> Option<u8> {
        decode_number(self.update)
    }
}

impl fmt::Display for VersionEntry {
    /// `major.minor[.update]` when the bytes decode, the raw hex bytes otherwise.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.major_number(), self.minor_number()) {
            (Some(ma), Some(mi)) => {
                write!(f, "{ma}.{mi}")?;
                if let Some(u) = self.update_number() {
                    write!(f, ".{u}")?;
                }
                Ok(())
            }
            _ => write!(
                f,
                "{:02x} {:02x} {:02x} {:02x}",
                self.major, self.minor, self.update, self.alpha
            ),
        }
    }
}

/// Encode 0..=99 as BCD, a single digit with 0xF in the upper nibble.
pub const fn encode_number(v: u8) -> Option<u8> {
    if v < 10 {
        Some(0xf0 | v)
    } else if v < 100 {
        Some(((v / 10) << 4) | (v % 10))
    } else {
        None
    }
}

/// Decode one version byte: `0xFd` ⇒ d, `0xde` (BCD) ⇒ 10·d + e; `None` for 0xFF (unused)
/// and for any nibble above 9.
pub const fn decode_number(b: u8) -> Option<u8> {
    let (hi, lo) = (b >> 4, b & 0x0f);
    if lo > 9 {
        None
    } else if hi == 0x0f {
        Some(lo)
    } else if hi <= 9 {
        Some(hi * 10 + lo)
    } else {
        None
    }
}

/// The version entries of a response: borrowed either as wire bytes (what a decoder returns)
/// or as typed entries (what a responder has); both compare equal when the entries are.
#[derive(Debug, Clone, Copy)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum VersionEntries<'a> {
    /// Wire bytes, 4 per entry (a trailing partial entry is never produced by a decoder and
    /// is rejected by the encoder).
    Wire(&'a [u8]),
    /// Typed entries.
    List(&'a [VersionEntry]),
}

impl<'a> VersionEntries<'a> {
    /// Number of entries.
    pub fn len(&self) -> usize {
        match self {
            VersionEntries::Wire(b) => b.len() / 4,
            VersionEntries::List(l) => l.len(),
        }
    }

    /// True if there are no entries.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The entries in order.
    pub fn iter(&self) -> impl Iterator<Item = VersionEntry> + 'a {
        let (wire, list): (&'a [u8], &'a [VersionEntry]) = match *self {
            VersionEntries::Wire(b) => (b, &[]),
            VersionEntries::List(l) => (&[], l),
        };
        wire.chunks_exact(4)
            .map(|c| VersionEntry {
                major: c.first().copied().unwrap_or(0),
                minor: c.get(1).copied().unwrap_or(0),
                update: c.get(2).copied().unwrap_or(0),
                alpha: c.get(3).copied().unwrap_or(0),
            })
            .chain(list.iter().copied())
    }
}

impl PartialEq for VersionEntries<'_> {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().eq(other.iter())
    }
}

impl Eq for VersionEntries<'_> {}

/// The data of a successful Get MCTP Version Support response (DSP0236 §12.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetVersionSupportResponse<'a> {
    /// The supported versions.
    pub entries: VersionEntries<'a>,
}

impl<'a> GetVersionSupportResponse<'a> {
    /// Parse the data after the completion code: the count, then that many entries; extra
    /// bytes are ignored.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let (&n, rest) = data.split_first().ok_or(Error::Truncated)?;
        let wire = rest.get(..usize::from(n) * 4).ok_or(Error::Truncated)?;
        Ok(GetVersionSupportResponse {
            entries: VersionEntries::Wire(wire),
        })
    }

    /// Data length.
    pub fn buffer_len(&self) -> usize {
        1 + 4 * self.entries.len()
    }

    /// Write the data; returns its length. [`Error::InvalidLength`] for more than 255 entries
    /// or wire bytes that are not a whole number of entries.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        if let VersionEntries::Wire(b) = self.entries {
            if b.len() % 4 != 0 {
                return Err(Error::InvalidLength);
            }
        }
        let n = u8::try_from(self.entries.len()).map_err(|_| Error::InvalidLength)?;
        let len = self.buffer_len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let (count, rest) = out.split_at_mut(1);
        count.copy_from_slice(&[n]);
        for (dst, e) in rest.chunks_exact_mut(4).zip(self.entries.iter()) {
            dst.copy_from_slice(&e.to_bytes());
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;

    #[test]
    fn version_numbers() {
        assert_eq!(
            VersionEntry::from_numbers(1, 3, Some(3)),
            Some(VersionEntry::V1_3_3)
        );
        assert_eq!(
            VersionEntry::from_numbers(1, 0, None),
            Some(VersionEntry::V1_0)
        );
        assert_eq!(VersionEntry::V1_3_3.to_string(), "1.3.3");
        assert_eq!(VersionEntry::V1_2.to_string(), "1.2");
        let e = VersionEntry::from_numbers(12, 34, Some(56)).unwrap();
        assert_eq!(e.to_bytes(), [0x12, 0x34, 0x56, 0x00]);
        assert_eq!(
            (e.major_number(), e.minor_number(), e.update_number()),
            (Some(12), Some(34), Some(56))
        );
        assert_eq!(VersionEntry::from_numbers(100, 0, None), None);
        assert_eq!(decode_number(0xfa), None);
        assert_eq!(decode_number(0xa1), None);
        for v in 0..100 {
            assert_eq!(decode_number(encode_number(v).unwrap()), Some(v));
        }
    }

    #[test]
    fn wire_and_list_compare_equal() {
        let list = [VersionEntry::V1_0, VersionEntry::V1_3_3];
        let wire = [0xf1, 0xf0, 0xff, 0x00, 0xf1, 0xf3, 0xf3, 0x00];
        assert_eq!(VersionEntries::List(&list), VersionEntries::Wire(&wire));
        assert_ne!(
            VersionEntries::List(&list[..1]),
            VersionEntries::Wire(&wire)
        );
    }
}
