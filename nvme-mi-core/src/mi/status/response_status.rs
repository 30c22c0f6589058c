//! The Response Message Status byte (NVMe-MI 1.2 §4.1.2, Figure 26).

use core::fmt;

/// The Response Message Status (NVMe-MI 1.2 §4.1.2, Figure 26).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ResponseStatus {
    /// Success (0x00).
    Success,
    /// More Processing Required (0x01): the real response follows later (NVMe-MI 1.2).
    MoreProcessingRequired,
    /// Internal Error (0x02).
    InternalError,
    /// Invalid Command Opcode (0x03): reserved or unimplemented opcode.
    InvalidCommandOpcode,
    /// Invalid Parameter (0x04): reserved or unsupported value in a defined field.
    InvalidParameter,
    /// Invalid Command Size (0x05): the message size is wrong for a reason other than the
    /// amount of request data.
    InvalidCommandSize,
    /// Invalid Command Input Data Size (0x06): too much or too little request data.
    InvalidCommandInputDataSize,
    /// Access Denied (0x07).
    AccessDenied,
    /// Unable to Abort (0x08, NVMe-MI 2.x; reserved in 1.2).
    UnableToAbort,
    /// VPD Updates Exceeded (0x20).
    VpdUpdatesExceeded,
    /// PCIe Inaccessible (0x21).
    PcieInaccessible,
    /// Management Endpoint Buffer Cleared Due to Sanitize (0x22).
    MebClearedDueToSanitize,
    /// Enclosure Services Failure (0x23).
    EnclosureServicesFailure,
    /// Enclosure Services Transfer Failure (0x24).
    EnclosureServicesTransferFailure,
    /// Enclosure Failure (0x25).
    EnclosureFailure,
    /// Enclosure Services Transfer Refused (0x26).
    EnclosureServicesTransferRefused,
    /// Unsupported Enclosure Function (0x27).
    UnsupportedEnclosureFunction,
    /// Enclosure Services Unavailable (0x28).
    EnclosureServicesUnavailable,
    /// Enclosure Degraded (0x29).
    EnclosureDegraded,
    /// Sanitize In Progress (0x2A).
    SanitizeInProgress,
    /// A vendor specific status (0xE0..=0xFF).
    VendorSpecific(u8),
    /// A reserved value (0x09..=0x1F, 0x2B..=0xDF), kept as received.
    Reserved(u8),
}

impl ResponseStatus {
    /// Decode the status byte.
    ///
    /// The defined values are two runs, 00h to 08h and 20h to 2Ah, looked up in two small
    /// tables: a `match` of 20 arms is a jump table of 256 bytes of flash on a Cortex-M0.
    #[inline(never)]
    pub const fn from_u8(v: u8) -> Self {
        use ResponseStatus::*;
        const LOW: [ResponseStatus; 9] = [
            Success,
            MoreProcessingRequired,
            InternalError,
            InvalidCommandOpcode,
            InvalidParameter,
            InvalidCommandSize,
            InvalidCommandInputDataSize,
            AccessDenied,
            UnableToAbort,
        ];
        const HIGH: [ResponseStatus; 11] = [
            VpdUpdatesExceeded,
            PcieInaccessible,
            MebClearedDueToSanitize,
            EnclosureServicesFailure,
            EnclosureServicesTransferFailure,
            EnclosureFailure,
            EnclosureServicesTransferRefused,
            UnsupportedEnclosureFunction,
            EnclosureServicesUnavailable,
            EnclosureDegraded,
            SanitizeInProgress,
        ];
        match v {
            0x00..=0x08 => LOW[v as usize],
            0x20..=0x2a => HIGH[(v - 0x20) as usize],
            0xe0..=0xff => VendorSpecific(v),
            other => Reserved(other),
        }
    }

