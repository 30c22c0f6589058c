//! The controller handle: the Admin commands tunnelled to one controller of the subsystem
//! (NVMe-MI 1.2 §6), one verb per command, named as libnvme-mi names them without the
//! `nvme_mi_admin_` prefix.
//!
//! Each verb builds its command with the codec's typed Admin command ([`crate::mi::admin`]),
//! derives every length and offset from the command or from the caller's buffer, and writes
//! the result into an owned value or the caller's buffer: an Identify Controller read with
//! [`Controller::identify_ctrl_into`] goes from the receive buffer straight into the caller's
//! structure.

use super::endpoint::{AsyncEndpoint, Endpoint};
use super::{AdminResult, RequestError};
use crate::mi::admin::{
    AdminCompletion, AdminRequestRepr, Cns, CommitAction, DataTransfer, DeviceSelfTest,
    FeatureCapabilities, FeatureValue, Fid, FirmwareCommit, FirmwareImageDownload, FormatNvm,
    GetFeatures, GetLogPage, Identify, Lid, NamespaceAttachment, NamespaceManagement,
    NsAttachmentSel, NsManagementSel, Sanitize, SecurityProtocol, SecurityReceive, SecuritySend,
    Sel, SetFeatures, Stc, Timestamp, TIMESTAMP_LEN,
};
use crate::mi::admin_data::{
    CommandsEffectsLog, ErrorLogEntry, FirmwareSlotLog, IdentifyController, IdentifyNamespace,
    NsIdDescriptorList, NsidList, SanitizeStatusLog, SelfTestLog, SmartLog, SupportedLogPages,
    NS_DESCRIPTOR_LIST_LEN,
};
use crate::mi::command::ControllerList;
use crate::mi::{Error, MAX_DATA_LEN};
use crate::transport::{AsyncTransport, Transport};
use zerocopy::{FromBytes, FromZeros, IntoBytes};

/// One controller of the subsystem behind an [`Endpoint`]: `ep.controller(id)`.
pub struct Controller<'e, T, B> {
    ep: &'e mut Endpoint<T, B>,
    id: u16,
}

/// The async twin of [`Controller`]: `ep.controller(id)` on an [`AsyncEndpoint`].
pub struct AsyncController<'e, T, B> {
    ep: &'e mut AsyncEndpoint<T, B>,
    id: u16,
}

impl<T: Transport, B: AsMut<[u8]> + AsRef<[u8]>> Endpoint<T, B> {
    /// The handle on controller `id` (its Admin commands).
    pub fn controller(&mut self, id: u16) -> Controller<'_, T, B> {
        Controller { ep: self, id }
    }
}

impl<T: AsyncTransport, B: AsMut<[u8]> + AsRef<[u8]>> AsyncEndpoint<T, B> {
    /// The handle on controller `id` (its Admin commands).
    pub fn controller(&mut self, id: u16) -> AsyncController<'_, T, B> {
        AsyncController { ep: self, id }
    }
}

fn short<E>() -> RequestError<E> {
    RequestError::Malformed(Error::Truncated)
}

/// The log page `lid` for the whole controller (NSID FFFFFFFFh); its length is the caller's
/// buffer's.
const fn log(lid: Lid) -> GetLogPage {
    GetLogPage::new(lid, 4)
}

