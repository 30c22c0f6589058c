//! The simulated drive against the requester's typed and streaming API (the calls a
//! management application makes), over the loopback link.

use std::time::Duration;

use nvme_mi_core::mi::admin::{CommitAction, FirmwareCommit, GetLogPage, Identify, Lid, Sct};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::aem::{AeConfigEntry, AeId};
use nvme_mi_core::mi::command::{
    CompositeControllerStatus, ConfigurationGetRequest, ConfigurationGetResponse, ResetRequest,
    ResetType, SubsystemHealthStatusPollRequest,
};
use nvme_mi_core::requester::{AeSettings, RequestError};
use nvme_mi_core::transport::Transport;

mod common;
use common::endpoint;

#[test]
fn typed_and_streaming_reads() {
    let mut ep = endpoint(31);
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap()
        .health;
    assert!(h.temperature().celsius().is_some());
    // Identify Controller read in 1 KiB slices equals the whole.
    let mut sliced = vec![0u8; 4096];
    assert_eq!(
        ep.read_admin_data(0, &Identify::controller(), &mut sliced, 1024)
            .unwrap(),
        4096
    );
    let whole = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .unwrap()
        .data
        .to_vec();
    assert_eq!(sliced, whole);
    let id = IdentifyController::read(&sliced).unwrap();
    assert_eq!(id.mn(), nvme_mi_sim::MODEL);
    // The error log by log page offset, 128 bytes at a time.
    let mut log = vec![0u8; 512];
    let cmd = GetLogPage::new(Lid::ErrorInformation, 512);
    assert_eq!(ep.get_log_page(0, &cmd, &mut log).unwrap(), 512);
    let mut piece = vec![0u8; 128];
    let second = GetLogPage {
        lpo: 64,
        ..GetLogPage::new(Lid::ErrorInformation, 128)
    };
    assert_eq!(ep.get_log_page(0, &second, &mut piece).unwrap(), 128);
    assert_eq!(piece, log[64..192]);
    // VPD round trip.
    ep.vpd_write(128, b"streamed").unwrap();
    let mut vpd = [0u8; 256];
    assert_eq!(ep.vpd_read(0, &mut vpd).unwrap(), 256);
    assert_eq!(&vpd[128..136], b"streamed");
    // A failing Admin command is an NVMe error.
    match ep.admin(0, &GetLogPage::new(Lid::from_u8(0x42), 512), 0, 512, &[]) {
        Err(RequestError::Nvme(s)) => assert_eq!((s.sct, s.sc), (Sct::CommandSpecific, 0x09)),
        other => panic!("{:?}", other.map(|r| r.completion)),
    }
    match ep
        .mi_command(&ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 })
        .unwrap()
    {
        ConfigurationGetResponse::MctpTransmissionUnitSize(m) => assert_eq!(m, 64),
        other => panic!("{other:?}"),
    }
}

#[test]
fn enable_supported_events_enables_each_supported_event() {
    let mut ep = endpoint(33);
    let settings = AeSettings {
        retry_delay: 5,
        ..AeSettings::default()
    };
    let (count, pending) = ep.enable_supported_events(settings).unwrap();
    assert_eq!(count, nvme_mi_sim::SUPPORTED_EVENTS.len());
    assert!(pending.is_some());
    let dev = ep.transport().responder().device();
    for id in nvme_mi_sim::SUPPORTED_EVENTS {
        assert!(dev.event_enabled(id), "{id:?} not enabled");
    }
    assert!(!dev.event_enabled(AeId::ControllerFatalStatus));
}

#[test]
fn firmware_update_with_events() {
    let mut ep = endpoint(32);
    let settings = AeSettings {
        retry_delay: 5,
        delay: 0,
        functions: (true, false, false),
    };
    let entries = [
        AeConfigEntry::new(AeId::FirmwareActivated, true),
        AeConfigEntry::new(AeId::ControllerReady, true),
    ];
    assert!(ep.enable_events(settings, &entries).unwrap().is_empty());
    let mut image = vec![0u8; 20_000];
    image[..4].copy_from_slice(&nvme_mi_sim::IMAGE_MAGIC);
    image[4..12].copy_from_slice(b"3.1.4   ");
    let mut calls = Vec::new();
    ep.firmware_download(0, &image, 4096, |done, total| calls.push((done, total)))
        .unwrap();
    assert_eq!(calls.last(), Some(&(20_000, 20_000)));
    assert_eq!(
        ep.transport().responder().device().firmware_download().0,
        20_000
    );
    ep.admin(
        0,
        &FirmwareCommit {
            fs: 2,
            ca: CommitAction::ReplaceAndActivate,
            bpid: false,
        },
        0,
        0,
        &[],
    )
    .unwrap();
    assert_eq!(ep.transport().responder().device().firmware_slots(), (2, 2));
    ep.send_without_response(&ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    })
    .unwrap();
    let now = ep.transport_mut().now();
    let ids: Vec<AeId> = ep
        .recv_event(now + Duration::from_secs(1))
        .unwrap()
        .occurrences()
        .map(|o| o.id)
        .collect();
    assert_eq!(ids, [AeId::ControllerReady, AeId::FirmwareActivated]);
    // The retransmission is recognised as a repeat and not delivered again.
    let now = ep.transport_mut().now();
    assert!(ep.recv_event(now + Duration::from_secs(2)).is_err());
    assert!(ep.ack_events().unwrap().is_empty());
    let id = ep.admin(1, &Identify::controller(), 0, 4096, &[]).unwrap();
    assert_eq!(IdentifyController::read(id.data).unwrap().fr(), "3.1.4");
    let h = ep
        .mi_command(&SubsystemHealthStatusPollRequest { clear_status: true })
        .unwrap()
        .health;
    assert!(h
        .ccs()
        .contains(CompositeControllerStatus::FA | CompositeControllerStatus::NSSRO));
}
