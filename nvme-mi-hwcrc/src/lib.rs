//! CRCs by the CPU's carry-less multiply, for `nvme-mi-core`'s optional hardware paths.
//!
//! `nvme-mi-core` forbids `unsafe` code; calling a `#[target_feature]` function needs it, so
//! the instructions live here, in a small `std` crate that `nvme-mi-core` depends on only
//! with its feature `hw-pec`. Every entry point detects the instructions at run time and
//! returns `None` where the CPU lacks them (the caller then uses its software tables).
//!
//! ```
//! // The SMBus CRC-8 check value (the CRC of the ASCII digits 1 to 9).
//! if let Some(pec) = nvme_mi_hwcrc::pec::update(0, b"123456789") {
//!     assert_eq!(pec, 0xf4);
//! }
//! ```

#![deny(unsafe_op_in_unsafe_fn)]
#![warn(missing_docs)]

pub mod pec;
