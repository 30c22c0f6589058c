//! NVMe-MI Command Set (NMIMT 1): property tests. Every typed request round-trips through
//! the requester's encoder and the responder's decoder, every typed response through the
//! responder's encoder and the requester's decoder; prefixes and arbitrary bytes never panic.

use nvme_mi_core::mi::command::*;
use nvme_mi_core::mi::status::{
    ParameterErrorLocation, Rejection, ResponseHeader, ResponseStatus, StatusInfo,
};
use nvme_mi_core::mi::{Csi, Message, MessageHeader, Nmimt};
use proptest::prelude::*;
use zerocopy::little_endian::U16;
use zerocopy::FromBytes;

fn csi() -> impl Strategy<Value = Csi> {
    prop_oneof![Just(Csi::Slot0), Just(Csi::Slot1)]
}

fn bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 0..max)
}

fn nonempty_bytes(max: usize) -> impl Strategy<Value = Vec<u8>> {
    proptest::collection::vec(any::<u8>(), 1..max)
}

/// Requester emits, responder parses: the same request, the same bytes again, and every
/// prefix is rejected by the full decode.
fn request_round_trip<C: MiCommand>(
    cmd: &C,
    csi: Csi,
    expected: MiRequest<'_>,
) -> Result<(), TestCaseError> {
    let mut buf = vec![0u8; cmd.buffer_len()];
    let n = cmd.emit_request(csi, &mut buf).unwrap();
    prop_assert_eq!(n, buf.len());
    let msg = Message::new_checked(&buf[..]).unwrap();
    msg.check_mic().unwrap();
    prop_assert_eq!(msg.csi(), csi);
    prop_assert_eq!(msg.nmimt(), Nmimt::MiCommand);
    let parsed = MiRequest::parse(&msg);
    prop_assert_eq!(parsed, Ok(expected));
    prop_assert_eq!(parsed.unwrap().opcode(), C::OPCODE);
    let mut again = vec![0u8; n];
    prop_assert_eq!(expected.emit(csi, &mut again), Ok(n));
    prop_assert_eq!(&again, &buf);
    for len in 0..n {
        if let Ok(m) = Message::new_checked(&buf[..len]) {
            prop_assert!(m.check_mic().is_err() || MiRequest::parse(&m).is_err());
        }
    }
    if n > 0 {
        prop_assert!(cmd.emit_request(csi, &mut again[..n - 1]).is_err());
    }
    Ok(())
}

