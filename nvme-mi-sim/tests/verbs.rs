//! Every requester verb against the simulated drive over the loopback, each with the input
//! the drive (or the requester itself) must refuse.

use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mi::admin::{
    AdminOpcode, AdminRequestRepr, Arbitration, AsyncEventConfig, CommitAction, ErrorRecovery,
    FeatureValue, Fid, FormatNvm, GetFeatures, GetLogPage, InterruptCoalescing,
    InterruptVectorConfig, Lid, NumberOfQueues, NvmeStatus, PowerManagement, Sanact, Sanitize, Sct,
    SecurityProtocol, Sel, SetFeatures, Stc, TemperatureThreshold, Thsel, Timestamp,
    VolatileWriteCache, WriteAtomicityNormal,
};
use nvme_mi_core::mi::admin_data::{
    CommandEffects, ErrorLogEntry, IdentifyController, IdentifyNamespace, NsId, SelfTestLog,
};
use nvme_mi_core::mi::command::{
    CommandListEntry, CompositeControllerStatus, ControllerHealth,
    ControllerHealthStatusPollRequest, HealthStatusChangeMask, PortType, ShutdownStatus,
    ShutdownType, SmbusFrequency,
};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::{Nmimt, MAX_MESSAGE_LEN};
use nvme_mi_core::requester::{AsyncEndpoint, Endpoint, RequestError};
use nvme_mi_core::responder::Responder;
use nvme_mi_core::transport::ErrorKind;
use nvme_mi_sim::{Sim, IMAGE_MAGIC};
use zerocopy::FromZeros;

type Link = Loopback<Responder<Sim, LoopPeer>>;
type Ep = Endpoint<Link, Vec<u8>>;
type Error = RequestError<ErrorKind>;

fn ep(seed: u64) -> Box<Ep> {
    Box::new(Endpoint::new(
        nvme_mi_sim::loopback(seed),
        vec![0u8; MAX_MESSAGE_LEN],
    ))
}

fn sim(ep: &Ep) -> &Sim {
    ep.transport().responder().device()
}

fn invalid_parameter(e: Error) {
    assert!(
        matches!(e, RequestError::Status(StatusInfo::InvalidParameter(_))),
        "{e:?}"
    );
}

fn nvme_status(e: Error) -> NvmeStatus {
    match e {
        RequestError::Nvme(s) => s,
        other => panic!("{other:?}"),
    }
}

#[test]
fn health_poll() {
    let mut ep = ep(1);
    let h = ep.health_poll(false).unwrap();
    let t = h.temperature().celsius().unwrap();
    assert_eq!(i32::from(t), i32::from(sim(&ep).temperature_celsius()));
    // Shutdown flags the change; a clearing poll clears it.
    ep.shutdown(ShutdownType::Normal).unwrap();
    assert!(ep
        .health_poll(true)
        .unwrap()
        .ccs()
        .contains(CompositeControllerStatus::SHST));
    assert!(!ep
        .health_poll(false)
        .unwrap()
        .ccs()
        .contains(CompositeControllerStatus::SHST));
}

#[test]
fn ctrl_health_poll() {
    let mut ep = ep(2);
    let mut out = [ControllerHealth::new_zeroed(); 4];
    let req = ControllerHealthStatusPollRequest {
        all: true,
        incf: true,
        maxrent: 7,
        ..Default::default()
    };
    assert_eq!(ep.ctrl_health_poll(&req, &mut out).unwrap(), 2);
    assert_eq!((out[0].controller_id(), out[1].controller_id()), (0, 1));
    // A smaller buffer keeps what fits.
    assert_eq!(ep.ctrl_health_poll(&req, &mut out[..1]).unwrap(), 1);
    // Starting beyond the last controller: nothing.
    let none = ControllerHealthStatusPollRequest { sctlid: 9, ..req };
    assert_eq!(ep.ctrl_health_poll(&none, &mut out).unwrap(), 0);
}

