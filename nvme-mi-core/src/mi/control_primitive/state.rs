//! The Management Endpoint state returned by the Get State control primitive
//! (NVMe-MI 1.2 §4.2.1.4, Figure 25).

/// Slot Servicing State, SSTA: what the command slot named by CSI is doing
/// (Get State CPSR bits 1:0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Ssta {
    /// Idle (0).
    #[default]
    Idle,
    /// Receive (1): a command message is being received.
    Receive,
    /// Process (2): a command is being processed.
    Process,
    /// Transmit (3): a response is being transmitted.
    Transmit,
}

impl Ssta {
    /// Decode bits 1:0 of `v`.
    pub const fn from_bits(v: u16) -> Self {
        match v & 0x3 {
            0 => Ssta::Idle,
            1 => Ssta::Receive,
            2 => Ssta::Process,
            _ => Ssta::Transmit,
        }
    }

    /// The 2-bit value.
    pub const fn to_bits(self) -> u16 {
        match self {
            Ssta::Idle => 0,
            Ssta::Receive => 1,
            Ssta::Process => 2,
            Ssta::Transmit => 3,
        }
    }
}

/// The Get State CPSR: slot servicing state and the error and status flags of the
/// Management Endpoint (NVMe-MI 1.2 §4.2.1.4, Figure 25).
///
/// Flag bits 4..=13 record errors seen since they were last cleared (Get State with CESF
/// set clears them after reporting). Bit 2 is reserved and kept as received.
///
/// ```
/// use nvme_mi_core::mi::control_primitive::{ManagementEndpointState, Ssta};
/// let s = ManagementEndpointState::new(Ssta::Process, ManagementEndpointState::BAD_MIC);
/// assert_eq!(s.0, 0x0012);
/// assert_eq!(s.ssta(), Ssta::Process);
/// assert!(s.contains(ManagementEndpointState::BAD_MIC));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ManagementEndpointState(pub u16);

impl ManagementEndpointState {
    /// Mask of SSTA, bits 1:0.
    pub const SSTA_MASK: u16 = 0x0003;
    /// Bit 3, CMNICS: a command was sent to a command slot that was not Idle (NVMe-MI 2.x;
    /// from the wireshark dissector only).
    pub const COMMAND_TO_NON_IDLE_SLOT: u16 = 1 << 3;
    /// Bit 4, BMIC: a message with a bad Message Integrity Check was received.
    pub const BAD_MIC: u16 = 1 << 4;
    /// Bit 5: timeout waiting for a packet of a message (from libnvme; wireshark omits it).
    pub const TIMEOUT_WAITING_FOR_PACKET: u16 = 1 << 5;
    /// Bit 6: a packet with an unsupported transmission unit was received.
    pub const UNSUPPORTED_TRANSMISSION_UNIT: u16 = 1 << 6;
    /// Bit 7: a packet with a bad MCTP header version was received.
    pub const BAD_HEADER_VERSION: u16 = 1 << 7;
    /// Bit 8: a packet for an unknown destination EID was received.
    pub const UNKNOWN_DESTINATION_ID: u16 = 1 << 8;
    /// Bit 9: a packet with an incorrect transmission unit was received.
    pub const INCORRECT_TRANSMISSION_UNIT: u16 = 1 << 9;
    /// Bit 10: an unexpected middle or end packet was received.
    pub const UNEXPECTED_MIDDLE_OR_END_PACKET: u16 = 1 << 10;
    /// Bit 11: a packet with an out-of-sequence packet sequence number was received.
    pub const OUT_OF_SEQUENCE_PACKET: u16 = 1 << 11;
    /// Bit 12: a packet with a bad, unexpected or expired message tag was received.
    pub const BAD_MESSAGE_TAG: u16 = 1 << 12;
    /// Bit 13: a bad packet or another physical layer error was seen.
    pub const BAD_PACKET_OR_PHYSICAL_LAYER_ERROR: u16 = 1 << 13;
    /// Bit 14: an NVM Subsystem Reset occurred.
    pub const NVM_SUBSYSTEM_RESET_OCCURRED: u16 = 1 << 14;
    /// Bit 15: the Management Endpoint is paused.
    pub const PAUSED: u16 = 1 << 15;

    /// The error flags that CESF clears (bits 3..=13).
    pub const ERROR_FLAGS: u16 = 0x3ff8;

    /// A state with slot state `ssta` and the flag bits `flags` (SSTA bits of `flags` are
    /// ignored).
    pub const fn new(ssta: Ssta, flags: u16) -> Self {
        ManagementEndpointState((flags & !Self::SSTA_MASK) | ssta.to_bits())
    }

    /// SSTA: the slot servicing state.
    pub const fn ssta(self) -> Ssta {
        Ssta::from_bits(self.0)
    }

    /// True if every bit of `flags` is set.
    pub const fn contains(self, flags: u16) -> bool {
        self.0 & flags == flags
    }

    /// The flag bits (everything but SSTA).
    pub const fn flags(self) -> u16 {
        self.0 & !Self::SSTA_MASK
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ssta_and_flags() {
        for v in 0..4u16 {
            assert_eq!(Ssta::from_bits(v).to_bits(), v);
        }
        let s = ManagementEndpointState(0xc001);
        assert_eq!(s.ssta(), Ssta::Receive);
        assert!(s.contains(ManagementEndpointState::PAUSED));
        assert!(s.contains(ManagementEndpointState::NVM_SUBSYSTEM_RESET_OCCURRED));
        assert!(!s.contains(ManagementEndpointState::BAD_MIC));
        assert_eq!(s.flags(), 0xc000);
        assert_eq!(
            ManagementEndpointState::new(Ssta::Transmit, 0xffff).0,
            0xffff
        );
    }
}
