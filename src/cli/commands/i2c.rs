//! Basic Management Command block reads over Linux I2C (`/dev/i2c-N`) with
//! `linux-embedded-hal`: a write of the command code, a repeated start and a read of the
//! length byte, the data and the PEC (NVMe-MI 1.2 Appendix A).

use crate::cli::error::{CliError, CliResult};

/// Read the status block and the identification block of the drive at 7-bit `addr` on
/// `/dev/i2c-<bus>`; returns their data bytes.
#[cfg(target_os = "linux")]
pub fn read_blocks(bus: u32, addr: u8, verbose: bool) -> CliResult<(Vec<u8>, Vec<u8>)> {
    use embedded_hal::i2c::I2c;
    use nvme_mi_core::basic_mgmt::{
        BlockRead, IDENTIFICATION_BLOCK, IDENTIFICATION_BLOCK_LEN, STATUS_BLOCK, STATUS_BLOCK_LEN,
    };

    let path = format!("/dev/i2c-{bus}");
    let mut i2c = linux_embedded_hal::I2cdev::new(&path)
        .map_err(|e| CliError::transport(format!("{path}: {e}")))?;
    let mut read = |command: u8, len: usize| -> CliResult<Vec<u8>> {
        let mut buf = vec![0u8; len + 2];
        i2c.write_read(addr, &[command], &mut buf).map_err(|e| {
            CliError::transport(format!(
                "{path}: block read {command} at {addr:#04x}: {}",
                embedded_hal::i2c::Error::kind(&e)
            ))
        })?;
        if verbose {
            eprintln!(
                "i2c {addr:#04x} cmd {command}: {}",
                crate::cli::logging::hex_bytes(&buf)
            );
        }
        let data = BlockRead::new(addr, command)
            .decode(&buf)
            .map_err(|e| CliError::integrity(format!("block read {command}: {e}")))?;
        Ok(data.to_vec())
    };
    let status = read(STATUS_BLOCK, STATUS_BLOCK_LEN)?;
    let ident = read(IDENTIFICATION_BLOCK, IDENTIFICATION_BLOCK_LEN)?;
    Ok((status, ident))
}

/// I2C needs Linux's i2c-dev.
#[cfg(not(target_os = "linux"))]
pub fn read_blocks(_bus: u32, _addr: u8, _verbose: bool) -> CliResult<(Vec<u8>, Vec<u8>)> {
    Err(CliError::transport("I2C devices need Linux (/dev/i2c-N)"))
}
