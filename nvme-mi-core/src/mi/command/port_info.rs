use zerocopy::little_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::fixed::{emit_fixed, parse_fixed, DATA_STRUCTURE_LEN};
use super::SmbusFrequency;
use crate::mi::Result;

/// Port Type, PRTTYP (NVMe-MI 1.2 §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PortType {
    /// Inactive (0).
    Inactive,
    /// PCI Express (1).
    Pcie,
    /// 2-Wire: SMBus/I2C (2).
    TwoWire,
    /// A reserved value, kept as received.
    Unknown(u8),
}

impl PortType {
    /// Decode PRTTYP.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => PortType::Inactive,
            1 => PortType::Pcie,
            2 => PortType::TwoWire,
            other => PortType::Unknown(other),
        }
    }

    /// The PRTTYP byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            PortType::Inactive => 0,
            PortType::Pcie => 1,
            PortType::TwoWire => 2,
            PortType::Unknown(v) => v,
        }
    }
}

mi_flags! {
    /// Port Capabilities, PRTCAP (NVMe-MI 2.x §5.7).
    PortCapabilities(u8) {
        /// CIAPS: Command Initiated Auto Pause supported.
        const CIAPS = 0x01;
        /// AEMS: Asynchronous Event Messages supported.
        const AEMS = 0x02;
    }
}

/// The PCIe-specific part of Port Information, bytes 31:8 (NVMe-MI 1.2 §5.7).
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
pub struct PciePortData {
    /// PCIEMPS: maximum payload size (0 = 128 bytes … 5 = 4096 bytes).
    pub pciemps: u8,
    /// PCIESLSV: supported link speeds (bit 0 2.5 GT/s … bit 5 64 GT/s).
    pub pcieslsv: u8,
    /// PCIECLS: current link speed (0 = not active, 1 = 2.5 GT/s … 6 = 64 GT/s).
    pub pciecls: u8,
    /// PCIEMLW: maximum link width.
    pub pciemlw: u8,
    /// PCIENLW: negotiated link width (0 = inactive).
    pub pcienlw: u8,
    /// PCIEPN: PCIe port number.
    pub pciepn: u8,
    /// Reserved.
    pub rsvd: [u8; 18],
}

impl PciePortData {
    /// The maximum payload size in bytes, if PCIEMPS holds a defined value.
    pub const fn max_payload_bytes(&self) -> Option<u16> {
        if self.pciemps <= 5 {
            Some(128 << self.pciemps)
        } else {
            None
        }
    }
}

/// The 2-Wire (SMBus/I2C) specific part of Port Information, bytes 31:8 (NVMe-MI 1.2 §5.7).
/// Whether the addresses are in 7-bit or 8-bit form is not checked against the specification.
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
pub struct TwoWirePortData {
    /// CVPDADDR: current VPD address (0 = none).
    pub cvpdaddr: u8,
    /// MVPDFREQ: maximum VPD access frequency (0 = not supported, 1 = 100 kHz, ...).
    pub mvpdfreq: u8,
    /// CMEADDR: current management endpoint address (0 = none).
    pub cmeaddr: u8,
    /// TWPRT: bits 1:0 MSMBFREQ (maximum SMBus/I2C frequency), bit 7 I3C supported (2.x).
    pub twprt: u8,
    /// NVMEBM: bit 0 NVMe Basic Management Command supported.
    pub nvmebm: u8,
    /// Reserved.
    pub rsvd: [u8; 19],
}

impl TwoWirePortData {
    /// Maximum VPD access frequency; `None` if VPD access is not supported (0).
    pub const fn max_vpd_frequency(&self) -> Option<SmbusFrequency> {
        match self.mvpdfreq {
            0 => None,
            v => Some(SmbusFrequency::from_u8(v)),
        }
    }

    /// Maximum SMBus/I2C frequency (TWPRT bits 1:0); `None` for 0.
    pub const fn max_smbus_frequency(&self) -> Option<SmbusFrequency> {
        match self.twprt & 0x03 {
            0 => None,
            v => Some(SmbusFrequency::from_u8(v)),
        }
    }

    /// I3C supported (TWPRT bit 7, NVMe-MI 2.x).
    pub const fn i3c_supported(&self) -> bool {
        self.twprt & 0x80 != 0
    }

    /// NVMe Basic Management Command supported (NVMEBM bit 0).
    pub const fn basic_management_supported(&self) -> bool {
        self.nvmebm & 1 != 0
    }
}

/// Port Information, Read NVMe-MI Data Structure type 0x01 (NVMe-MI 1.2 §5.7):
/// a common part and 24 port-type-specific bytes.
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
pub struct PortInformation {
    /// PRTTYP: port type (see [`PortInformation::port_type`]).
    pub prttyp: u8,
    /// PRTCAP: port capabilities.
    pub prtcap: u8,
    /// MMTUS: maximum MCTP transmission unit size supported.
    pub mmtus: U16,
    /// MEBS: Management Endpoint Buffer size in bytes (0 = none).
    pub mebs: U32,
    /// Port-type-specific data.
    pub specific: [u8; 24],
}

