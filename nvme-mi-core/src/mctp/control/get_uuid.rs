//! Get Endpoint UUID (command 0x03; DSP0236 §12.5). The request has no data.

use super::{put, Error};

/// The data of a successful Get Endpoint UUID response: 16 bytes (DSP0236 §12.5).
///
/// The bytes are kept exactly in wire order. Whether DSP0236 sends the UUID in RFC 4122
/// network order (time_low first, big-endian) or in another layout is not checked against
/// DSP0236, so no field interpretation is offered: compare and display the raw bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetEndpointUuidResponse {
    /// The UUID bytes as received.
    pub uuid: [u8; 16],
}

impl GetEndpointUuidResponse {
    /// Data length (after the completion code).
    pub const LEN: usize = 16;

    /// Parse the data after the completion code; extra bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let uuid = data
            .get(..Self::LEN)
            .and_then(|b| <[u8; 16]>::try_from(b).ok())
            .ok_or(Error::Truncated)?;
        Ok(GetEndpointUuidResponse { uuid })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        put(out, &self.uuid)
    }
}
