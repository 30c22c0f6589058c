//! NVMe-MI Command Set (NMIMT 1): the conformance vectors and worked examples byte for byte in
//! both directions, truncation and corruption, and every rejection class with its location.

use nvme_mi_core::mi::command::*;
use nvme_mi_core::mi::status::{
    ParameterErrorLocation, Rejection, ResponseHeader, ResponseStatus, StatusInfo,
};
use nvme_mi_core::mi::{Csi, Error, Message, MessageHeader, Nmimt};
use zerocopy::little_endian::U16;

// Vectors copied byte for byte from `tests/vectors/vectors.json` (checked against the file
// by `embedded_vectors_match_vector_file`).
const HEALTH_POLL_REQ: &str = "84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00 d2 d4 77 36";
const HEALTH_POLL_REQ_CLEAR: &str = "84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 80 aa ef 81 b4";
const READ_SUBSYS_INFO_REQ: &str = "84 08 00 00 00 00 00 00 00 00 00 00 00 00 00 00 e2 00 06 07";
const READ_CTRL_LIST_REQ: &str = "84 08 00 00 00 00 00 00 00 00 00 02 00 00 00 00 ba df 24 77";
const READ_CTRL_LIST_RESP: &str = "84 88 00 00 00 04 00 00 01 00 01 00 7d b1 8d 07";
const HEALTH_POLL_RESP: &str = "84 88 00 00 00 00 00 00 38 3d 14 26 00 00 00 00 11 7c b0 3d";
const SUBSYS_INFO_RESP: &str = "84 88 00 00 00 20 00 00 01 01 02 00 00 00 00 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 3c f8 db 52";
const INVALID_PARAMETER_RESP: &str = "84 88 00 00 04 00 00 00 d7 64 55 59";
const INVALID_COMMAND_SIZE_RESP: &str = "84 88 00 00 05 00 00 00 6f ce 10 84";
const CONFIG_GET_MTU_REQ: &str = "84 08 00 00 04 00 00 00 03 00 00 01 00 00 00 00 e7 b8 94 21";
const CONFIG_GET_MTU_RESP: &str = "84 88 00 00 00 40 00 00 fd d5 12 e5";
const ADMIN_MPR_RESP: &str = "84 90 00 00 01 00 32 00 04 da 4f 4a";

/// Digest F.6: the acknowledgement of an Asynchronous Event Message.
const AE_ACK_REQ: &str =
    "84 08 00 00 03 00 00 00 04 00 00 00 00 00 00 00 00 00 05 00 05 97 3b dc f1";
/// Digest B.7 example 1, the response's NVMe-MI message (inside the SMBus frame).
const EXAMPLE_1_RESP: &str = "84 88 00 00 00 00 00 00 38 ff 25 03 01 00 00 00 56 af 1e d6";

const VECTORS: [(&str, &str); 12] = [
    ("mi-health-poll-req", HEALTH_POLL_REQ),
    ("mi-health-poll-req-clear", HEALTH_POLL_REQ_CLEAR),
    ("mi-read-subsys-info-req", READ_SUBSYS_INFO_REQ),
    ("mi-read-ctrl-list-req", READ_CTRL_LIST_REQ),
    ("mi-read-ctrl-list-resp", READ_CTRL_LIST_RESP),
    ("mi-health-poll-resp", HEALTH_POLL_RESP),
    ("mi-subsys-info-resp", SUBSYS_INFO_RESP),
    ("mi-invalid-parameter-resp", INVALID_PARAMETER_RESP),
    ("mi-invalid-command-size-resp", INVALID_COMMAND_SIZE_RESP),
    ("mi-config-get-mtu-req", CONFIG_GET_MTU_REQ),
    ("mi-config-get-mtu-resp", CONFIG_GET_MTU_RESP),
    ("admin-mpr-resp", ADMIN_MPR_RESP),
];

fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

#[test]
fn embedded_vectors_match_vector_file() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/vectors.json");
    let json = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    for (name, hexstr) in VECTORS {
        let at = json.find(&format!("\"name\": \"{name}\"")).unwrap();
        let rest = &json[at..];
        let start = rest.find("\"hex\": \"").unwrap() + 8;
        let end = start + rest[start..].find('"').unwrap();
        assert_eq!(hex(&rest[start..end]), hex(hexstr), "{name}");
    }
}

