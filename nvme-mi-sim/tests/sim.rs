//! The simulated drive served by the real responder engine, driven by the real requester
//! over the in-memory loopback link: every check reads values back through NVMe-MI.

use std::time::Duration;

use nvme_mi_core::mi::admin::{
    parse_response, AdminCommand, AdminCompletion, AdminRequestRepr, Cns, CommitAction,
    DeviceSelfTest, Fid, FirmwareCommit, FirmwareImageDownload, FormatNvm, GetFeatures, GetLogPage,
    Identify, Lid, NamespaceAttachment, NamespaceManagement, NsAttachmentSel, NsManagementSel,
    NvmeStatus, Sanact, Sanitize, Sct, SecurityProtocol, SecurityReceive, Sel, SetFeatures, Stc,
    TemperatureThreshold,
};
use nvme_mi_core::mi::admin_data::{
    AdminData, FirmwareSlotLog, IdentifyController, IdentifyNamespace, SmartLog,
};
use nvme_mi_core::mi::aem::{parse_aem, AeConfigEntry, AeConfigList, AeId, ACK_ENABLE_LIST};
use nvme_mi_core::mi::command::{
    CompositeControllerStatus, ConfigurationGetRequest, ConfigurationSetRequest,
    ControllerHealthList, ControllerHealthStatusPollRequest, ControllerInformation,
    CriticalWarning, Dtyp, HealthChangeSelect, HealthStatusChangeMask, MiCommand,
    NvmSubsystemHealth, NvmSubsystemInformation, NvmSubsystemStatus, PortInformation, PortType,
    ReadDataStructureRequest, ResetRequest, ResetType, ShutdownRequest, ShutdownStatus,
    ShutdownType, SmbusFrequency, SubsystemHealthStatusPollRequest, VpdReadRequest,
    VpdWriteRequest,
};
use nvme_mi_core::mi::status::{ParameterErrorLocation, StatusInfo};
use nvme_mi_core::mi::{Message, Nmimt, MAX_MESSAGE_LEN};
use nvme_mi_core::requester::CommandClass;
use nvme_mi_core::transport::{EventSource, Transport};
use nvme_mi_sim::Sim;
use zerocopy::FromZeros;
use zerocopy::IntoBytes;

mod common;
use common::{endpoint, Ep};

fn sim(ep: &Ep) -> &Sim {
    ep.transport().responder().device()
}

fn advance(ep: &mut Ep, d: Duration) {
    ep.transport_mut().advance(d);
}

/// An MI command: the status and the response data.
fn mi<C: MiCommand>(ep: &mut Ep, class: CommandClass, cmd: &C) -> (StatusInfo, Vec<u8>) {
    let r = cmd.to_repr();
    let op = [r.opcode.to_u8(), 0, 0, 0];
    let (d0, d1) = (r.nmd0.to_le_bytes(), r.nmd1.to_le_bytes());
    let resp = ep
        .nvme_mi_raw(class, Nmimt::MiCommand, &[&op, &d0, &d1, r.data])
        .expect("exchange");
    (resp.header.info, resp.body.to_vec())
}

fn mi_ok<C: MiCommand>(ep: &mut Ep, cmd: &C) -> ([u8; 3], Vec<u8>) {
    match mi(ep, CommandClass::Write, cmd) {
        (StatusInfo::Success(nmresp), data) => (nmresp, data),
        (other, _) => panic!("{other:?}"),
    }
}

/// An Admin command to controller `ctlid` with request data `data`.
fn admin_with<C: AdminCommand>(
    ep: &mut Ep,
    ctlid: u16,
    cmd: &C,
    data: &[u8],
    placement: Option<(u32, u32)>,
) -> (AdminCompletion, Vec<u8>) {
    let mut repr = AdminRequestRepr::for_command(ctlid, cmd);
    if let Some((dofst, dlen)) = placement {
        repr.dofst = dofst;
        repr.dlen = dlen;
    }
    let fixed = repr.to_bytes();
    let resp = ep
        .nvme_mi_raw(CommandClass::Slow, Nmimt::AdminCommand, &[&fixed[..], data])
        .expect("exchange");
    let (r, d) = parse_response(resp.message).expect("admin response");
    assert_eq!(r.header.info, StatusInfo::Success([0; 3]), "MI status");
    (r.completion.expect("completion"), d.to_vec())
}

fn admin<C: AdminCommand>(ep: &mut Ep, ctlid: u16, cmd: &C) -> (AdminCompletion, Vec<u8>) {
    admin_with(ep, ctlid, cmd, &[], None)
}

fn ok(c: &AdminCompletion) {
    assert!(c.status.is_success(), "{}", c.status);
}

fn status(c: &AdminCompletion) -> (Sct, u8) {
    (c.status.sct, c.status.sc)
}

fn identify_ctrl(ep: &mut Ep, ctlid: u16) -> IdentifyController {
    let (c, d) = admin(ep, ctlid, &Identify::controller());
    ok(&c);
    IdentifyController::read(&d).unwrap()
}

fn smart(ep: &mut Ep) -> SmartLog {
    let (c, d) = admin(ep, 0, &GetLogPage::new(Lid::SmartHealth, 512));
    ok(&c);
    SmartLog::read(&d).unwrap()
}

fn health(ep: &mut Ep, clear: bool) -> NvmSubsystemHealth {
    let (_, d) = mi_ok(
        ep,
        &SubsystemHealthStatusPollRequest {
            clear_status: clear,
        },
    );
    NvmSubsystemHealth::parse(&d).unwrap()
}

#[test]
fn identify_controller_strings_and_capabilities() {
    let mut ep = endpoint(11);
    let serial = sim(&ep).serial_number().to_owned();
    for ctlid in [0, 1] {
        let id = identify_ctrl(&mut ep, ctlid);
        assert_eq!(id.mn(), nvme_mi_sim::MODEL);
        assert_eq!(id.sn(), serial);
        assert_eq!(id.fr(), "1.1.0");
        assert_eq!(id.cntlid.get(), ctlid);
        assert_eq!(id.ver.get(), 0x0001_0400);
        assert_eq!(id.nn.get(), 16);
        assert_eq!((id.nvmsr, id.mec), (0x01, 0x03));
        assert_eq!(id.vwci, 0x80 | 100);
        assert_eq!(id.frmw & 0x0f, 0x07);
        assert_eq!((id.wctemp.get(), id.cctemp.get()), (343, 358));
        assert_ne!(id.oacs.get() & 0x04, 0);
        assert!(id.subnqn().contains(&serial));
    }
    assert!(serial.starts_with("SIM") && serial.len() == 15);
    // No controller 2: Invalid Parameter at CTLID (byte 6).
    let fixed = AdminRequestRepr::for_command(2, &Identify::controller()).to_bytes();
    let r = ep
        .nvme_mi_raw(CommandClass::Read, Nmimt::AdminCommand, &[&fixed[..]])
        .unwrap();
    assert_eq!(
        r.header.info,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(6, 0))
    );
}

