//! The NVMe Basic Management Command over an I2C controller: an SMBus block read with PEC
//! (NVMe-MI 1.2 Appendix A).
//!
//! # PEC and the adapter
//!
//! The read is one plain I2C transaction (`write_read`: the command code, a repeated start,
//! then [`MAX_READ_LEN`] bytes read: count, data, PEC), and the PEC is checked here over
//! both address bytes, the command code and the bytes read. The adapter's own PEC support is
//! therefore never used: an adapter without it (no `I2C_FUNC_SMBUS_PEC` on Linux) works the
//! same, and the Linux i2c-dev `I2C_PEC` option must stay off (it applies to SMBus
//! transfers only, which this read is not). What the adapter must support is plain I2C
//! transfers (`I2C_FUNC_I2C`, the `I2C_RDWR` ioctl under `linux-embedded-hal`): an
//! SMBus-only adapter, such as the kernel's `i2c-stub`, answers `EOPNOTSUPP`, which comes
//! back as [`BasicMgmtError::Bus`]. For those, `nvme-mi-linux`'s `I2cAdapter` chooses an
//! SMBus transfer by the adapter's functionality and checks what it reads with
//! [`check_block`].

use core::fmt;

use nvme_mi_core::basic_mgmt::{
    self, BlockRead, IdentificationBlock, StatusBlock, IDENTIFICATION_BLOCK, STATUS_BLOCK,
};

/// How many bytes a block read reads: the count byte, up to 32 data bytes (the SMBus 2.0
/// block limit, which both standard blocks fit: 6 and 22 bytes) and the PEC.
pub const MAX_READ_LEN: usize = 1 + 32 + 1;

/// Why a Basic Management read failed (NVMe-MI 1.2 Appendix A).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum BasicMgmtError<E> {
    /// The I2C transaction failed (a NACK usually means no drive answers at the address).
    Bus(E),
    /// The count byte announces more data than was read.
    BadLength(u8),
    /// The PEC over write address, command code, read address and the returned bytes does
    /// not match.
    PecMismatch {
        /// The PEC computed.
        computed: u8,
        /// The PEC received.
        received: u8,
    },
    /// The data is not a valid block (too short for the block asked for).
    Block(basic_mgmt::Error),
}

impl<E: fmt::Debug> fmt::Display for BasicMgmtError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            BasicMgmtError::Bus(e) => write!(f, "I2C error ({e:?})"),
            BasicMgmtError::BadLength(n) => write!(f, "block length {n} longer than read"),
            BasicMgmtError::PecMismatch { computed, received } => write!(
                f,
                "PEC mismatch: computed {computed:#04x}, received {received:#04x}"
            ),
            BasicMgmtError::Block(e) => write!(f, "bad block: {e}"),
        }
    }
}

impl<E: fmt::Debug> core::error::Error for BasicMgmtError<E> {}

/// Check the bytes a fixed-length read of `command` at 7-bit `addr` returned (count byte,
/// data, PEC, then anything read past the PEC, which is ignored) and give the data.
///
/// Errors: [`BasicMgmtError::BadLength`] if the count byte announces more than was read,
/// [`BasicMgmtError::PecMismatch`].
pub fn check_block<E>(addr: u8, command: u8, raw: &[u8]) -> Result<&[u8], BasicMgmtError<E>> {
    let count = raw.first().copied().unwrap_or(0);
    let used = raw
        .get(..usize::from(count) + 2)
        .ok_or(BasicMgmtError::BadLength(count))?;
    match BlockRead::new(addr, command).decode(used) {
        Ok(data) => Ok(data),
        Err(basic_mgmt::Error::PecMismatch { computed, received }) => {
            Err(BasicMgmtError::PecMismatch { computed, received })
        }
        Err(e) => Err(BasicMgmtError::Block(e)),
    }
}

/// One SMBus block read of `command` at 7-bit `addr` into `buf` (whose length is how many
/// bytes are read: the count byte, the data and the PEC): `write_read(addr, [command], buf)`,
/// a write of the command code and a repeated-start read. Returns the data (after the count
/// byte, before the PEC) once the PEC (NVMe-MI 1.2, Appendix A) checks out.
pub fn read_block<'b, I: embedded_hal::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
    command: u8,
    buf: &'b mut [u8],
) -> Result<&'b [u8], BasicMgmtError<I::Error>> {
    i2c.write_read(addr, &[command], buf)
        .map_err(BasicMgmtError::Bus)?;
    check_block(addr, command, buf)
}

/// The async twin of [`read_block`].
pub async fn read_block_async<'b, I: embedded_hal_async::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
    command: u8,
    buf: &'b mut [u8],
) -> Result<&'b [u8], BasicMgmtError<I::Error>> {
    i2c.write_read(addr, &[command], buf)
        .await
        .map_err(BasicMgmtError::Bus)?;
    check_block(addr, command, buf)
}

fn parse_status<E>(data: &[u8]) -> Result<StatusBlock, BasicMgmtError<E>> {
    StatusBlock::parse(data).map_err(BasicMgmtError::Block)
}

fn parse_identification<E>(data: &[u8]) -> Result<IdentificationBlock, BasicMgmtError<E>> {
    IdentificationBlock::parse(data).map_err(BasicMgmtError::Block)
}

/// Read the status block (command code 0) of the drive at 7-bit `addr` (usually
/// [`DEFAULT_ADDRESS`](nvme_mi_core::basic_mgmt::DEFAULT_ADDRESS), 0x6A).
pub fn read_status<I: embedded_hal::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
) -> Result<StatusBlock, BasicMgmtError<I::Error>> {
    parse_status(read_block(
        i2c,
        addr,
        STATUS_BLOCK,
        &mut [0u8; MAX_READ_LEN],
    )?)
}

/// Read the identification block (command code 8: vendor ID and serial number).
pub fn read_identification<I: embedded_hal::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
) -> Result<IdentificationBlock, BasicMgmtError<I::Error>> {
    parse_identification(read_block(
        i2c,
        addr,
        IDENTIFICATION_BLOCK,
        &mut [0u8; MAX_READ_LEN],
    )?)
}

/// The async twin of [`read_status`].
pub async fn read_status_async<I: embedded_hal_async::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
) -> Result<StatusBlock, BasicMgmtError<I::Error>> {
    parse_status(read_block_async(i2c, addr, STATUS_BLOCK, &mut [0u8; MAX_READ_LEN]).await?)
}

/// The async twin of [`read_identification`].
pub async fn read_identification_async<I: embedded_hal_async::i2c::I2c>(
    i2c: &mut I,
    addr: u8,
) -> Result<IdentificationBlock, BasicMgmtError<I::Error>> {
    let mut buf = [0u8; MAX_READ_LEN];
    parse_identification(read_block_async(i2c, addr, IDENTIFICATION_BLOCK, &mut buf).await?)
}
