//! Namespace Management and Attachment (NVMe Base 2.x §5.1.20, §5.1.21), tunnelled:
//! `create-ns`, `delete-ns`, `attach-ns`, `detach-ns`.

use nvme_mi_core::mi::admin::{
    NamespaceAttachment, NamespaceManagement, NsAttachmentSel, NsManagementSel,
};
use nvme_mi_core::mi::command::ControllerList;
use serde_json::json;
use zerocopy::little_endian::U16;

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::emit;
use crate::cli::progress;
use crate::cli::Ctx;

/// The fields of a `create-ns`.
pub struct Create {
    /// NSZE, logical blocks.
    pub nsze: u64,
    /// NCAP, logical blocks.
    pub ncap: u64,
    /// FLBAS.
    pub flbas: u8,
    /// DPS.
    pub dps: u8,
    /// NMIC.
    pub nmic: u8,
    /// ANAGRPID.
    pub anagrpid: u32,
    /// NVMSETID.
    pub nvmsetid: u16,
    /// CSI.
    pub csi: u8,
}

impl Create {
    /// The host-specified fields of the Identify Namespace structure the create carries
    /// (NVMe Base 2.x Figure "Namespace Management - Host Software Specified Fields").
    fn data(&self) -> Vec<u8> {
        let mut d = vec![0u8; 4096];
        d[0..8].copy_from_slice(&self.nsze.to_le_bytes());
        d[8..16].copy_from_slice(&self.ncap.to_le_bytes());
        d[26] = self.flbas;
        d[29] = self.dps;
        d[30] = self.nmic;
        d[92..96].copy_from_slice(&self.anagrpid.to_le_bytes());
        d[100..102].copy_from_slice(&self.nvmsetid.to_le_bytes());
        d
    }
}

/// `create-ns`: the new namespace's ID is in completion dword 0.
pub fn create(c: &mut Ctx, n: &Create) -> CliResult {
    let fmt = c.fmt;
    if n.ncap > n.nsze {
        return Err(CliError::usage(format!(
            "--ncap {} is larger than --nsze {}: the capacity is at most the size",
            n.ncap, n.nsze
        )));
    }
    let ctrl = c.ctrl()?;
    let cmd = NamespaceManagement {
        sel: NsManagementSel::Create,
        nsid: 0,
        csi: n.csi,
    };
    let data = n.data();
    let nsid = progress::wait("create namespace", || {
        c.ep.admin(ctrl, &cmd, 0, 0, &data)
            .map(|r| r.completion.dw0)
    })?;
    emit(
        fmt,
        || format!("create-ns: Success, created nsid:{nsid}"),
        || json!({ "nsid": nsid }),
        &[],
    )
}

/// `delete-ns`.
pub fn delete(c: &mut Ctx, nsid: u32) -> CliResult {
    let fmt = c.fmt;
    if nsid == 0 {
        return Err(CliError::usage(
            "--namespace-id 0: give the namespace to delete (0xffffffff: every namespace)",
        ));
    }
    let ctrl = c.ctrl()?;
    let cmd = NamespaceManagement {
        sel: NsManagementSel::Delete,
        nsid,
        csi: 0,
    };
    progress::wait("delete namespace", || {
        c.ep.admin(ctrl, &cmd, 0, 0, &[]).map(|_| ())
    })?;
    emit(
        fmt,
        || format!("delete-ns: Success, deleted nsid:{nsid}"),
        || json!({ "nsid": nsid }),
        &[],
    )
}

/// `attach-ns` (`attach`) or `detach-ns`: the controllers given, or the device's.
pub fn attach(c: &mut Ctx, nsid: u32, ctrls: Option<&[u16]>, attach: bool) -> CliResult {
    let fmt = c.fmt;
    if nsid == 0 || nsid == u32::MAX {
        return Err(CliError::usage(format!(
            "--namespace-id {nsid:#x}: one namespace (1..=0xfffffffe)"
        )));
    }
    let ctrl = c.ctrl()?;
    let ids: Vec<u16> = match ctrls {
        Some(l) if !l.is_empty() => l.to_vec(),
        _ => vec![ctrl],
    };
    if ids.len() > 2047 {
        return Err(CliError::usage(
            "--controllers: at most 2047 controller IDs",
        ));
    }
    let list: Vec<U16> = ids.iter().map(|&i| U16::new(i)).collect();
    let mut data = vec![0u8; 4096];
    ControllerList::emit(&list, &mut data)?;
    let cmd = NamespaceAttachment {
        sel: if attach {
            NsAttachmentSel::Attach
        } else {
            NsAttachmentSel::Detach
        },
        nsid,
    };
    c.ep.admin(ctrl, &cmd, 0, 0, &data)?;
    let verb = if attach { "attach-ns" } else { "detach-ns" };
    let l: Vec<String> = ids.iter().map(u16::to_string).collect();
    emit(
        fmt,
        || format!("{verb}: Success, nsid:{nsid} controllers: {}", l.join(", ")),
        || json!({ "nsid": nsid, "controllers": ids }),
        &[],
    )
}