#[test]
fn namespaces_sizes_formats_and_lists() {
    let mut ep = endpoint(2);
    let ns = |ep: &mut Ep, ctlid, nsid| {
        let (c, d) = admin(ep, ctlid, &Identify::namespace(nsid));
        ok(&c);
        IdentifyNamespace::read(&d).unwrap()
    };
    let n1 = ns(&mut ep, 0, 1);
    assert_eq!(n1.nsze.get() * 512, 400_000_000_000);
    assert_eq!(n1.current_lba_format().unwrap().block_size(), Some(512));
    assert_eq!(n1.nmic, 0);
    let n2 = ns(&mut ep, 1, 2);
    assert_eq!(n2.current_lba_format().unwrap().block_size(), Some(4096));
    assert_eq!(n2.nsze.get() * 4096, 200_000_000_000);
    assert_eq!(ns(&mut ep, 1, 3).nmic, 1);
    // NSID 2 is not attached to controller 0: zeros.
    assert_eq!(ns(&mut ep, 0, 2).nsze.get(), 0);
    let list = |ep: &mut Ep, ctlid| {
        let (c, d) = admin(
            ep,
            ctlid,
            &Identify {
                nsid: 0,
                ..Identify::new(Cns::ActiveNamespaceList)
            },
        );
        ok(&c);
        d.chunks(4)
            .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
            .take_while(|&x| x != 0)
            .collect::<Vec<_>>()
    };
    assert_eq!(list(&mut ep, 0), [1, 3]);
    assert_eq!(list(&mut ep, 1), [2, 3]);
    let (c, d) = admin(
        &mut ep,
        0,
        &Identify {
            nsid: 3,
            ..Identify::new(Cns::NamespaceControllerList)
        },
    );
    ok(&c);
    assert_eq!(&d[..6], &[2, 0, 0, 0, 1, 0]);
    let (c, d) = admin(
        &mut ep,
        0,
        &Identify {
            nsid: 1,
            ..Identify::new(Cns::NamespaceDescriptorList)
        },
    );
    ok(&c);
    assert_eq!((d[0], d[1]), (1, 8));
    assert_eq!(&d[4..12], &n1.eui64);
    assert_eq!((d[12], d[13]), (2, 16));
    let (c, _) = admin(&mut ep, 0, &Identify::namespace(17));
    assert_eq!(status(&c), (Sct::Generic, 0x0b));
    // DOFST/DLEN slicing: the serial number is bytes 23:4 of Identify Controller.
    let (c, d) = admin_with(&mut ep, 0, &Identify::controller(), &[], Some((4, 20)));
    ok(&c);
    assert_eq!(
        std::str::from_utf8(&d).unwrap().trim_end(),
        sim(&ep).serial_number()
    );
}

#[test]
fn smart_log_evolves_with_time() {
    let mut ep = endpoint(5);
    let first = smart(&mut ep);
    let mut temps = std::collections::BTreeSet::new();
    for _ in 0..60 {
        advance(&mut ep, Duration::from_secs(10));
        let s = smart(&mut ep);
        let k = s.temperature.get();
        assert!((308..=318).contains(&k), "{k}");
        temps.insert(k);
        let h = health(&mut ep, false);
        let c = h.temperature().celsius().unwrap();
        assert!((i32::from(c) - (i32::from(k) - 273)).abs() <= 1);
    }
    assert!(temps.len() >= 4, "{temps:?}");
    advance(&mut ep, Duration::from_secs(2 * 3600));
    let later = smart(&mut ep);
    assert_eq!(later.power_on_hours.get(), first.power_on_hours.get() + 2);
    assert!(later.data_units_written.get() > first.data_units_written.get());
    assert!(later.data_units_read.get() > first.data_units_read.get());
    assert_eq!(later.media_errors.get(), 0);
    assert_eq!(later.critical_warning, 0);
    assert!(later.num_err_log_entries.get() >= 2);
}