macro_rules! admin_verbs {
    ($name:ident, $tr:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<'_, T, B> {
            /// The controller ID.
            pub fn id(&self) -> u16 {
                self.id
            }

            /// Any Identify (NVMe Base 2.x §5.17): `out.len()` bytes (a multiple of 4) of
            /// its data; returns the bytes read.
            pub $($async)? fn identify(&mut self, cmd: &Identify, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                self.ep.read_admin_data(self.id, cmd, out, MAX_DATA_LEN)$($aw)*
            }

            /// Identify Controller (CNS 01h) into the caller's structure.
            pub $($async)? fn identify_ctrl_into(&mut self, out: &mut IdentifyController) -> Result<(), RequestError<T::Error>> {
                let n = self.identify(&Identify::controller(), out.as_mut_bytes())$($aw)*?;
                if n < core::mem::size_of::<IdentifyController>() { return Err(short()); }
                Ok(())
            }

            /// Identify Controller (CNS 01h), owned.
            pub $($async)? fn identify_ctrl(&mut self) -> Result<IdentifyController, RequestError<T::Error>> {
                let mut v = IdentifyController::new_zeroed();
                self.identify_ctrl_into(&mut v)$($aw)*?;
                Ok(v)
            }

            /// Identify Namespace (CNS 00h) of `nsid` into the caller's structure.
            pub $($async)? fn identify_ns_into(&mut self, nsid: u32, out: &mut IdentifyNamespace) -> Result<(), RequestError<T::Error>> {
                let n = self.identify(&Identify::namespace(nsid), out.as_mut_bytes())$($aw)*?;
                if n < core::mem::size_of::<IdentifyNamespace>() { return Err(short()); }
                Ok(())
            }

            /// Identify Namespace (CNS 00h) of `nsid`, owned.
            pub $($async)? fn identify_ns(&mut self, nsid: u32) -> Result<IdentifyNamespace, RequestError<T::Error>> {
                let mut v = IdentifyNamespace::new_zeroed();
                self.identify_ns_into(nsid, &mut v)$($aw)*?;
                Ok(v)
            }

            /// Identify, Active Namespace ID list (CNS 02h): the active NSIDs greater than
            /// `start`, copied into `out`; returns how many.
            pub $($async)? fn identify_active_ns_list(&mut self, start: u32, out: &mut [u32]) -> Result<usize, RequestError<T::Error>> {
                let cmd = Identify { nsid: start, ..Identify::new(Cns::ActiveNamespaceList) };
                let r = self.ep.admin(self.id, &cmd, 0, crate::mi::admin::IDENTIFY_DATA_LEN, &[])$($aw)*?;
                Ok(super::verbs::copy_into(out, NsidList::parse(r.data)?.iter()))
            }

            $($async)? fn identify_ctrl_list_of(&mut self, cmd: Identify, out: &mut [u16]) -> Result<usize, RequestError<T::Error>> {
                let r = self.ep.admin(self.id, &cmd, 0, crate::mi::admin::IDENTIFY_DATA_LEN, &[])$($aw)*?;
                Ok(super::verbs::copy_into(out, ControllerList::parse(r.data)?.iter()))
            }

            /// Identify, Controller List (CNS 13h): the subsystem's controller IDs from
            /// `start` on, copied into `out`; returns how many.
            pub $($async)? fn identify_ctrl_list(&mut self, start: u16, out: &mut [u16]) -> Result<usize, RequestError<T::Error>> {
                self.identify_ctrl_list_of(Identify { cntid: start, ..Identify::new(Cns::ControllerList) }, out)$($aw)*
            }

            /// Identify, Namespace Controller List (CNS 12h): the controllers namespace
            /// `nsid` is attached to, from `start` on, copied into `out`; returns how many.
            pub $($async)? fn identify_nsid_ctrl_list(&mut self, nsid: u32, start: u16, out: &mut [u16]) -> Result<usize, RequestError<T::Error>> {
                self.identify_ctrl_list_of(Identify { nsid, cntid: start, ..Identify::new(Cns::NamespaceControllerList) }, out)$($aw)*
            }

            /// Identify, Namespace Identification Descriptor list (CNS 03h) of `nsid`, owned:
            /// iterate it with [`NsIdDescriptorList::iter`].
            pub $($async)? fn identify_ns_descs(&mut self, nsid: u32) -> Result<NsIdDescriptorList, RequestError<T::Error>> {
                let mut v = NsIdDescriptorList::new_zeroed();
                let cmd = Identify { nsid, ..Identify::new(Cns::NamespaceDescriptorList) };
                if self.identify(&cmd, v.as_mut_bytes())$($aw)*? < NS_DESCRIPTOR_LIST_LEN { return Err(short()); }
                Ok(v)
            }

            /// Get Log Page (NVMe Base 2.x §5.16): `out.len()` bytes of the log `cmd` names
            /// (its LID, NSID, LSP, RAE; its log page offset is where reading starts; its
            /// NUMD is ignored), in parts of at most 4096 bytes. Returns the bytes read.
            pub $($async)? fn get_log_page(&mut self, cmd: &GetLogPage, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                self.ep.get_log_page(self.id, cmd, out)$($aw)*
            }

            $($async)? fn get_log_exact(&mut self, lid: Lid, out: &mut [u8]) -> Result<(), RequestError<T::Error>> {
                let want = out.len();
                if self.get_log_page(&log(lid), out)$($aw)*? < want { return Err(short()); }
                Ok(())
            }

            /// SMART / Health Information log (LID 02h) of the controller, into the
            /// caller's structure.
            pub $($async)? fn get_log_smart_into(&mut self, out: &mut SmartLog) -> Result<(), RequestError<T::Error>> {
                self.get_log_exact(Lid::SmartHealth, out.as_mut_bytes())$($aw)*
            }

            /// SMART / Health Information log (LID 02h) of the controller, owned.
            pub $($async)? fn get_log_smart(&mut self) -> Result<SmartLog, RequestError<T::Error>> {
                self.get_log_owned(Lid::SmartHealth)$($aw)*
            }

            /// Error Information log (LID 01h): the first `out.len()` entries; returns how
            /// many were read.
            pub $($async)? fn get_log_error(&mut self, out: &mut [ErrorLogEntry]) -> Result<usize, RequestError<T::Error>> {
                let n = self.get_log_page(&log(Lid::ErrorInformation), out.as_mut_bytes())$($aw)*?;
                Ok(n / core::mem::size_of::<ErrorLogEntry>())
            }

            /// Firmware Slot Information log (LID 03h), owned.
            pub $($async)? fn get_log_fw_slot(&mut self) -> Result<FirmwareSlotLog, RequestError<T::Error>> {
                self.get_log_owned(Lid::FirmwareSlot)$($aw)*
            }

            $($async)? fn get_log_owned<D: FromBytes + IntoBytes>(&mut self, lid: Lid) -> Result<D, RequestError<T::Error>> {
                let mut v = D::new_zeroed();
                self.get_log_exact(lid, v.as_mut_bytes())$($aw)*?;
                Ok(v)
            }

            /// Supported Log Pages log (LID 00h) into the caller's structure.
            pub $($async)? fn get_log_supported_log_pages_into(&mut self, out: &mut SupportedLogPages) -> Result<(), RequestError<T::Error>> {
                self.get_log_exact(Lid::SupportedLogPages, out.as_mut_bytes())$($aw)*
            }

            /// Supported Log Pages log (LID 00h), owned.
            pub $($async)? fn get_log_supported_log_pages(&mut self) -> Result<SupportedLogPages, RequestError<T::Error>> {
                self.get_log_owned(Lid::SupportedLogPages)$($aw)*
            }

            /// Commands Supported and Effects log (LID 05h) of the NVM command set into the
            /// caller's structure.
            pub $($async)? fn get_log_cmd_effects_into(&mut self, out: &mut CommandsEffectsLog) -> Result<(), RequestError<T::Error>> {
                self.get_log_exact(Lid::CommandsSupportedAndEffects, out.as_mut_bytes())$($aw)*
            }

            /// Commands Supported and Effects log (LID 05h) of the NVM command set, owned.
            pub $($async)? fn get_log_cmd_effects(&mut self) -> Result<CommandsEffectsLog, RequestError<T::Error>> {
                self.get_log_owned(Lid::CommandsSupportedAndEffects)$($aw)*
            }

            /// Device Self-test log (LID 06h) into the caller's structure.
            pub $($async)? fn get_log_self_test_into(&mut self, out: &mut SelfTestLog) -> Result<(), RequestError<T::Error>> {
                self.get_log_exact(Lid::DeviceSelfTest, out.as_mut_bytes())$($aw)*
            }

            /// Device Self-test log (LID 06h), owned.
            pub $($async)? fn get_log_self_test(&mut self) -> Result<SelfTestLog, RequestError<T::Error>> {
                self.get_log_owned(Lid::DeviceSelfTest)$($aw)*
            }

            /// Sanitize Status log (LID 81h) into the caller's structure.
            pub $($async)? fn get_log_sanitize_into(&mut self, out: &mut SanitizeStatusLog) -> Result<(), RequestError<T::Error>> {
                self.get_log_exact(Lid::SanitizeStatus, out.as_mut_bytes())$($aw)*
            }

            /// Sanitize Status log (LID 81h), owned.
            pub $($async)? fn get_log_sanitize(&mut self) -> Result<SanitizeStatusLog, RequestError<T::Error>> {
                self.get_log_owned(Lid::SanitizeStatus)$($aw)*
            }

            /// Get Features (NVMe Base 2.x §5.15) of a feature without data: CQE DW0.
            pub $($async)? fn get_features(&mut self, cmd: &GetFeatures) -> Result<u32, RequestError<T::Error>> {
                Ok(self.ep.admin(self.id, cmd, 0, 0, &[])$($aw)*?.completion.dw0)
            }

            /// Get Features of a feature with a data structure (e.g. Timestamp, LBA Range
            /// Type): CQE DW0 and the structure, whose length the feature implies, copied
            /// into `out` (at least that long, else [`RequestError::InvalidArgument`]);
            /// returns DW0 and the bytes copied.
            pub $($async)? fn get_features_data(&mut self, cmd: &GetFeatures, out: &mut [u8]) -> Result<(u32, usize), RequestError<T::Error>> {
                let len = match crate::mi::admin::AdminCommand::data_transfer(cmd) {
                    DataTransfer::DeviceToHost(n) => n.min(MAX_DATA_LEN as u32),
                    _ => 0,
                };
                if len as usize > out.len() {
                    return Err(RequestError::InvalidArgument);
                }
                let r = self.ep.admin(self.id, cmd, 0, len, &[])$($aw)*?;
                Ok((r.completion.dw0, super::verbs::copy_into(out, r.data.iter().copied())))
            }

            /// Set Features (NVMe Base 2.x §5.27) with the feature's data structure `data`
            /// (empty for most): CQE DW0.
            pub $($async)? fn set_features(&mut self, cmd: &SetFeatures, data: &[u8]) -> Result<u32, RequestError<T::Error>> {
                Ok(self.ep.admin(self.id, cmd, 0, 0, data)$($aw)*?.completion.dw0)
            }

            /// Get Features of feature `F` (NVMe Base 2.0 §5.27.1): its current, default or
            /// saved value (`sel`), decoded from CQE DW0. [`Sel::SupportedCapabilities`] is
            /// [`RequestError::InvalidArgument`]: use [`Self::get_feature_capabilities`].
            pub $($async)? fn get_feature<F: FeatureValue>(&mut self, sel: Sel) -> Result<F, RequestError<T::Error>> {
                self.get_feature_selected(sel, &F::from_dw0(0))$($aw)*
            }

            /// Like [`Self::get_feature`], for the selection `which` carries in CDW11 (the
            /// sensor and type of a [`TemperatureThreshold`](crate::mi::admin::TemperatureThreshold), the vector of an
            /// [`InterruptVectorConfig`](crate::mi::admin::InterruptVectorConfig)).
            pub $($async)? fn get_feature_selected<F: FeatureValue>(&mut self, sel: Sel, which: &F) -> Result<F, RequestError<T::Error>> {
                if matches!(sel, Sel::SupportedCapabilities | Sel::Unknown(_)) {
                    return Err(RequestError::InvalidArgument);
                }
                let dw0 = self.get_features(&GetFeatures::of_selected(sel, which))$($aw)*?;
                Ok(F::from_dw0(dw0))
            }

            /// Whether feature `fid` is saveable, namespace specific and changeable (Get
            /// Features, Select 3h).
            pub $($async)? fn get_feature_capabilities(&mut self, fid: Fid) -> Result<FeatureCapabilities, RequestError<T::Error>> {
                let dw0 = self.get_features(&GetFeatures::new(fid, Sel::SupportedCapabilities))$($aw)*?;
                Ok(FeatureCapabilities::from_dw0(dw0))
            }

            /// Set Features of feature `F` to `value`, saved across power cycles if `sv`:
            /// CQE DW0 (the allocated queues of [`NumberOfQueues`](crate::mi::admin::NumberOfQueues),
            /// decoded with [`FeatureValue::from_dw0`]).
            pub $($async)? fn set_feature<F: FeatureValue>(&mut self, value: &F, sv: bool) -> Result<u32, RequestError<T::Error>> {
                self.set_features(&SetFeatures::value(value, sv), &[])$($aw)*
            }

            /// Get Features, Timestamp (FID 0Eh): the controller's clock.
            pub $($async)? fn get_features_timestamp(&mut self, sel: Sel) -> Result<Timestamp, RequestError<T::Error>> {
                let mut t = [0u8; TIMESTAMP_LEN];
                let (_, n) = self.get_features_data(&GetFeatures::new(Fid::Timestamp, sel), &mut t)$($aw)*?;
                Ok(Timestamp::parse(t.get(..n).unwrap_or(&[]))?)
            }

            /// Set Features, Timestamp (FID 0Eh): set the controller's clock.
            pub $($async)? fn set_features_timestamp(&mut self, t: &Timestamp) -> Result<(), RequestError<T::Error>> {
                self.set_features(&SetFeatures::new(Fid::Timestamp, 0, false), t.as_bytes())$($aw)*?;
                Ok(())
            }

            /// Firmware Image Download (NVMe Base 2.x §5.13) of a whole image (a multiple of
            /// 4 bytes) in pieces of 4096 bytes, calling `progress(done, total)` after each.
            pub $($async)? fn fw_download(&mut self, image: &[u8], progress: impl FnMut(usize, usize)) -> Result<(), RequestError<T::Error>> {
                self.ep.firmware_download(self.id, image, MAX_DATA_LEN, progress)$($aw)*
            }

            /// Firmware Image Download of an image of `len` bytes that the caller streams:
            /// `fill(offset, piece)` writes the bytes at `offset` into `piece` (at most 4096
            /// bytes) and returns false to stop with [`RequestError::InvalidArgument`];
            /// `progress(done, total)` after each piece. Nothing is held but one piece.
            pub $($async)? fn fw_download_from(
                &mut self,
                len: usize,
                mut fill: impl FnMut(usize, &mut [u8]) -> bool,
                mut progress: impl FnMut(usize, usize),
            ) -> Result<(), RequestError<T::Error>> {
                self.ep.firmware_supported()?;
                let mut piece = [0u8; MAX_DATA_LEN];
                for (cmd, range) in FirmwareImageDownload::chunks(len, MAX_DATA_LEN)? {
                    let part = piece.get_mut(..range.len()).ok_or(RequestError::InvalidArgument)?;
                    if !fill(range.start, part) {
                        return Err(RequestError::InvalidArgument);
                    }
                    self.ep.admin(self.id, &cmd, 0, 0, part)$($aw)*?;
                    progress(range.end, len);
                }
                Ok(())
            }

            /// Firmware Commit (NVMe Base 2.x §5.12) of slot `slot` with action `action`,
            /// waiting through More Processing Required: CQE DW0.
            pub $($async)? fn fw_commit(&mut self, slot: u8, action: CommitAction) -> Result<u32, RequestError<T::Error>> {
                self.ep.firmware_supported()?;
                let cmd = FirmwareCommit { fs: slot, ca: action, bpid: false };
                Ok(self.ep.admin(self.id, &cmd, 0, 0, &[])$($aw)*?.completion.dw0)
            }

            /// Format NVM (NVMe Base 2.x §5.14), waiting through More Processing Required.
            pub $($async)? fn format_nvm(&mut self, cmd: &FormatNvm) -> Result<(), RequestError<T::Error>> {
                self.ep.admin(self.id, cmd, 0, 0, &[])$($aw)*?;
                Ok(())
            }

            /// Sanitize (NVMe Base 2.x §5.24), waiting through More Processing Required.
            pub $($async)? fn sanitize(&mut self, cmd: &Sanitize) -> Result<(), RequestError<T::Error>> {
                self.ep.admin(self.id, cmd, 0, 0, &[])$($aw)*?;
                Ok(())
            }

            /// Device Self-test (NVMe Base 2.x §5.9): start (or abort) test `stc` on
            /// namespaces `nsid` (0: the controller only, FFFFFFFFh: all).
            pub $($async)? fn device_self_test(&mut self, nsid: u32, stc: Stc) -> Result<(), RequestError<T::Error>> {
                self.ep.admin(self.id, &DeviceSelfTest { nsid, stc }, 0, 0, &[])$($aw)*?;
                Ok(())
            }

            /// Security Send (NVMe Base 2.x §5.26) of `data` to `protocol`.
            pub $($async)? fn security_send(&mut self, protocol: SecurityProtocol, data: &[u8]) -> Result<(), RequestError<T::Error>> {
                let tl = u32::try_from(data.len()).map_err(|_| RequestError::InvalidArgument)?;
                self.ep.admin(self.id, &SecuritySend { protocol, tl }, 0, 0, data)$($aw)*?;
                Ok(())
            }

            /// Security Receive (NVMe Base 2.x §5.25) from `protocol`: up to `out.len()`
            /// bytes (the allocation length, at most 4096); returns the bytes copied.
            pub $($async)? fn security_recv(&mut self, protocol: SecurityProtocol, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                let al = (out.len().min(MAX_DATA_LEN) & !3) as u32;
                let r = self.ep.admin(self.id, &SecurityReceive { protocol, al }, 0, al, &[])$($aw)*?;
                Ok(super::verbs::copy_into(out, r.data.iter().copied()))
            }

            /// Namespace Management, create (NVMe Base 2.x §8.11): a namespace described by
            /// `ns` (NSZE, NCAP, FLBAS, NMIC, ...) in command set `csi`; returns its NSID.
            pub $($async)? fn ns_mgmt_create(&mut self, ns: &IdentifyNamespace, csi: u8) -> Result<u32, RequestError<T::Error>> {
                let cmd = NamespaceManagement { sel: NsManagementSel::Create, nsid: 0, csi };
                Ok(self.ep.admin(self.id, &cmd, 0, 0, ns.as_bytes())$($aw)*?.completion.dw0)
            }

            /// Namespace Management, delete namespace `nsid` (FFFFFFFFh: all).
            pub $($async)? fn ns_mgmt_delete(&mut self, nsid: u32) -> Result<(), RequestError<T::Error>> {
                let cmd = NamespaceManagement { sel: NsManagementSel::Delete, nsid, csi: 0 };
                self.ep.admin(self.id, &cmd, 0, 0, &[])$($aw)*?;
                Ok(())
            }

            $($async)? fn ns_attachment(&mut self, sel: NsAttachmentSel, nsid: u32, ctrls: &[u16]) -> Result<(), RequestError<T::Error>> {
                let mut list = [0u8; crate::mi::admin::CONTROLLER_LIST_LEN as usize];
                ControllerList::emit_ids(ctrls, &mut list)?;
                self.ep.admin(self.id, &NamespaceAttachment { sel, nsid }, 0, 0, &list)$($aw)*?;
                Ok(())
            }

            /// Namespace Attachment, attach `nsid` to the controllers `ctrls` (NVMe Base
            /// 2.x §5.1.20).
            pub $($async)? fn ns_attach(&mut self, nsid: u32, ctrls: &[u16]) -> Result<(), RequestError<T::Error>> {
                self.ns_attachment(NsAttachmentSel::Attach, nsid, ctrls)$($aw)*
            }

            /// Namespace Attachment, detach `nsid` from the controllers `ctrls`.
            pub $($async)? fn ns_detach(&mut self, nsid: u32, ctrls: &[u16]) -> Result<(), RequestError<T::Error>> {
                self.ns_attachment(NsAttachmentSel::Detach, nsid, ctrls)$($aw)*
            }

            /// Any Admin command, as `repr` (opcode, flags, NSID, CDW10–15) with request data
            /// `data` or, for a command that returns data, `out.len()` bytes (a multiple of
            /// 4, at most 4096) read into `out`; CTLID is this handle's, DOFST 0. Returns the
            /// completion and the bytes copied. A failed completion is
            /// [`RequestError::Nvme`].
            pub $($async)? fn admin_passthru(
                &mut self,
                repr: &AdminRequestRepr,
                data: &[u8],
                out: &mut [u8],
            ) -> Result<(AdminCompletion, usize), RequestError<T::Error>> {
                if !data.is_empty() && !out.is_empty() {
                    return Err(RequestError::InvalidArgument);
                }
                let len = if data.is_empty() { out.len() } else { data.len() };
                let mut repr = *repr;
                repr.ctlid = self.id;
                repr.dofst = 0;
                repr.dlen = u32::try_from(len).map_err(|_| RequestError::InvalidArgument)?;
                let class = super::admin_class(repr.opcode);
                let r: AdminResult<'_> = self.ep.admin_request(&repr, class, data)$($aw)*?;
                Ok((r.completion, super::verbs::copy_into(out, r.data.iter().copied())))
            }
        }
    };
}

admin_verbs!(Controller, Transport, [], []);
admin_verbs!(AsyncController, AsyncTransport, [async], [.await]);
