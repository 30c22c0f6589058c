//! The NVMe-MI Message Integrity Check (NVMe-MI 1.2 §3.1.1.1): CRC-32C (Castagnoli) over every
//! byte of the message from the MCTP message type byte up to the check itself, appended
//! little-endian.

use crc::{Crc, Digest, CRC_32_ISCSI};

/// CRC-32C: reflected polynomial 0x82F63B78, initial value and final XOR 0xFFFFFFFF.
pub const CRC32C: Crc<u32> = Crc::<u32>::new(&CRC_32_ISCSI);

/// Length of the integrity check in bytes.
pub const MIC_LEN: usize = 4;

/// The integrity check of `bytes` (the message without its trailing check).
pub fn mic(bytes: &[u8]) -> u32 {
    CRC32C.checksum(bytes)
}

/// An incremental integrity check over a message given in several pieces.
///
/// ```
/// use nvme_mi_core::mi::integrity::{mic, MicDigest};
/// let mut d = MicDigest::new();
/// d.update(b"1234");
/// d.update(b"56789");
/// assert_eq!(d.finalize(), mic(b"123456789"));
/// assert_eq!(mic(b"123456789"), 0xe306_9283);
/// ```
pub struct MicDigest(Digest<'static, u32>);

impl MicDigest {
    /// Start a new check.
    pub fn new() -> Self {
        MicDigest(CRC32C.digest())
    }

    /// Feed more bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The check of everything fed so far.
    pub fn finalize(self) -> u32 {
        self.0.finalize()
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
    }

    #[test]
    fn spec_health_poll_request() {
        // NVMe-MI digest B.7 example 1.
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
}