#[test]
fn temperature_threshold_crossing_warns_and_raises_an_event() {
    let mut ep = endpoint(9);
    // Enable SMART Warnings events, retry delay 1 s.
    let mut list = [0u8; 8];
    let n =
        AeConfigList::emit(&[AeConfigEntry::new(AeId::SmartWarnings, true)], &mut list).unwrap();
    let set = ConfigurationSetRequest::AsyncEvent {
        aerd: 10,
        aemd: 0,
        encfa: true,
        enpfa: false,
        envfa: false,
        enable_list: &list[..n],
    };
    let (_, occ) = mi_ok(&mut ep, &set);
    assert_eq!(occ[0], 0, "no occurrences yet");
    assert!(sim(&ep).event_enabled(AeId::SmartWarnings));
    let (nmresp, supported) = mi_ok(&mut ep, &ConfigurationGetRequest::AsyncEvent);
    assert_eq!(nmresp[0], 0);
    let sl = AeConfigList::parse(&supported).unwrap();
    assert!(sl
        .entries()
        .any(|e| e.id == AeId::SmartWarnings && e.enabled));
    assert!(sl
        .entries()
        .any(|e| e.id == AeId::FirmwareActivated && !e.enabled));

    // Over-temperature threshold 300 K (27 °C): the drive is above it.
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::temperature_threshold(TemperatureThreshold::over_composite(300), false),
    );
    ok(&c);
    let (c, _) = admin(
        &mut ep,
        0,
        &GetFeatures::temperature_threshold(0, nvme_mi_core::mi::admin::Thsel::Over),
    );
    assert_eq!(TemperatureThreshold::from_cdw11(c.dw0).tmpth, 300);
    assert!(smart(&mut ep).critical_warning & 0x02 != 0);
    let h = health(&mut ep, false);
    assert!(h.warnings().contains(CriticalWarning::TAUT));
    assert!(h.ccs().contains(CompositeControllerStatus::CWARN));

    let mut buf = vec![0u8; MAX_MESSAGE_LEN];
    let now = ep.transport_mut().now();
    let n = ep
        .transport_mut()
        .recv_unsolicited(&mut buf, now + Duration::from_millis(100))
        .expect("AEM");
    let m = Message::new_checked(&buf[..n]).unwrap();
    let aem = parse_aem(&m).unwrap();
    assert_eq!(aem.len(), 1);
    assert_eq!(aem.occurrences().next().unwrap().id, AeId::SmartWarnings);
    let generation = aem.aemti().generation;
    assert_eq!(aem.aemti().retry_count, 0);
    // Not acknowledged: retransmitted after the retry delay, same generation.
    let now = ep.transport_mut().now();
    let n = ep
        .transport_mut()
        .recv_unsolicited(&mut buf, now + Duration::from_secs(2))
        .expect("retransmission");
    let m = Message::new_checked(&buf[..n]).unwrap();
    let again = parse_aem(&m).unwrap();
    assert_eq!(
        (again.aemti().generation, again.aemti().retry_count),
        (generation, 1)
    );
    // Acknowledge: no more retransmissions.
    let ack = ConfigurationSetRequest::AsyncEvent {
        aerd: 0,
        aemd: 0,
        encfa: false,
        enpfa: false,
        envfa: false,
        enable_list: &ACK_ENABLE_LIST,
    };
    mi_ok(&mut ep, &ack);
    let sent = ep.transport().stats().unsolicited;
    advance(&mut ep, Duration::from_secs(5));
    assert_eq!(ep.transport().stats().unsolicited, sent);
    // Drop retransmissions queued on the link before the acknowledgement.
    let now = ep.transport_mut().now();
    while ep.transport_mut().recv_unsolicited(&mut buf, now).is_ok() {}
    // Back under the threshold: the warning clears, a new generation is sent.
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::temperature_threshold(TemperatureThreshold::over_composite(343), false),
    );
    ok(&c);
    let now = ep.transport_mut().now();
    let n = ep
        .transport_mut()
        .recv_unsolicited(&mut buf, now + Duration::from_secs(1))
        .expect("AEM");
    let m = Message::new_checked(&buf[..n]).unwrap();
    assert_eq!(
        parse_aem(&m).unwrap().aemti().generation,
        (generation + 1) % 32
    );
    assert!(!health(&mut ep, false).warnings_present());
}

fn firmware_image(rev: &str, len: usize) -> Vec<u8> {
    let mut img: Vec<u8> = (0..len).map(|i| (i * 7) as u8).collect();
    img[..4].copy_from_slice(&nvme_mi_sim::IMAGE_MAGIC);
    img[4..12].fill(b' ');
    img[4..4 + rev.len()].copy_from_slice(rev.as_bytes());
    img
}

fn download(ep: &mut Ep, img: &[u8]) {
    for (off, chunk) in img.chunks(4096).enumerate() {
        let cmd = FirmwareImageDownload::new((off * 4096) as u32, chunk.len() as u32).unwrap();
        let (c, _) = admin_with(ep, 0, &cmd, chunk, Some((0, chunk.len() as u32)));
        ok(&c);
    }
}

#[test]
fn firmware_download_and_immediate_commit_change_the_revision() {
    let mut ep = endpoint(3);
    let img = firmware_image("2.0.0", 10_000);
    download(&mut ep, &img);
    assert_eq!(sim(&ep).firmware_download().0, 10_000);
    // A gap is refused.
    let cmd = FirmwareImageDownload::new(20_000, 4).unwrap();
    let (c, _) = admin_with(&mut ep, 0, &cmd, &[0; 4], Some((0, 4)));
    assert_eq!(status(&c), (Sct::Generic, 0x02));
    // Slot 1 is read-only.
    let (c, _) = admin(
        &mut ep,
        0,
        &FirmwareCommit {
            fs: 1,
            ca: CommitAction::Replace,
            bpid: false,
        },
    );
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x06));
    let t0 = ep.transport_mut().now();
    let (c, _) = admin(
        &mut ep,
        0,
        &FirmwareCommit {
            fs: 3,
            ca: CommitAction::ReplaceAndActivateNow,
            bpid: false,
        },
    );
    ok(&c);
    assert!(ep.transport_mut().now().since(t0) >= nvme_mi_sim::ACTIVATION_TIME);
    assert_eq!(ep.transport().responder().stats().more_processing, 1);
    assert_eq!(identify_ctrl(&mut ep, 1).fr(), "2.0.0");
    let (c, d) = admin(&mut ep, 0, &GetLogPage::new(Lid::FirmwareSlot, 512));
    ok(&c);
    let log = FirmwareSlotLog::read(&d).unwrap();
    assert_eq!(log.active_slot(), 3);
    assert_eq!(
        (log.revision(1), log.revision(2), log.revision(3)),
        (Some("1.0.0"), Some("1.1.0"), Some("2.0.0"))
    );
    let h = health(&mut ep, true);
    assert!(h.ccs().contains(CompositeControllerStatus::FA));
    assert!(!health(&mut ep, false)
        .ccs()
        .contains(CompositeControllerStatus::FA));
}

