//! Encode and decode cost of each NVMe-MI message family, and of carrying a 4 KiB Admin
//! response over SMBus (fragment + frame one way, deframe + reassemble + check the other).
//!
//! Run: `cargo bench -p nvme-mi-core --bench codec` (results in BENCHMARKS.md).
//! Quick check that every benchmark runs once: `cargo bench -p nvme-mi-core --bench codec -- --test`.

use criterion::{criterion_group, criterion_main, Criterion, Throughput};
use std::hint::black_box;

use nvme_mi_core::mctp::control::{
    ControlRequest, ControlRequestRepr, ControlResponse, ControlResponseRepr, EidType,
    EndpointType, GetEndpointIdResponse,
};
use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::reassemble::Reassembler;
use nvme_mi_core::mctp::{smbus, Eid, Tag, BASELINE_TU};
use nvme_mi_core::mi::admin::{
    decode_request, parse_response, AdminCompletion, AdminRequestRepr, AdminResponseRepr, Identify,
};
use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
use nvme_mi_core::mi::aem::{emit_aem, parse_aem, AeId, AeOccurrence, AeOccurrenceListHeader};
use nvme_mi_core::mi::command::{
    CompositeControllerStatus, CompositeTemperature, ConfigurationGetRequest,
    ConfigurationGetResponse, ConfigurationSetRequest, CriticalWarning, DataStructure, Dtyp,
    MiCommand, MiRequest, MiResponse, NvmSubsystemHealth, NvmSubsystemInformation,
    NvmSubsystemStatus, ReadDataStructureRequest, ReadDataStructureResponse,
    SubsystemHealthStatusPollRequest, SubsystemHealthStatusPollResponse,
};
use nvme_mi_core::mi::control_primitive::{
    ControlPrimitive, ControlPrimitiveRequestRepr, ControlPrimitiveResponseRepr, PrimitiveResponse,
};
use nvme_mi_core::mi::status::ResponseStatus;
use nvme_mi_core::mi::{Csi, Message, MAX_MESSAGE_LEN};
use nvme_mi_core::time::Instant;
use zerocopy::{FromZeros, IntoBytes};

