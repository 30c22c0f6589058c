//! The NVMe-MI Message Integrity Check (NVMe-MI 1.2 §3.1.1.1): CRC-32C (Castagnoli) over every
//! byte of the message from the MCTP message type byte up to the check itself, appended
//! little-endian.
//!
//! # Implementations
//!
//! The CRC is this crate's own, chosen at build time for speed or for flash:
//!
//! | build | method | read-only data |
//! |---|---|---|
//! | hosts (any target but `target_os = "none"`), or feature `crc-fast` | slice-by-16: 16 bytes per step through 16 tables of 256 entries | 16 KiB |
//! | bare metal with feature `crc-table` | one 256-entry table, a byte per step | 1 KiB |
//! | bare metal (default) | a 16-entry table, a nibble per step | 64 B |
//! | feature `hw-crc32c` (needs `std`) | the CPU's CRC-32C instruction (x86-64 SSE4.2, AArch64 CRC) through the `crc32c` crate, detected at run time, with its own software fallback | — |
//!
//! All compute the same function (property tests compare each with the `crc` crate's
//! CRC-32/ISCSI and with a bitwise reference, on arbitrary input and arbitrary splits).
//!
//! The residue: the CRC register after a whole message *including* a correct check is always
//! [`RESIDUE`], so a message can be verified in one pass as its bytes arrive, without knowing
//! in advance where the check begins ([`MicDigest::residue_ok`]).

/// Length of the integrity check in bytes.
pub const MIC_LEN: usize = 4;

/// CRC-32C's polynomial, bit-reflected (x³² + x²⁸ + x²⁷ + … + 1, 0x1EDC6F41 reversed).
pub const POLY_REFLECTED: u32 = 0x82f6_3b78;

/// The final CRC of any message followed by its own correct little-endian check (the
/// "magic check" of a reflected CRC-32C with final XOR 0xFFFFFFFF).
pub const RESIDUE: u32 = 0x48674bc7;

/// The software implementations' running register: initial value 0xFFFFFFFF, reflected, no
/// final XOR yet.
// Every implementation is compiled (the tests compare them all); the linker keeps only the
// tables of the one `update` uses.
#[allow(dead_code)]
mod soft {
    use super::POLY_REFLECTED;

    /// One bitwise step of the reflected register over 8 (or `bits`) input bits.
    const fn shift(mut crc: u32, bits: u32) -> u32 {
        let mut i = 0;
        while i < bits {
            crc = if crc & 1 != 0 {
                (crc >> 1) ^ POLY_REFLECTED
            } else {
                crc >> 1
            };
            i += 1;
        }
        crc
    }

    /// `TABLES[k][b]`: the register contribution of byte `b` followed by `k` zero bytes.
    static TABLES: [[u32; 256]; 16] = {
        let mut t = [[0u32; 256]; 16];
        let mut i = 0;
        while i < 256 {
            t[0][i] = shift(i as u32, 8);
            i += 1;
        }
        let mut k = 1;
        while k < 16 {
            let mut i = 0;
            while i < 256 {
                let prev = t[k - 1][i];
                t[k][i] = (prev >> 8) ^ t[0][(prev & 0xff) as usize];
                i += 1;
            }
            k += 1;
        }
        t
    };

    /// Slice-by-16.
    pub fn slice16(mut crc: u32, bytes: &[u8]) -> u32 {
        let t = &TABLES;
        let at = |k: usize, v: u32, byte: u32| t[k][((v >> (8 * byte)) & 0xff) as usize];
        let mut chunks = bytes.chunks_exact(16);
        for c in &mut chunks {
            let w = |i: usize| u32::from_le_bytes([c[i], c[i + 1], c[i + 2], c[i + 3]]);
            let (a, b, d, e) = (w(0) ^ crc, w(4), w(8), w(12));
            crc = at(15, a, 0)
                ^ at(14, a, 1)
                ^ at(13, a, 2)
                ^ at(12, a, 3)
                ^ at(11, b, 0)
                ^ at(10, b, 1)
                ^ at(9, b, 2)
                ^ at(8, b, 3)
                ^ at(7, d, 0)
                ^ at(6, d, 1)
                ^ at(5, d, 2)
                ^ at(4, d, 3)
                ^ at(3, e, 0)
                ^ at(2, e, 1)
                ^ at(1, e, 2)
                ^ at(0, e, 3);
        }
        for &b in chunks.remainder() {
            crc = (crc >> 8) ^ t[0][((crc ^ u32::from(b)) & 0xff) as usize];
        }
        crc
    }

