//! The Namespace Identification Descriptor list returned by Identify CNS 03h (NVMe Base 2.0
//! §5.17.2, Figure "Namespace Identification Descriptor"): 4096 bytes of descriptors, each a
//! four-byte header (NIDT type, NIDL length) and NIDL bytes of identifier, ending at the first
//! descriptor whose NIDL is zero.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::mi::{Error, Result};

/// The length of the list Identify CNS 03h returns.
pub const NS_DESCRIPTOR_LIST_LEN: usize = 4096;

/// The four header bytes of a descriptor: NIDT, NIDL, two reserved.
const DESCRIPTOR_HEADER_LEN: usize = 4;

/// A namespace identifier, typed by its Namespace Identifier Type (NIDT).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum NsId {
    /// IEEE Extended Unique Identifier (NIDT 1, 8 bytes).
    Eui64([u8; 8]),
    /// Namespace Globally Unique Identifier (NIDT 2, 16 bytes).
    Nguid([u8; 16]),
    /// Namespace UUID (NIDT 3, 16 bytes).
    Uuid([u8; 16]),
    /// Command Set Identifier (NIDT 4, 1 byte).
    Csi(u8),
    /// Any other type, or a known type with a length that does not match it: the NIDT.
    Unknown(u8),
}

/// One descriptor of the list, borrowed from it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsIdDescriptor<'a> {
    /// The descriptor's byte offset in the list.
    pub offset: usize,
    /// Namespace Identifier Type, NIDT.
    pub nidt: u8,
    /// Namespace Identifier, NID: NIDL bytes.
    pub nid: &'a [u8],
}

impl NsIdDescriptor<'_> {
    /// Namespace Identifier Length, NIDL.
    pub fn nidl(&self) -> u8 {
        self.nid.len() as u8
    }

    /// The identifier, typed.
    pub fn id(&self) -> NsId {
        match (self.nidt, self.nid) {
            (1, b) => b.try_into().map_or(NsId::Unknown(1), NsId::Eui64),
            (2, b) => b.try_into().map_or(NsId::Unknown(2), NsId::Nguid),
            (3, b) => b.try_into().map_or(NsId::Unknown(3), NsId::Uuid),
            (4, &[csi]) => NsId::Csi(csi),
            (t, _) => NsId::Unknown(t),
        }
    }
}

/// The descriptors of a list, in order: an item is [`Error::Truncated`] (and the last) when a
/// descriptor runs past the end of the bytes.
#[derive(Debug, Clone)]
pub struct NsIdDescriptors<'a> {
    data: &'a [u8],
    pos: usize,
}

impl<'a> NsIdDescriptors<'a> {
    /// The descriptors in `data` (the list, or a prefix of it).
    ///
    /// ```
    /// use nvme_mi_core::mi::admin_data::{NsId, NsIdDescriptors};
    /// let list = [4, 1, 0, 0, 0, 2, 16, 0, 0, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab,
    ///     0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0xab, 0, 0, 0, 0];
    /// let d: Vec<_> = NsIdDescriptors::new(&list).collect::<Result<_, _>>().unwrap();
    /// assert_eq!(d.len(), 2);
    /// assert_eq!(d[0].id(), NsId::Csi(0));
    /// assert_eq!((d[1].offset, d[1].id()), (5, NsId::Nguid([0xab; 16])));
    /// // A descriptor longer than the bytes left is an error.
    /// assert!(NsIdDescriptors::new(&list[..20]).nth(1).unwrap().is_err());
    /// ```
    pub fn new(data: &'a [u8]) -> Self {
        NsIdDescriptors { data, pos: 0 }
    }
}

impl<'a> Iterator for NsIdDescriptors<'a> {
    type Item = Result<NsIdDescriptor<'a>>;

    fn next(&mut self) -> Option<Self::Item> {
        let offset = self.pos;
        let rest = self.data.get(offset..)?;
        let (&[nidt, nidl, ..], _) = rest.split_at_checked(DESCRIPTOR_HEADER_LEN)? else {
            return None;
        };
        if nidl == 0 {
            self.pos = self.data.len();
            return None;
        }
        let end = DESCRIPTOR_HEADER_LEN + usize::from(nidl);
        let Some(nid) = rest.get(DESCRIPTOR_HEADER_LEN..end) else {
            self.pos = self.data.len();
            return Some(Err(Error::Truncated));
        };
        self.pos = offset + end;
        Some(Ok(NsIdDescriptor { offset, nidt, nid }))
    }
}

/// The Namespace Identification Descriptor list (Identify CNS 03h), owned.
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct NsIdDescriptorList {
    /// The list's bytes.
    pub data: [u8; NS_DESCRIPTOR_LIST_LEN],
}

/// Key fields only: a 4096-byte structure is not something to log whole.
#[cfg(feature = "defmt")]
impl defmt::Format for NsIdDescriptorList {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "NsIdDescriptorList {{ {=usize} descriptors }}",
            self.iter().count()
        )
    }
}

impl NsIdDescriptorList {
    /// The descriptors.
    pub fn iter(&self) -> NsIdDescriptors<'_> {
        NsIdDescriptors::new(&self.data)
    }

    /// Append descriptor `nidt` with identifier `nid` at byte `at`; returns where the next
    /// one goes, or [`Error::TooLong`] if it does not fit (or `nid` is empty or longer than
    /// 255 bytes).
    pub fn put(&mut self, at: usize, nidt: u8, nid: &[u8]) -> Result<usize> {
        let nidl = u8::try_from(nid.len())
            .ok()
            .filter(|&l| l != 0)
            .ok_or(Error::TooLong)?;
        let end = at + DESCRIPTOR_HEADER_LEN + nid.len();
        let d = self.data.get_mut(at..end).ok_or(Error::TooLong)?;
        d[..DESCRIPTOR_HEADER_LEN].copy_from_slice(&[nidt, nidl, 0, 0]);
        d[DESCRIPTOR_HEADER_LEN..].copy_from_slice(nid);
        Ok(end)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn put_and_iterate() {
        let mut l = NsIdDescriptorList::new_zeroed();
        let at = l.put(0, 1, &[1; 8]).unwrap();
        let at = l.put(at, 3, &[2; 16]).unwrap();
        let at = l.put(at, 1, &[3; 4]).unwrap(); // EUI64 of the wrong length
        l.put(at, 9, &[4]).unwrap();
        let mut ids = l.iter().map(|d| d.unwrap().id());
        assert_eq!(ids.next(), Some(NsId::Eui64([1; 8])));
        assert_eq!(ids.next(), Some(NsId::Uuid([2; 16])));
        assert_eq!(ids.next(), Some(NsId::Unknown(1)));
        assert_eq!(ids.next(), Some(NsId::Unknown(9)));
        assert_eq!(ids.next(), None);
        assert_eq!(l.put(4090, 2, &[0; 16]), Err(Error::TooLong));
        assert_eq!(l.put(0, 2, &[]), Err(Error::TooLong));
        // A header cut short ends the list without error.
        assert_eq!(NsIdDescriptors::new(&l.data[..2]).count(), 0);
    }
}
