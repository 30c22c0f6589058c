//! The wire-time model of the simulated bus.

/// SMBus/I2C clock rates (SMBus 3.x classes; NVMe-MI Configuration Identifier 1 values).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum Speed {
    /// 100 kHz (standard mode; the SMBus default).
    Khz100,
    /// 400 kHz (fast mode).
    Khz400,
    /// 1 MHz (fast mode plus).
    Mhz1,
}

impl Speed {
    /// Duration of one bit (one SCL period) in nanoseconds.
    pub const fn bit_ns(self) -> u64 {
        match self {
            Speed::Khz100 => 10_000,
            Speed::Khz400 => 2_500,
            Speed::Mhz1 => 1_000,
        }
    }
}

/// Bits one byte occupies on the wire: 8 data bits and the acknowledge bit.
pub const BITS_PER_BYTE: u64 = 9;
/// Bit times charged for a start, a repeated start or a stop condition (with the bus-free
/// time before the next start folded into the stop).
pub const CONDITION_BITS: u64 = 1;

/// The bits of one transaction: a start, then for each segment its address byte and its
/// bytes (a repeated start before every segment but the first), then a stop.
///
/// A write of `n` bytes is `1 + 9 × (1 + n) + 1` bits; a block read writing one command byte
/// and reading `m` bytes is `1 + 9 × 2 + 1 + 9 × (1 + m) + 1`.
pub fn transaction_bits(segments: &[usize]) -> u64 {
    let mut bits = CONDITION_BITS; // start
    for (i, &n) in segments.iter().enumerate() {
        if i > 0 {
            bits += CONDITION_BITS; // repeated start
        }
        bits += BITS_PER_BYTE * (1 + n as u64);
    }
    bits + CONDITION_BITS // stop
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures() {
        // A baseline frame: 72 bytes after the address byte.
        assert_eq!(transaction_bits(&[72]), 1 + 9 * 73 + 1);
        assert_eq!(transaction_bits(&[72]) * Speed::Khz100.bit_ns(), 6_590_000);
        assert_eq!(transaction_bits(&[1, 8]), 1 + 18 + 1 + 81 + 1);
        assert_eq!(transaction_bits(&[]), 2);
        assert_eq!(Speed::Mhz1.bit_ns() * 10, Speed::Khz100.bit_ns());
    }
}
