//! The Firmware Image Download command (NVMe Base 2.x §5.1.9, opcode 11h) and the
//! split of an image into downloads of at most 4096 bytes.
//!
//! CDW10 NUMD (dwords to transfer, 0-based); CDW11 OFST (offset into the image, in dwords).

use core::ops::Range;

use super::command::{AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use crate::mi::{Error, Result, MAX_DATA_LEN};

/// A Firmware Image Download command (NVMe Base 2.x §5.1.9); the image piece is
/// the request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FirmwareImageDownload {
    /// Number of dwords to transfer, 0-based.
    pub numd: u32,
    /// Offset of this piece in the image, in dwords.
    pub ofst: u32,
}

impl FirmwareImageDownload {
    /// A download of `len` bytes at byte `offset`. Both must be non-zero multiples of 4
    /// (`offset` may be 0), else [`Error::Misaligned`]; `len` 0 is [`Error::InvalidField`].
    pub const fn new(offset: u32, len: u32) -> Result<Self> {
        if offset % 4 != 0 || len % 4 != 0 {
            return Err(Error::Misaligned);
        }
        if len == 0 {
            return Err(Error::InvalidField);
        }
        Ok(FirmwareImageDownload {
            numd: len / 4 - 1,
            ofst: offset / 4,
        })
    }

    /// The number of bytes transferred, (NUMD + 1) × 4.
    pub const fn len_bytes(&self) -> u64 {
        (self.numd as u64 + 1) * 4
    }

    /// The byte offset in the image, OFST × 4.
    pub const fn offset_bytes(&self) -> u64 {
        self.ofst as u64 * 4
    }

    /// Split an image of `image_len` bytes into downloads of at most `chunk` bytes (`chunk`
    /// is cut to 4096 and down to a multiple of 4). Each item is the command and the byte
    /// range of the image it carries. `image_len` must be a multiple of 4 and `chunk` at
    /// least 4, else [`Error::Misaligned`] / [`Error::InvalidField`].
    ///
    /// ```
    /// use nvme_mi_core::mi::admin::FirmwareImageDownload;
    /// let parts: Vec<_> = FirmwareImageDownload::chunks(10000, 4096).unwrap().collect();
    /// assert_eq!(parts.len(), 3);
    /// assert_eq!(parts[2].1, 8192..10000);
    /// assert_eq!((parts[2].0.ofst, parts[2].0.numd), (2048, 451));
    /// ```
    pub fn chunks(image_len: usize, chunk: usize) -> Result<FirmwareChunks> {
        if image_len % 4 != 0 {
            return Err(Error::Misaligned);
        }
        let chunk = chunk.min(MAX_DATA_LEN) & !3;
        if chunk == 0 || u32::try_from(image_len).is_err() {
            return Err(Error::InvalidField);
        }
        Ok(FirmwareChunks {
            next: 0,
            len: image_len,
            chunk,
        })
    }
}

impl AdminCommand for FirmwareImageDownload {
    const OPCODE: AdminOpcode = AdminOpcode::FirmwareImageDownload;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw10 = self.numd;
        r.cdw11 = self.ofst;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        FirmwareImageDownload {
            numd: r.cdw10,
            ofst: r.cdw11,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        let n = self.len_bytes();
        DataTransfer::HostToDevice(if n > u32::MAX as u64 {
            u32::MAX
        } else {
            n as u32
        })
    }
}

/// The downloads that carry a whole image ([`FirmwareImageDownload::chunks`]).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FirmwareChunks {
    next: usize,
    len: usize,
    chunk: usize,
}

impl Iterator for FirmwareChunks {
    type Item = (FirmwareImageDownload, Range<usize>);

    fn next(&mut self) -> Option<Self::Item> {
        if self.next >= self.len {
            return None;
        }
        let start = self.next;
        let end = self.len.min(start + self.chunk);
        self.next = end;
        // Lengths fit u32 (checked in `chunks`) and are multiples of 4.
        let cmd = FirmwareImageDownload {
            numd: ((end - start) / 4 - 1) as u32,
            ofst: (start / 4) as u32,
        };
        Some((cmd, start..end))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors() {
        assert_eq!(FirmwareImageDownload::new(2, 4), Err(Error::Misaligned));
        assert_eq!(FirmwareImageDownload::new(0, 6), Err(Error::Misaligned));
        assert_eq!(FirmwareImageDownload::new(0, 0), Err(Error::InvalidField));
        assert!(FirmwareImageDownload::chunks(6, 4096).is_err());
        assert!(FirmwareImageDownload::chunks(8, 3).is_err());
        assert_eq!(FirmwareImageDownload::chunks(0, 4096).unwrap().count(), 0);
        let c = FirmwareImageDownload::new(4096, 4096).unwrap();
        assert_eq!((c.ofst, c.numd, c.offset_bytes()), (1024, 1023, 4096));
        // chunk sizes above 4096 are cut.
        let n = FirmwareImageDownload::chunks(8192, 65536).unwrap().count();
        assert_eq!(n, 2);
    }
}
