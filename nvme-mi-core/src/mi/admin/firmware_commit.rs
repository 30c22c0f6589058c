//! The Firmware Commit command (NVMe Base 2.x §5.1.8, opcode 10h).
//!
//! CDW10 bits 2:0 FS (firmware slot), bits 5:3 CA (commit action), bit 31 BPID.

use super::command::{bit, bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

spec_enum! {
    /// Commit Action, CA (NVMe Base 2.x §5.1.8, CDW10 bits 5:3).
    pub enum CommitAction: 3 bits {
        /// Replace the image in the slot, do not activate (000b).
        Replace = 0,
        /// Replace and activate at the next reset (001b).
        ReplaceAndActivate = 1,
        /// Activate the image in the slot at the next reset (010b).
        Activate = 2,
        /// Replace and activate immediately without reset (011b).
        ReplaceAndActivateNow = 3,
        /// Replace the boot partition given by BPID (110b).
        ReplaceBootPartition = 6,
        /// Mark the boot partition given by BPID active (111b).
        ActivateBootPartition = 7,
    }
}

/// A Firmware Commit command (NVMe Base 2.x §5.1.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FirmwareCommit {
    /// Firmware slot (3 bits); 0 lets the controller choose.
    pub fs: u8,
    /// Commit action.
    pub ca: CommitAction,
    /// Boot partition ID (for the boot partition actions).
    pub bpid: bool,
}

impl AdminCommand for FirmwareCommit {
    const OPCODE: AdminOpcode = AdminOpcode::FirmwareCommit;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw10 = field(u32::from(self.fs), 0, 3)
            | field(u32::from(self.ca.to_u8()), 3, 3)
            | field(u32::from(self.bpid), 31, 1);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        FirmwareCommit {
            fs: bits(r.cdw10, 0, 3) as u8,
            ca: CommitAction::from_u8(bits(r.cdw10, 3, 3) as u8),
            bpid: bit(r.cdw10, 31),
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::None
    }
}
