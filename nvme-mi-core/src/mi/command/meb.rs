//! Management Endpoint Buffer Read and Write (NVMe-MI 1.2 §5.4–5.5).
//!
//! The positions of the fields are not checked against the specification text. Chosen
//! here: NMD0 is the whole 32-bit DOFST (offset into the buffer, whose size MEBS
//! is 32 bits) and NMD1 the whole 32-bit DLEN.

use super::{DataResponse, Empty, MiCommand, MiCommandRequestRepr, Opcode};
use crate::mi::status::Rejection;
use crate::mi::Result;

/// The success response of Management Endpoint Buffer Read: DLEN bytes of the buffer.
pub type MebReadResponse<'a> = DataResponse<'a>;

/// Management Endpoint Buffer Read request: NMD0 DOFST, NMD1 DLEN (positions not checked
/// against the specification, see the module documentation). Ranges beyond the buffer are the responder's to reject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MebReadRequest {
    /// DOFST: byte offset into the buffer.
    pub offset: u32,
    /// DLEN: number of bytes to read.
    pub length: u32,
}

impl MebReadRequest {
    /// Decode on the responder side; request data is rejected.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        Ok(MebReadRequest {
            offset: raw.nmd0,
            length: raw.nmd1,
        })
    }
}

impl MiCommand for MebReadRequest {
    const OPCODE: Opcode = Opcode::MebRead;
    type Response<'r> = MebReadResponse<'r>;

    fn nmd0(&self) -> u32 {
        self.offset
    }

    fn nmd1(&self) -> u32 {
        self.length
    }

    fn decode_response<'r>(&self, _nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        DataResponse::parse_exact(data, self.length as usize)
    }
}

/// Management Endpoint Buffer Write request: NMD0 DOFST, NMD1 DLEN, DLEN bytes of request
/// data (positions not checked against the specification, see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct MebWriteRequest<'a> {
    /// DOFST: byte offset into the buffer.
    pub offset: u32,
    /// The bytes to write; DLEN is their length.
    pub data: &'a [u8],
}

impl<'a> MebWriteRequest<'a> {
    /// Decode on the responder side: request data whose length differs from DLEN ⇒ Invalid
    /// Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        Ok(MebWriteRequest {
            offset: raw.nmd0,
            data: raw.expect_data_len(raw.nmd1)?,
        })
    }
}

impl MiCommand for MebWriteRequest<'_> {
    const OPCODE: Opcode = Opcode::MebWrite;
    type Response<'r> = Empty;

    fn nmd0(&self) -> u32 {
        self.offset
    }

    fn nmd1(&self) -> u32 {
        self.data.len() as u32
    }

    fn request_data(&self) -> &[u8] {
        self.data
    }

    fn decode_response(&self, _nmresp: [u8; 3], data: &[u8]) -> Result<Empty> {
        Empty::parse(data)
    }
}