fn mi_commands(c: &mut Criterion) {
    let mut out = [0u8; MAX_MESSAGE_LEN];
    let mut g = c.benchmark_group("mi");

    // NVM Subsystem Health Status Poll.
    let poll = SubsystemHealthStatusPollRequest {
        clear_status: false,
    };
    let n = poll.emit_request(Csi::Slot0, &mut out).unwrap();
    let req_wire = out[..n].to_vec();
    let health = NvmSubsystemHealth::new(
        NvmSubsystemStatus::DF | NvmSubsystemStatus::RNR,
        CriticalWarning::empty(),
        CompositeTemperature::Celsius(37),
        3,
        CompositeControllerStatus::RDY,
    );
    let n = SubsystemHealthStatusPollResponse { health }
        .emit(Csi::Slot0, &mut out)
        .unwrap();
    let resp_wire = out[..n].to_vec();
    g.bench_function("health_poll/request/encode", |b| {
        b.iter(|| black_box(&poll).emit_request(Csi::Slot0, &mut out).unwrap())
    });
    g.bench_function("health_poll/request/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&req_wire[..])).unwrap();
            msg.check_mic().unwrap();
            matches!(
                MiRequest::parse(&msg).unwrap(),
                MiRequest::SubsystemHealthStatusPoll(_)
            )
        })
    });
    g.bench_function("health_poll/response/encode", |b| {
        b.iter(|| {
            SubsystemHealthStatusPollResponse {
                health: black_box(health),
            }
            .emit(Csi::Slot0, &mut out)
            .unwrap()
        })
    });
    g.bench_function("health_poll/response/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&resp_wire[..])).unwrap();
            msg.check_mic().unwrap();
            poll.parse_response(&msg).unwrap().success().unwrap().health
        })
    });

    // Read NVMe-MI Data Structure, NVM Subsystem Information.
    let rds = ReadDataStructureRequest::new(Dtyp::SubsystemInformation);
    let n = rds.emit_request(Csi::Slot0, &mut out).unwrap();
    let rds_req = out[..n].to_vec();
    let info = NvmSubsystemInformation::new(2, 2, 0);
    let info_bytes = info.as_bytes().to_vec();
    let rds_resp_value = ReadDataStructureResponse {
        structure: DataStructure::parse(Dtyp::SubsystemInformation, &info_bytes).unwrap(),
    };
    let n = rds_resp_value.emit(Csi::Slot0, &mut out).unwrap();
    let rds_resp = out[..n].to_vec();
    g.bench_function("read_data_structure/request/encode", |b| {
        b.iter(|| black_box(&rds).emit_request(Csi::Slot0, &mut out).unwrap())
    });
    g.bench_function("read_data_structure/request/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&rds_req[..])).unwrap();
            msg.check_mic().unwrap();
            matches!(
                MiRequest::parse(&msg).unwrap(),
                MiRequest::ReadDataStructure(_)
            )
        })
    });
    g.bench_function("read_data_structure/response/encode", |b| {
        b.iter(|| {
            black_box(&rds_resp_value)
                .emit(Csi::Slot0, &mut out)
                .unwrap()
        })
    });
    g.bench_function("read_data_structure/response/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&rds_resp[..])).unwrap();
            msg.check_mic().unwrap();
            rds.parse_response(&msg).unwrap().success().is_some()
        })
    });

    // Configuration Get / Set, MCTP Transmission Unit Size.
    let get = ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 };
    let n = get.emit_request(Csi::Slot0, &mut out).unwrap();
    let get_req = out[..n].to_vec();
    let n = ConfigurationGetResponse::MctpTransmissionUnitSize(64)
        .emit(Csi::Slot0, &mut out)
        .unwrap();
    let get_resp = out[..n].to_vec();
    let set = ConfigurationSetRequest::MctpTransmissionUnitSize {
        port_id: 1,
        mtus: 250,
    };
    let n = set.emit_request(Csi::Slot0, &mut out).unwrap();
    let set_req = out[..n].to_vec();
    g.bench_function("config_get/request/encode", |b| {
        b.iter(|| black_box(&get).emit_request(Csi::Slot0, &mut out).unwrap())
    });
    g.bench_function("config_get/request/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&get_req[..])).unwrap();
            msg.check_mic().unwrap();
            matches!(
                MiRequest::parse(&msg).unwrap(),
                MiRequest::ConfigurationGet(_)
            )
        })
    });
    g.bench_function("config_get/response/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&get_resp[..])).unwrap();
            msg.check_mic().unwrap();
            get.parse_response(&msg).unwrap().success().is_some()
        })
    });
    g.bench_function("config_set/request/encode", |b| {
        b.iter(|| black_box(&set).emit_request(Csi::Slot0, &mut out).unwrap())
    });
    g.bench_function("config_set/request/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&set_req[..])).unwrap();
            msg.check_mic().unwrap();
            matches!(
                MiRequest::parse(&msg).unwrap(),
                MiRequest::ConfigurationSet(_)
            )
        })
    });
    g.finish();
}

