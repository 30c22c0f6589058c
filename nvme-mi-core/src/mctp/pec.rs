//! The SMBus Packet Error Code (PEC): CRC-8 with polynomial x⁸+x²+x+1 (0x07), initial value 0,
//! no reflection and no final XOR (SMBus 3.x §6.4, DSP0237 §6; digest B.2).
//!
//! The PEC of an MCTP-over-SMBus frame covers every byte before it, starting with the
//! destination address byte (see [`super::smbus`]).
//!
//! ```
//! use nvme_mi_core::mctp::pec::{pec, Pec};
//! assert_eq!(pec(b"123456789"), 0xf4);
//! let mut d = Pec::new();
//! d.update(b"1234");
//! d.update(b"56789");
//! assert_eq!(d.value(), 0xf4);
//! ```

use crc::{Crc, CRC_8_SMBUS};

static CRC8: Crc<u8> = Crc::<u8>::new(&CRC_8_SMBUS);

/// The PEC (SMBus CRC-8) of `bytes` in one call (digest B.2).
pub fn pec(bytes: &[u8]) -> u8 {
    CRC8.checksum(bytes)
}

/// An incremental PEC computation: feed the bytes of a frame in pieces with [`Pec::update`],
/// read the result with [`Pec::value`] (digest B.2).
///
/// The CRC has no final XOR and no reflection, so the running register is the PEC of the
/// bytes seen so far; the digest is a single byte and `Copy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Pec {
    crc: u8,
}

impl Pec {
    /// A digest over no bytes (value 0).
    pub const fn new() -> Self {
        Pec { crc: 0 }
    }

    /// Feed `bytes`.
    pub fn update(&mut self, bytes: &[u8]) {
        let mut d = CRC8.digest_with_initial(self.crc);
        d.update(bytes);
        self.crc = d.finalize();
    }

    /// Feed one byte.
    pub fn push(&mut self, byte: u8) {
        self.update(&[byte]);
    }

    /// The PEC of every byte fed so far.
    pub const fn value(&self) -> u8 {
        self.crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bitwise definition from digest B.2, as an independent reference.
    fn reference(bytes: &[u8]) -> u8 {
        let mut crc = 0u8;
        for &b in bytes {
            crc ^= b;
            for _ in 0..8 {
                crc = if crc & 0x80 != 0 {
                    (crc << 1) ^ 0x07
                } else {
                    crc << 1
                };
            }
        }
        crc
    }

    #[test]
    fn check_value() {
        assert_eq!(pec(b"123456789"), 0xf4);
        assert_eq!(reference(b"123456789"), 0xf4);
        assert_eq!(pec(&[]), 0);
    }

    #[test]
    fn incremental_matches_one_shot_at_every_split() {
        let data: [u8; 40] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0x5a);
        for split in 0..=data.len() {
            let (a, b) = data.split_at(split);
            let mut d = Pec::new();
            d.update(a);
            d.update(b);
            assert_eq!(d.value(), pec(&data));
            assert_eq!(d.value(), reference(&data));
        }
        let mut d = Pec::default();
        for &b in &data {
            d.push(b);
        }
        assert_eq!(d.value(), pec(&data));
    }
}
