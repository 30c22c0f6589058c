//! Error Recovery (NVMe Base 2.0 §5.27.1.5, FID 05h): the time limited error recovery and
//! the deallocated or unwritten logical block error enable.

use super::FeatureValue;
use crate::mi::admin::command::{bit, bits, field};
use crate::mi::admin::Fid;

/// Error Recovery (NVMe Base 2.0 §5.27.1.5, FID 05h).
///
/// ```
/// use nvme_mi_core::mi::admin::{ErrorRecovery, FeatureValue};
/// let e = ErrorRecovery { tler: 30, dulbe: true };
/// assert_eq!(e.to_cdw11(), 0x0001_001e);
/// assert_eq!(ErrorRecovery::from_dw0(0x8001_001e), e);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ErrorRecovery {
    /// Time Limited Error Recovery (bits 15:0), in 100 ms units; 0 = no limit.
    pub tler: u16,
    /// Deallocated or Unwritten Logical Block Error Enable (bit 16).
    pub dulbe: bool,
}

impl FeatureValue for ErrorRecovery {
    const FID: Fid = Fid::ErrorRecovery;

    fn from_dw0(v: u32) -> Self {
        ErrorRecovery {
            tler: bits(v, 0, 16) as u16,
            dulbe: bit(v, 16),
        }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.tler) | field(u32::from(self.dulbe), 16, 1)
    }
}
