//! The AE Enable List and the AE Supported List (NVMe-MI 2.0 §5.3, TP 6035).
//!
//! Both lists have the same shape: a 5-byte header and 3-byte entries.
//!
//! ```text
//! header  byte 0     NUMAEE / NUMAES   number of entries
//!         byte 1     AEELVER / AESLVER list version (0)
//!         bytes 3:2  AEETL / AESTL     total length including the header (LE16)
//!         byte 4     AEELHL / AESLHL   header length (5)
//! entry   byte 0     AEEL / AESL       entry length (3)
//!         bytes 2:1  AEEI / AESI (LE16): bits 7:0 AE identifier, bits 14:8 reserved,
//!                    bit 15 AEE (enable) / AESE (currently enabled)
//! ```
//!
//! The requester sends an AE Enable List as the request data of Configuration Set,
//! identifier 4 (it is a delta: only the listed events change); the empty list
//! ([`ACK_ENABLE_LIST`]) acknowledges an Asynchronous Event Message. Configuration Get,
//! identifier 4, answers with an AE Supported List.

use zerocopy::little_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::AeId;
use crate::mi::{Error, Result};

/// Length of the list header (AEELHL / AESLHL).
pub const CONFIG_LIST_HEADER_LEN: usize = 5;
/// Length of one entry (AEEL / AESL).
pub const CONFIG_ENTRY_LEN: usize = 3;
/// The list version this crate writes (AEELVER / AESLVER).
pub const CONFIG_LIST_VERSION: u8 = 0;

/// The AE Enable List with no entries: the acknowledgement of an Asynchronous Event Message
/// sent as Configuration Set request data (NVMe-MI 2.0).
pub const ACK_ENABLE_LIST: [u8; CONFIG_LIST_HEADER_LEN] = [0x00, 0x00, 0x05, 0x00, 0x05];

/// Bit 15 of an entry's information word: AEE / AESE.
const FLAG_BIT: u16 = 0x8000;

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct RawHeader {
    count: u8,
    version: u8,
    total_len: U16,
    header_len: u8,
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct RawEntry {
    len: u8,
    info: U16,
}

/// One entry of an AE Enable List or AE Supported List (NVMe-MI 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeConfigEntry {
    /// The event.
    pub id: AeId,
    /// In an Enable List, AEE: enable (true) or disable (false) the event. In a Supported
    /// List, AESE: the event is currently enabled.
    pub enabled: bool,
}

impl AeConfigEntry {
    /// An entry for `id` with the flag `enabled`.
    pub const fn new(id: AeId, enabled: bool) -> Self {
        AeConfigEntry { id, enabled }
    }

    fn info(&self) -> u16 {
        u16::from(self.id.to_u8()) | if self.enabled { FLAG_BIT } else { 0 }
    }
}

/// A validated AE Enable List or AE Supported List borrowed from a buffer
/// (NVMe-MI 2.0 §5.3).
///
/// [`AeConfigList::parse`] checks every length; afterwards [`AeConfigList::entries`] cannot
/// fail.
///
/// ```
/// use nvme_mi_core::mi::aem::{AeConfigEntry, AeEnableList, AeId};
/// let mut buf = [0u8; 8];
/// let n = AeEnableList::emit(&[AeConfigEntry::new(AeId::SmartWarnings, true)], &mut buf).unwrap();
/// assert_eq!(&buf[..n], &[1, 0, 8, 0, 5, 3, 0x09, 0x80]);
/// let list = AeEnableList::parse(&buf[..n]).unwrap();
/// assert_eq!(list.entries().next(), Some(AeConfigEntry::new(AeId::SmartWarnings, true)));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeConfigList<'a> {
    version: u8,
    entries: &'a [u8],
}

/// The AE Enable List: request data of Configuration Set, identifier 4 (NVMe-MI 2.0).
pub type AeEnableList<'a> = AeConfigList<'a>;

/// The AE Supported List: response data of Configuration Get, identifier 4 (NVMe-MI 2.0).
pub type AeSupportedList<'a> = AeConfigList<'a>;

