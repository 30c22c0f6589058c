//! The message layer: NVMe-MI messages (NVMe-MI 1.2 §3, §4) and MCTP control messages
//! (DSP0236 §11), from the message type byte on.

use nvme_mi_core::mctp::control;
use nvme_mi_core::mi::admin::{parse_response, AdminRequest, AdminRequestRepr, TypedCommand};
use nvme_mi_core::mi::command::{
    DataStructure, Dtyp, MiCommandRequestRepr, MiCommandResponseRepr, MiRequest,
    NvmSubsystemHealth, Opcode,
};
use nvme_mi_core::mi::control_primitive::{ControlPrimitiveRequestRepr, ControlPrimitiveResponse};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::{Error as MiError, Message, MessageHeader, Nmimt, Ror};

use super::report::Layer;
use super::words::{named, words};

/// What the previous request was, so that a response can be decoded in its light.
#[derive(Debug, Clone, Copy, Default)]
pub struct LastRequest {
    /// The MI opcode and, for Read NVMe-MI Data Structure, the data structure type.
    pub mi: Option<(Opcode, Option<Dtyp>)>,
}

/// Dissect a whole message (type byte first); appends its layers.
pub fn message(bytes: &[u8], last: &mut LastRequest, out: &mut Vec<Layer>) {
    let Some(&ty) = bytes.first() else {
        let mut l = Layer::new("MCTP message");
        l.error("MALFORMED: empty message");
        out.push(l);
        return;
    };
    let mut l = Layer::new("MCTP message");
    let kind = match ty & 0x7f {
        0x00 => "MCTP control",
        0x04 => "NVMe-MI",
        0x7e | 0x7f => "vendor defined",
        _ => "other",
    };
    l.field("message type", format!("{:#04x} ({kind})", ty & 0x7f))
        .field(
            "integrity check (IC)",
            if ty & 0x80 != 0 { "present" } else { "absent" },
        );
    out.push(l);
    match ty & 0x7f {
        0x00 => out.push(mctp_control(bytes)),
        0x04 => nvme_mi(bytes, last, out),
        _ => {}
    }
}

