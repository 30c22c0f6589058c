//! The NVMe Admin Command response message (NVMe-MI 1.2 §6, Figure 118).
//!
//! ```text
//! bytes 3:0    NVMe-MI message header (NMIMT 2, ROR 1)
//! byte  4      Status (NVMe-MI response status)
//! bytes 7:5    reserved; on error the parameter error location or MPRT
//! bytes 11:8   CQE DW0
//! bytes 15:12  CQE DW1
//! bytes 19:16  CQE DW3 (command ID, phase tag, NVMe status)
//! bytes N-1:20 response data
//! last 4       Message Integrity Check
//! ```
//!
//! An error or More Processing Required response may also come in the 8-byte short form of
//! every NVMe-MI error response (header, status, bytes 7:5, integrity check); both forms parse.

use super::completion::AdminCompletion;
use super::request::AdminRequestRepr;
use crate::mi::header::Message;
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::{Mprt, Rejection, ResponseHeader, StatusInfo, RESPONSE_HEADER_LEN};
use crate::mi::{Error, Nmimt, Result, MAX_DATA_LEN};

/// Message offset of CQE DW0.
pub const CQE_DW0: usize = 8;
/// Message offset of CQE DW1.
pub const CQE_DW1: usize = 12;
/// Message offset of CQE DW3.
pub const CQE_DW3: usize = 16;
/// Message offset of the response data.
pub const RESPONSE_DATA: usize = 20;
/// Length of the short (error / MPR) response: header, status, bytes 7:5, integrity check.
pub const SHORT_RESPONSE_LEN: usize = RESPONSE_HEADER_LEN + MIC_LEN;
/// Length of a response with completion dwords and no data.
pub const MIN_RESPONSE_LEN: usize = RESPONSE_DATA + MIC_LEN;

/// A checked view over a complete Admin response message (NVMe-MI 1.2 Figure 118).
///
/// [`AdminResponse::new_checked`] accepts the short form (12 bytes) and the full form
/// (at least 24 bytes) and rejects lengths in between as [`Error::Truncated`]; afterwards no
/// accessor panics. It checks neither NMIMT/ROR nor the integrity check.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct AdminResponse<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> AdminResponse<T> {
    /// Wrap a buffer without checks; accessors may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        AdminResponse { buffer }
    }

    /// Wrap a buffer after checking the type byte and the length.
    pub fn new_checked(buffer: T) -> Result<Self> {
        let r = AdminResponse { buffer };
        r.check_len()?;
        Ok(r)
    }

    /// Check the type byte and that the length is the short or the full form.
    pub fn check_len(&self) -> Result<()> {
        Message::new_checked(self.buffer.as_ref())?;
        let n = self.buffer.as_ref().len();
        if n < SHORT_RESPONSE_LEN || (n > SHORT_RESPONSE_LEN && n < MIN_RESPONSE_LEN) {
            return Err(Error::Truncated);
        }
        Ok(())
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole message as a generic NVMe-MI message view.
    pub fn message(&self) -> Message<&[u8]> {
        Message::new_unchecked(self.buffer.as_ref())
    }

    /// The status byte and bytes 7:5, decoded.
    pub fn status_info(&self) -> StatusInfo {
        let b = self.buffer.as_ref();
        StatusInfo::from_parts(b[4].into(), [b[5], b[6], b[7]])
    }

    /// True for the short form (no completion dwords).
    pub fn is_short(&self) -> bool {
        self.buffer.as_ref().len() < MIN_RESPONSE_LEN
    }

    fn dword(&self, off: usize) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
    }

    /// The completion dwords, absent in the short form.
    pub fn completion(&self) -> Option<AdminCompletion> {
        if self.is_short() {
            return None;
        }
        Some(AdminCompletion::from_dwords(
            self.dword(CQE_DW0),
            self.dword(CQE_DW1),
            self.dword(CQE_DW3),
        ))
    }

    /// The response data (empty in the short form).
    pub fn data(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        if self.is_short() {
            return &[];
        }
        &b[RESPONSE_DATA..b.len() - MIC_LEN]
    }
}

