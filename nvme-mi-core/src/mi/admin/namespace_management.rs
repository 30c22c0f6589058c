//! The Namespace Management command (NVMe Base 2.x §5.1.21, opcode 0Dh).
//!
//! SQE DW1 NSID (delete); CDW10 bits 3:0 SEL (0 create, 1 delete); CDW11 bits 31:24 CSI.
//! Create carries the host-specified namespace structure (4096 bytes) as request data.

use super::command::{bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

/// Size of the namespace structure sent with a create.
pub const NAMESPACE_CREATE_DATA_LEN: u32 = 4096;

spec_enum! {
    /// Select, SEL, of Namespace Management (NVMe Base 2.x §5.1.21, CDW10 bits 3:0).
    pub enum NsManagementSel: 4 bits {
        /// Create a namespace (0h).
        Create = 0,
        /// Delete a namespace (1h).
        Delete = 1,
    }
}

/// A Namespace Management command (NVMe Base 2.x §5.1.21).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NamespaceManagement {
    /// Create or delete.
    pub sel: NsManagementSel,
    /// Namespace to delete (0 for create; 0xFFFFFFFF deletes all).
    pub nsid: u32,
    /// Command set identifier of the namespace to create.
    pub csi: u8,
}

impl AdminCommand for NamespaceManagement {
    const OPCODE: AdminOpcode = AdminOpcode::NamespaceManagement;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = field(u32::from(self.sel.to_u8()), 0, 4);
        r.cdw11 = u32::from(self.csi) << 24;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        NamespaceManagement {
            sel: NsManagementSel::from_u8(bits(r.cdw10, 0, 4) as u8),
            nsid: r.nsid,
            csi: (r.cdw11 >> 24) as u8,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        match self.sel {
            NsManagementSel::Create => DataTransfer::HostToDevice(NAMESPACE_CREATE_DATA_LEN),
            _ => DataTransfer::None,
        }
    }
}