fn admin(c: &mut Criterion) {
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut g = c.benchmark_group("admin");
    let mut repr = AdminRequestRepr::for_command(1, &Identify::controller());
    repr.dofst = 0;
    repr.dlen = 4096;
    let n = repr.emit_message(&[], &mut out).unwrap();
    let req_wire = out[..n].to_vec();
    let mut id = IdentifyController::new_zeroed();
    id.vid.set(0xfffe);
    id.set_sn("SIM0000001");
    id.set_mn("nvme-mi-rs Simulated NVMe SSD 960GB");
    let data = id.as_bytes().to_vec();
    let resp_repr = AdminResponseRepr::success(&repr, AdminCompletion::success(0));
    let n = resp_repr.emit_message(&data, &mut out).unwrap();
    let resp_wire = out[..n].to_vec();

    g.bench_function("identify/request/encode", |b| {
        b.iter(|| black_box(&repr).emit_message(&[], &mut out).unwrap())
    });
    g.bench_function("identify/request/decode", |b| {
        b.iter(|| decode_request(black_box(&req_wire[..])).unwrap().repr.dlen)
    });
    g.throughput(Throughput::Bytes(resp_wire.len() as u64));
    let mut copy = vec![0u8; resp_wire.len()];
    g.bench_function("identify/memcpy", |b| {
        b.iter(|| {
            copy.copy_from_slice(black_box(&resp_wire[..]));
            black_box(&mut copy);
        })
    });
    g.bench_function("identify/response/encode", |b| {
        b.iter(|| black_box(&resp_repr).emit_message(&data, &mut out).unwrap())
    });
    g.bench_function("identify/response/decode", |b| {
        // parse_response checks the MIC itself (once).
        b.iter(|| {
            let (_, d) = parse_response(black_box(&resp_wire[..])).unwrap();
            IdentifyController::view(d).unwrap().vid.get()
        })
    });
    g.finish();
}

fn primitives_events_control(c: &mut Criterion) {
    let mut out = [0u8; 256];
    let mut g = c.benchmark_group("other");

    // Control primitive Get State.
    let cp = ControlPrimitiveRequestRepr {
        csi: Csi::Slot0,
        tag: 0x5a,
        primitive: ControlPrimitive::GetState {
            clear_error_state: true,
        },
    };
    let n = cp.emit_message(&mut out).unwrap();
    let cp_req = out[..n].to_vec();
    let cp_resp_repr = ControlPrimitiveResponseRepr {
        csi: Csi::Slot0,
        status: ResponseStatus::Success,
        tag: 0x5a,
        cpsr: 0x0004,
    };
    let n = cp_resp_repr.emit_message(&mut out).unwrap();
    let cp_resp = out[..n].to_vec();
    g.bench_function("control_primitive/request/encode", |b| {
        b.iter(|| black_box(&cp).emit_message(&mut out).unwrap())
    });
    g.bench_function("control_primitive/request/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&cp_req[..])).unwrap();
            msg.check_mic().unwrap();
            ControlPrimitiveRequestRepr::parse(&msg).unwrap().tag
        })
    });
    g.bench_function("control_primitive/response/encode", |b| {
        b.iter(|| black_box(&cp_resp_repr).emit_message(&mut out).unwrap())
    });
    g.bench_function("control_primitive/response/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&cp_resp[..])).unwrap();
            msg.check_mic().unwrap();
            let r = ControlPrimitiveResponseRepr::parse(&msg).unwrap();
            matches!(
                r.typed(cp.primitive.opcode()),
                PrimitiveResponse::GetState(_)
            )
        })
    });

    // Asynchronous Event Message with two occurrences.
    let occ = [
        AeOccurrence::new(AeId::SmartWarnings),
        AeOccurrence::new(AeId::CompositeTemperature),
    ];
    let hdr = AeOccurrenceListHeader::default();
    let n = emit_aem(&hdr, &occ, &mut out).unwrap();
    let aem = out[..n].to_vec();
    g.bench_function("aem/encode", |b| {
        b.iter(|| emit_aem(&hdr, black_box(&occ), &mut out).unwrap())
    });
    g.bench_function("aem/decode", |b| {
        b.iter(|| {
            let msg = Message::new_checked(black_box(&aem[..])).unwrap();
            msg.check_mic().unwrap();
            parse_aem(&msg).unwrap().occurrences().count()
        })
    });

    // MCTP control Get Endpoint ID.
    let req = ControlRequestRepr {
        instance_id: 1,
        datagram: false,
        body: ControlRequest::GetEndpointId,
    };
    let n = req.emit(&mut out).unwrap();
    let ctl_req = out[..n].to_vec();
    let resp = req.response(ControlResponse::GetEndpointId(GetEndpointIdResponse {
        eid: Eid(9),
        endpoint_type: EndpointType::Simple,
        eid_type: EidType::StaticSupported,
        medium_specific: 0,
    }));
    let n = resp.emit(&mut out).unwrap();
    let ctl_resp = out[..n].to_vec();
    g.bench_function("mctp_control/request/encode", |b| {
        b.iter(|| black_box(&req).emit(&mut out).unwrap())
    });
    g.bench_function("mctp_control/request/decode", |b| {
        b.iter(|| {
            ControlRequestRepr::parse(black_box(&ctl_req[..]))
                .unwrap()
                .instance_id
        })
    });
    g.bench_function("mctp_control/response/encode", |b| {
        b.iter(|| black_box(&resp).emit(&mut out).unwrap())
    });
    g.bench_function("mctp_control/response/decode", |b| {
        b.iter(|| {
            ControlResponseRepr::parse_for(black_box(&ctl_resp[..]), req.body.command())
                .unwrap()
                .completion
        })
    });
    g.finish();
}