#[test]
fn firmware_activation_on_reset() {
    let mut ep = endpoint(4);
    download(&mut ep, &firmware_image("1.2.0-rc", 4096));
    let (c, _) = admin(
        &mut ep,
        0,
        &FirmwareCommit {
            fs: 0,
            ca: CommitAction::ReplaceAndActivate,
            bpid: false,
        },
    );
    ok(&c);
    assert_eq!(identify_ctrl(&mut ep, 0).fr(), "1.1.0");
    assert!(!health(&mut ep, false)
        .status()
        .contains(NvmSubsystemStatus::RNR));
    // NVM Subsystem Reset: no response at all.
    let reset = ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    };
    let r = reset.to_repr();
    let (d0, d1) = (r.nmd0.to_le_bytes(), r.nmd1.to_le_bytes());
    assert!(ep
        .nvme_mi_raw(
            CommandClass::Write,
            Nmimt::MiCommand,
            &[&[7, 0, 0, 0], &d0, &d1]
        )
        .is_err());
    assert_eq!(identify_ctrl(&mut ep, 0).fr(), "1.2.0-rc");
    let h = health(&mut ep, false);
    assert!(h
        .ccs()
        .contains(CompositeControllerStatus::NSSRO | CompositeControllerStatus::FA));
    assert!(h.status().contains(NvmSubsystemStatus::RNR));
    // Clear only NSSRO with Configuration Set, Health Status Change (packed mask).
    mi_ok(
        &mut ep,
        &ConfigurationSetRequest::HealthStatusChange {
            clear: HealthStatusChangeMask::NSSRO,
        },
    );
    let h = health(&mut ep, false);
    assert!(!h.ccs().contains(CompositeControllerStatus::NSSRO));
    assert!(h.ccs().contains(CompositeControllerStatus::FA));
    // An image without the header is refused at commit.
    download(&mut ep, &[0u8; 64]);
    let (c, _) = admin(
        &mut ep,
        0,
        &FirmwareCommit {
            fs: 2,
            ca: CommitAction::Replace,
            bpid: false,
        },
    );
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x07));
}

/// MPRT is the worst-case remaining time to the final response (More Processing Required
/// response), and requesters wait exactly that long after it
/// (libnvme-mi 1.3 polls for MPRT x 100 ms, then gives up with ETIMEDOUT). The endpoint
/// sends the final response when the operation's time is up, plus its own latency (the
/// serve loop waking up, the kernel), so the announced time must leave room for that: a
/// final response half a second late is still within it.
#[test]
fn mprt_leaves_room_for_delivering_the_final_response() {
    use nvme_mi_core::responder::{Respond, Responder};
    use nvme_mi_core::time::Instant;

    let img = firmware_image("3.0.0", 64);
    let mut r: Responder<Sim, u32> = nvme_mi_sim::responder(4);
    let send = |r: &mut Responder<Sim, u32>, repr: AdminRequestRepr, data: &[u8], now| {
        let (mut req, mut resp) = (vec![0u8; MAX_MESSAGE_LEN], vec![0u8; MAX_MESSAGE_LEN]);
        let n = repr.emit_message(data, &mut req).unwrap();
        let len = r.handle(&req[..n], &7, Instant(now), &mut resp).unwrap();
        let msg = Message::new_checked(&resp[..len]).unwrap();
        nvme_mi_core::mi::status::ResponseHeader::parse(&msg)
            .unwrap()
            .info
    };
    let mut download =
        AdminRequestRepr::for_command(1, &FirmwareImageDownload::new(0, img.len() as u32).unwrap());
    download.dlen = img.len() as u32;
    let info = send(&mut r, download, &img, 1_000);
    assert_eq!(info, StatusInfo::Success([0; 3]));
    let commit_now = FirmwareCommit {
        fs: 3,
        ca: CommitAction::ReplaceAndActivateNow,
        bpid: false,
    };
    let long = [
        (
            AdminRequestRepr::for_command(1, &commit_now),
            nvme_mi_sim::ACTIVATION_TIME,
        ),
        (
            AdminRequestRepr::for_command(1, &FormatNvm::new(1, 1)),
            nvme_mi_sim::FORMAT_TIME,
        ),
        (
            AdminRequestRepr::for_command(1, &Sanitize::new(Sanact::BlockErase)),
            nvme_mi_sim::SANITIZE_TIME,
        ),
    ];
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut now = 2_000;
    for (repr, takes) in long {
        let StatusInfo::MoreProcessingRequired(mprt) = send(&mut r, repr, &[], now) else {
            panic!("opcode {:?}: no More Processing Required", repr.opcode);
        };
        let announced = Duration::from_millis(u64::from(mprt.as_millis()));
        assert!(
            announced >= takes + Duration::from_millis(500),
            "opcode {:?}: MPRT {announced:?} for an operation of {takes:?}",
            repr.opcode
        );
        // The operation itself is not slower for it: the final response is due on time.
        let due = Instant(now + takes.as_millis() as u64);
        assert_eq!(r.next_deadline(), Some(due));
        assert!(r.poll(due, &mut out).is_some());
        now = due.as_millis() + 1_000;
    }
}

#[test]
fn format_answers_more_processing_then_completes() {
    let mut ep = endpoint(6);
    let t0 = ep.transport_mut().now();
    let (c, _) = admin(&mut ep, 0, &FormatNvm::new(1, 1));
    ok(&c);
    assert!(ep.transport_mut().now().since(t0) >= nvme_mi_sim::FORMAT_TIME);
    let stats = ep.transport().responder().stats();
    assert_eq!(stats.more_processing, 1);
    let (c, d) = admin(&mut ep, 0, &Identify::namespace(1));
    ok(&c);
    let ns = IdentifyNamespace::read(&d).unwrap();
    assert_eq!(ns.current_lba_format().unwrap().block_size(), Some(4096));
    assert_eq!(ns.nsze.get() * 4096, 400_000_000_000);
    assert_eq!(ns.nuse.get(), 0);
    assert!(health(&mut ep, false)
        .ccs()
        .contains(CompositeControllerStatus::NAC));
    let (c, _) = admin(&mut ep, 0, &FormatNvm::new(1, 5));
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x0a));
    let (c, _) = admin(&mut ep, 0, &FormatNvm::new(9, 0));
    assert_eq!(status(&c), (Sct::Generic, 0x0b));
}

#[test]
fn sanitize_runs_and_reports_status() {
    let mut ep = endpoint(7);
    let t0 = ep.transport_mut().now();
    let (c, _) = admin(&mut ep, 0, &Sanitize::new(Sanact::CryptoErase));
    ok(&c);
    assert!(ep.transport_mut().now().since(t0) >= nvme_mi_sim::SANITIZE_TIME);
    let (c, d) = admin(&mut ep, 0, &GetLogPage::new(Lid::from_u8(0x81), 512));
    ok(&c);
    assert_eq!(u16::from_le_bytes([d[0], d[1]]), 0xffff);
    assert_eq!(u16::from_le_bytes([d[2], d[3]]) & 7, 1);
    assert_eq!(u32::from_le_bytes([d[4], d[5], d[6], d[7]]) & 7, 4);
}

