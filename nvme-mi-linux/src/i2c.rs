//! The NVMe Basic Management Command (NVMe-MI 2.0, Appendix A) over Linux i2c-dev
//! (`/dev/i2c-N`), on whatever transfers the adapter offers.
//!
//! The command is an SMBus Block Read at the drive's address (0x6A by default): command code,
//! repeated start, then the count byte, the data and the PEC. Adapters differ in how
//! userspace may issue it, so [`I2cAdapter`] asks the adapter (`I2C_FUNCS`) and chooses a
//! [`BlockTransfer`], in this order:
//!
//! | Adapter functionality | Transfer | PEC |
//! |---|---|---|
//! | `I2C_FUNC_I2C` (most BMC controllers) | [`BlockTransfer::I2cWriteRead`]: `I2C_RDWR` through `linux-embedded-hal` and [`nvme_mi_i2c::read_block`] | checked here |
//! | `I2C_FUNC_SMBUS_READ_I2C_BLOCK` (e.g. `i2c-stub`, many PC SMBus hosts) | [`BlockTransfer::I2cBlockRead`]: `I2C_SMBUS` I2C block read of count, data and PEC | checked here |
//! | `I2C_FUNC_SMBUS_READ_BLOCK_DATA` only | [`BlockTransfer::SmbusBlockRead`]: `I2C_SMBUS` block read | by the adapter if it has `I2C_FUNC_SMBUS_PEC` (`I2C_PEC` is set), else **not checked** |
//!
//! The first two put the same bytes on the wire and return the PEC byte to userspace, where
//! it is checked with [`nvme_mi_i2c::check_block`]; so the adapter's own PEC support does
//! not matter. With an SMBus Block Read the adapter reads the count byte itself and hands
//! back only the data: the PEC can then only be checked by the adapter, and on one without
//! `I2C_FUNC_SMBUS_PEC` it is not checked at all ([`BlockTransfer::pec_checked`] says so,
//! and the `nvme-mi basic` command prints it).

use std::convert::Infallible;
use std::fmt;
use std::io;
use std::os::fd::AsRawFd;
use std::path::Path;

use i2cdev::core::I2CDevice;
use i2cdev::linux::LinuxI2CError;
use linux_embedded_hal::I2cdev;
use nvme_mi_core::basic_mgmt::{
    IdentificationBlock, StatusBlock, IDENTIFICATION_BLOCK, IDENTIFICATION_BLOCK_LEN, STATUS_BLOCK,
    STATUS_BLOCK_LEN,
};
use nvme_mi_i2c::{check_block, BasicMgmtError, MAX_READ_LEN};

use crate::i2c_sys;

/// An adapter's functionality mask, as `I2C_FUNCS` reports it (`I2C_FUNC_*`, linux/i2c.h).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Functionality(pub u32);

impl Functionality {
    /// Plain I2C transfers (`I2C_RDWR`).
    pub const I2C: u32 = 0x0000_0001;
    /// The adapter computes and checks SMBus PEC.
    pub const SMBUS_PEC: u32 = 0x0000_0008;
    /// SMBus Block Read (the adapter reads the count byte).
    pub const SMBUS_READ_BLOCK_DATA: u32 = 0x0100_0000;
    /// I2C block read: command code, repeated start, a given number of bytes.
    pub const SMBUS_READ_I2C_BLOCK: u32 = 0x0400_0000;

    /// Whether every bit of `bits` is set.
    pub const fn contains(self, bits: u32) -> bool {
        self.0 & bits == bits
    }
}

impl fmt::Display for Functionality {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:#010x}", self.0)
    }
}

/// How a block read is put on the bus (see the [module](self) table).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BlockTransfer {
    /// A write of the command code and a repeated-start read of count, data and PEC
    /// (`I2C_RDWR`); PEC checked here.
    I2cWriteRead,
    /// An SMBus I2C block read of count, data and PEC (`I2C_SMBUS`); PEC checked here.
    I2cBlockRead,
    /// An SMBus Block Read (`I2C_SMBUS`); `pec`: whether the adapter checks the PEC
    /// (`I2C_FUNC_SMBUS_PEC`, enabled with `I2C_PEC`).
    SmbusBlockRead {
        /// The adapter checks the PEC.
        pec: bool,
    },
}

impl BlockTransfer {
    /// The transfer used on an adapter with functionality `f`, or `None` if it can do none.
    pub const fn choose(f: Functionality) -> Option<Self> {
        if f.contains(Functionality::I2C) {
            Some(BlockTransfer::I2cWriteRead)
        } else if f.contains(Functionality::SMBUS_READ_I2C_BLOCK) {
            Some(BlockTransfer::I2cBlockRead)
        } else if f.contains(Functionality::SMBUS_READ_BLOCK_DATA) {
            Some(BlockTransfer::SmbusBlockRead {
                pec: f.contains(Functionality::SMBUS_PEC),
            })
        } else {
            None
        }
    }

