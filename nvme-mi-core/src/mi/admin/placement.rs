//! The data placement rules of Admin tunnelling (NVMe-MI 1.2 §6.1), checked by the
//! responder before it executes a command.

use super::command::DataTransfer;
use super::request::{AdminRequestRepr, DLEN, DOFST};
use crate::mi::status::{ParameterErrorLocation, Rejection};
use crate::mi::MAX_DATA_LEN;

/// The Invalid Parameter location of DOFST: message byte 28, bit 0.
pub const DOFST_LOCATION: ParameterErrorLocation = ParameterErrorLocation::new(DOFST as u16, 0);
/// The Invalid Parameter location of DLEN: message byte 32, bit 0.
pub const DLEN_LOCATION: ParameterErrorLocation = ParameterErrorLocation::new(DLEN as u16, 0);

/// Check DOFST and DLEN of `req`, which carried `request_data_len` bytes of request data, for
/// a command that moves `transfer`.
///
/// Rules, in order (NVMe-MI 1.2 §6):
/// 1. DOFST a multiple of 4, else Invalid Parameter at DOFST (byte 28).
/// 2. DLEN a multiple of 4 and at most 4096, else Invalid Parameter at DLEN (byte 32).
/// 3. No data transfer: no request data (else Invalid Command Input Data Size), DLEN 0 and
///    DOFST 0 (else Invalid Parameter there).
/// 4. Host to controller: DOFST 0 (else Invalid Parameter at DOFST), DLEN no larger than the
///    command takes (else at DLEN), and exactly DLEN bytes of request data (else Invalid
///    Command Input Data Size).
/// 5. Controller to host: no request data — a bidirectional transfer is not allowed and is
///    reported as Invalid Parameter at DLEN; DOFST within the command's result data (else at
///    DOFST) and DOFST + DLEN within it (else at DLEN).
///
/// Where the spec is silent on which status a mismatch between DLEN and the request data
/// gets, this follows the status names: Invalid Command Input Data Size is "too much or too
/// little request data".
///
/// ```
/// use nvme_mi_core::mi::admin::{check_data_placement, AdminRequestRepr, DataTransfer, DLEN_LOCATION};
/// use nvme_mi_core::mi::status::Rejection;
/// let mut r = AdminRequestRepr { dlen: 4096, ..Default::default() };
/// assert_eq!(check_data_placement(&r, 0, DataTransfer::DeviceToHost(4096)), Ok(()));
/// r.dofst = 4;
/// assert_eq!(
///     check_data_placement(&r, 0, DataTransfer::DeviceToHost(4096)),
///     Err(Rejection::InvalidParameter(DLEN_LOCATION))
/// );
/// ```
pub fn check_data_placement(
    req: &AdminRequestRepr,
    request_data_len: usize,
    transfer: DataTransfer,
) -> Result<(), Rejection> {
    let dofst_bad = Err(Rejection::InvalidParameter(DOFST_LOCATION));
    let dlen_bad = Err(Rejection::InvalidParameter(DLEN_LOCATION));
    if req.dofst % 4 != 0 {
        return dofst_bad;
    }
    if req.dlen % 4 != 0 || req.dlen as usize > MAX_DATA_LEN {
        return dlen_bad;
    }
    match transfer {
        DataTransfer::None => {
            if request_data_len != 0 {
                Err(Rejection::InvalidCommandInputDataSize)
            } else if req.dlen != 0 {
                dlen_bad
            } else if req.dofst != 0 {
                dofst_bad
            } else {
                Ok(())
            }
        }
        DataTransfer::HostToDevice(size) => {
            if req.dofst != 0 {
                dofst_bad
            } else if req.dlen > size {
                dlen_bad
            } else if request_data_len != req.dlen as usize {
                Err(Rejection::InvalidCommandInputDataSize)
            } else {
                Ok(())
            }
        }
        DataTransfer::DeviceToHost(size) => {
            if request_data_len != 0 {
                dlen_bad
            } else if req.dofst > size {
                dofst_bad
            } else if u64::from(req.dofst) + u64::from(req.dlen) > u64::from(size) {
                dlen_bad
            } else {
                Ok(())
            }
        }
    }
}
