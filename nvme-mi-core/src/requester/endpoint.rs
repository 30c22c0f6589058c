//! The endpoint handle: a transport, a response buffer, and the timing policy of each class
//! of command.

use core::time::Duration;

use heapless::Vec;

use super::{drive_exchange, drive_exchange_async, Exchange, Expect, Policy, Quirks, RequestError};
use crate::mctp::Eid;
use crate::mi::aem::AemTracker;
use crate::mi::header::{MessageHeader, HEADER_LEN};
use crate::mi::integrity::{MicDigest, MIC_LEN};
use crate::mi::status::{ResponseHeader, ResponseStatus, StatusInfo};
use crate::mi::{Csi, Message, Nmimt, MAX_MESSAGE_LEN};
use crate::time::Instant;
use crate::transport::{AsyncTransport, Transport};

/// A response buffer that holds any NVMe-MI message.
pub type Buffer = [u8; MAX_MESSAGE_LEN];

/// How long a command may take: the [`Policy`] the endpoint applies to it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum CommandClass {
    /// Reads and polls: safe to repeat.
    Read,
    /// Commands that change state: never repeated.
    Write,
    /// Long-running commands (firmware commit, format, sanitize, shutdown): never repeated,
    /// long More Processing Required waits allowed.
    Slow,
}

/// The endpoint's configuration.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Config {
    /// Policy for [`CommandClass::Read`].
    pub read: Policy,
    /// Policy for [`CommandClass::Write`].
    pub write: Policy,
    /// Policy for [`CommandClass::Slow`].
    pub slow: Policy,
    /// The command slot to use (NVMe-MI 1.2 §4.2): a second handle on slot 1 runs a long
    /// command while this one polls on slot 0 (see the [module documentation](super)).
    /// [`Endpoint::set_csi`] checks it against [`Quirks::csi1_unsupported`].
    pub csi: Csi,
    /// Workarounds for a device that deviates from the specification (see
    /// [`Quirks`]).
    pub quirks: Quirks,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            read: Policy::read(),
            write: Policy::write(),
            slow: Policy::slow(),
            csi: Csi::Slot0,
            quirks: Quirks::default(),
        }
    }
}

impl Config {
    /// The policy of a class.
    pub fn policy(&self, class: CommandClass) -> Policy {
        match class {
            CommandClass::Read => self.read,
            CommandClass::Write => self.write,
            CommandClass::Slow => self.slow,
        }
    }

    /// Use `t` as the per-response timeout of every class.
    pub fn with_timeout(mut self, t: Duration) -> Self {
        self.read = self.read.with_timeout(t);
        self.write = self.write.with_timeout(t);
        self.slow = self.slow.with_timeout(t);
        self
    }
}

/// A successful NVMe-MI response, borrowed from the endpoint's buffer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Response<'a> {
    /// The response header (status is Success, or anything when returned by a `*_raw` call).
    pub header: ResponseHeader,
    /// The bytes after the first eight and before the integrity check.
    pub body: &'a [u8],
    /// The whole message, type byte to integrity check.
    pub message: &'a [u8],
}

/// The most pieces a request is assembled from (header, fixed part, data, check, ...).
const MAX_PIECES: usize = 8;

/// Assemble `hdr` + `pieces` + integrity check as a list of slices, computing the check
/// across the pieces without copying the data.
fn with_mic<'a>(
    hdr: &'a [u8; HEADER_LEN],
    pieces: &[&'a [u8]],
    mic: &'a mut [u8; MIC_LEN],
) -> Option<Vec<&'a [u8], MAX_PIECES>> {
    let mut d = MicDigest::new();
    d.update(hdr);
    for p in pieces {
        d.update(p);
    }
    *mic = d.finalize().to_le_bytes();
    let mut v: Vec<&[u8], MAX_PIECES> = Vec::new();
    v.push(hdr).ok()?;
    for p in pieces {
        v.push(p).ok()?;
    }
    v.push(&mic[..]).ok()?;
    Some(v)
}

