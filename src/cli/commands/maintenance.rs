//! Long and raw Admin commands, tunnelled (NVMe-MI 1.2 §6): `format`, `sanitize`,
//! `device-self-test`, `security-send`, `security-recv`, `admin-passthru`.

use nvme_mi_core::mi::admin::{
    parse_response, AdminCompletion, AdminOpcode, AdminRequestRepr, DeviceSelfTest, FormatNvm,
    Sanact, Sanitize, SecureEraseSettings, SecurityProtocol, SecurityReceive, SecuritySend, Stc,
};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::{Nmimt, MAX_DATA_LEN};
use nvme_mi_core::requester::{CommandClass, RequestError};
use nvme_mi_core::transport::Transport;
use serde_json::json;

use crate::cli::device::DeviceError;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{emit, hex_dump};
use crate::cli::progress;
use crate::cli::Ctx;

/// Send the Admin command `repr` with `data` as it is (any field, any NSID) and return its
/// completion and data; a failed NVMe-MI status is an error, a failed completion is not.
fn raw_admin(
    c: &mut Ctx,
    repr: &AdminRequestRepr,
    data: &[u8],
) -> CliResult<(AdminCompletion, Vec<u8>)> {
    let sqe = repr.to_bytes();
    let resp =
        c.ep.nvme_mi_raw(CommandClass::Slow, Nmimt::AdminCommand, &[&sqe, data])?;
    let (r, out) = parse_response(resp.message)?;
    if !matches!(r.header.info, StatusInfo::Success(_)) {
        return Err(CliError::from(RequestError::<DeviceError>::Status(
            r.header.info,
        )));
    }
    let cqe = r
        .completion
        .ok_or_else(|| CliError::integrity("Admin response without completion"))?;
    Ok((cqe, out.to_vec()))
}

/// A failed completion as an error (exit code 6).
fn completion_ok(cqe: &AdminCompletion) -> CliResult {
    if cqe.status.is_success() {
        Ok(())
    } else {
        Err(CliError::from(RequestError::<DeviceError>::Nvme(
            cqe.status,
        )))
    }
}

/// The fields of a `format`.
pub struct Format {
    /// Namespace.
    pub nsid: u32,
    /// LBA format index (0..=63).
    pub lbaf: u8,
    /// Secure erase setting.
    pub ses: u8,
    /// Protection information type.
    pub pi: u8,
    /// Protection information location.
    pub pil: bool,
    /// Extended LBA metadata.
    pub ms: bool,
}

/// `format`: Format NVM; the endpoint answers More Processing Required first, the requester
/// waits for the final response.
pub fn format(c: &mut Ctx, f: &Format) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = FormatNvm {
        ses: SecureEraseSettings::from_u8(f.ses),
        pi: f.pi,
        pil: f.pil,
        mset: f.ms,
        ..FormatNvm::new(f.nsid, f.lbaf)
    };
    let t0 = c.ep.transport_mut().now();
    progress::wait("format", || c.ep.admin(ctrl, &cmd, 0, 0, &[]).map(|_| ()))?;
    let ms = c.ep.transport_mut().now().since(t0).as_millis();
    let (nsid, lbaf) = (f.nsid, f.lbaf);
    emit(
        fmt,
        || format!("Success formatting namespace:{nsid:x} (LBA format {lbaf}) after {ms} ms"),
        || json!({ "nsid": nsid, "lbaf": lbaf, "elapsed_ms": ms as u64 }),
        &[],
    )
}

/// The fields of a `sanitize`.
pub struct SanitizeArgs {
    /// Action (1..=5, checked by the parser).
    pub sanact: u8,
    /// Allow unrestricted sanitize exit.
    pub ause: bool,
    /// Overwrite pass count.
    pub owpass: u8,
    /// Overwrite invert pattern between passes.
    pub oipbp: bool,
    /// No deallocate after sanitize.
    pub no_dealloc: bool,
    /// Overwrite pattern.
    pub ovrpat: u32,
}

fn sanact_name(a: u8) -> &'static str {
    match a {
        1 => "exit failure mode",
        2 => "block erase",
        3 => "overwrite",
        4 => "crypto erase",
        _ => "exit media verification",
    }
}

