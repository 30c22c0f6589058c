use super::{Empty, MiCommand, MiCommandRequestRepr, Opcode};
use crate::mi::status::Rejection;
use crate::mi::Result;

/// Shutdown Type, SHDNTYP, NMD0 bits 31:24 of Shutdown (NVMe-MI 2.0 §5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ShutdownType {
    /// Normal NVM subsystem shutdown (0x00).
    #[default]
    Normal,
    /// Abrupt NVM subsystem shutdown (0x01).
    Abrupt,
    /// A reserved value, kept as received; a responder answers it with Invalid Parameter.
    Unknown(u8),
}

impl ShutdownType {
    /// Decode SHDNTYP.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => ShutdownType::Normal,
            1 => ShutdownType::Abrupt,
            other => ShutdownType::Unknown(other),
        }
    }

    /// The SHDNTYP byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ShutdownType::Normal => 0,
            ShutdownType::Abrupt => 1,
            ShutdownType::Unknown(v) => v,
        }
    }
}

/// Shutdown request (NVMe-MI 2.0 §5.11).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ShutdownRequest {
    /// SHDNTYP.
    pub shutdown_type: ShutdownType,
}

impl ShutdownRequest {
    /// Decode on the responder side: a reserved SHDNTYP ⇒ Invalid Parameter at byte 11
    /// bit 0; request data ⇒ Invalid Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        match ShutdownType::from_u8((raw.nmd0 >> 24) as u8) {
            ShutdownType::Unknown(_) => Err(MiCommandRequestRepr::invalid_nmd0(24)),
            shutdown_type => Ok(ShutdownRequest { shutdown_type }),
        }
    }
}

impl MiCommand for ShutdownRequest {
    const OPCODE: Opcode = Opcode::Shutdown;
    type Response<'r> = Empty;

    fn nmd0(&self) -> u32 {
        (self.shutdown_type.to_u8() as u32) << 24
    }

    fn nmd1(&self) -> u32 {
        0
    }

    fn decode_response(&self, _nmresp: [u8; 3], data: &[u8]) -> Result<Empty> {
        Empty::parse(data)
    }
}
