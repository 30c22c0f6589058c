//! A requester and a responder talking through Admin tunnelling, end to end: every builder's
//! request decodes on the responder side; prefixes never decode; data comes back through
//! the typed views.

use nvme_mi_core::mi::admin::*;
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController, SmartLog};
use nvme_mi_core::mi::status::{Mprt, StatusInfo};
use nvme_mi_core::mi::Csi;
use zerocopy::{FromZeros, IntoBytes};

fn send<C: AdminCommand>(cmd: &C, data: &[u8]) -> Vec<u8> {
    let repr = AdminRequestRepr {
        csi: Csi::Slot1,
        dlen: if data.is_empty() {
            AdminRequestRepr::for_command(0, cmd).dlen
        } else {
            data.len() as u32
        },
        ..AdminRequestRepr::for_command(0, cmd)
    };
    let mut out = vec![0u8; AdminRequestRepr::buffer_len(data.len())];
    repr.emit_message(data, &mut out).unwrap();
    out
}

/// Every builder's default request is accepted, comes back as the same typed command, and
/// no proper prefix of it is accepted.
#[test]
fn every_builder_decodes_and_prefixes_fail() {
    let msgs: Vec<(Vec<u8>, TypedCommand)> = vec![
        (
            send(&Identify::controller(), &[]),
            TypedCommand::Identify(Identify::controller()),
        ),
        {
            let g = GetLogPage::new(Lid::SmartHealth, 512);
            (send(&g, &[]), TypedCommand::GetLogPage(g))
        },
        {
            let g = GetFeatures::new(Fid::PowerManagement, Sel::Saved);
            (send(&g, &[]), TypedCommand::GetFeatures(g))
        },
        {
            let s = SetFeatures::temperature_threshold(
                TemperatureThreshold::over_composite(350),
                false,
            );
            (send(&s, &[]), TypedCommand::SetFeatures(s))
        },
        {
            let f = FirmwareImageDownload::new(8, 16).unwrap();
            (send(&f, &[7; 16]), TypedCommand::FirmwareImageDownload(f))
        },
        {
            let f = FirmwareCommit {
                fs: 2,
                ca: CommitAction::Activate,
                bpid: false,
            };
            (send(&f, &[]), TypedCommand::FirmwareCommit(f))
        },
        {
            let f = FormatNvm::new(1, 2);
            (send(&f, &[]), TypedCommand::FormatNvm(f))
        },
        {
            let s = Sanitize::new(Sanact::CryptoErase);
            (send(&s, &[]), TypedCommand::Sanitize(s))
        },
        {
            let s = SecuritySend {
                protocol: SecurityProtocol {
                    secp: 1,
                    spsp: 1,
                    nssf: 0,
                },
                tl: 8,
            };
            (send(&s, &[1; 8]), TypedCommand::SecuritySend(s))
        },
        {
            let s = SecurityReceive {
                protocol: SecurityProtocol::default(),
                al: 256,
            };
            (send(&s, &[]), TypedCommand::SecurityReceive(s))
        },
        {
            let n = NamespaceManagement {
                sel: NsManagementSel::Delete,
                nsid: 3,
                csi: 0,
            };
            (send(&n, &[]), TypedCommand::NamespaceManagement(n))
        },
        {
            let n = NamespaceAttachment {
                sel: NsAttachmentSel::Attach,
                nsid: 3,
            };
            (
                send(&n, &[1, 0, 1, 0]),
                TypedCommand::NamespaceAttachment(n),
            )
        },
        {
            let d = DeviceSelfTest {
                nsid: 0,
                stc: Stc::Short,
            };
            (send(&d, &[]), TypedCommand::DeviceSelfTest(d))
        },
    ];
    for (msg, want) in &msgs {
        let req = decode_request(msg).unwrap_or_else(|e| panic!("{want:?}: {e}"));
        assert_eq!(&req.command, want);
        assert_eq!(req.repr.csi, Csi::Slot1);
        for n in 0..msg.len() {
            assert!(decode_request(&msg[..n]).is_err(), "{want:?}: prefix {n}");
        }
    }
}

/// The simulated-drive loop: Identify Controller and a chunked SMART read.
#[test]
fn identify_and_smart_round_trip() {
    let mut id = IdentifyController::new_zeroed();
    id.vid.set(0x1b96);
    id.set_sn("WD-123");
    id.set_mn("Sim Drive");
    id.nvmsr = 1;
    let mut smart = SmartLog::new_zeroed();
    smart.temperature.set(300);
    smart.power_on_hours.set(12345);

    // Requester: Identify Controller.
    let msg = send(&Identify::controller(), &[]);
    // Responder: decode, answer with DLEN bytes from DOFST.
    let req = decode_request(&msg).unwrap();
    let TypedCommand::Identify(i) = req.command else {
        panic!("not identify")
    };
    assert_eq!(i.cns, Cns::Controller);
    let full = id.as_bytes();
    let slice = &full[req.repr.dofst as usize..][..req.repr.dlen as usize];
    let resp = AdminResponseRepr::success(&req.repr, AdminCompletion::success(0));
    let mut out = vec![0u8; resp.buffer_len(slice.len())];
    resp.emit_message(slice, &mut out).unwrap();
    // Requester: parse and view.
    let (back, data) = parse_response(&out).unwrap();
    assert_eq!(back.header.header.csi, Csi::Slot1);
    let view = IdentifyController::view(data).unwrap();
    assert_eq!(view.sn(), "WD-123");
    assert_eq!(view.mn(), "Sim Drive");
    assert!(view.is_storage_device());

    // SMART in 128-byte chunks by DOFST (DOFST slicing, NVMe-MI 1.2 §6).
    let g = GetLogPage::new(Lid::SmartHealth, 512);
    let mut got = Vec::new();
    for off in (0..512u32).step_by(128) {
        let repr = AdminRequestRepr {
            dofst: off,
            dlen: 128,
            ..AdminRequestRepr::for_command(0, &g)
        };
        let mut m = [0u8; 72];
        repr.emit_message(&[], &mut m).unwrap();
        let req = decode_request(&m).unwrap();
        let part = &smart.as_bytes()[req.repr.dofst as usize..][..req.repr.dlen as usize];
        let resp = AdminResponseRepr::success(&req.repr, AdminCompletion::success(0));
        let mut out = [0u8; 24 + 128];
        resp.emit_message(part, &mut out).unwrap();
        got.extend_from_slice(parse_response(&out).unwrap().1);
    }
    let log = SmartLog::view(&got).unwrap();
    assert_eq!(log.temperature.get(), 300);
    assert_eq!(log.power_on_hours.get(), 12345);

    // A slow command: MPR first, then the real answer with the same slot.
    let mpr = AdminResponseRepr::more_processing_required(&req.repr, Mprt::from_millis(5000));
    let mut out = [0u8; 12];
    mpr.emit_message(&[], &mut out).unwrap();
    let (m, _) = parse_response(&out).unwrap();
    assert_eq!(m.header.info, StatusInfo::MoreProcessingRequired(Mprt(50)));
}
