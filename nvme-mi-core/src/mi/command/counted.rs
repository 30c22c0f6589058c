//! The "count, then entries" list shape shared by the Controller List and the command support
//! lists (NVMe-MI 1.2 §5.7): a little-endian 16-bit entry count followed by
//! that many fixed-size entries.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::mi::{Error, Result};

/// The entries of a counted list in `data`. Bytes after the last entry are ignored.
///
/// Errors: [`Error::Truncated`] if the count or an entry is missing, [`Error::InvalidField`]
/// if the count exceeds `max`.
pub(super) fn parse<E>(data: &[u8], max: usize) -> Result<&[E]>
where
    E: FromBytes + Immutable + KnownLayout + Unaligned,
{
    let (count, rest) = match data {
        [lo, hi, rest @ ..] => (u16::from_le_bytes([*lo, *hi]) as usize, rest),
        _ => return Err(Error::Truncated),
    };
    if count > max {
        return Err(Error::InvalidField);
    }
    <[E]>::ref_from_prefix_with_elems(rest, count)
        .map(|(entries, _)| entries)
        .map_err(|_| Error::Truncated)
}

/// Write the count and `entries` into `buf`; returns the length written.
pub(super) fn emit<E>(entries: &[E], max: usize, buf: &mut [u8]) -> Result<usize>
where
    E: IntoBytes + Immutable,
{
    if entries.len() > max {
        return Err(Error::InvalidField);
    }
    let bytes = entries.as_bytes();
    let total = 2 + bytes.len();
    let out = buf.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    out[..2].copy_from_slice(&(entries.len() as u16).to_le_bytes());
    out[2..].copy_from_slice(bytes);
    Ok(total)
}

/// Length of the encoded list of `n` entries of `E`.
pub(super) const fn encoded_len<E>(n: usize) -> usize {
    2 + n * core::mem::size_of::<E>()
}