#[test]
fn read_data_structures() {
    let mut ep = ep(3);
    let info = ep.read_subsys_info().unwrap();
    assert_eq!((info.port_count(), info.mjr), (2, 2));
    assert_eq!(ep.read_port_info(0).unwrap().port_type(), PortType::Pcie);
    assert_eq!(ep.read_port_info(1).unwrap().port_type(), PortType::TwoWire);
    invalid_parameter(ep.read_port_info(7).unwrap_err());
    let mut ids = [0u16; 8];
    assert_eq!(ep.read_ctrl_list(0, &mut ids).unwrap(), 2);
    assert_eq!(&ids[..2], &[0, 1]);
    assert_eq!(ep.read_ctrl_list(1, &mut ids).unwrap(), 1);
    assert_eq!(
        ep.read_ctrl_info(1).unwrap().pcivid.get(),
        nvme_mi_sim::VENDOR_ID
    );
    invalid_parameter(ep.read_ctrl_info(5).unwrap_err());
    let mut cmds = [CommandListEntry { ctyp: 0, opc: 0 }; 32];
    let n = ep.read_cmd_support(&mut cmds).unwrap();
    assert!(cmds[..n]
        .iter()
        .any(|e| e.nmimt() == Nmimt::AdminCommand && e.opc == AdminOpcode::FormatNvm.to_u8()));
    // Every optional command the drive implements is listed, VPD Write among them.
    let mi: Vec<u8> = cmds[..n]
        .iter()
        .filter(|e| e.nmimt() == Nmimt::MiCommand)
        .map(|e| e.opc)
        .collect();
    assert_eq!(mi, [0x06, 0x07, 0x0c]);
    assert_eq!(ep.read_meb_support(&mut cmds).unwrap(), 0);
}

#[test]
fn configuration() {
    let mut ep = ep(4);
    assert_eq!(ep.config_get_smbus_freq(1).unwrap(), SmbusFrequency::Khz100);
    ep.config_set_smbus_freq(1, SmbusFrequency::Khz400).unwrap();
    assert_eq!(ep.config_get_smbus_freq(1).unwrap(), SmbusFrequency::Khz400);
    invalid_parameter(ep.config_get_smbus_freq(0).unwrap_err());
    invalid_parameter(
        ep.config_set_smbus_freq(1, SmbusFrequency::Mhz1)
            .unwrap_err(),
    );
    assert_eq!(ep.config_get_mctp_mtu(1).unwrap(), 64);
    ep.config_set_mctp_mtu(1, 250).unwrap();
    assert_eq!(sim(&ep).mtu(1), Some(250));
    invalid_parameter(ep.config_set_mctp_mtu(1, 251).unwrap_err());
    ep.shutdown(ShutdownType::Normal).unwrap();
    ep.config_set_health_status_change(HealthStatusChangeMask::ALL)
        .unwrap();
    assert!(sim(&ep).composite_status().is_empty());
    let mut list = [0u8; 64];
    let (_, n) = ep.config_get_async_event(&mut list).unwrap();
    assert!(n > 0);
}

#[test]
fn vpd() {
    let mut ep = ep(5);
    let mut v = [0u8; 256];
    assert_eq!(ep.vpd_read(0, &mut v).unwrap(), 256);
    assert_eq!(&v, sim(&ep).vpd());
    ep.vpd_write(16, b"written").unwrap();
    assert_eq!(&sim(&ep).vpd()[16..23], b"written");
    invalid_parameter(ep.vpd_read(250, &mut v[..16]).unwrap_err());
    invalid_parameter(ep.vpd_write(255, b"too long").unwrap_err());
}

#[test]
fn reset_and_shutdown() {
    let mut ep = ep(6);
    ep.shutdown(ShutdownType::Abrupt).unwrap();
    assert_eq!(sim(&ep).shutdown_status(0), Some(ShutdownStatus::Complete));
    assert_eq!(sim(&ep).unsafe_shutdowns(), 1);
    ep.subsystem_reset().unwrap();
    assert_eq!(sim(&ep).shutdown_status(0), Some(ShutdownStatus::Normal));
    // An unknown shutdown type is refused.
    invalid_parameter(ep.shutdown(ShutdownType::Unknown(9)).unwrap_err());
}

