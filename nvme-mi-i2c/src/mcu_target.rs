//! The receive path over an I2C target peripheral that implements `embedded-mcu-hal`'s
//! target traits (feature `embedded-mcu-hal`): the write a drive makes to our own address,
//! collected whole (DSP0237 §6).
//!
//! `embedded-hal` 1.0 has no target (slave) role; `embedded-mcu-hal` 0.3 defines one as a
//! listen → respond loop, blocking ([`blocking::I2c`]) and async ([`asynch::I2c`]). MCTP over
//! SMBus only ever *writes* to a target, so all this module needs is [`next_write`] (or
//! [`next_write_async`]): wait for the next write addressed to us and copy it (command code
//! to PEC) into a buffer. The caller hands it to a [`FrameQueue`](crate::FrameQueue) with
//! [`push_frame`](crate::FrameQueue::push_frame), under whatever lock the queue is shared
//! with, so that the lock is never held while the peripheral waits for the bus:
//!
//! ```
//! use embedded_mcu_hal::i2c::target::asynch::I2c as Target;
//! use nvme_mi_i2c::mcu_target::{next_write_async, Received};
//! use nvme_mi_i2c::{FrameQueue, MAX_RECEIVED_LEN};
//!
//! /// An executor task (embassy, say) that feeds the transport's receive queue.
//! async fn receive_task<T: Target>(
//!     mut target: T,
//!     queue: &core::cell::RefCell<FrameQueue<2>>,
//! ) -> T::Error {
//!     let mut buf = [0u8; MAX_RECEIVED_LEN];
//!     loop {
//!         match next_write_async(&mut target, &mut buf).await {
//!             Ok(Received::Frame(n)) => queue.borrow_mut().push_frame(&buf[..n]),
//!             Ok(_) => {} // a write too long to be a frame, or a refused read
//!             Err(e) => {
//!                 if target.recover().await.is_err() {
//!                     return e;
//!                 }
//!             }
//!         }
//!     }
//! }
//! ```

pub use embedded_mcu_hal::i2c::target::{asynch, blocking};
use embedded_mcu_hal::i2c::target::{ReadStatus, Request, WriteStatus};

/// What [`next_write`] collected.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Received {
    /// A write of this many bytes (command code to PEC) ended with a stop or a repeated
    /// start; it is in the first bytes of the buffer.
    Frame(usize),
    /// A write longer than the buffer: received to its end and discarded (with a buffer of
    /// [`MAX_RECEIVED_LEN`](crate::MAX_RECEIVED_LEN) it cannot be an MCTP frame; DSP0237 §6).
    /// The number is the length the controller wrote.
    TooLong(usize),
    /// A controller tried to *read* from us, which MCTP over SMBus never does (DSP0237 §6:
    /// block writes only). It was given `0xFF` bytes (an idle bus) until it stopped, or
    /// until [`MAX_RECEIVED_LEN`](crate::MAX_RECEIVED_LEN) bytes, after which the caller
    /// should `recover()` the peripheral.
    ReadRefused {
        /// True when the controller stopped reading by itself.
        finished: bool,
    },
}

/// Filler for refused reads: what an undriven SMBus data line reads as.
const IDLE: [u8; 32] = [0xFF; 32];

/// Reads longer than this are left to `recover()`.
const MAX_REFUSED_CHUNKS: usize = crate::MAX_RECEIVED_LEN.div_ceil(IDLE.len());

/// The body shared by [`next_write`] and [`next_write_async`]; `$($aw)*` is empty or
/// `.await`.
macro_rules! next_write_body {
    ($target:ident, $buf:ident, $($aw:tt)*) => {{
        loop {
            match $target.listen()$($aw)*? {
                Request::Write(_) | Request::GeneralCall => {
                    let mut len = 0usize;
                    let mut scratch = [0u8; 16];
                    loop {
                        // Into the buffer while it has room, then into scratch to discard.
                        let dst: &mut [u8] = match $buf.get_mut(len..) {
                            Some(rest) if !rest.is_empty() => rest,
                            _ => &mut scratch,
                        };
                        let (n, ended) = match $target.respond_to_write(dst)$($aw)*? {
                            WriteStatus::Stopped(n) | WriteStatus::Restarted(n) => (n, true),
                            WriteStatus::BufferFull(n) => (n, false),
                            // Statuses added after 0.3: the write is over as far as we know.
                            #[allow(unreachable_patterns)]
                            _ => (0, true),
                        };
                        len = len.saturating_add(n);
                        if ended {
                            break;
                        }
                    }
                    if len > $buf.len() {
                        return Ok(Received::TooLong(len));
                    }
                    if len > 0 {
                        return Ok(Received::Frame(len));
                    }
                }
                Request::Read(_) => {
                    let mut finished = false;
                    for _ in 0..MAX_REFUSED_CHUNKS {
                        match $target.respond_to_read(&IDLE)$($aw)*? {
                            ReadStatus::NeedMore(_) => {}
                            _ => {
                                finished = true;
                                break;
                            }
                        }
                    }
                    return Ok(Received::ReadRefused { finished });
                }
                // Bus conditions around a transfer: nothing to collect.
                _ => {}
            }
        }
    }};
}

/// Wait for the next write a controller makes to our target address and copy it (the bytes
/// after our address byte: command code, byte count, ..., PEC) into `buf`.
///
/// Events without data (stop, repeated start, SMBus alert) and empty writes are skipped.
/// A general-call write is collected like any other (the MCTP frame inside names its
/// destination, which the transport checks). An error of the peripheral is returned as is;
/// the write in progress is lost, and the caller should `recover()` the peripheral.
///
/// Give `buf` [`MAX_RECEIVED_LEN`](crate::MAX_RECEIVED_LEN) bytes to take every valid frame.
pub fn next_write<T: blocking::I2c>(target: &mut T, buf: &mut [u8]) -> Result<Received, T::Error> {
    next_write_body!(target, buf,)
}

/// The async twin of [`next_write`], for executors such as embassy.
pub async fn next_write_async<T: asynch::I2c>(
    target: &mut T,
    buf: &mut [u8],
) -> Result<Received, T::Error> {
    next_write_body!(target, buf, .await)
}
