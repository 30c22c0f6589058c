/// An MCTP control command code (DSP0236 §12.2, Table 12).
///
/// Unknown and reserved values are kept ([`CommandCode::Unknown`]); the binding-specific range
/// 0xF0–0xFF is [`CommandCode::TransportSpecific`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CommandCode {
    /// Set Endpoint ID (0x01).
    SetEndpointId,
    /// Get Endpoint ID (0x02).
    GetEndpointId,
    /// Get Endpoint UUID (0x03).
    GetEndpointUuid,
    /// Get MCTP Version Support (0x04).
    GetMctpVersionSupport,
    /// Get Message Type Support (0x05).
    GetMessageTypeSupport,
    /// Get Vendor Defined Message Support (0x06).
    GetVendorDefinedMessageSupport,
    /// Resolve Endpoint ID (0x07).
    ResolveEndpointId,
    /// Allocate Endpoint IDs (0x08).
    AllocateEndpointIds,
    /// Routing Information Update (0x09).
    RoutingInformationUpdate,
    /// Get Routing Table Entries (0x0A).
    GetRoutingTableEntries,
    /// Prepare for Endpoint Discovery (0x0B).
    PrepareForEndpointDiscovery,
    /// Endpoint Discovery (0x0C).
    EndpointDiscovery,
    /// Discovery Notify (0x0D).
    DiscoveryNotify,
    /// Get Network ID (0x0E).
    GetNetworkId,
    /// Query Hop (0x0F).
    QueryHop,
    /// Resolve UUID (0x10).
    ResolveUuid,
    /// Query Rate Limit (0x11).
    QueryRateLimit,
    /// Request TX Rate Limit (0x12).
    RequestTxRateLimit,
    /// Update Rate Limit (0x13).
    UpdateRateLimit,
    /// Query Supported Interfaces (0x14).
    QuerySupportedInterfaces,
    /// Transport-binding specific (0xF0–0xFF).
    TransportSpecific(u8),
    /// Reserved (0x00) or any other value.
    Unknown(u8),
}

impl CommandCode {
    /// Decode a command code byte.
    pub const fn from_u8(b: u8) -> CommandCode {
        use CommandCode::*;
        match b {
            0x01 => SetEndpointId,
            0x02 => GetEndpointId,
            0x03 => GetEndpointUuid,
            0x04 => GetMctpVersionSupport,
            0x05 => GetMessageTypeSupport,
            0x06 => GetVendorDefinedMessageSupport,
            0x07 => ResolveEndpointId,
            0x08 => AllocateEndpointIds,
            0x09 => RoutingInformationUpdate,
            0x0a => GetRoutingTableEntries,
            0x0b => PrepareForEndpointDiscovery,
            0x0c => EndpointDiscovery,
            0x0d => DiscoveryNotify,
            0x0e => GetNetworkId,
            0x0f => QueryHop,
            0x10 => ResolveUuid,
            0x11 => QueryRateLimit,
            0x12 => RequestTxRateLimit,
            0x13 => UpdateRateLimit,
            0x14 => QuerySupportedInterfaces,
            0xf0..=0xff => TransportSpecific(b),
            other => Unknown(other),
        }
    }

    /// Encode the command code byte.
    pub const fn to_u8(self) -> u8 {
        use CommandCode::*;
        match self {
            SetEndpointId => 0x01,
            GetEndpointId => 0x02,
            GetEndpointUuid => 0x03,
            GetMctpVersionSupport => 0x04,
            GetMessageTypeSupport => 0x05,
            GetVendorDefinedMessageSupport => 0x06,
            ResolveEndpointId => 0x07,
            AllocateEndpointIds => 0x08,
            RoutingInformationUpdate => 0x09,
            GetRoutingTableEntries => 0x0a,
            PrepareForEndpointDiscovery => 0x0b,
            EndpointDiscovery => 0x0c,
            DiscoveryNotify => 0x0d,
            GetNetworkId => 0x0e,
            QueryHop => 0x0f,
            ResolveUuid => 0x10,
            QueryRateLimit => 0x11,
            RequestTxRateLimit => 0x12,
            UpdateRateLimit => 0x13,
            QuerySupportedInterfaces => 0x14,
            TransportSpecific(b) | Unknown(b) => b,
        }
    }
}

impl From<u8> for CommandCode {
    fn from(b: u8) -> Self {
        CommandCode::from_u8(b)
    }
}

impl From<CommandCode> for u8 {
    fn from(c: CommandCode) -> u8 {
        c.to_u8()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_byte_round_trips() {
        for b in 0..=255u8 {
            assert_eq!(CommandCode::from_u8(b).to_u8(), b);
        }
        assert_eq!(CommandCode::from_u8(0x02), CommandCode::GetEndpointId);
        assert_eq!(CommandCode::from_u8(0x00), CommandCode::Unknown(0));
        assert_eq!(
            CommandCode::from_u8(0xf3),
            CommandCode::TransportSpecific(0xf3)
        );
    }
}
