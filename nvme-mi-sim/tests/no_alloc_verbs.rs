//! Every requester verb allocates nothing on its request path: a counting global allocator
//! watches each verb (request built by the codec, sent over the in-memory link, answered by
//! the simulated drive through the responder engine, response decoded into the caller's
//! value). The companion of nvme-mi-core's `no_alloc` test, which covers the layers below.

#[path = "../../nvme-mi-core/tests/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

use nvme_mi_core::mi::admin::{
    AdminOpcode, AdminRequestRepr, Arbitration, CommitAction, Fid, FormatNvm, GetFeatures,
    GetLogPage, InterruptVectorConfig, Lid, Sanact, Sanitize, SecurityProtocol, Sel, SetFeatures,
    Stc, Timestamp, VolatileWriteCache,
};
use nvme_mi_core::mi::admin_data::{
    CommandsEffectsLog, ErrorLogEntry, IdentifyController, IdentifyNamespace, SanitizeStatusLog,
    SelfTestLog, SmartLog, SupportedLogPages,
};
use nvme_mi_core::mi::command::{
    CommandListEntry, ControllerHealth, ControllerHealthStatusPollRequest, HealthStatusChangeMask,
    ShutdownType, SmbusFrequency,
};
use nvme_mi_core::requester::Endpoint;
use zerocopy::FromZeros;

/// Run `f` and assert it allocated nothing.
fn none(what: &str, f: impl FnOnce()) {
    let before = allocations();
    f();
    let n = allocations() - before;
    assert_eq!(n, 0, "{what} allocated {n} times");
}