impl<'a> AdminResponse<&'a [u8]> {
    /// The response data, borrowed for as long as the buffer (empty in the short form).
    pub fn into_data(self) -> &'a [u8] {
        let b = self.buffer;
        if b.len() < MIN_RESPONSE_LEN {
            return &[];
        }
        b.get(RESPONSE_DATA..b.len() - MIC_LEN).unwrap_or_default()
    }
}

impl<T: AsRef<[u8]> + AsMut<[u8]>> AdminResponse<T> {
    fn set_dword(&mut self, off: usize, v: u32) {
        self.buffer.as_mut()[off..off + 4].copy_from_slice(&v.to_le_bytes());
    }

    /// Write the status byte and bytes 7:5.
    pub fn set_status_info(&mut self, info: StatusInfo) {
        self.buffer.as_mut()[4..8].copy_from_slice(&info.to_bytes());
    }

    /// Write the completion dwords; ignored in the short form, which has none.
    pub fn set_completion(&mut self, c: &AdminCompletion) {
        if self.is_short() {
            return;
        }
        self.set_dword(CQE_DW0, c.dw0);
        self.set_dword(CQE_DW1, c.dw1);
        self.set_dword(CQE_DW3, c.dw3());
    }

    /// Compute and write the integrity check (after changing fields with the setters).
    pub fn fill_mic(&mut self) {
        // The length was checked at construction: cannot fail.
        let _ = crate::mi::integrity::seal(self.buffer.as_mut());
    }

    /// The response data, writable (empty in the short form).
    pub fn data_mut(&mut self) -> &mut [u8] {
        if self.is_short() {
            return &mut [];
        }
        let b = self.buffer.as_mut();
        let end = b.len() - MIC_LEN;
        &mut b[RESPONSE_DATA..end]
    }
}

/// An Admin response as plain values (NVMe-MI 1.2 Figure 118).
///
/// `completion` is `Some` when the message has the completion dwords (always for Success) and
/// `None` for the short form; for a status other than Success the dwords are not meaningful.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AdminResponseRepr {
    /// Header (CSI ...) and status with its specific bytes.
    pub header: ResponseHeader,
    /// CQE DW0, DW1, DW3.
    pub completion: Option<AdminCompletion>,
}

impl AdminResponseRepr {
    fn answering(request: &AdminRequestRepr, info: StatusInfo) -> ResponseHeader {
        ResponseHeader::answering(&request.header(), info)
    }

    /// The Success response to `request` carrying `completion`.
    pub fn success(request: &AdminRequestRepr, completion: AdminCompletion) -> Self {
        AdminResponseRepr {
            header: Self::answering(request, StatusInfo::Success([0; 3])),
            completion: Some(completion),
        }
    }

    /// The short More Processing Required response to `request`.
    pub fn more_processing_required(request: &AdminRequestRepr, mprt: Mprt) -> Self {
        AdminResponseRepr {
            header: Self::answering(request, StatusInfo::MoreProcessingRequired(mprt)),
            completion: None,
        }
    }

    /// The short error response rejecting `request`.
    pub fn rejected(request: &AdminRequestRepr, rejection: Rejection) -> Self {
        AdminResponseRepr {
            header: Self::answering(request, rejection.status_info()),
            completion: None,
        }
    }

    /// Parse a checked view: NMIMT must be 2 and ROR 1; a Success must have the full form.
    pub fn parse<T: AsRef<[u8]>>(resp: &AdminResponse<T>) -> Result<Self> {
        let header = ResponseHeader::parse_as(&resp.message(), Nmimt::AdminCommand)?;
        let completion = resp.completion();
        if header.status().is_success() && completion.is_none() {
            return Err(Error::Truncated);
        }
        Ok(AdminResponseRepr { header, completion })
    }

    /// The MPR time, if this is a More Processing Required response.
    pub const fn mprt(&self) -> Option<Mprt> {
        self.header.more_processing_required()
    }

    /// Length of the message carrying `data_len` bytes of response data.
    pub const fn buffer_len(&self, data_len: usize) -> usize {
        match self.completion {
            Some(_) => MIN_RESPONSE_LEN + data_len,
            None => SHORT_RESPONSE_LEN,
        }
    }