    /// Whether the PEC of what is read is checked, here or by the adapter.
    pub const fn pec_checked(self) -> bool {
        !matches!(self, BlockTransfer::SmbusBlockRead { pec: false })
    }
}

impl fmt::Display for BlockTransfer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            BlockTransfer::I2cWriteRead => "I2C write-read (I2C_RDWR), PEC checked by nvme-mi",
            BlockTransfer::I2cBlockRead => "SMBus I2C block read (I2C_SMBUS), PEC checked by nvme-mi",
            BlockTransfer::SmbusBlockRead { pec: true } => {
                "SMBus block read (I2C_SMBUS), PEC checked by the adapter (I2C_PEC)"
            }
            BlockTransfer::SmbusBlockRead { pec: false } => {
                "SMBus block read (I2C_SMBUS), PEC not checked: the adapter has no I2C_FUNC_SMBUS_PEC"
            }
        })
    }
}

/// Why opening an adapter or reading a block failed.
#[derive(Debug)]
#[non_exhaustive]
pub enum I2cError {
    /// Opening the device node or reading its functionality (`I2C_FUNCS`) failed.
    Open(io::Error),
    /// The adapter offers none of the transfers of the [module](self) table.
    Unsupported(Functionality),
    /// The transfer failed (`ENXIO` or `EREMOTEIO`: no drive answers at the address).
    Bus(io::Error),
    /// The adapter rejected the PEC of an SMBus Block Read (`EBADMSG` with `I2C_PEC` on).
    AdapterPec,
    /// What was read is not a valid block: bad count byte, PEC mismatch, too short.
    Block(BasicMgmtError<Infallible>),
}

impl fmt::Display for I2cError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            I2cError::Open(e) => write!(f, "cannot open the adapter: {e}"),
            I2cError::Unsupported(funcs) => write!(
                f,
                "the adapter (functionality {funcs}) offers neither I2C transfers nor SMBus block reads"
            ),
            I2cError::Bus(e) => write!(f, "transfer failed: {e}"),
            I2cError::AdapterPec => f.write_str("the adapter reports a PEC mismatch"),
            I2cError::Block(BasicMgmtError::Bus(never)) => match *never {},
            I2cError::Block(e) => write!(f, "{e}"),
        }
    }
}

impl std::error::Error for I2cError {}

impl I2cError {
    /// Whether this is an integrity failure (PEC, count byte, block contents) rather than a
    /// failure to reach the drive.
    pub fn is_integrity(&self) -> bool {
        matches!(self, I2cError::AdapterPec | I2cError::Block(_))
    }

    fn bus(e: &LinuxI2CError) -> Self {
        let e = match e {
            LinuxI2CError::Errno(n) => io::Error::from_raw_os_error(*n),
            LinuxI2CError::Io(e) => match e.raw_os_error() {
                Some(n) => io::Error::from_raw_os_error(n),
                None => io::Error::new(e.kind(), e.to_string()),
            },
        };
        if e.raw_os_error() == Some(libc::EBADMSG) {
            I2cError::AdapterPec
        } else {
            I2cError::Bus(e)
        }
    }

    fn block<E>(e: BasicMgmtError<E>) -> Self {
        I2cError::Block(match e {
            BasicMgmtError::BadLength(n) => BasicMgmtError::BadLength(n),
            BasicMgmtError::PecMismatch { computed, received } => {
                BasicMgmtError::PecMismatch { computed, received }
            }
            BasicMgmtError::Block(b) => BasicMgmtError::Block(b),
            // Transfer errors are mapped before the bytes are checked: not reached.
            _ => BasicMgmtError::Block(nvme_mi_core::basic_mgmt::Error::Truncated),
        })
    }
}

/// One block as read: the bytes the transfer returned and the data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Block {
    /// What userspace received: count, data and PEC for the transfers that check the PEC
    /// here, only the data for an SMBus Block Read.
    pub raw: Vec<u8>,
    /// The block's data (after the count byte, before the PEC).
    pub data: Vec<u8>,
}

/// An open `/dev/i2c-N` and the block transfer chosen for it.
pub struct I2cAdapter {
    dev: I2cdev,
    funcs: Functionality,
    transfer: BlockTransfer,
}

impl I2cAdapter {
    /// Open the adapter at `path` (e.g. `/dev/i2c-3`) and choose its transfer.
    pub fn open(path: impl AsRef<Path>) -> Result<Self, I2cError> {
        let dev = I2cdev::new(path).map_err(|e| match I2cError::bus(&e) {
            I2cError::Bus(e) => I2cError::Open(e),
            other => other,
        })?;
        Self::new(dev)
    }

