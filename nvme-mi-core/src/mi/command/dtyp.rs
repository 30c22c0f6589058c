/// Data Structure Type, DTYP: which structure Read NVMe-MI Data Structure returns
/// (NVMe-MI 1.2 §5.7).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Dtyp {
    /// NVM Subsystem Information (0x00).
    SubsystemInformation,
    /// Port Information (0x01), selected by PORTID.
    PortInformation,
    /// Controller List (0x02), starting at CTRLID.
    ControllerList,
    /// Controller Information (0x03), selected by CTRLID.
    ControllerInformation,
    /// Optionally Supported Command List (0x04).
    OptionallySupportedCommandList,
    /// Management Endpoint Buffer Command Support List (0x05).
    MebCommandSupportList,
    /// A reserved value (0x06..=0xFF), kept as received; a responder answers it with
    /// Invalid Parameter.
    Unknown(u8),
}

impl Dtyp {
    /// Decode the DTYP byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => Dtyp::SubsystemInformation,
            1 => Dtyp::PortInformation,
            2 => Dtyp::ControllerList,
            3 => Dtyp::ControllerInformation,
            4 => Dtyp::OptionallySupportedCommandList,
            5 => Dtyp::MebCommandSupportList,
            other => Dtyp::Unknown(other),
        }
    }

    /// The DTYP byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            Dtyp::SubsystemInformation => 0,
            Dtyp::PortInformation => 1,
            Dtyp::ControllerList => 2,
            Dtyp::ControllerInformation => 3,
            Dtyp::OptionallySupportedCommandList => 4,
            Dtyp::MebCommandSupportList => 5,
            Dtyp::Unknown(v) => v,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip() {
        for v in 0..=255u8 {
            assert_eq!(Dtyp::from_u8(v).to_u8(), v);
            assert_eq!(matches!(Dtyp::from_u8(v), Dtyp::Unknown(_)), v > 5);
        }
    }
}