macro_rules! endpoint_core {
    ($name:ident, $tr:ident, $run:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// A handle on the endpoint behind `transport`, receiving into `buf` (at least
            /// [`MAX_MESSAGE_LEN`] bytes to hold any response).
            pub fn new(transport: T, buf: B) -> Self {
                Self::with_config(transport, buf, Config::default())
            }

            /// Like [`Self::new`], with a configuration.
            pub fn with_config(transport: T, buf: B, config: Config) -> Self {
                $name { transport, buf, config, last_end: None, instance: 0, primitive_tag: 0, aem: AemTracker::new() }
            }

            /// The configuration.
            pub fn config(&self) -> &Config {
                &self.config
            }

            /// Change the configuration.
            pub fn config_mut(&mut self) -> &mut Config {
                &mut self.config
            }

            /// The transport.
            pub fn transport(&self) -> &T {
                &self.transport
            }

            /// The transport, mutably.
            pub fn transport_mut(&mut self) -> &mut T {
                &mut self.transport
            }

            /// Give back the transport and the buffer.
            pub fn into_parts(self) -> (T, B) {
                (self.transport, self.buf)
            }

            /// The transport and the buffer, separately borrowed.
            pub(crate) fn parts_mut(&mut self) -> (&mut T, &mut B) {
                (&mut self.transport, &mut self.buf)
            }

            /// The buffer's contents.
            pub(crate) fn buffer(&self) -> &[u8] {
                self.buf.as_ref()
            }

            /// Start the inter-command gap from now.
            pub(crate) fn mark_command_end(&mut self) {
                self.last_end = Some(self.transport.now());
            }

            /// The de-duplication state of received events.
            pub(crate) fn aem_tracker_mut(&mut self) -> &mut AemTracker<u8, 1> {
                &mut self.aem
            }

            /// The endpoint's EID, where the transport knows it.
            pub fn remote_eid(&self) -> Option<Eid> {
                self.transport.remote_eid()
            }

            /// Send a complete request message and wait for its final response under the
            /// policy of `class`; returns the response's length in the buffer.
            pub $($async)? fn exchange(
                &mut self,
                class: CommandClass,
                expect: Expect,
                request: &[&[u8]],
            ) -> Result<usize, RequestError<T::Error>> {
                let gap = self.config.quirks.min_command_gap;
                if let (Some(last), false) = (self.last_end, gap.is_zero()) {
                    let until: Instant = last + gap;
                    self.transport.wait_until(until)$($aw)*;
                }
                let ex = Exchange::new(self.config.policy(class), expect)
                    .with_admin_sized_mpr(self.config.quirks.admin_sized_mpr);
                let r = $run(&mut self.transport, ex, request, self.buf.as_mut())$($aw)*;
                // The end of an exchange matters only to a gap between commands; without
                // one, the clock is not read.
                if !gap.is_zero() {
                    self.mark_command_end();
                }
                r
            }

            /// Send an NVMe-MI request of type `nmimt` whose body (after the four header bytes)
            /// is the concatenation of `body`, and return the response whatever its status.
            pub $($async)? fn nvme_mi_raw(
                &mut self,
                class: CommandClass,
                nmimt: Nmimt,
                body: &[&[u8]],
            ) -> Result<Response<'_>, RequestError<T::Error>> {
                self.nvme_mi_tagged(class, nmimt, body, None)$($aw)*
            }

            /// Like [`Self::nvme_mi_raw`], but a status other than Success is an error
            /// ([`RequestError::Status`]).
            pub $($async)? fn nvme_mi(
                &mut self,
                class: CommandClass,
                nmimt: Nmimt,
                body: &[&[u8]],
            ) -> Result<Response<'_>, RequestError<T::Error>> {
                let r = self.nvme_mi_tagged(class, nmimt, body, None)$($aw)*?;
                match r.header.info {
                    StatusInfo::Success(_) => Ok(r),
                    other => Err(RequestError::Status(other)),
                }
            }

            /// Send an NVMe-MI request of type `nmimt` with body `body` and no response to
            /// wait for (NVM Subsystem Reset), releasing the exchange at once.
            pub(crate) $($async)? fn send_only(&mut self, nmimt: Nmimt, body: &[&[u8]]) -> Result<(), RequestError<T::Error>> {
                let hdr = MessageHeader::request(nmimt, self.config.csi).to_bytes();
                let mut mic = [0u8; MIC_LEN];
                if HEADER_LEN + crate::transport::message_len(body) + MIC_LEN > MAX_MESSAGE_LEN {
                    return Err(RequestError::InvalidArgument);
                }
                let pieces = with_mic(&hdr, body, &mut mic).ok_or(RequestError::InvalidArgument)?;
                let sent = self.transport.send_request(&pieces)$($aw)*;
                self.transport.end_exchange();
                sent.map_err(RequestError::Transport)
            }

            $($async)? fn nvme_mi_tagged(
                &mut self,
                class: CommandClass,
                nmimt: Nmimt,
                body: &[&[u8]],
                primitive_tag: Option<u8>,
            ) -> Result<Response<'_>, RequestError<T::Error>> {
                let csi = self.config.csi;
                let hdr = MessageHeader::request(nmimt, csi).to_bytes();
                let mut mic = [0u8; MIC_LEN];
                let total = HEADER_LEN + crate::transport::message_len(body) + MIC_LEN;
                if total > MAX_MESSAGE_LEN {
                    return Err(RequestError::InvalidArgument);
                }
                let pieces = with_mic(&hdr, body, &mut mic).ok_or(RequestError::InvalidArgument)?;
                let expect = Expect::NvmeMi { nmimt, csi, primitive_tag };
                let n = self.exchange(class, expect, &pieces)$($aw)*?;
                let message = self.buf.as_ref().get(..n).ok_or(RequestError::BufferTooSmall)?;
                let m = Message::new_checked(message)?;
                let header = ResponseHeader::parse_as(&m, nmimt)?;
                let body = message.get(HEADER_LEN + 4..message.len().saturating_sub(MIC_LEN)).unwrap_or(&[]);
                Ok(Response { header, body, message })
            }

            /// Send an MCTP control request (DSP0236 §11) with command code `command` and
            /// request data `data`; returns the whole response message (type byte, Rq/instance,
            /// command code, completion code, data).
            pub $($async)? fn mctp_control_raw(
                &mut self,
                command: u8,
                data: &[u8],
            ) -> Result<&[u8], RequestError<T::Error>> {
                let instance = self.instance;
                self.instance = (self.instance + 1) & 0x1f;
                let hdr = [0x00, 0x80 | instance, command];
                let expect = Expect::Control { instance, command };
                let n = self.exchange(CommandClass::Read, expect, &[&hdr, data])$($aw)*?;
                self.buf.as_ref().get(..n).ok_or(RequestError::BufferTooSmall)
            }

            /// Send NVMe-MI Control Primitive `cpo` with parameter `cpsp` (NVMe-MI 1.2
            /// §4.2.1); returns the response status and the primitive-specific response CPSR.
            pub $($async)? fn control_primitive_raw(
                &mut self,
                cpo: u8,
                cpsp: u16,
            ) -> Result<(ResponseStatus, u16), RequestError<T::Error>> {
                let tag = self.primitive_tag;
                self.primitive_tag = self.primitive_tag.wrapping_add(1);
                let p = cpsp.to_le_bytes();
                let body = [cpo, tag, p[0], p[1]];
                let r = self
                    .nvme_mi_tagged(CommandClass::Read, Nmimt::ControlPrimitive, &[&body], Some(tag))$($aw)*?;
                let b = r.header.info.to_bytes();
                Ok((r.header.status(), u16::from_le_bytes([b[2], b[3]])))
            }
        }
    };
}

