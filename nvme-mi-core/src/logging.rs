//! Diagnostics: the crate's `trace!`, `debug!` and `warn!` forward to `log` when the `log`
//! feature is on, else to `defmt` when the `defmt` feature is on, and compile to nothing
//! (their arguments evaluated and dropped, no `core::fmt` code) when neither is. `log` wins
//! when both are on (as with `--all-features` on a host, where no `defmt` logger is linked);
//! `defmt` alone is for bare metal, where its logger is.
//!
//! Format strings use positional `{}` and `{:?}` only, which both crates accept; every value
//! logged implements `Debug` and, under `defmt`, `defmt::Format`. What is logged: every
//! dropped message, retry, timeout and rejected request, with the reason and the peer, at
//! `debug` or `warn`; nothing above `trace` on the path of a successful exchange.

#[cfg(all(feature = "defmt", not(feature = "log")))]
macro_rules! forward {
    ($level:ident, $($arg:tt)+) => {
        ::defmt::$level!($($arg)+)
    };
}

#[cfg(feature = "log")]
macro_rules! forward {
    ($level:ident, $($arg:tt)+) => {
        ::log::$level!(target: "nvme_mi_core", $($arg)+)
    };
}

#[cfg(not(any(feature = "log", feature = "defmt")))]
macro_rules! forward {
    ($level:ident, $fmt:literal $(, $arg:expr)* $(,)?) => {{
        $(let _ = &$arg;)*
    }};
}

/// A detail of the normal path.
macro_rules! trace {
    ($($arg:tt)+) => { forward!(trace, $($arg)+) };
}

/// A message dropped, a retry, a request rejected: expected on a noisy bus.
macro_rules! debug {
    ($($arg:tt)+) => { forward!(debug, $($arg)+) };
}

/// A command given up (timeout, retries exhausted).
macro_rules! warn {
    ($($arg:tt)+) => { forward!(warn, $($arg)+) };
}
