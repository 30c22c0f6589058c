//! The requester engine: what a management controller (a BMC) uses to ask an NVMe-MI
//! endpoint questions over any [`Transport`](crate::transport::Transport).
//!
//! The engine is written once, as a sans-IO [`Exchange`] state machine that validates
//! responses, follows More Processing Required under an absolute deadline and decides on
//! retries; [`run_exchange`] and [`run_exchange_async`] drive it over the blocking and async
//! transport traits.
//!
//! # Two command slots
//!
//! An NVMe-MI endpoint has two Command Slots (NVMe-MI 1.2 §4.2), named by the CSI bit of each
//! request, each processing one command at a time. To keep health polls going while a long
//! command (Format NVM, Sanitize, Firmware Commit) waits through More Processing Required,
//! give each slot an endpoint handle of its own: its own transport to the same endpoint (a
//! second AF_MCTP socket to the same EID, whose tags the kernel keeps apart), its own buffer,
//! and [`Config::csi`] naming the slot. The async handles' futures are `Send` whenever the
//! transport's are, so the two handles run as tasks of a multi-threaded runtime.

mod commands;
mod control;
mod controller;
mod endpoint;
mod error;
mod exchange;
mod policy;
mod quirks;
mod streaming;
mod verbs;

pub use commands::{admin_class, mi_class, AdminResult};
pub use controller::{AsyncController, Controller};
pub use endpoint::{AsyncEndpoint, Buffer, CommandClass, Config, Endpoint, Response};
pub use error::{RequestError, Unexpected};
pub use exchange::{
    drive_exchange, drive_exchange_async, run_exchange, run_exchange_async, Exchange, Expect, Step,
};
pub use policy::Policy;
pub use quirks::{DeviceMatch, QuirkEntry, Quirks, QUIRK_TABLE};
pub use streaming::{AeSettings, MAX_AE_ENTRIES};
