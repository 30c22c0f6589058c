//! The Security Send (opcode 81h) and Security Receive (opcode 82h) commands (NVMe Base 2.x
//! §5.1.23, §5.1.24).
//!
//! CDW10 bits 7:0 NSSF, bits 15:8 SPSP0, bits 23:16 SPSP1, bits 31:24 SECP; CDW11 transfer
//! length (Send) or allocation length (Receive) in bytes.

use super::command::{AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;

/// The security protocol addressing shared by Security Send and Receive (CDW10; NVMe Base
/// 2.x §5.1.23, §5.1.24).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SecurityProtocol {
    /// Security protocol, SECP (e.g. 0x00 discovery, 0x01 TCG, 0xEA NVMe RPMB/in-band auth).
    pub secp: u8,
    /// Security protocol specific field, SPSP1:SPSP0.
    pub spsp: u16,
    /// NVMe security specific field, NSSF.
    pub nssf: u8,
}

impl SecurityProtocol {
    const fn to_cdw10(self) -> u32 {
        self.nssf as u32 | ((self.spsp as u32) << 8) | ((self.secp as u32) << 24)
    }

    const fn from_cdw10(v: u32) -> Self {
        SecurityProtocol {
            nssf: v as u8,
            spsp: (v >> 8) as u16,
            secp: (v >> 24) as u8,
        }
    }

    /// SPSP0, the low byte of the protocol specific field.
    pub const fn spsp0(&self) -> u8 {
        self.spsp as u8
    }

    /// SPSP1, the high byte of the protocol specific field.
    pub const fn spsp1(&self) -> u8 {
        (self.spsp >> 8) as u8
    }
}

/// A Security Send command (NVMe Base 2.x §5.1.24); the payload is the request data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SecuritySend {
    /// Protocol addressing.
    pub protocol: SecurityProtocol,
    /// Transfer length in bytes, TL.
    pub tl: u32,
}

/// A Security Receive command (NVMe Base 2.x §5.1.23); the payload comes back as response
/// data.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SecurityReceive {
    /// Protocol addressing.
    pub protocol: SecurityProtocol,
    /// Allocation length in bytes, AL.
    pub al: u32,
}

impl AdminCommand for SecuritySend {
    const OPCODE: AdminOpcode = AdminOpcode::SecuritySend;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw10 = self.protocol.to_cdw10();
        r.cdw11 = self.tl;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        SecuritySend {
            protocol: SecurityProtocol::from_cdw10(r.cdw10),
            tl: r.cdw11,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::HostToDevice(self.tl)
    }
}

impl AdminCommand for SecurityReceive {
    const OPCODE: AdminOpcode = AdminOpcode::SecurityReceive;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw10 = self.protocol.to_cdw10();
        r.cdw11 = self.al;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        SecurityReceive {
            protocol: SecurityProtocol::from_cdw10(r.cdw10),
            al: r.cdw11,
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        DataTransfer::DeviceToHost(self.al)
    }
}
