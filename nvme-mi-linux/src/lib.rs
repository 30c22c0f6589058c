//! NVMe-MI over the Linux kernel's `AF_MCTP` sockets.
//!
//! This crate will provide a [`nvme_mi_core`] transport over `AF_MCTP` (the kernel packetises
//! MCTP), and endpoint discovery through `mctpd` on D-Bus.
