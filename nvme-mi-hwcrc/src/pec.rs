//! The SMBus Packet Error Code by carry-less multiplication.
//!
//! The PEC is a CRC-8 with polynomial P = x⁸ + x² + x + 1 (0x07), initial value 0, no
//! reflection and no final XOR (System Management Bus Specification 3.x §6.4, Packet Error
//! Checking; DMTF DSP0237, MCTP SMBus/I2C Transport Binding, §6). Read the bytes as one
//! polynomial M over GF(2), the first byte's most significant bit the highest term; the PEC is
//! M·x⁸ mod P, and a register value `c` carried in from earlier bytes is the same as `c`
//! added (XOR) to the first byte of the rest.
//!
//! # Derivation
//!
//! Split the input into 16-byte blocks B₀ … Bₙ₋₁ (each a polynomial of degree < 128, the
//! first one padded with leading zero bytes, which change nothing), so that
//! M = Σ Bᵢ·x^(128·(n−1−i)). Keep an accumulator A of degree < 128 with A ≡ B₀ … Bᵢ as
//! one polynomial, modulo P. Appending a block multiplies by x¹²⁸ and adds the block; with
//! A = H·x⁶⁴ + L (H, L the 64-bit halves):
//!
//! A·x¹²⁸ + B ≡ H·(x¹⁹² mod P) + L·(x¹²⁸ mod P) + B  (mod P)
//!
//! The two constants have degree < 8, so each product is one 64 × 64-bit carry-less multiply
//! with a result of degree < 71, and the sum stays below degree 128: one fold is two
//! multiplies and two XORs, with no reduction inside the loop.
//!
//! At the end, A is brought to 64 bits by the same rule with x⁶⁴ mod P, twice (the first
//! product has degree < 71, the second < 14), giving W of degree < 64 with W ≡ M. Then the
//! PEC is T mod P with T = W·x⁸, by Barrett reduction: the quotient
//! q = ⌊T / P⌋ is exactly ⌊W·μ / x⁶⁴⌋ with μ = ⌊x⁷² / P⌋ (degree 64: the quotient of
//! polynomials of degree < deg P + 64 by P, computed with the reciprocal to that precision,
//! has no error term over GF(2)). Writing μ = x⁶⁴ + μ', q = W + ⌊W·μ' / x⁶⁴⌋: one more
//! multiply, keeping the high half. The remainder is T + q·P; T has no terms below x⁸ and
//! q·P = q·x⁸ + q·(x² + x + 1), so its low byte is that of q·(x² + x + 1) =
//! q ⊕ (q ≪ 1) ⊕ (q ≪ 2).
//!
//! The constants are computed below by `const fn`s from P alone.

/// P = x⁸ + x² + x + 1, with its x⁸ term (bit 8).
const POLY_FULL: u128 = 0x107;

/// xⁿ mod P.
const fn x_pow_mod(n: u32) -> u64 {
    let mut r: u128 = 1;
    let mut i = 0;
    while i < n {
        r <<= 1;
        if r & 0x100 != 0 {
            r ^= POLY_FULL;
        }
        i += 1;
    }
    r as u64
}

/// ⌊x⁷² / P⌋ without its x⁶⁴ term (long division of polynomials).
const fn mu_low() -> u64 {
    let mut rem: u128 = 1 << 72;
    let mut q: u128 = 0;
    let mut i: i32 = 64;
    while i >= 0 {
        if rem & (1 << (i + 8)) != 0 {
            q |= 1 << i;
            rem ^= POLY_FULL << i;
        }
        i -= 1;
    }
    q as u64
}

/// x¹⁹² mod P: folds the high half of the accumulator over the next block.
const K192: u64 = x_pow_mod(192);
/// x¹²⁸ mod P: folds the low half.
const K128: u64 = x_pow_mod(128);
/// x⁶⁴ mod P: folds 128 bits to 64 at the end.
const K64: u64 = x_pow_mod(64);
/// ⌊x⁷² / P⌋ − x⁶⁴, Barrett's constant.
const MU: u64 = mu_low();

/// Continue the PEC register `crc` over `bytes` with the CPU's carry-less multiply, or `None`
/// when this CPU (or target) does not have it: x86-64 with PCLMULQDQ and SSSE3 (for the byte
/// reversal). Other targets, AArch64 included, return `None` (no PMULL path yet).
///
/// The result is the same as the bitwise definition's for every input; the speed-up is in
/// the 16-byte steps, so inputs shorter than 16 bytes gain nothing.
#[inline]
pub fn update(crc: u8, bytes: &[u8]) -> Option<u8> {
    #[cfg(target_arch = "x86_64")]
    {
        // `is_x86_feature_detected!` reads CPUID once per process and keeps the answer in a
        // static: each call here is a load and a bit test.
        if std::is_x86_feature_detected!("pclmulqdq") && std::is_x86_feature_detected!("ssse3") {
            // SAFETY: the CPU has both instructions sets `x86::update` is compiled for.
            return Some(unsafe { x86::update(crc, bytes) });
        }
    }
    let _ = (crc, bytes);
    None
}