impl<'a> AeConfigList<'a> {
    /// Validate `bytes`, which must hold exactly one list.
    ///
    /// Errors: [`Error::Truncated`] when `bytes` ends before the header or before the total
    /// length, [`Error::TooLong`] when bytes follow the total length, [`Error::InvalidField`]
    /// when the header length is not 5 or an entry length is not 3,
    /// [`Error::InconsistentLength`] when the total length disagrees with the entry count.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let (hdr, _) = RawHeader::ref_from_prefix(bytes).map_err(|_| Error::Truncated)?;
        if usize::from(hdr.header_len) != CONFIG_LIST_HEADER_LEN {
            return Err(Error::InvalidField);
        }
        let total = usize::from(hdr.total_len.get());
        let expected = usize::from(hdr.count) * CONFIG_ENTRY_LEN + CONFIG_LIST_HEADER_LEN;
        if total != expected {
            return Err(Error::InconsistentLength);
        }
        if bytes.len() < total {
            return Err(Error::Truncated);
        }
        if bytes.len() > total {
            return Err(Error::TooLong);
        }
        let entries = bytes
            .get(CONFIG_LIST_HEADER_LEN..)
            .ok_or(Error::Truncated)?;
        for chunk in entries.chunks(CONFIG_ENTRY_LEN) {
            if chunk.first().map(|&l| usize::from(l)) != Some(CONFIG_ENTRY_LEN) {
                return Err(Error::InvalidField);
            }
        }
        Ok(AeConfigList {
            version: hdr.version,
            entries,
        })
    }

    /// The list version (AEELVER / AESLVER).
    pub const fn version(&self) -> u8 {
        self.version
    }

    /// The number of entries (NUMAEE / NUMAES).
    pub const fn len(&self) -> usize {
        self.entries.len() / CONFIG_ENTRY_LEN
    }

    /// True if the list has no entries (for an Enable List: an acknowledgement).
    pub const fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// The entries, in list order.
    pub fn entries(&self) -> AeConfigEntries<'a> {
        AeConfigEntries { rest: self.entries }
    }

    /// Length of the encoding of a list of `count` entries.
    pub const fn buffer_len(count: usize) -> usize {
        CONFIG_LIST_HEADER_LEN + count * CONFIG_ENTRY_LEN
    }

    /// Encode a list (version 0) of `entries` into `out`; returns its length.
    ///
    /// Errors: [`Error::InvalidField`] for more than 255 entries, [`Error::BufferTooSmall`].
    pub fn emit(entries: &[AeConfigEntry], out: &mut [u8]) -> Result<usize> {
        let count = u8::try_from(entries.len()).map_err(|_| Error::InvalidField)?;
        let total = Self::buffer_len(entries.len());
        let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
        let (head, body) = out.split_at_mut(CONFIG_LIST_HEADER_LEN);
        let hdr = RawHeader {
            count,
            version: CONFIG_LIST_VERSION,
            // At most 5 + 255 * 3 = 770.
            total_len: U16::new(total as u16),
            header_len: CONFIG_LIST_HEADER_LEN as u8,
        };
        head.copy_from_slice(hdr.as_bytes());
        for (e, dst) in entries.iter().zip(body.chunks_exact_mut(CONFIG_ENTRY_LEN)) {
            let raw = RawEntry {
                len: CONFIG_ENTRY_LEN as u8,
                info: U16::new(e.info()),
            };
            dst.copy_from_slice(raw.as_bytes());
        }
        Ok(total)
    }
}

/// Iterator over the entries of an [`AeConfigList`].
#[derive(Debug, Clone)]
pub struct AeConfigEntries<'a> {
    rest: &'a [u8],
}

impl Iterator for AeConfigEntries<'_> {
    type Item = AeConfigEntry;

    fn next(&mut self) -> Option<AeConfigEntry> {
        let (raw, rest) = RawEntry::ref_from_prefix(self.rest).ok()?;
        self.rest = rest;
        let info = raw.info.get();
        Some(AeConfigEntry {
            id: AeId::from_u8(info as u8),
            enabled: info & FLAG_BIT != 0,
        })
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = self.rest.len() / CONFIG_ENTRY_LEN;
        (n, Some(n))
    }
}

impl ExactSizeIterator for AeConfigEntries<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ack_list() {
        let mut out = [0u8; 5];
        assert_eq!(AeEnableList::emit(&[], &mut out), Ok(5));
        assert_eq!(out, ACK_ENABLE_LIST);
        let l = AeEnableList::parse(&ACK_ENABLE_LIST).unwrap();
        assert!(l.is_empty());
        assert_eq!(l.entries().count(), 0);
    }

    #[test]
    fn reserved_bits_ignored() {
        let b = [1, 0, 8, 0, 5, 3, 0xc1, 0x7f];
        let l = AeSupportedList::parse(&b).unwrap();
        assert_eq!(
            l.entries().collect::<heapless::Vec<_, 2>>()[..],
            [AeConfigEntry::new(AeId::VendorSpecific(0xc1), false)]
        );
    }
}