#[test]
fn every_verb_is_heap_free() {
    // Set-up may allocate (the boxes); the verbs may not.
    let mut ep = Box::new(Endpoint::new(nvme_mi_sim::loopback(3), [0u8; 4224]));
    let mut id = Box::new(IdentifyController::new_zeroed());
    let mut ns = Box::new(IdentifyNamespace::new_zeroed());
    let mut smart = Box::new(SmartLog::new_zeroed());
    let mut errors = Box::new([ErrorLogEntry::new_zeroed(); 16]);
    let mut page = Box::new([0u8; 4096]);
    let mut effects = Box::new(CommandsEffectsLog::new_zeroed());
    let mut supported = Box::new(SupportedLogPages::new_zeroed());
    let mut st = Box::new(SelfTestLog::new_zeroed());
    let mut san = Box::new(SanitizeStatusLog::new_zeroed());
    let mut health = [ControllerHealth::new_zeroed(); 4];
    let mut ids = [0u16; 8];
    let mut nsids = [0u32; 8];
    let mut cmds = [CommandListEntry { ctyp: 0, opc: 0 }; 16];
    let mut small = [0u8; 64];
    let image = Box::new({
        let mut i = [0u8; 8192];
        i[..4].copy_from_slice(&nvme_mi_sim::IMAGE_MAGIC);
        i[4..9].copy_from_slice(b"7.7.7");
        i
    });

    none("health_poll", || {
        ep.health_poll(true).unwrap();
    });
    none("ctrl_health_poll", || {
        let req = ControllerHealthStatusPollRequest {
            all: true,
            incf: true,
            maxrent: 3,
            ..Default::default()
        };
        ep.ctrl_health_poll(&req, &mut health).unwrap();
    });
    none("quirks", || {
        ep.probe_quirks(0).unwrap();
        ep.set_csi(nvme_mi_core::mi::Csi::Slot0).unwrap();
    });
    none("read data structures", || {
        ep.read_subsys_info().unwrap();
        ep.read_port_info(1).unwrap();
        ep.read_ctrl_list(0, &mut ids).unwrap();
        ep.read_ctrl_info(0).unwrap();
        ep.read_cmd_support(&mut cmds).unwrap();
        ep.read_meb_support(&mut cmds).unwrap();
        ep.config_mut().quirks.lenient_data_structure_length = true;
        ep.read_ctrl_list(0, &mut ids).unwrap();
        ep.read_subsys_info().unwrap();
        ep.config_mut().quirks.lenient_data_structure_length = false;
    });
    none("configuration", || {
        ep.config_set_smbus_freq(1, SmbusFrequency::Khz400).unwrap();
        ep.config_get_smbus_freq(1).unwrap();
        ep.config_set_mctp_mtu(1, 128).unwrap();
        ep.config_get_mctp_mtu(1).unwrap();
        ep.config_set_health_status_change(HealthStatusChangeMask::ALL)
            .unwrap();
        ep.config_get_async_event(&mut small).unwrap();
    });
    none("vpd", || {
        ep.vpd_read(0, &mut small).unwrap();
        ep.vpd_write(0, &small[..8]).unwrap();
    });
    none("ses and meb (refused)", || {
        let _ = ep.ses_receive(0, &mut small);
        let _ = ep.ses_send(&small[..4]);
        let _ = ep.meb_read(0, &mut small);
        let _ = ep.meb_write(0, &small[..4]);
    });
    none("control primitives", || {
        ep.get_state(false).unwrap();
        ep.pause().unwrap();
        ep.resume().unwrap();
        ep.abort().unwrap();
        ep.replay(0).unwrap();
    });
    none("identify", || {
        let mut c = ep.controller(0);
        c.identify_ctrl_into(&mut id).unwrap();
        c.identify_ns_into(1, &mut ns).unwrap();
        c.identify_active_ns_list(0, &mut nsids).unwrap();
        c.identify_ctrl_list(0, &mut ids).unwrap();
        c.identify_nsid_ctrl_list(3, 0, &mut ids).unwrap();
        c.identify_ns_descs(1).unwrap();
        c.identify(
            &nvme_mi_core::mi::admin::Identify::controller(),
            &mut page[..],
        )
        .unwrap();
    });
    none("logs", || {
        let mut c = ep.controller(0);
        c.get_log_smart_into(&mut smart).unwrap();
        c.get_log_error(&mut errors[..]).unwrap();
        c.get_log_fw_slot().unwrap();
        c.get_log_cmd_effects_into(&mut effects).unwrap();
        c.get_log_cmd_effects().unwrap();
        c.get_log_supported_log_pages_into(&mut supported).unwrap();
        c.get_log_supported_log_pages().unwrap();
        c.get_log_self_test_into(&mut st).unwrap();
        c.get_log_self_test().unwrap();
        c.get_log_sanitize_into(&mut san).unwrap();
        c.get_log_sanitize().unwrap();
        c.get_log_page(&GetLogPage::new(Lid::SmartHealth, 0), &mut page[..512])
            .unwrap();
    });
    none("features", || {
        let mut c = ep.controller(0);
        c.get_features(&GetFeatures::new(Fid::PowerManagement, Sel::Current))
            .unwrap();
        c.get_features_data(&GetFeatures::new(Fid::Timestamp, Sel::Current), &mut small)
            .unwrap();
        c.set_features(&SetFeatures::new(Fid::PowerManagement, 0, false), &[])
            .unwrap();
        c.get_feature::<Arbitration>(Sel::Current).unwrap();
        c.get_feature_selected(Sel::Current, &InterruptVectorConfig { iv: 1, cd: false })
            .unwrap();
        c.get_feature_capabilities(Fid::Arbitration).unwrap();
        c.set_feature(&VolatileWriteCache { wce: true }, false)
            .unwrap();
        c.set_features_timestamp(&Timestamp::new(1)).unwrap();
        c.get_features_timestamp(Sel::Current).unwrap();
    });
    none("firmware", || {
        let mut c = ep.controller(0);
        c.fw_download(&image[..], |_, _| {}).unwrap();
        c.fw_download_from(
            image.len(),
            |at, p| {
                p.copy_from_slice(&image[at..at + p.len()]);
                true
            },
            |_, _| {},
        )
        .unwrap();
        c.fw_commit(2, CommitAction::ReplaceAndActivateNow).unwrap();
    });
    none("format, sanitize, self-test", || {
        let mut c = ep.controller(0);
        c.format_nvm(&FormatNvm::new(1, 1)).unwrap();
        c.sanitize(&Sanitize::new(Sanact::CryptoErase)).unwrap();
        c.device_self_test(0, Stc::Short).unwrap();
    });
    none("namespaces and security", || {
        let mut c = ep.controller(0);
        let mut create = IdentifyNamespace::new_zeroed();
        create.nsze.set(1 << 16);
        create.ncap.set(1 << 16);
        create.nmic = 1;
        let nsid = c.ns_mgmt_create(&create, 0).unwrap();
        c.ns_attach(nsid, &[0, 1]).unwrap();
        c.ns_detach(nsid, &[0, 1]).unwrap();
        c.ns_mgmt_delete(nsid).unwrap();
        let p = SecurityProtocol {
            secp: 0,
            spsp: 0,
            nssf: 0,
        };
        c.security_recv(p, &mut small).unwrap();
        let _ = c.security_send(p, &small[..16]);
    });
    none("admin_passthru", || {
        let repr = AdminRequestRepr {
            opcode: AdminOpcode::Identify,
            cdw10: 1,
            ..AdminRequestRepr::default()
        };
        ep.controller(1)
            .admin_passthru(&repr, &[], &mut page[..])
            .unwrap();
    });
    none("shutdown and reset", || {
        ep.shutdown(ShutdownType::Normal).unwrap();
        ep.subsystem_reset().unwrap();
    });
    // The counter is live: a real allocation is seen.
    let before = allocations();
    let b = std::hint::black_box(Box::new(before));
    assert!(allocations() > before);
    drop(b);
}
