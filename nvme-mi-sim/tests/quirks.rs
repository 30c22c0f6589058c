//! Each requester quirk against a simulated drive that misbehaves in the quirk's way: without
//! the quirk the command fails (or takes a timeout), with it the command works.

use core::time::Duration;

use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mi::admin::{CommitAction, FormatNvm};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::{Csi, Error};
use nvme_mi_core::requester::{Config, Endpoint, Quirks, RequestError};
use nvme_mi_core::responder::Responder;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::Transport;
use nvme_mi_sim::{
    misbehaving_loopback, DataStructureLength, Misbehaving, Misbehaviour, Sim, FORMAT_TIME,
};

type Link = Loopback<Misbehaving<Responder<Sim, LoopPeer>>>;

fn endpoint(how: Misbehaviour, config: Config) -> Endpoint<Link, [u8; 4224]> {
    let mut link = misbehaving_loopback(5, how);
    link.set_latency(Duration::ZERO);
    Endpoint::with_config(link, [0u8; 4224], config)
}

fn with(quirks: Quirks) -> Config {
    Config {
        quirks,
        ..Config::default()
    }
}

fn now(ep: &mut Endpoint<Link, [u8; 4224]>) -> Instant {
    ep.transport_mut().now()
}

fn ignored(ep: &Endpoint<Link, [u8; 4224]>) -> u32 {
    ep.transport().responder().ignored()
}

#[test]
fn table_gap_spaces_commands_for_a_drive_that_needs_a_pause() {
    let deaf = Misbehaviour {
        deaf_after_response: Duration::from_millis(1),
        ..Misbehaviour::default()
    };
    // Without the gap the poll right after Identify is ignored and is sent again after the
    // 5 s response timeout.
    let mut ep = endpoint(deaf, Config::default());
    let id = ep.controller(0).identify_ctrl().unwrap();
    let t0 = now(&mut ep);
    ep.health_poll(false).unwrap();
    assert_eq!(ignored(&ep), 1);
    assert!(now(&mut ep).since(t0) >= Duration::from_secs(5));

    // The simulated drive is in no table entry; the same drive reporting the Samsung
    // MZUL2512's VID and model number gets the 1.2 ms gap, counted from the Identify.
    assert_eq!(Quirks::for_identify(&id), Quirks::NONE);
    let mut plain = endpoint(Misbehaviour::default(), Config::default());
    assert_eq!(plain.probe_quirks(0).unwrap(), Quirks::NONE);
    let mut ep = endpoint(deaf, Config::default());
    let mut id = ep.controller(0).identify_ctrl().unwrap();
    id.vid.set(0x144d);
    id.mn = [b' '; 40];
    id.mn[..19].copy_from_slice(b"MZUL2512HCJQ-00A07 ");
    let q = ep.apply_quirks_from(&id);
    assert_eq!(q.min_command_gap, Duration::from_micros(1200));
    assert_eq!(ep.config().quirks, q);
    let t0 = now(&mut ep);
    for _ in 0..3 {
        ep.health_poll(false).unwrap();
    }
    assert_eq!(ignored(&ep), 0);
    let took = now(&mut ep).since(t0);
    assert!(took >= Duration::from_micros(3 * 1200), "{took:?}");
    assert!(took < Duration::from_millis(10), "{took:?}");
}

#[test]
fn caller_quirks_are_kept_when_the_table_adds_its_own() {
    let mut ep = endpoint(
        Misbehaviour::default(),
        with(Quirks {
            no_oob_firmware: true,
            ..Quirks::NONE
        }),
    );
    // The drive as a Samsung MZUL2512, which the table gives a 1.2 ms gap: both kept.
    let mut id = ep.controller(0).identify_ctrl().unwrap();
    id.vid.set(0x144d);
    id.mn = [b' '; 40];
    id.mn[..19].copy_from_slice(b"MZUL2512HCJQ-00A07 ");
    let q = ep.apply_quirks_from(&id);
    assert!(q.no_oob_firmware);
    assert_eq!(q.min_command_gap, Duration::from_micros(1200));
    assert_eq!(ep.config().quirks, q);
}

#[test]
fn admin_sized_more_processing_required() {
    let how = Misbehaviour {
        admin_sized_mpr: true,
        ..Misbehaviour::default()
    };
    let format = FormatNvm::new(1, 0);
    let mut ep = endpoint(how, Config::default());
    match ep.controller(0).format_nvm(&format) {
        Err(RequestError::Status(StatusInfo::MoreProcessingRequired(_))) => {}
        other => panic!("{other:?}"),
    }

    let mut ep = endpoint(
        how,
        with(Quirks {
            admin_sized_mpr: true,
            ..Quirks::NONE
        }),
    );
    let t0 = now(&mut ep);
    ep.controller(0).format_nvm(&format).unwrap();
    assert!(now(&mut ep).since(t0) >= FORMAT_TIME);
}

