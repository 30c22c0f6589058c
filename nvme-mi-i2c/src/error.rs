//! Errors of the I2C transport.

use core::fmt;

use nvme_mi_core::transport::{self, ErrorKind};

/// An error of the I2C transport, wrapping the I2C controller's error `E` (DSP0237 §6).
///
/// [`transport::Error::kind`] maps it for the requester engine: [`Error::Nack`] is
/// [`ErrorKind::Unreachable`], [`Error::ArbitrationLost`] and [`Error::Bus`] are
/// [`ErrorKind::Bus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error<E> {
    /// The drive did not acknowledge, on every attempt the [`RetryPolicy`](crate::RetryPolicy)
    /// allows; the last controller error is kept.
    Nack(E),
    /// Arbitration was lost on every attempt allowed; the last controller error is kept.
    ArbitrationLost(E),
    /// Any other bus failure (bus error, overrun, other): not retried.
    Bus(E),
    /// No response before the deadline.
    Timeout,
    /// The received message does not fit the buffer given; it was discarded.
    BufferTooSmall,
    /// All eight tags towards the drive are outstanding.
    TagsExhausted,
    /// The message cannot be sent: empty, or the transmission unit is outside 64..=250.
    InvalidMessage,
    /// The shared [`Bus`](crate::Bus) is in use by another transport at this moment (two
    /// async transports awaiting on the same bus at once).
    BusBusy,
}

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Nack(e) => write!(f, "drive did not acknowledge ({e:?})"),
            Error::ArbitrationLost(e) => write!(f, "SMBus arbitration lost ({e:?})"),
            Error::Bus(e) => write!(f, "I2C bus error ({e:?})"),
            Error::Timeout => f.write_str("no response before the deadline"),
            Error::BufferTooSmall => f.write_str("response larger than the receive buffer"),
            Error::TagsExhausted => f.write_str("no free MCTP tag towards the drive"),
            Error::InvalidMessage => f.write_str("message cannot be packetised"),
            Error::BusBusy => f.write_str("shared bus in use by another transport"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for Error<E> {}

impl<E: fmt::Debug> transport::Error for Error<E> {
    fn kind(&self) -> ErrorKind {
        match self {
            Error::Nack(_) => ErrorKind::Unreachable,
            Error::ArbitrationLost(_) | Error::Bus(_) | Error::BusBusy => ErrorKind::Bus,
            Error::Timeout => ErrorKind::Timeout,
            Error::BufferTooSmall => ErrorKind::BufferTooSmall,
            Error::TagsExhausted => ErrorKind::TagsExhausted,
            Error::InvalidMessage => ErrorKind::Other,
        }
    }
}

#[cfg(test)]
mod tests {
    extern crate std;
    use super::*;
    use std::string::ToString;
    use transport::Error as _;

    #[test]
    fn kinds_and_text() {
        assert_eq!(Error::Nack(()).kind(), ErrorKind::Unreachable);
        assert_eq!(Error::ArbitrationLost(()).kind(), ErrorKind::Bus);
        assert_eq!(Error::Bus(()).kind(), ErrorKind::Bus);
        assert_eq!(Error::<()>::BusBusy.kind(), ErrorKind::Bus);
        assert_eq!(Error::<()>::Timeout.kind(), ErrorKind::Timeout);
        assert_eq!(Error::<()>::TagsExhausted.kind(), ErrorKind::TagsExhausted);
        assert_eq!(
            Error::<()>::BufferTooSmall.kind(),
            ErrorKind::BufferTooSmall
        );
        assert_eq!(Error::<()>::InvalidMessage.kind(), ErrorKind::Other);
        assert!(Error::Nack(3).to_string().contains("acknowledge"));
        assert!(Error::ArbitrationLost(3)
            .to_string()
            .contains("arbitration"));
    }
}
