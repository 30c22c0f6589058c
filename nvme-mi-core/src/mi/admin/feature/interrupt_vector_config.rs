//! Interrupt Vector Configuration (NVMe Base 2.0 §5.27.1.9, FID 09h): whether coalescing
//! applies to one interrupt vector. Get Features names the vector in CDW11.

use super::FeatureValue;
use crate::mi::admin::command::{bit, bits, field};
use crate::mi::admin::Fid;

/// Interrupt Vector Configuration (NVMe Base 2.0 §5.27.1.9, FID 09h).
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, InterruptVectorConfig};
/// let v = InterruptVectorConfig { iv: 3, cd: true };
/// assert_eq!(v.to_cdw11(), 0x0001_0003);
/// assert_eq!(InterruptVectorConfig::from_dw0(0xfff1_0003), v);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InterruptVectorConfig {
    /// Interrupt Vector (bits 15:0).
    pub iv: u16,
    /// Coalescing Disable (bit 16).
    pub cd: bool,
}

impl FeatureValue for InterruptVectorConfig {
    const FID: Fid = Fid::InterruptVectorConfiguration;

    fn from_dw0(v: u32) -> Self {
        InterruptVectorConfig {
            iv: bits(v, 0, 16) as u16,
            cd: bit(v, 16),
        }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.iv) | field(u32::from(self.cd), 16, 1)
    }
}