/// Responder emits, requester parses: the same response.
macro_rules! response_round_trip {
    ($cmd:expr, $resp:expr, $csi:expr) => {{
        let resp = $resp;
        let mut buf = vec![0u8; MiResponse::buffer_len(&resp)];
        let n = resp.emit($csi, &mut buf).unwrap();
        prop_assert_eq!(n, buf.len());
        let msg = Message::new_checked(&buf[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(msg.csi(), $csi);
        prop_assert_eq!($cmd.parse_response(&msg), Ok(Outcome::Success(resp)));
        for len in 0..n {
            if let Ok(m) = Message::new_checked(&buf[..len]) {
                // Never a panic; with the integrity check, never a success.
                let typed = $cmd.parse_response(&m);
                prop_assert!(m.check_mic().is_err() || typed.is_err());
            }
        }
    }};
}

fn structure_32() -> impl Strategy<Value = [u8; 32]> {
    any::<[u8; 32]>()
}

proptest! {
    /// The lenient decoding (the `lenient_data_structure_length` quirk) never panics, agrees
    /// with the strict one wherever that accepts, and reads a Controller List's identifiers
    /// from the bytes present, never more than its count.
    #[test]
    fn read_data_structure_lenient(dtyp in 0u8..=7, exact: bool, rdl: u16, data in bytes(80)) {
        let dtyp = Dtyp::from_u8(dtyp);
        let rdl = if exact { data.len() as u16 } else { rdl }.to_le_bytes();
        let lenient = ReadDataStructureResponse::parse_lenient(dtyp, &data);
        if let Ok(strict) = ReadDataStructureResponse::parse(dtyp, [rdl[0], rdl[1], 0], &data) {
            prop_assert_eq!(lenient, Ok(strict));
        }
        if let Ok(ReadDataStructureResponse { structure: DataStructure::ControllerList(l) }) = lenient {
            let count = usize::from(u16::from_le_bytes([data[0], data[1]]));
            prop_assert_eq!(l.len(), count.min((data.len() - 2) / 2));
            for (i, id) in l.iter().enumerate() {
                prop_assert_eq!(id, u16::from_le_bytes([data[2 + 2 * i], data[3 + 2 * i]]));
            }
        }
    }

    #[test]
    fn read_data_structure(
        dtyp in 0u8..=5, port_id: u8, ctrl_id: u16, iocsi: u8, csi in csi(),
        fixed in structure_32(),
        ids in proptest::collection::vec(any::<u16>(), 0..64),
        cmds in proptest::collection::vec(any::<[u8; 2]>(), 0..64),
    ) {
        let req = ReadDataStructureRequest { dtyp: Dtyp::from_u8(dtyp), port_id, ctrl_id, iocsi };
        request_round_trip(&req, csi, MiRequest::ReadDataStructure(req))?;
        let mut list = vec![0u8; 2 + 2 * 64];
        let structure = match req.dtyp {
            Dtyp::SubsystemInformation => DataStructure::SubsystemInformation(
                NvmSubsystemInformation::read_from_bytes(&fixed).unwrap()),
            Dtyp::PortInformation => DataStructure::PortInformation(
                PortInformation::read_from_bytes(&fixed).unwrap()),
            Dtyp::ControllerInformation => DataStructure::ControllerInformation(
                ControllerInformation::read_from_bytes(&fixed).unwrap()),
            Dtyp::ControllerList => {
                let ids: Vec<U16> = ids.iter().map(|v| U16::new(*v)).collect();
                let n = ControllerList::emit(&ids, &mut list).unwrap();
                let l = ControllerList::parse(&list[..n]).unwrap();
                prop_assert_eq!(l.iter().collect::<Vec<_>>(), ids.iter().map(|v| v.get()).collect::<Vec<_>>());
                DataStructure::ControllerList(l)
            }
            _ => {
                let entries: Vec<CommandListEntry> =
                    cmds.iter().map(|c| CommandListEntry { ctyp: c[0], opc: c[1] }).collect();
                let n = CommandList::emit(&entries, &mut list).unwrap();
                let l = CommandList::parse(&list[..n]).unwrap();
                prop_assert_eq!(l.entries(), &entries[..]);
                if req.dtyp == Dtyp::MebCommandSupportList {
                    DataStructure::MebCommandSupportList(l)
                } else {
                    DataStructure::OptionallySupportedCommandList(l)
                }
            }
        };
        prop_assert_eq!(structure.dtyp(), req.dtyp);
        response_round_trip!(req, ReadDataStructureResponse { structure }, csi);
    }

    #[test]
    fn subsystem_health_poll(clear_status: bool, csi in csi(), raw: [u8; 8]) {
        let req = SubsystemHealthStatusPollRequest { clear_status };
        request_round_trip(&req, csi, MiRequest::SubsystemHealthStatusPoll(req))?;
        let health = NvmSubsystemHealth::read_from_bytes(&raw).unwrap();
        response_round_trip!(req, SubsystemHealthStatusPollResponse { health }, csi);
    }

    #[test]
    fn subsystem_health_fields(nss: u8, warn in 0u8..0x80, ctemp: u8, pdlu: u8, ccs: u16) {
        let h = NvmSubsystemHealth::new(
            NvmSubsystemStatus(nss),
            CriticalWarning(warn),
            CompositeTemperature::from_u8(ctemp),
            pdlu,
            CompositeControllerStatus(ccs),
        );
        prop_assert_eq!(h.status(), NvmSubsystemStatus::from_bits_truncate(nss));
        prop_assert_eq!(h.warnings(), CriticalWarning(warn));
        prop_assert_eq!(h.warnings_present(), warn != 0);
        prop_assert_eq!(h.smart_warnings_raw(), !warn & 0x7f, "inverted, reserved bit 7 clear");
        prop_assert_eq!(h.temperature().to_u8(), ctemp);
        prop_assert_eq!(h.ccs(), CompositeControllerStatus(ccs));
    }

    #[test]
    fn controller_health_poll(
        sctlid: u16, maxrent in 0u8..0xff, incf: bool, incpf: bool, incvf: bool, all: bool,
        select in 0u8..0x20, ccf: bool, csi in csi(),
        entries in proptest::collection::vec(any::<[u8; 16]>(), 0..40),
    ) {
        let req = ControllerHealthStatusPollRequest {
            sctlid, maxrent, incf, incpf, incvf, all, select: HealthChangeSelect(select), ccf,
        };
        request_round_trip(&req, csi, MiRequest::ControllerHealthStatusPoll(req))?;
        let entries: Vec<ControllerHealth> =
            entries.iter().map(|e| ControllerHealth::read_from_bytes(e).unwrap()).collect();
        let resp = ControllerHealthStatusPollResponse {
            entries: ControllerHealthList::new(&entries),
        };
        prop_assert_eq!(resp.nmresp(), [0, 0, entries.len() as u8]);
        response_round_trip!(req, resp, csi);
    }

    #[test]
    fn configuration_set(
        which in 0u8..5, port_id: u8, sfreq in 1u8..=3, mask in 0u32..0x2000, mtus: u16,
        aerd: u8, aemd: u8, encfa: bool, enpfa: bool, envfa: bool,
        vid in 0xc0u8..=0xff, high in 0u32..0x0100_0000, nmd1: u32, nmresp in 0u32..0x0100_0000,
        list in nonempty_bytes(64), data in bytes(64), csi in csi(),
    ) {
        let req = match which {
            0 => ConfigurationSetRequest::SmbusI2cFrequency {
                port_id, frequency: SmbusFrequency::from_u8(sfreq),
            },
            1 => ConfigurationSetRequest::HealthStatusChange { clear: HealthStatusChangeMask(mask) },
            2 => ConfigurationSetRequest::MctpTransmissionUnitSize { port_id, mtus },
            3 => ConfigurationSetRequest::AsyncEvent {
                aerd, aemd, encfa, enpfa, envfa, enable_list: &list,
            },
            _ => ConfigurationSetRequest::VendorSpecific { id: vid, nmd0_high: high, nmd1, data: &data },
        };
        request_round_trip(&req, csi, MiRequest::ConfigurationSet(req))?;
        let resp = match req {
            ConfigurationSetRequest::AsyncEvent { .. } =>
                ConfigurationSetResponse::AsyncEvent { occurrence_list: &data },
            ConfigurationSetRequest::VendorSpecific { .. } =>
                ConfigurationSetResponse::Raw { nmresp, data: &data },
            _ => ConfigurationSetResponse::Done,
        };
        response_round_trip!(req, resp, csi);
    }

    #[test]
    fn configuration_get(
        which in 0u8..5, port_id: u8, sfreq in 0u8..16, mtu: u16, aeelver: u8,
        vid in 0xc0u8..=0xff, high in 0u32..0x0100_0000, nmd1: u32, nmresp in 0u32..0x0100_0000,
        data in bytes(64), csi in csi(),
    ) {
        let (req, resp) = match which {
            0 => (
                ConfigurationGetRequest::SmbusI2cFrequency { port_id },
                ConfigurationGetResponse::SmbusI2cFrequency(SmbusFrequency::from_u8(sfreq)),
            ),
            1 => (ConfigurationGetRequest::HealthStatusChange, ConfigurationGetResponse::HealthStatusChange),
            2 => (
                ConfigurationGetRequest::MctpTransmissionUnitSize { port_id },
                ConfigurationGetResponse::MctpTransmissionUnitSize(mtu),
            ),
            3 => (
                ConfigurationGetRequest::AsyncEvent,
                ConfigurationGetResponse::AsyncEvent { aeelver, supported_list: &data },
            ),
            _ => (
                ConfigurationGetRequest::VendorSpecific { id: vid, nmd0_high: high, nmd1, data: &data },
                ConfigurationGetResponse::Raw { nmresp, data: &data },
            ),
        };
        prop_assert_eq!(req.id().to_u8(), req.nmd0() as u8);
        request_round_trip(&req, csi, MiRequest::ConfigurationGet(req))?;
        response_round_trip!(req, resp, csi);
    }

    #[test]
    fn vpd(offset: u16, data in bytes(300), csi in csi()) {
        let read = VpdReadRequest { offset, length: data.len() as u16 };
        request_round_trip(&read, csi, MiRequest::VpdRead(read))?;
        response_round_trip!(read, VpdReadResponse { data: &data }, csi);
        let write = VpdWriteRequest { offset, data: &data };
        request_round_trip(&write, csi, MiRequest::VpdWrite(write))?;
        response_round_trip!(write, Empty, csi);
    }

    #[test]
    fn meb(offset: u32, data in bytes(300), csi in csi()) {
        let read = MebReadRequest { offset, length: data.len() as u32 };
        request_round_trip(&read, csi, MiRequest::MebRead(read))?;
        response_round_trip!(read, MebReadResponse { data: &data }, csi);
        let write = MebWriteRequest { offset, data: &data };
        request_round_trip(&write, csi, MiRequest::MebWrite(write))?;
        response_round_trip!(write, Empty, csi);
    }

    #[test]
    fn ses(page_code: u8, extra: u16, data in bytes(300), csi in csi()) {
        let alen = (data.len() as u16).saturating_add(extra);
        let recv = SesReceiveRequest { page_code, allocation_length: alen };
        request_round_trip(&recv, csi, MiRequest::SesReceive(recv))?;
        response_round_trip!(recv, SesReceiveResponse { data: &data }, csi);
        let send = SesSendRequest { data: &data };
        request_round_trip(&send, csi, MiRequest::SesSend(send))?;
        response_round_trip!(send, Empty, csi);
    }

    #[test]
    fn reset_and_shutdown(abrupt: bool, csi in csi()) {
        let reset = ResetRequest { reset_type: ResetType::NvmSubsystem };
        request_round_trip(&reset, csi, MiRequest::Reset(reset))?;
        response_round_trip!(reset, Empty, csi);
        let t = if abrupt { ShutdownType::Abrupt } else { ShutdownType::Normal };
        let shutdown = ShutdownRequest { shutdown_type: t };
        request_round_trip(&shutdown, csi, MiRequest::Shutdown(shutdown))?;
        response_round_trip!(shutdown, Empty, csi);
    }

    #[test]
    fn vendor_specific_opcode(opc in 0xc0u8..=0xff, nmd0: u32, nmd1: u32, data in bytes(64), csi in csi()) {
        let raw = MiCommandRequestRepr { opcode: Opcode::from_u8(opc), nmd0, nmd1, data: &data };
        let mut buf = vec![0u8; raw.buffer_len()];
        raw.emit(csi, &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(MiRequest::parse(&msg), Ok(MiRequest::VendorSpecific(raw)));
        let view = MiCommandRequest::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(MiCommandRequestRepr::parse(&view), raw);
    }

    #[test]
    fn raw_response_round_trip(status: u8, b: [u8; 3], data in bytes(64), csi in csi()) {
        let info = StatusInfo::from_parts(ResponseStatus::from_u8(status), b);
        let r = MiCommandResponseRepr { info, data: &data };
        let mut buf = vec![0u8; r.buffer_len()];
        r.emit(csi, &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..]).unwrap();
        msg.check_mic().unwrap();
        prop_assert_eq!(MiCommandResponseRepr::parse_message(&msg), Ok(r));
        let view = MiCommandResponse::new_checked(&buf[..]).unwrap();
        prop_assert_eq!(MiCommandResponseRepr::parse(&view), r);
        prop_assert_eq!(view.status().to_u8(), status);
    }

    #[test]
    fn error_statuses_reach_the_requester(status in 2u8..=255, b: [u8; 3], csi in csi()) {
        // Any non-success status is reported as data, whatever the command.
        let info = StatusInfo::from_parts(ResponseStatus::from_u8(status), b);
        let hdr = ResponseHeader::answering(&MessageHeader::request(Nmimt::MiCommand, csi), info);
        let mut buf = [0u8; 12];
        hdr.emit_message(&[], &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..]).unwrap();
        let req = SubsystemHealthStatusPollRequest::default();
        prop_assert_eq!(req.parse_response(&msg), Ok(Outcome::Status(info)));
    }

    #[test]
    fn rejection_round_trip(which in 0u8..7, byte: u16, bit in 0u8..8, other: u8, admin: bool, csi in csi()) {
        let r = match which {
            0 => Rejection::InternalError,
            1 => Rejection::InvalidCommandOpcode,
            2 => Rejection::InvalidParameter(ParameterErrorLocation::new(byte, bit)),
            3 => Rejection::InvalidCommandSize,
            4 => Rejection::InvalidCommandInputDataSize,
            5 => Rejection::AccessDenied,
            _ => Rejection::Other(ResponseStatus::from_u8(other.max(0x20))),
        };
        let nmimt = if admin { Nmimt::AdminCommand } else { Nmimt::MiCommand };
        let req = MessageHeader::request(nmimt, csi);
        let mut buf = [0u8; 12];
        prop_assert_eq!(r.emit_response(&req, &mut buf), Ok(12));
        let msg = Message::new_checked(&buf[..]).unwrap();
        msg.check_mic().unwrap();
        let h = ResponseHeader::parse_as(&msg, nmimt).unwrap();
        prop_assert_eq!(h.header.csi, csi);
        prop_assert_eq!(h.status(), r.status());
        if !matches!(r, Rejection::Other(ResponseStatus::InvalidParameter | ResponseStatus::MoreProcessingRequired)) {
            prop_assert_eq!(h.info, r.status_info());
        }
    }

    #[test]
    fn arbitrary_requests_never_panic(body in bytes(80), csi in csi()) {
        let hdr = MessageHeader::request(Nmimt::MiCommand, csi);
        let mut buf = vec![0u8; body.len() + 8];
        let n = nvme_mi_core::mi::header::emit_message(&hdr, &[&body], &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..n]).unwrap();
        match MiRequest::parse(&msg) {
            Ok(req) => {
                // A decoded request re-emits to a message that decodes to it again.
                let mut again = vec![0u8; req.to_repr().buffer_len()];
                req.emit(csi, &mut again).unwrap();
                let m2 = Message::new_checked(&again[..]).unwrap();
                prop_assert_eq!(MiRequest::parse(&m2), Ok(req));
            }
            Err(r) => {
                let mut out = [0u8; 12];
                prop_assert_eq!(r.emit_response(&hdr, &mut out), Ok(12));
            }
        }
    }

    #[test]
    fn arbitrary_responses_never_panic(status: u8, body in bytes(80), dtyp: u8, cfg in 0u8..5) {
        let mut b = vec![status];
        b.extend_from_slice(&body);
        let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0).response();
        let mut buf = vec![0u8; b.len() + 8];
        let n = nvme_mi_core::mi::header::emit_message(&hdr, &[&b], &mut buf).unwrap();
        let msg = Message::new_checked(&buf[..n]).unwrap();
        let _ = ReadDataStructureRequest::new(Dtyp::from_u8(dtyp)).parse_response(&msg);
        let _ = SubsystemHealthStatusPollRequest::default().parse_response(&msg);
        let _ = ControllerHealthStatusPollRequest::default().parse_response(&msg);
        let get = match cfg {
            0 => ConfigurationGetRequest::SmbusI2cFrequency { port_id: 0 },
            1 => ConfigurationGetRequest::HealthStatusChange,
            2 => ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: 0 },
            3 => ConfigurationGetRequest::AsyncEvent,
            _ => ConfigurationGetRequest::VendorSpecific { id: 0xc0, nmd0_high: 0, nmd1: 0, data: &[] },
        };
        let _ = get.parse_response(&msg);
        let _ = VpdReadRequest { offset: 0, length: 8 }.parse_response(&msg);
        let _ = SesReceiveRequest { page_code: 0, allocation_length: 8 }.parse_response(&msg);
        let _ = ControllerList::parse(&body);
        let _ = CommandList::parse(&body);
        let _ = PortInformation::parse(&body).map(|p| (p.pcie_data(), p.two_wire_data()));
    }
}
