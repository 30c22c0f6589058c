//! The AE Occurrence List and its entries (NVMe-MI 2.0 §5.3, TP 6035).
//!
//! ```text
//! list header  byte 0     NUMAEO   number of occurrences
//!              byte 1     AELVER   list version (0)
//!              bytes 4:2  AEOLLI   bits 22:0 AEOLTL total length incl. this header,
//!                                  bit 23 overflow
//!              byte 5     AEOLHL   header length (7)
//!              byte 6     AEMTI    bits 2:0 retry count, bits 7:3 AEMGN generation number
//! occurrence   byte 0     AELHLEN  occurrence header length (9)
//!              byte 1     AEOSIL   occurrence specific information length
//!              byte 2     AEOVSIL  vendor specific information length
//!              byte 3     AEOI     AE identifier
//!              bytes 7:4  AEOCIDI  occurrence scope identifier information (LE32)
//!              byte 8     AESSI    bits 3:0 scope
//!              ...        AEOSI (AEOSIL bytes), then AEOVSI (AEOVSIL bytes)
//! ```
//!
//! The list is the body of an Asynchronous Event Message and the response data of
//! Configuration Set, identifier 4.

use zerocopy::little_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::AeId;
use crate::mi::{Error, Result};

/// Length of the AE Occurrence List header (AEOLHL).
pub const OCCURRENCE_LIST_HEADER_LEN: usize = 7;
/// Length of an AE Occurrence header (AELHLEN).
pub const OCCURRENCE_HEADER_LEN: usize = 9;
/// The largest AEOLTL (23 bits).
pub const MAX_OCCURRENCE_LIST_LEN: usize = 0x7f_ffff;

/// AEOLLI bit 23.
const OVERFLOW_BIT: u32 = 1 << 23;

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct RawListHeader {
    numaeo: u8,
    aelver: u8,
    aeolli: [u8; 3],
    aeolhl: u8,
    aemti: u8,
}

#[derive(FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
struct RawOccurrenceHeader {
    aelhlen: u8,
    aeosil: u8,
    aeovsil: u8,
    aeoi: u8,
    aeocidi: U32,
    aessi: u8,
}

/// AEM Transmission Information, AEMTI (NVMe-MI 2.0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Aemti {
    /// Bits 2:0: how many times this AEM has been retransmitted (0..=7).
    pub retry_count: u8,
    /// Bits 7:3, AEMGN: the AEM generation number (0..=31); a retransmission repeats it.
    pub generation: u8,
}

impl Aemti {
    /// Decode the byte.
    pub const fn from_u8(v: u8) -> Self {
        Aemti {
            retry_count: v & 0x07,
            generation: v >> 3,
        }
    }

    /// The byte; fields wider than their bits are truncated (see [`Aemti::is_valid`]).
    pub const fn to_u8(self) -> u8 {
        (self.retry_count & 0x07) | (self.generation << 3)
    }

    /// True if both fields fit their bits.
    pub const fn is_valid(self) -> bool {
        self.retry_count <= 7 && self.generation <= 31
    }
}

/// AE Scope, AESSI bits 3:0: what the AEOCIDI of an occurrence identifies (NVMe-MI 2.0).
///
/// The encoding comes from one nvme-cli plugin only; it is not checked against the
/// specification text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AeScope {
    /// A namespace (0).
    Namespace,
    /// A controller (1).
    Controller,
    /// The NVM subsystem (2).
    NvmSubsystem,
    /// A management endpoint (3).
    ManagementEndpoint,
    /// A port (4).
    Port,
    /// An endurance group (5).
    EnduranceGroup,
    /// A reserved 4-bit value, kept as received.
    Unknown(u8),
}

impl AeScope {
    /// Decode AESSI (bits 7:4 are reserved and ignored).
    pub const fn from_u8(v: u8) -> Self {
        match v & 0x0f {
            0 => AeScope::Namespace,
            1 => AeScope::Controller,
            2 => AeScope::NvmSubsystem,
            3 => AeScope::ManagementEndpoint,
            4 => AeScope::Port,
            5 => AeScope::EnduranceGroup,
            other => AeScope::Unknown(other),
        }
    }