/// The responder's checks before decoding: message bounds and the integrity check.
fn checked(bytes: &[u8]) -> Result<Message<&[u8]>, Error> {
    let msg = Message::new_checked(bytes)?;
    msg.check_mic()?;
    Ok(msg)
}

/// True if the responder's full decode (bounds, integrity, MI request) fails.
fn decode_fails(bytes: &[u8]) -> bool {
    match checked(bytes) {
        Err(_) => true,
        Ok(msg) => MiRequest::parse(&msg).is_err(),
    }
}

/// Emit `cmd`, compare with the vector, parse it back as the responder, and check that every
/// prefix and every single-byte corruption fails.
fn request_vector<C: MiCommand>(cmd: &C, vector: &str, expected: MiRequest<'_>) {
    let v = hex(vector);
    let mut out = [0u8; 64];
    let n = cmd.emit_request(Csi::Slot0, &mut out).unwrap();
    assert_eq!(&out[..n], &v[..], "emit");
    assert_eq!(cmd.buffer_len(), v.len());
    let msg = checked(&v).unwrap();
    assert_eq!(MiRequest::parse(&msg), Ok(expected), "parse");
    let mut again = [0u8; 64];
    let m = expected.emit(Csi::Slot0, &mut again).unwrap();
    assert_eq!(&again[..m], &v[..], "re-emit");
    for len in 0..v.len() {
        assert!(decode_fails(&v[..len]), "prefix {len}");
    }
    for i in 0..v.len() {
        let mut bad = v.clone();
        bad[i] ^= 0x40;
        assert!(decode_fails(&bad), "corrupt byte {i}");
    }
}

/// Emit `resp`, compare with the vector, and return the vector's bytes for the parse side.
fn response_vector<R: MiResponse>(resp: &R, vector: &str) -> Vec<u8> {
    let v = hex(vector);
    let mut out = [0u8; 64];
    let n = resp.emit(Csi::Slot0, &mut out).unwrap();
    assert_eq!(&out[..n], &v[..], "emit");
    assert_eq!(resp.buffer_len(), v.len());
    let msg = Message::new_checked(&v[..]).unwrap();
    msg.check_mic().unwrap();
    v
}

/// Every prefix of a response message fails its typed decode (integrity not checked).
fn response_prefixes_fail<C: MiCommand>(cmd: &C, v: &[u8]) {
    for len in 0..v.len() {
        if let Ok(msg) = Message::new_checked(&v[..len]) {
            assert!(cmd.parse_response(&msg).is_err(), "prefix {len}");
        }
    }
}

#[test]
fn health_poll_requests() {
    let r = SubsystemHealthStatusPollRequest {
        clear_status: false,
    };
    request_vector(&r, HEALTH_POLL_REQ, MiRequest::SubsystemHealthStatusPoll(r));
    let c = SubsystemHealthStatusPollRequest { clear_status: true };
    request_vector(
        &c,
        HEALTH_POLL_REQ_CLEAR,
        MiRequest::SubsystemHealthStatusPoll(c),
    );
}

#[test]
fn read_data_structure_requests() {
    let s = ReadDataStructureRequest::new(Dtyp::SubsystemInformation);
    request_vector(&s, READ_SUBSYS_INFO_REQ, MiRequest::ReadDataStructure(s));
    let l = ReadDataStructureRequest::new(Dtyp::ControllerList);
    request_vector(&l, READ_CTRL_LIST_REQ, MiRequest::ReadDataStructure(l));
}

#[test]
fn controller_list_start_id_is_bits_15_0() {
    let r = ReadDataStructureRequest {
        ctrl_id: 0x1234,
        port_id: 0x56,
        ..ReadDataStructureRequest::new(Dtyp::ControllerList)
    };
    let mut out = [0u8; 20];
    r.emit_request(Csi::Slot0, &mut out).unwrap();
    assert_eq!(&out[8..12], &[0x34, 0x12, 0x56, 0x02]);
}

