//! What one poll of an endpoint returns: plain values decoded from the NVMe-MI and NVMe data
//! structures, owned, so that the monitor keeps them after the exchange's buffer is reused.

use std::time::Duration;

/// The NVM Subsystem Health Data Structure (NVMe-MI 1.2, 5.6 NVM Subsystem Health Status
/// Poll, Figure 108).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct SubsystemHealth {
    /// NVM Subsystem Status (NSS).
    pub nss: u8,
    /// SMART Warnings (SW) as the critical warning bits they mirror (1 = present; the wire
    /// field is active low, the codec inverts it).
    pub warnings: u8,
    /// Composite Temperature (CTEMP), °C; `None` when the drive reports no temperature.
    pub temperature_celsius: Option<i16>,
    /// Percentage Drive Life Used (PDLU).
    pub percentage_used: u8,
    /// Composite Controller Status (CCS) flags.
    pub ccs: u16,
}

/// One Controller Health Data Structure (NVMe-MI 1.2, 5.3 Controller Health Status Poll).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct ControllerReading {
    /// Controller identifier.
    pub id: u16,
    /// Controller Status (CSTS) bits.
    pub csts: u16,
    /// Composite temperature, °C.
    pub temperature_celsius: i32,
    /// Percentage used.
    pub percentage_used: u8,
    /// Available spare, percent.
    pub available_spare: u8,
    /// Critical warning bits.
    pub critical_warning: u8,
}

/// The fields the monitor exports from the SMART / Health Information log page (NVMe Base
/// 2.0, 5.16.1.3, log identifier 02h).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Smart {
    /// Critical Warning.
    pub critical_warning: u8,
    /// Available Spare, percent.
    pub available_spare: u8,
    /// Available Spare Threshold, percent.
    pub available_spare_threshold: u8,
    /// Percentage Used.
    pub percentage_used: u8,
    /// Power On Hours (the low 64 bits of the 128-bit counter).
    pub power_on_hours: u64,
    /// Media and Data Integrity Errors (low 64 bits).
    pub media_errors: u64,
    /// Unsafe Shutdowns (low 64 bits).
    pub unsafe_shutdowns: u64,
}

/// Who the endpoint is: from the first controller's Identify Controller data structure.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Identity {
    /// Serial Number (SN), trimmed.
    pub serial: String,
    /// Model Number (MN), trimmed.
    pub model: String,
    /// Warning Composite Temperature Threshold (WCTEMP), °C; `None` when not reported (0).
    pub warning_celsius: Option<i32>,
    /// Critical Composite Temperature Threshold (CCTEMP), °C; `None` when not reported.
    pub critical_celsius: Option<i32>,
}

/// The kinds of poll failure, for the error counter's `kind` label.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum FailureKind {
    /// No (complete) response within the deadline.
    Timeout,
    /// A response whose integrity check failed.
    Integrity,
    /// The endpoint answered with an NVMe-MI or NVMe error status.
    Status,
    /// A response that could not be decoded or did not fit the request.
    Protocol,
    /// The transport failed (socket error, endpoint unreachable).
    Transport,
}

impl FailureKind {
    /// Every kind, in label order.
    pub const ALL: [FailureKind; 5] = [
        FailureKind::Timeout,
        FailureKind::Integrity,
        FailureKind::Status,
        FailureKind::Protocol,
        FailureKind::Transport,
    ];

    /// The label value.
    pub fn name(self) -> &'static str {
        match self {
            FailureKind::Timeout => "timeout",
            FailureKind::Integrity => "integrity",
            FailureKind::Status => "status",
            FailureKind::Protocol => "protocol",
            FailureKind::Transport => "transport",
        }
    }
}

/// A failed poll: its kind and a message for logs and JSON.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PollError {
    /// The kind.
    pub kind: FailureKind,
    /// What failed, for people.
    pub message: String,
}

/// What one job on an endpoint produced.
#[derive(Debug, Clone, Default)]
pub struct PollOutcome {
    /// The subsystem health, if the health poll succeeded.
    pub health: Option<SubsystemHealth>,
    /// Controller health, if it was due and succeeded.
    pub controllers: Option<Vec<ControllerReading>>,
    /// The SMART log, if it was due and succeeded.
    pub smart: Option<Smart>,
    /// The identity, when it was read in this job.
    pub identity: Option<Identity>,
    /// Asynchronous Event Messages received in this job.
    pub events: u64,
    /// True when AEMs are now enabled on the endpoint.
    pub events_enabled: bool,
    /// The first failure, if any command failed.
    pub error: Option<PollError>,
    /// How long the job's health poll took.
    pub latency: Option<Duration>,
}

/// Bit names of the Critical Warning field (NVMe Base 2.0, 5.16.1.3), for the
/// `warning` label.
pub const CRITICAL_WARNINGS: [(u8, &str); 7] = [
    (0, "available_spare"),
    (1, "temperature"),
    (2, "reliability_degraded"),
    (3, "read_only"),
    (4, "volatile_memory_backup_failed"),
    (5, "persistent_memory_region_read_only"),
    (6, "indeterminate_personality"),
];

/// Bit names of the Controller Status field of a Controller Health Data Structure (NVMe-MI
/// 1.2, 5.3 Controller Health Status Poll) the monitor exports as `flag` labels.
pub const CSTS_FLAGS: [(u8, &str); 6] = [
    (0, "ready"),
    (1, "fatal"),
    (4, "nvm_subsystem_reset_occurred"),
    (5, "enable_change_occurred"),
    (6, "namespace_attribute_changed"),
    (7, "firmware_activated"),
];