#[cfg(feature = "defmt")]
impl defmt::Format for PortInformation {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "PortInformation {{ prttyp: {}, prtcap: {=u8:#x}, mmtus: {=u16}, mebs: {=u32} }}",
            self.prttyp,
            self.prtcap,
            self.mmtus.get(),
            self.mebs.get()
        )
    }
}

impl PortInformation {
    /// Encoded length.
    pub const LEN: usize = DATA_STRUCTURE_LEN;

    fn common(port_type: PortType, caps: PortCapabilities, mmtus: u16, mebs: u32) -> Self {
        PortInformation {
            prttyp: port_type.to_u8(),
            prtcap: caps.bits(),
            mmtus: U16::new(mmtus),
            mebs: U32::new(mebs),
            specific: [0; 24],
        }
    }

    /// An inactive port.
    pub fn inactive() -> Self {
        Self::default()
    }

    /// A PCIe port.
    pub fn pcie(caps: PortCapabilities, mmtus: u16, mebs: u32, pcie: PciePortData) -> Self {
        let mut p = Self::common(PortType::Pcie, caps, mmtus, mebs);
        p.specific.copy_from_slice(pcie.as_bytes());
        p
    }

    /// A 2-Wire (SMBus/I2C) port.
    pub fn two_wire(caps: PortCapabilities, mmtus: u16, mebs: u32, tw: TwoWirePortData) -> Self {
        let mut p = Self::common(PortType::TwoWire, caps, mmtus, mebs);
        p.specific.copy_from_slice(tw.as_bytes());
        p
    }

    /// The port type.
    pub const fn port_type(&self) -> PortType {
        PortType::from_u8(self.prttyp)
    }

    /// The port capabilities.
    pub const fn capabilities(&self) -> PortCapabilities {
        PortCapabilities(self.prtcap)
    }

    /// The PCIe-specific data, if this is a PCIe port.
    pub fn pcie_data(&self) -> Option<PciePortData> {
        match self.port_type() {
            PortType::Pcie => {
                Some(PciePortData::read_from_bytes(&self.specific).unwrap_or_default())
            }
            _ => None,
        }
    }

    /// The 2-Wire-specific data, if this is a 2-Wire port.
    pub fn two_wire_data(&self) -> Option<TwoWirePortData> {
        match self.port_type() {
            PortType::TwoWire => {
                Some(TwoWirePortData::read_from_bytes(&self.specific).unwrap_or_default())
            }
            _ => None,
        }
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
    fn two_wire_port() {
        let tw = TwoWirePortData {
            cvpdaddr: 0x53,
            mvpdfreq: 2,
            cmeaddr: 0x1d,
            twprt: 0x83,
            nvmebm: 1,
            ..Default::default()
        };
        let p = PortInformation::two_wire(PortCapabilities::AEMS, 64, 0, tw);
        let mut buf = [0u8; 32];
        p.emit(&mut buf).unwrap();
        assert_eq!(
            &buf[..13],
            &[2, 2, 64, 0, 0, 0, 0, 0, 0x53, 2, 0x1d, 0x83, 1]
        );
        let q = PortInformation::parse(&buf).unwrap();
        assert_eq!(q, p);
        assert_eq!(q.port_type(), PortType::TwoWire);
        assert!(q.pcie_data().is_none());
        let t = q.two_wire_data().unwrap();
        assert_eq!(t.max_vpd_frequency(), Some(SmbusFrequency::Khz400));
        assert_eq!(t.max_smbus_frequency(), Some(SmbusFrequency::Mhz1));
        assert!(t.i3c_supported() && t.basic_management_supported());
        assert!(q.capabilities().contains(PortCapabilities::AEMS));
    }

    #[test]
    fn pcie_port() {
        let d = PciePortData {
            pciemps: 1,
            pcieslsv: 0x0f,
            pciecls: 4,
            pciemlw: 4,
            pcienlw: 4,
            pciepn: 0,
            ..Default::default()
        };
        let p = PortInformation::pcie(PortCapabilities::empty(), 250, 4096, d);
        let mut buf = [0u8; 32];
        p.emit(&mut buf).unwrap();
        assert_eq!(
            &buf[..14],
            &[1, 0, 250, 0, 0, 0x10, 0, 0, 1, 0x0f, 4, 4, 4, 0]
        );
        let q = PortInformation::parse(&buf).unwrap();
        assert_eq!(q.pcie_data(), Some(d));
        assert_eq!(d.max_payload_bytes(), Some(256));
        assert!(q.two_wire_data().is_none());
        assert_eq!(PortType::from_u8(9), PortType::Unknown(9));
        assert!(PortInformation::parse(&buf[..31]).is_err());
    }
}
