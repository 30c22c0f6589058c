use core::fmt;

use super::{Outgoing, Respond};
use crate::transport::{AsyncResponderTransport, Error as _, ErrorKind, ResponderTransport};

/// Why a serve loop stopped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ServeError<E> {
    /// Receiving failed with an error that is not a timeout or an oversized message.
    Transport(E),
}

impl<E: fmt::Display> fmt::Display for ServeError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ServeError::Transport(e) => write!(f, "transport: {e}"),
        }
    }
}

impl<E: fmt::Debug + fmt::Display> core::error::Error for ServeError<E> {}

macro_rules! serve_loop {
    ($t:ident, $r:ident, $rx:ident, $tx:ident, $until:ident, $($aw:tt)*) => {{
        // One clock reading per request: the one taken when it arrived also serves the
        // checks that follow its answer (sending does not wait for the peer).
        let mut now = $t.now();
        loop {
            if $until.is_some_and(|u| now >= u) {
                return Ok(());
            }
            while let Some(out) = $r.poll(now, $tx) {
                // A failed send loses that one message; the requester's timeout covers it.
                let _ = match out {
                    Outgoing::Response { to, len } => $t.send_response(&to, &[&$tx[..len]])$($aw)*,
                    Outgoing::Unsolicited { to, len } => $t.send_unsolicited(&to, &[&$tx[..len]])$($aw)*,
                };
            }
            let deadline = match ($r.next_deadline(), $until) {
                (Some(a), Some(b)) => Some(core::cmp::min(a, b)),
                (a, b) => a.or(b),
            };
            match $t.recv_request($rx, deadline)$($aw)* {
                Ok((n, peer)) => {
                    now = $t.now();
                    if let Some(req) = $rx.get(..n) {
                        if let Some(len) = $r.handle(req, &peer, now, $tx) {
                            let _ = $t.send_response(&peer, &[&$tx[..len]])$($aw)*;
                        }
                    }
                }
                Err(e) if matches!(e.kind(), ErrorKind::Timeout | ErrorKind::BufferTooSmall) => {
                    now = $t.now();
                }
                Err(e) => return Err(ServeError::Transport(e)),
            }
        }
    }};
}

/// Serve requests arriving on `t` with `r` until `until` (forever if `None`), sending
/// responses, delayed final responses and unsolicited messages as they fall due. `rx` and
/// `tx` are the receive and transmit buffers (4224 bytes each hold any NVMe-MI message).
pub fn serve<T: ResponderTransport, R: Respond<T::Peer>>(
    t: &mut T,
    r: &mut R,
    rx: &mut [u8],
    tx: &mut [u8],
    until: Option<crate::time::Instant>,
) -> Result<(), ServeError<T::Error>> {
    serve_loop!(t, r, rx, tx, until,)
}

/// The async twin of [`serve`].
pub async fn serve_async<T: AsyncResponderTransport, R: Respond<T::Peer>>(
    t: &mut T,
    r: &mut R,
    rx: &mut [u8],
    tx: &mut [u8],
    until: Option<crate::time::Instant>,
) -> Result<(), ServeError<T::Error>> {
    serve_loop!(t, r, rx, tx, until, .await)
}
