//! The SMBus Packet Error Code (PEC): CRC-8 with polynomial x⁸+x²+x+1 (0x07), initial value 0,
//! no reflection and no final XOR (SMBus 3.x §6.4, DSP0237 §6).
//!
//! The PEC of an MCTP-over-SMBus frame covers every byte before it, starting with the
//! destination address byte (see [`super::smbus`]).
//!
//! # Implementations
//!
//! Chosen at build time, like the integrity check's ([`crate::mi::integrity`]):
//!
//! | build | method | read-only data |
//! |---|---|---|
//! | hosts (any target but `target_os = "none"`), or feature `crc-fast` | slice-by-16: 16 bytes per step through 16 tables of 256 entries | 4 KiB |
//! | bare metal with feature `crc-table` | one 256-entry table, a byte per step | 256 B |
//! | bare metal (default) | a 16-entry table, a nibble per step | 16 B |
//! | feature `hw-pec` (needs `std`) | x86-64 PCLMULQDQ: 16-byte folds by carry-less multiply and a Barrett reduction (the `nvme-mi-hwcrc` crate, which holds the `unsafe` this crate forbids), detected at run time, for inputs of at least [`HW_MIN_LEN`] bytes; slice-by-16 otherwise and on CPUs or targets without it (AArch64 included: no PMULL path yet) | 4 KiB |
//!
//! All compute the same function: the tests compare each with a bitwise reference at every
//! length and every split of an incremental computation.
//!
//! ```
//! use nvme_mi_core::mctp::pec::{pec, Pec};
//! assert_eq!(pec(b"123456789"), 0xf4);
//! let mut d = Pec::new();
//! d.update(b"1234");
//! d.update(b"56789");
//! assert_eq!(d.value(), 0xf4);
//! ```

/// The SMBus CRC-8 polynomial (x⁸ + x² + x + 1 without the x⁸ term).
pub const POLY: u8 = 0x07;

// Every implementation is compiled (the tests compare them all); the linker keeps only the
// tables of the one `update` uses.
#[allow(dead_code)]
mod soft {
    use super::POLY;

    /// `bits` steps of the bitwise CRC-8 register (most significant bit first).
    pub const fn shift(mut crc: u8, bits: u32) -> u8 {
        let mut i = 0;
        while i < bits {
            crc = if crc & 0x80 != 0 {
                (crc << 1) ^ POLY
            } else {
                crc << 1
            };
            i += 1;
        }
        crc
    }

    /// `TABLES[k][b]`: the PEC register after byte `b` followed by `k` zero bytes.
    static TABLES: [[u8; 256]; 16] = {
        let mut t = [[0u8; 256]; 16];
        let mut i = 0;
        while i < 256 {
            t[0][i] = shift(i as u8, 8);
            i += 1;
        }
        let mut k = 1;
        while k < 16 {
            let mut i = 0;
            while i < 256 {
                // One more zero byte: the register passes through the byte table once more.
                t[k][i] = t[0][t[k - 1][i] as usize];
                i += 1;
            }
            k += 1;
        }
        t
    };

    /// Slice-by-16: the register is one byte, so 16 input bytes are 16 independent lookups.
    pub fn slice16(mut crc: u8, bytes: &[u8]) -> u8 {
        let t = &TABLES;
        let mut chunks = bytes.chunks_exact(16);
        for c in &mut chunks {
            let mut acc = t[15][usize::from(c[0] ^ crc)];
            for (k, &b) in c[1..].iter().enumerate() {
                acc ^= t[14 - k][usize::from(b)];
            }
            crc = acc;
        }
        for &b in chunks.remainder() {
            crc = t[0][usize::from(crc ^ b)];
        }
        crc
    }

    /// One 256-byte table.
    static TABLE: [u8; 256] = {
        let mut t = [0u8; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = shift(i as u8, 8);
            i += 1;
        }
        t
    };

    /// A byte per step.
    pub fn bytewise(mut crc: u8, bytes: &[u8]) -> u8 {
        for &b in bytes {
            crc = TABLE[usize::from(crc ^ b)];
        }
        crc
    }

    /// `NIBBLES[n]`: four register steps from the high nibble `n` (low nibble zero).
    static NIBBLES: [u8; 16] = {
        let mut t = [0u8; 16];
        let mut i = 0;
        while i < 16 {
            t[i] = shift((i as u8) << 4, 4);
            i += 1;
        }
        t
    };

