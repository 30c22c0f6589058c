//! Whole command sequences over the simulated SMBus against simulated drives: the real
//! requester, the I2C transport, the core's fragmenter/reassembler on both sides and the
//! real responder serving nvme-mi-sim.
#![cfg(feature = "sim")]

use std::cell::RefCell;
use std::time::Duration;

use nvme_mi_core::basic_mgmt::{DEFAULT_ADDRESS, STATUS_BLOCK_LEN};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{
    CommitAction, FirmwareCommit, FirmwareImageDownload, GetLogPage, Identify, Lid,
};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, SmartLog};
use nvme_mi_core::mi::command::{
    ConfigurationGetRequest, ConfigurationGetResponse, SubsystemHealthStatusPollRequest,
};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::requester::{AsyncEndpoint, Config, Endpoint, RequestError};
use nvme_mi_core::transport::{Error as _, ErrorKind, Transport};
use nvme_mi_i2c::sim::{SimBus, SimDrive, Speed, WireStats};
use nvme_mi_i2c::{
    negotiate_transmission_unit, negotiate_transmission_unit_async, read_identification,
    read_status, AsyncI2cTransport, BasicMgmtError, Error, I2cTransport, TuError,
};

mod common;
use common::{bus, world, Tr, World, BMC_ADDR, DRIVE_ADDR};

fn health(ep: &mut Endpoint<&mut Tr<'_, '_>, Vec<u8>>) -> u8 {
    ep.mi_command(&SubsystemHealthStatusPollRequest {
        clear_status: false,
    })
    .expect("health poll")
    .health
    .ctemp
}

fn identify(ep: &mut Endpoint<&mut Tr<'_, '_>, Vec<u8>>) -> IdentifyController {
    let r = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .expect("identify");
    assert_eq!(r.data.len(), 4096);
    IdentifyController::read(r.data).expect("identify data")
}

fn smart(ep: &mut Endpoint<&mut Tr<'_, '_>, Vec<u8>>) -> SmartLog {
    let r = ep
        .admin(0, &GetLogPage::new(Lid::SmartHealth, 512), 0, 512, &[])
        .expect("smart");
    SmartLog::read(r.data).expect("smart data")
}

/// Frames and wire time spent by `f`.
fn measure<const D: usize>(w: &World<D>, f: impl FnOnce()) -> WireStats {
    w.borrow_mut().reset_stats();
    f();
    w.borrow().stats()
}

#[test]
fn health_poll_is_one_frame_each_way() {
    let w = world(1, Speed::Khz100);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    let mut ctemp = 0;
    let st = measure(&w, || ctemp = health(&mut ep));
    let expected = w.borrow().drives()[0].sim().temperature_celsius();
    assert_eq!(i16::from(ctemp), expected);
    assert_eq!((st.requester_frames, st.drive_frames), (1, 1));
    // 28 bytes after the address each way at 100 kHz: 2 × (2 + 9 × 29) bit times.
    assert_eq!(st.wire_ns, 2 * (2 + 9 * 29) * 10_000);
    eprintln!("health poll @100 kHz: {st:?}");
    assert_eq!(b.borrow().tags_in_use(nvme_mi_sim::DEFAULT_EID), 0);
}

