//! Volatile Write Cache (NVMe Base 2.0 §5.27.1.6, FID 06h): whether the cache is enabled.

use super::FeatureValue;
use crate::mi::admin::command::bit;
use crate::mi::admin::Fid;

/// Volatile Write Cache (NVMe Base 2.0 §5.27.1.6, FID 06h).
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, VolatileWriteCache};
/// assert_eq!(VolatileWriteCache { wce: true }.to_cdw11(), 1);
/// assert!(!VolatileWriteCache::from_dw0(0xfffe).wce);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VolatileWriteCache {
    /// Volatile Write Cache Enable (bit 0).
    pub wce: bool,
}

impl FeatureValue for VolatileWriteCache {
    const FID: Fid = Fid::VolatileWriteCache;

    fn from_dw0(v: u32) -> Self {
        VolatileWriteCache { wce: bit(v, 0) }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.wce)
    }
}
