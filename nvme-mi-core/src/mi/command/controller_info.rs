use zerocopy::little_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::fixed::{emit_fixed, parse_fixed, DATA_STRUCTURE_LEN};
use crate::mi::Result;

/// Controller Information, Read NVMe-MI Data Structure type 0x03 (NVMe-MI 1.2 §5.7).
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
#[repr(C)]
pub struct ControllerInformation {
    /// PORTID: the PCIe port of the controller.
    pub portid: u8,
    /// Reserved.
    pub rsvd1: [u8; 4],
    /// PRII: bit 0 PCIERIV, the PCIe routing ID is valid.
    pub prii: u8,
    /// PRI: PCIe routing ID (bus 15:8, device 7:3, function 2:0).
    pub pri: U16,
    /// PCI vendor ID.
    pub pcivid: U16,
    /// PCI device ID.
    pub pcidid: U16,
    /// PCI subsystem vendor ID.
    pub pcisvid: U16,
    /// PCI subsystem device ID.
    pub pcisdid: U16,
    /// PCIESN: PCIe segment number (NVMe-MI 2.x; reserved in 1.2).
    pub pciesn: u8,
    /// Reserved.
    pub rsvd17: [u8; 15],
}

#[cfg(feature = "defmt")]
impl defmt::Format for ControllerInformation {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "ControllerInformation {{ portid: {}, pri: {=u16:#x}, vid: {=u16:#x}, did: {=u16:#x} }}",
            self.portid,
            self.pri.get(),
            self.pcivid.get(),
            self.pcidid.get()
        )
    }
}

impl ControllerInformation {
    /// Encoded length.
    pub const LEN: usize = DATA_STRUCTURE_LEN;

    /// PCIe Routing ID valid (PRII bit 0).
    pub const fn routing_id_valid(&self) -> bool {
        self.prii & 1 != 0
    }

    /// The PCIe routing ID as (bus, device, function), if valid.
    pub const fn routing_id(&self) -> Option<(u8, u8, u8)> {
        if !self.routing_id_valid() {
            return None;
        }
        let v = self.pri.get();
        Some(((v >> 8) as u8, ((v >> 3) & 0x1f) as u8, (v & 7) as u8))
    }

    /// Set PRI from (bus, device 0..=31, function 0..=7) and mark it valid.
    pub fn set_routing_id(&mut self, bus: u8, device: u8, function: u8) {
        self.pri =
            U16::new(((bus as u16) << 8) | (((device & 0x1f) as u16) << 3) | (function & 7) as u16);
        self.prii |= 1;
    }

    /// Decode from the start of `data`.
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

    #[test]
    fn fields() {
        let mut c = ControllerInformation {
            portid: 1,
            pcivid: U16::new(0x8086),
            ..Default::default()
        };
        assert_eq!(c.routing_id(), None);
        c.set_routing_id(0x3b, 2, 1);
        assert_eq!(c.routing_id(), Some((0x3b, 2, 1)));
        let mut buf = [0u8; 32];
        c.emit(&mut buf).unwrap();
        assert_eq!(&buf[..10], &[1, 0, 0, 0, 0, 1, 0x11, 0x3b, 0x86, 0x80]);
        assert_eq!(ControllerInformation::parse(&buf), Ok(c));
        assert!(ControllerInformation::parse(&buf[..31]).is_err());
    }
}