    /// One 256-entry table.
    static TABLE: [u32; 256] = {
        let mut t = [0u32; 256];
        let mut i = 0;
        while i < 256 {
            t[i] = shift(i as u32, 8);
            i += 1;
        }
        t
    };

    /// A byte per step.
    pub fn bytewise(mut crc: u32, bytes: &[u8]) -> u32 {
        for &b in bytes {
            crc = (crc >> 8) ^ TABLE[((crc ^ u32::from(b)) & 0xff) as usize];
        }
        crc
    }

    /// A 16-entry table: the contribution of each low nibble shifted out.
    static NIBBLES: [u32; 16] = {
        let mut t = [0u32; 16];
        let mut i = 0;
        while i < 16 {
            t[i] = shift(i as u32, 4);
            i += 1;
        }
        t
    };

    /// A nibble per step.
    pub fn nibble(mut crc: u32, bytes: &[u8]) -> u32 {
        for &b in bytes {
            crc ^= u32::from(b);
            crc = (crc >> 4) ^ NIBBLES[(crc & 0xf) as usize];
            crc = (crc >> 4) ^ NIBBLES[(crc & 0xf) as usize];
        }
        crc
    }

    /// The implementation this build uses (see the module documentation).
    pub fn update(crc: u32, bytes: &[u8]) -> u32 {
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

    /// The bitwise definition, the reference of the tests.
    pub fn bitwise(mut crc: u32, bytes: &[u8]) -> u32 {
        for &b in bytes {
            crc = shift(crc ^ u32::from(b), 8);
        }
        crc
    }
}

/// The running state of a CRC-32C: the software register, or with `hw-crc32c` the CRC of
/// the bytes so far as the `crc32c` crate continues it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct State(u32);

impl State {
    #[cfg(not(feature = "hw-crc32c"))]
    const INIT: State = State(0xffff_ffff);
    #[cfg(feature = "hw-crc32c")]
    const INIT: State = State(0);

    #[inline]
    fn update(self, bytes: &[u8]) -> State {
        #[cfg(not(feature = "hw-crc32c"))]
        {
            State(soft::update(self.0, bytes))
        }
        #[cfg(feature = "hw-crc32c")]
        {
            State(crc32c::crc32c_append(self.0, bytes))
        }
    }

    #[inline]
    const fn finish(self) -> u32 {
        #[cfg(not(feature = "hw-crc32c"))]
        {
            self.0 ^ 0xffff_ffff
        }
        #[cfg(feature = "hw-crc32c")]
        {
            self.0
        }
    }
}

/// The integrity check (CRC-32C) of `bytes` (the message without its trailing check).
pub fn mic(bytes: &[u8]) -> u32 {
    State::INIT.update(bytes).finish()
}

/// An incremental integrity check over a message given in several pieces (packets as they
/// arrive, or the parts of a message being sent).
///
/// ```
/// use nvme_mi_core::mi::integrity::{mic, MicDigest};
/// let mut d = MicDigest::new();
/// d.update(b"1234");
/// d.update(b"56789");
/// assert_eq!(d.finalize(), mic(b"123456789"));
/// assert_eq!(mic(b"123456789"), 0xe306_9283);
/// // The same bytes followed by their check leave the residue.
/// d.update(&0xe306_9283u32.to_le_bytes());
/// assert!(d.residue_ok());
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct MicDigest(State);

impl MicDigest {
    /// Start a new check.
    pub const fn new() -> Self {
        MicDigest(State::INIT)
    }

    /// Feed more bytes.
    #[inline]
    pub fn update(&mut self, bytes: &[u8]) {
        self.0 = self.0.update(bytes);
    }

    /// The check of everything fed so far.
    pub const fn finalize(&self) -> u32 {
        self.0.finish()
    }

