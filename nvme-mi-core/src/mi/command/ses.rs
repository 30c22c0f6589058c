//! SES Receive and SES Send (NVMe-MI 1.2 §5.9–5.10): SCSI Enclosure Services
//! diagnostic pages, for enclosures (prohibited on storage devices).
//!
//! The field positions are not checked against the specification text. Chosen here: SES Receive carries the page
//! code in NMD0 bits 7:0 and the allocation length in NMD1 bits 15:0; SES Send carries the
//! transfer length (the length of the request data, which holds the page) in NMD1 bits 15:0.

use super::{DataResponse, Empty, MiCommand, MiCommandRequestRepr, Opcode};
use crate::mi::status::Rejection;
use crate::mi::{Error, Result};

/// The success response of SES Receive: the diagnostic page, at most the allocation length.
pub type SesReceiveResponse<'a> = DataResponse<'a>;

/// SES Receive request (field positions not checked against the specification, see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SesReceiveRequest {
    /// PCODE: the SES diagnostic page code.
    pub page_code: u8,
    /// ALENGTH: the most bytes the requester accepts.
    pub allocation_length: u16,
}

impl SesReceiveRequest {
    /// Decode on the responder side; request data is rejected.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        Ok(SesReceiveRequest {
            page_code: raw.nmd0 as u8,
            allocation_length: raw.nmd1 as u16,
        })
    }
}

impl MiCommand for SesReceiveRequest {
    const OPCODE: Opcode = Opcode::SesReceive;
    type Response<'r> = SesReceiveResponse<'r>;

    fn nmd0(&self) -> u32 {
        self.page_code as u32
    }

    fn nmd1(&self) -> u32 {
        self.allocation_length as u32
    }

    /// The page may be shorter than the allocation length, never longer
    /// ([`Error::TooLong`]).
    fn decode_response<'r>(&self, _nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        if data.len() > self.allocation_length as usize {
            return Err(Error::TooLong);
        }
        Ok(DataResponse { data })
    }
}

/// SES Send request: the diagnostic page as request data, its length in NMD1 bits 15:0
/// (positions not checked against the specification, see the module documentation).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SesSendRequest<'a> {
    /// The diagnostic page to send.
    pub data: &'a [u8],
}

impl<'a> SesSendRequest<'a> {
    /// Decode on the responder side: request data whose length differs from the transfer
    /// length ⇒ Invalid Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        Ok(SesSendRequest {
            data: raw.expect_data_len(raw.nmd1 & 0xffff)?,
        })
    }
}

impl MiCommand for SesSendRequest<'_> {
    const OPCODE: Opcode = Opcode::SesSend;
    type Response<'r> = Empty;

    fn nmd0(&self) -> u32 {
        0
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
