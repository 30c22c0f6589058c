//! Get Message Type Support (command 0x05; DSP0236 §12.7). The request has no
//! data.
//!
//! ```text
//! response data: byte 0 count N | N message type bytes
//! ```
//! Whether the list names control (0x00) itself differs between implementations (QEMU leaves
//! it out, mctpd puts it in): both forms parse, and
//! [`GetMessageTypeSupportResponse::supports`] counts control as always supported.

use super::{put, Error};
use crate::mctp::MsgType;

/// The data of a successful Get Message Type Support response (DSP0236 §12.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetMessageTypeSupportResponse<'a> {
    /// The message type bytes as listed (IC bit included if a peer sets it).
    pub types: &'a [u8],
}

impl<'a> GetMessageTypeSupportResponse<'a> {
    /// Parse the data after the completion code: the count, then that many bytes; extra
    /// bytes are ignored.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let (&n, rest) = data.split_first().ok_or(Error::Truncated)?;
        let types = rest.get(..usize::from(n)).ok_or(Error::Truncated)?;
        Ok(GetMessageTypeSupportResponse { types })
    }

    /// The listed message types.
    pub fn iter(&self) -> impl Iterator<Item = MsgType> + 'a {
        self.types.iter().map(|&b| MsgType::from_u8(b))
    }

    /// True if `t` is listed; control (type 0) always counts as supported, listed or not.
    pub fn supports(&self, t: MsgType) -> bool {
        t == MsgType::Control || self.iter().any(|x| x == t)
    }

    /// Data length.
    pub fn buffer_len(&self) -> usize {
        1 + self.types.len()
    }

    /// Write the data; returns its length. [`Error::InvalidLength`] for more than 255 types.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let n = u8::try_from(self.types.len()).map_err(|_| Error::InvalidLength)?;
        let len = self.buffer_len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let (count, rest) = out.split_at_mut(1);
        count.copy_from_slice(&[n]);
        put(rest, self.types)?;
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn with_and_without_control() {
        let with = GetMessageTypeSupportResponse::parse(&[2, 0x00, 0x04]).unwrap();
        let without = GetMessageTypeSupportResponse::parse(&[1, 0x04, 0xee]).unwrap();
        for r in [with, without] {
            assert!(r.supports(MsgType::Control));
            assert!(r.supports(MsgType::NvmeMi));
            assert!(!r.supports(MsgType::Pldm));
        }
        assert_eq!(without.types, &[0x04]);
        assert_eq!(
            GetMessageTypeSupportResponse::parse(&[3, 0, 4]),
            Err(Error::Truncated)
        );
    }
}
