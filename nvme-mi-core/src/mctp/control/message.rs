//! Whole control messages: any request or response decoded in one call, and encoded
//! (DSP0236 §12).

use super::header::{ControlHeader, ControlHeaderRepr, MessageKind};
use super::{
    put, CommandCode, CompletionCode, Error, GetEndpointIdResponse, GetEndpointUuidResponse,
    GetMessageTypeSupportResponse, GetVendorMessageSupportRequest, GetVendorMessageSupportResponse,
    GetVersionSupportRequest, GetVersionSupportResponse, SetEndpointIdRequest,
    SetEndpointIdResponse,
};

/// The command-specific part of a control request (DSP0236 §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ControlRequest<'a> {
    /// Set Endpoint ID (0x01).
    SetEndpointId(SetEndpointIdRequest),
    /// Get Endpoint ID (0x02), no data.
    GetEndpointId,
    /// Get Endpoint UUID (0x03), no data.
    GetEndpointUuid,
    /// Get MCTP Version Support (0x04).
    GetMctpVersionSupport(GetVersionSupportRequest),
    /// Get Message Type Support (0x05), no data.
    GetMessageTypeSupport,
    /// Get Vendor Defined Message Support (0x06).
    GetVendorDefinedMessageSupport(GetVendorMessageSupportRequest),
    /// Any other command, with its data uninterpreted. A responder typically answers it with
    /// [`CompletionCode::ErrorUnsupportedCmd`].
    Other {
        /// The command code.
        command: CommandCode,
        /// The bytes after the header.
        data: &'a [u8],
    },
}

impl ControlRequest<'_> {
    /// The command code.
    pub fn command(&self) -> CommandCode {
        match *self {
            ControlRequest::SetEndpointId(_) => CommandCode::SetEndpointId,
            ControlRequest::GetEndpointId => CommandCode::GetEndpointId,
            ControlRequest::GetEndpointUuid => CommandCode::GetEndpointUuid,
            ControlRequest::GetMctpVersionSupport(_) => CommandCode::GetMctpVersionSupport,
            ControlRequest::GetMessageTypeSupport => CommandCode::GetMessageTypeSupport,
            ControlRequest::GetVendorDefinedMessageSupport(_) => {
                CommandCode::GetVendorDefinedMessageSupport
            }
            ControlRequest::Other { command, .. } => command,
        }
    }

    /// Length of the data after the header.
    pub fn data_len(&self) -> usize {
        match self {
            ControlRequest::SetEndpointId(r) => r.buffer_len(),
            ControlRequest::GetMctpVersionSupport(r) => r.buffer_len(),
            ControlRequest::GetVendorDefinedMessageSupport(r) => r.buffer_len(),
            ControlRequest::GetEndpointId
            | ControlRequest::GetEndpointUuid
            | ControlRequest::GetMessageTypeSupport => 0,
            ControlRequest::Other { data, .. } => data.len(),
        }
    }
}

/// A whole control request: header fields and command data (DSP0236 §12).
///
/// The command code is the one of [`ControlRequestRepr::body`]; an [`ControlRequest::Other`] body
/// carrying a known command code is emitted as given but parses back as the typed variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlRequestRepr<'a> {
    /// Instance ID (0..=31).
    pub instance_id: u8,
    /// D: unacknowledged datagram (no response expected).
    pub datagram: bool,
    /// The command and its data.
    pub body: ControlRequest<'a>,
}

impl<'a> ControlRequestRepr<'a> {
    /// Decode any control request, from the message type byte. Extra bytes after a known
    /// command's data are ignored; reserved bits too.
    pub fn parse(msg: &'a [u8]) -> Result<Self, Error> {
        let h = ControlHeader::new_unchecked(msg);
        let hdr = ControlHeaderRepr::parse(&h)?;
        let MessageKind::Request { datagram } = hdr.kind else {
            return Err(Error::NotARequest);
        };
        let data = msg.get(hdr.buffer_len()..).unwrap_or(&[]);
        let body = match hdr.command {
            CommandCode::SetEndpointId => {
                ControlRequest::SetEndpointId(SetEndpointIdRequest::parse(data)?)
            }
            CommandCode::GetEndpointId => ControlRequest::GetEndpointId,
            CommandCode::GetEndpointUuid => ControlRequest::GetEndpointUuid,
            CommandCode::GetMctpVersionSupport => {
                ControlRequest::GetMctpVersionSupport(GetVersionSupportRequest::parse(data)?)
            }
            CommandCode::GetMessageTypeSupport => ControlRequest::GetMessageTypeSupport,
            CommandCode::GetVendorDefinedMessageSupport => {
                ControlRequest::GetVendorDefinedMessageSupport(
                    GetVendorMessageSupportRequest::parse(data)?,
                )
            }
            command => ControlRequest::Other { command, data },
        };
        Ok(ControlRequestRepr {
            instance_id: hdr.instance_id,
            datagram,
            body,
        })
    }

