//! `fw-download` and `fw-commit` (NVMe Base §5.12, §5.13), tunnelled.

use std::io::{IsTerminal, Write};
use std::time::Instant;

use indicatif::{ProgressBar, ProgressStyle};
use nvme_mi_core::mi::admin::{CommitAction, FirmwareCommit, FirmwareImageDownload};
use nvme_mi_core::mi::MAX_DATA_LEN;
use nvme_mi_core::transport::Transport;
use serde_json::json;

use crate::cli::args::OutputFormat;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::emit;
use crate::cli::Ctx;

/// The largest image `fw-download` reads (checked before reading: no file size decides an
/// allocation).
pub const MAX_IMAGE: usize = 128 << 20;

/// Progress of a transfer: with `--progress`, nvme-cli 2.3's line before each piece on
/// standard output (standard error when standard output carries JSON or binary), rewritten in
/// place by a carriage return; otherwise on standard error a bar on a terminal, or a line at
/// each tenth for a journal.
struct Progress {
    bar: Option<ProgressBar>,
    nvme_cli: Option<Box<dyn Write>>,
    total: usize,
    next_tenth: usize,
    start: Instant,
}

impl Progress {
    fn new(total: usize, nvme_cli: bool, fmt: OutputFormat) -> CliResult<Self> {
        let nvme_cli: Option<Box<dyn Write>> = match (nvme_cli, fmt) {
            (false, _) => None,
            (true, OutputFormat::Normal) => Some(Box::new(std::io::stdout())),
            (true, _) => Some(Box::new(std::io::stderr())),
        };
        let bar = if nvme_cli.is_none() && std::io::stderr().is_terminal() {
            let b = ProgressBar::new(total as u64);
            b.set_style(
                ProgressStyle::with_template(
                    "{msg} [{bar:40}] {bytes}/{total_bytes} {elapsed_precise} ({eta})",
                )
                .map_err(|e| CliError::usage(e.to_string()))?
                .progress_chars("=> "),
            );
            b.set_message("firmware download");
            Some(b)
        } else {
            None
        };
        Ok(Progress {
            bar,
            nvme_cli,
            total,
            next_tenth: 1,
            start: Instant::now(),
        })
    }

    /// Before the piece at byte `offset`: nvme-cli's line.
    fn start_piece(&mut self, offset: usize) -> CliResult {
        if let Some(out) = &mut self.nvme_cli {
            write!(
                out,
                "Firmware download: transferring {offset:#010x}/{:#010x} bytes: {:03}%\r",
                self.total,
                offset * 100 / self.total.max(1)
            )?;
            out.flush()?;
        }
        Ok(())
    }

    fn update(&mut self, done: usize) {
        if self.nvme_cli.is_some() {
            return;
        }
        if let Some(b) = &self.bar {
            b.set_position(done as u64);
            return;
        }
        let tenths = done * 10 / self.total.max(1);
        if tenths >= self.next_tenth {
            self.next_tenth = tenths + 1;
            eprintln!(
                "nvme-mi: firmware download: {done}/{} bytes ({}%), {:.1} s",
                self.total,
                done * 100 / self.total.max(1),
                self.start.elapsed().as_secs_f64()
            );
        }
    }

    fn end(&mut self, ok: bool) -> CliResult {
        if let Some(out) = &mut self.nvme_cli {
            // The line ends here, success or not, so that what follows starts on its own.
            writeln!(out)?;
        }
        if let Some(b) = &self.bar {
            if ok {
                b.finish()
            } else {
                b.abandon()
            }
        }
        Ok(())
    }
}

/// `fw-download`: send the image in pieces, showing progress (`nvme_cli_progress`: as
/// nvme-cli's --progress does).
pub fn download(
    c: &mut Ctx,
    image: &[u8],
    xfer: usize,
    offset: u32,
    nvme_cli_progress: bool,
) -> CliResult {
    let fmt = c.fmt;
    if image.is_empty() || image.len() % 4 != 0 {
        return Err(CliError::usage(format!(
            "the image has {} bytes; firmware images are a non-zero multiple of 4 bytes",
            image.len()
        )));
    }
    if xfer == 0 || xfer % 4 != 0 || xfer > MAX_DATA_LEN {
        return Err(CliError::usage(format!(
            "--xfer {xfer}: a multiple of 4 between 4 and {MAX_DATA_LEN} (one NVMe-MI request)"
        )));
    }
    if u64::from(offset) + (image.len() as u64) / 4 > u64::from(u32::MAX) {
        return Err(CliError::usage(
            "--offset plus the image's length passes the 32-bit dword offset of the command",
        ));
    }
    let ctrl = c.ctrl()?;
    let parts = FirmwareImageDownload::chunks(image.len(), xfer)
        .map_err(|e| CliError::usage(e.to_string()))?;
    let mut progress = Progress::new(image.len(), nvme_cli_progress, fmt)?;
    let mut result = Ok(());
    for (mut cmd, range) in parts {
        cmd.ofst += offset;
        let end = range.end;
        let Some(piece) = image.get(range.clone()) else {
            break;
        };
        progress.start_piece(range.start)?;
        if let Err(e) = c.ep.admin(ctrl, &cmd, 0, 0, piece) {
            result = Err(CliError::from(e)
                .context(&format!("firmware download at byte {}", cmd.offset_bytes())));
            break;
        }
        progress.update(end);
    }
    progress.end(result.is_ok())?;
    result?;
    emit(
        fmt,
        || {
            format!(
                "Firmware download success: {} bytes to controller {ctrl}",
                image.len()
            )
        },
        || json!({ "ctrl": ctrl, "bytes": image.len(), "offset": offset }),
        &[],
    )
}

fn action_text(ca: u8) -> &'static str {
    match ca {
        0 => "replace the image in the slot",
        1 => "replace, activate at the next reset",
        2 => "activate the slot at the next reset",
        3 => "replace and activate now",
        6 => "replace the boot partition",
        _ => "activate the boot partition",
    }
}

/// `fw-commit`.
pub fn commit(c: &mut Ctx, slot: u8, action: u8, bpid: bool) -> CliResult {
    let fmt = c.fmt;
    let ctrl = c.ctrl()?;
    let ca = CommitAction::from_u8(action);
    let t0 = c.ep.transport_mut().now();
    let dw0 = crate::cli::progress::wait("firmware commit", || {
        c.ep.admin(ctrl, &FirmwareCommit { fs: slot, ca, bpid }, 0, 0, &[])
            .map(|r| r.completion.dw0)
    })?;
    let ms = c.ep.transport_mut().now().since(t0).as_millis() as u64;
    emit(
        fmt,
        || {
            format!(
                "Success committing firmware action:{action} slot:{slot} ({}) after {ms} ms",
                action_text(action)
            )
        },
        || json!({ "slot": slot, "action": action, "bpid": u8::from(bpid), "cdw0": dw0, "elapsed_ms": ms }),
        &[],
    )
}
