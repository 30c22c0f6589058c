//! The Namespace List returned by Identify CNS 02h (active) and 10h (allocated) (NVMe Base
//! 2.x §5.17.2.2, Figure "Namespace List"): up to 1024 little-endian NSIDs in increasing
//! order, the first zero ending the list.

use zerocopy::little_endian::U32;
use zerocopy::FromBytes;

use crate::mi::{Error, Result};

/// The most NSIDs a Namespace List holds (4096 bytes).
pub const MAX_NSID_LIST_ENTRIES: usize = 1024;

/// A borrowed view of a Namespace List.
///
/// ```
/// use nvme_mi_core::mi::admin_data::NsidList;
/// let list = NsidList::parse(&[1, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 9, 0, 0, 0]).unwrap();
/// assert_eq!(list.iter().collect::<Vec<u32>>(), [1, 3]);
/// assert!(NsidList::parse(&[1, 0, 0]).is_err());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NsidList<'a> {
    ids: &'a [U32],
}

impl<'a> NsidList<'a> {
    /// Decode: `data` must be whole dwords, at most [`MAX_NSID_LIST_ENTRIES`] of them
    /// ([`Error::Misaligned`], [`Error::TooLong`]).
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        if data.len() > MAX_NSID_LIST_ENTRIES * 4 {
            return Err(Error::TooLong);
        }
        let ids = <[U32]>::ref_from_bytes(data).map_err(|_| Error::Misaligned)?;
        Ok(NsidList { ids })
    }

    /// The NSIDs before the first zero.
    pub fn iter(&self) -> impl Iterator<Item = u32> + 'a {
        self.ids.iter().map(|v| v.get()).take_while(|&v| v != 0)
    }
}