/// `sanitize`.
pub fn sanitize(c: &mut Ctx, s: &SanitizeArgs) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    if s.sanact != 3 && (s.owpass != 0 || s.oipbp || s.ovrpat != 0) {
        return Err(CliError::usage(
            "--owpass, --oipbp and --ovrpat apply to the overwrite action (-a 3, start-overwrite) only",
        ));
    }
    let cmd = Sanitize {
        ause: s.ause,
        owpass: s.owpass,
        oipbp: s.oipbp,
        nodas: s.no_dealloc,
        ovrpat: s.ovrpat,
        ..Sanitize::new(Sanact::from_u8(s.sanact))
    };
    let t0 = c.ep.transport_mut().now();
    progress::wait("sanitize", || c.ep.admin(ctrl, &cmd, 0, 0, &[]).map(|_| ()))?;
    let ms = c.ep.transport_mut().now().since(t0).as_millis();
    let name = sanact_name(s.sanact);
    emit(
        fmt,
        || format!("sanitize ({name}): success after {ms} ms; progress in `nvme-mi sanitize-log`"),
        || json!({ "sanact": s.sanact, "elapsed_ms": ms as u64 }),
        &[],
    )
}

/// `device-self-test`: start (or abort) a self-test; with `wait`, poll the self-test log
/// until it ends.
pub fn device_self_test(c: &mut Ctx, nsid: u32, stc: u8, wait: bool) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = DeviceSelfTest {
        nsid,
        stc: Stc::from_u8(stc),
    };
    progress::wait("device self-test", || {
        c.ep.admin(ctrl, &cmd, 0, 0, &[]).map(|_| ())
    })?;
    let what = match stc {
        1 => "short self-test started",
        2 => "extended self-test started",
        3 => "host-initiated refresh started",
        0xe => "vendor specific self-test started",
        _ => "self-test aborted",
    };
    if wait && stc != 0xf {
        super::logs::wait_self_test(c, ctrl)?;
    }
    emit(
        fmt,
        || {
            if wait && stc != 0xf {
                format!("{what}; finished (see `nvme-mi self-test-log`)")
            } else {
                what.to_string()
            }
        },
        || json!({ "stc": stc, "nsid": nsid, "result": what }),
        &[],
    )
}

/// The protocol fields of `security-send` / `security-recv`.
pub struct Security {
    /// Namespace.
    pub nsid: u32,
    /// SECP.
    pub secp: u8,
    /// SPSP.
    pub spsp: u16,
    /// NSSF.
    pub nssf: u8,
}

impl Security {
    fn protocol(&self) -> SecurityProtocol {
        SecurityProtocol {
            secp: self.secp,
            spsp: self.spsp,
            nssf: self.nssf,
        }
    }
}

/// `security-send`.
pub fn security_send(c: &mut Ctx, p: &Security, data: &[u8]) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let cmd = SecuritySend {
        protocol: p.protocol(),
        tl: data.len() as u32,
    };
    let mut repr = AdminRequestRepr::for_command(ctrl, &cmd);
    repr.nsid = p.nsid;
    repr.dlen = data.len() as u32;
    let (cqe, _) = raw_admin(c, &repr, data)?;
    completion_ok(&cqe)?;
    emit(
        fmt,
        || {
            format!(
                "NVME Security Send Command Success: {} bytes, protocol {:#04x}",
                data.len(),
                p.secp
            )
        },
        || json!({ "secp": p.secp, "spsp": p.spsp, "bytes": data.len() }),
        &[],
    )
}

