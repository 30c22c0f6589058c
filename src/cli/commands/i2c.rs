//! Basic Management Command block reads over Linux I2C (`/dev/i2c-N`) with
//! `nvme-mi-linux`'s [`I2cAdapter`](nvme_mi_linux::i2c::I2cAdapter), which chooses the
//! transfer by the adapter's functionality (NVMe-MI 2.0 Appendix A).

use crate::cli::error::{CliError, CliResult};

/// The two blocks' data bytes and how they were read.
pub struct I2cBlocks {
    /// Status block data (command code 0).
    pub status: Vec<u8>,
    /// Identification block data (command code 8).
    pub ident: Vec<u8>,
    /// The transfer used and who checked the PEC, in words.
    pub transfer: String,
    /// Whether the PEC was checked (here or by the adapter).
    pub pec_checked: bool,
}

/// Read the status block and the identification block of the drive at 7-bit `addr` on
/// `/dev/i2c-<bus>`.
#[cfg(target_os = "linux")]
pub fn read_blocks(bus: u32, addr: u8, verbose: bool) -> CliResult<I2cBlocks> {
    use nvme_mi_core::basic_mgmt::{
        IDENTIFICATION_BLOCK, IDENTIFICATION_BLOCK_LEN, STATUS_BLOCK, STATUS_BLOCK_LEN,
    };
    use nvme_mi_linux::i2c::{I2cAdapter, I2cError};

    let path = format!("/dev/i2c-{bus}");
    let fail = |what: &str, e: I2cError| {
        let msg = format!("{path}: {what} at {addr:#04x}: {e}");
        if e.is_integrity() {
            CliError::integrity(msg)
        } else {
            CliError::transport(msg)
        }
    };
    let mut adapter =
        I2cAdapter::open(&path).map_err(|e| CliError::transport(format!("{path}: {e}")))?;
    let transfer = adapter.transfer();
    if verbose {
        eprintln!(
            "{path}: functionality {}, using {transfer}",
            adapter.functionality()
        );
    }
    let mut read = |command: u8, len: usize, what: &str| -> CliResult<Vec<u8>> {
        let b = adapter
            .read_block(addr, command, len)
            .map_err(|e| fail(what, e))?;
        if verbose {
            eprintln!(
                "i2c {addr:#04x} cmd {command}: {}",
                crate::cli::logging::hex_bytes(&b.raw)
            );
        }
        Ok(b.data)
    };
    let status = read(STATUS_BLOCK, STATUS_BLOCK_LEN, "status block")?;
    let ident = read(
        IDENTIFICATION_BLOCK,
        IDENTIFICATION_BLOCK_LEN,
        "identification block",
    )?;
    Ok(I2cBlocks {
        status,
        ident,
        transfer: transfer.to_string(),
        pec_checked: transfer.pec_checked(),
    })
}

/// I2C needs Linux's i2c-dev.
#[cfg(not(target_os = "linux"))]
pub fn read_blocks(_bus: u32, _addr: u8, _verbose: bool) -> CliResult<I2cBlocks> {
    Err(CliError::transport("I2C devices need Linux (/dev/i2c-N)"))
}
