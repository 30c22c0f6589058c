//! The Namespace Attachment command (NVMe Base 2.x §5.1.20, opcode 15h).
//!
//! SQE DW1 NSID; CDW10 bits 3:0 SEL. The request data is a Controller List (NVMe Base 2.x
//! "Controller List": a 16-bit count and up to 2047 16-bit controller IDs), encoded and
//! decoded with [`ControllerList`](crate::mi::command::ControllerList), the same structure
//! Read NVMe-MI Data Structure returns.

use super::command::{bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;

/// Size of the Controller List data structure, the most request data the command takes.
pub const CONTROLLER_LIST_LEN: u32 = 4096;

spec_enum! {
    /// Select, SEL, of Namespace Attachment (NVMe Base 2.x §5.1.20, CDW10 bits 3:0).
    pub enum NsAttachmentSel: 4 bits {
        /// Attach the namespace to the listed controllers (0h).
        Attach = 0,
        /// Detach it (1h).
        Detach = 1,
    }
}

/// A Namespace Attachment command (NVMe Base 2.x §5.1.20); the Controller List
/// is the request data.
///
/// [`AdminRequestRepr::for_command`] sets DLEN to the whole 4096-byte list; a shorter list
/// (its encoded length rounded up to 4 bytes) is accepted too if DLEN says so.
///
/// ```
/// use nvme_mi_core::mi::admin::{AdminRequestRepr, NamespaceAttachment, NsAttachmentSel};
/// use nvme_mi_core::mi::command::ControllerList;
/// use zerocopy::little_endian::U16;
/// let cmd = NamespaceAttachment { sel: NsAttachmentSel::Attach, nsid: 1 };
/// let mut list = [0u8; 4096];
/// ControllerList::emit(&[U16::new(1), U16::new(2)], &mut list).unwrap();
/// let mut msg = vec![0u8; 72 + 4096];
/// AdminRequestRepr::for_command(0, &cmd).emit_message(&list, &mut msg).unwrap();
/// let req = nvme_mi_core::mi::admin::decode_request(&msg).unwrap();
/// let ids: Vec<u16> = ControllerList::parse(req.data).unwrap().iter().collect();
/// assert_eq!(ids, [1, 2]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct NamespaceAttachment {
    /// Attach or detach.
    pub sel: NsAttachmentSel,
    /// The namespace.
    pub nsid: u32,
}

impl AdminCommand for NamespaceAttachment {
    const OPCODE: AdminOpcode = AdminOpcode::NamespaceAttachment;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = field(u32::from(self.sel.to_u8()), 0, 4);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        NamespaceAttachment {
            sel: NsAttachmentSel::from_u8(bits(r.cdw10, 0, 4) as u8),
            nsid: r.nsid,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::HostToDevice(CONTROLLER_LIST_LEN)
    }
}