    /// Message length.
    pub fn buffer_len(&self) -> usize {
        super::header::REQUEST_HEADER_LEN + self.body.data_len()
    }

    /// Encode the message (from the type byte) into `out`; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let hdr = ControlHeaderRepr {
            instance_id: self.instance_id,
            command: self.body.command(),
            kind: MessageKind::Request {
                datagram: self.datagram,
            },
        };
        if out.len() < self.buffer_len() {
            return Err(Error::BufferTooSmall);
        }
        let n = hdr.emit(out)?;
        let rest = out.get_mut(n..).ok_or(Error::BufferTooSmall)?;
        let d = match self.body {
            ControlRequest::SetEndpointId(r) => r.emit(rest)?,
            ControlRequest::GetMctpVersionSupport(r) => r.emit(rest)?,
            ControlRequest::GetVendorDefinedMessageSupport(r) => r.emit(rest)?,
            ControlRequest::GetEndpointId
            | ControlRequest::GetEndpointUuid
            | ControlRequest::GetMessageTypeSupport => 0,
            ControlRequest::Other { data, .. } => put(rest, data)?,
        };
        Ok(n + d)
    }

    /// The response to this request with `body` (success; same instance ID).
    pub fn response<'b>(&self, body: ControlResponse<'b>) -> ControlResponseRepr<'b> {
        ControlResponseRepr {
            instance_id: self.instance_id,
            completion: CompletionCode::Success,
            body,
        }
    }

    /// An error response to this request: header and `completion` only (same instance ID
    /// and command code).
    pub fn error_response(&self, completion: CompletionCode) -> ControlResponseRepr<'static> {
        ControlResponseRepr {
            instance_id: self.instance_id,
            completion,
            body: ControlResponse::NoData(self.body.command()),
        }
    }
}

/// The command-specific part of a control response (DSP0236 §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ControlResponse<'a> {
    /// A response made of the header and completion code only: what every command answers
    /// on failure. A decoder returns this for every completion code other than success,
    /// without looking at any byte after the completion code (DSP0236, MCTP control messages).
    NoData(CommandCode),
    /// Set Endpoint ID (0x01).
    SetEndpointId(SetEndpointIdResponse),
    /// Get Endpoint ID (0x02).
    GetEndpointId(GetEndpointIdResponse),
    /// Get Endpoint UUID (0x03).
    GetEndpointUuid(GetEndpointUuidResponse),
    /// Get MCTP Version Support (0x04).
    GetMctpVersionSupport(GetVersionSupportResponse<'a>),
    /// Get Message Type Support (0x05).
    GetMessageTypeSupport(GetMessageTypeSupportResponse<'a>),
    /// Get Vendor Defined Message Support (0x06).
    GetVendorDefinedMessageSupport(GetVendorMessageSupportResponse<'a>),
    /// A successful response to any other command, with its data uninterpreted.
    Other {
        /// The command code.
        command: CommandCode,
        /// The bytes after the completion code.
        data: &'a [u8],
    },
}

impl ControlResponse<'_> {
    /// The command code.
    pub fn command(&self) -> CommandCode {
        match *self {
            ControlResponse::NoData(command) | ControlResponse::Other { command, .. } => command,
            ControlResponse::SetEndpointId(_) => CommandCode::SetEndpointId,
            ControlResponse::GetEndpointId(_) => CommandCode::GetEndpointId,
            ControlResponse::GetEndpointUuid(_) => CommandCode::GetEndpointUuid,
            ControlResponse::GetMctpVersionSupport(_) => CommandCode::GetMctpVersionSupport,
            ControlResponse::GetMessageTypeSupport(_) => CommandCode::GetMessageTypeSupport,
            ControlResponse::GetVendorDefinedMessageSupport(_) => {
                CommandCode::GetVendorDefinedMessageSupport
            }
        }
    }

    /// Length of the data after the completion code.
    pub fn data_len(&self) -> usize {
        match self {
            ControlResponse::NoData(_) => 0,
            ControlResponse::SetEndpointId(r) => r.buffer_len(),
            ControlResponse::GetEndpointId(r) => r.buffer_len(),
            ControlResponse::GetEndpointUuid(r) => r.buffer_len(),
            ControlResponse::GetMctpVersionSupport(r) => r.buffer_len(),
            ControlResponse::GetMessageTypeSupport(r) => r.buffer_len(),
            ControlResponse::GetVendorDefinedMessageSupport(r) => r.buffer_len(),
            ControlResponse::Other { data, .. } => data.len(),
        }
    }
}

/// A whole control response: header fields, completion code and command data
/// (DSP0236 §12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControlResponseRepr<'a> {
    /// Instance ID (0..=31), echoing the request's.
    pub instance_id: u8,
    /// The completion code.
    pub completion: CompletionCode,
    /// The command and its data; [`ControlResponse::NoData`] unless the completion code is
    /// success.
    pub body: ControlResponse<'a>,
}

