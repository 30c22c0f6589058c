//! The Temperature Threshold feature value (NVMe Base 2.x §5.1.25.1.4, FID 04h):
//! CDW11 of Set Features, and CQE DW0 of Get Features, with the same layout.
//!
//! Bits 15:0 TMPTH (kelvin), bits 19:16 TMPSEL, bits 21:20 THSEL, bits 24:22 TMPTHH.

use super::command::{bits, field};
use super::spec_enum::spec_enum;

spec_enum! {
    /// Threshold Type Select, THSEL (CDW11 bits 21:20).
    pub enum Thsel: 2 bits {
        /// Over temperature threshold (0).
        Over = 0,
        /// Under temperature threshold (1).
        Under = 1,
    }
}

/// TMPSEL value selecting the composite temperature.
pub const TMPSEL_COMPOSITE: u8 = 0;
/// TMPSEL value selecting every sensor (Set Features only). Values 1..=8 select temperature
/// sensor 1..=8. (These codes follow NVMe Base 2.x; only 0 is confirmed by a second source.)
pub const TMPSEL_ALL: u8 = 0x0f;

/// A temperature threshold setting (NVMe Base 2.x §5.1.25.1.4).
///
/// ```
/// use nvme_mi_core::mi::admin::{TemperatureThreshold, Thsel};
/// let t = TemperatureThreshold::over_composite(358);
/// assert_eq!(t.to_cdw11(), 358);
/// let u = TemperatureThreshold { thsel: Thsel::Under, tmpsel: 2, ..t };
/// assert_eq!(u.to_cdw11(), 0x0012_0166);
/// assert_eq!(TemperatureThreshold::from_cdw11(0x0012_0166), u);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct TemperatureThreshold {
    /// Temperature threshold in kelvin.
    pub tmpth: u16,
    /// Threshold temperature select (4 bits): 0 composite, 1..=8 sensor n, 0xF all.
    pub tmpsel: u8,
    /// Threshold type: over or under.
    pub thsel: Thsel,
    /// Temperature threshold hysteresis (3 bits, NVMe 2.1).
    pub tmpthh: u8,
}

impl TemperatureThreshold {
    /// An over-temperature threshold on the composite temperature.
    pub const fn over_composite(kelvin: u16) -> Self {
        TemperatureThreshold {
            tmpth: kelvin,
            tmpsel: TMPSEL_COMPOSITE,
            thsel: Thsel::Over,
            tmpthh: 0,
        }
    }

    /// Decode CDW11 (or a Get Features CQE DW0).
    pub const fn from_cdw11(v: u32) -> Self {
        TemperatureThreshold {
            tmpth: v as u16,
            tmpsel: bits(v, 16, 4) as u8,
            thsel: Thsel::from_u8(bits(v, 20, 2) as u8),
            tmpthh: bits(v, 22, 3) as u8,
        }
    }

    /// Encode as CDW11.
    pub const fn to_cdw11(&self) -> u32 {
        self.tmpth as u32
            | field(self.tmpsel as u32, 16, 4)
            | field(self.thsel.to_u8() as u32, 20, 2)
            | field(self.tmpthh as u32, 22, 3)
    }

    /// The threshold in degrees Celsius (kelvin − 273).
    pub const fn celsius(&self) -> i32 {
        self.tmpth as i32 - 273
    }
}
