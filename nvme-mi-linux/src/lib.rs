//! NVMe-MI over the Linux kernel's `AF_MCTP` sockets.
//!
//! The kernel packetises MCTP; this crate moves whole messages between the
//! [`nvme_mi_core`] engines and `AF_MCTP` sockets (Linux include/uapi/linux/mctp.h):
//!
//! - [`MctpTransport`]: a blocking requester ([`Transport`](nvme_mi_core::transport::Transport)
//!   and [`EventSource`](nvme_mi_core::transport::EventSource)) to one endpoint, with
//!   preallocated tags so that More Processing Required works.
//! - [`MctpListener`]: a blocking responder
//!   ([`ResponderTransport`](nvme_mi_core::transport::ResponderTransport)) bound to NVMe-MI
//!   requests on a local EID.
//! - With the `tokio` feature, their async twins `AsyncMctpTransport` and
//!   `AsyncMctpListener`.
//! - [`MctpAddr`] / [`MctpDevice`]: nvme-cli's `mctp:<net>,<eid>[:<controller-id>]`.
//! - [`netlink`]: just enough rtnetlink to configure MCTP addresses and routes.
//! - [`MCTP_NET_ANY`] and the tag bits of the kernel's socket ABI; the ABI itself (the
//!   crate's only `unsafe` code) is a private module that depends on nothing above it.
//! - `discovery` (feature `discovery`, on by default): `mctpd`'s endpoints over D-Bus.
//! - [`i2c`] (feature `i2c`, on by default): the Basic Management Command over i2c-dev,
//!   with the transfer chosen by the adapter's functionality; its one ioctl
//!   (`I2C_FUNCS`) is the crate's other `unsafe` module.
//!
//! # Privileges and kernels
//! Sending needs `CAP_NET_RAW`, binding `CAP_NET_BIND_SERVICE`, netlink changes
//! `CAP_NET_ADMIN`. On a kernel without `CONFIG_MCTP`, creating a socket fails with
//! `EAFNOSUPPORT` ([`Error::is_mctp_unsupported`]).
//!
//! # Example
//! ```no_run
//! use nvme_mi_core::mi::header::{emit_message, MessageHeader};
//! use nvme_mi_core::mi::{Csi, Nmimt};
//! use nvme_mi_core::requester::{run_exchange, Expect, Policy};
//! use nvme_mi_linux::{MctpDevice, MctpTransport};
//!
//! let dev: MctpDevice = "mctp:1,8".parse()?;
//! let mut t = MctpTransport::new(dev.addr)?;
//! // NVM Subsystem Health Status Poll (opcode 0x01): header, body, integrity check.
//! let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
//! let mut request = [0u8; 20];
//! let len = emit_message(&hdr, &[&[0x01, 0, 0, 0], &[0; 8]], &mut request)?;
//! let mut buf = [0u8; 4224];
//! let expect = Expect::NvmeMi { nmimt: Nmimt::MiCommand, csi: Csi::Slot0, primitive_tag: None };
//! let n = run_exchange(&mut t, Policy::read(), expect, &[&request[..len]], &mut buf)?;
//! println!("{:02x?}", &buf[..n]);
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! ```
#![deny(unsafe_code)]
#![warn(missing_docs)]

pub mod addr;
#[cfg(feature = "discovery")]
pub mod discovery;
pub mod dropped;
pub mod error;
mod events;
#[cfg(feature = "i2c")]
pub mod i2c;
#[cfg(feature = "i2c")]
#[allow(unsafe_code)]
mod i2c_sys;
pub mod listener;
pub mod netlink;
pub mod requester;
pub mod socket;
#[allow(unsafe_code)]
mod sys;
mod time;
#[cfg(feature = "tokio")]
pub mod tokio;

#[cfg(feature = "tokio")]
pub use self::tokio::{AsyncMctpListener, AsyncMctpTransport};
pub use addr::{MctpAddr, MctpDevice, ParseError, PhysAddr};
pub use dropped::Dropped;
pub use error::{Error, Result};
pub use listener::{MctpListener, MctpPeer};
pub use requester::{MctpTransport, TagMode};
pub use socket::MctpSocket;
pub use sys::{MCTP_NET_ANY, MCTP_TAG_MASK, MCTP_TAG_OWNER};
