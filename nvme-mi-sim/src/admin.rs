//! Admin commands tunnelled to the controllers (NVMe-MI 1.2 §6; NVMe Base 2.x §5).
//!
//! The engine has checked the framing and the data placement; this module checks what needs
//! the drive (controller ID, namespaces, fields) and answers with the NVMe status a
//! controller would give. Result data is generated whole into the output buffer, then the
//! window DOFST..DOFST+DLEN is moved to its start.

use nvme_mi_core::mi::admin::request::CTLID;
use nvme_mi_core::mi::admin::{
    AdminCompletion, Cns, CommitAction, DecodedAdminRequest, DeviceSelfTest, FeatureValue, Fid,
    FirmwareCommit, FirmwareImageDownload, FormatNvm, GetFeatures, GetLogPage, Identify,
    InterruptVectorConfig, NamespaceAttachment, NamespaceManagement, NsAttachmentSel,
    NsManagementSel, NvmeStatus, Sanact, Sanitize, Sct, SecureEraseSettings, SecurityReceive, Sel,
    SetFeatures, Stc, TemperatureThreshold, Thsel, TypedCommand, IDENTIFY_DATA_LEN, TMPSEL_ALL,
    TMPSEL_COMPOSITE,
};
use nvme_mi_core::mi::admin_data::{
    AdminData, CommandsEffectsLog, SanitizeStatusLog, SelfTestLog, SupportedLogPages, LSUPP,
};
use nvme_mi_core::mi::command::ControllerList;
use nvme_mi_core::mi::status::{Mprt, ParameterErrorLocation, Rejection};
use nvme_mi_core::mi::Csi;
use nvme_mi_core::responder::AdminReply;
use zerocopy::little_endian::U16;
use zerocopy::FromZeros;

use crate::features::{Features, MAX_QUEUES, POWER_STATES, WRITE_ATOMICITY};
use crate::firmware::{Commit, FwError};
use crate::logs::{copy_log, ERROR_LOG_LEN};
use crate::namespace::{CreateError, LBA_FORMATS, MAX_NAMESPACES};
use crate::{
    LongKind, LongOp, Sim, ACTIVATION_TIME, FORMAT_TIME, MAX_CONTROLLERS, MPRT_MARGIN,
    SANITIZE_TIME,
};

/// A generic (SCT 0) status.
const fn generic(sc: u8) -> NvmeStatus {
    NvmeStatus {
        dnr: true,
        ..NvmeStatus::new(Sct::Generic, sc)
    }
}

/// A command specific (SCT 1) status.
const fn specific(sc: u8) -> NvmeStatus {
    NvmeStatus {
        dnr: true,
        ..NvmeStatus::new(Sct::CommandSpecific, sc)
    }
}

const INVALID_OPCODE: NvmeStatus = generic(0x01);
const INVALID_FIELD: NvmeStatus = generic(0x02);
const INTERNAL_ERROR: NvmeStatus = generic(0x06);
const INVALID_NAMESPACE: NvmeStatus = generic(0x0b);
const SANITIZE_IN_PROGRESS: NvmeStatus = NvmeStatus::new(Sct::Generic, 0x1d);
const FORMAT_IN_PROGRESS: NvmeStatus = NvmeStatus::new(Sct::Generic, 0x84);
const INVALID_FIRMWARE_SLOT: NvmeStatus = specific(0x06);
const INVALID_FIRMWARE_IMAGE: NvmeStatus = specific(0x07);
const INVALID_LOG_PAGE: NvmeStatus = specific(0x09);
const INVALID_FORMAT: NvmeStatus = specific(0x0a);
const NOT_SAVEABLE: NvmeStatus = specific(0x0d);
const NOT_CHANGEABLE: NvmeStatus = specific(0x0e);
const OVERLAPPING_RANGE: NvmeStatus = specific(0x14);
const INSUFFICIENT_CAPACITY: NvmeStatus = specific(0x15);
const NSID_UNAVAILABLE: NvmeStatus = specific(0x16);
const ALREADY_ATTACHED: NvmeStatus = specific(0x18);
const NAMESPACE_PRIVATE: NvmeStatus = specific(0x19);
const NOT_ATTACHED: NvmeStatus = specific(0x1a);
const CONTROLLER_LIST_INVALID: NvmeStatus = specific(0x1c);
const SELF_TEST_IN_PROGRESS: NvmeStatus = NvmeStatus::new(Sct::CommandSpecific, 0x1d);

