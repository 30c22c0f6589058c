//! Raising the MCTP transmission unit: NVMe-MI Configuration Set / Get, Configuration
//! Identifier 3, MCTP Transmission Unit Size (NVMe-MI 1.2 §5.2, §5.3).

use core::fmt;

use nvme_mi_core::mctp::fragment::MAX_TU_SMBUS;
use nvme_mi_core::mctp::BASELINE_TU;
use nvme_mi_core::mi::command::{
    ConfigurationGetRequest, ConfigurationGetResponse, ConfigurationSetRequest,
};
use nvme_mi_core::requester::{AsyncEndpoint, Endpoint, RequestError};
use nvme_mi_core::transport::{AsyncTransport, Transport};

use crate::transport::TransmissionUnit;

/// Why the transmission unit could not be raised (NVMe-MI 1.2 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TuError<E> {
    /// The size asked for is outside 64..=250 (the SMBus binding's range).
    OutOfRange(u16),
    /// Configuration Set or Get failed (an Invalid Parameter status means the drive does
    /// not support that size on that port).
    Request(RequestError<E>),
    /// Configuration Get reports another size than the one set; the transport uses the
    /// reported size if it is valid, else the baseline.
    Mismatch {
        /// The size set.
        requested: u16,
        /// The size reported.
        reported: u16,
    },
}

impl<E: fmt::Debug> fmt::Display for TuError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TuError::OutOfRange(tu) => write!(f, "transmission unit {tu} outside 64..=250"),
            TuError::Request(e) => write!(f, "configuration request failed: {e:?}"),
            TuError::Mismatch {
                requested,
                reported,
            } => write!(
                f,
                "drive reports transmission unit {reported}, {requested} was set"
            ),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for TuError<E> {}

macro_rules! negotiate {
    ($ep:ident, $port_id:ident, $tu:ident, $($aw:tt)*) => {{
        if !(BASELINE_TU..=MAX_TU_SMBUS).contains(&usize::from($tu)) {
            return Err(TuError::OutOfRange($tu));
        }
        let set = ConfigurationSetRequest::MctpTransmissionUnitSize { port_id: $port_id, mtus: $tu };
        $ep.mi_command(&set)$($aw)*.map_err(TuError::Request)?;
        // The drive answers at the new size from now on; so do we.
        $ep.transport_mut().set_transmission_unit(usize::from($tu));
        let get = ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: $port_id };
        let reported = match $ep.mi_command(&get)$($aw)*.map_err(TuError::Request)? {
            ConfigurationGetResponse::MctpTransmissionUnitSize(m) => m,
            _ => 0,
        };
        if reported != $tu {
            if !$ep.transport_mut().set_transmission_unit(usize::from(reported)) {
                $ep.transport_mut().set_transmission_unit(BASELINE_TU);
            }
            return Err(TuError::Mismatch { requested: $tu, reported });
        }
        Ok(reported)
    }};
}

/// Ask the drive behind `ep` to use an MCTP transmission unit of `tu` bytes on its SMBus
/// port `port_id` (Configuration Set, identifier 3), then raise the transport's own unit
/// to match and read the value back (Configuration Get). Returns the size in force.
///
/// `port_id` is the drive's SMBus/I2C port as Read NVMe-MI Data Structure, Port Information
/// reports it (port type 2-Wire); the simulated drive's is port 1. Changing the size while
/// other commands are outstanding is undefined (NVMe-MI 1.2): call it between commands.
/// After a drive reset the size is 64 again: call [`TransmissionUnit::set_transmission_unit`]
/// with 64 (or negotiate again).
pub fn negotiate_transmission_unit<T, B>(
    ep: &mut Endpoint<T, B>,
    port_id: u8,
    tu: u16,
) -> Result<u16, TuError<T::Error>>
where
    T: Transport + TransmissionUnit,
    B: AsMut<[u8]> + AsRef<[u8]>,
{
    negotiate!(ep, port_id, tu,)
}

/// The async twin of [`negotiate_transmission_unit`].
pub async fn negotiate_transmission_unit_async<T, B>(
    ep: &mut AsyncEndpoint<T, B>,
    port_id: u8,
    tu: u16,
) -> Result<u16, TuError<T::Error>>
where
    T: AsyncTransport + TransmissionUnit,
    B: AsMut<[u8]> + AsRef<[u8]>,
{
    negotiate!(ep, port_id, tu, .await)
}
