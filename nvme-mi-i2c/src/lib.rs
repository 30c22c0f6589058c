//! NVMe-MI over MCTP over SMBus/I2C, driven directly through `embedded-hal` 1.0.
//!
//! This crate will provide a [`nvme_mi_core`] transport that packetises MCTP messages into
//! SMBus block writes (DSP0237) on any `embedded_hal::i2c::I2c` controller, plus the NVMe
//! Basic Management Command (SMBus block read) for drives managed without MCTP.
#![no_std]
#![forbid(unsafe_code)]
