//! Sanitize Status log page (NVMe Base 2.0 §5.16.1, Log Identifier 81h), 512 bytes: the
//! progress and outcome of the latest sanitize operation and the estimated times of each
//! kind.

use zerocopy::little_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Sanitize Status log (NVMe Base 2.0 §5.16.1, Figure "Sanitize Status Log Page", LID 81h).
/// Field names follow nvme-cli's `sanitize-log`.
///
/// ```
/// use nvme_mi_core::mi::admin_data::{AdminData, SanitizeStatusLog};
/// use zerocopy::{FromZeros, IntoBytes};
/// let mut log = SanitizeStatusLog::new_zeroed();
/// log.sprog.set(0xffff);
/// log.sstat.set(0x0101); // completed, global data erased
/// let view = SanitizeStatusLog::view(log.as_bytes()).unwrap();
/// assert_eq!(view.status(), 1);
/// assert!(view.global_data_erased());
/// assert_eq!(view.passes(), 0);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct SanitizeStatusLog {
    /// Sanitize Progress: fraction complete, in 65536ths (FFFFh when none is in progress).
    pub sprog: U16,
    /// Sanitize Status: bits 2:0 status, bits 7:3 overwrite passes completed, bit 8 Global
    /// Data Erased.
    pub sstat: U16,
    /// Sanitize Command Dword 10 of the command that started the operation.
    pub scdw10: U32,
    /// Estimated time for Overwrite, seconds (FFFFFFFFh = not reported).
    pub eto: U32,
    /// Estimated time for Block Erase, seconds.
    pub etbe: U32,
    /// Estimated time for Crypto Erase, seconds.
    pub etce: U32,
    /// Estimated time for Overwrite with No-Deallocate Modifies Media, seconds.
    pub etond: U32,
    /// Estimated time for Block Erase with No-Deallocate Modifies Media, seconds.
    pub etbend: U32,
    /// Estimated time for Crypto Erase with No-Deallocate Modifies Media, seconds.
    pub etcend: U32,
    /// Reserved.
    pub rsvd32: [u8; 480],
}

const _: () = assert!(core::mem::size_of::<SanitizeStatusLog>() == 512);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for SanitizeStatusLog {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "SanitizeStatusLog {{ sprog: {=u16}, sstat: {=u16:#x} }}",
            self.sprog.get(),
            self.sstat.get()
        )
    }
}

impl SanitizeStatusLog {
    /// SSTAT bits 2:0: 0 never sanitized, 1 completed successfully, 2 in progress, 3 failed,
    /// 4 completed successfully with No-Deallocate After Sanitize.
    pub fn status(&self) -> u8 {
        (self.sstat.get() & 0x7) as u8
    }

    /// SSTAT bits 7:3: the overwrite passes completed.
    pub fn passes(&self) -> u8 {
        ((self.sstat.get() >> 3) & 0x1f) as u8
    }

    /// SSTAT bit 8: nothing has been written since manufacture or the last successful sanitize.
    pub fn global_data_erased(&self) -> bool {
        self.sstat.get() & 0x100 != 0
    }
}
