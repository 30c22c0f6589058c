use core::fmt;

/// An NVMe-MI Command Set opcode, byte 4 of an MI request (NVMe-MI 1.2 §5, Figure 58).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Opcode {
    /// Read NVMe-MI Data Structure (0x00).
    ReadDataStructure,
    /// NVM Subsystem Health Status Poll (0x01).
    SubsystemHealthStatusPoll,
    /// Controller Health Status Poll (0x02).
    ControllerHealthStatusPoll,
    /// Configuration Set (0x03).
    ConfigurationSet,
    /// Configuration Get (0x04).
    ConfigurationGet,
    /// VPD Read (0x05).
    VpdRead,
    /// VPD Write (0x06).
    VpdWrite,
    /// Reset (0x07).
    Reset,
    /// SES Receive (0x08).
    SesReceive,
    /// SES Send (0x09).
    SesSend,
    /// Management Endpoint Buffer Read (0x0A).
    MebRead,
    /// Management Endpoint Buffer Write (0x0B).
    MebWrite,
    /// Shutdown (0x0C).
    Shutdown,
    /// A vendor specific opcode (0xC0..=0xFF).
    VendorSpecific(u8),
    /// A reserved opcode (0x0D..=0xBF), kept as received; a responder answers it with
    /// Invalid Command Opcode.
    Unknown(u8),
}

impl Opcode {
    /// Decode the opcode byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0x00 => Opcode::ReadDataStructure,
            0x01 => Opcode::SubsystemHealthStatusPoll,
            0x02 => Opcode::ControllerHealthStatusPoll,
            0x03 => Opcode::ConfigurationSet,
            0x04 => Opcode::ConfigurationGet,
            0x05 => Opcode::VpdRead,
            0x06 => Opcode::VpdWrite,
            0x07 => Opcode::Reset,
            0x08 => Opcode::SesReceive,
            0x09 => Opcode::SesSend,
            0x0a => Opcode::MebRead,
            0x0b => Opcode::MebWrite,
            0x0c => Opcode::Shutdown,
            0xc0..=0xff => Opcode::VendorSpecific(v),
            other => Opcode::Unknown(other),
        }
    }

    /// The opcode byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            Opcode::ReadDataStructure => 0x00,
            Opcode::SubsystemHealthStatusPoll => 0x01,
            Opcode::ControllerHealthStatusPoll => 0x02,
            Opcode::ConfigurationSet => 0x03,
            Opcode::ConfigurationGet => 0x04,
            Opcode::VpdRead => 0x05,
            Opcode::VpdWrite => 0x06,
            Opcode::Reset => 0x07,
            Opcode::SesReceive => 0x08,
            Opcode::SesSend => 0x09,
            Opcode::MebRead => 0x0a,
            Opcode::MebWrite => 0x0b,
            Opcode::Shutdown => 0x0c,
            Opcode::VendorSpecific(v) | Opcode::Unknown(v) => v,
        }
    }

    /// The spec's name of the command.
    pub const fn name(self) -> &'static str {
        match self {
            Opcode::ReadDataStructure => "Read NVMe-MI Data Structure",
            Opcode::SubsystemHealthStatusPoll => "NVM Subsystem Health Status Poll",
            Opcode::ControllerHealthStatusPoll => "Controller Health Status Poll",
            Opcode::ConfigurationSet => "Configuration Set",
            Opcode::ConfigurationGet => "Configuration Get",
            Opcode::VpdRead => "VPD Read",
            Opcode::VpdWrite => "VPD Write",
            Opcode::Reset => "Reset",
            Opcode::SesReceive => "SES Receive",
            Opcode::SesSend => "SES Send",
            Opcode::MebRead => "Management Endpoint Buffer Read",
            Opcode::MebWrite => "Management Endpoint Buffer Write",
            Opcode::Shutdown => "Shutdown",
            Opcode::VendorSpecific(_) => "Vendor Specific",
            Opcode::Unknown(_) => "Reserved",
        }
    }
}

impl fmt::Display for Opcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({:#04x})", self.name(), self.to_u8())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for v in 0..=255u8 {
            let o = Opcode::from_u8(v);
            assert_eq!(o.to_u8(), v);
            let reserved = (0x0d..=0xbf).contains(&v);
            assert_eq!(matches!(o, Opcode::Unknown(_)), reserved);
            assert_eq!(matches!(o, Opcode::VendorSpecific(_)), v >= 0xc0);
        }
        assert_eq!(Opcode::from_u8(0x0c), Opcode::Shutdown);
    }
}