    /// True when the bytes fed so far end with their own correct check: a whole message,
    /// integrity check included, verified in one pass.
    pub const fn residue_ok(&self) -> bool {
        self.finalize() == RESIDUE
    }
}

impl Default for MicDigest {
    fn default() -> Self {
        Self::new()
    }
}

/// Verify the trailing check of a complete message (`msg` includes the 4-byte check).
///
/// Returns [`Error::Truncated`](super::Error::Truncated) if `msg` is shorter than the check.
pub fn verify(msg: &[u8]) -> super::Result<()> {
    let split = msg
        .len()
        .checked_sub(MIC_LEN)
        .ok_or(super::Error::Truncated)?;
    let (body, tail) = msg.split_at(split);
    let received = u32::from_le_bytes([tail[0], tail[1], tail[2], tail[3]]);
    let computed = mic(body);
    if computed == received {
        Ok(())
    } else {
        Err(super::Error::IntegrityMismatch { computed, received })
    }
}

/// Write the check of `msg[..len-4]` into the last 4 bytes of `msg`.
///
/// Returns [`Error::Truncated`](super::Error::Truncated) if `msg` is shorter than the check.
pub fn seal(msg: &mut [u8]) -> super::Result<()> {
    let split = msg
        .len()
        .checked_sub(MIC_LEN)
        .ok_or(super::Error::Truncated)?;
    let (body, tail) = msg.split_at_mut(split);
    tail.copy_from_slice(&mic(body).to_le_bytes());
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::Error;

    #[test]
    fn check_value() {
        assert_eq!(mic(b"123456789"), 0xe306_9283);
        assert_eq!(mic(&[]), 0);
        assert_eq!(
            soft::bitwise(0xffff_ffff, b"123456789") ^ 0xffff_ffff,
            0xe306_9283
        );
    }

    #[test]
    fn residue_of_every_sealed_length() {
        let data: [u8; 100] = core::array::from_fn(|i| (i as u8).wrapping_mul(91) ^ 0x3c);
        for len in 0..data.len() {
            let mut d = MicDigest::new();
            d.update(&data[..len]);
            d.update(&mic(&data[..len]).to_le_bytes());
            assert!(d.residue_ok(), "length {len}");
            let mut bad = MicDigest::new();
            bad.update(&data[..len]);
            bad.update(&(mic(&data[..len]) ^ 1).to_le_bytes());
            assert!(!bad.residue_ok());
        }
    }

    #[test]
    fn spec_health_poll_request() {
        // NVM Subsystem Health Status Poll request, MIC computed with the CRC-32C definition.
        let msg = [
            0x84, 0x08, 0, 0, 0x01, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xd2, 0xd4, 0x77, 0x36,
        ];
        assert_eq!(mic(&msg[..16]), 0x3677_d4d2);
        verify(&msg).unwrap();
        let mut bad = msg;
        bad[5] ^= 1;
        assert!(matches!(verify(&bad), Err(Error::IntegrityMismatch { .. })));
        let mut resealed = bad;
        seal(&mut resealed).unwrap();
        verify(&resealed).unwrap();
    }

    #[test]
    fn short_input() {
        assert_eq!(verify(&[1, 2, 3]), Err(Error::Truncated));
        assert_eq!(seal(&mut [0u8; 2]), Err(Error::Truncated));
        // Exactly a check over nothing.
        let mut m = [0u8; 4];
        seal(&mut m).unwrap();
        verify(&m).unwrap();
    }

    #[test]
    fn every_implementation_equals_the_bitwise_reference() {
        let data: [u8; 300] = core::array::from_fn(|i| (i as u8).wrapping_mul(37) ^ 0xa5);
        for start in [0xffff_ffff, 0, 0x1234_5678] {
            for len in 0..data.len() {
                let want = soft::bitwise(start, &data[..len]);
                assert_eq!(soft::slice16(start, &data[..len]), want, "slice16 {len}");
                assert_eq!(soft::bytewise(start, &data[..len]), want, "bytewise {len}");
                assert_eq!(soft::nibble(start, &data[..len]), want, "nibble {len}");
            }
        }
        assert_eq!(mic(&data), soft::bitwise(0xffff_ffff, &data) ^ 0xffff_ffff);
    }
}