/// Whether [`update`] returns `Some` on this CPU.
pub fn available() -> bool {
    update(0, &[]).is_some()
}

#[cfg(target_arch = "x86_64")]
mod x86 {
    use super::{K128, K192, K64, MU};
    use core::arch::x86_64::{
        __m128i, _mm_clmulepi64_si128, _mm_cvtsi128_si64, _mm_cvtsi32_si128, _mm_loadu_si128,
        _mm_move_epi64, _mm_set_epi64x, _mm_set_epi8, _mm_shuffle_epi8, _mm_unpackhi_epi64,
        _mm_xor_si128,
    };

    /// Shuffle indices: from offset 16 − h, the first h bytes reversed, then zeros.
    static HEAD_SHUFFLE: [u8; 32] = [
        15, 14, 13, 12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1, 0, //
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, //
        0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80, 0x80,
    ];

    /// Sixteen bytes as a polynomial of degree < 128 (the first byte's top bit highest): a
    /// load and a byte reversal.
    ///
    /// # Safety
    /// `block` has at least 16 bytes and the CPU has SSSE3.
    #[target_feature(enable = "ssse3")]
    #[inline]
    unsafe fn load(block: &[u8]) -> __m128i {
        debug_assert!(block.len() >= 16);
        let reverse = _mm_set_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
        // SAFETY: the caller guarantees 16 readable bytes at `block`; `loadu` needs no
        // alignment.
        let v = unsafe { _mm_loadu_si128(block.as_ptr().cast()) };
        _mm_shuffle_epi8(v, reverse)
    }

