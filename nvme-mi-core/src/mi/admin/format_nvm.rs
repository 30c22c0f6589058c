//! The Format NVM command (NVMe Base 2.x §5.1.10 / NVM Command Set, opcode 80h).
//!
//! CDW10 bits 3:0 LBAF, bit 4 MSET, bits 7:5 PI, bit 8 PIL, bits 11:9 SES, bits 13:12 LBAFU.

use super::command::{bit, bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

spec_enum! {
    /// Secure Erase Settings, SES (NVMe Base 2.x Format NVM, CDW10 bits 11:9).
    pub enum SecureEraseSettings: 3 bits {
        /// No secure erase (000b).
        None = 0,
        /// User data erase (001b).
        UserDataErase = 1,
        /// Cryptographic erase (010b).
        CryptographicErase = 2,
    }
}

/// A Format NVM command (NVMe Base 2.x §5.1.10).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FormatNvm {
    /// Namespace ID (0xFFFFFFFF: all namespaces).
    pub nsid: u32,
    /// LBA format index, low 4 bits.
    pub lbaf: u8,
    /// Metadata settings: 1 = metadata at the end of each LBA.
    pub mset: bool,
    /// Protection information type (3 bits).
    pub pi: u8,
    /// Protection information location: 1 = first bytes of metadata.
    pub pil: bool,
    /// Secure erase settings.
    pub ses: SecureEraseSettings,
    /// LBA format index, high 2 bits.
    pub lbafu: u8,
}

impl FormatNvm {
    /// Format `nsid` to LBA format `index` (0..=63), no PI, no secure erase.
    pub const fn new(nsid: u32, index: u8) -> Self {
        FormatNvm {
            nsid,
            lbaf: index & 0x0f,
            mset: false,
            pi: 0,
            pil: false,
            ses: SecureEraseSettings::None,
            lbafu: (index >> 4) & 0x03,
        }
    }

    /// The full LBA format index (LBAFU:LBAF).
    pub const fn format_index(&self) -> u8 {
        (self.lbaf & 0x0f) | ((self.lbafu & 0x03) << 4)
    }
}

impl AdminCommand for FormatNvm {
    const OPCODE: AdminOpcode = AdminOpcode::FormatNvm;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = field(u32::from(self.lbaf), 0, 4)
            | field(u32::from(self.mset), 4, 1)
            | field(u32::from(self.pi), 5, 3)
            | field(u32::from(self.pil), 8, 1)
            | field(u32::from(self.ses.to_u8()), 9, 3)
            | field(u32::from(self.lbafu), 12, 2);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        FormatNvm {
            nsid: r.nsid,
            lbaf: bits(r.cdw10, 0, 4) as u8,
            mset: bit(r.cdw10, 4),
            pi: bits(r.cdw10, 5, 3) as u8,
            pil: bit(r.cdw10, 8),
            ses: SecureEraseSettings::from_u8(bits(r.cdw10, 9, 3) as u8),
            lbafu: bits(r.cdw10, 12, 2) as u8,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::None
    }
}
