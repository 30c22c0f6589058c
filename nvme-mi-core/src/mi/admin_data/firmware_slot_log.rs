//! Firmware Slot Information log page (NVMe Base 2.x §5.1.12.1.4, Log Identifier 03h),
//! 512 bytes.

use super::ascii::{set_ascii, trim_ascii};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Firmware Slot Information log (NVMe Base 2.x §5.1.12.1.4, LID 03h). Field names follow nvme-cli's `fw-log`.
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct FirmwareSlotLog {
    /// Active firmware info: bits 2:0 active slot, bits 6:4 slot activated at next reset.
    pub afi: u8,
    /// Reserved.
    pub rsvd1: [u8; 7],
    /// Firmware revision of slots 1..=7, ASCII, space padded (all zero = empty slot).
    pub frs: [[u8; 8]; 7],
    /// Reserved.
    pub rsvd64: [u8; 448],
}

const _: () = assert!(core::mem::size_of::<FirmwareSlotLog>() == 512);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for FirmwareSlotLog {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "FirmwareSlotLog {{ afi: {=u8:#x} }}", self.afi)
    }
}

impl FirmwareSlotLog {
    /// The slot (1..=7) the running firmware was loaded from.
    pub fn active_slot(&self) -> u8 {
        self.afi & 0x07
    }

    /// The slot that will be activated at the next controller reset, if any (0 = none).
    pub fn next_slot(&self) -> u8 {
        (self.afi >> 4) & 0x07
    }

    /// The revision in `slot` (1..=7) without padding; `None` for a slot number out of range.
    pub fn revision(&self, slot: u8) -> Option<&str> {
        let i = usize::from(slot).checked_sub(1)?;
        self.frs.get(i).map(|r| trim_ascii(r))
    }

    /// Store a revision in `slot` (1..=7); other slot numbers are ignored.
    pub fn set_revision(&mut self, slot: u8, rev: &str) {
        if let Some(r) = usize::from(slot)
            .checked_sub(1)
            .and_then(|i| self.frs.get_mut(i))
        {
            set_ascii(r, rev);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::FromZeros;

    #[test]
    fn slots() {
        let mut log = FirmwareSlotLog::new_zeroed();
        log.afi = 0x21;
        log.set_revision(1, "1.0");
        log.set_revision(8, "bad");
        assert_eq!(log.active_slot(), 1);
        assert_eq!(log.next_slot(), 2);
        assert_eq!(log.revision(1), Some("1.0"));
        assert_eq!(log.revision(2), Some(""));
        assert_eq!(log.revision(0), None);
        assert_eq!(log.revision(8), None);
        assert_eq!(core::mem::offset_of!(FirmwareSlotLog, frs), 8);
    }
}
