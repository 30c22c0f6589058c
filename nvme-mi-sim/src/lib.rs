//! A deterministic, seedable simulated NVMe subsystem that answers NVMe-MI through the
//! responder engine of [`nvme_mi_core`]. `no_std` and heap-free so that it also runs inside
//! firmware.
#![no_std]
#![forbid(unsafe_code)]
