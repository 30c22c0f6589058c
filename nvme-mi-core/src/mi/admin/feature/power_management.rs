//! Power Management (NVMe Base 2.0 §5.27.1.2, FID 02h): the controller's power state.

use super::FeatureValue;
use crate::mi::admin::command::{bits, field};
use crate::mi::admin::Fid;

/// Power Management (NVMe Base 2.0 §5.27.1.2, FID 02h).
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, PowerManagement};
/// let p = PowerManagement { ps: 2, wh: 1 };
/// assert_eq!(p.to_cdw11(), 0x22);
/// assert_eq!(PowerManagement::from_dw0(0xff22), p);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PowerManagement {
    /// Power State (bits 4:0), an index into Identify Controller's power state descriptors.
    pub ps: u8,
    /// Workload Hint (bits 7:5).
    pub wh: u8,
}

impl FeatureValue for PowerManagement {
    const FID: Fid = Fid::PowerManagement;

    fn from_dw0(v: u32) -> Self {
        PowerManagement {
            ps: bits(v, 0, 5) as u8,
            wh: bits(v, 5, 3) as u8,
        }
    }

    fn to_cdw11(&self) -> u32 {
        field(u32::from(self.ps), 0, 5) | field(u32::from(self.wh), 5, 3)
    }
}