#[test]
fn ses_and_meb_are_not_offered() {
    let mut ep = ep(7);
    let mut out = [0u8; 16];
    let not_offered = |e: Error| {
        assert!(
            matches!(e, RequestError::Status(s) if s.status() == nvme_mi_core::mi::status::ResponseStatus::InvalidCommandOpcode),
            "{e:?}"
        )
    };
    not_offered(ep.ses_receive(1, &mut out).unwrap_err());
    not_offered(ep.ses_send(&[0; 8]).unwrap_err());
    not_offered(ep.meb_read(0, &mut out).unwrap_err());
    not_offered(ep.meb_write(0, &[0; 8]).unwrap_err());
}

#[test]
fn control_primitives() {
    let mut ep = ep(8);
    let state = ep.get_state(false).unwrap();
    let _ = state;
    ep.pause().unwrap();
    ep.resume().unwrap();
    ep.abort().unwrap();
    ep.replay(0).unwrap();
}

#[test]
fn identify_verbs() {
    let mut ep = ep(9);
    let serial = sim(&ep).serial_number().to_owned();
    let mut c = ep.controller(0);
    assert_eq!(c.id(), 0);
    let id = c.identify_ctrl().unwrap();
    assert_eq!((id.sn(), id.cntlid.get()), (serial.as_str(), 0));
    // Results are the caller's: two controllers' Identify data kept at once.
    let mut other = IdentifyController::new_zeroed();
    ep.controller(1).identify_ctrl_into(&mut other).unwrap();
    assert_eq!((id.cntlid.get(), other.cntlid.get()), (0, 1));
    let mut c = ep.controller(0);
    let ns = c.identify_ns(1).unwrap();
    assert_eq!(ns.nsze.get() * 512, 400_000_000_000);
    let mut ns3 = IdentifyNamespace::new_zeroed();
    c.identify_ns_into(3, &mut ns3).unwrap();
    assert_eq!(ns3.nmic, 1);
    let mut nsids = [0u32; 16];
    assert_eq!(c.identify_active_ns_list(0, &mut nsids).unwrap(), 2);
    assert_eq!(&nsids[..2], &[1, 3]);
    let mut ids = [0u16; 8];
    assert_eq!(c.identify_ctrl_list(0, &mut ids).unwrap(), 2);
    assert_eq!(c.identify_nsid_ctrl_list(3, 0, &mut ids).unwrap(), 2);
    assert_eq!(c.identify_nsid_ctrl_list(1, 0, &mut ids).unwrap(), 1);
    // The descriptors name the namespace as Identify Namespace does.
    let descs = c.identify_ns_descs(1).unwrap();
    let found: Vec<NsId> = descs.iter().map(|d| d.unwrap().id()).collect();
    assert_eq!(
        found,
        [NsId::Eui64(ns.eui64), NsId::Nguid(ns.nguid), NsId::Csi(0)]
    );
    assert_eq!(descs.iter().nth(1).unwrap().unwrap().offset, 12);
    // Bad input: a namespace that cannot exist; a controller that does not.
    assert_eq!(
        nvme_status(c.identify_ns(17).unwrap_err()).sct,
        Sct::Generic
    );
    assert_eq!(
        nvme_status(c.identify_ns_descs(17).unwrap_err()).sct,
        Sct::Generic
    );
    invalid_parameter(ep.controller(2).identify_ctrl().unwrap_err());
}

