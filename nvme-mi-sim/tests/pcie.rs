//! The PCIe Command Set against the simulated drive: configuration space and controller
//! registers read through the requester, errors for what the drive does not have.

mod common;

use nvme_mi_core::mi::admin::{Fid, GetFeatures, Sel, SetFeatures};
use nvme_mi_core::mi::command::{CompositeControllerStatus, ShutdownRequest, ShutdownType};
use nvme_mi_core::mi::pcie::{Bar, PcieCommand};
use nvme_mi_core::mi::status::{ResponseStatus, StatusInfo};
use nvme_mi_core::requester::RequestError;
use nvme_mi_sim::{CONTROLLER_IDS, DEVICE_ID, VENDOR_ID};

#[test]
fn configuration_space_identifies_an_nvme_controller() {
    let mut ep = common::endpoint(7);
    let ctl = CONTROLLER_IDS[0];
    let hdr = ep
        .pcie(
            ctl,
            PcieCommand::ConfigRead {
                offset: 0,
                length: 64,
            },
        )
        .unwrap()
        .to_vec();
    assert_eq!(u16::from_le_bytes([hdr[0], hdr[1]]), VENDOR_ID);
    assert_eq!(u16::from_le_bytes([hdr[2], hdr[3]]), DEVICE_ID);
    assert_eq!(&hdr[9..12], &[0x02, 0x08, 0x01], "class code: NVM Express");
    // An unaligned 3-byte read is padded on the wire and comes back as 3 bytes.
    let part = ep
        .pcie(
            ctl,
            PcieCommand::ConfigRead {
                offset: 1,
                length: 3,
            },
        )
        .unwrap()
        .to_vec();
    assert_eq!(part, &hdr[1..4]);
}

#[test]
fn controller_registers_follow_shutdown() {
    let mut ep = common::endpoint(7);
    let ctl = CONTROLLER_IDS[0];
    let vs = ep
        .pcie(
            ctl,
            PcieCommand::MemoryRead {
                bar: Bar(0),
                offset: 8,
                length: 4,
            },
        )
        .unwrap()
        .to_vec();
    assert_eq!(
        u32::from_le_bytes([vs[0], vs[1], vs[2], vs[3]]),
        0x0001_0400
    );
    let csts = ep
        .pcie(
            ctl,
            PcieCommand::MemoryRead {
                bar: Bar(0),
                offset: 0x1c,
                length: 4,
            },
        )
        .unwrap()[0];
    assert_eq!(csts & 1, 1, "ready");
    assert_eq!((csts >> 2) & 3, 0, "no shutdown");
    ep.mi_command(&ShutdownRequest {
        shutdown_type: ShutdownType::Normal,
    })
    .unwrap();
    let csts = ep
        .pcie(
            ctl,
            PcieCommand::MemoryRead {
                bar: Bar(0),
                offset: 0x1c,
                length: 4,
            },
        )
        .unwrap()[0];
    assert_ne!((csts >> 2) & 3, 0, "shutdown reported in CSTS.SHST");
    // Writes are accepted.
    ep.pcie(
        ctl,
        PcieCommand::ConfigWrite {
            offset: 4,
            data: &[0x06, 0x00],
        },
    )
    .unwrap();
}

#[test]
fn what_the_drive_lacks_is_an_error_status() {
    let mut ep = common::endpoint(7);
    let ctl = CONTROLLER_IDS[0];
    match ep.pcie(
        ctl,
        PcieCommand::IoRead {
            bar: Bar(0),
            offset: 0,
            length: 4,
        },
    ) {
        Err(RequestError::Status(StatusInfo::Other(ResponseStatus::PcieInaccessible))) => {}
        other => panic!("{other:?}"),
    }
    match ep.pcie(
        ctl,
        PcieCommand::MemoryRead {
            bar: Bar(0),
            offset: 0x1000,
            length: 4,
        },
    ) {
        Err(RequestError::Status(StatusInfo::InvalidParameter(loc))) => assert_eq!(loc.byte, 12),
        other => panic!("{other:?}"),
    }
    match ep.pcie(
        0x7777,
        PcieCommand::ConfigRead {
            offset: 0,
            length: 4,
        },
    ) {
        Err(RequestError::Status(StatusInfo::InvalidParameter(loc))) => assert_eq!(loc.byte, 6),
        other => panic!("{other:?}"),
    }
}

/// Controller register CC (NVMe Base 2.0 §3.1.3.5) and CSTS (§3.1.3.6) of controller `ctl`.
fn register(ep: &mut common::Ep, ctl: u16, offset: u64) -> u32 {
    let b = ep
        .pcie(
            ctl,
            PcieCommand::MemoryRead {
                bar: Bar(0),
                offset,
                length: 4,
            },
        )
        .unwrap();
    u32::from_le_bytes([b[0], b[1], b[2], b[3]])
}

fn write_cc(ep: &mut common::Ep, ctl: u16, cc: u32) {
    ep.pcie(
        ctl,
        PcieCommand::MemoryWrite {
            bar: Bar(0),
            offset: CC,
            data: &cc.to_le_bytes(),
        },
    )
    .unwrap();
}

const CC: u64 = 0x14;
const CSTS: u64 = 0x1c;

fn arbitration(ep: &mut common::Ep, ctl: u16, sel: Sel) -> u32 {
    let cmd = GetFeatures::new(Fid::Arbitration, sel);
    ep.admin(ctl, &cmd, 0, 0, &[]).unwrap().completion.dw0
}

#[test]
fn a_controller_level_reset_returns_features_to_their_defaults() {
    let mut ep = common::endpoint(7);
    let ctl = CONTROLLER_IDS[0];
    let default = arbitration(&mut ep, ctl, Sel::Default);
    let set = SetFeatures::new(Fid::Arbitration, 0x0102_0304, false);
    ep.admin(ctl, &set, 0, 0, &[]).unwrap();
    assert_eq!(arbitration(&mut ep, ctl, Sel::Current), 0x0102_0304);
    let cc = register(&mut ep, ctl, CC);
    assert_eq!(cc & 1, 1, "CC.EN after power-on");
    write_cc(&mut ep, ctl, cc & !1);
    assert_eq!(register(&mut ep, ctl, CC) & 1, 0, "CC.EN once cleared");
    assert_eq!(
        register(&mut ep, ctl, CSTS) & 1,
        0,
        "CSTS.RDY of a disabled controller"
    );
    let ccs = ep.health_poll(true).unwrap().ccs.get();
    assert_ne!(
        ccs & CompositeControllerStatus::RDY.bits(),
        0,
        "the RDY change is flagged: {ccs:#x}"
    );
    write_cc(&mut ep, ctl, cc);
    assert_eq!(register(&mut ep, ctl, CSTS) & 1, 1, "CSTS.RDY once enabled");
    assert_ne!(default, 0x0102_0304);
    assert_eq!(arbitration(&mut ep, ctl, Sel::Current), default);
    // Writing CC with EN already set resets nothing.
    ep.admin(ctl, &set, 0, 0, &[]).unwrap();
    write_cc(&mut ep, ctl, cc);
    assert_eq!(arbitration(&mut ep, ctl, Sel::Current), 0x0102_0304);
}
