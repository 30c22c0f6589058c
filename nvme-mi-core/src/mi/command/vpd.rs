//! VPD Read and VPD Write (NVMe-MI 1.2 §5.11–5.12).

use super::{DataResponse, Empty, MiCommand, MiCommandRequestRepr, Opcode};
use crate::mi::status::Rejection;
use crate::mi::Result;

/// The success response of VPD Read: DLEN bytes of VPD.
pub type VpdReadResponse<'a> = DataResponse<'a>;

/// VPD Read request: NMD0 bits 15:0 DOFST, NMD1 bits 15:0 DLEN (NVMe-MI 1.2 §5.11).
/// A range beyond the VPD is the responder's to reject (Invalid Parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VpdReadRequest {
    /// DOFST: byte offset into the VPD.
    pub offset: u16,
    /// DLEN: number of bytes to read.
    pub length: u16,
}

impl VpdReadRequest {
    /// Decode on the responder side; request data is rejected.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        Ok(VpdReadRequest {
            offset: raw.nmd0 as u16,
            length: raw.nmd1 as u16,
        })
    }
}

impl MiCommand for VpdReadRequest {
    const OPCODE: Opcode = Opcode::VpdRead;
    type Response<'r> = VpdReadResponse<'r>;

    fn nmd0(&self) -> u32 {
        self.offset as u32
    }

    fn nmd1(&self) -> u32 {
        self.length as u32
    }

    fn decode_response<'r>(&self, _nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        DataResponse::parse_exact(data, self.length as usize)
    }
}

/// VPD Write request: NMD0 bits 15:0 DOFST, NMD1 bits 15:0 DLEN, DLEN bytes of request data
/// (NVMe-MI 1.2 §5.12).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct VpdWriteRequest<'a> {
    /// DOFST: byte offset into the VPD.
    pub offset: u16,
    /// The bytes to write; DLEN is their length.
    pub data: &'a [u8],
}

impl<'a> VpdWriteRequest<'a> {
    /// Decode on the responder side: request data whose length differs from DLEN ⇒ Invalid
    /// Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        Ok(VpdWriteRequest {
            offset: raw.nmd0 as u16,
            data: raw.expect_data_len(raw.nmd1 & 0xffff)?,
        })
    }
}

impl MiCommand for VpdWriteRequest<'_> {
    const OPCODE: Opcode = Opcode::VpdWrite;
    type Response<'r> = Empty;

    fn nmd0(&self) -> u32 {
        self.offset as u32
    }

    fn nmd1(&self) -> u32 {
        self.data.len() as u32 & 0xffff
    }

    fn request_data(&self) -> &[u8] {
        self.data
    }

    fn decode_response(&self, _nmresp: [u8; 3], data: &[u8]) -> Result<Empty> {
        Empty::parse(data)
    }
}