/// A 4 KiB Identify response carried in baseline (64-byte payload) SMBus packets.
fn smbus_4k(c: &mut Criterion) {
    let mut repr = AdminRequestRepr::for_command(1, &Identify::controller());
    repr.dlen = 4096;
    let data = vec![0x5au8; 4096];
    let mut msg = vec![0u8; MAX_MESSAGE_LEN];
    let len = AdminResponseRepr::success(&repr, AdminCompletion::success(0))
        .emit_message(&data, &mut msg)
        .unwrap();
    msg.truncate(len);
    let header = PacketRepr {
        dest: Eid(8),
        src: Eid(9),
        som: false,
        eom: false,
        seq: 0,
        tag_owner: false,
        tag: Tag::new(2).unwrap(),
    };
    // Drive (0x1d) to BMC (0x10).
    let frame_all = |msg: &[u8], frames: &mut Vec<Vec<u8>>| {
        let parts = [msg];
        let mut frag = Fragmenter::new(&parts, header, BASELINE_TU).unwrap();
        let mut pkt = [0u8; smbus::MAX_PACKET_LEN];
        let mut i = 0;
        while let Some(n) = frag.next(&mut pkt) {
            let n = n.unwrap();
            let f = &mut frames[i];
            f.resize(smbus::MAX_FRAME_LEN, 0);
            let flen = smbus::emit(0x10, 0x1d, &pkt[..n], f).unwrap();
            f.truncate(flen);
            i += 1;
        }
        i
    };
    let count = nvme_mi_core::mctp::fragment::packet_count(len, BASELINE_TU);
    let mut frames = vec![Vec::new(); count];
    assert_eq!(frame_all(&msg, &mut frames), count);

    let mut g = c.benchmark_group("smbus_4k");
    g.throughput(Throughput::Bytes(len as u64));
    g.bench_function("fragment_and_frame", |b| {
        b.iter(|| frame_all(black_box(&msg), &mut frames))
    });
    // As the requester's bus: a small context, the response into the caller's buffer.
    let mut reasm: Reassembler<1, 256> = Reassembler::new();
    let mut buf = vec![0u8; MAX_MESSAGE_LEN];
    reasm.set_local_eid(Some(Eid(8)));
    g.bench_function("deframe_reassemble_check", |b| {
        b.iter(|| {
            let mut got = 0;
            for f in black_box(&frames).iter() {
                let (_, packet) = smbus::decode(f).unwrap();
                // A clock reading the compiler cannot see through, as the bus's.
                let now = black_box(Instant(0));
                if let Some(m) = reasm.receive_into(packet, now, |_| true, &mut buf).unwrap() {
                    // parse_response checks the MIC (once).
                    let (_, d) = parse_response(m.message()).unwrap();
                    got = d.len();
                }
            }
            assert_eq!(got, 4096);
            got
        })
    });
    // The yardstick: a plain copy of the same number of bytes.
    let mut dst = vec![0u8; len];
    g.bench_function("memcpy", |b| {
        b.iter(|| {
            dst.copy_from_slice(black_box(&msg[..]));
            black_box(&mut dst);
        })
    });
    g.finish();
}

criterion_group!(
    benches,
    mi_commands,
    admin,
    primitives_events_control,
    smbus_4k
);
criterion_main!(benches);
