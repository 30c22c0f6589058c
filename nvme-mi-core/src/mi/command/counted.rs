//! The "count, then entries" list shape shared by the Controller List and the command support
//! lists (NVMe-MI 1.2 §5.7): a little-endian 16-bit entry count followed by
//! that many fixed-size entries.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::mi::{Error, Result};

/// The count (at most `max`) and the bytes after it.
fn count_and_rest(data: &[u8], max: usize) -> Result<(usize, &[u8])> {
    let (count, rest) = match data {
        [lo, hi, rest @ ..] => (u16::from_le_bytes([*lo, *hi]) as usize, rest),
        _ => return Err(Error::Truncated),
    };
    if count > max {
        return Err(Error::InvalidField);
    }
    Ok((count, rest))
}

/// The entries of a counted list in `data`. Bytes after the last entry are ignored.
///
/// Errors: [`Error::Truncated`] if the count or an entry is missing, [`Error::InvalidField`]
/// if the count exceeds `max`.
pub(super) fn parse<E>(data: &[u8], max: usize) -> Result<&[E]>
where
    E: FromBytes + Immutable + KnownLayout + Unaligned,
{
    let (count, rest) = count_and_rest(data, max)?;
    parse_entries(rest, count)
}

/// The first `count` entries of `rest` ([`Error::Truncated`] if there are fewer).
fn parse_entries<E>(rest: &[u8], count: usize) -> Result<&[E]>
where
    E: FromBytes + Immutable + KnownLayout + Unaligned,
{
    <[E]>::ref_from_prefix_with_elems(rest, count)
        .map(|(entries, _)| entries)
        .map_err(|_| Error::Truncated)
}

/// The entries of a counted list in `data` that are there: at most the count, fewer if `data`
/// ends first (a list cut short). [`Error::Truncated`] only if the count itself is missing,
/// [`Error::InvalidField`] if it exceeds `max`.
pub(super) fn parse_available<E>(data: &[u8], max: usize) -> Result<&[E]>
where
    E: FromBytes + Immutable + KnownLayout + Unaligned,
{
    let (count, rest) = count_and_rest(data, max)?;
    let present = rest.len() / core::mem::size_of::<E>().max(1);
    parse_entries(rest, count.min(present))
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