/// Log page IDs served.
const LID_SUPPORTED: u8 = 0x00;
const LID_ERROR: u8 = 0x01;
const LID_SMART: u8 = 0x02;
const LID_FIRMWARE: u8 = 0x03;
const LID_SELF_TEST: u8 = 0x06;
const LID_EFFECTS: u8 = 0x05;
const LID_SANITIZE: u8 = 0x81;

/// Commands Supported and Effects: CSUPP (bit 0), LBCC (bit 1), NCC (bit 2), NIC (bit 3),
/// CCC (bit 4) per Admin opcode the drive executes.
const ADMIN_EFFECTS: [(u8, u32); 13] = [
    (0x02, 0x01),
    (0x06, 0x01),
    (0x09, 0x01),
    (0x0a, 0x01),
    (0x0d, 0x01 | 0x04 | 0x08),
    (0x10, 0x01 | 0x02 | 0x04 | 0x08 | 0x10),
    (0x11, 0x01),
    (0x14, 0x01),
    (0x15, 0x01 | 0x08),
    (0x80, 0x01 | 0x02 | 0x04 | 0x08),
    (0x81, 0x01),
    (0x82, 0x01),
    (0x84, 0x01 | 0x02 | 0x04 | 0x08),
];

/// The same for the NVM command set I/O commands: Flush, Write, Read, Write Zeroes,
/// Dataset Management.
const IO_EFFECTS: [(u8, u32); 5] = [
    (0x00, 0x01),
    (0x01, 0x03),
    (0x02, 0x01),
    (0x08, 0x03),
    (0x09, 0x03),
];

/// Write the Commands Supported and Effects log (4096 bytes).
fn effects_log(out: &mut [u8]) {
    let mut log = CommandsEffectsLog::new_zeroed();
    for (table, dwords) in [
        (&ADMIN_EFFECTS[..], &mut log.acs),
        (&IO_EFFECTS[..], &mut log.iocs),
    ] {
        for &(opc, e) in table {
            dwords[usize::from(opc)].set(e);
        }
    }
    copy_log(&log, out);
}

/// Write the Supported Log Pages log (1024 bytes): every log the drive serves.
fn supported_log_pages(out: &mut [u8]) {
    let mut log = SupportedLogPages::new_zeroed();
    for lid in [
        LID_SUPPORTED,
        LID_ERROR,
        LID_SMART,
        LID_FIRMWARE,
        LID_EFFECTS,
        LID_SELF_TEST,
        LID_SANITIZE,
    ] {
        log.set(lid, LSUPP);
    }
    copy_log(&log, out);
}

/// The interrupt vector an Interrupt Vector Configuration names: one per I/O completion
/// queue and the admin queue's.
fn vector(cdw11: u32) -> Result<u16, NvmeStatus> {
    let iv = InterruptVectorConfig::from_dw0(cdw11).iv;
    if u32::from(iv) > MAX_QUEUES {
        return Err(INVALID_FIELD);
    }
    Ok(iv)
}

/// A command's successful outcome.
enum Done {
    /// Completed: CQE DW0 and response data length.
    Complete(u32, usize),
    /// A long operation started.
    Started(LongOp),
}

type Exec = Result<Done, NvmeStatus>;

/// Generate a `full`-byte result with `gen` and leave bytes `start..start + len` of it (zero
/// beyond its end) at the start of `out`.
fn window(out: &mut [u8], full: usize, start: u64, len: u32, gen: impl FnOnce(&mut [u8])) -> Exec {
    let len = len as usize;
    let buf = out.get_mut(..full.max(len)).ok_or(INTERNAL_ERROR)?;
    buf.fill(0);
    gen(&mut buf[..full]);
    let start = usize::try_from(start).unwrap_or(usize::MAX).min(full);
    let avail = (full - start).min(len);
    buf.copy_within(start..start + avail, 0);
    buf[avail..len].fill(0);
    Ok(Done::Complete(0, len))
}

/// Write a list of little-endian NSIDs (at most 1024) into `out`.
fn nsid_list(ids: impl Iterator<Item = u32>, out: &mut [u8]) {
    for (d, id) in out.chunks_exact_mut(4).zip(ids) {
        d.copy_from_slice(&id.to_le_bytes());
    }
}

