//! `basic`: the Basic Management Command (NVMe-MI 1.2 Appendix A): the status block (command
//! code 0) and the identification block (command code 8), read over SMBus/I2C or from the
//! simulated drive.

use nvme_mi_core::basic_mgmt::{IdentificationBlock, StatusBlock};
use serde_json::json;

use crate::cli::args::{Dev, Settings};
use crate::cli::device::DeviceSpec;
use crate::cli::error::{CliError, CliResult};
use crate::cli::output::{emit, flags_text, CRITICAL_WARNING_FLAGS};
use crate::cli::sim_link::SimLink;

/// The two blocks' data bytes, as read, and how.
struct Blocks {
    status: Vec<u8>,
    ident: Vec<u8>,
    /// The transfer and who checked the PEC, in words.
    transfer: String,
    /// Whether the PEC was checked.
    pec_checked: bool,
}

fn read(dev: &DeviceSpec, g: &Settings) -> CliResult<Blocks> {
    match dev {
        DeviceSpec::Sim { .. } => {
            let link = SimLink::open(g.seed, g.topology, g.sim_state.as_deref())?;
            let sim = link.sim();
            Ok(Blocks {
                status: sim.basic_status_block().to_vec(),
                ident: sim.basic_identification_block().to_vec(),
                transfer: "simulated drive, no bus".into(),
                pec_checked: false,
            })
        }
        DeviceSpec::I2c { bus, addr } => {
            super::i2c::read_blocks(*bus, *addr, g.verbose).map(|b| Blocks {
                status: b.status,
                ident: b.ident,
                transfer: b.transfer,
                pec_checked: b.pec_checked,
            })
        }
        DeviceSpec::Mctp { .. } => Err(CliError::usage(
            "the Basic Management Command is an SMBus block read: use i2c:<bus>,<addr> or sim",
        )),
    }
}

/// `basic`.
pub fn run(dev: &Dev, g: &Settings) -> CliResult {
    let b = read(&dev.device, g)?;
    let s = StatusBlock::parse(&b.status).map_err(|e| CliError::integrity(e.to_string()))?;
    let id =
        IdentificationBlock::parse(&b.ident).map_err(|e| CliError::integrity(e.to_string()))?;
    let mut raw = b.status.clone();
    raw.extend_from_slice(&b.ident);
    emit(
        g.output,
        || {
            format!(
                "Basic Management Command, {}\n\
                 transfer              : {}\n\
                 status flags          : {:#04x} (drive {}ready, {}functional, reset {}required)\n\
                 smart warnings        : {}\n\
                 composite temperature : {}\n\
                 percentage used       : {}%\n\
                 vendor ID             : {:#06x}\n\
                 serial number         : {}\n",
                dev.device,
                b.transfer,
                s.flags.0,
                if s.flags.drive_ready() { "" } else { "not " },
                if s.flags.drive_functional() {
                    ""
                } else {
                    "not "
                },
                if s.flags
                    .contains(nvme_mi_core::basic_mgmt::Sflgs::RESET_NOT_REQUIRED)
                {
                    "not "
                } else {
                    ""
                },
                flags_text(s.warnings.bits().into(), CRITICAL_WARNING_FLAGS),
                super::mi::temp_text(s.ctemp),
                s.pdlu,
                id.vendor_id,
                id.serial(),
            )
        },
        || {
            json!({
                "sflgs": s.flags.0,
                "smart_warnings": s.warnings.bits(),
                "ctemp": s.ctemp.celsius(),
                "pdlu": s.pdlu,
                "vid": id.vendor_id,
                "sn": id.serial(),
                "transfer": b.transfer,
                "pec_checked": b.pec_checked,
            })
        },
        &raw,
    )
}