#[test]
fn controller_list_response() {
    let ids = [U16::new(1)];
    let mut buf = [0u8; 4];
    ControllerList::emit(&ids, &mut buf).unwrap();
    let resp = ReadDataStructureResponse {
        structure: DataStructure::ControllerList(ControllerList::parse(&buf).unwrap()),
    };
    let v = response_vector(&resp, READ_CTRL_LIST_RESP);
    let req = ReadDataStructureRequest::new(Dtyp::ControllerList);
    let msg = Message::new_checked(&v[..]).unwrap();
    let got = req.parse_response(&msg).unwrap().success().unwrap();
    assert_eq!(got, resp);
    let DataStructure::ControllerList(list) = got.structure else {
        panic!("not a controller list");
    };
    assert_eq!(list.iter().collect::<Vec<_>>(), [1]);
    response_prefixes_fail(&req, &v);
}

#[test]
fn subsystem_information_response() {
    let info = NvmSubsystemInformation::new(2, 1, 2);
    let resp = ReadDataStructureResponse {
        structure: DataStructure::SubsystemInformation(info),
    };
    let v = response_vector(&resp, SUBSYS_INFO_RESP);
    let req = ReadDataStructureRequest::new(Dtyp::SubsystemInformation);
    let msg = Message::new_checked(&v[..]).unwrap();
    let got = req.parse_response(&msg).unwrap().success().unwrap();
    let DataStructure::SubsystemInformation(s) = got.structure else {
        panic!("not subsystem information");
    };
    assert_eq!((s.nump, s.port_count(), s.mjr, s.mnr), (1, 2, 1, 2));
    response_prefixes_fail(&req, &v);
}

#[test]
fn health_poll_response() {
    let health = NvmSubsystemHealth::new(
        NvmSubsystemStatus::DF | NvmSubsystemStatus::RNR | NvmSubsystemStatus::P0LA,
        CriticalWarning::TAUT | CriticalWarning::IPS,
        CompositeTemperature::Celsius(20),
        0x26,
        CompositeControllerStatus::empty(),
    );
    // SW is inverted with reserved bit 7 clear, as in this vector.
    assert_eq!(health.sw, 0x3d);
    let resp = SubsystemHealthStatusPollResponse { health };
    let v = response_vector(&resp, HEALTH_POLL_RESP);
    let req = SubsystemHealthStatusPollRequest::default();
    let msg = Message::new_checked(&v[..]).unwrap();
    let got = req.parse_response(&msg).unwrap().success().unwrap();
    assert_eq!(got, resp);
    assert_eq!(got.health.smart_warnings_raw(), 0x3d);
    assert!(got.health.warnings_present());
    assert_eq!(got.health.temperature().celsius(), Some(20));
    assert_eq!(got.health.pdlu, 0x26);
    response_prefixes_fail(&req, &v);
}

#[test]
fn example_1_response() {
    // Digest B.7 example 1: NSS DF|RNR|P0LA, no warnings, 37 °C, PDLU 3, CCS RDY.
    let mut health = NvmSubsystemHealth::new(
        NvmSubsystemStatus::DF | NvmSubsystemStatus::RNR | NvmSubsystemStatus::P0LA,
        CriticalWarning::empty(),
        CompositeTemperature::Celsius(37),
        3,
        CompositeControllerStatus::RDY,
    );
    // The worked example's SW is 0xFF, reserved bit 7 set; `new` keeps it clear. Set it to
    // check the rest of the encoding against the example's bytes.
    assert_eq!(health.sw, 0x7f);
    health.sw = 0xff;
    let resp = SubsystemHealthStatusPollResponse { health };
    let v = response_vector(&resp, EXAMPLE_1_RESP);
    let req = SubsystemHealthStatusPollRequest::default();
    let msg = Message::new_checked(&v[..]).unwrap();
    let got = req.parse_response(&msg).unwrap().success().unwrap();
    assert_eq!(got.health.status(), NvmSubsystemStatus(0x38));
    assert!(!got.health.warnings_present());
    assert_eq!(got.health.ccs(), CompositeControllerStatus::RDY);
    response_prefixes_fail(&req, &v);
}

#[test]
fn config_get_mtu() {
    let req = ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 1 };
    request_vector(&req, CONFIG_GET_MTU_REQ, MiRequest::ConfigurationGet(req));
    let resp = ConfigurationGetResponse::MctpTransmissionUnitSize(64);
    let v = response_vector(&resp, CONFIG_GET_MTU_RESP);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(req.parse_response(&msg), Ok(Outcome::Success(resp)));
    response_prefixes_fail(&req, &v);
}