#[test]
fn identify_smart_and_firmware_at_baseline_then_at_250() {
    let w = world(5, Speed::Khz100);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    let serial = w.borrow().drives()[0].sim().serial_number().to_owned();

    let mut id = None;
    let base = measure(&w, || id = Some(identify(&mut ep)));
    let id = id.unwrap();
    assert_eq!(id.sn(), serial);
    assert_eq!(id.mn(), nvme_mi_sim::MODEL);
    assert_eq!(id.fr(), "1.1.0");
    // Request 72 bytes: 2 frames; response 4120 bytes: 65 frames of 64.
    assert_eq!((base.requester_frames, base.drive_frames), (2, 65));

    let log = smart(&mut ep);
    assert_eq!(
        log.temperature.get(),
        w.borrow().drives()[0].sim().temperature_kelvin()
    );

    // Raise the transmission unit on the drive's SMBus port (1) and on our side.
    assert_eq!(negotiate_transmission_unit(&mut ep, 1, 250), Ok(250));
    assert_eq!(ep.transport().transmission_unit(), 250);
    assert_eq!(w.borrow().drives()[0].sim().mtu(1), Some(250));
    let mut id2 = None;
    let big = measure(&w, || id2 = Some(identify(&mut ep)));
    assert_eq!(id2.unwrap().sn(), serial);
    // Request in 1 frame, response 4120 / 250 → 17 frames.
    assert_eq!((big.requester_frames, big.drive_frames), (1, 17));
    assert!(big.wire_ns < base.wire_ns);
    eprintln!(
        "identify controller @100 kHz: TU 64 {} frames {:.1} ms, TU 250 {} frames {:.1} ms",
        base.requester_frames + base.drive_frames,
        base.wire_ns as f64 / 1e6,
        big.requester_frames + big.drive_frames,
        big.wire_ns as f64 / 1e6
    );

    // Firmware: download 6 KiB in 4 KiB + 2 KiB pieces, commit with immediate activation
    // (More Processing Required, final response 1.5 s later), then the revision changed.
    let mut img: Vec<u8> = (0..6144).map(|i| (i * 13) as u8).collect();
    img[..4].copy_from_slice(&nvme_mi_sim::IMAGE_MAGIC);
    img[4..12].copy_from_slice(b"3.0.0   ");
    let fw = measure(&w, || {
        for (k, chunk) in img.chunks(4096).enumerate() {
            let cmd = FirmwareImageDownload::new((k * 4096) as u32, chunk.len() as u32).unwrap();
            ep.admin(0, &cmd, 0, 0, chunk).expect("download");
        }
        let commit = FirmwareCommit {
            fs: 3,
            ca: CommitAction::ReplaceAndActivateNow,
            bpid: false,
        };
        ep.admin(0, &commit, 0, 0, &[]).expect("commit");
    });
    eprintln!("firmware 6 KiB + commit @100 kHz TU 250: {fw:?}");
    assert_eq!(w.borrow().drives()[0].sim().firmware_revision(), "3.0.0");
    assert_eq!(identify(&mut ep).fr(), "3.0.0");
}

#[test]
fn faster_bus_takes_less_wire_time() {
    let mut times = Vec::new();
    for speed in [Speed::Khz100, Speed::Khz400, Speed::Mhz1] {
        let w = world(2, speed);
        let b = bus(&w);
        let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
        let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
        let st = measure(&w, || {
            identify(&mut ep);
        });
        eprintln!("identify @{speed:?} TU 64: {} µs", st.wire_ns / 1000);
        times.push(st.wire_ns);
    }
    assert_eq!(times[0], 4 * times[1]);
    assert_eq!(times[0], 10 * times[2]);
}

#[test]
fn nack_is_retried_then_unreachable() {
    let w = world(3, Speed::Khz400);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    // Two NACKs: the third attempt goes through.
    w.borrow_mut().faults_mut().nack = 2;
    health(&mut ep);
    assert_eq!(b.borrow().stats().nacks, 2);
    // A drive that never answers: three attempts, then Unreachable. Each attempt holds the
    // bus for start, the address byte with its NACK bit, and stop.
    w.borrow_mut().faults_mut().nack = 100;
    let mut r = None;
    let st = measure(&w, || {
        r = Some(ep.mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        }))
    });
    assert_eq!(st.wire_ns, 3 * (1 + 9 + 1) * Speed::Khz400.bit_ns());
    let e = r.unwrap().unwrap_err();
    match e {
        RequestError::Transport(t) => {
            assert!(matches!(t, Error::Nack(_)));
            assert_eq!(t.kind(), ErrorKind::Unreachable);
        }
        other => panic!("{other:?}"),
    }
    assert_eq!(w.borrow().faults().nack, 97);
    assert_eq!(b.borrow().tags_in_use(nvme_mi_sim::DEFAULT_EID), 0);
    // Lost arbitration three times is retried; four more is a bus error.
    w.borrow_mut().faults_mut().nack = 0;
    w.borrow_mut().faults_mut().arbitration_loss = 3;
    health(&mut ep);
    w.borrow_mut().faults_mut().arbitration_loss = 4;
    let e = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap_err();
    assert!(matches!(
        e,
        RequestError::Transport(Error::ArbitrationLost(_))
    ));
    assert_eq!(b.borrow().stats().arbitration_losses, 7);
}

