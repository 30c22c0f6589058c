//! The Management Component Transport Protocol (DSP0236) and its SMBus/I2C binding (DSP0237).
//!
//! Byte order: every MCTP transport header field is a single byte; multi-byte fields of MCTP
//! control messages are big-endian.

pub mod control;
mod eid;
mod error;
pub mod fragment;
pub mod header;
mod msg_type;
pub mod pec;
pub mod reassemble;
pub mod smbus;
pub mod tag;

pub use eid::Eid;
pub use error::Error;
pub use fragment::Fragmenter;
pub use msg_type::{MsgType, MsgTypeIc};
pub use reassemble::{DropCounters, DropReason, Reassembled, Reassembler};
pub use tag::{Tag, TagAllocator, TagError};

/// The baseline transmission unit: bytes of MCTP packet payload every endpoint accepts
/// (DSP0236 §8.3; excludes the 4-byte packet header).
pub const BASELINE_TU: usize = 64;
