//! Write Atomicity Normal (NVMe Base 2.0 §5.27.1.10, FID 0Ah): whether the host needs only
//! the AWUN / NAWUN atomicity guarantees.

use super::FeatureValue;
use crate::mi::admin::command::bit;
use crate::mi::admin::Fid;

/// Write Atomicity Normal (NVMe Base 2.0 §5.27.1.10, FID 0Ah).
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, WriteAtomicityNormal};
/// assert_eq!(WriteAtomicityNormal { dn: true }.to_cdw11(), 1);
/// assert!(!WriteAtomicityNormal::from_dw0(2).dn);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct WriteAtomicityNormal {
    /// Disable Normal (bit 0): the host needs only the power fail atomicity guarantees.
    pub dn: bool,
}

impl FeatureValue for WriteAtomicityNormal {
    const FID: Fid = Fid::WriteAtomicityNormal;

    fn from_dw0(v: u32) -> Self {
        WriteAtomicityNormal { dn: bit(v, 0) }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.dn)
    }
}
