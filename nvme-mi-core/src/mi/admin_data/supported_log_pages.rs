//! Supported Log Pages log page (NVMe Base 2.0 §5.16.1.1, Log Identifier 00h), 1024 bytes:
//! one LID Supported and Effects dword per log identifier.

use zerocopy::little_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// LID Supported and Effects bit 0, LSUPP: the log page is supported.
pub const LSUPP: u32 = 1 << 0;
/// LID Supported and Effects bit 1, IOS: the Index Offset type of Get Log Page is supported.
pub const IOS: u32 = 1 << 1;

/// Supported Log Pages log (NVMe Base 2.0 §5.16.1.1, LID 00h): dword `n` is the LID Supported
/// and Effects data structure of log identifier `n`.
///
/// ```
/// use nvme_mi_core::mi::admin_data::{AdminData, SupportedLogPages, LSUPP};
/// use zerocopy::{FromZeros, IntoBytes};
/// let mut log = SupportedLogPages::new_zeroed();
/// log.set(0x02, LSUPP);
/// log.set(0x81, LSUPP);
/// let view = SupportedLogPages::view(log.as_bytes()).unwrap();
/// assert!(view.supported(0x02) && !view.supported(0x03));
/// assert_eq!(view.iter().map(|(lid, _)| lid).collect::<Vec<_>>(), [0x02, 0x81]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct SupportedLogPages {
    /// LID Supported and Effects of each log identifier 00h..=FFh.
    pub lids: [U32; 256],
}

const _: () = assert!(core::mem::size_of::<SupportedLogPages>() == 1024);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for SupportedLogPages {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "SupportedLogPages {{ {=usize} supported }}",
            self.iter().count()
        )
    }
}

impl SupportedLogPages {
    /// The LID Supported and Effects dword of `lid`.
    pub fn get(&self, lid: u8) -> u32 {
        self.lids[usize::from(lid)].get()
    }

    /// Set the LID Supported and Effects dword of `lid`.
    pub fn set(&mut self, lid: u8, value: u32) {
        self.lids[usize::from(lid)].set(value);
    }

    /// Is log page `lid` supported (LSUPP)?
    pub fn supported(&self, lid: u8) -> bool {
        self.get(lid) & LSUPP != 0
    }

    /// The supported log identifiers in increasing order, each with its dword.
    pub fn iter(&self) -> impl Iterator<Item = (u8, u32)> + '_ {
        (0..=u8::MAX)
            .map(|lid| (lid, self.get(lid)))
            .filter(|(_, v)| v & LSUPP != 0)
    }
}
