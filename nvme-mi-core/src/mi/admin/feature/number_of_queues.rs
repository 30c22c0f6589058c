//! Number of Queues (NVMe Base 2.0 §5.27.1.7, FID 07h): the I/O submission and completion
//! queues requested (Set Features CDW11) or allocated (CQE DW0 of both commands).

use super::FeatureValue;
use crate::mi::admin::command::bits;
use crate::mi::admin::Fid;

/// Number of Queues (NVMe Base 2.0 §5.27.1.7, FID 07h). Both counts are 0-based.
///
/// ```
/// use nvme_mi_core::mi::admin::{FeatureValue, NumberOfQueues};
/// let q = NumberOfQueues { nsq: 63, ncq: 31 };
/// assert_eq!(q.to_cdw11(), 0x001f_003f);
/// assert_eq!(NumberOfQueues::from_dw0(0x001f_003f), q);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NumberOfQueues {
    /// Number of I/O Submission Queues Requested / Allocated (bits 15:0), 0-based.
    pub nsq: u16,
    /// Number of I/O Completion Queues Requested / Allocated (bits 31:16), 0-based.
    pub ncq: u16,
}

impl FeatureValue for NumberOfQueues {
    const FID: Fid = Fid::NumberOfQueues;

    fn from_dw0(v: u32) -> Self {
        NumberOfQueues {
            nsq: bits(v, 0, 16) as u16,
            ncq: (v >> 16) as u16,
        }
    }

    fn to_cdw11(&self) -> u32 {
        u32::from(self.nsq) | u32::from(self.ncq) << 16
    }
}
