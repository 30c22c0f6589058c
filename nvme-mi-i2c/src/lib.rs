//! NVMe-MI over MCTP over SMBus/I2C, driven directly through `embedded-hal` 1.0.
//!
//! The crate gives a BMC-side [`Transport`](nvme_mi_core::transport::Transport) (and its async
//! twin) that carries MCTP messages as SMBus block writes (DSP0237), built on the
//! core's [`Fragmenter`](nvme_mi_core::mctp::fragment::Fragmenter),
//! [`Reassembler`](nvme_mi_core::mctp::reassemble::Reassembler) and
//! [`TagAllocator`](nvme_mi_core::mctp::tag::TagAllocator), plus the NVMe Basic Management
//! Command (an SMBus block read without MCTP).
//!
//! | piece | what |
//! |---|---|
//! | [`Bus`] | one I2C controller, our own target receive path and a [`Clock`], shared by drives |
//! | [`I2cTransport`] / [`AsyncI2cTransport`] | one drive (7-bit address + EID) on a [`Bus`] |
//! | [`TargetReceiver`], [`FrameQueue`] | frames other controllers write to our own address |
//! | `mcu_target` (feature `embedded-mcu-hal`) | those frames from an `embedded-mcu-hal` I2C target |
//! | [`negotiate_transmission_unit`] | Configuration Set/Get MCTP Transmission Unit Size |
//! | [`read_status`], [`read_identification`] | Basic Management Command block reads |
//! | `sim` (feature `sim`) | a simulated SMBus with simulated drives and a wire-time model |
//!
//! MCTP over SMBus uses only controller writes (DSP0237): we write requests to the drive's
//! address, and the drive becomes bus controller to write its responses to *our* target
//! address. Receiving therefore needs an I2C target (slave) peripheral, whose interrupt
//! handler feeds the bytes into a [`FrameQueue`].
//!
//! ```
//! # #[cfg(feature = "sim")] {
//! use core::cell::RefCell;
//! use nvme_mi_core::mi::command::SubsystemHealthStatusPollRequest;
//! use nvme_mi_core::mctp::Eid;
//! use nvme_mi_core::requester::Endpoint;
//! use nvme_mi_i2c::sim::{SimBus, SimDrive, Speed};
//! use nvme_mi_i2c::{Bus, I2cTransport};
//!
//! let world = SimBus::<1>::new(Speed::Khz100, 0x10, [SimDrive::new(7, 0x1d, 0x6a)]);
//! let world = RefCell::new(world);
//! let bus = RefCell::new(Bus::new(
//!     SimBus::controller(&world), SimBus::receiver(&world), SimBus::clock(&world), 0x10, Eid(8),
//! ));
//! let mut drive = I2cTransport::new(&bus, 0x1d, nvme_mi_sim::DEFAULT_EID);
//! let mut ep = Endpoint::new(&mut drive, [0u8; 4224]);
//! let health = ep.mi_command(&SubsystemHealthStatusPollRequest { clear_status: false }).unwrap();
//! assert!((35..=45).contains(&health.health.ctemp));
//! # }
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod basic_mgmt;
mod bus;
mod clock;
mod error;
mod mtu;
mod receiver;
mod responder;
mod retry;
mod transport;
mod wait;

#[cfg(feature = "embedded-mcu-hal")]
pub mod mcu_target;
#[cfg(feature = "sim")]
pub mod sim;

pub use basic_mgmt::{
    check_block, read_block, read_block_async, read_identification, read_identification_async,
    read_status, read_status_async, BasicMgmtError, MAX_READ_LEN,
};
pub use bus::{Bus, BusStats, MAX_DRIVES, MAX_EVENT_LEN};
pub use clock::Clock;
pub use error::Error;
pub use mtu::{negotiate_transmission_unit, negotiate_transmission_unit_async, TuError};
pub use receiver::{FrameQueue, QueueStats, TargetReceiver, MAX_RECEIVED_LEN};
pub use responder::{
    AsyncI2cResponder, I2cResponder, Peer, ResponderEndpoint, Sending, MAX_PARTS,
    RESPONDER_CONTEXTS,
};
pub use retry::RetryPolicy;
pub use transport::{AsyncI2cTransport, I2cTransport, TransmissionUnit};
pub use wait::MAX_WAITERS;