    /// The 4-bit value (an `Unknown` wider than 4 bits is truncated).
    pub const fn to_u8(self) -> u8 {
        match self {
            AeScope::Namespace => 0,
            AeScope::Controller => 1,
            AeScope::NvmSubsystem => 2,
            AeScope::ManagementEndpoint => 3,
            AeScope::Port => 4,
            AeScope::EnduranceGroup => 5,
            AeScope::Unknown(v) => v & 0x0f,
        }
    }
}

/// One AE Occurrence (NVMe-MI 2.0 §5.3), borrowing its information fields.
///
/// The same value is produced by parsing and consumed by [`AeOccurrence::emit`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeOccurrence<'a> {
    /// AEOI: the event.
    pub id: AeId,
    /// AESSI: what `scope_id` identifies.
    pub scope: AeScope,
    /// AEOCIDI: the namespace, controller, port, ... the event occurred on (sub-fields
    /// not checked against the specification).
    pub scope_id: u32,
    /// AEOSI: occurrence specific information (at most 255 bytes).
    pub specific: &'a [u8],
    /// AEOVSI: vendor specific information (at most 255 bytes).
    pub vendor_specific: &'a [u8],
}

impl<'a> AeOccurrence<'a> {
    /// An occurrence of `id` with no scope-specific data (scope NVM subsystem, AEOCIDI 0,
    /// no AEOSI or AEOVSI).
    pub const fn new(id: AeId) -> Self {
        AeOccurrence {
            id,
            scope: AeScope::NvmSubsystem,
            scope_id: 0,
            specific: &[],
            vendor_specific: &[],
        }
    }

    /// Length of the encoding: header and both information fields.
    pub const fn buffer_len(&self) -> usize {
        OCCURRENCE_HEADER_LEN + self.specific.len() + self.vendor_specific.len()
    }

    /// Decode the occurrence at the start of `bytes`; returns it and the bytes after it.
    ///
    /// Errors: [`Error::Truncated`] if `bytes` ends inside the occurrence,
    /// [`Error::InvalidField`] if AELHLEN is not 9.
    pub fn parse(bytes: &'a [u8]) -> Result<(Self, &'a [u8])> {
        let (hdr, rest) =
            RawOccurrenceHeader::ref_from_prefix(bytes).map_err(|_| Error::Truncated)?;
        if usize::from(hdr.aelhlen) != OCCURRENCE_HEADER_LEN {
            return Err(Error::InvalidField);
        }
        let (specific, rest) = split(rest, hdr.aeosil)?;
        let (vendor_specific, rest) = split(rest, hdr.aeovsil)?;
        Ok((
            AeOccurrence {
                id: AeId::from_u8(hdr.aeoi),
                scope: AeScope::from_u8(hdr.aessi),
                scope_id: hdr.aeocidi.get(),
                specific,
                vendor_specific,
            },
            rest,
        ))
    }

    /// Encode into the start of `out`; returns the length.
    ///
    /// Errors: [`Error::InvalidField`] if an information field is longer than 255 bytes or
    /// the scope does not fit 4 bits, [`Error::BufferTooSmall`].
    pub fn emit(&self, out: &mut [u8]) -> Result<usize> {
        let aeosil = u8::try_from(self.specific.len()).map_err(|_| Error::InvalidField)?;
        let aeovsil = u8::try_from(self.vendor_specific.len()).map_err(|_| Error::InvalidField)?;
        if let AeScope::Unknown(v) = self.scope {
            if v > 0x0f {
                return Err(Error::InvalidField);
            }
        }
        let len = self.buffer_len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let hdr = RawOccurrenceHeader {
            aelhlen: OCCURRENCE_HEADER_LEN as u8,
            aeosil,
            aeovsil,
            aeoi: self.id.to_u8(),
            aeocidi: U32::new(self.scope_id),
            aessi: self.scope.to_u8(),
        };
        let (h, rest) = out.split_at_mut(OCCURRENCE_HEADER_LEN);
        h.copy_from_slice(hdr.as_bytes());
        let (s, v) = rest.split_at_mut(self.specific.len());
        s.copy_from_slice(self.specific);
        v.copy_from_slice(self.vendor_specific);
        Ok(len)
    }
}