    /// A nibble per step.
    pub fn nibble(mut crc: u8, bytes: &[u8]) -> u8 {
        for &b in bytes {
            crc ^= b;
            crc = (crc << 4) ^ NIBBLES[usize::from(crc >> 4)];
            crc = (crc << 4) ^ NIBBLES[usize::from(crc >> 4)];
        }
        crc
    }

    /// The implementation this build uses (see the module documentation).
    pub fn update(crc: u8, bytes: &[u8]) -> u8 {
        #[cfg(any(feature = "crc-fast", not(target_os = "none")))]
        return slice16(crc, bytes);
        #[cfg(all(target_os = "none", not(feature = "crc-fast"), feature = "crc-table"))]
        return bytewise(crc, bytes);
        #[cfg(all(
            target_os = "none",
            not(feature = "crc-fast"),
            not(feature = "crc-table")
        ))]
        return nibble(crc, bytes);
    }
}

/// With feature `hw-pec`, the length from which the carry-less multiply is used. Below it
/// the tables are faster: the multiply path's input is then copied into a zero-padded block,
/// and its final reduction is a fixed cost (measured: about equal at 16 bytes, the multiply
/// 1.5 to 2 times faster from 20 bytes, the tables twice as fast at 4 and 8, slower at 12;
/// see BENCHMARKS.md §1).
pub const HW_MIN_LEN: usize = 16;

/// The implementation this build uses (see the module documentation).
#[inline]
fn update(crc: u8, bytes: &[u8]) -> u8 {
    #[cfg(feature = "hw-pec")]
    if bytes.len() >= HW_MIN_LEN {
        if let Some(v) = nvme_mi_hwcrc::pec::update(crc, bytes) {
            return v;
        }
    }
    soft::update(crc, bytes)
}

/// The PEC (SMBus CRC-8) of `bytes` in one call (DSP0237).
pub fn pec(bytes: &[u8]) -> u8 {
    update(0, bytes)
}

/// An incremental PEC computation: feed the bytes of a frame in pieces with [`Pec::update`],
/// read the result with [`Pec::value`] (DSP0237).
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
    #[inline]
    pub fn update(&mut self, bytes: &[u8]) {
        self.crc = update(self.crc, bytes);
    }

    /// Feed one byte.
    #[inline]
    pub fn push(&mut self, byte: u8) {
        self.crc = soft::shift(self.crc ^ byte, 8);
    }

    /// The PEC of every byte fed so far.
    pub const fn value(&self) -> u8 {
        self.crc
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The bitwise definition (SMBus 3.x, Packet Error Checking: CRC-8, x^8 + x^2 + x + 1), as an independent reference.
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
    fn every_implementation_matches_the_reference_at_every_length() {
        let data: [u8; 300] = core::array::from_fn(|i| (i as u8).wrapping_mul(53) ^ 0x96);
        for len in 0..data.len() {
            let want = reference(&data[..len]);
            assert_eq!(pec(&data[..len]), want, "length {len}");
            assert_eq!(soft::slice16(0, &data[..len]), want, "slice16 {len}");
            assert_eq!(soft::bytewise(0, &data[..len]), want, "bytewise {len}");
            assert_eq!(soft::nibble(0, &data[..len]), want, "nibble {len}");
        }
    }

    #[test]
    fn the_build_s_implementation_matches_the_reference_at_every_length_to_600() {
        // xorshift64 contents, several seeds (with `hw-pec`, the carry-less multiply path).
        let mut data = [0u8; 600];
        for seed in 1..=16u64 {
            let mut s = seed.wrapping_mul(0x9e37_79b9_7f4a_7c15) | 1;
            for b in data.iter_mut() {
                s ^= s << 13;
                s ^= s >> 7;
                s ^= s << 17;
                *b = (s >> 24) as u8;
            }
            for len in 0..=data.len() {
                assert_eq!(
                    pec(&data[..len]),
                    reference(&data[..len]),
                    "seed {seed} length {len}"
                );
            }
            // Every split of an incremental computation over a 259-byte frame (the largest
            // SMBus block).
            let frame = &data[..259];
            for split in 0..=frame.len() {
                let mut d = Pec::new();
                d.update(&frame[..split]);
                d.update(&frame[split..]);
                assert_eq!(d.value(), reference(frame), "seed {seed} split {split}");
            }
        }
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
