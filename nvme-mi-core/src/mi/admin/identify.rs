//! The Identify command (NVMe Base 2.x §5.1.13, opcode 06h).
//!
//! CDW10 bits 7:0 CNS, bits 31:16 CNTID; CDW11 bits 15:0 CNS specific identifier, bits 31:24
//! CSI; CDW14 bits 6:0 UUID index. Returns a 4096-byte data structure.

use super::command::{bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

/// Size of every Identify data structure.
pub const IDENTIFY_DATA_LEN: u32 = 4096;

spec_enum! {
    /// Controller or Namespace Structure, CNS: which data structure Identify returns
    /// (NVMe Base 2.x Figure "CNS Values").
    pub enum Cns: 8 bits {
        /// Identify Namespace for NSID (00h).
        Namespace = 0x00,
        /// Identify Controller (01h).
        Controller = 0x01,
        /// Active namespace ID list (02h).
        ActiveNamespaceList = 0x02,
        /// Namespace identification descriptor list (03h).
        NamespaceDescriptorList = 0x03,
        /// NVM set list (04h).
        NvmSetList = 0x04,
        /// I/O command set specific Identify Namespace (05h).
        CsiNamespace = 0x05,
        /// I/O command set specific Identify Controller (06h).
        CsiController = 0x06,
        /// I/O command set specific active namespace ID list (07h).
        CsiActiveNamespaceList = 0x07,
        /// I/O command set independent Identify Namespace (08h).
        CsIndependentNamespace = 0x08,
        /// Allocated namespace ID list (10h).
        AllocatedNamespaceList = 0x10,
        /// Identify Namespace for an allocated NSID (11h).
        AllocatedNamespace = 0x11,
        /// Controllers attached to the namespace (12h).
        NamespaceControllerList = 0x12,
        /// All controllers in the NVM subsystem (13h).
        ControllerList = 0x13,
        /// Primary controller capabilities (14h).
        PrimaryControllerCapabilities = 0x14,
        /// Secondary controller list (15h).
        SecondaryControllerList = 0x15,
        /// Namespace granularity list (16h).
        NamespaceGranularityList = 0x16,
        /// UUID list (17h).
        UuidList = 0x17,
        /// Domain list (18h).
        DomainList = 0x18,
        /// Endurance group list (19h).
        EnduranceGroupList = 0x19,
        /// I/O command set specific allocated namespace ID list (1Ah).
        CsiAllocatedNamespaceList = 0x1a,
        /// I/O command set specific Identify Namespace for an allocated NSID (1Bh).
        CsiAllocatedNamespace = 0x1b,
        /// I/O command set data structure (1Ch).
        CommandSetStructure = 0x1c,
    }
}

/// An Identify command (NVMe Base 2.x §5.1.13).
///
/// ```
/// use nvme_mi_core::mi::admin::{AdminCommand, AdminRequestRepr, Cns, Identify};
/// let id = Identify { cntid: 3, ..Identify::new(Cns::ControllerList) };
/// let r = AdminRequestRepr::for_command(0, &id);
/// assert_eq!(r.cdw10, 0x0003_0013);
/// assert_eq!(Identify::from_request(&r), Ok(id));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Identify {
    /// Which data structure to return.
    pub cns: Cns,
    /// Namespace ID (SQE DW1), for the namespace CNS values.
    pub nsid: u32,
    /// Controller ID (CDW10 bits 31:16), for the controller list CNS values.
    pub cntid: u16,
    /// CNS specific identifier (CDW11 bits 15:0): NVM set, endurance group or domain ID.
    pub cns_specific_id: u16,
    /// Command set identifier (CDW11 bits 31:24), for the I/O command set specific CNS values.
    pub csi: u8,
    /// UUID index (CDW14 bits 6:0).
    pub uuid_index: u8,
}

impl Identify {
    /// An Identify for `cns` with every other field 0.
    pub const fn new(cns: Cns) -> Self {
        Identify {
            cns,
            nsid: 0,
            cntid: 0,
            cns_specific_id: 0,
            csi: 0,
            uuid_index: 0,
        }
    }

    /// Identify Controller (CNS 01h).
    pub const fn controller() -> Self {
        Identify::new(Cns::Controller)
    }

    /// Identify Namespace (CNS 00h) for `nsid`.
    pub const fn namespace(nsid: u32) -> Self {
        Identify {
            nsid,
            ..Identify::new(Cns::Namespace)
        }
    }
}

impl AdminCommand for Identify {
    const OPCODE: AdminOpcode = AdminOpcode::Identify;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = u32::from(self.cns.to_u8()) | (u32::from(self.cntid) << 16);
        r.cdw11 = u32::from(self.cns_specific_id) | (u32::from(self.csi) << 24);
        r.cdw14 = field(u32::from(self.uuid_index), 0, 7);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        Identify {
            cns: Cns::from_u8(r.cdw10 as u8),
            nsid: r.nsid,
            cntid: (r.cdw10 >> 16) as u16,
            cns_specific_id: r.cdw11 as u16,
            csi: (r.cdw11 >> 24) as u8,
            uuid_index: bits(r.cdw14, 0, 7) as u8,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::DeviceToHost(IDENTIFY_DATA_LEN)
    }
}