fn mctp_control(bytes: &[u8]) -> Layer {
    let mut l = Layer::new("MCTP control message (DSP0236 §11)");
    match control::ControlRequestRepr::parse(bytes) {
        Ok(r) => {
            l.field("direction", "request")
                .field("instance ID", r.instance_id)
                .field("command", words(&r.body.command()))
                .field("request", named(&r.body));
        }
        Err(control::Error::NotARequest) => match control::ControlResponseRepr::parse(bytes) {
            Ok(r) => {
                l.field("direction", "response")
                    .field("instance ID", r.instance_id)
                    .field("command", words(&r.body.command()))
                    .field("completion code", words(&r.completion))
                    .field("response", named(&r.body));
            }
            Err(e) => {
                l.error(format!("MALFORMED: {e}"));
            }
        },
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}

fn status_text(info: &StatusInfo) -> String {
    match info {
        StatusInfo::Success(b) => {
            format!("Success (NMRESP {:02x} {:02x} {:02x})", b[0], b[1], b[2])
        }
        StatusInfo::MoreProcessingRequired(t) => {
            format!("More Processing Required (wait {} ms)", t.as_millis())
        }
        StatusInfo::InvalidParameter(loc) => format!("Invalid Parameter ({loc})"),
        StatusInfo::Other(s) => format!("{} ({:#04x})", s.name(), s.to_u8()),
    }
}

fn nvme_mi(bytes: &[u8], last: &mut LastRequest, out: &mut Vec<Layer>) {
    let mut l = Layer::new("NVMe-MI message (NVMe-MI 1.2 §3.1)");
    let msg = match Message::new_checked(bytes) {
        Ok(m) => m,
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
            out.push(l);
            return;
        }
    };
    let h = MessageHeader::parse(&msg);
    let nmimt = match h.nmimt {
        Nmimt::ControlPrimitive => "Control Primitive",
        Nmimt::MiCommand => "NVMe-MI Command",
        Nmimt::AdminCommand => "NVMe Admin Command",
        Nmimt::PcieCommand => "PCIe Command",
        Nmimt::AsyncEvent => "Asynchronous Event",
        Nmimt::Unknown(_) => "reserved",
    };
    l.field("NMIMT", format!("{} ({nmimt})", h.nmimt.to_u8()))
        .field(
            "direction (ROR)",
            if h.ror == Ror::Response {
                "response"
            } else {
                "request"
            },
        )
        .field("command slot (CSI)", h.csi.to_bit())
        .field("MEB / CIAP", format!("{} / {}", h.meb, h.ciap));
    match msg.check_mic() {
        Ok(()) => {
            l.field("MIC", format!("{:#010x} OK", msg.mic()));
        }
        Err(MiError::IntegrityMismatch { computed, received }) => {
            l.field(
                "MIC",
                format!("{received:#010x} BAD (computed {computed:#010x})"),
            );
            l.error(format!(
                "MIC CHECK FAILED: received {received:#010x}, computed {computed:#010x}"
            ));
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    out.push(l);
    let response = h.ror == Ror::Response;
    let body = match (h.nmimt, response) {
        (Nmimt::MiCommand, false) => mi_request(&msg, last),
        (Nmimt::MiCommand, true) => mi_response(&msg, last),
        (Nmimt::AdminCommand, false) => admin_request(bytes),
        (Nmimt::AdminCommand, true) => admin_response(bytes),
        (Nmimt::ControlPrimitive, false) => primitive_request(&msg),
        (Nmimt::ControlPrimitive, true) => primitive_response(bytes),
        _ => {
            let mut b = Layer::new("body");
            b.field("bytes", hex::encode(msg.body()));
            b
        }
    };
    out.push(body);
}

fn mi_request(msg: &Message<&[u8]>, last: &mut LastRequest) -> Layer {
    let mut l = Layer::new("NVMe-MI Command request (NVMe-MI 1.2 §5)");
    match MiCommandRequestRepr::parse_message(msg) {
        Ok(r) => {
            l.field(
                "opcode",
                format!("{:#04x} ({})", r.opcode.to_u8(), r.opcode.name()),
            )
            .field("NMD0", format!("{:#010x}", r.nmd0))
            .field("NMD1", format!("{:#010x}", r.nmd1))
            .field("request data", format!("{} bytes", r.data.len()));
            let mut dtyp = None;
            match MiRequest::parse(msg) {
                Ok(t) => {
                    if let MiRequest::ReadDataStructure(rds) = &t {
                        dtyp = Some(rds.dtyp);
                    }
                    l.field("decoded", words(&t));
                }
                Err(rej) => {
                    l.error(format!("a responder rejects this request: {rej}"));
                }
            }
            last.mi = Some((r.opcode, dtyp));
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}

fn mi_response(msg: &Message<&[u8]>, last: &mut LastRequest) -> Layer {
    let mut l = Layer::new("NVMe-MI Command response (NVMe-MI 1.2 §4.1.2)");
    match MiCommandResponseRepr::parse_message(msg) {
        Ok(r) => {
            l.field("status", status_text(&r.info))
                .field("response data", format!("{} bytes", r.data.len()));
            if !r.data.is_empty() {
                l.field("data", hex::encode(r.data));
            }
            // Decoded in the light of the request on the line before, if there is one: a
            // response alone does not say which command it answers. A mismatch is a note,
            // not a failure.
            if let (StatusInfo::Success(_), Some((op, dtyp))) = (r.info, last.mi.take()) {
                l.field("read as answer to", op.name());
                match (op, dtyp) {
                    (Opcode::SubsystemHealthStatusPoll, _) => {
                        match NvmSubsystemHealth::parse(r.data) {
                            Ok(h) => {
                                l.field("nss", format!("{:#04x}", h.nss))
                                    .field("sw", format!("{:#04x}", h.sw))
                                    .field(
                                        "ctemp",
                                        crate::cli::commands::mi::temp_text(h.temperature()),
                                    )
                                    .field("pdlu", h.pdlu)
                                    .field("ccs", format!("{:#06x}", h.ccs().bits()));
                            }
                            Err(e) => {
                                l.field("note", format!("not a health status structure: {e}"));
                            }
                        }
                    }
                    (Opcode::ReadDataStructure, Some(d)) => match DataStructure::parse(d, r.data) {
                        Ok(DataStructure::ControllerList(list)) => {
                            let ids: Vec<String> = list.iter().map(|id| id.to_string()).collect();
                            l.field(
                                "data structure",
                                format!("controller list ({}): {}", list.len(), ids.join(", ")),
                            );
                        }
                        Ok(s) => {
                            l.field("data structure", named(&s));
                        }
                        Err(e) => {
                            l.field(
                                "note",
                                format!("not a data structure of type {:#04x}: {e}", d.to_u8()),
                            );
                        }
                    },
                    _ => {}
                }
            }
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}

fn admin_request(bytes: &[u8]) -> Layer {
    let mut l = Layer::new("Admin command request (NVMe-MI 1.2 §6.1)");
    let parsed = AdminRequest::new_checked(bytes).and_then(|r| AdminRequestRepr::parse(&r));
    match parsed {
        Ok(r) => {
            l.field(
                "opcode",
                format!("{:#04x} ({})", r.opcode.to_u8(), r.opcode),
            )
            .field("controller ID", r.ctlid)
            .field("NSID", format!("{:#x}", r.nsid))
            .field(
                "CDW10..15",
                format!(
                    "{:#x} {:#x} {:#x} {:#x} {:#x} {:#x}",
                    r.cdw10, r.cdw11, r.cdw12, r.cdw13, r.cdw14, r.cdw15
                ),
            )
            .field("DOFST / DLEN", format!("{} / {}", r.dofst, r.dlen))
            .field("decoded", words(&TypedCommand::from_repr(&r)));
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}

fn admin_response(bytes: &[u8]) -> Layer {
    let mut l = Layer::new("Admin command response (NVMe-MI 1.2 §6.2)");
    match parse_response(bytes) {
        Ok((r, data)) => {
            l.field("status", status_text(&r.header.info));
            if let Some(c) = r.completion {
                l.field("NVMe status", c.status)
                    .field(
                        "CQE DW0 / DW1",
                        format!("{:#010x} / {:#010x}", c.dw0, c.dw1),
                    )
                    .field("response data", format!("{} bytes", data.len()));
            }
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}

fn primitive_request(msg: &Message<&[u8]>) -> Layer {
    let mut l = Layer::new("Control Primitive request (NVMe-MI 1.2 §4.2.1)");
    match ControlPrimitiveRequestRepr::parse(msg) {
        Ok(r) => {
            l.field("primitive", named(&r.primitive))
                .field("tag", format!("{:#04x}", r.tag));
        }
        Err(rej) => {
            l.error(format!("MALFORMED: {rej}"));
        }
    }
    l
}

fn primitive_response(bytes: &[u8]) -> Layer {
    let mut l = Layer::new("Control Primitive response (NVMe-MI 1.2 §4.2.1)");
    match ControlPrimitiveResponse::new_checked(bytes) {
        Ok(r) => {
            l.field(
                "status",
                format!("{} ({:#04x})", r.status().name(), r.status().to_u8()),
            )
            .field("tag", format!("{:#04x}", r.tag()))
            .field("CPSR", format!("{:#06x}", r.cpsr()));
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    l
}