#[test]
fn vpd_is_fru_and_writable() {
    let mut ep = endpoint(8);
    let (_, vpd) = mi_ok(
        &mut ep,
        &VpdReadRequest {
            offset: 0,
            length: 256,
        },
    );
    assert_eq!(vpd.len(), 256);
    assert_eq!(vpd[0], 1);
    assert_eq!(vpd[..8].iter().fold(0u8, |s, &b| s.wrapping_add(b)), 0);
    let board = usize::from(vpd[3]) * 8;
    let len = usize::from(vpd[board + 1]) * 8;
    assert_eq!(
        vpd[board..board + len]
            .iter()
            .fold(0u8, |s, &b| s.wrapping_add(b)),
        0
    );
    let serial = sim(&ep).serial_number().to_owned();
    assert!(vpd.windows(serial.len()).any(|w| w == serial.as_bytes()));
    mi_ok(
        &mut ep,
        &VpdWriteRequest {
            offset: 200,
            data: b"asset-42",
        },
    );
    let (_, back) = mi_ok(
        &mut ep,
        &VpdReadRequest {
            offset: 200,
            length: 8,
        },
    );
    assert_eq!(back, b"asset-42");
    assert_eq!(&sim(&ep).vpd()[200..208], b"asset-42");
    assert_eq!(identify_ctrl(&mut ep, 0).vwci, 0x80 | 99);
    let (s, _) = mi(
        &mut ep,
        CommandClass::Read,
        &VpdReadRequest {
            offset: 250,
            length: 8,
        },
    );
    assert_eq!(
        s,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(12, 0))
    );
    let (s, _) = mi(
        &mut ep,
        CommandClass::Read,
        &VpdReadRequest {
            offset: 300,
            length: 0,
        },
    );
    assert_eq!(
        s,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(8, 0))
    );
}

#[test]
fn configuration_mtu_and_smbus_frequency() {
    let mut ep = endpoint(10);
    let (nmresp, _) = mi_ok(
        &mut ep,
        &ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 },
    );
    assert_eq!(u16::from_le_bytes([nmresp[0], nmresp[1]]), 64);
    mi_ok(
        &mut ep,
        &ConfigurationSetRequest::MctpTransmissionUnitSize {
            port_id: 1,
            mtus: 250,
        },
    );
    let (nmresp, _) = mi_ok(
        &mut ep,
        &ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 },
    );
    assert_eq!(u16::from_le_bytes([nmresp[0], nmresp[1]]), 250);
    assert_eq!(sim(&ep).mtu(1), Some(250));
    let (s, _) = mi(
        &mut ep,
        CommandClass::Write,
        &ConfigurationSetRequest::MctpTransmissionUnitSize {
            port_id: 1,
            mtus: 251,
        },
    );
    assert_eq!(
        s,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(12, 0))
    );
    let (s, _) = mi(
        &mut ep,
        CommandClass::Write,
        &ConfigurationSetRequest::MctpTransmissionUnitSize {
            port_id: 2,
            mtus: 64,
        },
    );
    assert_eq!(
        s,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(11, 0))
    );
    mi_ok(
        &mut ep,
        &ConfigurationSetRequest::SmbusI2cFrequency {
            port_id: 1,
            frequency: SmbusFrequency::Khz400,
        },
    );
    let (nmresp, _) = mi_ok(
        &mut ep,
        &ConfigurationGetRequest::SmbusI2cFrequency { port_id: 1 },
    );
    assert_eq!(
        SmbusFrequency::from_u8(nmresp[0] & 0xf),
        SmbusFrequency::Khz400
    );
    let (s, _) = mi(
        &mut ep,
        CommandClass::Write,
        &ConfigurationSetRequest::SmbusI2cFrequency {
            port_id: 1,
            frequency: SmbusFrequency::Mhz1,
        },
    );
    assert!(matches!(s, StatusInfo::InvalidParameter(_)));
}

#[test]
fn data_structures_describe_ports_and_controllers() {
    let mut ep = endpoint(12);
    let rds = |ep: &mut Ep, dtyp, port_id, ctrl_id| {
        let (nmresp, d) = mi_ok(
            ep,
            &ReadDataStructureRequest {
                port_id,
                ctrl_id,
                ..ReadDataStructureRequest::new(dtyp)
            },
        );
        assert_eq!(
            usize::from(u16::from_le_bytes([nmresp[0], nmresp[1]])),
            d.len()
        );
        d
    };
    let info =
        NvmSubsystemInformation::parse(&rds(&mut ep, Dtyp::SubsystemInformation, 0, 0)).unwrap();
    assert_eq!((info.port_count(), info.mjr, info.mnr), (2, 2, 0));
    let p0 = PortInformation::parse(&rds(&mut ep, Dtyp::PortInformation, 0, 0)).unwrap();
    assert_eq!(p0.port_type(), PortType::Pcie);
    assert_eq!(p0.pcie_data().unwrap().pciecls, 4);
    let p1 = PortInformation::parse(&rds(&mut ep, Dtyp::PortInformation, 1, 0)).unwrap();
    let tw = p1.two_wire_data().unwrap();
    assert_eq!((tw.cvpdaddr, tw.cmeaddr, p1.mmtus.get()), (0x53, 0x1d, 250));
    assert!(tw.basic_management_supported());
    assert_eq!(rds(&mut ep, Dtyp::ControllerList, 0, 0), [2, 0, 0, 0, 1, 0]);
    assert_eq!(rds(&mut ep, Dtyp::ControllerList, 0, 1), [1, 0, 1, 0]);
    let ci =
        ControllerInformation::parse(&rds(&mut ep, Dtyp::ControllerInformation, 0, 1)).unwrap();
    assert_eq!(ci.routing_id(), Some((1, 0, 1)));
    assert_eq!(ci.pcivid.get(), nvme_mi_sim::VENDOR_ID);
    let (s, _) = mi(
        &mut ep,
        CommandClass::Read,
        &ReadDataStructureRequest {
            port_id: 5,
            ..ReadDataStructureRequest::new(Dtyp::PortInformation)
        },
    );
    assert_eq!(
        s,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(10, 0))
    );
    let list = rds(&mut ep, Dtyp::OptionallySupportedCommandList, 0, 0);
    assert!(u16::from_le_bytes([list[0], list[1]]) >= 10);
}

