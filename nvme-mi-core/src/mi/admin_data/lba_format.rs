//! LBA Format data structure (NVMe Base 2.x, NVM Command Set Identify Namespace, "LBA Format
//! Data Structure"), 4 bytes.

use zerocopy::little_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// One LBA format of Identify Namespace (NVMe NVM Command Set, "LBA Format Data
/// Structure"); `lbaf[n]` in nvme-cli.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct LbaFormat {
    /// Metadata size in bytes per logical block.
    pub ms: U16,
    /// LBA data size as a power of two (9 = 512 bytes); 0 = format not supported.
    pub lbads: u8,
    /// Relative performance (bits 1:0: 0 best, 3 degraded).
    pub rp: u8,
}

const _: () = assert!(core::mem::size_of::<LbaFormat>() == 4);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for LbaFormat {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "LbaFormat {{ ms: {=u16}, lbads: {=u8}, rp: {=u8} }}",
            self.ms.get(),
            self.lbads,
            self.rp
        )
    }
}

impl LbaFormat {
    /// A format of `2^lbads` bytes per block with `ms` bytes of metadata.
    pub fn new(ms: u16, lbads: u8, rp: u8) -> Self {
        LbaFormat {
            ms: U16::new(ms),
            lbads,
            rp: rp & 0x03,
        }
    }

    /// The logical block size in bytes, or `None` for an unsupported format (LBADS below 9,
    /// the smallest size the spec allows, or too large for `u64`).
    pub fn block_size(&self) -> Option<u64> {
        if self.lbads < 9 {
            return None;
        }
        1u64.checked_shl(u32::from(self.lbads))
    }
}
