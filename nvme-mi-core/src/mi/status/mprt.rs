//! The More Processing Required Time of a More Processing Required response (NVMe-MI 1.2
//! §4.1.2, Figure 29).

/// More Processing Required Time, MPRT: the worst-case time until the real response, in
/// units of 100 ms (NVMe-MI 1.2 §4.1.2, Figure 29).
///
/// What 0 means is not checked against the specification text; callers then fall back to
/// their own timeout.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Mprt(pub u16);

impl Mprt {
    /// The time in milliseconds (at most 6 553 500).
    pub const fn as_millis(self) -> u32 {
        self.0 as u32 * 100
    }

    /// The smallest MPRT covering `ms` milliseconds (rounded up, saturating at 0xFFFF).
    pub const fn from_millis(ms: u32) -> Self {
        let units = ms.div_ceil(100);
        if units > u16::MAX as u32 {
            Mprt(u16::MAX)
        } else {
            Mprt(units as u16)
        }
    }

    /// Response bytes 7:5 of an MPR response.
    pub const fn to_bytes(self) -> [u8; 3] {
        let b = self.0.to_le_bytes();
        [0, b[0], b[1]]
    }

    /// Decode response bytes 7:5 (byte 5 is reserved).
    pub const fn from_bytes(b: [u8; 3]) -> Self {
        Mprt(u16::from_le_bytes([b[1], b[2]]))
    }
}
