//! `--verbose`: a transport wrapper that logs every message sent and received as hex on
//! standard error, on the requester side (every command) and on the responder side
//! (`serve`: each request with the peer it came from, each response and event sent).

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::status::ResponseHeader;
use nvme_mi_core::mi::Message;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{gather, message_len, EventSource, ResponderTransport, Transport};

/// A transport that logs its traffic when `verbose` is set.
pub struct Logging<T> {
    inner: T,
    verbose: bool,
    /// The last request sent, for explaining an Invalid Parameter response.
    last: Vec<u8>,
    /// `--capture`.
    capture: Option<super::capture::Capture>,
}

/// The EID and tag of a responder's peer, for the capture.
pub trait PeerAddr {
    /// The requester's EID and the request's tag.
    fn eid_tag(&self) -> (u8, u8);
}

#[cfg(target_os = "linux")]
impl PeerAddr for nvme_mi_linux::MctpPeer {
    fn eid_tag(&self) -> (u8, u8) {
        (self.addr.eid.0, self.tag)
    }
}

impl<T> Logging<T> {
    /// Wrap `inner`.
    pub fn new(inner: T, verbose: bool) -> Self {
        Logging {
            inner,
            verbose,
            last: Vec::new(),
            capture: None,
        }
    }

    /// Also write every message to `c`.
    pub fn capture(&mut self, c: super::capture::Capture) {
        self.capture = Some(c);
    }

    /// The last request sent (requester side), type byte first.
    pub fn last_request(&self) -> &[u8] {
        &self.last
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
        Ok(h) if h.more_processing_required().is_some() => "  (More Processing Required)",
        _ => "",
    }
}

/// One log line: time, direction, length, bytes and a note.
fn line(t: Instant, dir: &str, bytes: &[u8]) {
    eprintln!(
        "[{:>8} ms] {dir} {} bytes: {}{}",
        t.as_millis(),
        bytes.len(),
        hex_bytes(bytes),
        note(bytes)
    );
}

/// The scattered parts of a message, gathered for logging.
fn gathered(message: &[&[u8]]) -> Vec<u8> {
    let mut buf = vec![0u8; message_len(message)];
    match gather(message, &mut buf) {
        Some(n) => buf.truncate(n),
        None => buf.clear(),
    }
    buf
}

impl<T: Transport> Logging<T> {
    fn log(&mut self, dir: &str, bytes: &[u8]) {
        if self.verbose {
            line(self.inner.now(), dir, bytes);
        }
    }
}

impl<T: Transport> Transport for Logging<T> {
    type Error = T::Error;

    fn now(&mut self) -> Instant {
        self.inner.now()
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), Self::Error> {
        self.last = gathered(message);
        if let Some(c) = &mut self.capture {
            let remote = self.inner.remote_eid().map_or(0, |e| e.0);
            c.message(0, remote, true, 0, &self.last);
        }
        if self.verbose {
            line(self.inner.now(), "->", &self.last);
        }
        self.inner.send_request(message)
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, Self::Error> {
        let r = self.inner.recv_response(buf, deadline);
        match &r {
            Ok(n) => {
                let copy = buf.get(..*n).unwrap_or(&[]).to_vec();
                if let Some(c) = &mut self.capture {
                    let remote = self.inner.remote_eid().map_or(0, |e| e.0);
                    c.message(remote, 0, false, 0, &copy);
                }
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

    fn complete_exchange(&mut self) {
        self.inner.complete_exchange()
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

/// The responder side (`serve`): `<-` a request and its peer, `->` a response, `=>` an
/// Asynchronous Event Message.
impl<T: ResponderTransport> ResponderTransport for Logging<T>
where
    T::Peer: PeerAddr,
{
    type Error = T::Error;
    type Peer = T::Peer;

    fn now(&mut self) -> Instant {
        self.inner.now()
    }

    fn recv_request(
        &mut self,
        buf: &mut [u8],
        deadline: Option<Instant>,
    ) -> Result<(usize, Self::Peer), Self::Error> {
        let r = self.inner.recv_request(buf, deadline);
        if let (Some(c), Ok((n, peer))) = (&mut self.capture, &r) {
            let (eid, tag) = peer.eid_tag();
            c.message(eid, 0, true, tag, buf.get(..*n).unwrap_or(&[]));
        }
        if let (true, Ok((n, peer))) = (self.verbose, &r) {
            let t = self.inner.now();
            let (eid, tag) = peer.eid_tag();
            line(
                t,
                &format!("<- from EID {eid} tag {tag}"),
                buf.get(..*n).unwrap_or(&[]),
            );
        }
        r
    }

    fn send_response(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        if let Some(c) = &mut self.capture {
            let (eid, tag) = to.eid_tag();
            c.message(0, eid, false, tag, &gathered(message));
        }
        if self.verbose {
            let t = self.inner.now();
            line(t, "->", &gathered(message));
        }
        self.inner.send_response(to, message)
    }

    fn send_unsolicited(&mut self, to: &Self::Peer, message: &[&[u8]]) -> Result<(), Self::Error> {
        if let Some(c) = &mut self.capture {
            let (eid, _) = to.eid_tag();
            c.message(0, eid, true, 0, &gathered(message));
        }
        if self.verbose {
            let t = self.inner.now();
            let (eid, _) = to.eid_tag();
            line(t, &format!("=> (event) to EID {eid}"), &gathered(message));
        }
        self.inner.send_unsolicited(to, message)
    }
}