#[test]
fn log_verbs() {
    let mut ep = ep(10);
    let active = sim(&ep).firmware_slots().0;
    let mut c = ep.controller(0);
    let smart = c.get_log_smart().unwrap();
    assert!(smart.temperature_celsius() > 20);
    let mut errors = [ErrorLogEntry::new_zeroed(); 256];
    assert_eq!(c.get_log_error(&mut errors).unwrap(), 256);
    assert!(errors[0].error_count.get() > 0);
    let fw = c.get_log_fw_slot().unwrap();
    assert_eq!(fw.afi & 7, active);
    let effects = c.get_log_cmd_effects().unwrap();
    assert!(effects
        .admin(AdminOpcode::Identify.to_u8())
        .contains(CommandEffects::CSUPP));
    assert!(effects
        .io(0x01)
        .contains(CommandEffects::CSUPP | CommandEffects::LBCC));
    assert!(!effects.admin(0x7f).contains(CommandEffects::CSUPP));
    let supported = c.get_log_supported_log_pages().unwrap();
    let lids: Vec<u8> = supported.iter().map(|(lid, _)| lid).collect();
    assert_eq!(lids, [0x00, 0x01, 0x02, 0x03, 0x05, 0x06, 0x81]);
    // Every log the drive says it supports reads; the first it does not, fails.
    for lid in lids {
        let mut page = [0u8; 64];
        c.get_log_page(&GetLogPage::new(Lid::from_u8(lid), 0), &mut page)
            .unwrap();
    }
    // A short self-test: the log shows it running, then its result, newest first.
    c.device_self_test(1, Stc::Short).unwrap();
    let st = c.get_log_self_test().unwrap();
    assert_eq!(st.operation(), 1);
    assert!(st.completion() < 100);
    ep.transport_mut()
        .advance(nvme_mi_sim::SHORT_SELF_TEST_TIME);
    let mut c = ep.controller(0);
    let mut st = SelfTestLog::new_zeroed();
    c.get_log_self_test_into(&mut st).unwrap();
    assert_eq!(st.operation(), 0);
    let r = &st.results[0];
    assert_eq!((r.code(), r.result(), r.valid_nsid()), (1, 0, Some(1)));
    assert!(!st.results[1].used());
    let san = c.get_log_sanitize().unwrap();
    assert_eq!((san.status(), san.sprog.get()), (0, 0xffff));
    let mut part = [0u8; 128];
    let cmd = GetLogPage {
        lpo: 64,
        ..GetLogPage::new(Lid::SmartHealth, 0)
    };
    assert_eq!(c.get_log_page(&cmd, &mut part).unwrap(), 128);
    // A log the drive does not have.
    let e = c
        .get_log_page(&GetLogPage::new(Lid::from_u8(0x42), 0), &mut part)
        .unwrap_err();
    assert_eq!(nvme_status(e).sct, Sct::CommandSpecific);
}

#[test]
fn feature_verbs() {
    let mut ep = ep(11);
    let mut c = ep.controller(0);
    let arb = c
        .get_features(&GetFeatures::new(Fid::Arbitration, Sel::Current))
        .unwrap();
    let _ = arb;
    c.set_features(&SetFeatures::new(Fid::PowerManagement, 1, false), &[])
        .unwrap();
    assert_eq!(
        c.get_features(&GetFeatures::new(Fid::PowerManagement, Sel::Current))
            .unwrap()
            & 0x1f,
        1
    );
    let mut ts = [0u8; 8];
    let (_, n) = c
        .get_features_data(&GetFeatures::new(Fid::Timestamp, Sel::Current), &mut ts)
        .unwrap();
    assert_eq!(n, 8);
    // A power state the drive does not have.
    assert!(c
        .set_features(&SetFeatures::new(Fid::PowerManagement, 9, false), &[])
        .is_err());
}

/// Set a typed feature, read it back (current) and read its default.
fn set_and_get<F: FeatureValue + PartialEq + core::fmt::Debug>(ep: &mut Ep, v: F) -> F {
    let mut c = ep.controller(0);
    c.set_feature(&v, false).unwrap();
    assert_eq!(c.get_feature::<F>(Sel::Current).unwrap(), v, "{:?}", F::FID);
    c.get_feature::<F>(Sel::Default).unwrap()
}