fn split(bytes: &[u8], len: u8) -> Result<(&[u8], &[u8])> {
    let n = usize::from(len);
    if bytes.len() < n {
        return Err(Error::Truncated);
    }
    Ok(bytes.split_at(n))
}

/// The fields of an AE Occurrence List header an encoder chooses (NVMe-MI 2.0); NUMAEO,
/// AEOLTL and AEOLHL follow from the occurrences.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeOccurrenceListHeader {
    /// AELVER: list version (0).
    pub version: u8,
    /// AEOLLI bit 23: more events occurred than the list holds (name not checked against the specification).
    pub overflow: bool,
    /// AEMTI: retry count and generation number.
    pub aemti: Aemti,
}

/// A validated AE Occurrence List borrowed from a buffer (NVMe-MI 2.0 §5.3).
///
/// [`AeOccurrenceList::parse`] walks every occurrence and checks every length; afterwards
/// [`AeOccurrenceList::occurrences`] cannot fail.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeOccurrenceList<'a> {
    header: AeOccurrenceListHeader,
    count: u8,
    bytes: &'a [u8],
}

impl<'a> AeOccurrenceList<'a> {
    /// Validate `bytes`, which must hold exactly one list (AEOLTL bytes).
    ///
    /// Errors:
    /// - [`Error::Truncated`]: `bytes` ends before the header or before AEOLTL bytes;
    /// - [`Error::TooLong`]: bytes follow the AEOLTL bytes;
    /// - [`Error::InvalidField`]: AEOLHL is not 7, or an occurrence's AELHLEN is not 9;
    /// - [`Error::InconsistentLength`]: AEOLTL is smaller than the header, an occurrence
    ///   runs past AEOLTL, or bytes remain inside AEOLTL after NUMAEO occurrences.
    pub fn parse(bytes: &'a [u8]) -> Result<Self> {
        let (hdr, _) = RawListHeader::ref_from_prefix(bytes).map_err(|_| Error::Truncated)?;
        if usize::from(hdr.aeolhl) != OCCURRENCE_LIST_HEADER_LEN {
            return Err(Error::InvalidField);
        }
        let [a, b, c] = hdr.aeolli;
        let aeolli = u32::from_le_bytes([a, b, c, 0]);
        let total = (aeolli & !OVERFLOW_BIT) as usize;
        if total < OCCURRENCE_LIST_HEADER_LEN {
            return Err(Error::InconsistentLength);
        }
        if bytes.len() < total {
            return Err(Error::Truncated);
        }
        if bytes.len() > total {
            return Err(Error::TooLong);
        }
        let mut rest = bytes
            .get(OCCURRENCE_LIST_HEADER_LEN..)
            .ok_or(Error::Truncated)?;
        for _ in 0..hdr.numaeo {
            // Running out of bytes inside AEOLTL means AEOLTL is too small for the entries.
            let (_, after) = AeOccurrence::parse(rest).map_err(|e| match e {
                Error::Truncated => Error::InconsistentLength,
                other => other,
            })?;
            rest = after;
        }
        if !rest.is_empty() {
            return Err(Error::InconsistentLength);
        }
        Ok(AeOccurrenceList {
            header: AeOccurrenceListHeader {
                version: hdr.aelver,
                overflow: aeolli & OVERFLOW_BIT != 0,
                aemti: Aemti::from_u8(hdr.aemti),
            },
            count: hdr.numaeo,
            bytes,
        })
    }

    /// The header fields.
    pub const fn header(&self) -> AeOccurrenceListHeader {
        self.header
    }

    /// AEMTI: retry count and generation number.
    pub const fn aemti(&self) -> Aemti {
        self.header.aemti
    }

    /// NUMAEO: the number of occurrences.
    pub const fn len(&self) -> usize {
        self.count as usize
    }

    /// True if the list holds no occurrence.
    pub const fn is_empty(&self) -> bool {
        self.count == 0
    }

    /// AEOLTL: the list length in bytes, header included.
    pub const fn total_len(&self) -> usize {
        self.bytes.len()
    }