impl Sim {
    /// Execute an Admin command for the engine.
    pub(crate) fn admin(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        csi: Csi,
        out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        let ctlid = req.repr.ctlid;
        if self.ctrl_bit(ctlid) == 0 {
            // No such controller: Invalid Parameter at CTLID (NVMe-MI 1.2 §6).
            return Err(Rejection::InvalidParameter(ParameterErrorLocation::new(
                CTLID as u16,
                0,
            )));
        }
        match self.execute(req, csi, out) {
            Ok(Done::Complete(dw0, data_len)) => Ok(AdminReply::Complete {
                completion: AdminCompletion::success(dw0),
                data_len,
            }),
            Ok(Done::Started(op)) => {
                let slot = usize::from(csi.to_bit());
                let ms = op.done_at.as_millis().saturating_sub(self.now.as_millis())
                    + MPRT_MARGIN.as_millis() as u64;
                self.long_ops[slot] = Some(op);
                Ok(AdminReply::InProgress(Mprt::from_millis(
                    ms.min(u32::MAX.into()) as u32,
                )))
            }
            Err(status) => {
                self.errors
                    .record(req.repr.opcode.to_u8(), status, req.repr.nsid);
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::with_status(status),
                    data_len: 0,
                })
            }
        }
    }

    fn busy_status(&self) -> Option<NvmeStatus> {
        if self.sanitize.busy() {
            return Some(SANITIZE_IN_PROGRESS);
        }
        let formatting = self
            .long_ops
            .iter()
            .flatten()
            .any(|o| matches!(o.kind, LongKind::Format { .. }));
        formatting.then_some(FORMAT_IN_PROGRESS)
    }

    fn execute(&mut self, req: &DecodedAdminRequest<'_>, _csi: Csi, out: &mut [u8]) -> Exec {
        let r = &req.repr;
        match req.command {
            TypedCommand::Identify(c) => self.identify(r.ctlid, &c, r.dofst, r.dlen, out),
            TypedCommand::GetLogPage(c) => self.get_log_page(&c, r.dofst, r.dlen, out),
            TypedCommand::GetFeatures(c) => self.get_features(&c, r.dofst, r.dlen, out),
            TypedCommand::SetFeatures(c) => self.set_features(&c, req.data),
            TypedCommand::FirmwareImageDownload(c) => self.download_chunk(&c, req.data),
            TypedCommand::FirmwareCommit(c) => self.firmware_commit(&c),
            TypedCommand::FormatNvm(c) => self.format(&c),
            TypedCommand::Sanitize(c) => self.sanitize_command(&c, r.cdw10),
            TypedCommand::DeviceSelfTest(c) => self.device_self_test(&c),
            TypedCommand::NamespaceManagement(c) => self.namespace_management(&c, req.data),
            TypedCommand::NamespaceAttachment(c) => self.namespace_attachment(&c, req.data),
            TypedCommand::SecurityReceive(c) => security_receive(&c, r.dofst, r.dlen, out),
            TypedCommand::SecuritySend(_) => Err(INVALID_FIELD),
            _ => Err(INVALID_OPCODE),
        }
    }

    fn identify(&self, ctlid: u16, c: &Identify, dofst: u32, dlen: u32, out: &mut [u8]) -> Exec {
        let full = IDENTIFY_DATA_LEN as usize;
        let me = self.ctrl_bit(ctlid);
        let nsid_ok = |nsid: u32| nsid != 0 && nsid as usize <= MAX_NAMESPACES;
        let start = u64::from(dofst);
        match c.cns {
            Cns::Namespace => {
                if c.nsid == u32::MAX {
                    return window(out, full, start, dlen, |b| self.ns.identify(None, b));
                }
                if !nsid_ok(c.nsid) {
                    return Err(INVALID_NAMESPACE);
                }
                let active = self.ns.get(c.nsid).is_some_and(|n| n.attached & me != 0);
                window(out, full, start, dlen, |b| {
                    if active {
                        self.ns.identify(Some(c.nsid), b)
                    }
                })
            }
            Cns::AllocatedNamespace => {
                if !nsid_ok(c.nsid) {
                    return Err(INVALID_NAMESPACE);
                }
                let allocated = self.ns.get(c.nsid).is_some();
                window(out, full, start, dlen, |b| {
                    if allocated {
                        self.ns.identify(Some(c.nsid), b)
                    }
                })
            }
            Cns::Controller => window(out, full, start, dlen, |b| {
                self.identify_controller(ctlid, b)
            }),
            Cns::ActiveNamespaceList | Cns::AllocatedNamespaceList => {
                if c.nsid >= 0xffff_fffe {
                    return Err(INVALID_NAMESPACE);
                }
                let all = c.cns == Cns::AllocatedNamespaceList;
                let ids = self
                    .ns
                    .iter()
                    .filter(|(id, n)| *id > c.nsid && (all || n.attached & me != 0))
                    .map(|(id, _)| id);
                window(out, full, start, dlen, |b| nsid_list(ids, b))
            }
            Cns::NamespaceDescriptorList => {
                if self.ns.get(c.nsid).is_none_or(|n| n.attached & me == 0) {
                    return Err(INVALID_NAMESPACE);
                }
                window(out, full, start, dlen, |b| self.ns.descriptors(c.nsid, b))
            }
            Cns::NamespaceControllerList | Cns::ControllerList => {
                let attached = if c.cns == Cns::ControllerList {
                    self.all_ctrls()
                } else {
                    self.ns.get(c.nsid).ok_or(INVALID_NAMESPACE)?.attached
                };
                let mut ids = [U16::new(0); MAX_CONTROLLERS];
                let mut n = 0;
                for id in self.controller_ids() {
                    if id >= c.cntid && attached & self.ctrl_bit(id) != 0 {
                        ids[n] = U16::new(id);
                        n += 1;
                    }
                }
                window(out, full, start, dlen, |b| {
                    let _ = ControllerList::emit(&ids[..n], b);
                })
            }
            _ => Err(INVALID_FIELD),
        }
    }

    fn get_log_page(&mut self, c: &GetLogPage, dofst: u32, dlen: u32, out: &mut [u8]) -> Exec {
        let size = match c.lid.to_u8() {
            LID_ERROR => ERROR_LOG_LEN,
            LID_SMART => {
                if c.nsid != 0 && c.nsid != u32::MAX {
                    // No per-namespace SMART data (LPA bit 0 clear).
                    return Err(INVALID_FIELD);
                }
                512
            }
            LID_FIRMWARE => 512,
            LID_SELF_TEST => SelfTestLog::SIZE,
            LID_SANITIZE => SanitizeStatusLog::SIZE,
            LID_EFFECTS => CommandsEffectsLog::SIZE,
            LID_SUPPORTED => SupportedLogPages::SIZE,
            _ => return Err(INVALID_LOG_PAGE),
        };
        if c.ot || c.lpo % 4 != 0 || c.lpo > size as u64 {
            return Err(INVALID_FIELD);
        }
        self.health.error_count = self.errors.count();
        let now = self.now;
        let start = c.lpo + u64::from(dofst);
        if c.lid.to_u8() == LID_ERROR {
            // Too large to generate whole: only the window asked for.
            let len = dlen as usize;
            let b = out.get_mut(..len).ok_or(INTERNAL_ERROR)?;
            self.errors.write_window(start, b);
            return Ok(Done::Complete(0, len));
        }
        let this = &*self;
        window(out, size, start, dlen, |b| match c.lid.to_u8() {
            LID_SMART => this.health.smart_log(now, b),
            LID_FIRMWARE => this.fw.slot_log(b),
            LID_SELF_TEST => this.self_test.write(now, b),
            LID_EFFECTS => effects_log(b),
            LID_SUPPORTED => supported_log_pages(b),
            _ => this.sanitize.write(now, b),
        })
    }

    fn feature_value(&self, fid: Fid, cdw11: u32, f: &Features) -> Result<u32, NvmeStatus> {
        Ok(match fid {
            Fid::Arbitration => f.arbitration,
            Fid::PowerManagement => f.power,
            Fid::TemperatureThreshold => {
                let t = TemperatureThreshold::from_cdw11(cdw11);
                if t.tmpsel != TMPSEL_COMPOSITE {
                    return Err(INVALID_FIELD);
                }
                let tmpth = match t.thsel {
                    Thsel::Over => self.health.over_threshold,
                    Thsel::Under => self.health.under_threshold,
                    Thsel::Unknown(_) => return Err(INVALID_FIELD),
                };
                TemperatureThreshold {
                    tmpth,
                    tmpthh: 0,
                    ..t
                }
                .to_cdw11()
            }
            Fid::ErrorRecovery => f.error_recovery,
            Fid::VolatileWriteCache => u32::from(f.write_cache),
            Fid::NumberOfQueues => f.queues,
            Fid::InterruptCoalescing => f.coalescing,
            Fid::InterruptVectorConfiguration => {
                let iv = vector(cdw11)?;
                InterruptVectorConfig {
                    iv,
                    cd: f.coalescing_disabled & (1 << iv) != 0,
                }
                .to_cdw11()
            }
            Fid::WriteAtomicityNormal => WRITE_ATOMICITY,
            Fid::AsyncEventConfiguration => f.async_events,
            Fid::Timestamp => 0,
            _ => return Err(INVALID_FIELD),
        })
    }

    fn get_features(&self, c: &GetFeatures, dofst: u32, dlen: u32, out: &mut [u8]) -> Exec {
        let defaults = Features::default();
        let (f, thresholds_current) = match c.sel {
            Sel::Current => (&self.feat, true),
            // Nothing is saveable: the saved value is the default.
            Sel::Default | Sel::Saved => (&defaults, false),
            Sel::SupportedCapabilities => {
                self.feature_value(c.fid, c.dw.cdw11, &defaults)?;
                let changeable = !matches!(c.fid, Fid::WriteAtomicityNormal);
                return Ok(Done::Complete(if changeable { 0x4 } else { 0 }, 0));
            }
            Sel::Unknown(_) => return Err(INVALID_FIELD),
        };
        if c.fid == Fid::TemperatureThreshold && !thresholds_current {
            let t = TemperatureThreshold::from_cdw11(c.dw.cdw11);
            let tmpth = match t.thsel {
                Thsel::Over => crate::health::WCTEMP,
                _ => 0,
            };
            self.feature_value(c.fid, c.dw.cdw11, f)?;
            return Ok(Done::Complete(
                TemperatureThreshold {
                    tmpth,
                    tmpthh: 0,
                    ..t
                }
                .to_cdw11(),
                0,
            ));
        }
        let dw0 = self.feature_value(c.fid, c.dw.cdw11, f)?;
        if c.fid == Fid::Timestamp {
            let (value, origin) = match f.timestamp {
                Some((v, at)) => (
                    v.wrapping_add(self.now.as_millis().saturating_sub(at.as_millis())),
                    1u8,
                ),
                None => (
                    self.now.as_millis().saturating_sub(self.boot.as_millis()),
                    0,
                ),
            };
            return window(out, 8, u64::from(dofst), dlen, |b| {
                b[..6].copy_from_slice(&value.to_le_bytes()[..6]);
                b[6] = origin << 1;
            });
        }
        Ok(Done::Complete(dw0, 0))
    }

    fn set_features(&mut self, c: &SetFeatures, data: &[u8]) -> Exec {
        if c.sv {
            return Err(NOT_SAVEABLE);
        }
        let v = c.dw.cdw11;
        let mut dw0 = 0;
        match c.fid {
            Fid::Arbitration => self.feat.arbitration = v,
            Fid::PowerManagement => {
                if v & 0x1f >= POWER_STATES {
                    return Err(INVALID_FIELD);
                }
                self.feat.power = v & 0xff;
            }
            Fid::TemperatureThreshold => {
                let t = TemperatureThreshold::from_cdw11(v);
                if t.tmpsel != TMPSEL_COMPOSITE && t.tmpsel != TMPSEL_ALL {
                    return Err(INVALID_FIELD);
                }
                match t.thsel {
                    Thsel::Over => self.health.over_threshold = t.tmpth,
                    Thsel::Under => self.health.under_threshold = t.tmpth,
                    Thsel::Unknown(_) => return Err(INVALID_FIELD),
                }
                // The current temperature may now be beyond a threshold.
                self.refresh();
            }
            Fid::ErrorRecovery => self.feat.error_recovery = v,
            Fid::VolatileWriteCache => self.feat.write_cache = v & 1 != 0,
            Fid::NumberOfQueues => {
                let (nsq, ncq) = (v & 0xffff, v >> 16);
                if nsq == 0xffff || ncq == 0xffff {
                    return Err(INVALID_FIELD);
                }
                self.feat.queues = nsq.min(MAX_QUEUES) | (ncq.min(MAX_QUEUES) << 16);
                dw0 = self.feat.queues;
            }
            Fid::InterruptCoalescing => self.feat.coalescing = v,
            Fid::InterruptVectorConfiguration => {
                let iv = vector(v)?;
                let bit = 1u64 << iv;
                match InterruptVectorConfig::from_dw0(v).cd {
                    true => self.feat.coalescing_disabled |= bit,
                    false => self.feat.coalescing_disabled &= !bit,
                }
            }
            Fid::AsyncEventConfiguration => self.feat.async_events = v,
            Fid::Timestamp => {
                let Some(ts) = data.get(..6) else {
                    return Err(INVALID_FIELD);
                };
                let mut b = [0u8; 8];
                b[..6].copy_from_slice(ts);
                self.feat.timestamp = Some((u64::from_le_bytes(b), self.now));
            }
            Fid::WriteAtomicityNormal
            | Fid::AutonomousPowerStateTransition
            | Fid::HostControlledThermalManagement
            | Fid::KeepAliveTimer => return Err(NOT_CHANGEABLE),
            _ => return Err(INVALID_FIELD),
        }
        Ok(Done::Complete(dw0, 0))
    }

    fn download_chunk(&mut self, c: &FirmwareImageDownload, data: &[u8]) -> Exec {
        if c.len_bytes() != data.len() as u64 {
            return Err(INVALID_FIELD);
        }
        self.fw
            .download(c.offset_bytes(), data)
            .map_err(fw_status)?;
        Ok(Done::Complete(0, 0))
    }

    fn firmware_commit(&mut self, c: &FirmwareCommit) -> Exec {
        if let Some(s) = self.busy_status() {
            return Err(s);
        }
        if c.bpid
            || matches!(
                c.ca,
                CommitAction::ReplaceBootPartition | CommitAction::ActivateBootPartition
            )
        {
            return Err(INVALID_FIELD);
        }
        match self.fw.commit(c.fs, c.ca).map_err(fw_status)? {
            Commit::Stored | Commit::OnReset => Ok(Done::Complete(0, 0)),
            Commit::Now(slot) => Ok(Done::Started(LongOp {
                done_at: self.now + ACTIVATION_TIME,
                kind: LongKind::Activate { slot },
            })),
        }
    }

    fn format(&mut self, c: &FormatNvm) -> Exec {
        if let Some(s) = self.busy_status() {
            return Err(s);
        }
        if c.nsid != u32::MAX && self.ns.get(c.nsid).is_none() {
            return Err(INVALID_NAMESPACE);
        }
        if usize::from(c.format_index()) >= LBA_FORMATS.len() || c.pi != 0 {
            return Err(INVALID_FORMAT);
        }
        if !matches!(
            c.ses,
            SecureEraseSettings::None
                | SecureEraseSettings::UserDataErase
                | SecureEraseSettings::CryptographicErase
        ) {
            return Err(INVALID_FIELD);
        }
        Ok(Done::Started(LongOp {
            done_at: self.now + FORMAT_TIME,
            kind: LongKind::Format {
                nsid: c.nsid,
                lbaf: c.format_index(),
            },
        }))
    }

    fn sanitize_command(&mut self, c: &Sanitize, cdw10: u32) -> Exec {
        if let Some(s) = self.busy_status() {
            return Err(s);
        }
        match c.sanact {
            Sanact::ExitFailureMode => Ok(Done::Complete(0, 0)),
            Sanact::BlockErase | Sanact::Overwrite | Sanact::CryptoErase => {
                self.sanitize.start(cdw10, self.now, SANITIZE_TIME);
                Ok(Done::Started(LongOp {
                    done_at: self.now + SANITIZE_TIME,
                    kind: LongKind::Sanitize,
                }))
            }
            _ => Err(INVALID_FIELD),
        }
    }

    fn device_self_test(&mut self, c: &DeviceSelfTest) -> Exec {
        match c.stc {
            Stc::Short | Stc::Extended => {
                if self.self_test.busy() {
                    return Err(SELF_TEST_IN_PROGRESS);
                }
                if let Some(s) = self.busy_status() {
                    return Err(s);
                }
                if c.nsid != 0 && c.nsid != u32::MAX && self.ns.get(c.nsid).is_none() {
                    return Err(INVALID_NAMESPACE);
                }
                self.self_test.hours = self.health.power_on_hours(self.now);
                self.self_test.start(c.stc.to_u8(), c.nsid, self.now);
                Ok(Done::Complete(0, 0))
            }
            Stc::Abort => {
                self.self_test.hours = self.health.power_on_hours(self.now);
                self.self_test.abort();
                Ok(Done::Complete(0, 0))
            }
            _ => Err(INVALID_FIELD),
        }
    }

    fn namespace_management(&mut self, c: &NamespaceManagement, data: &[u8]) -> Exec {
        if let Some(s) = self.busy_status() {
            return Err(s);
        }
        match c.sel {
            NsManagementSel::Create => match self.ns.create(data) {
                Ok(nsid) => Ok(Done::Complete(nsid, 0)),
                Err(CreateError::InvalidFormat) => Err(INVALID_FORMAT),
                Err(CreateError::InvalidField) => Err(INVALID_FIELD),
                Err(CreateError::InsufficientCapacity) => Err(INSUFFICIENT_CAPACITY),
                Err(CreateError::NoFreeId) => Err(NSID_UNAVAILABLE),
            },
            NsManagementSel::Delete => {
                let attached = self.ns.delete(c.nsid).ok_or(INVALID_FIELD)?;
                self.namespace_changed(attached);
                Ok(Done::Complete(0, 0))
            }
            _ => Err(INVALID_FIELD),
        }
    }

    fn namespace_attachment(&mut self, c: &NamespaceAttachment, data: &[u8]) -> Exec {
        if let Some(s) = self.busy_status() {
            return Err(s);
        }
        let ns = *self.ns.get(c.nsid).ok_or(INVALID_FIELD)?;
        let mut mask = 0u8;
        let mut count = 0;
        for id in ControllerList::parse(data)
            .map_err(|_| CONTROLLER_LIST_INVALID)?
            .iter()
        {
            let b = self.ctrl_bit(id);
            if b == 0 || mask & b != 0 {
                return Err(CONTROLLER_LIST_INVALID);
            }
            mask |= b;
            count += 1;
        }
        if count == 0 {
            return Err(CONTROLLER_LIST_INVALID);
        }
        let attached = match c.sel {
            NsAttachmentSel::Attach => {
                if ns.attached & mask != 0 {
                    return Err(ALREADY_ATTACHED);
                }
                if !ns.shared && (ns.attached != 0 || count > 1) {
                    return Err(NAMESPACE_PRIVATE);
                }
                ns.attached | mask
            }
            NsAttachmentSel::Detach => {
                if ns.attached & mask != mask {
                    return Err(NOT_ATTACHED);
                }
                ns.attached & !mask
            }
            _ => return Err(INVALID_FIELD),
        };
        if let Some(n) = self.ns.get_mut(c.nsid) {
            n.attached = attached;
        }
        self.namespace_changed(mask);
        Ok(Done::Complete(0, 0))
    }

    /// Apply the effect of a finished long operation.
    pub(crate) fn finish(&mut self, kind: LongKind) {
        match kind {
            LongKind::Format { nsid, lbaf } => {
                let mut touched = 0;
                for (id, n) in self.ns.iter_mut() {
                    if nsid == u32::MAX || id == nsid {
                        let bytes = n.bytes();
                        n.lbaf = lbaf;
                        n.blocks = bytes / n.block_size();
                        n.used = 0;
                        touched |= n.attached;
                    }
                }
                self.namespace_changed(touched);
            }
            LongKind::Sanitize => {
                self.sanitize.complete();
                for (_, n) in self.ns.iter_mut() {
                    n.used = 0;
                }
            }
            LongKind::Activate { slot } => {
                self.fw.activate(slot);
                self.firmware_activated();
            }
        }
    }
}

fn fw_status(e: FwError) -> NvmeStatus {
    match e {
        FwError::InvalidField => INVALID_FIELD,
        FwError::Overlapping => OVERLAPPING_RANGE,
        FwError::InvalidSlot => INVALID_FIRMWARE_SLOT,
        FwError::InvalidImage => INVALID_FIRMWARE_IMAGE,
    }
}

/// Security Receive, security protocol 00h (SPC-5 §7.7.1): the supported protocols list
/// (SPSP 0000h; only protocol 00h) and the empty certificate data (SPSP 0001h).
fn security_receive(c: &SecurityReceive, dofst: u32, dlen: u32, out: &mut [u8]) -> Exec {
    if c.protocol.secp != 0 {
        return Err(INVALID_FIELD);
    }
    let full = match c.protocol.spsp {
        0 => 9,
        1 => 4,
        _ => return Err(INVALID_FIELD),
    };
    let list = c.protocol.spsp == 0;
    window(out, full, u64::from(dofst), dlen, |b| {
        if list {
            b[6..8].copy_from_slice(&1u16.to_be_bytes());
            b[8] = 0x00;
        }
    })
}
