//! # nvme-mi-core
//!
//! `no_std`, heap-free codecs and sans-IO state machines for managing NVMe drives out of band:
//! MCTP packets (DSP0236), the MCTP-over-SMBus/I2C binding (DSP0237), MCTP control messages,
//! and the complete NVMe Management Interface message layer (NVMe-MI 1.2/2.x), for both the
//! requester (a BMC) and the responder (a drive).
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
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]
#![cfg_attr(docsrs, feature(doc_cfg))]

pub mod basic_mgmt;
pub mod loopback;
pub mod mctp;
pub mod mi;
pub mod requester;
pub mod responder;
pub mod time;
pub mod transport;
