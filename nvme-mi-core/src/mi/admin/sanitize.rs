//! The Sanitize command (NVMe Base 2.x §5.1.22, opcode 84h).
//!
//! CDW10 bits 2:0 SANACT, bit 3 AUSE, bits 7:4 OWPASS, bit 8 OIPBP, bit 9 NODAS; CDW11 OVRPAT.

use super::command::{bit, bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

spec_enum! {
    /// Sanitize Action, SANACT (NVMe Base 2.x §5.1.22, CDW10 bits 2:0).
    pub enum Sanact: 3 bits {
        /// Exit failure mode (001b).
        ExitFailureMode = 1,
        /// Start a block erase sanitize operation (010b).
        BlockErase = 2,
        /// Start an overwrite sanitize operation (011b).
        Overwrite = 3,
        /// Start a crypto erase sanitize operation (100b).
        CryptoErase = 4,
        /// Exit media verification state (101b, NVMe 2.1).
        ExitMediaVerification = 5,
    }
}

/// A Sanitize command (NVMe Base 2.x §5.1.22).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Sanitize {
    /// Sanitize action.
    pub sanact: Sanact,
    /// Allow unrestricted sanitize exit.
    pub ause: bool,
    /// Overwrite pass count (4 bits; 0 means 16).
    pub owpass: u8,
    /// Overwrite invert pattern between passes.
    pub oipbp: bool,
    /// No deallocate after sanitize.
    pub nodas: bool,
    /// Overwrite pattern (CDW11).
    pub ovrpat: u32,
}

impl Sanitize {
    /// A sanitize with action `sanact` and every option clear.
    pub const fn new(sanact: Sanact) -> Self {
        Sanitize {
            sanact,
            ause: false,
            owpass: 0,
            oipbp: false,
            nodas: false,
            ovrpat: 0,
        }
    }
}

impl AdminCommand for Sanitize {
    const OPCODE: AdminOpcode = AdminOpcode::Sanitize;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw10 = field(u32::from(self.sanact.to_u8()), 0, 3)
            | field(u32::from(self.ause), 3, 1)
            | field(u32::from(self.owpass), 4, 4)
            | field(u32::from(self.oipbp), 8, 1)
            | field(u32::from(self.nodas), 9, 1);
        r.cdw11 = self.ovrpat;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        Sanitize {
            sanact: Sanact::from_u8(bits(r.cdw10, 0, 3) as u8),
            ause: bit(r.cdw10, 3),
            owpass: bits(r.cdw10, 4, 4) as u8,
            oipbp: bit(r.cdw10, 8),
            nodas: bit(r.cdw10, 9),
            ovrpat: r.cdw11,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::None
    }
}
