//! Timestamp (NVMe Base 2.0 §5.27.1.14, FID 0Eh): the controller's clock, milliseconds since
//! midnight 1 January 1970 UTC, carried as an 8-byte data structure.

use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The length of the Timestamp data structure.
pub const TIMESTAMP_LEN: usize = 8;

/// The Timestamp data structure (NVMe Base 2.0 §5.27.1.14, Figure "Timestamp Data
/// Structure"): sent with Set Features, returned by Get Features.
///
/// ```
/// use nvme_mi_core::mi::admin::Timestamp;
/// use zerocopy::IntoBytes;
/// let t = Timestamp::new(0x0102_0304_0506);
/// assert_eq!(t.as_bytes(), &[6, 5, 4, 3, 2, 1, 0, 0]);
/// let mut b = [0u8; 8];
/// b[..6].copy_from_slice(&[6, 5, 4, 3, 2, 1]);
/// b[6] = 0b0000_0011; // synch, origin 1 (set by a Set Features)
/// let r = Timestamp::parse(&b).unwrap();
/// assert_eq!((r.millis(), r.synch(), r.origin()), (0x0102_0304_0506, true, 1));
/// assert!(Timestamp::parse(&b[..7]).is_err());
/// ```
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct Timestamp {
    /// Timestamp (bytes 5:0): milliseconds, little-endian.
    pub timestamp: [u8; 6],
    /// Attributes (byte 6): bit 0 Synch (the clock may have stopped), bits 3:1 Timestamp
    /// Origin (0 reset, 1 set by Set Features).
    pub attributes: u8,
    /// Reserved.
    pub rsvd7: u8,
}

impl Timestamp {
    /// A timestamp of `millis` (the low 48 bits) to send with Set Features.
    pub const fn new(millis: u64) -> Self {
        let b = millis.to_le_bytes();
        Timestamp {
            timestamp: [b[0], b[1], b[2], b[3], b[4], b[5]],
            attributes: 0,
            rsvd7: 0,
        }
    }

    /// Decode: [`crate::mi::Error::Truncated`] if `data` is shorter than 8 bytes.
    pub fn parse(data: &[u8]) -> crate::mi::Result<Self> {
        Self::read_from_prefix(data)
            .map(|(t, _)| t)
            .map_err(|_| crate::mi::Error::Truncated)
    }

    /// The timestamp in milliseconds.
    pub const fn millis(&self) -> u64 {
        let t = self.timestamp;
        u64::from_le_bytes([t[0], t[1], t[2], t[3], t[4], t[5], 0, 0])
    }

    /// Synch (bit 0): the controller may have stopped counting since it was set.
    pub const fn synch(&self) -> bool {
        self.attributes & 1 != 0
    }

    /// Timestamp Origin (bits 3:1): 0 counted from reset, 1 set by Set Features.
    pub const fn origin(&self) -> u8 {
        (self.attributes >> 1) & 0x7
    }
}