impl<'a> ControlResponseRepr<'a> {
    /// Decode any control response, from the message type byte, using the command code it
    /// carries. With a completion code other than success, nothing after the completion code
    /// is read. Extra bytes after a known command's data are ignored; reserved bits too.
    pub fn parse(msg: &'a [u8]) -> Result<Self, Error> {
        let h = ControlHeader::new_unchecked(msg);
        let hdr = ControlHeaderRepr::parse(&h)?;
        let MessageKind::Response { completion } = hdr.kind else {
            return Err(Error::NotAResponse);
        };
        let command = hdr.command;
        let data = msg.get(hdr.buffer_len()..).unwrap_or(&[]);
        let body = if !completion.is_success() {
            ControlResponse::NoData(command)
        } else {
            match command {
                CommandCode::SetEndpointId => {
                    ControlResponse::SetEndpointId(SetEndpointIdResponse::parse(data)?)
                }
                CommandCode::GetEndpointId => {
                    ControlResponse::GetEndpointId(GetEndpointIdResponse::parse(data)?)
                }
                CommandCode::GetEndpointUuid => {
                    ControlResponse::GetEndpointUuid(GetEndpointUuidResponse::parse(data)?)
                }
                CommandCode::GetMctpVersionSupport => {
                    ControlResponse::GetMctpVersionSupport(GetVersionSupportResponse::parse(data)?)
                }
                CommandCode::GetMessageTypeSupport => ControlResponse::GetMessageTypeSupport(
                    GetMessageTypeSupportResponse::parse(data)?,
                ),
                CommandCode::GetVendorDefinedMessageSupport => {
                    ControlResponse::GetVendorDefinedMessageSupport(
                        GetVendorMessageSupportResponse::parse(data)?,
                    )
                }
                command => ControlResponse::Other { command, data },
            }
        };
        Ok(ControlResponseRepr {
            instance_id: hdr.instance_id,
            completion,
            body,
        })
    }

    /// Decode the response to a request with command `expected`:
    /// [`Error::CommandMismatch`] if it answers another command, otherwise as
    /// [`ControlResponseRepr::parse`]. (The instance ID is the caller's to match.)
    pub fn parse_for(msg: &'a [u8], expected: CommandCode) -> Result<Self, Error> {
        let h = ControlHeader::new_unchecked(msg);
        let hdr = ControlHeaderRepr::parse(&h)?;
        if hdr.command != expected {
            return Err(Error::CommandMismatch {
                expected,
                received: hdr.command,
            });
        }
        Self::parse(msg)
    }

    /// Message length.
    pub fn buffer_len(&self) -> usize {
        super::header::RESPONSE_HEADER_LEN + self.body.data_len()
    }

    /// Encode the message (from the type byte) into `out`; returns its length. The body is
    /// written as given, even with a non-success completion code.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let hdr = ControlHeaderRepr {
            instance_id: self.instance_id,
            command: self.body.command(),
            kind: MessageKind::Response {
                completion: self.completion,
            },
        };
        if out.len() < self.buffer_len() {
            return Err(Error::BufferTooSmall);
        }
        let n = hdr.emit(out)?;
        let rest = out.get_mut(n..).ok_or(Error::BufferTooSmall)?;
        let d = match self.body {
            ControlResponse::NoData(_) => 0,
            ControlResponse::SetEndpointId(r) => r.emit(rest)?,
            ControlResponse::GetEndpointId(r) => r.emit(rest)?,
            ControlResponse::GetEndpointUuid(r) => r.emit(rest)?,
            ControlResponse::GetMctpVersionSupport(r) => r.emit(rest)?,
            ControlResponse::GetMessageTypeSupport(r) => r.emit(rest)?,
            ControlResponse::GetVendorDefinedMessageSupport(r) => r.emit(rest)?,
            ControlResponse::Other { data, .. } => put(rest, data)?,
        };
        Ok(n + d)
    }
}
