//! The Namespace Attachment command (NVMe Base 2.x §5.1.20, opcode 15h; digest E.5) and its
//! Controller List data (NVMe Base 2.x §5.1.13.2.4 "Controller List": a 16-bit count and up
//! to 2047 16-bit controller IDs, 4096 bytes).

use super::command::{bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;
use crate::mi::{Error, Result};

/// Size of the Controller List data structure.
pub const CONTROLLER_LIST_LEN: u32 = 4096;

/// Most controller IDs a Controller List holds.
pub const CONTROLLER_LIST_MAX: usize = 2047;

spec_enum! {
    /// Select, SEL, of Namespace Attachment.
    pub enum NsAttachmentSel: 4 bits {
        /// Attach the namespace to the listed controllers (0h).
        Attach = 0,
        /// Detach it (1h).
        Detach = 1,
    }
}

/// A Namespace Attachment command; the Controller List is the request data.
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

/// Write a Controller List of `ids` into `out` (count, IDs, zero fill up to 4096 bytes);
/// returns 4096. [`Error::TooLong`] for more than 2047 IDs, [`Error::BufferTooSmall`] if
/// `out` is shorter than 4096 bytes.
///
/// ```
/// use nvme_mi_core::mi::admin::{controller_list, emit_controller_list};
/// let mut buf = [0xaa; 4096];
/// emit_controller_list(&[1, 0x102], &mut buf).unwrap();
/// assert_eq!(&buf[..6], &[2, 0, 1, 0, 2, 1]);
/// let ids: Vec<u16> = controller_list(&buf).unwrap().collect();
/// assert_eq!(ids, [1, 0x102]);
/// ```
pub fn emit_controller_list(ids: &[u16], out: &mut [u8]) -> Result<usize> {
    if ids.len() > CONTROLLER_LIST_MAX {
        return Err(Error::TooLong);
    }
    let out = out
        .get_mut(..CONTROLLER_LIST_LEN as usize)
        .ok_or(Error::BufferTooSmall)?;
    out.fill(0);
    let (count, rest) = out.split_at_mut(2);
    count.copy_from_slice(&(ids.len() as u16).to_le_bytes());
    for (dst, id) in rest.chunks_exact_mut(2).zip(ids) {
        dst.copy_from_slice(&id.to_le_bytes());
    }
    Ok(CONTROLLER_LIST_LEN as usize)
}

/// The controller IDs of a Controller List. The count must fit the bytes given (which may be
/// shorter than 4096) and be at most 2047, else [`Error::InconsistentLength`];
/// [`Error::Truncated`] without the count.
pub fn controller_list(data: &[u8]) -> Result<impl Iterator<Item = u16> + '_> {
    let (count, rest) = match data {
        [a, b, rest @ ..] => (usize::from(u16::from_le_bytes([*a, *b])), rest),
        _ => return Err(Error::Truncated),
    };
    if count > CONTROLLER_LIST_MAX || count * 2 > rest.len() {
        return Err(Error::InconsistentLength);
    }
    Ok(rest
        .chunks_exact(2)
        .take(count)
        .map(|c| u16::from_le_bytes([c[0], c[1]])))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn list_errors() {
        assert_eq!(controller_list(&[1]).err(), Some(Error::Truncated));
        assert_eq!(
            controller_list(&[2, 0, 1, 0]).err(),
            Some(Error::InconsistentLength)
        );
        assert_eq!(controller_list(&[0, 0]).unwrap().count(), 0);
        let mut big = [0u8; 8];
        assert_eq!(
            emit_controller_list(&[1], &mut big),
            Err(Error::BufferTooSmall)
        );
        let many = [0u16; CONTROLLER_LIST_MAX + 1];
        let mut buf = [0u8; 4096];
        assert_eq!(emit_controller_list(&many, &mut buf), Err(Error::TooLong));
        assert!(emit_controller_list(&many[..CONTROLLER_LIST_MAX], &mut buf).is_ok());
        assert_eq!(controller_list(&buf).unwrap().count(), CONTROLLER_LIST_MAX);
    }
}