    /// The encoded list.
    pub const fn as_bytes(&self) -> &'a [u8] {
        self.bytes
    }

    /// The occurrences, in list order.
    pub fn occurrences(&self) -> AeOccurrences<'a> {
        AeOccurrences {
            rest: self.bytes.get(OCCURRENCE_LIST_HEADER_LEN..).unwrap_or(&[]),
            left: self.count,
        }
    }

    /// Length of the encoding of a list of `occurrences`.
    pub fn buffer_len(occurrences: &[AeOccurrence<'_>]) -> usize {
        occurrences
            .iter()
            .fold(OCCURRENCE_LIST_HEADER_LEN, |n, o| n + o.buffer_len())
    }

    /// Encode a list with `header` and `occurrences` into `out`; returns its length.
    ///
    /// Errors: [`Error::InvalidField`] for more than 255 occurrences, an AEMTI field wider
    /// than its bits or an invalid occurrence, [`Error::TooLong`] if AEOLTL would not fit 23
    /// bits, [`Error::BufferTooSmall`].
    ///
    /// ```
    /// use nvme_mi_core::mi::aem::{AeId, AeOccurrence, AeOccurrenceList, AeOccurrenceListHeader};
    /// let mut buf = [0u8; 16];
    /// let n = AeOccurrenceList::emit(
    ///     &AeOccurrenceListHeader::default(),
    ///     &[AeOccurrence::new(AeId::ControllerReady)],
    ///     &mut buf,
    /// ).unwrap();
    /// assert_eq!(&buf[..n], &[1, 0, 16, 0, 0, 7, 0, 9, 0, 0, 0, 0, 0, 0, 0, 2]);
    /// ```
    pub fn emit(
        header: &AeOccurrenceListHeader,
        occurrences: &[AeOccurrence<'_>],
        out: &mut [u8],
    ) -> Result<usize> {
        let count = u8::try_from(occurrences.len()).map_err(|_| Error::InvalidField)?;
        if !header.aemti.is_valid() {
            return Err(Error::InvalidField);
        }
        let total = Self::buffer_len(occurrences);
        if total > MAX_OCCURRENCE_LIST_LEN {
            return Err(Error::TooLong);
        }
        let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
        // `total` fits 23 bits.
        let aeolli = total as u32 | if header.overflow { OVERFLOW_BIT } else { 0 };
        let [a, b, c, _] = aeolli.to_le_bytes();
        let hdr = RawListHeader {
            numaeo: count,
            aelver: header.version,
            aeolli: [a, b, c],
            aeolhl: OCCURRENCE_LIST_HEADER_LEN as u8,
            aemti: header.aemti.to_u8(),
        };
        let (h, mut rest) = out.split_at_mut(OCCURRENCE_LIST_HEADER_LEN);
        h.copy_from_slice(hdr.as_bytes());
        for o in occurrences {
            let n = o.emit(rest)?;
            rest = core::mem::take(&mut rest).get_mut(n..).unwrap_or_default();
        }
        Ok(total)
    }
}

/// Iterator over the occurrences of an [`AeOccurrenceList`].
#[derive(Debug, Clone)]
pub struct AeOccurrences<'a> {
    rest: &'a [u8],
    left: u8,
}

impl<'a> Iterator for AeOccurrences<'a> {
    type Item = AeOccurrence<'a>;

    fn next(&mut self) -> Option<AeOccurrence<'a>> {
        self.left = self.left.checked_sub(1)?;
        // The list was validated: parsing cannot fail here.
        let (o, rest) = AeOccurrence::parse(self.rest).ok()?;
        self.rest = rest;
        Some(o)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        (usize::from(self.left), Some(usize::from(self.left)))
    }
}

impl ExactSizeIterator for AeOccurrences<'_> {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn aemti_bits() {
        let a = Aemti::from_u8(0b1011_0101);
        assert_eq!(a.retry_count, 5);
        assert_eq!(a.generation, 0b10110);
        assert_eq!(a.to_u8(), 0b1011_0101);
        assert!(!Aemti {
            retry_count: 8,
            generation: 0
        }
        .is_valid());
    }

    #[test]
    fn scope_values() {
        for v in 0..16u8 {
            assert_eq!(AeScope::from_u8(v).to_u8(), v);
            assert_eq!(AeScope::from_u8(v | 0xf0), AeScope::from_u8(v));
        }
        assert_eq!(AeScope::from_u8(4), AeScope::Port);
    }
}
