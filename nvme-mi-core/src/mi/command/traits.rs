use super::{MiCommandRequestRepr, MiCommandResponseRepr, Opcode};
use crate::mi::header::Message;
use crate::mi::status::StatusInfo;
use crate::mi::{Csi, Error, Result};

/// What a requester gets back for an MI command: the typed response, or the status the
/// endpoint answered instead (NVMe-MI 1.2 §4.1.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Outcome<R> {
    /// Success, with the decoded response.
    Success(R),
    /// Any other status (More Processing Required, Invalid Parameter with its location, or a
    /// generic error). Never holds a success.
    Status(StatusInfo),
}

impl<R> Outcome<R> {
    /// The response on success, `None` otherwise.
    pub fn success(self) -> Option<R> {
        match self {
            Outcome::Success(r) => Some(r),
            Outcome::Status(_) => None,
        }
    }
}

/// An MI command's typed request (NVMe-MI 1.2 §5): its opcode, management
/// dwords and request data, and the decoder of its typed success response.
///
/// The requester calls [`MiCommand::emit_request`] and [`MiCommand::parse_response`]; the
/// responder decodes requests with [`MiRequest::parse`](super::MiRequest::parse).
pub trait MiCommand {
    /// The command's opcode.
    const OPCODE: Opcode;

    /// The typed success response.
    type Response<'r>;

    /// NMD0.
    fn nmd0(&self) -> u32;

    /// NMD1.
    fn nmd1(&self) -> u32;

    /// The request data (none unless the command carries some).
    fn request_data(&self) -> &[u8] {
        &[]
    }

    /// Decode a success response's NMRESP (bytes 7:5) and response data.
    fn decode_response<'r>(&self, nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>>;

    /// The request as plain values.
    fn to_repr(&self) -> MiCommandRequestRepr<'_> {
        MiCommandRequestRepr {
            opcode: Self::OPCODE,
            nmd0: self.nmd0(),
            nmd1: self.nmd1(),
            data: self.request_data(),
        }
    }

    /// Length of the complete request message.
    fn buffer_len(&self) -> usize {
        self.to_repr().buffer_len()
    }

    /// Write the complete request message (with the integrity check) for command slot `csi`
    /// into `out`; returns its length.
    fn emit_request(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        self.to_repr().emit(csi, out)
    }

    /// Decode the response message to this request. Checks that it is an MI response; the
    /// integrity check and command slot are the caller's (the request exchange checks them).
    fn parse_response<'r, T: AsRef<[u8]>>(
        &self,
        msg: &'r Message<T>,
    ) -> Result<Outcome<Self::Response<'r>>> {
        let r = MiCommandResponseRepr::parse_message(msg)?;
        match r.info {
            StatusInfo::Success(nmresp) => {
                Ok(Outcome::Success(self.decode_response(nmresp, r.data)?))
            }
            other => Ok(Outcome::Status(other)),
        }
    }
}

/// An MI command's typed success response, as the responder emits it (NVMe-MI 1.2 §5,
/// Figure 61).
pub trait MiResponse {
    /// NMRESP, bytes 7:5.
    fn nmresp(&self) -> [u8; 3] {
        [0; 3]
    }

    /// The response data.
    fn response_data(&self) -> &[u8] {
        &[]
    }

    /// The response as plain values.
    fn to_repr(&self) -> MiCommandResponseRepr<'_> {
        MiCommandResponseRepr {
            info: StatusInfo::Success(self.nmresp()),
            data: self.response_data(),
        }
    }

    /// Length of the complete response message.
    fn buffer_len(&self) -> usize {
        self.to_repr().buffer_len()
    }

    /// Write the complete success response (with the integrity check) for command slot `csi`
    /// into `out`; returns its length.
    fn emit(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        self.to_repr().emit(csi, out)
    }
}

/// The success response of a command that returns nothing: NMRESP reserved, no data
/// (Configuration Set other than Asynchronous Event, VPD Write, Reset, SES Send, MEB Write,
/// Shutdown).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Empty;

impl Empty {
    /// Decode: reserved NMRESP is ignored; any response data is [`Error::TooLong`].
    pub fn parse(data: &[u8]) -> Result<Self> {
        if data.is_empty() {
            Ok(Empty)
        } else {
            Err(Error::TooLong)
        }
    }
}

impl MiResponse for Empty {}

/// The success response of a command that returns only response data, NMRESP reserved (VPD
/// Read, SES Receive, Management Endpoint Buffer Read).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DataResponse<'a> {
    /// The response data.
    pub data: &'a [u8],
}

impl<'a> DataResponse<'a> {
    /// Decode response data that must be exactly `len` bytes ([`Error::Truncated`] if fewer,
    /// [`Error::InconsistentLength`] if more).
    pub fn parse_exact(data: &'a [u8], len: usize) -> Result<Self> {
        match data.len().cmp(&len) {
            core::cmp::Ordering::Less => Err(Error::Truncated),
            core::cmp::Ordering::Greater => Err(Error::InconsistentLength),
            core::cmp::Ordering::Equal => Ok(DataResponse { data }),
        }
    }
}

impl MiResponse for DataResponse<'_> {
    fn response_data(&self) -> &[u8] {
        self.data
    }
}
