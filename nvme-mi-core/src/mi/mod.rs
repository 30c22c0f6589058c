//! The NVMe Management Interface message layer (MCTP message type 4).
//!
//! Every NVMe-MI message handled here is a complete MCTP message: it starts with the MCTP
//! message type byte (`0x84`: NVMe-MI with the integrity check) and ends with the 4-byte
//! Message Integrity Check (CRC-32C, little-endian). Transports whose kernel carries the type
//! byte out of band (Linux `AF_MCTP`) add or strip it at the socket.
//!
//! Byte order: every multi-byte NVMe-MI field is little-endian.

pub mod admin;
pub mod admin_data;
pub mod aem;
pub mod command;
pub mod control_primitive;
mod error;
pub mod header;
pub mod integrity;
pub mod pcie;
pub mod status;

pub use error::Error;
pub use header::{Csi, Message, MessageHeader, Nmimt, Ror};

/// The largest NVMe-MI message: 4096 bytes of data plus 128 bytes of headers, including the
/// type byte and the integrity check (NVMe-MI 1.2 §3.1).
pub const MAX_MESSAGE_LEN: usize = 4224;

/// The largest data portion an NVMe-MI request or response carries (Admin DLEN limit).
pub const MAX_DATA_LEN: usize = 4096;

/// A `Result` whose error is an NVMe-MI codec [`Error`].
pub type Result<T> = core::result::Result<T, Error>;
