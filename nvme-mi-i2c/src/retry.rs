//! What a bus controller does after a failed write: DSP0237's recovery rules.

use core::time::Duration;

use embedded_hal::i2c::ErrorKind as I2cErrorKind;

use crate::{BusStats, Error};

/// How often, and after how long, a frame write is attempted again after a bus failure
/// (DSP0237 1.2, Table 9: MN1 ≥ 2 retries of a request; the per-frame counts and delays are
/// left to the implementation, and whole-message retries to the requester's timeout MT2).
/// The defaults:
///
/// * a **NACK** of the address is retried twice (three attempts) after a back-off of 2 ms,
///   doubled each time (2 ms, 4 ms): a drive NACKs while its receive buffer is busy, and
///   hammering it at once only repeats the NACK;
/// * **lost arbitration** is retried three times (four attempts) after 1 ms, doubled (1, 2,
///   4 ms): it only means another controller, often the drive answering someone else, took
///   the bus; SMBus lets the loser try again once the bus is free;
/// * every other failure fails the frame at once: a **bus error**, including the controller's
///   clock-low timeout (SMBus 3.2, TTIMEOUT: a device holding SCL low for 25 to 35 ms
///   has reset its interface, so the frame is lost on its side and the message with it),
///   and an overrun.
///
/// A failed frame never makes the transport send the message again: whether a request is
/// repeated is the requester engine's decision (reads only).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct RetryPolicy {
    /// Further attempts after a NACK.
    pub nack_retries: u8,
    /// Further attempts after lost arbitration.
    pub arbitration_retries: u8,
    /// Wait before the first retry after a NACK; doubled for each further one.
    pub nack_backoff: Duration,
    /// Wait before the first retry after lost arbitration; doubled for each further one.
    pub arbitration_backoff: Duration,
    /// The longest an async transport waits for its turn on the shared bus before it
    /// reports [`Error::BusBusy`].
    pub bus_wait: Duration,
}

impl RetryPolicy {
    /// The default policy (also [`RetryPolicy::default`]), usable in `const` context.
    pub const DEFAULT: RetryPolicy = RetryPolicy {
        nack_retries: 2,
        arbitration_retries: 3,
        nack_backoff: Duration::from_millis(2),
        arbitration_backoff: Duration::from_millis(1),
        bus_wait: Duration::from_secs(1),
    };
}

impl Default for RetryPolicy {
    fn default() -> Self {
        Self::DEFAULT
    }
}

fn bump(c: &mut u32) {
    *c = c.saturating_add(1);
}

fn doubled(base: Duration, attempt: u8) -> Duration {
    base.saturating_mul(1u32 << attempt.min(16))
}

impl RetryPolicy {
    /// Decide about the failed write attempt number `attempt` (0 for the first): `Ok(wait)`
    /// to try again after `wait`, or the error to report. Counts the failure in `stats`.
    pub fn after_failure<E: embedded_hal::i2c::Error>(
        &self,
        e: E,
        attempt: u8,
        stats: &mut BusStats,
    ) -> Result<Duration, Error<E>> {
        match e.kind() {
            I2cErrorKind::NoAcknowledge(_) => {
                bump(&mut stats.nacks);
                if attempt < self.nack_retries {
                    Ok(doubled(self.nack_backoff, attempt))
                } else {
                    Err(Error::Nack(e))
                }
            }
            I2cErrorKind::ArbitrationLoss => {
                bump(&mut stats.arbitration_losses);
                if attempt < self.arbitration_retries {
                    Ok(doubled(self.arbitration_backoff, attempt))
                } else {
                    Err(Error::ArbitrationLost(e))
                }
            }
            _ => {
                bump(&mut stats.bus_errors);
                Err(Error::Bus(e))
            }
        }
    }
}

/// Write one frame (`bytes`, everything after the address byte) to `addr` with `i2c`,
/// retrying as `policy` allows; `$backoff` is run with the wait (a `Duration` bound to
/// `$d`) before each retry. Evaluates to `Result<(), Error<E>>`.
macro_rules! write_frame {
    ($i2c:expr, $addr:expr, $bytes:expr, $policy:expr, $stats:expr, |$d:ident| $backoff:expr, $($aw:tt)*) => {{
        let mut attempt = 0u8;
        loop {
            $stats.write_attempts = $stats.write_attempts.saturating_add(1);
            match $i2c.write($addr, $bytes)$($aw)* {
                Ok(()) => {
                    $stats.frames_sent = $stats.frames_sent.saturating_add(1);
                    break Ok(());
                }
                Err(e) => match $policy.after_failure(e, attempt, &mut $stats) {
                    Ok($d) => {
                        $backoff;
                        attempt = attempt.saturating_add(1);
                    }
                    Err(err) => break Err(err),
                },
            }
        }
    }};
}
pub(crate) use write_frame;

#[cfg(test)]
mod tests {
    use super::*;
    use embedded_hal::i2c::NoAcknowledgeSource;

    #[test]
    fn backoff_doubles_and_gives_up() {
        let p = RetryPolicy::default();
        let mut s = BusStats::default();
        let nack = I2cErrorKind::NoAcknowledge(NoAcknowledgeSource::Address);
        assert_eq!(
            p.after_failure(nack, 0, &mut s),
            Ok(Duration::from_millis(2))
        );
        assert_eq!(
            p.after_failure(nack, 1, &mut s),
            Ok(Duration::from_millis(4))
        );
        assert_eq!(p.after_failure(nack, 2, &mut s), Err(Error::Nack(nack)));
        let arb = I2cErrorKind::ArbitrationLoss;
        assert_eq!(
            p.after_failure(arb, 2, &mut s),
            Ok(Duration::from_millis(4))
        );
        assert_eq!(
            p.after_failure(arb, 3, &mut s),
            Err(Error::ArbitrationLost(arb))
        );
        let bus = I2cErrorKind::Bus;
        assert_eq!(p.after_failure(bus, 0, &mut s), Err(Error::Bus(bus)));
        assert_eq!((s.nacks, s.arbitration_losses, s.bus_errors), (3, 2, 1));
    }
}
