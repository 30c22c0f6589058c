//! The parameter error location of an Invalid Parameter response (NVMe-MI 1.2 §4.1.2,
//! Figure 28).

use core::fmt;

/// Where the offending field of a request is, as reported by an Invalid Parameter response
/// (NVMe-MI 1.2 §4.1.2, Figure 28).
///
/// `byte` is the offset of the least-significant byte of the field counted from message byte 0
/// (the `0x84` type byte), so NMD0 is bytes 11:8 and a bad DTYP (NMD0 bits 31:24) is byte 11,
/// bit 0. This origin follows the byte numbering of the
/// specification's figures; it is not checked against its text.
/// `bit` is the lowest bit number of the field within that byte (0..=7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ParameterErrorLocation {
    /// PEL-byte: offset of the field's least-significant byte; 65535 if beyond that.
    pub byte: u16,
    /// PEL-bit: lowest bit of the field within that byte, 0..=7.
    pub bit: u8,
}

impl ParameterErrorLocation {
    /// PEL-byte value for a field at or beyond offset 65535.
    pub const BEYOND: u16 = 0xffff;

    /// A location at `byte`, bit `bit` (only bits 2:0 of `bit` are kept on the wire).
    pub const fn new(byte: u16, bit: u8) -> Self {
        ParameterErrorLocation { byte, bit }
    }

    /// The location of a field whose lowest bit is bit `low_bit` (0..=31) of the little-endian
    /// dword starting at message offset `dword_offset`.
    ///
    /// ```
    /// use nvme_mi_core::mi::status::ParameterErrorLocation;
    /// // DTYP: NMD0 (message bytes 11:8) bits 31:24.
    /// assert_eq!(ParameterErrorLocation::in_dword(8, 24), ParameterErrorLocation::new(11, 0));
    /// ```
    pub const fn in_dword(dword_offset: u16, low_bit: u8) -> Self {
        let low_bit = low_bit & 31;
        ParameterErrorLocation {
            byte: dword_offset.saturating_add((low_bit / 8) as u16),
            bit: low_bit % 8,
        }
    }

    /// The three status-specific bytes (response bytes 7:5) of an Invalid Parameter response.
    pub const fn to_bytes(self) -> [u8; 3] {
        let b = self.byte.to_le_bytes();
        [self.bit & 0x07, b[0], b[1]]
    }

    /// Decode response bytes 7:5 (reserved bits 7:3 of the first byte are ignored).
    pub const fn from_bytes(b: [u8; 3]) -> Self {
        ParameterErrorLocation {
            byte: u16::from_le_bytes([b[1], b[2]]),
            bit: b[0] & 0x07,
        }
    }
}

impl fmt::Display for ParameterErrorLocation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "byte {}, bit {}", self.byte, self.bit)
    }
}
