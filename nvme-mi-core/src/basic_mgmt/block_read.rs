//! The SMBus Block Read transaction of the Basic Management Command (NVMe-MI 1.2, Appendix A): what the
//! drive returns (length byte, data, PEC) and the PEC over the whole transaction.

use super::{Error, Result};
use crate::mctp::pec::Pec;

/// The default 7-bit SMBus address of the Basic Management Command (write byte 0xD4, read
/// byte 0xD5).
pub const DEFAULT_ADDRESS: u8 = 0x6a;
/// Command code (offset) of the status block.
pub const STATUS_BLOCK: u8 = 0;
/// Command code (offset) of the identification block.
pub const IDENTIFICATION_BLOCK: u8 = 8;
/// The byte of the SMBus Send Byte that clears the SMBus Arbitration flag of every drive at
/// the address, so that drives sharing it can arbitrate for the next read (NVMe-MI 1.2, Appendix A).
pub const ARBITRATION_RESET: u8 = 0xff;
/// The most data bytes one SMBus block read returns.
pub const MAX_BLOCK_LEN: usize = 255;

/// One block read (NVMe-MI 1.2 Appendix A): the drive's 7-bit address and the
/// command code (starting offset).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct BlockRead {
    /// 7-bit SMBus address of the drive.
    pub address: u8,
    /// Command code: the byte offset to read from.
    pub command: u8,
}

impl BlockRead {
    /// A read of `command` at 7-bit `address`.
    pub const fn new(address: u8, command: u8) -> Self {
        BlockRead { address, command }
    }

    /// The PEC of this transaction returning `count_and_data` (length byte and data): CRC-8
    /// over the write address byte, the command code, the read address byte and the bytes.
    pub fn pec(&self, count_and_data: &[u8]) -> u8 {
        let mut d = Pec::new();
        d.update(&[self.address << 1, self.command, (self.address << 1) | 1]);
        d.update(count_and_data);
        d.value()
    }

    /// Verify the bytes a drive returned (length byte, data, PEC) and give the data.
    ///
    /// Errors: [`Error::Truncated`] if fewer bytes than announced, [`Error::TooLong`] if more,
    /// [`Error::PecMismatch`].
    pub fn decode<'a>(&self, bytes: &'a [u8]) -> Result<&'a [u8]> {
        let (&count, rest) = bytes.split_first().ok_or(Error::Truncated)?;
        let count = usize::from(count);
        let total = count + 2;
        if bytes.len() < total {
            return Err(Error::Truncated);
        }
        if bytes.len() > total {
            return Err(Error::TooLong);
        }
        let (data, pec) = rest.split_at(count);
        let received = pec.first().copied().ok_or(Error::Truncated)?;
        let computed = self.pec(&bytes[..count + 1]);
        if computed != received {
            return Err(Error::PecMismatch { computed, received });
        }
        Ok(data)
    }

    /// Write what the drive returns for `data`: length byte, data, PEC. Returns the length.
    pub fn encode(&self, data: &[u8], out: &mut [u8]) -> Result<usize> {
        if data.len() > MAX_BLOCK_LEN {
            return Err(Error::TooLong);
        }
        let total = data.len() + 2;
        let out = out.get_mut(..total).ok_or(Error::BufferTooSmall)?;
        out[0] = data.len() as u8;
        out[1..=data.len()].copy_from_slice(data);
        out[total - 1] = self.pec(&out[..total - 1]);
        Ok(total)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pec_check_value() {
        assert_eq!(crate::mctp::pec::pec(b"123456789"), 0xf4);
    }

    #[test]
    fn digest_example() {
        // PEC over D4 00 D5 06 B8 FF 25 03 00 00 = 0x3A.
        let r = BlockRead::new(DEFAULT_ADDRESS, STATUS_BLOCK);
        let data = [0xb8, 0xff, 0x25, 0x03, 0x00, 0x00];
        let mut out = [0u8; 16];
        let n = r.encode(&data, &mut out).unwrap();
        assert_eq!(&out[..n], &[0x06, 0xb8, 0xff, 0x25, 0x03, 0x00, 0x00, 0x3a]);
        assert_eq!(r.decode(&out[..n]).unwrap(), &data);
        for len in 0..n {
            assert_eq!(r.decode(&out[..len]), Err(Error::Truncated));
        }
        let mut long = [0u8; 9];
        long[..n].copy_from_slice(&out[..n]);
        assert_eq!(r.decode(&long), Err(Error::TooLong));
        for i in 0..n {
            for bit in 0..8 {
                let mut bad = out;
                bad[i] ^= 1 << bit;
                assert!(r.decode(&bad[..n]).is_err(), "byte {i} bit {bit}");
            }
        }
        // Another address changes the PEC.
        let other = BlockRead::new(0x1d, STATUS_BLOCK);
        assert!(matches!(
            other.decode(&out[..n]),
            Err(Error::PecMismatch { received: 0x3a, .. })
        ));
    }

    #[test]
    fn encode_limits() {
        let r = BlockRead::new(DEFAULT_ADDRESS, 0);
        let mut out = [0u8; 300];
        assert_eq!(r.encode(&[0; 256], &mut out), Err(Error::TooLong));
        assert_eq!(r.encode(&[0; 255], &mut out), Ok(257));
        assert_eq!(r.encode(&[0; 4], &mut out[..5]), Err(Error::BufferTooSmall));
    }
}
