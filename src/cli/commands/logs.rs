//! Get Log Page (NVMe Base §5.16): `get-log`, `smart-log`, `error-log`, `fw-log`,
//! `sanitize-log`, `self-test-log`, `effects-log`, `supported-log-pages`.

use std::io::Write;

use nvme_mi_core::mi::admin::{GetLogPage, Lid};
use nvme_mi_core::mi::admin_data::{
    AdminData, CommandsEffectsLog, ErrorLogEntry, FirmwareSlotLog, IdentifyController,
    SanitizeStatusLog, SelfTestLog, SmartLog, SupportedLogPages,
};
use nvme_mi_core::mi::status::StatusInfo;
use nvme_mi_core::mi::MAX_DATA_LEN;
use nvme_mi_core::requester::RequestError;
use serde_json::json;

use crate::cli::args::OutputFormat;
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
    /// Log specific identifier.
    pub lsi: u16,
    /// Log page offset.
    pub lpo: u64,
    /// Retain asynchronous event.
    pub rae: bool,
    /// UUID index.
    pub uuid_index: u8,
    /// Command set.
    pub csi: u8,
    /// Offset type.
    pub ot: bool,
}

/// The size of a standard log page whose size is fixed (NVMe Base 2.x §5.1.12.1), so a
/// longer read stops there.
fn known_size(lid: u8) -> Option<u64> {
    let size = match Lid::from_u8(lid) {
        Lid::SupportedLogPages => SupportedLogPages::SIZE,
        Lid::SmartHealth => SmartLog::SIZE,
        Lid::FirmwareSlot => FirmwareSlotLog::SIZE,
        Lid::CommandsSupportedAndEffects => CommandsEffectsLog::SIZE,
        Lid::DeviceSelfTest => SelfTestLog::SIZE,
        Lid::SanitizeStatus => SanitizeStatusLog::SIZE,
        _ => return None,
    };
    Some(size as u64)
}

/// The whole of the log `cmd` names, whose structure `D` has a fixed size.
fn read_whole<D: AdminData>(c: &mut Ctx, cmd: &GetLogPage) -> CliResult<Vec<u8>> {
    read_log(c, cmd, D::SIZE as u32)
}

