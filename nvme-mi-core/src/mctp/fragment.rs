//! Splitting an MCTP message into packets (DSP0236 §8.3 (digest A.5)).

/// The largest MCTP packet payload an SMBus block write can carry: 255 byte-count bytes minus
/// the source address byte and the 4-byte MCTP header (DSP0237, digest B.3).
pub const MAX_TU_SMBUS: usize = 250;
