//! Set Endpoint ID (command 0x01; DSP0236 §12.3).
//!
//! ```text
//! request data:  byte 0 bits 1:0 operation (bits 7:2 reserved) | byte 1 EID
//! response data: byte 0 status: bits 5:4 assignment, bits 1:0 allocation
//!                byte 1 EID setting | byte 2 EID pool size
//! ```
//! (Data offsets count from the first byte after the header; counted from the type byte
//! instead, request data starts at byte 3 and response data at byte 4.)
//!
//! The assignment status is taken from bits 5:4, as mctpd and mctp-rs do; libmctp's comment
//! saying bits 1:0 disagrees .

use super::{put, Error};
use crate::mctp::Eid;

/// The operation of a Set Endpoint ID request (byte 3 bits 1:0).
///
/// The field has two bits and all four values are assigned.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SetEidOperation {
    /// Set EID (0).
    SetEid,
    /// Force EID (1).
    ForceEid,
    /// Reset EID (2).
    ResetEid,
    /// Set Discovered Flag (3).
    SetDiscoveredFlag,
}

impl SetEidOperation {
    /// Decode from bits 1:0 of `b` (other bits ignored).
    pub const fn from_bits(b: u8) -> Self {
        match b & 0x03 {
            0 => SetEidOperation::SetEid,
            1 => SetEidOperation::ForceEid,
            2 => SetEidOperation::ResetEid,
            _ => SetEidOperation::SetDiscoveredFlag,
        }
    }

    /// The 2-bit value.
    pub const fn to_bits(self) -> u8 {
        match self {
            SetEidOperation::SetEid => 0,
            SetEidOperation::ForceEid => 1,
            SetEidOperation::ResetEid => 2,
            SetEidOperation::SetDiscoveredFlag => 3,
        }
    }
}

/// A Set Endpoint ID request (DSP0236 §12.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SetEndpointIdRequest {
    /// What to do.
    pub operation: SetEidOperation,
    /// The EID to assign.
    pub eid: Eid,
}

impl SetEndpointIdRequest {
    /// Data length.
    pub const LEN: usize = 2;

    /// Parse the data after the request header; reserved bits are ignored, extra bytes too.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let [op, eid, ..] = *data else {
            return Err(Error::Truncated);
        };
        Ok(SetEndpointIdRequest {
            operation: SetEidOperation::from_bits(op),
            eid: Eid(eid),
        })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        put(out, &[self.operation.to_bits(), self.eid.0])
    }
}

/// EID assignment status of a Set Endpoint ID response (status bits 5:4).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EidAssignmentStatus {
    /// The EID was accepted (0).
    Accepted,
    /// The EID was rejected (1).
    Rejected,
    /// A reserved value (2 or 3).
    Unknown(u8),
}

impl EidAssignmentStatus {
    const fn from_bits(b: u8) -> Self {
        match b & 0x03 {
            0 => EidAssignmentStatus::Accepted,
            1 => EidAssignmentStatus::Rejected,
            v => EidAssignmentStatus::Unknown(v),
        }
    }

    const fn to_bits(self) -> u8 {
        match self {
            EidAssignmentStatus::Accepted => 0,
            EidAssignmentStatus::Rejected => 1,
            EidAssignmentStatus::Unknown(v) => v & 0x03,
        }
    }
}

/// EID allocation status of a Set Endpoint ID response (status bits 1:0).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum EidAllocationStatus {
    /// The device uses no EID pool (0).
    NoPool,
    /// The device requires an EID pool allocation (1).
    PoolRequired,
    /// The device already received its EID pool (2).
    PoolReceived,
    /// A reserved value (3).
    Unknown(u8),
}

impl EidAllocationStatus {
    const fn from_bits(b: u8) -> Self {
        match b & 0x03 {
            0 => EidAllocationStatus::NoPool,
            1 => EidAllocationStatus::PoolRequired,
            2 => EidAllocationStatus::PoolReceived,
            v => EidAllocationStatus::Unknown(v),
        }
    }

    const fn to_bits(self) -> u8 {
        match self {
            EidAllocationStatus::NoPool => 0,
            EidAllocationStatus::PoolRequired => 1,
            EidAllocationStatus::PoolReceived => 2,
            EidAllocationStatus::Unknown(v) => v & 0x03,
        }
    }
}

/// The data of a successful Set Endpoint ID response (DSP0236 §12.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SetEndpointIdResponse {
    /// Whether the EID was accepted.
    pub assignment: EidAssignmentStatus,
    /// Whether the device needs an EID pool.
    pub allocation: EidAllocationStatus,
    /// The EID now in use.
    pub eid_setting: Eid,
    /// The EID pool size the device wants.
    pub pool_size: u8,
}

impl SetEndpointIdResponse {
    /// Data length (after the completion code).
    pub const LEN: usize = 3;

    /// Parse the data after the completion code; reserved bits and extra bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let [status, eid, pool, ..] = *data else {
            return Err(Error::Truncated);
        };
        Ok(SetEndpointIdResponse {
            assignment: EidAssignmentStatus::from_bits(status >> 4),
            allocation: EidAllocationStatus::from_bits(status),
            eid_setting: Eid(eid),
            pool_size: pool,
        })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let status = (self.assignment.to_bits() << 4) | self.allocation.to_bits();
        put(out, &[status, self.eid_setting.0, self.pool_size])
    }
}
