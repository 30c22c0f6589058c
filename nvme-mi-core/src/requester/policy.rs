use core::time::Duration;

/// How long to wait, how often to retry: the timing policy of one command.
///
/// Defaults follow practice (libnvme waits 5 s per response) but bound what libnvme does not:
/// the whole command, including every More Processing Required wait and every retry, ends by
/// an absolute deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Policy {
    /// How long to wait for a response after sending the request (and after a More
    /// Processing Required response whose time value is 0).
    pub response_timeout: Duration,
    /// Upper bound for the whole command from the first transmission, whatever the endpoint
    /// asks for with More Processing Required.
    pub max_total: Duration,
    /// Upper bound for one wait after More Processing Required, whatever MPRT says.
    pub max_mpr_wait: Duration,
    /// Further transmissions after a timeout or a corrupted response. Used only for
    /// commands that are safe to repeat.
    pub retries: u8,
    /// The command may be sent again without changing the result (reads, polls).
    pub idempotent: bool,
}

impl Policy {
    /// Reads and polls: 5 s per response, 30 s in all, two retries.
    pub const fn read() -> Self {
        Policy {
            response_timeout: crate::transport::DEFAULT_TIMEOUT,
            max_total: Duration::from_secs(30),
            max_mpr_wait: Duration::from_secs(30),
            retries: 2,
            idempotent: true,
        }
    }

    /// Commands that change state: 5 s per response, 30 s in all, never repeated.
    pub const fn write() -> Self {
        Policy {
            idempotent: false,
            retries: 0,
            ..Self::read()
        }
    }

    /// Slow operations (firmware commit, format, sanitize, shutdown): never repeated, up to
    /// 10 minutes in all following More Processing Required.
    pub const fn slow() -> Self {
        Policy {
            max_total: Duration::from_secs(600),
            max_mpr_wait: Duration::from_secs(600),
            ..Self::write()
        }
    }

    /// The same policy with another per-response timeout (the total bound grows to stay at
    /// least as long).
    pub fn with_timeout(mut self, t: Duration) -> Self {
        self.response_timeout = t;
        if self.max_total < t {
            self.max_total = t;
        }
        self
    }
}

impl Default for Policy {
    fn default() -> Self {
        Policy::read()
    }
}
