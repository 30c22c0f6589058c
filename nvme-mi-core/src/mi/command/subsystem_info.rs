use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::fixed::{emit_fixed, parse_fixed, DATA_STRUCTURE_LEN};
use crate::mi::Result;

/// NVM Subsystem Information, Read NVMe-MI Data Structure type 0x00 (NVMe-MI 1.2 §5.7).
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(C)]
pub struct NvmSubsystemInformation {
    /// NUMP: number of ports, 0-based.
    pub nump: u8,
    /// MJR: NVMe-MI major version.
    pub mjr: u8,
    /// MNR: NVMe-MI minor version.
    pub mnr: u8,
    /// NNSC: NVM subsystem capabilities (bit 0 SRE, NVMe-MI 2.x).
    pub nnsc: u8,
    /// Reserved.
    pub rsvd: [u8; 28],
}

impl NvmSubsystemInformation {
    /// Encoded length.
    pub const LEN: usize = DATA_STRUCTURE_LEN;

    /// NNSC bit 0: Status Reporting Enhancements supported.
    pub const NNSC_SRE: u8 = 0x01;

    /// A structure for `ports` ports (1..=256) implementing NVMe-MI `major`.`minor`.
    pub const fn new(ports: u16, major: u8, minor: u8) -> Self {
        NvmSubsystemInformation {
            nump: ports.saturating_sub(1) as u8,
            mjr: major,
            mnr: minor,
            nnsc: 0,
            rsvd: [0; 28],
        }
    }

    /// The number of ports (NUMP + 1).
    pub const fn port_count(&self) -> u16 {
        self.nump as u16 + 1
    }

    /// Status Reporting Enhancements supported (NNSC bit 0).
    pub const fn sre(&self) -> bool {
        self.nnsc & Self::NNSC_SRE != 0
    }

    /// Decode from the start of `data` (see [`NvmSubsystemInformation::LEN`]).
    pub fn parse(data: &[u8]) -> Result<Self> {
        parse_fixed(data)
    }

    /// Write the 32 bytes into `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        emit_fixed(self.as_bytes(), buf)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::Error;

    #[test]
    fn fields() {
        let s = NvmSubsystemInformation::new(2, 1, 2);
        let mut buf = [0u8; 32];
        assert_eq!(s.emit(&mut buf), Ok(32));
        assert_eq!(&buf[..4], &[1, 1, 2, 0]);
        assert_eq!(NvmSubsystemInformation::parse(&buf), Ok(s));
        assert_eq!(s.port_count(), 2);
        assert!(!s.sre());
        assert_eq!(
            NvmSubsystemInformation::parse(&buf[..31]),
            Err(Error::Truncated)
        );
        assert_eq!(s.emit(&mut buf[..31]), Err(Error::BufferTooSmall));
    }
}
