//! Decoding and encoding of the fixed-size little-endian structures of the MI Command Set
//! (the 32-byte Read NVMe-MI Data Structure results, the 8-byte NVM Subsystem Health Data
//! Structure).

use zerocopy::FromBytes;

use crate::mi::{Error, Result};

/// Length of the fixed 32-byte data structures of Read NVMe-MI Data Structure.
pub(super) const DATA_STRUCTURE_LEN: usize = 32;

/// Decode a fixed-size structure from the start of `data`; bytes after it are ignored
/// (a newer responder may return more). [`Error::Truncated`] if `data` is shorter.
pub(super) fn parse_fixed<S: FromBytes>(data: &[u8]) -> Result<S> {
    S::read_from_prefix(data)
        .map(|(s, _)| s)
        .map_err(|_| Error::Truncated)
}

/// Copy the bytes of a fixed-size structure into `buf`; returns the length written.
pub(super) fn emit_fixed(bytes: &[u8], buf: &mut [u8]) -> Result<usize> {
    buf.get_mut(..bytes.len())
        .ok_or(Error::BufferTooSmall)?
        .copy_from_slice(bytes);
    Ok(bytes.len())
}
