//! The simulation's only source of variety: a counter-based hash of the seed (SplitMix64), so
//! that every simulated value is a pure function of the seed and the virtual time.

/// One SplitMix64 output for `seed` and the stream position `n`.
pub(crate) const fn mix(seed: u64, n: u64) -> u64 {
    let mut z = seed ^ n.wrapping_mul(0x9e37_79b9_7f4a_7c15);
    z = z.wrapping_add(0x9e37_79b9_7f4a_7c15);
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
    z ^ (z >> 31)
}

/// A value in `0..n` (n > 0) drawn from stream position `k` of `seed`.
pub(crate) const fn below(seed: u64, k: u64, n: u64) -> u64 {
    mix(seed, k) % n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deterministic_and_spread() {
        assert_eq!(mix(1, 2), mix(1, 2));
        assert_ne!(mix(1, 2), mix(1, 3));
        assert_ne!(mix(1, 2), mix(2, 2));
        assert!((0..100).all(|k| below(7, k, 3) < 3));
    }
}