#[test]
fn corrupted_pec_is_dropped_and_the_read_retried() {
    let w = world(4, Speed::Khz400);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let config = Config::default().with_timeout(Duration::from_millis(300));
    let mut ep = Endpoint::with_config(&mut tr, vec![0u8; MAX_MESSAGE_LEN], config);
    // A corrupted response frame: dropped by our PEC check, the read is sent again.
    w.borrow_mut().faults_mut().corrupt_response_pec = 1;
    let t0 = w.borrow().now();
    let id = identify(&mut ep);
    assert_eq!(id.fr(), "1.1.0");
    assert_eq!(b.borrow().stats().pec_errors, 1);
    assert!(w.borrow().now().since(t0) >= Duration::from_millis(300));
    // A corrupted request frame: the drive drops it, the read is sent again.
    w.borrow_mut().faults_mut().corrupt_request_pec = 1;
    health(&mut ep);
    assert_eq!(w.borrow().drives()[0].bad_frames(), 1);
    // Every response corrupted: the read gives up with a timeout after its retries.
    w.borrow_mut().faults_mut().corrupt_response_pec = 1000;
    let e = ep
        .mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap_err();
    assert!(
        matches!(e, RequestError::Timeout { attempts: 3, .. }),
        "{e:?}"
    );
}

#[test]
fn lost_frame_times_out_releases_the_tag_and_the_next_command_works() {
    let w = world(6, Speed::Mhz1);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut config = Config::default().with_timeout(Duration::from_millis(500));
    config.read.retries = 0;
    let mut ep = Endpoint::with_config(&mut tr, vec![0u8; MAX_MESSAGE_LEN], config);
    health(&mut ep);
    let t0 = w.borrow().now();
    // Lose the first of the 65 response frames of Identify.
    w.borrow_mut().faults_mut().drop_response = 1;
    let e = ep
        .admin(0, &Identify::controller(), 0, 4096, &[])
        .unwrap_err();
    assert!(
        matches!(e, RequestError::Timeout { attempts: 1, .. }),
        "{e:?}"
    );
    let waited = w.borrow().now().since(t0);
    assert!(
        waited >= Duration::from_millis(500) && waited < Duration::from_millis(700),
        "{waited:?}"
    );
    assert_eq!(b.borrow().tags_in_use(nvme_mi_sim::DEFAULT_EID), 0);
    assert_eq!(identify(&mut ep).fr(), "1.1.0");
}

