use core::fmt;

/// Why a Basic Management block read could not be decoded or encoded (NVMe-MI 1.2 Appendix
/// A).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum Error {
    /// Fewer bytes than the length byte, the data it announces and the PEC.
    Truncated,
    /// More bytes than the length byte announces, or a block longer than 255 bytes.
    TooLong,
    /// The length byte differs from the block's fixed length.
    InconsistentLength {
        /// The length the block has.
        expected: u8,
        /// The length byte received.
        received: u8,
    },
    /// The PEC does not match the transaction.
    PecMismatch {
        /// The PEC computed over the transaction.
        computed: u8,
        /// The PEC received.
        received: u8,
    },
    /// The output buffer is too small.
    BufferTooSmall,
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Truncated => f.write_str("block read truncated"),
            Error::TooLong => f.write_str("block read too long"),
            Error::InconsistentLength { expected, received } => {
                write!(f, "block length {received}, expected {expected}")
            }
            Error::PecMismatch { computed, received } => write!(
                f,
                "PEC mismatch (computed {computed:#04x}, received {received:#04x})"
            ),
            Error::BufferTooSmall => f.write_str("output buffer too small"),
        }
    }
}

impl core::error::Error for Error {}
