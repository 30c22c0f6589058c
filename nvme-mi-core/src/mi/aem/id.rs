//! Asynchronous Event identifiers (NVMe-MI 2.0 §5.3, TP 6035).

use core::fmt;

/// An Asynchronous Event identifier, AEI (NVMe-MI 2.1).
///
/// Used in the AE Enable List (AEEI bits 7:0), the AE Supported List (AESI bits 7:0) and
/// every AE Occurrence (AEOI). Vendor specific (0xC0..=0xFF) and reserved values are kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AeId {
    /// Controller Ready (0x00).
    ControllerReady,
    /// Controller Fatal Status (0x01).
    ControllerFatalStatus,
    /// Shutdown Status (0x02).
    ShutdownStatus,
    /// Controller Enable (0x03).
    ControllerEnable,
    /// Namespace Attribute Changed (0x04).
    NamespaceAttributeChanged,
    /// Firmware Activated (0x05).
    FirmwareActivated,
    /// Composite Temperature (0x06).
    CompositeTemperature,
    /// Percentage Drive Life Used (0x07).
    PercentageDriveLifeUsed,
    /// Available Spare (0x08).
    AvailableSpare,
    /// SMART Warnings (0x09).
    SmartWarnings,
    /// Telemetry Controller-Initiated Data Available (0x0A).
    TelemetryControllerInitiated,
    /// PCIe Link Active (0x0B).
    PcieLinkActive,
    /// Sanitize Failure Mode (0x0C).
    SanitizeFailureMode,
    /// Sanitize Namespace Failure Mode (0x0D, NVMe-MI 2.1).
    SanitizeNamespaceFailureMode,
    /// Power Threshold Exceeded (0x0E, NVMe-MI 2.1).
    PowerThresholdExceeded,
    /// A vendor specific event (0xC0..=0xFF).
    VendorSpecific(u8),
    /// A reserved value (0x0F..=0xBF), kept as received.
    Unknown(u8),
}

impl AeId {
    /// Decode an identifier byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x00 => AeId::ControllerReady,
            0x01 => AeId::ControllerFatalStatus,
            0x02 => AeId::ShutdownStatus,
            0x03 => AeId::ControllerEnable,
            0x04 => AeId::NamespaceAttributeChanged,
            0x05 => AeId::FirmwareActivated,
            0x06 => AeId::CompositeTemperature,
            0x07 => AeId::PercentageDriveLifeUsed,
            0x08 => AeId::AvailableSpare,
            0x09 => AeId::SmartWarnings,
            0x0a => AeId::TelemetryControllerInitiated,
            0x0b => AeId::PcieLinkActive,
            0x0c => AeId::SanitizeFailureMode,
            0x0d => AeId::SanitizeNamespaceFailureMode,
            0x0e => AeId::PowerThresholdExceeded,
            0xc0..=0xff => AeId::VendorSpecific(v),
            other => AeId::Unknown(other),
        }
    }

    /// The identifier byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            AeId::ControllerReady => 0x00,
            AeId::ControllerFatalStatus => 0x01,
            AeId::ShutdownStatus => 0x02,
            AeId::ControllerEnable => 0x03,
            AeId::NamespaceAttributeChanged => 0x04,
            AeId::FirmwareActivated => 0x05,
            AeId::CompositeTemperature => 0x06,
            AeId::PercentageDriveLifeUsed => 0x07,
            AeId::AvailableSpare => 0x08,
            AeId::SmartWarnings => 0x09,
            AeId::TelemetryControllerInitiated => 0x0a,
            AeId::PcieLinkActive => 0x0b,
            AeId::SanitizeFailureMode => 0x0c,
            AeId::SanitizeNamespaceFailureMode => 0x0d,
            AeId::PowerThresholdExceeded => 0x0e,
            AeId::VendorSpecific(v) | AeId::Unknown(v) => v,
        }
    }

    /// The spec's name of the event.
    pub const fn name(self) -> &'static str {
        match self {
            AeId::ControllerReady => "Controller Ready",
            AeId::ControllerFatalStatus => "Controller Fatal Status",
            AeId::ShutdownStatus => "Shutdown Status",
            AeId::ControllerEnable => "Controller Enable",
            AeId::NamespaceAttributeChanged => "Namespace Attribute Changed",
            AeId::FirmwareActivated => "Firmware Activated",
            AeId::CompositeTemperature => "Composite Temperature",
            AeId::PercentageDriveLifeUsed => "Percentage Drive Life Used",
            AeId::AvailableSpare => "Available Spare",
            AeId::SmartWarnings => "SMART Warnings",
            AeId::TelemetryControllerInitiated => "Telemetry Controller-Initiated Data Available",
            AeId::PcieLinkActive => "PCIe Link Active",
            AeId::SanitizeFailureMode => "Sanitize Failure Mode",
            AeId::SanitizeNamespaceFailureMode => "Sanitize Namespace Failure Mode",
            AeId::PowerThresholdExceeded => "Power Threshold Exceeded",
            AeId::VendorSpecific(_) => "Vendor Specific",
            AeId::Unknown(_) => "Reserved",
        }
    }
}

impl From<u8> for AeId {
    fn from(v: u8) -> Self {
        AeId::from_u8(v)
    }
}

impl From<AeId> for u8 {
    fn from(id: AeId) -> u8 {
        id.to_u8()
    }
}

impl fmt::Display for AeId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:#04x})", self.name(), self.to_u8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for v in 0..=255u8 {
            let id = AeId::from_u8(v);
            assert_eq!(id.to_u8(), v);
            match v {
                0x0f..=0xbf => assert_eq!(id, AeId::Unknown(v)),
                0xc0..=0xff => assert_eq!(id, AeId::VendorSpecific(v)),
                _ => assert!(!matches!(id, AeId::Unknown(_) | AeId::VendorSpecific(_))),
            }
        }
        assert_eq!(AeId::from_u8(0x0b), AeId::PcieLinkActive);
    }
}