#[test]
fn shutdown_and_controller_health() {
    let mut ep = endpoint(13);
    let poll = ControllerHealthStatusPollRequest {
        all: true,
        incf: true,
        maxrent: 7,
        ..Default::default()
    };
    let (nmresp, d) = mi_ok(&mut ep, &poll);
    assert_eq!(nmresp[2], 2);
    let list = ControllerHealthList::parse(&d, 2).unwrap();
    let k = list.entries()[0].temperature_kelvin();
    assert!((308..=318).contains(&k));
    assert_eq!(list.entries()[0].controller_id(), 0);
    assert_eq!(list.entries()[1].controller_id(), 1);
    assert_eq!(list.entries()[0].status().shst(), ShutdownStatus::Normal);
    let before = smart(&mut ep).unsafe_shutdowns.get();
    mi_ok(
        &mut ep,
        &ShutdownRequest {
            shutdown_type: ShutdownType::Abrupt,
        },
    );
    assert_eq!(smart(&mut ep).unsafe_shutdowns.get(), before + 1);
    assert_eq!(sim(&ep).shutdown_status(0), Some(ShutdownStatus::Complete));
    assert_eq!(sim(&ep).shutdown_status(1), Some(ShutdownStatus::Complete));
    // Only changed controllers, selected by CSTS changes, then cleared.
    let changed = ControllerHealthStatusPollRequest {
        incf: true,
        maxrent: 7,
        select: HealthChangeSelect::CSTS,
        ccf: true,
        ..Default::default()
    };
    let (nmresp, d) = mi_ok(&mut ep, &changed);
    assert_eq!(nmresp[2], 2);
    let list = ControllerHealthList::parse(&d, 2).unwrap();
    assert_eq!(list.entries()[0].status().shst(), ShutdownStatus::Complete);
    assert!(list.entries()[0]
        .changed()
        .contains(CompositeControllerStatus::SHST));
    let (nmresp, _) = mi_ok(&mut ep, &changed);
    assert_eq!(nmresp[2], 0);
    mi_ok(
        &mut ep,
        &ShutdownRequest {
            shutdown_type: ShutdownType::Normal,
        },
    );
    assert_eq!(smart(&mut ep).unsafe_shutdowns.get(), before + 1);
}

#[test]
fn namespace_management_and_attachment() {
    let mut ep = endpoint(14);
    let mut create = IdentifyNamespace::new_zeroed();
    create.nsze.set(1 << 24);
    create.ncap.set(1 << 24);
    create.flbas = 1;
    let cmd = NamespaceManagement {
        sel: NsManagementSel::Create,
        nsid: 0,
        csi: 0,
    };
    let (c, _) = admin_with(&mut ep, 0, &cmd, create.as_bytes(), None);
    ok(&c);
    let nsid = c.dw0;
    assert_eq!(nsid, 4);
    assert_eq!(sim(&ep).namespace(4), Some(((1 << 24) * 4096, 4096)));
    let attach = |ep: &mut Ep, sel, ids: &[u8]| {
        let mut list = [0u8; 4096];
        list[..ids.len()].copy_from_slice(ids);
        admin_with(ep, 0, &NamespaceAttachment { sel, nsid }, &list, None).0
    };
    assert_eq!(
        status(&attach(
            &mut ep,
            NsAttachmentSel::Attach,
            &[2, 0, 0, 0, 1, 0]
        )),
        (Sct::CommandSpecific, 0x19)
    );
    ok(&attach(&mut ep, NsAttachmentSel::Attach, &[1, 0, 1, 0]));
    assert_eq!(
        status(&attach(&mut ep, NsAttachmentSel::Attach, &[1, 0, 0, 0])),
        (Sct::CommandSpecific, 0x19)
    );
    assert_eq!(
        status(&attach(&mut ep, NsAttachmentSel::Attach, &[1, 0, 1, 0])),
        (Sct::CommandSpecific, 0x18)
    );
    assert_eq!(
        status(&attach(&mut ep, NsAttachmentSel::Attach, &[1, 0, 9, 0])),
        (Sct::CommandSpecific, 0x1c)
    );
    let (c, d) = admin(&mut ep, 1, &Identify::namespace(4));
    ok(&c);
    assert_eq!(IdentifyNamespace::read(&d).unwrap().nsze.get(), 1 << 24);
    let (_, d) = admin(&mut ep, 0, &Identify::namespace(4));
    assert_eq!(
        IdentifyNamespace::read(&d).unwrap().nsze.get(),
        0,
        "not attached to controller 0"
    );
    ok(&attach(&mut ep, NsAttachmentSel::Detach, &[1, 0, 1, 0]));
    assert_eq!(
        status(&attach(&mut ep, NsAttachmentSel::Detach, &[1, 0, 1, 0])),
        (Sct::CommandSpecific, 0x1a)
    );
    // Too big for what is left.
    create.nsze.set(1 << 40);
    create.ncap.set(1 << 40);
    let (c, _) = admin_with(&mut ep, 0, &cmd, create.as_bytes(), None);
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x15));
    let (c, _) = admin(
        &mut ep,
        0,
        &NamespaceManagement {
            sel: NsManagementSel::Delete,
            nsid,
            csi: 0,
        },
    );
    ok(&c);
    assert_eq!(sim(&ep).namespace(4), None);
}

