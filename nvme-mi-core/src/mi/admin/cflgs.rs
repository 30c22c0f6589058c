//! CFLGS, the command flags byte of an Admin request (NVMe-MI 1.2 §6, Figure 116 byte 5).

/// Command flags of an Admin request (NVMe-MI 1.2 Figure 116, byte 5).
///
/// DLENV and DOFSTV come from NVMe-MI 1.1; endpoints of NVMe-MI 1.2 and later ignore them and
/// always take DLEN and DOFST as valid. Reserved bits 7:3 are not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Cflgs {
    /// DLENV (bit 0): the DLEN field is valid (NVMe-MI 1.1).
    pub dlenv: bool,
    /// DOFSTV (bit 1): the DOFST field is valid (NVMe-MI 1.1).
    pub dofstv: bool,
    /// ISH (bit 2, NVMe-MI 2.x): Ignore Shutdown, process the command even while the
    /// controller is shut down.
    pub ish: bool,
}

impl Cflgs {
    /// Decode the flags byte (reserved bits ignored).
    pub const fn from_u8(v: u8) -> Self {
        Cflgs {
            dlenv: v & 0x01 != 0,
            dofstv: v & 0x02 != 0,
            ish: v & 0x04 != 0,
        }
    }

    /// The flags byte.
    pub const fn to_u8(self) -> u8 {
        (self.dlenv as u8) | ((self.dofstv as u8) << 1) | ((self.ish as u8) << 2)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte() {
        for v in 0..=255u8 {
            assert_eq!(Cflgs::from_u8(v).to_u8(), v & 0x07);
        }
    }
}
