//! Get Endpoint ID (command 0x02; DSP0236 §12.4). The request has no data.
//!
//! ```text
//! response data: byte 0 EID | byte 1 bits 5:4 endpoint type, bits 1:0 EID type
//!                byte 2 medium-specific information
//! ```

use super::{put, Error};
use crate::mctp::Eid;

/// The endpoint type of a Get Endpoint ID response (bits 5:4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EndpointType {
    /// A simple endpoint (0).
    Simple,
    /// A bus owner and/or bridge (1).
    BusOwnerBridge,
    /// A reserved value (2 or 3).
    Unknown(u8),
}

/// The EID type of a Get Endpoint ID response (bits 1:0).
///
/// The field has two bits and all four values are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EidType {
    /// Dynamic EID only (0).
    DynamicOnly,
    /// Static EID supported (1).
    StaticSupported,
    /// Static EID, and the current EID matches it (2).
    StaticMatching,
    /// Static EID, and the current EID differs from it (3).
    StaticDiffering,
}

/// The data of a successful Get Endpoint ID response (DSP0236 §12.4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetEndpointIdResponse {
    /// The endpoint's EID (0 if none assigned yet).
    pub eid: Eid,
    /// Simple endpoint or bus owner/bridge.
    pub endpoint_type: EndpointType,
    /// How the EID was obtained.
    pub eid_type: EidType,
    /// Medium-specific information; its meaning on SMBus (DSP0237) is not checked and
    /// implementations send 0, so it is kept as a raw byte.
    pub medium_specific: u8,
}

impl GetEndpointIdResponse {
    /// Data length (after the completion code).
    pub const LEN: usize = 3;

    /// Parse the data after the completion code; reserved bits and extra bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let [eid, types, medium, ..] = *data else {
            return Err(Error::Truncated);
        };
        let endpoint_type = match (types >> 4) & 0x03 {
            0 => EndpointType::Simple,
            1 => EndpointType::BusOwnerBridge,
            v => EndpointType::Unknown(v),
        };
        let eid_type = match types & 0x03 {
            0 => EidType::DynamicOnly,
            1 => EidType::StaticSupported,
            2 => EidType::StaticMatching,
            _ => EidType::StaticDiffering,
        };
        Ok(GetEndpointIdResponse {
            eid: Eid(eid),
            endpoint_type,
            eid_type,
            medium_specific: medium,
        })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let ept = match self.endpoint_type {
            EndpointType::Simple => 0,
            EndpointType::BusOwnerBridge => 1,
            EndpointType::Unknown(v) => v & 0x03,
        };
        let eidt = match self.eid_type {
            EidType::DynamicOnly => 0,
            EidType::StaticSupported => 1,
            EidType::StaticMatching => 2,
            EidType::StaticDiffering => 3,
        };
        put(out, &[self.eid.0, (ept << 4) | eidt, self.medium_specific])
    }
}
