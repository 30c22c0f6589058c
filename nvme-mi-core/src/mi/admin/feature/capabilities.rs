//! The capabilities Get Features reports for Select 3h (NVMe Base 2.0 §5.15.2, Figure
//! "Get Features – Command Dword 0" with SEL 011b): whether a feature is saveable, namespace
//! specific and changeable.

use crate::mi::admin::command::bit;

/// The capabilities of a feature, CQE DW0 of Get Features with [`super::Sel::SupportedCapabilities`].
///
/// ```
/// use nvme_mi_core::mi::admin::FeatureCapabilities;
/// let c = FeatureCapabilities::from_dw0(0b101);
/// assert!(c.saveable && !c.namespace_specific && c.changeable);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FeatureCapabilities {
    /// Saveable (bit 0).
    pub saveable: bool,
    /// Namespace specific (bit 1).
    pub namespace_specific: bool,
    /// Changeable (bit 2).
    pub changeable: bool,
}

impl FeatureCapabilities {
    /// Decode CQE DW0.
    pub const fn from_dw0(v: u32) -> Self {
        FeatureCapabilities {
            saveable: bit(v, 0),
            namespace_specific: bit(v, 1),
            changeable: bit(v, 2),
        }
    }

    /// Encode as CQE DW0.
    pub const fn to_dw0(&self) -> u32 {
        self.saveable as u32 | (self.namespace_specific as u32) << 1 | (self.changeable as u32) << 2
    }
}