#[test]
fn features_self_test_and_security() {
    let mut ep = endpoint(15);
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::new(Fid::NumberOfQueues, 0x00ff_0007, false),
    );
    ok(&c);
    assert_eq!(c.dw0, 0x003f_0007);
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::new(Fid::VolatileWriteCache, 0, true),
    );
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x0d));
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::new(Fid::WriteAtomicityNormal, 1, false),
    );
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x0e));
    let (c, _) = admin(
        &mut ep,
        0,
        &SetFeatures::new(Fid::PowerManagement, 7, false),
    );
    assert_eq!(status(&c), (Sct::Generic, 0x02));
    ok(&admin(
        &mut ep,
        0,
        &SetFeatures::new(Fid::PowerManagement, 2, false),
    )
    .0);
    let (c, _) = admin(
        &mut ep,
        0,
        &GetFeatures::new(Fid::PowerManagement, Sel::Current),
    );
    assert_eq!(c.dw0, 2);
    let (c, _) = admin(
        &mut ep,
        0,
        &GetFeatures::new(Fid::PowerManagement, Sel::Default),
    );
    assert_eq!(c.dw0, 0);
    advance(&mut ep, Duration::from_secs(5));
    let (c, d) = admin(&mut ep, 0, &GetFeatures::new(Fid::Timestamp, Sel::Current));
    ok(&c);
    let mut ts = [0u8; 8];
    ts[..6].copy_from_slice(&d[..6]);
    assert!(u64::from_le_bytes(ts) >= 5000);
    // Short self-test: runs 10 s, then logged.
    let (c, _) = admin(
        &mut ep,
        0,
        &DeviceSelfTest {
            nsid: 0,
            stc: Stc::Short,
        },
    );
    ok(&c);
    let (c, _) = admin(
        &mut ep,
        0,
        &DeviceSelfTest {
            nsid: 0,
            stc: Stc::Short,
        },
    );
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x1d));
    let (_, d) = admin(&mut ep, 0, &GetLogPage::new(Lid::DeviceSelfTest, 564));
    assert_eq!(d[0], 1);
    advance(&mut ep, Duration::from_secs(11));
    let (_, d) = admin(&mut ep, 0, &GetLogPage::new(Lid::DeviceSelfTest, 564));
    assert_eq!((d[0], d[4]), (0, 0x10));
    // Security protocol 00h: the supported protocols list.
    let recv = SecurityReceive {
        protocol: SecurityProtocol {
            secp: 0,
            spsp: 0,
            nssf: 0,
        },
        al: 12,
    };
    let (c, d) = admin(&mut ep, 0, &recv);
    ok(&c);
    assert_eq!(&d[6..9], &[0, 1, 0]);
    let (c, d) = admin(
        &mut ep,
        0,
        &GetLogPage::new(Lid::CommandsSupportedAndEffects, 4096),
    );
    ok(&c);
    let effect = |op: usize| u32::from_le_bytes(d[op * 4..op * 4 + 4].try_into().unwrap());
    assert_eq!(effect(0x06) & 1, 1);
    assert_eq!(effect(0x80) & 3, 3);
    assert_eq!(effect(0x7c), 0);
    let (c, _) = admin(&mut ep, 0, &GetLogPage::new(Lid::from_u8(0x42), 512));
    assert_eq!(status(&c), (Sct::CommandSpecific, 0x09));
    // Error log: the failures above are recorded, newest first.
    let (_, d) = admin(&mut ep, 0, &GetLogPage::new(Lid::ErrorInformation, 512));
    let e = nvme_mi_core::mi::admin_data::ErrorLogEntry::read(&d).unwrap();
    assert_eq!(e.opcode, 0x02);
    assert_eq!(
        e.status(),
        NvmeStatus {
            dnr: true,
            ..NvmeStatus::new(Sct::CommandSpecific, 0x09)
        }
    );
}

#[test]
fn error_log_is_larger_than_a_response_and_reads_in_parts() {
    let mut ep = endpoint(12);
    assert_eq!(identify_ctrl(&mut ep, 0).elpe, 255);
    // Four Log Page Offset reads of 4 KiB make up the 16 KiB log.
    let mut whole = Vec::new();
    for part in 0..4u64 {
        let mut cmd = GetLogPage::new(Lid::ErrorInformation, 4096);
        cmd.lpo = part * 4096;
        let (c, d) = admin(&mut ep, 0, &cmd);
        ok(&c);
        assert_eq!(d.len(), 4096);
        whole.extend_from_slice(&d);
    }
    let entries: Vec<_> = whole
        .chunks_exact(64)
        .map(|e| nvme_mi_core::mi::admin_data::ErrorLogEntry::read(e).unwrap())
        .collect();
    assert_eq!(entries.len(), 256);
    // The two seeded errors, newest first; every other entry unused.
    assert_eq!((entries[0].error_count.get(), entries[0].opcode), (2, 0x06));
    assert_eq!((entries[1].error_count.get(), entries[1].opcode), (1, 0x02));
    assert!(entries[2..]
        .iter()
        .all(|e| e.as_bytes().iter().all(|&b| b == 0)));
    // An unaligned offset inside an entry, and an MI Data Offset window of a 16 KiB
    // command, return the same bytes.
    let mut cmd = GetLogPage::new(Lid::ErrorInformation, 128);
    cmd.lpo = 68;
    let (c, d) = admin(&mut ep, 0, &cmd);
    ok(&c);
    assert_eq!(d, whole[68..196]);
    let cmd = GetLogPage::new(Lid::ErrorInformation, 16384);
    let (c, d) = admin_with(&mut ep, 0, &cmd, &[], Some((36, 100)));
    ok(&c);
    assert_eq!(d, whole[36..136]);
    // Past the end of the log: Invalid Field in Command.
    let mut cmd = GetLogPage::new(Lid::ErrorInformation, 64);
    cmd.lpo = 16384 + 64;
    let (c, _) = admin(&mut ep, 0, &cmd);
    assert_eq!(status(&c), (Sct::Generic, 0x02));
}

#[test]
fn basic_management_blocks() {
    let mut s = Sim::new(21);
    let status = nvme_mi_core::basic_mgmt::StatusBlock::parse(&s.basic_status_block()).unwrap();
    assert!(status.flags.drive_functional());
    assert_eq!(
        status.pdlu,
        nvme_mi_core::basic_mgmt::StatusBlock::parse(&s.basic_status_block())
            .unwrap()
            .pdlu
    );
    assert_eq!(status.ctemp.celsius(), Some(s.temperature_celsius()));
    let id = nvme_mi_core::basic_mgmt::IdentificationBlock::parse(&s.basic_identification_block())
        .unwrap();
    assert_eq!(id.serial(), s.serial_number());
    assert_eq!(id.vendor_id, nvme_mi_sim::VENDOR_ID);
    let mut wire = [0u8; 32];
    let n = s.basic_management_read(8, &mut wire).unwrap();
    let read = nvme_mi_core::basic_mgmt::BlockRead::new(nvme_mi_sim::BASIC_MANAGEMENT_ADDRESS, 8);
    assert_eq!(
        read.decode(&wire[..n]).unwrap(),
        &s.basic_identification_block()
    );
    s.basic_management_arbitration_reset();
    let n = s.basic_management_read(0, &mut wire).unwrap();
    let read = nvme_mi_core::basic_mgmt::BlockRead::new(0x6a, 0);
    let block =
        nvme_mi_core::basic_mgmt::StatusBlock::parse(read.decode(&wire[..n]).unwrap()).unwrap();
    assert!(!block
        .flags
        .contains(nvme_mi_core::basic_mgmt::Sflgs::SMBUS_ARBITRATION));
    let n = s.basic_management_read(0, &mut wire).unwrap();
    let block =
        nvme_mi_core::basic_mgmt::StatusBlock::parse(read.decode(&wire[..n]).unwrap()).unwrap();
    assert!(block
        .flags
        .contains(nvme_mi_core::basic_mgmt::Sflgs::SMBUS_ARBITRATION));
    assert_eq!(s.basic_management_read(32, &mut wire), None);
    s.set_available_spare(5);
    let status = nvme_mi_core::basic_mgmt::StatusBlock::parse(&s.basic_status_block()).unwrap();
    assert!(status.warnings.contains(CriticalWarning::ST));
}

