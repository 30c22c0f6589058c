//! Large transfers in chunks, and Asynchronous Event Messages.
//!
//! One NVMe-MI message carries at most 4096 data bytes: longer log pages are read by log
//! page offset (NVMe Base §5.16, as libnvme does: RAE set on every chunk but the last), other
//! Admin data by DOFST, VPD by offset, and firmware images are downloaded piecewise with a
//! progress callback.

use super::endpoint::{AsyncEndpoint, Endpoint};
use super::RequestError;
use crate::mi::admin::{AdminCommand, FirmwareImageDownload, GetLogPage};
use crate::mi::aem::{AeConfigEntry, AeConfigList, AeId, AeOccurrenceList, AemVerdict};
use crate::mi::command::{
    ConfigurationSetRequest, ConfigurationSetResponse, VpdReadRequest, VpdWriteRequest,
};
use crate::mi::{Message, MAX_DATA_LEN};
use crate::time::Instant;
use crate::transport::{AsyncEventSource, AsyncTransport, EventSource, Transport};

/// The most AE Enable List entries one [`Endpoint::enable_events`] call sends.
pub const MAX_AE_ENTRIES: usize = 32;

/// Settings of Configuration Set, Asynchronous Event (NVMe-MI 2.0 §5.2.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AeSettings {
    /// AERD: how long the endpoint waits for an acknowledgement before sending again, in
    /// units of 100 ms.
    pub retry_delay: u8,
    /// AEMD: the delay from an event to its message.
    pub delay: u8,
    /// ENCFA, ENPFA, ENVFA: also report events of PCI functions, SR-IOV physical and
    /// virtual functions.
    pub functions: (bool, bool, bool),
}

/// The longest AE Supported List: its header and one entry per AE identifier.
const SUPPORTED_LIST_MAX: usize = AeConfigList::buffer_len(256);

fn copy_prefix(out: &mut [u8], at: usize, data: &[u8]) -> usize {
    let room = out.len().saturating_sub(at);
    let n = data.len().min(room);
    out[at..at + n].copy_from_slice(&data[..n]);
    n
}