    /// The whole computation (see the module documentation for the maths).
    ///
    /// # Safety
    /// The CPU has PCLMULQDQ and SSSE3.
    #[target_feature(enable = "pclmulqdq,ssse3")]
    pub unsafe fn update(crc: u8, bytes: &[u8]) -> u8 {
        if bytes.is_empty() {
            return crc;
        }
        // The first block: the first 1 to 16 bytes (so that the rest is whole blocks),
        // right-aligned after leading zeros, with the carried-in register added to its first
        // byte.
        let head = match bytes.len() % 16 {
            0 => 16,
            h => h,
        };
        let (first, rest) = bytes.split_at(head);
        let mut acc = if bytes.len() >= 16 {
            // SAFETY: `bytes` has at least 16 bytes; `loadu` needs no alignment.
            let v = unsafe { _mm_loadu_si128(bytes.as_ptr().cast()) };
            let v = _mm_xor_si128(v, _mm_cvtsi32_si128(i32::from(crc)));
            // One shuffle reverses the first `head` bytes into the low lanes and zeroes the
            // others (a shuffle index with its top bit set gives 0): lane j takes byte
            // head − 1 − j.
            // SAFETY: `16 - head + 16 <= 32` bytes of `HEAD_SHUFFLE`, since 1 <= head <= 16.
            let m = unsafe { _mm_loadu_si128(HEAD_SHUFFLE[16 - head..].as_ptr().cast()) };
            _mm_shuffle_epi8(v, m)
        } else {
            let mut padded = [0u8; 16];
            padded[16 - head..].copy_from_slice(first);
            padded[16 - head] ^= crc;
            // SAFETY: `padded` is 16 bytes; the caller guarantees SSSE3.
            unsafe { load(&padded) }
        };

        // Low half x¹²⁸ mod P, high half x¹⁹² mod P (selector 0x00 multiplies the low halves,
        // 0x11 the high halves).
        let fold = _mm_set_epi64x(K192 as i64, K128 as i64);
        for block in rest.chunks_exact(16) {
            // SAFETY: `chunks_exact(16)` yields 16-byte slices; the caller guarantees SSSE3.
            let b = unsafe { load(block) };
            let lo = _mm_clmulepi64_si128(acc, fold, 0x00);
            let hi = _mm_clmulepi64_si128(acc, fold, 0x11);
            acc = _mm_xor_si128(_mm_xor_si128(lo, hi), b);
        }

        // 128 → 71 → 64 bits: high half times x⁶⁴ mod P (selector 0x01: the first operand's
        // high half by the second's low half), plus the low half.
        let k64 = _mm_set_epi64x(0, K64 as i64);
        let v = _mm_xor_si128(_mm_clmulepi64_si128(acc, k64, 0x01), _mm_move_epi64(acc));
        let w = _mm_xor_si128(_mm_clmulepi64_si128(v, k64, 0x01), _mm_move_epi64(v));

        // Barrett: q = W + ⌊W·μ' / x⁶⁴⌋, the PEC the low byte of q·(x² + x + 1).
        let mu = _mm_set_epi64x(0, MU as i64);
        let wm = _mm_clmulepi64_si128(w, mu, 0x00);
        let q = (_mm_cvtsi128_si64(w) ^ _mm_cvtsi128_si64(_mm_unpackhi_epi64(wm, wm))) as u64;
        (q ^ (q << 1) ^ (q << 2)) as u8
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The definition (SMBus 3.x §6.4) as polynomial long division, as the reference: the
    /// message followed by eight zero bits, divided by P a bit at a time, the carried-in
    /// register added to the first byte.
    fn reference(crc: u8, bytes: &[u8]) -> u8 {
        if bytes.is_empty() {
            return crc;
        }
        let message_bits = bytes.iter().enumerate().flat_map(|(i, &b)| {
            let b = if i == 0 { b ^ crc } else { b };
            (0..8).rev().map(move |k| u16::from(b >> k) & 1)
        });
        let mut rem = 0u16;
        for bit in message_bits.chain([0; 8]) {
            rem = (rem << 1) | bit;
            if rem & 0x100 != 0 {
                rem ^= POLY_FULL as u16;
            }
        }
        rem as u8
    }

    /// A small deterministic generator (xorshift64), so that failures reproduce.
    fn fill(seed: u64, out: &mut [u8]) {
        let mut s = seed | 1;
        for b in out {
            s ^= s << 13;
            s ^= s >> 7;
            s ^= s << 17;
            *b = (s >> 24) as u8;
        }
    }

    #[test]
    fn constants_agree_with_the_register() {
        // The PEC of the byte 0x01 followed by k − 1 zero bytes is x^(8k) mod P: an
        // independent check of the `const fn`s.
        let mut msg = [0u8; 8];
        msg[0] = 1;
        assert_eq!(u64::from(reference(0, &msg)), K64);
        let mut msg = [0u8; 16];
        msg[0] = 1;
        assert_eq!(u64::from(reference(0, &msg)), K128);
        let mut msg = [0u8; 24];
        msg[0] = 1;
        assert_eq!(u64::from(reference(0, &msg)), K192);
    }

    #[test]
    fn check_value() {
        if !available() {
            eprintln!("no PCLMULQDQ here: nothing to test");
            return;
        }
        assert_eq!(update(0, b"123456789"), Some(0xf4));
        assert_eq!(update(0x5a, &[]), Some(0x5a));
    }

    #[test]
    fn every_length_to_600_many_contents_every_register() {
        if !available() {
            return;
        }
        let mut data = [0u8; 600];
        for seed in 0..64u64 {
            fill(seed.wrapping_mul(0x9e37_79b9_7f4a_7c15), &mut data);
            for len in 0..=data.len() {
                let crc = (seed as u8).wrapping_mul(73);
                assert_eq!(
                    update(crc, &data[..len]),
                    Some(reference(crc, &data[..len])),
                    "seed {seed} length {len} register {crc:#04x}"
                );
            }
        }
        // Every carried-in register value, at lengths around the block boundaries.
        for crc in 0..=255u8 {
            for len in [1, 15, 16, 17, 31, 32, 33, 73, 259] {
                assert_eq!(
                    update(crc, &data[..len]),
                    Some(reference(crc, &data[..len]))
                );
            }
        }
        // All ones and all zeros (the longest carries in the folds).
        for len in 0..=600 {
            let ones = [0xffu8; 600];
            assert_eq!(
                update(0xff, &ones[..len]),
                Some(reference(0xff, &ones[..len]))
            );
            let zeros = [0u8; 600];
            assert_eq!(update(0, &zeros[..len]), Some(0));
        }
    }

    #[test]
    fn every_split_continues_the_register() {
        if !available() {
            return;
        }
        let mut data = [0u8; 300];
        fill(7, &mut data);
        let want = reference(0, &data);
        for split in 0..=data.len() {
            let (a, b) = data.split_at(split);
            let mid = update(0, a).unwrap();
            assert_eq!(update(mid, b), Some(want), "split {split}");
        }
    }

    proptest::proptest! {
        #[test]
        fn matches_the_definition(crc: u8, bytes in proptest::collection::vec(proptest::num::u8::ANY, 0..1200)) {
            if let Some(v) = update(crc, &bytes) {
                proptest::prop_assert_eq!(v, reference(crc, &bytes));
            }
        }
    }
}
