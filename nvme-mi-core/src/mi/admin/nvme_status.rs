//! NVMe completion queue entry status (NVMe Base 2.x §4.2.3, "Completion Queue Entry: Status
//! Field") as carried in bits 31:17 of CQE DW3 of an Admin response.

use core::fmt;

/// Status Code Type, SCT (status bits 10:8; NVMe Base 2.x §4.2.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Sct {
    /// Generic command status (0).
    #[default]
    Generic,
    /// Command specific status (1).
    CommandSpecific,
    /// Media and data integrity errors (2).
    MediaError,
    /// Path related status (3).
    Path,
    /// Vendor specific (7).
    VendorSpecific,
    /// Reserved (4..=6), kept as received.
    Unknown(u8),
}

impl Sct {
    /// Decode the 3-bit value (higher bits ignored).
    pub const fn from_u8(v: u8) -> Self {
        match v & 0x07 {
            0 => Sct::Generic,
            1 => Sct::CommandSpecific,
            2 => Sct::MediaError,
            3 => Sct::Path,
            7 => Sct::VendorSpecific,
            other => Sct::Unknown(other),
        }
    }

    /// The 3-bit value.
    pub const fn to_u8(self) -> u8 {
        match self {
            Sct::Generic => 0,
            Sct::CommandSpecific => 1,
            Sct::MediaError => 2,
            Sct::Path => 3,
            Sct::VendorSpecific => 7,
            Sct::Unknown(v) => v & 0x07,
        }
    }
}

/// The 15-bit NVMe completion status: SC, SCT, CRD, M, DNR (NVMe Base 2.x, Status Field Definition).
///
/// ```
/// use nvme_mi_core::mi::admin::{NvmeStatus, Sct};
/// let s = NvmeStatus::from_u16(0x4002);
/// assert_eq!(s.sct, Sct::Generic);
/// assert_eq!(s.sc, 0x02);
/// assert!(s.dnr);
/// assert_eq!(s.name(), Some("Invalid Field in Command"));
/// assert_eq!(s.to_u16(), 0x4002);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NvmeStatus {
    /// Status Code Type.
    pub sct: Sct,
    /// Status Code.
    pub sc: u8,
    /// Command Retry Delay (0 none, 1..=3 select Identify Controller CRDT1..3).
    pub crd: u8,
    /// More: further information in the Error Information log.
    pub more: bool,
    /// Do Not Retry.
    pub dnr: bool,
}

impl NvmeStatus {
    /// Successful completion.
    pub const SUCCESS: NvmeStatus = NvmeStatus::new(Sct::Generic, 0);
    /// Invalid Field in Command (generic 02h), what a controller answers for a feature, log
    /// page or selection it does not implement.
    pub const INVALID_FIELD: NvmeStatus = NvmeStatus::new(Sct::Generic, 0x02);

    /// A status with CRD, M and DNR clear.
    pub const fn new(sct: Sct, sc: u8) -> Self {
        NvmeStatus {
            sct,
            sc,
            crd: 0,
            more: false,
            dnr: false,
        }
    }

    /// Decode the status word shifted right by one (the phase tag removed): SC bits 7:0, SCT
    /// 10:8, CRD 12:11, M 13, DNR 14. Bit 15 is ignored.
    pub const fn from_u16(v: u16) -> Self {
        NvmeStatus {
            sc: v as u8,
            sct: Sct::from_u8((v >> 8) as u8),
            crd: ((v >> 11) & 0x3) as u8,
            more: v & 0x2000 != 0,
            dnr: v & 0x4000 != 0,
        }
    }

    /// The 15-bit status word (CRD is cut to 2 bits).
    pub const fn to_u16(self) -> u16 {
        (self.sc as u16)
            | ((self.sct.to_u8() as u16) << 8)
            | (((self.crd & 0x3) as u16) << 11)
            | ((self.more as u16) << 13)
            | ((self.dnr as u16) << 14)
    }

    /// Whether this is `other`'s status code (SCT and SC; CRD, M and DNR aside).
    pub fn is(self, other: NvmeStatus) -> bool {
        self.sct == other.sct && self.sc == other.sc
    }

    /// Successful Completion (SCT 0, SC 0).
    pub const fn is_success(self) -> bool {
        matches!(self.sct, Sct::Generic) && self.sc == 0
    }

