use super::{Empty, MiCommand, MiCommandRequestRepr, Opcode};
use crate::mi::status::Rejection;
use crate::mi::Result;

/// Reset Type, RSTTYP, NMD0 bits 31:24 of Reset (NVMe-MI 1.2 §5.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ResetType {
    /// Reset NVM Subsystem (0x00).
    #[default]
    NvmSubsystem,
    /// A reserved value, kept as received; a responder answers it with Invalid Parameter.
    Unknown(u8),
}

impl ResetType {
    /// Decode RSTTYP.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => ResetType::NvmSubsystem,
            other => ResetType::Unknown(other),
        }
    }

    /// The RSTTYP byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ResetType::NvmSubsystem => 0,
            ResetType::Unknown(v) => v,
        }
    }
}

/// Reset request (NVMe-MI 1.2 §5.8). A successful NVM Subsystem Reset is not
/// answered: the reset also resets the management endpoint.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ResetRequest {
    /// RSTTYP.
    pub reset_type: ResetType,
}

impl ResetRequest {
    /// Decode on the responder side: a reserved RSTTYP ⇒ Invalid Parameter at byte 11 bit 0;
    /// request data ⇒ Invalid Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        match ResetType::from_u8((raw.nmd0 >> 24) as u8) {
            ResetType::Unknown(_) => Err(MiCommandRequestRepr::invalid_nmd0(24)),
            reset_type => Ok(ResetRequest { reset_type }),
        }
    }
}

impl MiCommand for ResetRequest {
    const OPCODE: Opcode = Opcode::Reset;
    type Response<'r> = Empty;

    fn nmd0(&self) -> u32 {
        (self.reset_type.to_u8() as u32) << 24
    }

    fn nmd1(&self) -> u32 {
        0
    }

    fn decode_response(&self, _nmresp: [u8; 3], data: &[u8]) -> Result<Empty> {
        Empty::parse(data)
    }
}
