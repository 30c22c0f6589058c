//! The status block returned at command code 0 (digest G.2, G.3).

use super::temperature::CompositeTemperature;
use super::{Error, Result};

/// Data length of the status block (the length byte's value).
pub const STATUS_BLOCK_LEN: usize = 6;

/// Status flags, SFLGS (offset 1; digest G.3). Bits 1:0 are reserved (UNVERIFIED) and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Sflgs(pub u8);

impl Sflgs {
    /// Bit 7: SMBus arbitration — set after a complete block read, cleared by a Send Byte
    /// 0xFF to this address.
    pub const SMBUS_ARBITRATION: u8 = 0x80;
    /// Bit 6: drive not ready; the rest of the data may be invalid.
    pub const DRIVE_NOT_READY: u8 = 0x40;
    /// Bit 5: drive functional (0 = unrecoverable failure).
    pub const DRIVE_FUNCTIONAL: u8 = 0x20;
    /// Bit 4: reset not required (0 = a controller reset is needed).
    pub const RESET_NOT_REQUIRED: u8 = 0x10;
    /// Bit 3: port 0 PCIe link active.
    pub const PORT0_LINK_ACTIVE: u8 = 0x08;
    /// Bit 2: port 1 PCIe link active.
    pub const PORT1_LINK_ACTIVE: u8 = 0x04;

    /// Whether the drive can process management commands (bit 6 clear).
    pub const fn drive_ready(self) -> bool {
        self.0 & Self::DRIVE_NOT_READY == 0
    }

    /// Whether the drive is functional (bit 5).
    pub const fn drive_functional(self) -> bool {
        self.0 & Self::DRIVE_FUNCTIONAL != 0
    }

    /// Whether every bit of `mask` is set.
    pub const fn contains(self, mask: u8) -> bool {
        self.0 & mask == mask
    }
}

/// SMART warnings (offset 2; digest G.3): the SMART critical warning inverted — a bit
/// cleared to 0 is a warning, 0xFF means none. Bits 7:5 are reserved (UNVERIFIED) and kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SmartWarnings(pub u8);

impl Default for SmartWarnings {
    /// No warning (0xFF).
    fn default() -> Self {
        SmartWarnings(0xff)
    }
}

impl SmartWarnings {
    /// Bit 0: available spare below threshold.
    pub const SPARE: u8 = 0x01;
    /// Bit 1: temperature threshold exceeded.
    pub const TEMPERATURE: u8 = 0x02;
    /// Bit 2: reliability degraded.
    pub const RELIABILITY: u8 = 0x04;
    /// Bit 3: media in read-only mode.
    pub const READ_ONLY: u8 = 0x08;
    /// Bit 4: volatile memory backup failed.
    pub const VOLATILE_BACKUP: u8 = 0x10;

    /// From a SMART critical warning byte (set bits are warnings).
    pub const fn from_critical_warning(cw: u8) -> Self {
        SmartWarnings(!(cw & 0x1f))
    }

    /// The warnings as SMART critical warning bits (set bits are warnings; bits 4:0).
    pub const fn critical_warning(self) -> u8 {
        !self.0 & 0x1f
    }

    /// Whether the warning `mask` (one of the constants) is raised (its bit cleared).
    pub const fn is_warning(self, mask: u8) -> bool {
        self.0 & mask == 0
    }

    /// Whether no warning is raised.
    pub const fn none(self) -> bool {
        self.critical_warning() == 0
    }
}

/// The status block (command code 0).
///
/// ```
/// use nvme_mi_core::basic_mgmt::{CompositeTemperature, Sflgs, SmartWarnings, StatusBlock};
/// let s = StatusBlock::parse(&[0xb8, 0xff, 0x25, 0x03, 0, 0]).unwrap();
/// assert_eq!(s.flags, Sflgs(0xb8));
/// assert!(s.smart_warnings.none());
/// assert_eq!(s.ctemp, CompositeTemperature::Celsius(37));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StatusBlock {
    /// Status flags.
    pub flags: Sflgs,
    /// SMART warnings (inverted).
    pub smart_warnings: SmartWarnings,
    /// Composite temperature.
    pub ctemp: CompositeTemperature,
    /// Percentage drive life used (255 means more than 254).
    pub pdlu: u8,
}

impl StatusBlock {
    /// Decode the block's data (the bytes after the length byte): exactly 6 bytes; the two
    /// reserved bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self> {
        match data {
            [f, w, t, p, _, _] => Ok(StatusBlock {
                flags: Sflgs(*f),
                smart_warnings: SmartWarnings(*w),
                ctemp: CompositeTemperature::from_u8(*t),
                pdlu: *p,
            }),
            _ => Err(Error::InconsistentLength {
                expected: STATUS_BLOCK_LEN as u8,
                received: data.len().min(255) as u8,
            }),
        }
    }

    /// The block's 6 data bytes (reserved bytes 0).
    pub const fn to_bytes(&self) -> [u8; STATUS_BLOCK_LEN] {
        [
            self.flags.0,
            self.smart_warnings.0,
            self.ctemp.to_u8(),
            self.pdlu,
            0,
            0,
        ]
    }
}