#[test]
fn typed_feature_verbs() {
    let mut ep = ep(21);
    let a = Arbitration {
        ab: 2,
        lpw: 1,
        mpw: 3,
        hpw: 7,
    };
    assert_eq!(set_and_get(&mut ep, a).ab, 3);
    assert_eq!(
        set_and_get(&mut ep, PowerManagement { ps: 2, wh: 1 }),
        PowerManagement::default()
    );
    set_and_get(
        &mut ep,
        ErrorRecovery {
            tler: 25,
            dulbe: true,
        },
    );
    assert!(set_and_get(&mut ep, VolatileWriteCache { wce: false }).wce);
    set_and_get(&mut ep, InterruptCoalescing { thr: 4, time: 9 });
    set_and_get(
        &mut ep,
        AsyncEventConfig(0x1f | AsyncEventConfig::NAN | AsyncEventConfig::FAN),
    );
    // The threshold read back is the one the selection names.
    let over = TemperatureThreshold::over_composite(350);
    let under = TemperatureThreshold {
        thsel: Thsel::Under,
        ..TemperatureThreshold::over_composite(260)
    };
    let mut c = ep.controller(0);
    c.set_feature(&over, false).unwrap();
    c.set_feature(&under, false).unwrap();
    assert_eq!(
        c.get_feature::<TemperatureThreshold>(Sel::Current).unwrap(),
        over
    );
    assert_eq!(c.get_feature_selected(Sel::Current, &under).unwrap(), under);
    // Per-vector configuration: vector 5 only.
    let v5 = InterruptVectorConfig { iv: 5, cd: true };
    c.set_feature(&v5, false).unwrap();
    assert_eq!(c.get_feature_selected(Sel::Current, &v5).unwrap(), v5);
    let v4 = InterruptVectorConfig { iv: 4, cd: false };
    assert_eq!(c.get_feature_selected(Sel::Current, &v4).unwrap(), v4);
    // Number of Queues: the drive allocates at most what it has, said in CQE DW0.
    let dw0 = c
        .set_feature(&NumberOfQueues { nsq: 200, ncq: 3 }, false)
        .unwrap();
    let got = NumberOfQueues { nsq: 63, ncq: 3 };
    assert_eq!(NumberOfQueues::from_dw0(dw0), got);
    assert_eq!(c.get_feature::<NumberOfQueues>(Sel::Current).unwrap(), got);
    assert!(
        !c.get_feature::<WriteAtomicityNormal>(Sel::Current)
            .unwrap()
            .dn
    );
    // Capabilities: changeable, not saveable.
    let caps = c.get_feature_capabilities(Fid::Arbitration).unwrap();
    assert!(caps.changeable && !caps.saveable && !caps.namespace_specific);
    assert!(
        !c.get_feature_capabilities(Fid::WriteAtomicityNormal)
            .unwrap()
            .changeable
    );
    // Timestamp: set, then read back no earlier and marked as set by the host.
    c.set_features_timestamp(&Timestamp::new(1_700_000_000_000))
        .unwrap();
    let t = c.get_features_timestamp(Sel::Current).unwrap();
    assert!(t.millis() >= 1_700_000_000_000 && t.millis() < 1_700_000_100_000);
    assert_eq!(t.origin(), 1);

    // Bad input: capabilities through get_feature (refused before sending); a vector and a
    // power state the drive does not have; a value it cannot change or save.
    assert!(matches!(
        c.get_feature::<Arbitration>(Sel::SupportedCapabilities),
        Err(RequestError::InvalidArgument)
    ));
    let e = c
        .get_feature_selected(Sel::Current, &InterruptVectorConfig { iv: 64, cd: false })
        .unwrap_err();
    assert_eq!(nvme_status(e).sct, Sct::Generic);
    assert!(c
        .set_feature(&PowerManagement { ps: 9, wh: 0 }, false)
        .is_err());
    assert!(c
        .set_feature(&WriteAtomicityNormal { dn: true }, false)
        .is_err());
    assert!(c.set_feature(&a, true).is_err());
}

