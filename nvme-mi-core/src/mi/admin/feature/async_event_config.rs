//! Asynchronous Event Configuration (NVMe Base 2.0 §5.27.1.11, FID 0Bh): which events the
//! controller reports with an Asynchronous Event Request completion.

use super::FeatureValue;
use crate::mi::admin::Fid;

/// Asynchronous Event Configuration (NVMe Base 2.0 §5.27.1.11, FID 0Bh): bits 7:0 enable a
/// notice per SMART / Health critical warning bit; the bits above enable the notices the
/// constants name. Undefined bits are kept.
///
/// ```
/// use nvme_mi_core::mi::admin::{AsyncEventConfig, FeatureValue};
/// let c = AsyncEventConfig(0x1f | AsyncEventConfig::NAN | AsyncEventConfig::FAN);
/// assert_eq!(c.smart_warnings(), 0x1f);
/// assert!(c.enabled(AsyncEventConfig::FAN) && !c.enabled(AsyncEventConfig::TLN));
/// assert_eq!(AsyncEventConfig::from_dw0(c.to_cdw11()), c);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AsyncEventConfig(pub u32);

impl AsyncEventConfig {
    /// Namespace Attribute Notices (bit 8).
    pub const NAN: u32 = 1 << 8;
    /// Firmware Activation Notices (bit 9).
    pub const FAN: u32 = 1 << 9;
    /// Telemetry Log Notices (bit 10).
    pub const TLN: u32 = 1 << 10;
    /// Asymmetric Namespace Access Change Notices (bit 11).
    pub const ANACN: u32 = 1 << 11;
    /// Predictable Latency Event Aggregate Log Change Notices (bit 12).
    pub const PLEALCN: u32 = 1 << 12;
    /// LBA Status Information Notices (bit 13).
    pub const LSIN: u32 = 1 << 13;
    /// Endurance Group Event Aggregate Log Change Notices (bit 14).
    pub const EGEALCN: u32 = 1 << 14;
    /// Discovery Log Page Change Notification (bit 31).
    pub const DLPCN: u32 = 1 << 31;

    /// The SMART / Health critical warnings that raise an event (bits 7:0).
    pub const fn smart_warnings(self) -> u8 {
        self.0 as u8
    }

    /// Is every notice of `mask` enabled?
    pub const fn enabled(self, mask: u32) -> bool {
        self.0 & mask == mask
    }
}

impl FeatureValue for AsyncEventConfig {
    const FID: Fid = Fid::AsyncEventConfiguration;

    fn from_dw0(v: u32) -> Self {
        AsyncEventConfig(v)
    }

    fn to_cdw11(&self) -> u32 {
        self.0
    }
}