    /// Assemble the complete response (header, status, completion dwords if any, `data`,
    /// integrity check) into `out`; returns its length. Data needs the completion dwords
    /// ([`Error::InvalidField`] otherwise) and is at most 4096 bytes.
    pub fn emit_message(&self, data: &[u8], out: &mut [u8]) -> Result<usize> {
        self.checked_len(data.len())?;
        if !data.is_empty() {
            out.get_mut(RESPONSE_DATA..RESPONSE_DATA + data.len())
                .ok_or(Error::BufferTooSmall)?
                .copy_from_slice(data);
        }
        self.emit_around(data.len(), out)
    }

    /// Assemble the response around `data_len` bytes of response data already in place at
    /// [`RESPONSE_DATA`] in `out` (a responder that had the device write its data there):
    /// header, status, completion dwords if any, integrity check; returns the length.
    /// Errors as [`AdminResponseRepr::emit_message`].
    pub fn emit_around(&self, data_len: usize, out: &mut [u8]) -> Result<usize> {
        let len = self.checked_len(data_len)?;
        let msg = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        msg.get_mut(..RESPONSE_HEADER_LEN)
            .ok_or(Error::BufferTooSmall)?
            .copy_from_slice(&self.header.to_bytes());
        let mut view = AdminResponse::new_unchecked(msg);
        if let Some(c) = &self.completion {
            view.set_completion(c);
        }
        view.fill_mic();
        Ok(len)
    }

    /// The message length with `data_len` bytes of data: [`Error::TooLong`] past 4096 bytes,
    /// [`Error::InvalidField`] for data without completion dwords.
    fn checked_len(&self, data_len: usize) -> Result<usize> {
        if data_len > MAX_DATA_LEN {
            return Err(Error::TooLong);
        }
        if self.completion.is_none() && data_len > 0 {
            return Err(Error::InvalidField);
        }
        Ok(self.buffer_len(data_len))
    }
}

/// Requester side: check and decode a received Admin response message (integrity check
/// included) into its fields and response data.
///
/// ```
/// use nvme_mi_core::mi::admin::parse_response;
/// // More Processing Required to an Admin command, MPRT 0x0032.
/// let msg = [0x84, 0x90, 0, 0, 0x01, 0, 0x32, 0, 0x04, 0xda, 0x4f, 0x4a];
/// let (resp, data) = parse_response(&msg).unwrap();
/// assert_eq!(resp.mprt().unwrap().as_millis(), 5000);
/// assert!(data.is_empty());
/// ```
pub fn parse_response(msg: &[u8]) -> Result<(AdminResponseRepr, &[u8])> {
    let view = AdminResponse::new_checked(msg)?;
    view.message().check_mic()?;
    let repr = AdminResponseRepr::parse(&view)?;
    let data = if view.is_short() {
        &[][..]
    } else {
        // The view checked the length: the range is in bounds.
        msg.get(RESPONSE_DATA..msg.len() - MIC_LEN)
            .unwrap_or_default()
    };
    Ok((repr, data))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::admin::NvmeStatus;
    use crate::mi::status::ParameterErrorLocation;

    #[test]
    fn view_setters() {
        let mut buf = [0u8; 28];
        let req = AdminRequestRepr::default();
        AdminResponseRepr::success(&req, AdminCompletion::success(0))
            .emit_message(&[0; 4], &mut buf)
            .unwrap();
        let mut v = AdminResponse::new_checked(&mut buf[..]).unwrap();
        let c = AdminCompletion {
            cid: 7,
            phase: true,
            ..AdminCompletion::with_status(NvmeStatus::from_u16(0x4002))
        };
        v.set_completion(&c);
        v.data_mut().copy_from_slice(&[1, 2, 3, 4]);
        v.fill_mic();
        let (back, data) = parse_response(&buf).unwrap();
        assert_eq!(back.completion, Some(c));
        assert_eq!(data, &[1, 2, 3, 4]);

        let mut short = [0u8; SHORT_RESPONSE_LEN];
        AdminResponseRepr::more_processing_required(&req, Mprt(1))
            .emit_message(&[], &mut short)
            .unwrap();
        let mut v = AdminResponse::new_checked(&mut short[..]).unwrap();
        let loc = ParameterErrorLocation::new(28, 0);
        v.set_status_info(StatusInfo::InvalidParameter(loc));
        v.set_completion(&c);
        assert!(v.data_mut().is_empty());
        assert_eq!(v.status_info(), StatusInfo::InvalidParameter(loc));
        assert_eq!(v.completion(), None);
    }
}
