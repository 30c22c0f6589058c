//! Interrupt Coalescing (NVMe Base 2.0 §5.27.1.8, FID 08h): the aggregation threshold and
//! time of completion interrupts.

use super::FeatureValue;
use crate::mi::admin::command::bits;
use crate::mi::admin::Fid;

/// Interrupt Coalescing (NVMe Base 2.0 §5.27.1.8, FID 08h).
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, InterruptCoalescing};
/// let c = InterruptCoalescing { thr: 7, time: 10 };
/// assert_eq!(c.to_cdw11(), 0x0a07);
/// assert_eq!(InterruptCoalescing::from_dw0(0xffff_0a07), c);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct InterruptCoalescing {
    /// Aggregation Threshold (bits 7:0), completions per interrupt, 0-based.
    pub thr: u8,
    /// Aggregation Time (bits 15:8), in 100 µs units.
    pub time: u8,
}

impl FeatureValue for InterruptCoalescing {
    const FID: Fid = Fid::InterruptCoalescing;

    fn from_dw0(v: u32) -> Self {
        InterruptCoalescing {
            thr: bits(v, 0, 8) as u8,
            time: bits(v, 8, 8) as u8,
        }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.thr) | u32::from(self.time) << 8
    }
}