fn image(revision: &str, len: usize) -> Vec<u8> {
    let mut img = vec![0u8; len];
    img[..4].copy_from_slice(&IMAGE_MAGIC);
    img[4..4 + revision.len()].copy_from_slice(revision.as_bytes());
    img
}

#[test]
fn firmware_verbs() {
    let mut ep = ep(12);
    let img = image("9.9.9", 10_000);
    let mut steps = Vec::new();
    ep.controller(0)
        .fw_download(&img, |done, total| steps.push((done, total)))
        .unwrap();
    assert_eq!(steps.last(), Some(&(10_000, 10_000)));
    ep.controller(0)
        .fw_commit(2, CommitAction::ReplaceAndActivateNow)
        .unwrap();
    assert_eq!(sim(&ep).firmware_revision(), "9.9.9");
    // Streamed from a reader, one piece at a time.
    let img = image("8.8.8", 9_000);
    ep.controller(0)
        .fw_download_from(
            img.len(),
            |at, piece| {
                piece.copy_from_slice(&img[at..at + piece.len()]);
                true
            },
            |_, _| {},
        )
        .unwrap();
    assert_eq!(sim(&ep).firmware_download().0, 9_000);
    // Bad input: an image that is not whole dwords; the read-only slot 1.
    assert_eq!(
        ep.controller(0).fw_download(&[0u8; 6], |_, _| {}),
        Err(RequestError::Malformed(nvme_mi_core::mi::Error::Misaligned))
    );
    assert_eq!(
        nvme_status(
            ep.controller(0)
                .fw_commit(1, CommitAction::Replace)
                .unwrap_err()
        )
        .sct,
        Sct::CommandSpecific
    );
}

#[test]
fn format_sanitize_and_self_test() {
    let mut ep = ep(13);
    ep.controller(0).format_nvm(&FormatNvm::new(1, 1)).unwrap();
    assert_eq!(sim(&ep).namespace(1).unwrap().1, 4096);
    ep.controller(0)
        .sanitize(&Sanitize::new(Sanact::CryptoErase))
        .unwrap();
    ep.controller(0).device_self_test(0, Stc::Short).unwrap();
    ep.controller(0).device_self_test(0, Stc::Abort).unwrap();
    // An LBA format the drive does not have.
    assert!(ep.controller(0).format_nvm(&FormatNvm::new(1, 5)).is_err());
}

#[test]
fn namespace_and_security_verbs() {
    let mut ep = ep(14);
    let mut ns = IdentifyNamespace::new_zeroed();
    ns.nsze.set(1 << 20);
    ns.ncap.set(1 << 20);
    ns.flbas = 1;
    ns.nmic = 1;
    let mut c = ep.controller(0);
    let nsid = c.ns_mgmt_create(&ns, 0).unwrap();
    assert_eq!(nsid, 4);
    c.ns_attach(nsid, &[0, 1]).unwrap();
    assert_eq!(c.identify_ns(nsid).unwrap().nsze.get(), 1 << 20);
    c.ns_detach(nsid, &[1]).unwrap();
    let mut ids = [0u16; 4];
    assert_eq!(c.identify_nsid_ctrl_list(nsid, 0, &mut ids).unwrap(), 1);
    // Attaching to a controller that does not exist; detaching one that is not attached.
    assert!(c.ns_attach(nsid, &[7]).is_err());
    assert!(c.ns_detach(nsid, &[1]).is_err());
    c.ns_mgmt_delete(nsid).unwrap();
    assert!(sim(&ep).namespace(nsid).is_none());
    let mut c = ep.controller(0);
    let protocols = SecurityProtocol {
        secp: 0,
        spsp: 0,
        nssf: 0,
    };
    let mut out = [0u8; 16];
    assert!(c.security_recv(protocols, &mut out).unwrap() >= 8);
    assert!(c.security_send(protocols, &[0; 16]).is_err());
}

