//! `fw-download` and `fw-commit` (NVMe Base §5.12, §5.13), tunnelled.

use indicatif::{ProgressBar, ProgressStyle};
use nvme_mi_core::mi::admin::{CommitAction, FirmwareCommit};
use serde_json::json;

use crate::cli::error::{CliError, CliResult};
use crate::cli::output::emit;
use crate::cli::Ctx;

/// `fw-download`: send the image in pieces with a progress bar on standard error.
pub fn download(c: &mut Ctx, image: &[u8], xfer: usize) -> CliResult {
    let fmt = c.fmt;
    if image.is_empty() || image.len() % 4 != 0 {
        return Err(CliError::usage(format!(
            "the image has {} bytes; firmware images are a non-zero multiple of 4 bytes",
            image.len()
        )));
    }
    if xfer == 0 || xfer % 4 != 0 || xfer > 4096 {
        return Err(CliError::usage(
            "--xfer must be a multiple of 4 between 4 and 4096",
        ));
    }
    let ctrl = c.ctrl()?;
    let bar = ProgressBar::new(image.len() as u64);
    bar.set_style(
        ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes} ({eta})")
            .map_err(|e| CliError::usage(e.to_string()))?
            .progress_chars("=> "),
    );
    bar.set_message("firmware download");
    let r =
        c.ep.firmware_download(ctrl, image, xfer, |done, _| bar.set_position(done as u64));
    match r {
        Ok(()) => bar.finish(),
        Err(_) => bar.abandon(),
    }
    r?;
    emit(
        fmt,
        || {
            format!(
                "firmware download of {} bytes to controller {ctrl} complete",
                image.len()
            )
        },
        || json!({ "ctrl": ctrl, "bytes": image.len() }),
        &[],
    )
}

/// `fw-commit`.
pub fn commit(c: &mut Ctx, slot: u8, action: u8, bpid: bool) -> CliResult {
    let fmt = c.fmt;
    if slot > 7 || action > 7 {
        return Err(CliError::usage("--slot is 0..=7 and --action 0..=7"));
    }
    let ctrl = c.ctrl()?;
    let ca = CommitAction::from_u8(action);
    let r =
        c.ep.admin(ctrl, &FirmwareCommit { fs: slot, ca, bpid }, 0, 0, &[])?;
    let dw0 = r.completion.dw0;
    emit(
        fmt,
        || format!("firmware commit: slot {slot}, action {action} ({ca:?}): success"),
        || json!({ "slot": slot, "action": action, "cdw0": dw0 }),
        &[],
    )
}
