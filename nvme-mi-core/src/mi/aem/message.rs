//! The Asynchronous Event Message itself (NVMe-MI 2.0 §5.3, TP 6035).
//!
//! ```text
//! bytes 3:0  NVMe-MI message header: 84 28 00 00 (NMIMT 5, ROR 0, CSI 0)
//! bytes 4..  AE Occurrence List (no status byte)
//! last 4     Message Integrity Check
//! ```
//!
//! The drive sends it as an MCTP request (TO set, a tag of its own) to the endpoint that
//! enabled the events.

use super::{AeOccurrence, AeOccurrenceList, AeOccurrenceListHeader};
use crate::mi::header::{Message, MessageHeader, HEADER_LEN};
use crate::mi::integrity::{self, MIC_LEN};
use crate::mi::{Csi, Error, Nmimt, Result, Ror, MAX_MESSAGE_LEN};

/// The header of every Asynchronous Event Message (byte 1 = 0x28).
pub const AEM_HEADER: MessageHeader = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0);

/// Decode the AE Occurrence List of a checked Asynchronous Event Message.
///
/// The integrity check is not verified here: call [`Message::check_mic`] first.
///
/// Errors: [`Error::WrongNmimt`] if the message is not an AEM, [`Error::WrongDirection`] if
/// ROR is set, and the errors of [`AeOccurrenceList::parse`].
///
/// ```
/// use nvme_mi_core::mi::aem::{emit_aem, parse_aem, AeId, AeOccurrence, AeOccurrenceListHeader};
/// use nvme_mi_core::mi::Message;
/// let mut buf = [0u8; 32];
/// let n = emit_aem(&AeOccurrenceListHeader::default(), &[AeOccurrence::new(AeId::SmartWarnings)], &mut buf).unwrap();
/// assert_eq!(&buf[..4], &[0x84, 0x28, 0, 0]);
/// let msg = Message::new_checked(&buf[..n]).unwrap();
/// msg.check_mic().unwrap();
/// let list = parse_aem(&msg).unwrap();
/// assert_eq!(list.occurrences().next().unwrap().id, AeId::SmartWarnings);
/// ```
pub fn parse_aem<'a, T: AsRef<[u8]>>(msg: &'a Message<T>) -> Result<AeOccurrenceList<'a>> {
    let nmimt = msg.nmimt();
    if nmimt != Nmimt::AsyncEvent {
        return Err(Error::WrongNmimt(nmimt.to_u8()));
    }
    if msg.ror() != Ror::Request {
        return Err(Error::WrongDirection);
    }
    AeOccurrenceList::parse(msg.body())
}

/// Length of the Asynchronous Event Message carrying `occurrences`.
pub fn aem_buffer_len(occurrences: &[AeOccurrence<'_>]) -> usize {
    HEADER_LEN + AeOccurrenceList::buffer_len(occurrences) + MIC_LEN
}

/// Write a complete Asynchronous Event Message (header, AE Occurrence List, integrity check)
/// into `out`; returns its length.
///
/// Errors: those of [`AeOccurrenceList::emit`], [`Error::TooLong`] beyond
/// [`MAX_MESSAGE_LEN`], [`Error::BufferTooSmall`].
pub fn emit_aem(
    header: &AeOccurrenceListHeader,
    occurrences: &[AeOccurrence<'_>],
    out: &mut [u8],
) -> Result<usize> {
    let total = aem_buffer_len(occurrences);
    if total > MAX_MESSAGE_LEN {
        return Err(Error::TooLong);
    }
    let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
    AEM_HEADER.emit(out)?;
    let list = out
        .get_mut(HEADER_LEN..total - MIC_LEN)
        .ok_or(Error::BufferTooSmall)?;
    AeOccurrenceList::emit(header, occurrences, list)?;
    integrity::seal(out)?;
    Ok(total)
}
