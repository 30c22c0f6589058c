/// An MCTP message type (DSP0239), bits 6:0 of the first byte of every MCTP message.
///
/// Unknown values are kept (`Unknown`), never rejected, so that a newer peer still parses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MsgType {
    /// MCTP Control (0x00).
    Control,
    /// PLDM (0x01).
    Pldm,
    /// NC-SI (0x02).
    NcSi,
    /// Ethernet (0x03).
    Ethernet,
    /// NVMe Management Messages (0x04).
    NvmeMi,
    /// SPDM (0x05).
    Spdm,
    /// Secured messages using SPDM (0x06).
    SecuredMessage,
    /// CXL FM API (0x07).
    CxlFmApi,
    /// CXL CCI (0x08).
    CxlCci,
    /// PCIe-MI (0x09).
    PcieMi,
    /// Vendor defined, PCI vendor ID (0x7E).
    VendorPci,
    /// Vendor defined, IANA enterprise number (0x7F).
    VendorIana,
    /// Any other 7-bit value.
    Unknown(u8),
}

impl MsgType {
    /// The type from the low 7 bits of `b` (the IC bit is ignored).
    pub const fn from_u8(b: u8) -> MsgType {
        match b & 0x7f {
            0x00 => MsgType::Control,
            0x01 => MsgType::Pldm,
            0x02 => MsgType::NcSi,
            0x03 => MsgType::Ethernet,
            0x04 => MsgType::NvmeMi,
            0x05 => MsgType::Spdm,
            0x06 => MsgType::SecuredMessage,
            0x07 => MsgType::CxlFmApi,
            0x08 => MsgType::CxlCci,
            0x09 => MsgType::PcieMi,
            0x7e => MsgType::VendorPci,
            0x7f => MsgType::VendorIana,
            other => MsgType::Unknown(other),
        }
    }

    /// The 7-bit value.
    pub const fn to_u8(self) -> u8 {
        match self {
            MsgType::Control => 0x00,
            MsgType::Pldm => 0x01,
            MsgType::NcSi => 0x02,
            MsgType::Ethernet => 0x03,
            MsgType::NvmeMi => 0x04,
            MsgType::Spdm => 0x05,
            MsgType::SecuredMessage => 0x06,
            MsgType::CxlFmApi => 0x07,
            MsgType::CxlCci => 0x08,
            MsgType::PcieMi => 0x09,
            MsgType::VendorPci => 0x7e,
            MsgType::VendorIana => 0x7f,
            MsgType::Unknown(v) => v & 0x7f,
        }
    }
}

impl From<u8> for MsgType {
    fn from(b: u8) -> Self {
        MsgType::from_u8(b)
    }
}

/// The first byte of an MCTP message: the integrity-check flag (bit 7) and the message type
/// (bits 6:0), DSP0236 §8.5 "Message Type".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MsgTypeIc {
    /// The message type.
    pub msg_type: MsgType,
    /// IC: a message-type-specific integrity check trails the message.
    pub ic: bool,
}

impl MsgTypeIc {
    /// MCTP control messages: type 0, no integrity check.
    pub const CONTROL: MsgTypeIc = MsgTypeIc {
        msg_type: MsgType::Control,
        ic: false,
    };
    /// NVMe-MI messages out of band: type 4 with the integrity check (byte 0x84).
    pub const NVME_MI: MsgTypeIc = MsgTypeIc {
        msg_type: MsgType::NvmeMi,
        ic: true,
    };

    /// Decode the byte.
    pub const fn from_u8(b: u8) -> MsgTypeIc {
        MsgTypeIc {
            msg_type: MsgType::from_u8(b),
            ic: b & 0x80 != 0,
        }
    }

    /// Encode the byte.
    pub const fn to_u8(self) -> u8 {
        self.msg_type.to_u8() | if self.ic { 0x80 } else { 0 }
    }
}

impl From<u8> for MsgTypeIc {
    fn from(b: u8) -> Self {
        MsgTypeIc::from_u8(b)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for b in 0..=255u8 {
            assert_eq!(MsgTypeIc::from_u8(b).to_u8(), b);
        }
        assert_eq!(MsgTypeIc::NVME_MI.to_u8(), 0x84);
        assert_eq!(MsgTypeIc::CONTROL.to_u8(), 0x00);
        assert_eq!(MsgType::from_u8(0x84), MsgType::NvmeMi);
        assert_eq!(MsgType::from_u8(0x42), MsgType::Unknown(0x42));
    }
}
