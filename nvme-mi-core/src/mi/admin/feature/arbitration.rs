//! Arbitration (NVMe Base 2.0 §5.27.1.1, FID 01h): the command arbitration burst and the
//! weights of the weighted round robin classes.

use super::FeatureValue;
use crate::mi::admin::command::{bits, field};
use crate::mi::admin::Fid;

/// Arbitration (NVMe Base 2.0 §5.27.1.1, FID 01h).
///
/// ```
/// use nvme_mi_core::mi::admin::{Arbitration, FeatureValue};
/// let a = Arbitration { ab: 3, lpw: 1, mpw: 2, hpw: 4 };
/// assert_eq!(a.to_cdw11(), 0x0402_0103);
/// assert_eq!(Arbitration::from_dw0(0x0402_01fb), a); // bits 7:3 reserved
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Arbitration {
    /// Arbitration Burst (bits 2:0): 2^AB commands per burst, 7 = no limit.
    pub ab: u8,
    /// Low Priority Weight (bits 15:8), 0-based.
    pub lpw: u8,
    /// Medium Priority Weight (bits 23:16), 0-based.
    pub mpw: u8,
    /// High Priority Weight (bits 31:24), 0-based.
    pub hpw: u8,
}

impl FeatureValue for Arbitration {
    const FID: Fid = Fid::Arbitration;

    fn from_dw0(v: u32) -> Self {
        Arbitration {
            ab: bits(v, 0, 3) as u8,
            lpw: bits(v, 8, 8) as u8,
            mpw: bits(v, 16, 8) as u8,
            hpw: bits(v, 24, 8) as u8,
        }
    }

    fn to_cdw11(&self) -> u32 {
        field(u32::from(self.ab), 0, 3)
            | field(u32::from(self.lpw), 8, 8)
            | field(u32::from(self.mpw), 16, 8)
            | u32::from(self.hpw) << 24
    }
}