    /// The name of the status code, for the generic and command specific codes this crate names (NVMe Base 2.x, Status Field Definition).
    pub const fn name(self) -> Option<&'static str> {
        let n = match self.sct {
            Sct::Generic => match self.sc {
                0x00 => "Successful Completion",
                0x01 => "Invalid Command Opcode",
                0x02 => "Invalid Field in Command",
                0x03 => "Command ID Conflict",
                0x04 => "Data Transfer Error",
                0x05 => "Commands Aborted due to Power Loss Notification",
                0x06 => "Internal Error",
                0x07 => "Command Abort Requested",
                0x08 => "Command Aborted due to SQ Deletion",
                0x0b => "Invalid Namespace or Format",
                0x0c => "Command Sequence Error",
                0x15 => "Operation Denied",
                0x1c => "Sanitize Failed",
                0x1d => "Sanitize In Progress",
                0x20 => "Namespace is Write Protected",
                0x21 => "Command Interrupted",
                0x22 => "Transient Transport Error",
                0x24 => "Admin Command Media Not Ready",
                0x2c => "Invalid I/O Command Set",
                0x80 => "LBA Out of Range",
                0x81 => "Capacity Exceeded",
                0x82 => "Namespace Not Ready",
                0x83 => "Reservation Conflict",
                0x84 => "Format In Progress",
                _ => return None,
            },
            Sct::CommandSpecific => match self.sc {
                0x00 => "Completion Queue Invalid",
                0x01 => "Invalid Queue Identifier",
                0x02 => "Invalid Queue Size",
                0x03 => "Abort Command Limit Exceeded",
                0x05 => "Asynchronous Event Request Limit Exceeded",
                0x06 => "Invalid Firmware Slot",
                0x07 => "Invalid Firmware Image",
                0x09 => "Invalid Log Page",
                0x0a => "Invalid Format",
                0x0b => "Firmware Activation Requires Conventional Reset",
                0x0d => "Feature Identifier Not Saveable",
                0x0e => "Feature Not Changeable",
                0x0f => "Feature Not Namespace Specific",
                0x10 => "Firmware Activation Requires NVM Subsystem Reset",
                0x11 => "Firmware Activation Requires Controller Level Reset",
                0x12 => "Firmware Activation Requires Maximum Time Violation",
                0x13 => "Firmware Activation Prohibited",
                0x14 => "Overlapping Range",
                0x15 => "Namespace Insufficient Capacity",
                0x16 => "Namespace Identifier Unavailable",
                0x18 => "Namespace Already Attached",
                0x19 => "Namespace Is Private",
                0x1a => "Namespace Not Attached",
                0x1b => "Thin Provisioning Not Supported",
                0x1c => "Controller List Invalid",
                0x1d => "Device Self-test In Progress",
                0x1e => "Boot Partition Write Prohibited",
                0x1f => "Invalid Controller Identifier",
                0x20 => "Invalid Secondary Controller State",
                0x21 => "Invalid Number of Controller Resources",
                0x22 => "Invalid Resource Identifier",
                0x23 => "Sanitize Prohibited While Persistent Memory Region is Enabled",
                0x24 => "ANA Group Identifier Invalid",
                0x25 => "ANA Attach Failed",
                _ => return None,
            },
            Sct::MediaError => match self.sc {
                0x80 => "Write Fault",
                0x81 => "Unrecovered Read Error",
                0x82 => "End-to-end Guard Check Error",
                0x83 => "End-to-end Application Tag Check Error",
                0x84 => "End-to-end Reference Tag Check Error",
                0x85 => "Compare Failure",
                0x86 => "Access Denied",
                0x87 => "Deallocated or Unwritten Logical Block",
                _ => return None,
            },
            Sct::Path => match self.sc {
                0x00 => "Internal Path Error",
                0x01 => "Asymmetric Access Persistent Loss",
                0x02 => "Asymmetric Access Inaccessible",
                0x03 => "Asymmetric Access Transition",
                0x60 => "Controller Pathing Error",
                0x70 => "Host Pathing Error",
                0x71 => "Command Aborted By Host",
                _ => return None,
            },
            Sct::VendorSpecific | Sct::Unknown(_) => return None,
        };
        Some(n)
    }
}

impl fmt::Display for NvmeStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n)?,
            None => write!(f, "SCT {} SC {:#04x}", self.sct.to_u8(), self.sc)?,
        }
        if self.dnr {
            f.write_str(" (do not retry)")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::fmt::Write;

    fn show(s: NvmeStatus) -> heapless::String<96> {
        let mut out = heapless::String::new();
        write!(out, "{s}").unwrap();
        out
    }

    #[test]
    fn round_trip_every_word() {
        for v in 0..0x8000u16 {
            assert_eq!(NvmeStatus::from_u16(v).to_u16(), v);
        }
        // Bit 15 is not part of the status.
        assert_eq!(NvmeStatus::from_u16(0x8000), NvmeStatus::SUCCESS);
    }

    #[test]
    fn display() {
        assert_eq!(
            show(NvmeStatus::new(Sct::Generic, 2)),
            "Invalid Field in Command"
        );
        assert_eq!(
            show(NvmeStatus::new(Sct::CommandSpecific, 0x09)),
            "Invalid Log Page"
        );
        assert_eq!(
            show(NvmeStatus::from_u16(0x4181)),
            "SCT 1 SC 0x81 (do not retry)"
        );
        assert_eq!(show(NvmeStatus::new(Sct::Unknown(5), 0)), "SCT 5 SC 0x00");
        assert!(NvmeStatus::SUCCESS.is_success());
        assert!(!NvmeStatus::new(Sct::Path, 0).is_success());
    }
}