/// Run a fixed script and collect every response byte.
fn script(seed: u64) -> Vec<u8> {
    let mut ep = endpoint(seed);
    let mut all = Vec::new();
    for i in 0..5u64 {
        advance(&mut ep, Duration::from_secs(7 * i + 1));
        all.extend(admin(&mut ep, 0, &Identify::controller()).1);
        all.extend(admin(&mut ep, 1, &Identify::namespace(3)).1);
        all.extend(admin(&mut ep, 0, &GetLogPage::new(Lid::SmartHealth, 512)).1);
        all.extend(
            mi_ok(
                &mut ep,
                &SubsystemHealthStatusPollRequest {
                    clear_status: i == 2,
                },
            )
            .1,
        );
        all.extend(
            mi_ok(
                &mut ep,
                &VpdReadRequest {
                    offset: 0,
                    length: 256,
                },
            )
            .1,
        );
    }
    all
}

#[test]
fn same_seed_same_bytes() {
    let a = script(0xfeed);
    assert_eq!(a, script(0xfeed));
    assert_ne!(a, script(0xbeef));
    assert_ne!(Sim::new(1).serial_number(), Sim::new(2).serial_number());
}

#[test]
fn small_enough_for_a_microcontroller() {
    let size = std::mem::size_of::<Sim>();
    println!("size_of::<Sim>() = {size}");
    assert!(size < 16 * 1024, "{size}");
}

#[test]
fn other_topologies_number_controllers_from_zero() {
    use nvme_mi_sim::{Topology, TopologyError, MAX_CONTROLLERS};
    let t = Topology::DEFAULT
        .controllers(4)
        .dual_port(true)
        .namespaces(6);
    let mut ep = common::endpoint_with(3, t);
    let rds = |ep: &mut Ep, dtyp, port_id, ctrl_id| {
        mi_ok(
            ep,
            &ReadDataStructureRequest {
                port_id,
                ctrl_id,
                ..ReadDataStructureRequest::new(dtyp)
            },
        )
        .1
    };
    let info =
        NvmSubsystemInformation::parse(&rds(&mut ep, Dtyp::SubsystemInformation, 0, 0)).unwrap();
    assert_eq!(info.port_count(), 3);
    for port in [0, 1] {
        let p = PortInformation::parse(&rds(&mut ep, Dtyp::PortInformation, port, 0)).unwrap();
        assert_eq!(p.port_type(), PortType::Pcie);
        assert_eq!(p.pcie_data().unwrap().pciepn, port);
    }
    let p2 = PortInformation::parse(&rds(&mut ep, Dtyp::PortInformation, 2, 0)).unwrap();
    assert_eq!(p2.port_type(), PortType::TwoWire);
    assert_eq!(
        rds(&mut ep, Dtyp::ControllerList, 0, 0),
        [4, 0, 0, 0, 1, 0, 2, 0, 3, 0]
    );
    for id in 0..4u16 {
        let ci = ControllerInformation::parse(&rds(&mut ep, Dtyp::ControllerInformation, 0, id))
            .unwrap();
        assert_eq!(ci.portid, (id % 2) as u8);
        let c = identify_ctrl(&mut ep, id);
        assert_eq!((c.cntlid.get(), c.cmic), (id, 0x03));
    }
    // SMBus frequency lives on the last port now.
    mi_ok(
        &mut ep,
        &ConfigurationSetRequest::SmbusI2cFrequency {
            port_id: 2,
            frequency: SmbusFrequency::Khz400,
        },
    );
    assert_eq!(sim(&ep).smbus_frequency(), SmbusFrequency::Khz400);
    let (s, _) = mi(
        &mut ep,
        CommandClass::Write,
        &ConfigurationSetRequest::SmbusI2cFrequency {
            port_id: 1,
            frequency: SmbusFrequency::Khz400,
        },
    );
    assert!(matches!(s, StatusInfo::InvalidParameter(_)), "{s:?}");
    // Namespaces 4..=6 are shared by every controller: active on controller 3.
    let (c, d) = admin(
        &mut ep,
        3,
        &Identify {
            nsid: 0,
            ..Identify::new(Cns::ActiveNamespaceList)
        },
    );
    ok(&c);
    let ids: Vec<u32> = d
        .chunks(4)
        .map(|b| u32::from_le_bytes(b.try_into().unwrap()))
        .take_while(|&x| x != 0)
        .collect();
    assert_eq!(ids, [3, 4, 5, 6]);
    assert!(sim(&ep).namespace(7).is_none());
    // One controller, no namespaces; and shapes that cannot be built.
    let one = Sim::with_topology(1, Topology::DEFAULT.controllers(1).namespaces(0)).unwrap();
    assert_eq!(one.controller_ids().collect::<Vec<_>>(), [0]);
    assert!(one.namespace(1).is_none());
    assert_eq!(
        Sim::with_topology(1, Topology::DEFAULT.controllers(0)).unwrap_err(),
        TopologyError::Controllers(0)
    );
    let too_many = MAX_CONTROLLERS as u8 + 1;
    assert_eq!(
        Sim::with_topology(1, Topology::DEFAULT.controllers(too_many)).unwrap_err(),
        TopologyError::Controllers(too_many)
    );
    assert_eq!(
        Sim::with_topology(1, Topology::DEFAULT.namespaces(17)).unwrap_err(),
        TopologyError::Namespaces(17)
    );
    let full = Sim::with_topology(1, Topology::DEFAULT.controllers(8).namespaces(16)).unwrap();
    assert_eq!(full.controller_ids().count(), 8);
    assert!(full.namespace(16).is_some());
}
