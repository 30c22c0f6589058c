use zerocopy::little_endian::U16;
use zerocopy::FromBytes;

use super::counted;
use crate::mi::Result;

/// The largest number of identifiers a Controller List holds.
pub const MAX_CONTROLLER_LIST_ENTRIES: usize = 2047;

/// A Controller List, Read NVMe-MI Data Structure type 0x02 (NVMe-MI 1.2 §5.7 referring to
/// the NVMe Base "Controller List"): the number of
/// identifiers (LE16), then that many LE16 controller IDs in increasing order.
///
/// A borrowed view: no copy, no heap.
///
/// ```
/// use nvme_mi_core::mi::command::ControllerList;
/// let list = ControllerList::parse(&[2, 0, 1, 0, 7, 0]).unwrap();
/// assert_eq!(list.iter().collect::<heapless::Vec<u16, 4>>(), [1, 7]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControllerList<'a> {
    /// Count and identifiers, validated.
    raw: &'a [u8],
}

impl<'a> ControllerList<'a> {
    /// Decode a list; bytes after the last identifier are ignored.
    ///
    /// Errors: `Truncated` if the count or an identifier is missing, `InvalidField` if the
    /// count exceeds [`MAX_CONTROLLER_LIST_ENTRIES`].
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let ids: &[U16] = counted::parse(data, MAX_CONTROLLER_LIST_ENTRIES)?;
        Ok(Self::holding(data, ids.len()))
    }

    /// The list of the first `count` identifiers of `data`, count field included.
    fn holding(data: &'a [u8], count: usize) -> Self {
        let len = counted::encoded_len::<U16>(count);
        ControllerList {
            raw: data.get(..len).unwrap_or(data),
        }
    }

    /// Decode a list that may be cut short: the identifiers present, at most the count
    /// (which [`ControllerList::parse`] requires in full). For endpoints that end the
    /// response early; libnvme-mi reads the list without checking its length.
    ///
    /// ```
    /// use nvme_mi_core::mi::command::ControllerList;
    /// // Two identifiers announced, one present.
    /// let list = ControllerList::parse_available(&[2, 0, 1, 0]).unwrap();
    /// assert_eq!(list.iter().collect::<heapless::Vec<u16, 4>>(), [1]);
    /// assert!(ControllerList::parse(&[2, 0, 1, 0]).is_err());
    /// ```
    pub fn parse_available(data: &'a [u8]) -> Result<Self> {
        let ids: &[U16] = counted::parse_available(data, MAX_CONTROLLER_LIST_ENTRIES)?;
        Ok(Self::holding(data, ids.len()))
    }

    /// Write a list of `ids` into `buf`; returns the length written. The order is the
    /// caller's (the spec wants increasing IDs).
    pub fn emit(ids: &[U16], buf: &mut [u8]) -> Result<usize> {
        counted::emit(ids, MAX_CONTROLLER_LIST_ENTRIES, buf)
    }

    /// Write a list of the controller IDs `ids` into `buf`; returns the length written.
    ///
    /// ```
    /// use nvme_mi_core::mi::command::ControllerList;
    /// let mut buf = [0u8; 8];
    /// assert_eq!(ControllerList::emit_ids(&[0, 3], &mut buf), Ok(6));
    /// assert_eq!(&buf[..6], &[2, 0, 0, 0, 3, 0]);
    /// ```
    pub fn emit_ids(ids: &[u16], buf: &mut [u8]) -> Result<usize> {
        if ids.len() > MAX_CONTROLLER_LIST_ENTRIES {
            return Err(crate::mi::Error::InvalidField);
        }
        let len = Self::buffer_len_for(ids.len());
        let out = buf.get_mut(..len).ok_or(crate::mi::Error::BufferTooSmall)?;
        let (count, rest) = out.split_at_mut(2);
        count.copy_from_slice(&(ids.len() as u16).to_le_bytes());
        for (d, id) in rest.chunks_exact_mut(2).zip(ids) {
            d.copy_from_slice(&id.to_le_bytes());
        }
        Ok(len)
    }

    /// Encoded length of a list of `n` identifiers.
    pub const fn buffer_len_for(n: usize) -> usize {
        counted::encoded_len::<U16>(n)
    }

    /// The identifiers as little-endian values.
    pub fn ids(&self) -> &'a [U16] {
        // `raw` was validated by `parse`; the fallback is never taken.
        self.raw
            .get(2..)
            .and_then(|b| <[U16]>::ref_from_bytes(b).ok())
            .unwrap_or(&[])
    }

    /// The number of identifiers.
    pub fn len(&self) -> usize {
        self.ids().len()
    }

    /// True if the list holds no identifier.
    pub fn is_empty(&self) -> bool {
        self.ids().is_empty()
    }

    /// The `i`th identifier.
    pub fn get(&self, i: usize) -> Option<u16> {
        self.ids().get(i).map(|v| v.get())
    }

    /// The identifiers, in list order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = u16> + 'a {
        self.ids().iter().map(|v| v.get())
    }

    /// The encoded list (count and identifiers).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::Error;

    #[test]
    fn parse_emit() {
        let ids = [U16::new(1), U16::new(0x0203), U16::new(0xffff)];
        let mut buf = [0u8; 16];
        let n = ControllerList::emit(&ids, &mut buf).unwrap();
        assert_eq!(n, ControllerList::buffer_len_for(3));
        assert_eq!(&buf[..n], &[3, 0, 1, 0, 3, 2, 0xff, 0xff]);
        let l = ControllerList::parse(&buf).unwrap();
        assert_eq!(l.as_bytes(), &buf[..n]);
        assert_eq!(l.len(), 3);
        assert_eq!(l.get(1), Some(0x0203));
        assert_eq!(l.get(3), None);
        for len in 0..n {
            assert_eq!(ControllerList::parse(&buf[..len]), Err(Error::Truncated));
        }
        let empty = ControllerList::parse(&[0, 0]).unwrap();
        assert!(empty.is_empty());
        assert_eq!(
            ControllerList::parse(&[0x00, 0x08]),
            Err(Error::InvalidField)
        );
        let mut small = [0u8; 7];
        assert_eq!(
            ControllerList::emit(&ids, &mut small),
            Err(Error::BufferTooSmall)
        );
        let big = [U16::new(0); MAX_CONTROLLER_LIST_ENTRIES + 1];
        let mut out = [0u8; 5000];
        assert_eq!(
            ControllerList::emit(&big, &mut out),
            Err(Error::InvalidField)
        );
        assert_eq!(ControllerList::emit(&big[1..], &mut out), Ok(4096));
    }
}