/// Read up to `len` bytes of the log `cmd` (its LPO is where reading starts) in chunks of at
/// most 4096 bytes, handing each chunk to `sink`. Stops at the log's known size, at a short
/// chunk, or when the controller refuses a chunk after the first (the log ends there; said
/// on standard error). Returns the bytes read. Memory use is one chunk, whatever `len` says.
fn read_log_chunks(
    c: &mut Ctx,
    cmd: &GetLogPage,
    len: u64,
    mut sink: impl FnMut(&[u8]) -> CliResult,
) -> CliResult<u64> {
    let ctrl = c.ctrl()?;
    let mut len = len;
    if let Some(size) = known_size(cmd.lid.to_u8()) {
        let end = size.saturating_sub(cmd.lpo);
        if !cmd.ot && len > end {
            eprintln!(
                "nvme-mi: log {:#04x} is {size} bytes: reading {end} from offset {}",
                cmd.lid.to_u8(),
                cmd.lpo
            );
            len = end;
        }
    }
    let mut done = 0u64;
    while done < len {
        let want = (len - done).min(MAX_DATA_LEN as u64) as u32;
        let chunk = GetLogPage {
            lpo: cmd.lpo + done,
            // Retain the event until the last chunk, as libnvme does.
            rae: cmd.rae || done + u64::from(want) < len,
            ..GetLogPage {
                numd: want.div_ceil(4) - 1,
                ..*cmd
            }
        };
        match c.ep.admin(ctrl, &chunk, 0, want, &[]) {
            Ok(r) => {
                let got = r.data.len().min(want as usize);
                sink(&r.data[..got])?;
                done += got as u64;
                if got < want as usize {
                    break;
                }
            }
            Err(RequestError::Nvme(s)) if done > 0 => {
                eprintln!(
                    "nvme-mi: the controller refused log page offset {} ({s}): the log ends at {done} bytes",
                    chunk.lpo
                );
                break;
            }
            Err(RequestError::Status(StatusInfo::InvalidParameter(_))) if done > 0 => {
                eprintln!(
                    "nvme-mi: the endpoint refused log page offset {}: the log ends at {done} bytes",
                    chunk.lpo
                );
                break;
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(done)
}

/// Read a whole log of `len` (≤ 64 KiB, a size this tool knows) into memory.
fn read_log(c: &mut Ctx, cmd: &GetLogPage, len: u32) -> CliResult<Vec<u8>> {
    let mut out = Vec::with_capacity(len.min(1 << 16) as usize);
    read_log_chunks(c, cmd, u64::from(len), |b| {
        out.extend_from_slice(b);
        Ok(())
    })?;
    Ok(out)
}

/// The most a `get-log` keeps in memory for text or JSON output; binary output streams.
const MAX_IN_MEMORY: u64 = 16 << 20;

/// `get-log`.
pub fn get_log(c: &mut Ctx, q: &LogQuery) -> CliResult {
    let fmt = c.fmt;
    if q.len == 0 || q.len % 4 != 0 {
        return Err(CliError::usage(format!(
            "--log-len {}: a non-zero multiple of 4 (Get Log Page counts dwords)",
            q.len
        )));
    }
    if !q.ot && q.lpo % 4 != 0 {
        return Err(CliError::usage(format!(
            "--lpo {}: a multiple of 4 (the log page offset is dword aligned)",
            q.lpo
        )));
    }
    let cmd = GetLogPage {
        nsid: q.nsid,
        lsp: q.lsp,
        lsi: q.lsi,
        lpo: q.lpo,
        rae: q.rae,
        uuid_index: q.uuid_index,
        csi: q.csi,
        ot: q.ot,
        ..GetLogPage::new(Lid::from_u8(q.lid), 4)
    };
    if fmt == OutputFormat::Binary {
        let mut out = std::io::stdout().lock();
        read_log_chunks(c, &cmd, u64::from(q.len), |b| {
            out.write_all(b)?;
            Ok(())
        })?;
        out.flush()?;
        return Ok(());
    }
    if u64::from(q.len) > MAX_IN_MEMORY {
        return Err(CliError::usage(format!(
            "--log-len {}: more than {} MiB to print as text or JSON; use -b (binary output streams the log)",
            q.len,
            MAX_IN_MEMORY >> 20
        )));
    }
    let data = read_log(c, &cmd, q.len)?;
    emit(
        fmt,
        || {
            format!(
                "Device:{} log_id:{:#04x} len:{}:\n{}",
                c_dev(c),
                q.lid,
                data.len(),
                hex_dump(&data)
            )
        },
        || json!({ "log_id": q.lid, "length": data.len(), "data": hex::encode(&data) }),
        &data,
    )
}

fn c_dev(c: &Ctx) -> String {
    c.dev.to_string()
}

/// `smart-log`.
pub fn smart_log(c: &mut Ctx, nsid: u32) -> CliResult {
    let fmt = c.fmt;
    let human = c.human;
    let cmd = GetLogPage {
        nsid,
        ..GetLogPage::new(Lid::SmartHealth, 512)
    };
    let data = read_log(c, &cmd, 512)?;
    let s = SmartLog::read(&data)?;
    let dev = c_dev(c);
    emit(
        fmt,
        || {
            let k = s.temperature.get();
            format!(
                "Smart Log for NVME device:{dev} namespace-id:{nsid:x}\n\
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
        || json::smart_log(&s, human),
        &data,
    )
}

/// The controller's Identify Controller data (for ELPE and the like).
fn identify_controller(c: &mut Ctx) -> CliResult<IdentifyController> {
    let ctrl = c.ctrl()?;
    let raw = super::identify::identify(c, ctrl, &nvme_mi_core::mi::admin::Identify::controller())?;
    Ok(IdentifyController::read(&raw)?)
}

/// `error-log`: `entries` of the log, at most the ELPE + 1 the controller keeps.
pub fn error_log(c: &mut Ctx, entries: u32) -> CliResult {
    let fmt = c.fmt;
    if entries == 0 {
        return Err(CliError::usage(
            "--log-entries 0: at least 1 entry (at most the controller's ELPE + 1)",
        ));
    }
    let elpe = u32::from(identify_controller(c)?.elpe) + 1;
    let entries = if entries > elpe {
        eprintln!(
            "nvme-mi: the controller keeps {elpe} error log entries (ELPE + 1): reading {elpe}"
        );
        elpe
    } else {
        entries
    };
    let len = entries * 64;
    let data = read_log(c, &GetLogPage::new(Lid::ErrorInformation, len), len)?;
    let list: Vec<ErrorLogEntry> = data
        .chunks_exact(64)
        .map(ErrorLogEntry::read)
        .collect::<Result<_, _>>()?;
    let dev = c_dev(c);
    emit(
        fmt,
        || {
            let mut s = format!(
                "Error Log Entries for device:{dev} entries:{}\n",
                list.len()
            );
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
    let data = read_whole::<FirmwareSlotLog>(c, &GetLogPage::new(Lid::FirmwareSlot, 0))?;
    let log = FirmwareSlotLog::read(&data)?;
    let dev = c_dev(c);
    emit(
        fmt,
        || {
            let mut s = format!(
                "Firmware Log for device:{dev}\nafi  : {:#x} (running slot {}, next reset slot {})\n",
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
        || json::fw_log(&log, &dev),
        &data,
    )
}

/// `sanitize-log`.
pub fn sanitize_log(c: &mut Ctx, rae: bool) -> CliResult {
    let fmt = c.fmt;
    let cmd = GetLogPage {
        rae,
        ..GetLogPage::new(Lid::SanitizeStatus, 0)
    };
    let data = read_whole::<SanitizeStatusLog>(c, &cmd)?;
    let dev = c_dev(c);
    let j = json::sanitize_log(&SanitizeStatusLog::read(&data)?, &dev);
    emit(
        fmt,
        || {
            let d = &j[&dev];
            format!(
                "Sanitize Progress                      (SPROG) :  {}\n\
                 Sanitize Status                        (SSTAT) :  {}\n\
                 Completed passes                               :  {}\n\
                 Global data erased                             :  {}\n\
                 Sanitize Command Dword 10 Information (SCDW10) :  {:#x}\n\
                 Estimated Time For Overwrite                   :  {}\n\
                 Estimated Time For Block Erase                 :  {}\n\
                 Estimated Time For Crypto Erase                :  {}\n",
                d["sprog"],
                d["sstat"]["status"].as_str().unwrap_or(""),
                d["sstat"]["no_cmplted_passes"],
                d["sstat"]["global_erased"],
                d["cdw10_info"].as_u64().unwrap_or(0),
                d["time_over_write"],
                d["time_block_erase"],
                d["time_crypto_erase"],
            )
        },
        || j.clone(),
        &data,
    )
}

/// `self-test-log`.
pub fn self_test_log(c: &mut Ctx, entries: u8) -> CliResult {
    let fmt = c.fmt;
    if entries > 20 {
        return Err(CliError::usage(format!(
            "--dst-entries {entries}: the self-test log holds at most 20 results"
        )));
    }
    let data = read_whole::<SelfTestLog>(c, &GetLogPage::new(Lid::DeviceSelfTest, 0))?;
    let log = SelfTestLog::view(&data)?;
    let j = json::self_test_log(log, entries);
    emit(
        fmt,
        || {
            let mut s = format!(
                "Current operation  : {:#x}\nCurrent Completion : {}%\n",
                log.cdsto, log.cdstc
            );
            for (i, r) in j["List of Valid Reports"]
                .as_array()
                .into_iter()
                .flatten()
                .enumerate()
            {
                let result = r["Self test result"].as_u64().unwrap_or(0xf);
                if result == 0xf {
                    continue;
                }
                s.push_str(&format!(
                    "Self Test Result[{i}]:\n  Operation Result : {result:#x} ({})\n  Self Test Code   : {}\n  Power on hours   : {}\n",
                    match result {
                        0 => "completed without error",
                        1 => "aborted by a Device Self-test command",
                        2 => "aborted by a controller reset",
                        3 => "aborted by a namespace removal",
                        4 => "aborted by a Format NVM command",
                        5 => "fatal or unknown test error",
                        6 => "completed with a failed segment (unknown)",
                        7 => "completed with failed segments",
                        8 => "aborted for an unknown reason",
                        9 => "aborted by a sanitize operation",
                        _ => "reserved",
                    },
                    r["Self test code"],
                    r["Power on hours"],
                ));
            }
            s
        },
        || j.clone(),
        &data,
    )
}

/// Wait until the self-test in progress (log byte 0) ends, polling the log.
pub fn wait_self_test(c: &mut Ctx, _ctrl: u16) -> CliResult {
    use nvme_mi_core::transport::Transport;
    let start = std::time::Instant::now();
    let mut last = 255u8;
    loop {
        let data = read_whole::<SelfTestLog>(c, &GetLogPage::new(Lid::DeviceSelfTest, 0))?;
        let log = SelfTestLog::view(&data)?;
        if log.operation() == 0 {
            return Ok(());
        }
        let pct = log.completion();
        if pct != last {
            eprintln!(
                "nvme-mi: self-test {pct}% complete ({:.0} s)",
                start.elapsed().as_secs_f64()
            );
            last = pct;
        }
        let t = c.ep.transport_mut().now();
        c.ep.transport_mut()
            .wait_until(t + std::time::Duration::from_millis(1000));
    }
}

/// `effects-log`.
pub fn effects_log(c: &mut Ctx, csi: u8) -> CliResult {
    let fmt = c.fmt;
    let cmd = GetLogPage {
        csi,
        ..GetLogPage::new(Lid::CommandsSupportedAndEffects, 0)
    };
    let data = read_whole::<CommandsEffectsLog>(c, &cmd)?;
    let j = json::effects_log(CommandsEffectsLog::view(&data)?, csi);
    emit(
        fmt,
        || {
            let mut s = String::from("Admin Command Set\n");
            for (k, v) in j[0]["admin_cmd_set"].as_object().into_iter().flatten() {
                s.push_str(&format!("{k:<48} {:#010x}\n", v.as_u64().unwrap_or(0)));
            }
            s.push_str("\nNVM Command Set\n");
            for (k, v) in j[0]["io_cmd_set"].as_object().into_iter().flatten() {
                s.push_str(&format!("{k:<48} {:#010x}\n", v.as_u64().unwrap_or(0)));
            }
            s
        },
        || j.clone(),
        &data,
    )
}

/// `supported-log-pages`.
pub fn supported_log_pages(c: &mut Ctx) -> CliResult {
    let fmt = c.fmt;
    let data = read_whole::<SupportedLogPages>(c, &GetLogPage::new(Lid::SupportedLogPages, 0))?;
    let j = json::supported_log_pages(SupportedLogPages::view(&data)?);
    emit(
        fmt,
        || {
            let mut s = String::from("Supported Log Pages:\n");
            for o in j["supported_logs"].as_array().into_iter().flatten() {
                for (k, v) in o.as_object().into_iter().flatten() {
                    s.push_str(&format!(
                        "{}: {:#010x}\n",
                        k.trim(),
                        v.as_u64().unwrap_or(0)
                    ));
                }
            }
            s
        },
        || j.clone(),
        &data,
    )
}
