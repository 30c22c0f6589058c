//! The status block returned at command code 0 (NVMe-MI 1.2, Appendix A).

use super::{Error, Result};
use crate::mi::command::{CompositeTemperature, CriticalWarning};

/// Data length of the status block (the length byte's value).
pub const STATUS_BLOCK_LEN: usize = 6;

/// Status flags, SFLGS (offset 1). Bits 1:0 are taken as reserved and kept.
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

/// The warning bits the status block defines (spare, temperature, reliability, read-only,
/// volatile memory backup).
const SMART_WARNINGS_DEFINED: u8 = 0x1f;

/// The status block (command code 0; NVMe-MI 1.2 Appendix A).
///
/// ```
/// use nvme_mi_core::basic_mgmt::{CompositeTemperature, CriticalWarning, Sflgs, StatusBlock};
/// let s = StatusBlock::parse(&[0xb8, 0xfd, 0x25, 0x03, 0, 0]).unwrap();
/// assert_eq!(s.flags, Sflgs(0xb8));
/// assert_eq!(s.warnings, CriticalWarning::TAUT);
/// assert_eq!(s.to_bytes()[1], 0xfd);
/// assert_eq!(s.ctemp, CompositeTemperature::Celsius(37));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct StatusBlock {
    /// Status flags.
    pub flags: Sflgs,
    /// The SMART warnings present. On the wire (offset 2) they are inverted — a bit cleared
    /// to 0 is a warning, 0xFF means none — and only bits 4:0 are defined (bits
    /// 7:5 taken as reserved): reserved bits are dropped on parse and sent as 1.
    pub warnings: CriticalWarning,
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
                warnings: CriticalWarning(!*w & SMART_WARNINGS_DEFINED),
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
            !(self.warnings.0 & SMART_WARNINGS_DEFINED),
            self.ctemp.to_u8(),
            self.pdlu,
            0,
            0,
        ]
    }
}