#[test]
fn ae_acknowledgement() {
    let req = ConfigurationSetRequest::AsyncEvent {
        aerd: 0,
        aemd: 0,
        encfa: false,
        enpfa: false,
        envfa: false,
        enable_list: &[0, 0, 5, 0, 5],
    };
    request_vector(&req, AE_ACK_REQ, MiRequest::ConfigurationSet(req));
    // The response carries an AE Occurrence List (here: none pending).
    let occ = [0u8, 0, 7, 0, 0, 7, 0];
    let resp = ConfigurationSetResponse::AsyncEvent {
        occurrence_list: &occ,
    };
    let mut out = [0u8; 32];
    let n = resp.emit(Csi::Slot0, &mut out).unwrap();
    assert_eq!(
        &out[..15],
        &[0x84, 0x88, 0, 0, 0, 0, 0, 0, 0, 0, 7, 0, 0, 7, 0]
    );
    let msg = Message::new_checked(&out[..n]).unwrap();
    assert_eq!(req.parse_response(&msg), Ok(Outcome::Success(resp)));
}

#[test]
fn error_responses_as_seen_by_the_requester() {
    let req = ReadDataStructureRequest::new(Dtyp::SubsystemInformation);
    let v = hex(INVALID_PARAMETER_RESP);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(
        req.parse_response(&msg),
        Ok(Outcome::Status(StatusInfo::InvalidParameter(
            ParameterErrorLocation::new(0, 0)
        )))
    );
    let v = hex(INVALID_COMMAND_SIZE_RESP);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(
        req.parse_response(&msg),
        Ok(Outcome::Status(StatusInfo::Other(
            ResponseStatus::InvalidCommandSize
        )))
    );
    // An Admin response is not an MI response.
    let v = hex(ADMIN_MPR_RESP);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(req.parse_response(&msg), Err(Error::WrongNmimt(2)));
    // An MPR to an MI command.
    let mpr = ResponseHeader::answering(
        &MessageHeader::request(Nmimt::MiCommand, Csi::Slot0),
        StatusInfo::MoreProcessingRequired(nvme_mi_core::mi::status::Mprt(0x32)),
    );
    let mut out = [0u8; 12];
    let n = mpr.emit_message(&[], &mut out).unwrap();
    let msg = Message::new_checked(&out[..n]).unwrap();
    let Ok(Outcome::Status(StatusInfo::MoreProcessingRequired(m))) = req.parse_response(&msg)
    else {
        panic!("not an MPR");
    };
    assert_eq!(m.as_millis(), 5000);
    // A request is not a response.
    let v = hex(HEALTH_POLL_REQ);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(req.parse_response(&msg), Err(Error::WrongDirection));
}

#[test]
fn rejections_emit_the_vectors() {
    let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
    let mut out = [0u8; 12];
    let n = Rejection::InvalidCommandSize
        .emit_response(&req, &mut out)
        .unwrap();
    assert_eq!(&out[..n], &hex(INVALID_COMMAND_SIZE_RESP)[..]);
    let n = Rejection::InvalidParameter(ParameterErrorLocation::new(0, 0))
        .emit_response(&req, &mut out)
        .unwrap();
    assert_eq!(&out[..n], &hex(INVALID_PARAMETER_RESP)[..]);
}

// ---------------------------------------------------------------------------------------------
// Rejections: crafted bad requests.

/// A sealed MI request message with the given body (after the 4-byte header).
fn request_with_body(body: &[u8]) -> Vec<u8> {
    let mut out = vec![0u8; body.len() + 8];
    let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot1);
    let n = nvme_mi_core::mi::header::emit_message(&hdr, &[body], &mut out).unwrap();
    out.truncate(n);
    out
}

fn request(opcode: u8, nmd0: u32, nmd1: u32, data: &[u8]) -> Vec<u8> {
    let mut body = vec![opcode, 0, 0, 0];
    body.extend_from_slice(&nmd0.to_le_bytes());
    body.extend_from_slice(&nmd1.to_le_bytes());
    body.extend_from_slice(data);
    request_with_body(&body)
}

fn reject(bytes: &[u8]) -> Rejection {
    let msg = Message::new_checked(bytes).unwrap();
    msg.check_mic().unwrap();
    MiRequest::parse(&msg).unwrap_err()
}

fn at(byte: u16, bit: u8) -> Rejection {
    Rejection::InvalidParameter(ParameterErrorLocation::new(byte, bit))
}