macro_rules! streaming {
    ($name:ident, $tr:ident, $ev:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// Read `out.len()` bytes of the log page `cmd` (its LID, NSID, LSP, ...; its log
            /// page offset is where reading starts) in chunks of at most 4096 bytes by log page
            /// offset. Returns the bytes read: fewer than asked if the device returned a short
            /// chunk (the end of its log).
            pub $($async)? fn get_log_page(
                &mut self,
                ctlid: u16,
                cmd: &GetLogPage,
                out: &mut [u8],
            ) -> Result<usize, RequestError<T::Error>> {
                let total = u32::try_from(out.len()).map_err(|_| RequestError::InvalidArgument)?;
                let mut done = 0usize;
                for chunk in cmd.chunks(total) {
                    let want = chunk.len_bytes() as usize;
                    let r = self.admin(ctlid, &chunk, 0, want as u32, &[])$($aw)*?;
                    let got = r.data.len();
                    done += copy_prefix(out, done, r.data);
                    if got < want {
                        break;
                    }
                }
                Ok(done)
            }

            /// Read `out.len()` bytes (a multiple of 4) of the result of Admin command `cmd`
            /// by data offset, at most `max_chunk` bytes per message (≤ 4096). Returns the
            /// bytes read.
            pub $($async)? fn read_admin_data<C: AdminCommand>(
                &mut self,
                ctlid: u16,
                cmd: &C,
                out: &mut [u8],
                max_chunk: usize,
            ) -> Result<usize, RequestError<T::Error>> {
                let chunk = max_chunk.min(MAX_DATA_LEN) & !3;
                if chunk == 0 || out.len() % 4 != 0 {
                    return Err(RequestError::InvalidArgument);
                }
                let mut done = 0usize;
                while done < out.len() {
                    let want = chunk.min(out.len() - done);
                    let r = self.admin(ctlid, cmd, done as u32, want as u32, &[])$($aw)*?;
                    let got = r.data.len();
                    done += copy_prefix(out, done, r.data);
                    if got < want {
                        break;
                    }
                }
                Ok(done)
            }

            /// Read `out.len()` bytes of Vital Product Data from `offset` (NVMe-MI 1.2 §5.8),
            /// in chunks of at most 4096 bytes.
            pub $($async)? fn vpd_read(&mut self, offset: u16, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                if usize::from(offset) + out.len() > usize::from(u16::MAX) + 1 {
                    return Err(RequestError::InvalidArgument);
                }
                let mut done = 0usize;
                while done < out.len() {
                    let want = (out.len() - done).min(MAX_DATA_LEN);
                    let req = VpdReadRequest { offset: offset + done as u16, length: want as u16 };
                    let r = self.mi_command(&req)$($aw)*?;
                    let got = copy_prefix(out, done, r.data);
                    done += got;
                    if got < want {
                        break;
                    }
                }
                Ok(done)
            }

            /// Write `data` into the Vital Product Data at `offset` (NVMe-MI 1.2 §5.9), in
            /// chunks of at most 4096 bytes.
            pub $($async)? fn vpd_write(&mut self, offset: u16, data: &[u8]) -> Result<(), RequestError<T::Error>> {
                if usize::from(offset) + data.len() > usize::from(u16::MAX) + 1 {
                    return Err(RequestError::InvalidArgument);
                }
                for (i, part) in data.chunks(MAX_DATA_LEN).enumerate() {
                    let req = VpdWriteRequest { offset: offset + (i * MAX_DATA_LEN) as u16, data: part };
                    self.mi_command(&req)$($aw)*?;
                }
                Ok(())
            }

            /// Download a firmware image (a multiple of 4 bytes) to controller `ctlid` in
            /// pieces of at most `chunk` bytes (NVMe Base §5.13), calling `progress(done,
            /// total)` after each piece. [`RequestError::NotSupported`] under the
            /// [`Quirks::no_oob_firmware`](super::Quirks::no_oob_firmware) workaround. Commit it with
            /// [`FirmwareCommit`](crate::mi::admin::FirmwareCommit).
            pub $($async)? fn firmware_download(
                &mut self,
                ctlid: u16,
                image: &[u8],
                chunk: usize,
                mut progress: impl FnMut(usize, usize),
            ) -> Result<(), RequestError<T::Error>> {
                self.firmware_supported()?;
                let parts = FirmwareImageDownload::chunks(image.len(), chunk)?;
                for (cmd, range) in parts {
                    let end = range.end;
                    let piece = image.get(range).ok_or(RequestError::InvalidArgument)?;
                    self.admin(ctlid, &cmd, 0, 0, piece)$($aw)*?;
                    progress(end, image.len());
                }
                Ok(())
            }

            /// Enable or disable Asynchronous Events (Configuration Set, identifier 4;
            /// NVMe-MI 2.0 §5.2.1). The endpoint then sends its events to this requester.
            /// Returns the AE Occurrence List of events already pending, borrowed from the
            /// buffer (the caller processes it like a received event).
            pub $($async)? fn enable_events(
                &mut self,
                settings: AeSettings,
                entries: &[AeConfigEntry],
            ) -> Result<AeOccurrenceList<'_>, RequestError<T::Error>> {
                if entries.len() > MAX_AE_ENTRIES {
                    return Err(RequestError::InvalidArgument);
                }
                let mut list = [0u8; 5 + 3 * MAX_AE_ENTRIES];
                let n = AeConfigList::emit(entries, &mut list)?;
                let (encfa, enpfa, envfa) = settings.functions;
                let req = ConfigurationSetRequest::AsyncEvent {
                    aerd: settings.retry_delay,
                    aemd: settings.delay,
                    encfa,
                    enpfa,
                    envfa,
                    enable_list: &list[..n],
                };
                match self.mi_command(&req)$($aw)*? {
                    ConfigurationSetResponse::AsyncEvent { occurrence_list } => {
                        Ok(AeOccurrenceList::parse(occurrence_list)?)
                    }
                    _ => Err(RequestError::Malformed(crate::mi::Error::InconsistentLength)),
                }
            }

            /// Enable every Asynchronous Event the endpoint supports (at most
            /// [`MAX_AE_ENTRIES`], the first of its AE Supported List): Configuration Get
            /// (identifier 4; NVMe-MI 2.0 §5.1.4) for the list, then [`Self::enable_events`]
            /// with each of them enabled. Returns how many were enabled and the AE Occurrence
            /// List of events already pending; with none supported, `(0, None)` and nothing is
            /// set.
            pub $($async)? fn enable_supported_events(
                &mut self,
                settings: AeSettings,
            ) -> Result<(usize, Option<AeOccurrenceList<'_>>), RequestError<T::Error>> {
                let mut supported = [0u8; SUPPORTED_LIST_MAX];
                let (_, n) = self.config_get_async_event(&mut supported)$($aw)*?;
                let list = AeConfigList::parse(supported.get(..n).unwrap_or_default())?;
                let mut enable = [AeConfigEntry::new(AeId::ControllerReady, true); MAX_AE_ENTRIES];
                let mut count = 0;
                for (slot, e) in enable.iter_mut().zip(list.entries()) {
                    *slot = AeConfigEntry::new(e.id, true);
                    count += 1;
                }
                if count == 0 {
                    return Ok((0, None));
                }
                let pending = self.enable_events(settings, &enable[..count])$($aw)*?;
                Ok((count, Some(pending)))
            }

            /// Acknowledge the events received so far (a Configuration Set, identifier 4, with
            /// an empty AE Enable List; NVMe-MI 2.0 §5.3.2). Returns the events that occurred
            /// meanwhile.
            pub $($async)? fn ack_events(&mut self) -> Result<AeOccurrenceList<'_>, RequestError<T::Error>> {
                self.enable_events(AeSettings::default(), &[])$($aw)*
            }
        }

        impl<T: $ev, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// Wait until `deadline` for the next new Asynchronous Event Message from the
            /// endpoint: its occurrence list, borrowed from the buffer. Repeats of a message
            /// already delivered (same generation number, NVMe-MI 2.0 §5.3.2) are dropped, so
            /// each event is delivered once; acknowledge with [`Self::ack_events`].
            pub $($async)? fn recv_event(&mut self, deadline: Instant) -> Result<AeOccurrenceList<'_>, RequestError<T::Error>> {
                loop {
                    let n = {
                        let (t, buf) = self.parts_mut();
                        t.recv_unsolicited(buf.as_mut(), deadline)$($aw)*.map_err(RequestError::Transport)?
                    };
                    let aemti = {
                        let bytes = self.buffer().get(..n).ok_or(RequestError::BufferTooSmall)?;
                        let m = Message::new_checked(bytes)?;
                        m.check_mic()?;
                        crate::mi::aem::parse_aem(&m)?.aemti()
                    };
                    if self.aem_tracker_mut().observe(0, aemti) == AemVerdict::New {
                        let bytes = self.buffer().get(..n).ok_or(RequestError::BufferTooSmall)?;
                        let body = bytes.get(4..n - 4).ok_or(RequestError::BufferTooSmall)?;
                        return Ok(AeOccurrenceList::parse(body)?);
                    }
                }
            }
        }
    };
}

streaming!(Endpoint, Transport, EventSource, [], []);
streaming!(AsyncEndpoint, AsyncTransport, AsyncEventSource, [async], [.await]);
