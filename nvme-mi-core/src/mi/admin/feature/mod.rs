//! Typed values of the common features of Get Features and Set Features (NVMe Base 2.0
//! §5.27.1): each is CDW11 of Set Features and CQE DW0 of Get Features, with the same layout
//! ([`FeatureValue`]), except Timestamp, whose value is an 8-byte data structure.
//!
//! ```
//! use nvme_mi_core::mi::admin::{
//!     AdminRequestRepr, FeatureValue, GetFeatures, NumberOfQueues, Sel, SetFeatures,
//! };
//! let q = NumberOfQueues { nsq: 7, ncq: 3 };
//! let r = AdminRequestRepr::for_command(0, &SetFeatures::value(&q, false));
//! assert_eq!((r.cdw10, r.cdw11), (0x07, 0x0003_0007));
//! assert_eq!(NumberOfQueues::from_dw0(r.cdw11), q);
//! let g = AdminRequestRepr::for_command(0, &GetFeatures::of::<NumberOfQueues>(Sel::Default));
//! assert_eq!(g.cdw10, 0x107);
//! ```

mod arbitration;
mod async_event_config;
mod capabilities;
mod error_recovery;
mod interrupt_coalescing;
mod interrupt_vector_config;
mod number_of_queues;
mod power_management;
mod timestamp;
mod volatile_write_cache;
mod write_atomicity;

pub use arbitration::Arbitration;
pub use async_event_config::AsyncEventConfig;
pub use capabilities::FeatureCapabilities;
pub use error_recovery::ErrorRecovery;
pub use interrupt_coalescing::InterruptCoalescing;
pub use interrupt_vector_config::InterruptVectorConfig;
pub use number_of_queues::NumberOfQueues;
pub use power_management::PowerManagement;
pub use timestamp::{Timestamp, TIMESTAMP_LEN};
pub use volatile_write_cache::VolatileWriteCache;
pub use write_atomicity::WriteAtomicityNormal;

use super::feature_id::Fid;
use super::features::{FeatureDwords, GetFeatures, Sel, SetFeatures};
use super::temperature_threshold::TemperatureThreshold;

/// A feature whose whole value is one dword: CDW11 of Set Features, and CQE DW0 of Get
/// Features in the same layout (NVMe Base 2.0 §5.27.1).
pub trait FeatureValue: Copy {
    /// The feature's identifier.
    const FID: Fid;

    /// Decode CQE DW0 of Get Features (or CDW11 of Set Features). Reserved bits are dropped.
    fn from_dw0(dw0: u32) -> Self;

    /// Encode as CDW11 of Set Features.
    fn to_cdw11(&self) -> u32;
}

impl FeatureValue for TemperatureThreshold {
    const FID: Fid = Fid::TemperatureThreshold;

    fn from_dw0(dw0: u32) -> Self {
        TemperatureThreshold::from_cdw11(dw0)
    }

    fn to_cdw11(&self) -> u32 {
        TemperatureThreshold::to_cdw11(self)
    }
}

impl GetFeatures {
    /// Get feature `F` (CDW11 zero).
    pub const fn of<F: FeatureValue>(sel: Sel) -> Self {
        GetFeatures::new(F::FID, sel)
    }

    /// Get feature `F` for the selection `which` carries in CDW11 (the sensor and threshold
    /// type of a Temperature Threshold, the vector of an Interrupt Vector Configuration).
    pub fn of_selected<F: FeatureValue>(sel: Sel, which: &F) -> Self {
        GetFeatures {
            dw: FeatureDwords::cdw11(which.to_cdw11()),
            ..GetFeatures::new(F::FID, sel)
        }
    }
}

impl SetFeatures {
    /// Set feature `F` to `value`, saved across power cycles if `sv`.
    pub fn value<F: FeatureValue>(value: &F, sv: bool) -> Self {
        SetFeatures::new(F::FID, value.to_cdw11(), sv)
    }
}
