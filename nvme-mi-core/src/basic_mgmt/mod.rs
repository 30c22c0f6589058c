//! The NVMe Basic Management Command (NVMe-MI 1.2 Appendix A): a plain SMBus block
//! read, no MCTP, that returns a drive's health status and identity.
//!
//! The management controller reads from the drive's 7-bit address (default
//! [`DEFAULT_ADDRESS`], 0x6A) with the command code set to the starting byte offset:
//! [`STATUS_BLOCK`] (0) returns the [`StatusBlock`], [`IDENTIFICATION_BLOCK`] (8) the
//! [`IdentificationBlock`]. The drive answers with a length byte, the data and a PEC.
//!
//! ```text
//! S [addr<<1|0] A [cmd] A Sr [addr<<1|1] A [count] A [data ...] A [PEC] NA P
//! ```
//!
//! Requester: [`BlockRead::decode`] verifies the returned bytes, then [`StatusBlock::parse`] /
//! [`IdentificationBlock::parse`]. Responder (a simulated drive): `emit` the block, then
//! [`BlockRead::encode`].
//!
//! ```
//! use nvme_mi_core::basic_mgmt::{BlockRead, StatusBlock, DEFAULT_ADDRESS, STATUS_BLOCK};
//! let read = BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK);
//! let wire = [0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00, 0x3a];
//! let data = read.decode(&wire).unwrap();
//! let status = StatusBlock::parse(data).unwrap();
//! assert_eq!(status.pdlu, 3);
//! assert!(status.flags.drive_functional());
//! ```

mod block_read;
mod error;
mod identification_block;
mod status_block;

/// CTEMP uses the NVM Subsystem Health Status Poll encoding: the same type serves both.
pub use crate::mi::command::CompositeTemperature;
/// The warnings of the status block, in the non-inverted Critical Warning layout.
pub use crate::mi::command::CriticalWarning;
pub use block_read::{
    BlockRead, ARBITRATION_RESET, DEFAULT_ADDRESS, IDENTIFICATION_BLOCK, MAX_BLOCK_LEN,
    STATUS_BLOCK,
};
pub use error::Error;
pub use identification_block::{IdentificationBlock, IDENTIFICATION_BLOCK_LEN};
pub use status_block::{Sflgs, StatusBlock, STATUS_BLOCK_LEN};

/// A `Result` whose error is a Basic Management [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