#[test]
fn short_request_is_invalid_command_size() {
    let full = request(0x01, 0, 0, &[]);
    let body = &full[4..full.len() - 4];
    for len in 0..body.len() {
        assert_eq!(
            reject(&request_with_body(&body[..len])),
            Rejection::InvalidCommandSize,
            "body length {len}"
        );
    }
}

#[test]
fn reserved_opcode_is_invalid_command_opcode() {
    for opc in 0x0d..=0xbf {
        assert_eq!(
            reject(&request(opc, 0, 0, &[])),
            Rejection::InvalidCommandOpcode
        );
    }
    // Vendor specific opcodes are passed through.
    let v = request(0xc5, 1, 2, &[3]);
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(
        MiRequest::parse(&msg),
        Ok(MiRequest::VendorSpecific(MiCommandRequestRepr {
            opcode: Opcode::VendorSpecific(0xc5),
            nmd0: 1,
            nmd1: 2,
            data: &[3],
        }))
    );
}

#[test]
fn reserved_field_values_are_invalid_parameter_at_the_field() {
    for dtyp in 6..=255u32 {
        assert_eq!(reject(&request(0x00, dtyp << 24, 0, &[])), at(11, 0));
    }
    for id in (0..=0xbfu32).filter(|id| *id == 0 || *id >= 5) {
        assert_eq!(reject(&request(0x03, id, 0, &[])), at(8, 0), "set {id}");
        assert_eq!(reject(&request(0x04, id, 0, &[])), at(8, 0), "get {id}");
    }
    for sfreq in [0u32, 4, 5, 15] {
        assert_eq!(
            reject(&request(0x03, 0x01 | sfreq << 8 | 1 << 24, 0, &[])),
            at(9, 0)
        );
    }
    for rsttyp in 1..=255u32 {
        assert_eq!(reject(&request(0x07, rsttyp << 24, 0, &[])), at(11, 0));
    }
    for shdntyp in 2..=255u32 {
        assert_eq!(reject(&request(0x0c, shdntyp << 24, 0, &[])), at(11, 0));
    }
    assert_eq!(reject(&request(0x02, 0x00ff_0000, 0, &[])), at(10, 0));
}

#[test]
fn invalid_parameter_response_bytes() {
    // A bad DTYP is answered with PEL byte 11, bit 0.
    let bad = request(0x00, 0x0600_0000, 0, &[]);
    let msg = Message::new_checked(&bad[..]).unwrap();
    let hdr = MessageHeader::parse(&msg);
    let r = MiRequest::parse(&msg).unwrap_err();
    let mut out = [0u8; 12];
    let n = r.emit_response(&hdr, &mut out).unwrap();
    assert_eq!(&out[..8], &[0x84, 0x89, 0, 0, 0x04, 0x00, 0x0b, 0x00]);
    let resp = Message::new_checked(&out[..n]).unwrap();
    resp.check_mic().unwrap();
    assert_eq!(
        ResponseHeader::parse(&resp).unwrap().info,
        StatusInfo::InvalidParameter(ParameterErrorLocation::new(11, 0))
    );
}

#[test]
fn request_data_size_is_checked() {
    // Commands that take no request data.
    let no_data: [(u8, u32, u32); 11] = [
        (0x00, 0, 0),
        (0x01, 0, 0),
        (0x02, 0, 0),
        (0x03, 0x01 | 1 << 8, 0),
        (0x03, 0x02, 0),
        (0x03, 0x03, 64),
        (0x04, 0x03, 0),
        (0x05, 0, 4),
        (0x07, 0, 0),
        (0x08, 0, 16),
        (0x0a, 0, 4),
    ];
    for (opc, nmd0, nmd1) in no_data {
        let ok = request(opc, nmd0, nmd1, &[]);
        assert!(!decode_fails(&ok), "{opc:#x}");
        assert_eq!(
            reject(&request(opc, nmd0, nmd1, &[0])),
            Rejection::InvalidCommandInputDataSize,
            "{opc:#x}"
        );
    }
    assert_eq!(
        reject(&request(0x0c, 0, 0, &[1, 2, 3, 4])),
        Rejection::InvalidCommandInputDataSize
    );
    assert_eq!(
        reject(&request(0x04, 0x04, 0, &[1])),
        Rejection::InvalidCommandInputDataSize
    );
    // Commands whose data length is given by a field: too little and too much.
    for opc in [0x06u8, 0x09, 0x0b] {
        assert!(!decode_fails(&request(opc, 0, 3, &[1, 2, 3])));
        for data in [&[][..], &[1, 2][..], &[1, 2, 3, 4][..]] {
            assert_eq!(
                reject(&request(opc, 0, 3, data)),
                Rejection::InvalidCommandInputDataSize,
                "{opc:#x} with {} bytes",
                data.len()
            );
        }
    }
    // The AE configuration needs its AE Enable List.
    assert_eq!(
        reject(&request(0x03, 0x04, 0, &[])),
        Rejection::InvalidCommandInputDataSize
    );
}