/// A handle on one NVMe-MI endpoint over a blocking [`Transport`].
///
/// Every command writes its response into the buffer `B` the caller supplies (no heap) and
/// returns values parsed from it, or views borrowed from it.
///
/// ```
/// use nvme_mi_core::requester::{CommandClass, Endpoint};
/// use nvme_mi_core::mi::Nmimt;
/// # use nvme_mi_core::loopback::{Loopback, LoopPeer};
/// # use nvme_mi_core::mctp::Eid;
/// # struct Ok0;
/// # impl nvme_mi_core::responder::Respond<LoopPeer> for Ok0 {
/// #     fn handle(&mut self, r: &[u8], _: &LoopPeer, _: nvme_mi_core::time::Instant, out: &mut [u8]) -> Option<usize> {
/// #         let m = nvme_mi_core::mi::Message::new_checked(r).ok()?;
/// #         let h = nvme_mi_core::mi::MessageHeader::parse(&m).response();
/// #         nvme_mi_core::mi::header::emit_message(&h, &[&[0, 0, 0, 0], &[0x38, 0xff, 0x25, 3, 0, 0, 0, 0]], out).ok()
/// #     }
/// #     fn poll(&mut self, _: nvme_mi_core::time::Instant, _: &mut [u8]) -> Option<nvme_mi_core::responder::Outgoing<LoopPeer>> { None }
/// #     fn next_deadline(&self) -> Option<nvme_mi_core::time::Instant> { None }
/// # }
/// # let transport: Loopback<Ok0> = Loopback::new(Ok0, Eid(8), Eid(9));
/// let mut ep = Endpoint::new(transport, [0u8; 4224]);
/// // NVM Subsystem Health Status Poll, raw: opcode 1, NMD0 = 0, NMD1 = 0.
/// let r = ep.nvme_mi(CommandClass::Read, Nmimt::MiCommand, &[&[1, 0, 0, 0], &[0; 8]]).unwrap();
/// assert_eq!(r.body[2], 0x25); // composite temperature 37 °C
/// ```
pub struct Endpoint<T, B = Buffer> {
    transport: T,
    buf: B,
    config: Config,
    last_end: Option<Instant>,
    instance: u8,
    primitive_tag: u8,
    aem: AemTracker<u8, 1>,
}

/// The async twin of [`Endpoint`], over an [`AsyncTransport`].
pub struct AsyncEndpoint<T, B = Buffer> {
    transport: T,
    buf: B,
    config: Config,
    last_end: Option<Instant>,
    instance: u8,
    primitive_tag: u8,
    aem: AemTracker<u8, 1>,
}

endpoint_core!(Endpoint, Transport, drive_exchange, [], []);
endpoint_core!(AsyncEndpoint, AsyncTransport, drive_exchange_async, [async], [.await]);
