//! The identification block returned at command code 8 (NVMe-MI 1.2, Appendix A).

use super::{Error, Result};
use crate::mi::admin_data::{trim_ascii, IdentifyController};

/// Data length of the identification block (the length byte's value, 0x16).
pub const IDENTIFICATION_BLOCK_LEN: usize = 22;

/// The identification block (command code 8): PCI vendor ID and serial number, matching
/// Identify Controller VID and SN.
///
/// ```
/// use nvme_mi_core::basic_mgmt::IdentificationBlock;
/// let id = IdentificationBlock::new(0x8086, "BTLF1234");
/// let bytes = id.to_bytes();
/// assert_eq!(&bytes[..4], &[0x80, 0x86, b'B', b'T']);
/// assert_eq!(IdentificationBlock::parse(&bytes).unwrap().serial(), "BTLF1234");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct IdentificationBlock {
    /// PCI vendor ID (sent most significant byte first).
    pub vendor_id: u16,
    /// Serial number, 20 ASCII characters, space padded, first character first.
    pub serial_number: [u8; 20],
}

impl IdentificationBlock {
    /// A block for `vendor_id` and `serial` (space padded, cut at 20 bytes).
    pub fn new(vendor_id: u16, serial: &str) -> Self {
        let mut serial_number = [b' '; 20];
        crate::mi::admin_data::set_ascii(&mut serial_number, serial);
        IdentificationBlock {
            vendor_id,
            serial_number,
        }
    }

    /// The block matching an Identify Controller structure (its VID and SN).
    pub fn from_identify(id: &IdentifyController) -> Self {
        IdentificationBlock {
            vendor_id: id.vid.get(),
            serial_number: id.sn,
        }
    }

    /// The serial number without padding.
    pub fn serial(&self) -> &str {
        trim_ascii(&self.serial_number)
    }

    /// Decode the block's data (the bytes after the length byte): exactly 22 bytes.
    pub fn parse(data: &[u8]) -> Result<Self> {
        let bad = Error::InconsistentLength {
            expected: IDENTIFICATION_BLOCK_LEN as u8,
            received: data.len().min(255) as u8,
        };
        let (vid, sn) = match data {
            [a, b, rest @ ..] => (u16::from_be_bytes([*a, *b]), rest),
            _ => return Err(bad),
        };
        let serial_number: [u8; 20] = sn.try_into().map_err(|_| bad)?;
        Ok(IdentificationBlock {
            vendor_id: vid,
            serial_number,
        })
    }

    /// The block's 22 data bytes.
    pub fn to_bytes(&self) -> [u8; IDENTIFICATION_BLOCK_LEN] {
        let mut out = [0u8; IDENTIFICATION_BLOCK_LEN];
        out[..2].copy_from_slice(&self.vendor_id.to_be_bytes());
        out[2..].copy_from_slice(&self.serial_number);
        out
    }
}
