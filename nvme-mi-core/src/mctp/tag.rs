//! MCTP message tags (DSP0236 §8.9 (digest A.4)).
//!
//! A requester picks a tag (0..=7) and sends its request with the Tag Owner bit set; the
//! responder echoes the same tag with TO clear. Tags are only unique per (peer, local EID), so
//! a requester owns at most 8 outstanding tags per peer.

use super::Error;

/// An MCTP message tag: a 3-bit value, 0..=7 (DSP0236 §8.3 (digest A.1, A.4)).
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Tag(u8);

impl Tag {
    /// The largest tag value.
    pub const MAX: u8 = 7;

    /// The tag `v`, or [`Error::InvalidTag`] when `v > 7`.
    pub const fn new(v: u8) -> Result<Tag, Error> {
        if v <= Self::MAX {
            Ok(Tag(v))
        } else {
            Err(Error::InvalidTag(v))
        }
    }

    /// The tag in the low 3 bits of `v` (higher bits ignored), as a decoder reads it.
    pub const fn from_bits(v: u8) -> Tag {
        Tag(v & Self::MAX)
    }

    /// The tag value, 0..=7.
    pub const fn value(self) -> u8 {
        self.0
    }
}

impl core::fmt::Display for Tag {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        write!(f, "{}", self.0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tag_range() {
        for v in 0..=7 {
            assert_eq!(Tag::new(v).map(Tag::value), Ok(v));
        }
        for v in 8..=255 {
            assert_eq!(Tag::new(v), Err(Error::InvalidTag(v)));
        }
        assert_eq!(Tag::from_bits(0xfa).value(), 2);
    }
}