#[test]
fn admin_passthru() {
    let mut ep = ep(15);
    let serial = sim(&ep).serial_number().to_owned();
    let repr = AdminRequestRepr {
        opcode: AdminOpcode::Identify,
        cdw10: 1,
        ..AdminRequestRepr::default()
    };
    let mut out = [0u8; 4096];
    let (_, n) = ep
        .controller(0)
        .admin_passthru(&repr, &[], &mut out)
        .unwrap();
    assert_eq!(n, 4096);
    assert_eq!(std::str::from_utf8(&out[4..19]).unwrap(), serial);
    // Both data to send and a buffer to fill is not a command.
    assert_eq!(
        ep.controller(0).admin_passthru(&repr, &[0; 4], &mut out),
        Err(RequestError::InvalidArgument)
    );
    let unknown = AdminRequestRepr {
        opcode: AdminOpcode::from_u8(0xc5),
        ..AdminRequestRepr::default()
    };
    assert!(ep
        .controller(0)
        .admin_passthru(&unknown, &[], &mut [])
        .is_err());
}

fn block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    for _ in 0..10_000 {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

#[test]
fn async_twin_verbs() {
    let mut ep = Box::new(AsyncEndpoint::new(
        nvme_mi_sim::loopback(16),
        vec![0u8; MAX_MESSAGE_LEN],
    ));
    let (health, id, smart) = block_on(async {
        let h = ep.health_poll(false).await.unwrap();
        let mut c = ep.controller(1);
        let id = c.identify_ctrl().await.unwrap();
        let smart = c.get_log_smart().await.unwrap();
        (h, id, smart)
    });
    assert!(health.temperature().celsius().is_some());
    assert_eq!(id.cntlid.get(), 1);
    assert!(smart.temperature_celsius() > 20);
    let e = block_on(ep.controller(2).identify_ctrl()).unwrap_err();
    assert!(matches!(
        e,
        RequestError::Status(StatusInfo::InvalidParameter(_))
    ));
}

#[test]
fn mctp_control_findings() {
    use nvme_mi_core::mctp::control::{
        CompletionCode, ControlRequest, ControlResponse, GetVersionSupportRequest, SetEidOperation,
        SetEndpointIdRequest,
    };
    use nvme_mi_core::mctp::Eid;
    // Get MCTP Version Support for type 4 agrees with the Subsystem Information version.
    let mut ep = ep(17);
    let info = ep.read_subsys_info().unwrap();
    let entries: Vec<(Option<u8>, Option<u8>)> = match ep
        .mctp_control(ControlRequest::GetMctpVersionSupport(
            GetVersionSupportRequest { msg_type: 4 },
        ))
        .unwrap()
    {
        ControlResponse::GetMctpVersionSupport(v) => v
            .entries
            .iter()
            .map(|e| (e.major_number(), e.minor_number()))
            .collect(),
        other => panic!("{other:?}"),
    };
    assert_eq!(entries, [(Some(info.mjr), Some(info.mnr))]);
    // Reset EID returns an endpoint with a static EID to it...
    let set = |op, eid| ControlRequest::SetEndpointId(SetEndpointIdRequest { operation: op, eid });
    ep.mctp_control(set(SetEidOperation::ResetEid, Eid::NULL))
        .unwrap();
    // ...and is ERROR_INVALID_DATA on one without a static EID.
    let r = Responder::new(Sim::new(1), Eid::NULL);
    let mut ep = Endpoint::new(
        Loopback::<_, 4>::new(r, Eid(8), Eid::NULL),
        vec![0u8; MAX_MESSAGE_LEN],
    );
    assert_eq!(
        ep.mctp_control(set(SetEidOperation::ResetEid, Eid::NULL))
            .map(|_| ()),
        Err(RequestError::Control(CompletionCode::ErrorInvalidData))
    );
}