#[test]
fn two_drives_share_one_bus() {
    let w: Box<World<2>> = Box::new(RefCell::new(SimBus::new(
        Speed::Khz400,
        BMC_ADDR,
        [
            SimDrive::with_eid(10, 0x1d, 0x6a, Eid(0x1d)),
            SimDrive::with_eid(20, 0x1e, 0x6b, Eid(0x1e)),
        ],
    )));
    let b = bus(&w);
    let mut ta = I2cTransport::new(&b, 0x1d, Eid(0x1d));
    let mut tb = I2cTransport::new(&b, 0x1e, Eid(0x1e));
    let mut ea = Endpoint::new(&mut ta, vec![0u8; MAX_MESSAGE_LEN]);
    let mut eb = Endpoint::new(&mut tb, vec![0u8; MAX_MESSAGE_LEN]);
    let (sa, sb) = {
        let wb = w.borrow();
        (
            wb.drives()[0].sim().serial_number().to_owned(),
            wb.drives()[1].sim().serial_number().to_owned(),
        )
    };
    assert_ne!(sa, sb);
    for _ in 0..3 {
        let ida = IdentifyController::read(
            ea.admin(0, &Identify::controller(), 0, 4096, &[])
                .unwrap()
                .data,
        )
        .unwrap();
        let idb = IdentifyController::read(
            eb.admin(0, &Identify::controller(), 0, 4096, &[])
                .unwrap()
                .data,
        )
        .unwrap();
        assert_eq!((ida.sn(), idb.sn()), (sa.as_str(), sb.as_str()));
        ea.mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap();
        eb.mi_command(&SubsystemHealthStatusPollRequest {
            clear_status: false,
        })
        .unwrap();
    }
    // Only drive B's transmission unit is raised.
    negotiate_transmission_unit(&mut eb, 1, 128).unwrap();
    let get = ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 };
    assert_eq!(
        ea.mi_command(&get).unwrap(),
        ConfigurationGetResponse::MctpTransmissionUnitSize(64)
    );
    assert_eq!(
        eb.mi_command(&get).unwrap(),
        ConfigurationGetResponse::MctpTransmissionUnitSize(128)
    );
    assert_eq!(b.borrow().stats().stray_messages, 0);
}

#[test]
fn transmission_unit_out_of_range_and_refused() {
    let w = world(8, Speed::Khz100);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    assert_eq!(
        negotiate_transmission_unit(&mut ep, 1, 251),
        Err(TuError::OutOfRange(251))
    );
    assert_eq!(
        negotiate_transmission_unit(&mut ep, 1, 32),
        Err(TuError::OutOfRange(32))
    );
    // Port 7 does not exist: Invalid Parameter, and our unit stays at the baseline.
    assert!(matches!(
        negotiate_transmission_unit(&mut ep, 7, 128),
        Err(TuError::Request(RequestError::Status(_)))
    ));
    assert_eq!(ep.transport().transmission_unit(), 64);
}

#[test]
fn basic_management_reads_over_the_simulated_bus() {
    let w = world(9, Speed::Khz100);
    let mut i2c = SimBus::controller(&w);
    let (status, ident) = {
        let wb = w.borrow();
        let sim = wb.drives()[0].sim();
        (sim.basic_status_block(), sim.basic_identification_block())
    };
    let s = read_status(&mut i2c, DEFAULT_ADDRESS).unwrap();
    let mut expected = status;
    assert_eq!(s.to_bytes()[1..], expected[1..]);
    assert_eq!(s.to_bytes().len(), STATUS_BLOCK_LEN);
    let id = read_identification(&mut i2c, DEFAULT_ADDRESS).unwrap();
    assert_eq!(id.to_bytes(), ident);
    assert_eq!(id.vendor_id, nvme_mi_sim::VENDOR_ID);
    assert_eq!(id.serial(), w.borrow().drives()[0].sim().serial_number());
    // After a completed read the SMBus Arbitration flag is set.
    expected[0] |= 0x80;
    assert_eq!(
        read_status(&mut i2c, DEFAULT_ADDRESS).unwrap().to_bytes(),
        expected
    );
    let st = w.borrow().stats();
    assert_eq!(st.block_reads, 3);
    // Nobody at 0x6b.
    assert!(matches!(
        read_status(&mut i2c, 0x6b),
        Err(BasicMgmtError::Bus(
            embedded_hal::i2c::ErrorKind::NoAcknowledge(_)
        ))
    ));
}

