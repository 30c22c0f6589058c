//! Get Log Page (NVMe Base §5.16): `get-log`, `smart-log`, `error-log`, `fw-log`.

use nvme_mi_core::mi::admin::{GetLogPage, Lid};
use nvme_mi_core::mi::admin_data::{AdminData, ErrorLogEntry, FirmwareSlotLog, SmartLog};
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::json;
use crate::cli::output::{emit, flags_text, hex_dump, CRITICAL_WARNING_FLAGS};
use crate::cli::Ctx;

/// The fields of a `get-log`.
pub struct LogQuery {
    /// Log page identifier.
    pub lid: u8,
    /// Bytes.
    pub len: u32,
    /// Namespace.
    pub nsid: u32,
    /// Log specific field.
    pub lsp: u8,
    /// Log page offset.
    pub lpo: u64,
    /// Retain asynchronous event.
    pub rae: bool,
}

/// Read `len` bytes of log `lid` (namespace all) from the controller.
fn read_log(c: &mut Ctx, cmd: &GetLogPage, len: u32) -> CliResult<Vec<u8>> {
    let ctrl = c.ctrl()?;
    let mut out = vec![0u8; len as usize];
    let n = c.ep.get_log_page(ctrl, cmd, &mut out)?;
    out.truncate(n);
    Ok(out)
}

/// `get-log`.
pub fn get_log(c: &mut Ctx, q: &LogQuery) -> CliResult {
    let fmt = c.fmt;
    if q.len == 0 || q.len % 4 != 0 {
        return Err(CliError::usage(
            "--log-len must be a non-zero multiple of 4",
        ));
    }
    let cmd = GetLogPage {
        nsid: q.nsid,
        lsp: q.lsp,
        lpo: q.lpo,
        rae: q.rae,
        ..GetLogPage::new(Lid::from_u8(q.lid), q.len)
    };
    let data = read_log(c, &cmd, q.len)?;
    emit(
        fmt,
        || {
            format!(
                "Log page {:#04x}, {} bytes:\n{}",
                q.lid,
                data.len(),
                hex_dump(&data)
            )
        },
        || json!({ "log_id": q.lid, "length": data.len(), "data": hex::encode(&data) }),
        &data,
    )
}

/// `smart-log`.
pub fn smart_log(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let data = read_log(c, &GetLogPage::new(Lid::SmartHealth, 512), 512)?;
    let s = SmartLog::read(&data)?;
    emit(
        fmt,
        || {
            let k = s.temperature.get();
            format!(
                "Smart Log for NVME device\n\
                 critical_warning                   : {:#x} ({})\n\
                 temperature                        : {} °C ({k} K)\n\
                 available_spare                    : {}%\n\
                 available_spare_threshold          : {}%\n\
                 percentage_used                    : {}%\n\
                 endurance group critical warning   : {:#x}\n\
                 data_units_read                    : {}\n\
                 data_units_written                 : {}\n\
                 host_read_commands                 : {}\n\
                 host_write_commands                : {}\n\
                 controller_busy_time               : {}\n\
                 power_cycles                       : {}\n\
                 power_on_hours                     : {}\n\
                 unsafe_shutdowns                   : {}\n\
                 media_errors                       : {}\n\
                 num_err_log_entries                : {}\n\
                 Warning Temperature Time           : {}\n\
                 Critical Composite Temperature Time: {}\n",
                s.critical_warning,
                flags_text(s.critical_warning.into(), CRITICAL_WARNING_FLAGS),
                s.temperature_celsius(),
                s.avail_spare,
                s.spare_thresh,
                s.percent_used,
                s.endurance_grp_critical_warning_summary,
                s.data_units_read.get(),
                s.data_units_written.get(),
                s.host_read_commands.get(),
                s.host_write_commands.get(),
                s.controller_busy_time.get(),
                s.power_cycles.get(),
                s.power_on_hours.get(),
                s.unsafe_shutdowns.get(),
                s.media_errors.get(),
                s.num_err_log_entries.get(),
                s.warning_temp_time.get(),
                s.critical_comp_time.get(),
            )
        },
        || json::smart_log(&s),
        &data,
    )
}

/// `error-log`.
pub fn error_log(c: &mut Ctx, entries: u32) -> CliResult {
    let fmt = c.fmt;
    let entries = entries.clamp(1, 256);
    let len = entries * 64;
    let data = read_log(c, &GetLogPage::new(Lid::ErrorInformation, len), len)?;
    let list: Vec<ErrorLogEntry> = data
        .chunks_exact(64)
        .map(ErrorLogEntry::read)
        .collect::<Result<_, _>>()?;
    emit(
        fmt,
        || {
            let mut s = String::from("Error Log Entries for device:\n");
            for (i, e) in list.iter().enumerate() {
                if e.error_count.get() == 0 {
                    continue;
                }
                s.push_str(&format!(
                    " Entry[{i:2}]\n  error_count : {}\n  sqid        : {}\n  cmdid       : {:#x}\n  status      : {:#x} ({})\n  parm_err_loc: {:#x}\n  lba         : {:#x}\n  nsid        : {:#x}\n  opcode      : {:#x}\n",
                    e.error_count.get(),
                    e.sqid.get(),
                    e.cmdid.get(),
                    e.status_field.get() >> 1,
                    e.status(),
                    e.parm_error_location.get(),
                    e.lba.get(),
                    e.nsid.get(),
                    e.opcode,
                ));
            }
            s
        },
        || json!({ "errors": list.iter().map(json::error_entry).collect::<Vec<_>>() }),
        &data,
    )
}

/// `fw-log`.
pub fn fw_log(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let data = read_log(c, &GetLogPage::new(Lid::FirmwareSlot, 512), 512)?;
    let log = FirmwareSlotLog::read(&data)?;
    emit(
        fmt,
        || {
            let mut s = format!(
                "Firmware Log for device:\nafi  : {:#x} (running slot {}, next reset slot {})\n",
                log.afi,
                log.active_slot(),
                log.next_slot()
            );
            for slot in 1..=7u8 {
                if let Some(r) = log.revision(slot).filter(|r| !r.is_empty()) {
                    s.push_str(&format!("frs{slot} : {r}\n"));
                }
            }
            s
        },
        || json::fw_log(&log),
        &data,
    )
}
