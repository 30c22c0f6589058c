//! Get Features / Set Features values the drive keeps (NVMe Base 2.x §5.27.1). Features are
//! shared by both controllers; none is saveable.

use nvme_mi_core::time::Instant;

/// The feature values.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Features {
    /// Arbitration (FID 01h) CDW11.
    pub arbitration: u32,
    /// Power Management (FID 02h): PS bits 4:0, WH bits 7:5.
    pub power: u32,
    /// Error Recovery (FID 05h) CDW11.
    pub error_recovery: u32,
    /// Volatile Write Cache (FID 06h): WCE bit 0.
    pub write_cache: bool,
    /// Number of Queues (FID 07h): NSQA bits 15:0, NCQA bits 31:16 (0-based).
    pub queues: u32,
    /// Interrupt Coalescing (FID 08h) CDW11.
    pub coalescing: u32,
    /// Interrupt Vector Configuration (FID 09h): Coalescing Disable of vector `n` in bit `n`.
    pub coalescing_disabled: u64,
    /// Asynchronous Event Configuration (FID 0Bh) CDW11.
    pub async_events: u32,
    /// Timestamp (FID 0Eh): the value the host set (ms) and when, if it did.
    pub timestamp: Option<(u64, Instant)>,
}

impl Default for Features {
    fn default() -> Self {
        Features {
            arbitration: 0x0000_0003, // AB = 8 commands, weights 0
            power: 0,
            error_recovery: 0,
            write_cache: true,
            queues: 0x003f_003f, // 64 SQs and CQs
            coalescing: 0,
            coalescing_disabled: 0,
            async_events: 0,
            timestamp: None,
        }
    }
}

/// The most I/O queues of each kind (0-based).
pub(crate) const MAX_QUEUES: u32 = 63;
/// Power states (Identify Controller NPSS + 1).
pub(crate) const POWER_STATES: u32 = 3;
/// Write Atomicity Normal (FID 0Ah) value: fixed.
pub(crate) const WRITE_ATOMICITY: u32 = 0;
