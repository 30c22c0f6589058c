//! Invalid Parameter responses in words: the Parameter Error Location (NVMe-MI 1.2 §4.1.2,
//! Figure 29) names a byte and bit of the request, which is turned into the field's name,
//! the value that was sent and, where the endpoint can tell, what is valid
//! ("controller 3 does not exist (controllers: 0, 1)").

use nvme_mi_core::mi::command::{DataStructure, Dtyp, ReadDataStructureRequest};
use nvme_mi_core::mi::status::ParameterErrorLocation;
use nvme_mi_core::mi::{Message, Nmimt};

use super::error::CliError;
use super::Ctx;

/// The little-endian value of `len` bytes at `at` of `req`, if present.
fn le(req: &[u8], at: usize, len: usize) -> Option<u64> {
    let b = req.get(at..at + len)?;
    Some(b.iter().rev().fold(0u64, |v, &x| (v << 8) | u64::from(x)))
}

/// What the refused field of an Admin command request (NVMe-MI 1.2 §6, Figure 136) is.
fn admin_field(req: &[u8], byte: usize) -> Option<String> {
    let dword = |name: &str, at: usize| {
        le(req, at, 4).map(|v| format!("{name} ({v:#x}) is not valid for this command"))
    };
    match byte {
        4 => Some(format!(
            "the Admin opcode {:#04x} is not supported over NVMe-MI",
            req.get(4)?
        )),
        5 => Some("the command flags (CFLGS) are not valid".into()),
        8..=11 => le(req, 8, 4).map(|v| format!("namespace ID {v:#x} is not valid here")),
        28..=31 => le(req, 28, 4).map(|v| {
            format!("the data offset (DOFST) {v} is beyond the data this command returns")
        }),
        32..=35 => le(req, 32, 4).map(|v| {
            format!("the data length (DLEN) {v} is not valid for this command (a multiple of 4, at most 4096)")
        }),
        44..=47 => dword("CDW10", 44),
        48..=51 => dword("CDW11", 48),
        52..=55 => dword("CDW12", 52),
        56..=59 => dword("CDW13", 56),
        60..=63 => dword("CDW14", 60),
        64..=67 => dword("CDW15", 64),
        _ => None,
    }
}

/// What the refused field of an NVMe-MI command request (NVMe-MI 1.2 §5) is.
fn mi_field(c: &mut Ctx, req: &[u8], byte: usize) -> Option<String> {
    let opcode = *req.get(4)?;
    match (opcode, byte) {
        // Read NVMe-MI Data Structure: NMD0 CTRLID 15:0, PORTID 23:16, DTYP 31:24.
        (0x00, 8 | 9) => {
            let id = le(req, 8, 2)?;
            Some(controller_text(c, id))
        }
        (0x00, 10) => Some(port_text(c, *req.get(10)?)),
        (0x00, 11) => Some(format!(
            "data structure type {:#04x} is not supported",
            req.get(11)?
        )),
        // Configuration Set/Get: NMD0 configuration identifier 7:0, port 31:24.
        (0x03 | 0x04, 8) => Some(format!(
            "configuration identifier {} is not supported by the endpoint",
            req.get(8)?
        )),
        (0x03 | 0x04, 11) => Some(port_text(c, *req.get(11)?)),
        (0x03, 12..=15) => le(req, 12, 4).map(|v| {
            format!("the value {v:#x} is not valid for this configuration item on this port")
        }),
        // Controller Health Status Poll: NMD0 SCTLID 15:0.
        (0x02, 8 | 9) => {
            let id = le(req, 8, 2)?;
            Some(controller_text(c, id))
        }
        // VPD Read/Write: NMD0 DOFST 15:0, NMD1 DLEN 15:0.
        (0x05 | 0x06, 8 | 9) => {
            le(req, 8, 2).map(|v| format!("the VPD offset {v} is beyond the VPD"))
        }
        (0x05 | 0x06, 12 | 13) => {
            le(req, 12, 2).map(|v| format!("the VPD length {v} reaches beyond the VPD"))
        }
        (0x07, 8) => Some(format!("reset type {} is not supported", req.get(8)?)),
        (0x0c, 8) => Some(format!("shutdown type {} is not supported", req.get(8)?)),
        _ => None,
    }
}

/// "controller 3 does not exist (controllers: 0, 1)".
fn controller_text(c: &mut Ctx, id: u64) -> String {
    match c.controllers() {
        Ok(list) if !list.iter().any(|&x| u64::from(x) == id) => {
            let l: Vec<String> = list.iter().map(u16::to_string).collect();
            format!(
                "controller {id} does not exist (controllers: {}; name one as mctp:<net>,<eid>:<ctrl-id>)",
                l.join(", ")
            )
        }
        Ok(_) => format!("controller {id} was refused for this command"),
        Err(_) => format!("controller {id} does not exist"),
    }
}

/// "port 9 does not exist (ports: 0, 1)" or "port 0 is not an SMBus/I2C port".
fn port_text(c: &mut Ctx, port: u8) -> String {
    let r =
        c.ep.mi_command(&ReadDataStructureRequest::new(Dtyp::SubsystemInformation));
    match r.map(|r| match r.structure {
        DataStructure::SubsystemInformation(i) => Some(i.nump),
        _ => None,
    }) {
        Ok(Some(nump)) if port > nump => {
            let l: Vec<String> = (0..=nump).map(|p| p.to_string()).collect();
            format!("port {port} does not exist (ports: {})", l.join(", "))
        }
        Ok(Some(_)) => format!("port {port} does not support this (see `nvme-mi port-info`)"),
        _ => format!("port {port} was refused"),
    }
}

/// Explain an Invalid Parameter error of the last request of `c`; any other error as is.
pub fn explain(c: &mut Ctx, e: CliError) -> CliError {
    let Some(ParameterErrorLocation { byte, bit }) = e.location else {
        return e;
    };
    let req = c.ep.transport_mut().last_request().to_vec();
    let Ok(m) = Message::new_checked(&req[..]) else {
        return e;
    };
    let byte = usize::from(byte);
    let text = match m.nmimt() {
        Nmimt::AdminCommand if byte == 6 || byte == 7 => {
            le(&req, 6, 2).map(|id| controller_text(c, id))
        }
        Nmimt::AdminCommand => admin_field(&req, byte),
        Nmimt::MiCommand => mi_field(c, &req, byte),
        _ => None,
    };
    match text {
        Some(t) => e.explained(format!(
            "{t} (the endpoint answered Invalid Parameter at byte {byte}, bit {bit})"
        )),
        None => e,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn admin_fields_are_named() {
        let mut req = vec![0u8; 72];
        req[4] = 0x06;
        req[8..12].copy_from_slice(&7u32.to_le_bytes());
        req[48..52].copy_from_slice(&0x10u32.to_le_bytes());
        assert_eq!(
            admin_field(&req, 8).as_deref(),
            Some("namespace ID 0x7 is not valid here")
        );
        assert!(admin_field(&req, 48).unwrap().starts_with("CDW11 (0x10)"));
        assert_eq!(admin_field(&req, 200), None);
    }
}
