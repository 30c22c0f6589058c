//! The Device Self-test command (NVMe Base 2.x §5.1.6, opcode 14h).
//!
//! SQE DW1 NSID; CDW10 bits 3:0 STC (self-test code).

use super::command::{bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

spec_enum! {
    /// Self-test Code, STC (NVMe Base 2.x §5.1.6, CDW10 bits 3:0).
    pub enum Stc: 4 bits {
        /// Start a short self-test (1h).
        Short = 0x1,
        /// Start an extended self-test (2h).
        Extended = 0x2,
        /// Start a host-initiated refresh (3h, NVMe 2.1).
        HostInitiatedRefresh = 0x3,
        /// Start a vendor specific self-test (Eh).
        VendorSpecific = 0xe,
        /// Abort the self-test in progress (Fh).
        Abort = 0xf,
    }
}

/// A Device Self-test command (NVMe Base 2.x §5.1.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceSelfTest {
    /// Namespaces to test: 0 none (controller only), 0xFFFFFFFF all, or one NSID.
    pub nsid: u32,
    /// What to do.
    pub stc: Stc,
}

impl AdminCommand for DeviceSelfTest {
    const OPCODE: AdminOpcode = AdminOpcode::DeviceSelfTest;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = field(u32::from(self.stc.to_u8()), 0, 4);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        DeviceSelfTest {
            nsid: r.nsid,
            stc: Stc::from_u8(bits(r.cdw10, 0, 4) as u8),
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::None
    }
}