/// `security-recv`: `al` is the allocation length the command carries, `size` the bytes
/// to show (default `al`).
pub fn security_recv(c: &mut Ctx, p: &Security, al: u32, size: Option<u32>) -> CliResult {
    let fmt = c.fmt;
    let len = size.unwrap_or(al);
    if len as usize > MAX_DATA_LEN || al as usize > MAX_DATA_LEN {
        return Err(CliError::usage(format!(
            "--al {al} / --size {len}: at most {MAX_DATA_LEN} bytes (one NVMe-MI response)"
        )));
    }
    if len == 0 || len % 4 != 0 || al % 4 != 0 {
        return Err(CliError::usage(format!(
            "--al {al} / --size {len}: a non-zero multiple of 4 (NVMe-MI moves whole dwords: the \
             data length of the request, DLEN, is a multiple of 4 and at most the allocation length)"
        )));
    }
    let ctrl = c.ctrl()?;
    let cmd = SecurityReceive {
        protocol: p.protocol(),
        al,
    };
    let mut repr = AdminRequestRepr::for_command(ctrl, &cmd);
    repr.nsid = p.nsid;
    repr.dlen = len;
    let (cqe, mut data) = raw_admin(c, &repr, &[])?;
    completion_ok(&cqe)?;
    data.truncate(len as usize);
    emit(
        fmt,
        || {
            format!(
                "NVME Security Receive Command Success: protocol {:#04x}, {} bytes:\n{}",
                p.secp,
                data.len(),
                hex_dump(&data)
            )
        },
        || json!({ "secp": p.secp, "spsp": p.spsp, "data": hex::encode(&data) }),
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
    /// Bytes of data.
    pub data_len: u32,
    /// Data to send (with -w).
    pub data: Option<Vec<u8>>,
    /// -r.
    pub read: bool,
    /// -w.
    pub write: bool,
    /// Print the command first.
    pub show: bool,
}

impl Passthru {
    /// The request and the data it carries, or what is wrong with the options.
    fn request(&self, ctrl: u16) -> CliResult<(AdminRequestRepr, Vec<u8>)> {
        if self.data_len % 4 != 0 || self.data_len as usize > MAX_DATA_LEN {
            return Err(CliError::usage(format!(
                "--data-len {}: a multiple of 4, at most {MAX_DATA_LEN} (one NVMe-MI message)",
                self.data_len
            )));
        }
        let write = self.write || (self.data.is_some() && !self.read);
        let out = if write {
            let mut d = self.data.clone().unwrap_or_default();
            if self.data_len != 0 {
                if d.len() > self.data_len as usize {
                    d.truncate(self.data_len as usize);
                } else {
                    d.resize(self.data_len as usize, 0);
                }
            }
            if d.len() % 4 != 0 {
                return Err(CliError::usage(format!(
                    "the data to send has {} bytes: a multiple of 4 (give --data-len)",
                    d.len()
                )));
            }
            d
        } else {
            Vec::new()
        };
        let [cdw10, cdw11, cdw12, cdw13, cdw14, cdw15] = self.cdw;
        let repr = AdminRequestRepr {
            opcode: AdminOpcode::from_u8(self.opcode),
            ctlid: ctrl,
            nsid: self.nsid,
            cdw10,
            cdw11,
            cdw12,
            cdw13,
            cdw14,
            cdw15,
            dofst: 0,
            dlen: if write {
                out.len() as u32
            } else {
                self.data_len
            },
            ..Default::default()
        };
        Ok((repr, out))
    }
}

fn command_text(r: &AdminRequestRepr) -> String {
    format!(
        "opcode       : {:#04x} ({})\nctlid        : {}\nnsid         : {:#x}\ncdw10        : {:#010x}\ncdw11        : {:#010x}\ncdw12        : {:#010x}\ncdw13        : {:#010x}\ncdw14        : {:#010x}\ncdw15        : {:#010x}\ndata_len     : {}\n",
        r.opcode.to_u8(),
        r.opcode,
        r.ctlid,
        r.nsid,
        r.cdw10,
        r.cdw11,
        r.cdw12,
        r.cdw13,
        r.cdw14,
        r.cdw15,
        r.dlen
    )
}

/// `admin-passthru --dry-run`: print the command, send nothing.
pub fn show_passthru(p: &Passthru, ctrl: u16) -> CliResult {
    let (repr, _) = p.request(ctrl)?;
    crate::cli::output::write_stdout(command_text(&repr).as_bytes())
}

/// `admin-passthru`: any Admin command, built field by field.
pub fn passthru(c: &mut Ctx, p: &Passthru) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let (repr, out) = p.request(ctrl)?;
    if p.show {
        eprint!("{}", command_text(&repr));
    }
    let (cqe, data) = raw_admin(c, &repr, &out)?;
    emit(
        fmt,
        || {
            let mut s = format!(
                "NVMe command result: opcode {:#04x} ({}): {}, cdw0 {:#010x}, cdw1 {:#010x}\n",
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
    completion_ok(&cqe)
}
