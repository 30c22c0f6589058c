//! Identify Namespace data structure for the NVM Command Set (NVMe NVM Command Set 1.x §4.1.5.1,
//! CNS 00h), 4096 bytes.

use super::lba_format::LbaFormat;
use zerocopy::little_endian::{U128, U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Identify Namespace data (NVMe NVM Command Set §4.1.5.1, CNS 00h). Field names are those nvme-cli's `id-ns` prints.
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct IdentifyNamespace {
    /// Namespace size in logical blocks.
    pub nsze: U64,
    /// Namespace capacity in logical blocks.
    pub ncap: U64,
    /// Namespace utilization in logical blocks.
    pub nuse: U64,
    /// Namespace features.
    pub nsfeat: u8,
    /// Number of LBA formats, 0-based.
    pub nlbaf: u8,
    /// Formatted LBA size: bits 3:0 format index low, bit 4 metadata at end of LBA, bits 6:5
    /// format index high.
    pub flbas: u8,
    /// Metadata capabilities.
    pub mc: u8,
    /// End-to-end data protection capabilities.
    pub dpc: u8,
    /// End-to-end data protection type settings.
    pub dps: u8,
    /// Namespace multi-path I/O and namespace sharing capabilities.
    pub nmic: u8,
    /// Reservation capabilities.
    pub rescap: u8,
    /// Format progress indicator.
    pub fpi: u8,
    /// Deallocate logical block features.
    pub dlfeat: u8,
    /// Namespace atomic write unit normal.
    pub nawun: U16,
    /// Namespace atomic write unit power fail.
    pub nawupf: U16,
    /// Namespace atomic compare & write unit.
    pub nacwu: U16,
    /// Namespace atomic boundary size normal.
    pub nabsn: U16,
    /// Namespace atomic boundary offset.
    pub nabo: U16,
    /// Namespace atomic boundary size power fail.
    pub nabspf: U16,
    /// Namespace optimal I/O boundary.
    pub noiob: U16,
    /// NVM capacity in bytes (bytes 63:48).
    pub nvmcap: U128,
    /// Namespace preferred write granularity.
    pub npwg: U16,
    /// Namespace preferred write alignment.
    pub npwa: U16,
    /// Namespace preferred deallocate granularity.
    pub npdg: U16,
    /// Namespace preferred deallocate alignment.
    pub npda: U16,
    /// Namespace optimal write size.
    pub nows: U16,
    /// Maximum single source range length.
    pub mssrl: U16,
    /// Maximum copy length.
    pub mcl: U32,
    /// Maximum source range count.
    pub msrc: u8,
    /// Reserved (key per I/O status in NVMe 2.1).
    pub rsvd81: u8,
    /// Number of unique capability LBA formats.
    pub nulbaf: u8,
    /// Reserved.
    pub rsvd83: [u8; 9],
    /// ANA group identifier.
    pub anagrpid: U32,
    /// Reserved.
    pub rsvd96: [u8; 3],
    /// Namespace attributes.
    pub nsattr: u8,
    /// NVM set identifier.
    pub nvmsetid: U16,
    /// Endurance group identifier.
    pub endgid: U16,
    /// Namespace globally unique identifier (bytes 119:104).
    pub nguid: [u8; 16],
    /// IEEE extended unique identifier (bytes 127:120).
    pub eui64: [u8; 8],
    /// LBA formats 0..=63 (bytes 383:128).
    pub lbaf: [LbaFormat; 64],
    /// Reserved.
    pub rsvd384: [u8; 3456],
    /// Vendor specific (bytes 4095:3840).
    pub vs: [u8; 256],
}

const _: () = assert!(core::mem::size_of::<IdentifyNamespace>() == 4096);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for IdentifyNamespace {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "IdentifyNamespace {{ nsze: {=u64}, ncap: {=u64}, nuse: {=u64}, nlbaf: {=u8}, flbas: {=u8:#x} }}",
            self.nsze.get(),
            self.ncap.get(),
            self.nuse.get(),
            self.nlbaf,
            self.flbas
        )
    }
}

impl IdentifyNamespace {
    /// The index of the LBA format in use (FLBAS bits 3:0 with bits 6:5 as bits 5:4).
    pub fn flbas_index(&self) -> u8 {
        (self.flbas & 0x0f) | ((self.flbas >> 1) & 0x30)
    }

    /// The LBA format in use, if its index is within the table.
    pub fn current_lba_format(&self) -> Option<&LbaFormat> {
        self.lbaf.get(usize::from(self.flbas_index()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;
    use zerocopy::FromZeros;

    #[test]
    fn offsets() {
        assert_eq!(offset_of!(IdentifyNamespace, nsfeat), 24);
        assert_eq!(offset_of!(IdentifyNamespace, flbas), 26);
        assert_eq!(offset_of!(IdentifyNamespace, nawun), 34);
        assert_eq!(offset_of!(IdentifyNamespace, nvmcap), 48);
        assert_eq!(offset_of!(IdentifyNamespace, anagrpid), 92);
        assert_eq!(offset_of!(IdentifyNamespace, nguid), 104);
        assert_eq!(offset_of!(IdentifyNamespace, eui64), 120);
        assert_eq!(offset_of!(IdentifyNamespace, lbaf), 128);
        assert_eq!(offset_of!(IdentifyNamespace, vs), 3840);
    }

    #[test]
    fn current_format() {
        let mut ns = IdentifyNamespace::new_zeroed();
        ns.lbaf[1] = LbaFormat::new(8, 12, 0);
        ns.lbaf[17] = LbaFormat::new(0, 9, 2);
        ns.flbas = 0x01;
        assert_eq!(ns.current_lba_format().unwrap().block_size(), Some(4096));
        // index 17 = low nibble 1, high bits 01 at bits 6:5.
        ns.flbas = 0x21;
        assert_eq!(ns.flbas_index(), 17);
        assert_eq!(ns.current_lba_format().unwrap().ms.get(), 0);
        assert_eq!(ns.current_lba_format().unwrap().block_size(), Some(512));
        assert_eq!(LbaFormat::new(0, 0, 0).block_size(), None);
    }
}
