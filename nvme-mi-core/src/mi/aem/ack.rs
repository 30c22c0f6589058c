//! The acknowledgement of an Asynchronous Event Message (NVMe-MI 2.0 §5.3, TP 6035).

use super::ACK_ENABLE_LIST;
use crate::mi::command::{ConfigurationSetRequest, MiRequest};
use crate::mi::{Csi, Result};

/// The Configuration Set request (identifier 4) that acknowledges an AEM: every NMD0 field
/// 0 and an empty AE Enable List.
pub const ACK_REQUEST: MiRequest<'static> =
    MiRequest::ConfigurationSet(ConfigurationSetRequest::AsyncEvent {
        aerd: 0,
        aemd: 0,
        encfa: false,
        enpfa: false,
        envfa: false,
        enable_list: &ACK_ENABLE_LIST,
    });

/// Write the complete acknowledgement request message (25 bytes, integrity check included)
/// for command slot `csi` into `out`; returns its length. Its response carries an AE
/// Occurrence List of the events that occurred meanwhile, to be processed like an AEM.
///
/// ```
/// use nvme_mi_core::mi::aem::emit_ack_request;
/// use nvme_mi_core::mi::Csi;
/// let mut out = [0u8; 32];
/// let n = emit_ack_request(Csi::Slot0, &mut out).unwrap();
/// assert_eq!(&out[..n], &[
///     0x84, 0x08, 0, 0, 0x03, 0, 0, 0, 0x04, 0, 0, 0, 0, 0, 0, 0,
///     0x00, 0x00, 0x05, 0x00, 0x05, 0x97, 0x3b, 0xdc, 0xf1,
/// ]);
/// ```
pub fn emit_ack_request(csi: Csi, out: &mut [u8]) -> Result<usize> {
    ACK_REQUEST.emit(csi, out)
}