#[test]
fn reserved_bits_are_ignored() {
    // Reserved bytes 7:5 and reserved NMD bits do not make a request invalid.
    let mut v = request(0x01, 0xffff_ffff, 0x7fff_ffff, &[]);
    v[5] = 0xaa;
    nvme_mi_core::mi::integrity::seal(&mut v).unwrap();
    assert_eq!(
        MiRequest::parse(&checked(&v).unwrap()),
        Ok(MiRequest::SubsystemHealthStatusPoll(
            SubsystemHealthStatusPollRequest {
                clear_status: false
            }
        ))
    );
    let v = request(0x03, 0x02, 0xffff_ffff, &[]);
    assert_eq!(
        MiRequest::parse(&checked(&v).unwrap()),
        Ok(MiRequest::ConfigurationSet(
            ConfigurationSetRequest::HealthStatusChange {
                clear: HealthStatusChangeMask::ALL
            }
        ))
    );
}

#[test]
fn request_view_and_repr_agree() {
    let v = hex(CONFIG_GET_MTU_REQ);
    let view = MiCommandRequest::new_checked(&v[..]).unwrap();
    assert_eq!(view.opcode(), Opcode::ConfigurationGet);
    assert_eq!(view.nmd0(), 0x0100_0003);
    assert_eq!(view.nmd1(), 0);
    assert!(view.data().is_empty());
    let msg = Message::new_checked(&v[..]).unwrap();
    assert_eq!(
        MiCommandRequestRepr::parse(&view),
        MiCommandRequestRepr::parse_message(&msg).unwrap()
    );
    let r = hex(READ_CTRL_LIST_RESP);
    let view = MiCommandResponse::new_checked(&r[..]).unwrap();
    assert_eq!(view.status(), ResponseStatus::Success);
    assert_eq!(view.nmresp(), 4);
    assert_eq!(view.data(), &[1, 0, 1, 0]);
}

#[test]
fn response_length_mismatches() {
    // RDL disagrees with the data.
    let resp = MiCommandResponseRepr {
        info: StatusInfo::Success([5, 0, 0]),
        data: &[1, 0, 1, 0],
    };
    let mut out = [0u8; 32];
    let n = resp.emit(Csi::Slot0, &mut out).unwrap();
    let msg = Message::new_checked(&out[..n]).unwrap();
    let req = ReadDataStructureRequest::new(Dtyp::ControllerList);
    assert_eq!(req.parse_response(&msg), Err(Error::InconsistentLength));
    // Controller health: RENT disagrees with the data.
    let resp = MiCommandResponseRepr {
        info: StatusInfo::Success([0, 0, 2]),
        data: &[0; 16],
    };
    let n = resp.emit(Csi::Slot0, &mut out).unwrap();
    let msg = Message::new_checked(&out[..n]).unwrap();
    let req = ControllerHealthStatusPollRequest::default();
    assert_eq!(req.parse_response(&msg), Err(Error::Truncated));
    // VPD read: more data than asked for.
    let resp = MiCommandResponseRepr {
        info: StatusInfo::Success([0; 3]),
        data: &[0; 5],
    };
    let n = resp.emit(Csi::Slot0, &mut out).unwrap();
    let msg = Message::new_checked(&out[..n]).unwrap();
    let req = VpdReadRequest {
        offset: 0,
        length: 4,
    };
    assert_eq!(req.parse_response(&msg), Err(Error::InconsistentLength));
    // Data where a command returns none.
    let req = ResetRequest::default();
    assert_eq!(req.parse_response(&msg), Err(Error::TooLong));
    let req = ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 0 };
    assert_eq!(req.parse_response(&msg), Err(Error::TooLong));
}
