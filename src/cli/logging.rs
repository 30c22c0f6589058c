//! `--verbose`: a transport wrapper that logs every message sent and received as hex on
//! standard error.

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::status::{ResponseHeader, StatusInfo};
use nvme_mi_core::mi::Message;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{gather, message_len, EventSource, Transport};

/// A transport that logs its traffic when `verbose` is set.
pub struct Logging<T> {
    inner: T,
    verbose: bool,
}

impl<T> Logging<T> {
    /// Wrap `inner`.
    pub fn new(inner: T, verbose: bool) -> Self {
        Logging { inner, verbose }
    }

    /// The wrapped transport, mutably.
    pub fn inner_mut(&mut self) -> &mut T {
        &mut self.inner
    }
}

/// Hex bytes separated by spaces.
pub fn hex_bytes(bytes: &[u8]) -> String {
    bytes
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// A short note on a received NVMe-MI response that is not final.
fn note(bytes: &[u8]) -> &'static str {
    let Ok(m) = Message::new_checked(bytes) else {
        return "";
    };
    match ResponseHeader::parse(&m) {
        Ok(h) if matches!(h.info, StatusInfo::MoreProcessingRequired(_)) => {
            "  (More Processing Required)"
        }
        _ => "",
    }
}

impl<T: Transport> Logging<T> {
    fn log(&mut self, dir: &str, bytes: &[u8]) {
        if self.verbose {
            let t = self.inner.now().as_millis();
            eprintln!(
                "[{t:>8} ms] {dir} {} bytes: {}{}",
                bytes.len(),
                hex_bytes(bytes),
                note(bytes)
            );
        }
    }
}

impl<T: Transport> Transport for Logging<T> {
    type Error = T::Error;

    fn now(&mut self) -> Instant {
        self.inner.now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        if self.verbose {
            let mut buf = vec![0u8; message_len(message)];
            if gather(message, &mut buf).is_some() {
                self.log("->", &buf);
            }
        }
        self.inner.send_request(message)
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error> {
        let r = self.inner.recv_response(buf, deadline);
        match &r {
            Ok(n) => {
                let copy = buf.get(..*n).unwrap_or(&[]).to_vec();
                self.log("<-", &copy);
            }
            Err(e) if self.verbose => eprintln!("   receive: {e}"),
            Err(_) => {}
        }
        r
    }

    fn end_exchange(&mut self) {
        self.inner.end_exchange()
    }

    fn wait_until(&mut self, t: Instant) {
        self.inner.wait_until(t)
    }

    fn remote_eid(&self) -> Option<Eid> {
        self.inner.remote_eid()
    }
}

impl<T: EventSource> EventSource for Logging<T> {
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, Self::Error> {
        let r = self.inner.recv_unsolicited(buf, deadline);
        if let Ok(n) = &r {
            let copy = buf.get(..*n).unwrap_or(&[]).to_vec();
            self.log("<= (event)", &copy);
        }
        r
    }
}
