//! The transport's clock.

use core::task::Waker;

use nvme_mi_core::time::Instant;

/// Where an I2C transport reads the time (the transport owns time; the core never reads a
/// clock, see [`nvme_mi_core::time`]).
///
/// Return milliseconds from any fixed epoch, never going backwards. On a microcontroller:
///
/// * a 1 kHz tick interrupt (SysTick) incrementing a counter: return the counter;
/// * a free-running hardware timer: read it, extend it to 64 bits by counting wrap-arounds
///   (compare with the previous reading), and divide by the ticks per millisecond;
/// * under an async executor (embassy): `embassy_time::Instant::now().as_millis()`.
///
/// On a host, `std::time::Instant` elapsed since the transport was made. In the simulated
/// bus (`sim` feature) the clock is the bus's simulated time, which advances with wire time.
pub trait Clock {
    /// The current time.
    fn now(&mut self) -> Instant;

    /// Wake `waker` once the time is `at` or later (a timer interrupt), so that an async
    /// transport waiting for a frame, for the bus or for a retry back-off sleeps instead of
    /// polling. Several tasks may each ask for their own time; a later call with the same
    /// waker replaces the earlier one. Return `false` when the clock has no alarm: the async
    /// transports then wake themselves at once and look again (polling, as on a host with a
    /// spinning executor). Under embassy, a task that awaits `embassy_time::Timer::at` and
    /// then wakes the waker implements it.
    fn wake_at(&mut self, at: Instant, waker: &Waker) -> bool {
        let _ = (at, waker);
        false
    }
}

impl<C: Clock + ?Sized> Clock for &mut C {
    fn now(&mut self) -> Instant {
        (**self).now()
    }
    fn wake_at(&mut self, at: Instant, waker: &Waker) -> bool {
        (**self).wake_at(at, waker)
    }
}