/// Run a future to completion on this thread (the simulated bus never blocks).
fn block_on<F: std::future::Future>(f: F) -> F::Output {
    let mut f = std::pin::pin!(f);
    let waker = std::task::Waker::noop();
    let mut cx = std::task::Context::from_waker(waker);
    loop {
        if let std::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
}

#[test]
fn async_twin_over_the_simulated_bus() {
    let w = world(12, Speed::Khz400);
    let b = bus(&w);
    let mut tr = AsyncI2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = AsyncEndpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    let serial = w.borrow().drives()[0].sim().serial_number().to_owned();
    block_on(async {
        let h = ep
            .mi_command(&SubsystemHealthStatusPollRequest {
                clear_status: false,
            })
            .await
            .unwrap();
        assert!(h.health.ctemp >= 35 && h.health.ctemp <= 45);
        assert_eq!(
            negotiate_transmission_unit_async(&mut ep, 1, 200).await,
            Ok(200)
        );
        let r = ep
            .admin(0, &Identify::controller(), 0, 4096, &[])
            .await
            .unwrap();
        assert_eq!(IdentifyController::read(r.data).unwrap().sn(), serial);
    });
    // Health, Configuration Set and Get: one frame each; Identify: 4120 / 200 → 21.
    assert_eq!(w.borrow().stats().drive_frames, 3 + 21);
    let mut i2c = SimBus::controller(&w);
    let id = block_on(nvme_mi_i2c::read_identification_async(
        &mut i2c,
        DEFAULT_ADDRESS,
    ))
    .unwrap();
    assert_eq!(id.serial(), serial);
}

#[test]
fn transport_direct_use_and_busy_bus() {
    let w = world(13, Speed::Khz100);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    assert_eq!(tr.remote_eid(), Some(nvme_mi_sim::DEFAULT_EID));
    assert!(!tr.set_transmission_unit(63));
    assert!(tr.set_transmission_unit(250));
    // Without an exchange there is nothing to receive.
    let mut buf = [0u8; 64];
    let now = tr.now();
    assert_eq!(tr.recv_response(&mut buf, now), Err(Error::Timeout));
    // While someone else holds the bus, a send reports it instead of panicking.
    let held = b.borrow_mut();
    assert_eq!(tr.send_request(&[&[0x84, 0, 0, 0]]), Err(Error::BusBusy));
    drop(held);
    assert_eq!(tr.send_request(&[]), Err(Error::InvalidMessage));
}

#[test]
fn asynchronous_event_arrives_on_the_event_path() {
    use nvme_mi_core::mi::admin::{SetFeatures, TemperatureThreshold};
    use nvme_mi_core::mi::aem::{parse_aem, AeConfigEntry, AeConfigList, AeId};
    use nvme_mi_core::mi::command::ConfigurationSetRequest;
    use nvme_mi_core::mi::Message;
    use nvme_mi_core::transport::EventSource;

    let w = world(21, Speed::Khz400);
    let b = bus(&w);
    let mut tr = I2cTransport::new(&b, DRIVE_ADDR, nvme_mi_sim::DEFAULT_EID);
    let mut ep = Endpoint::new(&mut tr, vec![0u8; MAX_MESSAGE_LEN]);
    let mut list = [0u8; 8];
    let n =
        AeConfigList::emit(&[AeConfigEntry::new(AeId::SmartWarnings, true)], &mut list).unwrap();
    ep.mi_command(&ConfigurationSetRequest::AsyncEvent {
        aerd: 10,
        aemd: 0,
        encfa: true,
        enpfa: false,
        envfa: false,
        enable_list: &list[..n],
    })
    .unwrap();
    // Over-temperature threshold 300 K: the drive is above it and raises SMART Warnings.
    let thr = SetFeatures::temperature_threshold(TemperatureThreshold::over_composite(300), false);
    ep.admin(0, &thr, 0, 0, &[]).unwrap();
    // Commands keep working while the event waits on the event path.
    health(&mut ep);
    let tr = ep.transport_mut();
    let mut buf = vec![0u8; MAX_MESSAGE_LEN];
    let now = tr.now();
    let n = tr
        .recv_unsolicited(&mut buf, now + Duration::from_millis(500))
        .expect("AEM");
    let m = Message::new_checked(&buf[..n]).unwrap();
    let aem = parse_aem(&m).unwrap();
    assert_eq!(aem.occurrences().next().unwrap().id, AeId::SmartWarnings);
    assert_eq!(b.borrow().stats().stray_messages, 0);
}