    /// The status byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ResponseStatus::Success => 0x00,
            ResponseStatus::MoreProcessingRequired => 0x01,
            ResponseStatus::InternalError => 0x02,
            ResponseStatus::InvalidCommandOpcode => 0x03,
            ResponseStatus::InvalidParameter => 0x04,
            ResponseStatus::InvalidCommandSize => 0x05,
            ResponseStatus::InvalidCommandInputDataSize => 0x06,
            ResponseStatus::AccessDenied => 0x07,
            ResponseStatus::UnableToAbort => 0x08,
            ResponseStatus::VpdUpdatesExceeded => 0x20,
            ResponseStatus::PcieInaccessible => 0x21,
            ResponseStatus::MebClearedDueToSanitize => 0x22,
            ResponseStatus::EnclosureServicesFailure => 0x23,
            ResponseStatus::EnclosureServicesTransferFailure => 0x24,
            ResponseStatus::EnclosureFailure => 0x25,
            ResponseStatus::EnclosureServicesTransferRefused => 0x26,
            ResponseStatus::UnsupportedEnclosureFunction => 0x27,
            ResponseStatus::EnclosureServicesUnavailable => 0x28,
            ResponseStatus::EnclosureDegraded => 0x29,
            ResponseStatus::SanitizeInProgress => 0x2a,
            ResponseStatus::VendorSpecific(v) | ResponseStatus::Reserved(v) => v,
        }
    }

    /// True for [`ResponseStatus::Success`].
    pub const fn is_success(self) -> bool {
        matches!(self, ResponseStatus::Success)
    }

    /// The spec's name of the status.
    pub const fn name(self) -> &'static str {
        match self {
            ResponseStatus::Success => "Success",
            ResponseStatus::MoreProcessingRequired => "More Processing Required",
            ResponseStatus::InternalError => "Internal Error",
            ResponseStatus::InvalidCommandOpcode => "Invalid Command Opcode",
            ResponseStatus::InvalidParameter => "Invalid Parameter",
            ResponseStatus::InvalidCommandSize => "Invalid Command Size",
            ResponseStatus::InvalidCommandInputDataSize => "Invalid Command Input Data Size",
            ResponseStatus::AccessDenied => "Access Denied",
            ResponseStatus::UnableToAbort => "Unable to Abort",
            ResponseStatus::VpdUpdatesExceeded => "VPD Updates Exceeded",
            ResponseStatus::PcieInaccessible => "PCIe Inaccessible",
            ResponseStatus::MebClearedDueToSanitize => {
                "Management Endpoint Buffer Cleared Due to Sanitize"
            }
            ResponseStatus::EnclosureServicesFailure => "Enclosure Services Failure",
            ResponseStatus::EnclosureServicesTransferFailure => {
                "Enclosure Services Transfer Failure"
            }
            ResponseStatus::EnclosureFailure => "Enclosure Failure",
            ResponseStatus::EnclosureServicesTransferRefused => {
                "Enclosure Services Transfer Refused"
            }
            ResponseStatus::UnsupportedEnclosureFunction => "Unsupported Enclosure Function",
            ResponseStatus::EnclosureServicesUnavailable => "Enclosure Services Unavailable",
            ResponseStatus::EnclosureDegraded => "Enclosure Degraded",
            ResponseStatus::SanitizeInProgress => "Sanitize In Progress",
            ResponseStatus::VendorSpecific(_) => "Vendor Specific",
            ResponseStatus::Reserved(_) => "Reserved",
        }
    }
}

impl From<u8> for ResponseStatus {
    fn from(v: u8) -> Self {
        ResponseStatus::from_u8(v)
    }
}

impl From<ResponseStatus> for u8 {
    fn from(s: ResponseStatus) -> u8 {
        s.to_u8()
    }
}

impl fmt::Display for ResponseStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ResponseStatus::VendorSpecific(v) | ResponseStatus::Reserved(v) => {
                write!(f, "{} ({v:#04x})", self.name())
            }
            _ => f.write_str(self.name()),
        }
    }
}
