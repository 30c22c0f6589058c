//! Long and raw Admin commands, tunnelled (NVMe-MI 1.2 §6): `format`, `sanitize`,
//! `security-send`, `security-recv`, `admin-passthru`.

use nvme_mi_core::mi::admin::{
    parse_response, AdminOpcode, AdminRequestRepr, FormatNvm, Sanact, Sanitize, SecurityProtocol,
    SecurityReceive, SecuritySend, Ses,
};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::Nmimt;
use nvme_mi_core::requester::{CommandClass, RequestError};
use nvme_mi_core::transport::Transport;
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{emit, hex_dump};
use crate::cli::Ctx;

/// `format`: Format NVM; the endpoint answers More Processing Required first, the requester
/// waits for the final response.
pub fn format(c: &mut Ctx, nsid: u32, lbaf: u8, ses: u8) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = FormatNvm {
        ses: Ses::from_u8(ses),
        ..FormatNvm::new(nsid, lbaf)
    };
    let t0 = c.ep.transport_mut().now();
    c.ep.admin(ctrl, &cmd, 0, 0, &[])?;
    let ms = c.ep.transport_mut().now().since(t0).as_millis();
    emit(
        fmt,
        || format!("format of namespace {nsid:#x} with LBA format {lbaf}: success after {ms} ms"),
        || json!({ "nsid": nsid, "lbaf": lbaf, "elapsed_ms": ms as u64 }),
        &[],
    )
}

/// `sanitize`.
pub fn sanitize(c: &mut Ctx, sanact: u8, ause: bool, owpass: u8, ovrpat: u32) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let action = Sanact::from_u8(sanact);
    let cmd = Sanitize {
        ause,
        owpass,
        ovrpat,
        ..Sanitize::new(action)
    };
    let t0 = c.ep.transport_mut().now();
    c.ep.admin(ctrl, &cmd, 0, 0, &[])?;
    let ms = c.ep.transport_mut().now().since(t0).as_millis();
    emit(
        fmt,
        || format!("sanitize ({action:?}): success after {ms} ms"),
        || json!({ "sanact": sanact, "elapsed_ms": ms as u64 }),
        &[],
    )
}

fn protocol(secp: u8, spsp: u16, nssf: u8) -> SecurityProtocol {
    SecurityProtocol { secp, spsp, nssf }
}

/// `security-send`.
pub fn security_send(c: &mut Ctx, secp: u8, spsp: u16, nssf: u8, data: &[u8]) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = SecuritySend {
        protocol: protocol(secp, spsp, nssf),
        tl: data.len() as u32,
    };
    c.ep.admin(ctrl, &cmd, 0, 0, data)?;
    emit(
        fmt,
        || {
            format!(
                "security send: {} bytes, protocol {secp:#04x}: success",
                data.len()
            )
        },
        || json!({ "secp": secp, "spsp": spsp, "bytes": data.len() }),
        &[],
    )
}

/// `security-recv`.
pub fn security_recv(c: &mut Ctx, secp: u8, spsp: u16, nssf: u8, al: u32) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = SecurityReceive {
        protocol: protocol(secp, spsp, nssf),
        al,
    };
    let dlen = al.min(4096) & !3;
    let r = c.ep.admin(ctrl, &cmd, 0, dlen, &[])?;
    let data = r.data.to_vec();
    emit(
        fmt,
        || {
            format!(
                "security receive, protocol {secp:#04x}, {} bytes:\n{}",
                data.len(),
                hex_dump(&data)
            )
        },
        || json!({ "secp": secp, "spsp": spsp, "data": hex::encode(&data) }),
        &data,
    )
}

/// The fields of an `admin-passthru`.
pub struct Passthru {
    /// Opcode.
    pub opcode: u8,
    /// Namespace.
    pub nsid: u32,
    /// CDW10..CDW15.
    pub cdw: [u32; 6],
    /// Bytes to read.
    pub data_len: u32,
    /// Data to send instead.
    pub data: Option<Vec<u8>>,
}

/// `admin-passthru`: any Admin command, built field by field.
pub fn passthru(c: &mut Ctx, p: &Passthru) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let out = p.data.as_deref().unwrap_or(&[]);
    if p.data_len % 4 != 0 || p.data_len > 4096 || out.len() > 4096 {
        return Err(CliError::usage(
            "data lengths are multiples of 4, at most 4096",
        ));
    }
    let [cdw10, cdw11, cdw12, cdw13, cdw14, cdw15] = p.cdw;
    let repr = AdminRequestRepr {
        opcode: AdminOpcode::from_u8(p.opcode),
        ctlid: ctrl,
        nsid: p.nsid,
        cdw10,
        cdw11,
        cdw12,
        cdw13,
        cdw14,
        cdw15,
        dofst: 0,
        dlen: if out.is_empty() {
            p.data_len
        } else {
            out.len() as u32
        },
        ..Default::default()
    };
    let sqe = repr.to_bytes();
    let resp =
        c.ep.nvme_mi_raw(CommandClass::Slow, Nmimt::AdminCommand, &[&sqe, out])?;
    let (r, data) = parse_response(resp.message)?;
    if !matches!(r.header.info, StatusInfo::Success(_)) {
        return Err(CliError::from(RequestError::<
            crate::cli::device::DeviceError,
        >::Status(r.header.info)));
    }
    let cqe = r
        .completion
        .ok_or_else(|| CliError::integrity("Admin response without completion"))?;
    let data = data.to_vec();
    let ok = cqe.status.is_success();
    emit(
        fmt,
        || {
            let mut s = format!(
                "opcode {:#04x} ({}): {}, cdw0 {:#010x}, cdw1 {:#010x}\n",
                p.opcode,
                AdminOpcode::from_u8(p.opcode),
                cqe.status,
                cqe.dw0,
                cqe.dw1
            );
            s.push_str(&hex_dump(&data));
            s
        },
        || {
            json!({
                "opcode": p.opcode, "status": cqe.status.to_u16(), "status_name": cqe.status.to_string(),
                "cdw0": cqe.dw0, "cdw1": cqe.dw1, "data": hex::encode(&data),
            })
        },
        &data,
    )?;
    if ok {
        Ok(())
    } else {
        Err(CliError::from(RequestError::<
            crate::cli::device::DeviceError,
        >::Nvme(cqe.status)))
    }
}
