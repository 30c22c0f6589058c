//! Error Information log entry (NVMe Base 2.x §5.1.12.1.2, Log Identifier 01h), 64 bytes each.

use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use crate::mi::admin::NvmeStatus;

/// One Error Information log entry (NVMe Base 2.x §5.1.12.1.2, LID 01h). Field names follow nvme-cli's `error-log`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct ErrorLogEntry {
    /// Error count: unique, increasing; 0 = invalid entry.
    pub error_count: U64,
    /// Submission queue ID of the failed command.
    pub sqid: U16,
    /// Command ID of the failed command.
    pub cmdid: U16,
    /// Status field: bit 0 phase tag, bits 15:1 status (as in CQE DW3 bits 31:16).
    pub status_field: U16,
    /// Parameter error location: bits 7:0 byte, bits 10:8 bit in the command.
    pub parm_error_location: U16,
    /// First LBA that experienced the error.
    pub lba: U64,
    /// Namespace of the error.
    pub nsid: U32,
    /// Vendor specific information available (log page ID, 0 = none).
    pub vs: u8,
    /// Transport type.
    pub trtype: u8,
    /// Command set indicator (I/O command set of the failed command).
    pub csi: u8,
    /// Opcode of the failed command (NVMe 2.1).
    pub opcode: u8,
    /// Command specific information.
    pub cs: U64,
    /// Transport type specific information.
    pub trtype_spec_info: U16,
    /// Reserved.
    pub rsvd42: [u8; 21],
    /// Log page version.
    pub log_page_version: u8,
}

const _: () = assert!(core::mem::size_of::<ErrorLogEntry>() == 64);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for ErrorLogEntry {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "ErrorLogEntry {{ error_count: {=u64}, sqid: {=u16}, cmdid: {=u16}, status_field: {=u16:#x}, parm_error_location: {=u16:#x}, lba: {=u64}, nsid: {=u32} }}",
            self.error_count.get(),
            self.sqid.get(),
            self.cmdid.get(),
            self.status_field.get(),
            self.parm_error_location.get(),
            self.lba.get(),
            self.nsid.get()
        )
    }
}

impl ErrorLogEntry {
    /// The completion status of the failed command (status field bits 15:1).
    pub fn status(&self) -> NvmeStatus {
        NvmeStatus::from_u16(self.status_field.get() >> 1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;

    #[test]
    fn offsets() {
        assert_eq!(offset_of!(ErrorLogEntry, sqid), 8);
        assert_eq!(offset_of!(ErrorLogEntry, status_field), 12);
        assert_eq!(offset_of!(ErrorLogEntry, lba), 16);
        assert_eq!(offset_of!(ErrorLogEntry, nsid), 24);
        assert_eq!(offset_of!(ErrorLogEntry, trtype), 29);
        assert_eq!(offset_of!(ErrorLogEntry, cs), 32);
        assert_eq!(offset_of!(ErrorLogEntry, log_page_version), 63);
    }
}