    /// Use an already open `linux-embedded-hal` device; asks for its functionality.
    pub fn new(dev: I2cdev) -> Result<Self, I2cError> {
        let funcs = Functionality(i2c_sys::functionality(dev.as_raw_fd()).map_err(I2cError::Open)?);
        let transfer = BlockTransfer::choose(funcs).ok_or(I2cError::Unsupported(funcs))?;
        Ok(I2cAdapter {
            dev,
            funcs,
            transfer,
        })
    }

    /// The adapter's functionality mask.
    pub fn functionality(&self) -> Functionality {
        self.funcs
    }

    /// The transfer every read uses.
    pub fn transfer(&self) -> BlockTransfer {
        self.transfer
    }

    /// Read the block at `command` of the drive at 7-bit `addr`, whose data is `len` bytes
    /// long (at most 32: [`MAX_READ_LEN`] with count and PEC).
    pub fn read_block(&mut self, addr: u8, command: u8, len: usize) -> Result<Block, I2cError> {
        let read_len = (len + 2).min(MAX_READ_LEN);
        match self.transfer {
            BlockTransfer::I2cWriteRead => {
                let mut raw = vec![0u8; read_len];
                let data = nvme_mi_i2c::read_block(&mut self.dev, addr, command, &mut raw)
                    .map_err(|e| match e {
                        BasicMgmtError::Bus(e) => I2cError::bus(e.inner()),
                        other => I2cError::block(other),
                    })?
                    .to_vec();
                Ok(Block { raw, data })
            }
            BlockTransfer::I2cBlockRead => {
                self.dev
                    .set_slave_address(addr.into())
                    .map_err(|e| I2cError::bus(&e))?;
                // At most 34 (MAX_READ_LEN): fits the u8.
                let raw = self
                    .dev
                    .smbus_read_i2c_block_data(command, read_len as u8)
                    .map_err(|e| I2cError::bus(&e))?;
                let data = check_block::<Infallible>(addr, command, &raw)
                    .map_err(I2cError::block)?
                    .to_vec();
                Ok(Block { raw, data })
            }
            BlockTransfer::SmbusBlockRead { pec } => {
                self.dev
                    .set_slave_address(addr.into())
                    .map_err(|e| I2cError::bus(&e))?;
                self.dev.set_smbus_pec(pec).map_err(|e| I2cError::bus(&e))?;
                let data = self
                    .dev
                    .smbus_read_block_data(command)
                    .map_err(|e| I2cError::bus(&e))?;
                Ok(Block {
                    raw: data.clone(),
                    data,
                })
            }
        }
    }

    /// Read and parse the status block (command code 0).
    pub fn read_status(&mut self, addr: u8) -> Result<(StatusBlock, Block), I2cError> {
        let b = self.read_block(addr, STATUS_BLOCK, STATUS_BLOCK_LEN)?;
        let s =
            StatusBlock::parse(&b.data).map_err(|e| I2cError::Block(BasicMgmtError::Block(e)))?;
        Ok((s, b))
    }

    /// Read and parse the identification block (command code 8: vendor ID, serial number).
    pub fn read_identification(
        &mut self,
        addr: u8,
    ) -> Result<(IdentificationBlock, Block), I2cError> {
        let b = self.read_block(addr, IDENTIFICATION_BLOCK, IDENTIFICATION_BLOCK_LEN)?;
        let id = IdentificationBlock::parse(&b.data)
            .map_err(|e| I2cError::Block(BasicMgmtError::Block(e)))?;
        Ok((id, b))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn transfer_by_functionality() {
        let f = |bits| BlockTransfer::choose(Functionality(bits));
        // i2c-stub's default: byte, word and I2C block transfers, no SMBus block read.
        assert_eq!(f(0x0e7f_0000), Some(BlockTransfer::I2cBlockRead));
        // A controller with plain I2C and SMBus emulation picks the write-read.
        assert_eq!(f(0x0eff_8009), Some(BlockTransfer::I2cWriteRead));
        assert_eq!(
            f(Functionality::SMBUS_READ_BLOCK_DATA),
            Some(BlockTransfer::SmbusBlockRead { pec: false })
        );
        assert_eq!(
            f(Functionality::SMBUS_READ_BLOCK_DATA | Functionality::SMBUS_PEC),
            Some(BlockTransfer::SmbusBlockRead { pec: true })
        );
        assert_eq!(f(0x0001_0000), None);
        assert!(!BlockTransfer::SmbusBlockRead { pec: false }.pec_checked());
        assert!(BlockTransfer::I2cBlockRead.pec_checked());
    }
}