#[test]
fn data_structure_lengths_as_libnvme_mi_takes_them() {
    let lenient = with(Quirks {
        lenient_data_structure_length: true,
        ..Quirks::NONE
    });
    let mut ids = [0u16; 4];
    for (how, expect) in [
        (DataStructureLength::Padded, &[0, 1][..]),
        (DataStructureLength::CutToDword, &[0][..]),
    ] {
        let misbehaviour = Misbehaviour {
            data_structure_length: Some(how),
            ..Misbehaviour::default()
        };
        let mut ep = endpoint(misbehaviour, Config::default());
        assert!(
            matches!(
                ep.read_ctrl_list(0, &mut ids),
                Err(RequestError::Malformed(
                    Error::InconsistentLength | Error::Truncated
                ))
            ),
            "{how:?}"
        );
        let mut ep = endpoint(misbehaviour, lenient);
        let n = ep.read_ctrl_list(0, &mut ids).unwrap();
        assert_eq!(&ids[..n], expect, "{how:?}");
        // The 32-byte structures are whole either way.
        assert_eq!(ep.read_subsys_info().unwrap().port_count(), 2);
    }
    // On a drive that behaves, the lenient reading gives the same list.
    let mut ep = endpoint(Misbehaviour::default(), lenient);
    assert_eq!(ep.read_ctrl_list(0, &mut ids).unwrap(), 2);
    assert_eq!(ids[..2], [0, 1]);
}

#[test]
fn slot_1_refused_as_libnvme_mi_set_csi() {
    let how = Misbehaviour {
        ignore_slot1: true,
        ..Misbehaviour::default()
    };
    // Without the quirk slot 1 is taken, and the drive never answers there.
    let mut ep = endpoint(how, Config::default());
    ep.set_csi(Csi::Slot1).unwrap();
    assert!(matches!(
        ep.health_poll(false),
        Err(RequestError::Timeout { attempts: 3, .. })
    ));
    assert_eq!(ignored(&ep), 3);

    let mut ep = endpoint(
        how,
        with(Quirks {
            csi1_unsupported: true,
            ..Quirks::NONE
        }),
    );
    assert_eq!(ep.set_csi(Csi::Slot1), Err(RequestError::NotSupported));
    assert_eq!(ep.config().csi, Csi::Slot0);
    ep.health_poll(false).unwrap();
    ep.set_csi(Csi::Slot0).unwrap();
    assert_eq!(ignored(&ep), 0);
}

#[test]
fn firmware_commands_refused_before_sending() {
    let how = Misbehaviour {
        ignore_firmware_commands: true,
        ..Misbehaviour::default()
    };
    let mut ep = endpoint(how, Config::default());
    assert!(matches!(
        ep.controller(0).fw_commit(2, CommitAction::Replace),
        Err(RequestError::Timeout { attempts: 1, .. })
    ));
    assert_eq!(ignored(&ep), 1);

    let mut ep = endpoint(
        how,
        with(Quirks {
            no_oob_firmware: true,
            ..Quirks::NONE
        }),
    );
    let image = [0u8; 64];
    let mut c = ep.controller(0);
    assert_eq!(
        c.fw_commit(2, CommitAction::Replace),
        Err(RequestError::NotSupported)
    );
    assert_eq!(
        c.fw_download(&image, |_, _| {}),
        Err(RequestError::NotSupported)
    );
    assert_eq!(
        c.fw_download_from(64, |_, _| true, |_, _| {}),
        Err(RequestError::NotSupported)
    );
    assert_eq!(ep.transport().stats().requests, 0);
    // Other Admin commands go on.
    ep.controller(0).identify_ctrl().unwrap();
}

/// The async twin has the same quirk verbs and behaviour.
#[test]
fn async_twin_probes_and_applies_quirks() {
    use nvme_mi_core::requester::AsyncEndpoint;
    let rt = tokio::runtime::Builder::new_current_thread()
        .build()
        .expect("runtime");
    let deaf = Misbehaviour {
        deaf_after_response: Duration::from_millis(1),
        ignore_slot1: true,
        ..Misbehaviour::default()
    };
    let mut link = misbehaving_loopback(5, deaf);
    link.set_latency(Duration::ZERO);
    let mut ep = AsyncEndpoint::new(link, [0u8; 4224]);
    rt.block_on(async {
        assert_eq!(ep.probe_quirks(0).await.unwrap(), Quirks::NONE);
        let mut id = ep.controller(0).identify_ctrl().await.unwrap();
        // The Identify right after the probe was ignored once and sent again.
        assert_eq!(ep.transport().responder().ignored(), 1);
        id.vid.set(0x144d);
        id.mn[..12].copy_from_slice(b"MZUL2512HCJQ");
        ep.config_mut().quirks.csi1_unsupported = true;
        let q = ep.apply_quirks_from(&id);
        assert_eq!(q.min_command_gap, Duration::from_micros(1200));
        assert!(q.csi1_unsupported);
        assert_eq!(ep.set_csi(Csi::Slot1), Err(RequestError::NotSupported));
        ep.health_poll(false).await.unwrap();
        ep.health_poll(false).await.unwrap();
        assert_eq!(ep.transport().responder().ignored(), 1);
    });
}
