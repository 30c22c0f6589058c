//! Feature Identifiers, FID, of Get Features and Set Features (NVMe Base 2.x Figure "Feature
//! Identifiers") and the size of the data a feature carries.

use super::spec_enum::spec_enum;

spec_enum! {
    /// Feature Identifier, FID (NVMe Base 2.x Figure "Feature Identifiers").
    pub enum Fid: 8 bits {
        /// Arbitration (01h).
        Arbitration = 0x01,
        /// Power management (02h).
        PowerManagement = 0x02,
        /// LBA range type (03h).
        LbaRangeType = 0x03,
        /// Temperature threshold (04h).
        TemperatureThreshold = 0x04,
        /// Error recovery (05h).
        ErrorRecovery = 0x05,
        /// Volatile write cache (06h).
        VolatileWriteCache = 0x06,
        /// Number of queues (07h).
        NumberOfQueues = 0x07,
        /// Interrupt coalescing (08h).
        InterruptCoalescing = 0x08,
        /// Interrupt vector configuration (09h).
        InterruptVectorConfiguration = 0x09,
        /// Write atomicity normal (0Ah).
        WriteAtomicityNormal = 0x0a,
        /// Asynchronous event configuration (0Bh).
        AsyncEventConfiguration = 0x0b,
        /// Autonomous power state transition (0Ch).
        AutonomousPowerStateTransition = 0x0c,
        /// Host memory buffer (0Dh).
        HostMemoryBuffer = 0x0d,
        /// Timestamp (0Eh).
        Timestamp = 0x0e,
        /// Keep alive timer (0Fh).
        KeepAliveTimer = 0x0f,
        /// Host controlled thermal management (10h).
        HostControlledThermalManagement = 0x10,
        /// Non-operational power state config (11h).
        NonOperationalPowerStateConfig = 0x11,
        /// Read recovery level config (12h).
        ReadRecoveryLevelConfig = 0x12,
        /// Predictable latency mode config (13h).
        PredictableLatencyModeConfig = 0x13,
        /// Predictable latency mode window (14h).
        PredictableLatencyModeWindow = 0x14,
        /// Host behavior support (16h).
        HostBehaviorSupport = 0x16,
        /// Sanitize config (17h).
        SanitizeConfig = 0x17,
        /// Software progress marker (80h).
        SoftwareProgressMarker = 0x80,
        /// Host identifier (81h).
        HostIdentifier = 0x81,
        /// Reservation notification mask (82h).
        ReservationNotificationMask = 0x82,
        /// Reservation persistence (83h).
        ReservationPersistence = 0x83,
        /// Namespace write protection config (84h).
        NamespaceWriteProtectionConfig = 0x84,
    }
}

impl Fid {
    /// The number of data bytes the feature transfers: returned by Get Features when `get`,
    /// sent with Set Features otherwise; 0 for features whose value is all in the dwords.
    /// `cdw11` matters for Host Identifier (bit 0 EXHID: 16 bytes instead of 8).
    ///
    /// Sizes from NVMe Base 2.x: LBA Range Type 4096, Autonomous Power State Transition 256,
    /// Host Memory Buffer (Get only: attributes) 4096, Timestamp 8, Host Behavior Support 512,
    /// Host Identifier 8 or 16. Vendor specific and unknown features report 0: the responder
    /// knows their sizes.
    pub const fn data_len(self, cdw11: u32, get: bool) -> u32 {
        match self {
            Fid::LbaRangeType => 4096,
            Fid::AutonomousPowerStateTransition => 256,
            Fid::HostMemoryBuffer if get => 4096,
            Fid::Timestamp => 8,
            Fid::HostBehaviorSupport => 512,
            Fid::HostIdentifier => {
                if cdw11 & 1 != 0 {
                    16
                } else {
                    8
                }
            }
            _ => 0,
        }
    }
}
