//! # nvme-mi-core
//!
//! `no_std`, heap-free codecs and sans-IO state machines for managing NVMe drives out of band:
//! MCTP packets (DSP0236), the MCTP-over-SMBus/I2C binding (DSP0237), MCTP control messages,
//! and the complete NVMe Management Interface message layer (NVMe-MI 1.2/2.x), for both the
//! requester (a BMC) and the responder (a drive).
//!
//! A BMC talks to a drive through [`requester::Endpoint`] (or its async twin
//! [`requester::AsyncEndpoint`]) over any [`transport::Transport`]: one verb per command, named
//! as libnvme-mi names them (`health_poll`, `read_ctrl_list`, `controller(id).identify_ctrl()`,
//! `get_log_smart`, ...). With the simulated drive of the `nvme-mi-sim` crate over the
//! in-memory loopback, a complete program is (the README's example):
//!
//! ```text
//! let mut ep = Endpoint::new(nvme_mi_sim::loopback(1), [0u8; 4224]);
//! let health = ep.health_poll(false)?;
//! let id = ep.controller(0).identify_ctrl()?;
//! ```
//!
//! Underneath, every message has one encoder and one decoder, used by both sides:
//!
//! ```
//! use nvme_mi_core::mi::command::{MiCommand, Outcome, SubsystemHealthStatusPollRequest};
//! use nvme_mi_core::mi::{Csi, Message};
//! let req = SubsystemHealthStatusPollRequest { clear_status: false };
//! let mut wire = [0u8; 32];
//! let n = req.emit_request(Csi::Slot0, &mut wire).unwrap();
//! assert_eq!(&wire[..5], &[0x84, 0x08, 0x00, 0x00, 0x01]);
//! // A drive's answer (NVM Subsystem Health Status Poll, NVMe-MI 1.2 §5.6): healthy, 37 °C.
//! let reply = [0x84, 0x88, 0, 0, 0, 0, 0, 0, 0x38, 0xff, 0x25, 0x03, 0x01, 0, 0, 0,
//!              0x56, 0xaf, 0x1e, 0xd6];
//! let Outcome::Success(r) = req.parse_response(&Message::new_checked(&reply[..]).unwrap()).unwrap()
//! else { panic!() };
//! assert_eq!(r.health.temperature().celsius(), Some(37));
//! ```
//!
//! Layers, bottom up:
//!
//! | module | what |
//! |---|---|
//! | [`mctp::smbus`] | SMBus block-write frames carrying one MCTP packet, with PEC |
//! | [`mctp::header`], [`mctp::fragment`], [`mctp::reassemble`], [`mctp::tag`] | MCTP packets, fragmentation, reassembly, tag ownership |
//! | [`mctp::control`] | MCTP control messages (type 0) |
//! | [`mi`] | NVMe-MI messages (type 4): MI commands, Admin tunnelling, control primitives, AEMs |
//! | [`basic_mgmt`] | the NVMe Basic Management Command (SMBus block read, no MCTP) |
//!
//! Nothing here blocks, sleeps, allocates or reads a clock: time is passed in by the caller.
//!
//! Diagnostics: with the `log` feature (hosts) or the `defmt` feature (bare metal) the crate
//! reports every dropped packet or message, retry, timeout and rejected request, with the
//! reason and, where the layer knows it, the peer's EID (`debug`, or `warn` when a command
//! is given up); a successful exchange logs nothing above `trace`. With neither feature the
//! logging compiles to nothing.
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

#[macro_use]
mod logging;

pub mod basic_mgmt;
#[cfg(feature = "fault-injector")]
#[cfg_attr(docsrs, doc(cfg(feature = "fault-injector")))]
pub mod fault_injector;
#[cfg(feature = "loopback")]
#[cfg_attr(docsrs, doc(cfg(feature = "loopback")))]
pub mod loopback;
pub mod mctp;
pub mod mi;
pub mod requester;
pub mod responder;
pub mod time;
pub mod transport;
