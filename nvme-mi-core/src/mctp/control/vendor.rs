//! Get Vendor Defined Message Support (command 0x06; DSP0236 §12.8).
//!
//! ```text
//! request data:  byte 0 vendor ID set selector (start at 0)
//! response data: byte 0 next selector (0xFF: no more sets) | byte 1 vendor ID format
//!                format 0x00 (PCI):  2-byte vendor ID, 2-byte command-set type
//!                format 0x01 (IANA): 4-byte enterprise number, 2-byte command-set type
//! ```
//! All multi-byte fields are big-endian.

use super::{put, Error};

/// A Get Vendor Defined Message Support request (DSP0236 §12.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetVendorMessageSupportRequest {
    /// The vendor ID set selector.
    pub selector: u8,
}

impl GetVendorMessageSupportRequest {
    /// Data length.
    pub const LEN: usize = 1;

    /// Parse the data after the request header; extra bytes are ignored.
    pub fn parse(data: &[u8]) -> Result<Self, Error> {
        let &selector = data.first().ok_or(Error::Truncated)?;
        Ok(GetVendorMessageSupportRequest { selector })
    }

    /// Data length.
    pub const fn buffer_len(&self) -> usize {
        Self::LEN
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        put(out, &[self.selector])
    }
}

/// One vendor-defined message capability: the vendor ID in its format and the command-set
/// type (DSP0236 §12.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum VendorCapability<'a> {
    /// Format 0x00: a PCI vendor ID.
    Pci {
        /// PCI vendor ID.
        vendor_id: u16,
        /// Vendor command-set type.
        command_set_type: u16,
    },
    /// Format 0x01: an IANA enterprise number.
    Iana {
        /// IANA enterprise number.
        enterprise: u32,
        /// Vendor command-set type.
        command_set_type: u16,
    },
    /// Another format: its code and every byte after it, uninterpreted.
    Unknown {
        /// The vendor ID format byte.
        format: u8,
        /// The bytes that follow it.
        data: &'a [u8],
    },
}

const FORMAT_PCI: u8 = 0x00;
const FORMAT_IANA: u8 = 0x01;

/// The data of a successful Get Vendor Defined Message Support response
/// (DSP0236 §12.8).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetVendorMessageSupportResponse<'a> {
    /// The selector of the next set (0xFF: this is the last).
    pub next_selector: u8,
    /// The vendor ID and command-set type of this set.
    pub capability: VendorCapability<'a>,
}

impl<'a> GetVendorMessageSupportResponse<'a> {
    /// The next-selector value meaning "no more sets".
    pub const NO_MORE_SETS: u8 = 0xff;

    /// Parse the data after the completion code; extra bytes after a known format are
    /// ignored.
    pub fn parse(data: &'a [u8]) -> Result<Self, Error> {
        let [next_selector, format, ref rest @ ..] = *data else {
            return Err(Error::Truncated);
        };
        let capability = match format {
            FORMAT_PCI => {
                let [a, b, c, d, ..] = *rest else {
                    return Err(Error::Truncated);
                };
                VendorCapability::Pci {
                    vendor_id: u16::from_be_bytes([a, b]),
                    command_set_type: u16::from_be_bytes([c, d]),
                }
            }
            FORMAT_IANA => {
                let [a, b, c, d, e, f, ..] = *rest else {
                    return Err(Error::Truncated);
                };
                VendorCapability::Iana {
                    enterprise: u32::from_be_bytes([a, b, c, d]),
                    command_set_type: u16::from_be_bytes([e, f]),
                }
            }
            format => VendorCapability::Unknown { format, data: rest },
        };
        Ok(GetVendorMessageSupportResponse {
            next_selector,
            capability,
        })
    }

    /// Data length.
    pub fn buffer_len(&self) -> usize {
        2 + match self.capability {
            VendorCapability::Pci { .. } => 4,
            VendorCapability::Iana { .. } => 6,
            VendorCapability::Unknown { data, .. } => data.len(),
        }
    }

    /// Write the data; returns its length.
    pub fn emit(&self, out: &mut [u8]) -> Result<usize, Error> {
        let len = self.buffer_len();
        let out = out.get_mut(..len).ok_or(Error::BufferTooSmall)?;
        let (head, rest) = out.split_at_mut(2);
        match self.capability {
            VendorCapability::Pci {
                vendor_id,
                command_set_type,
            } => {
                head.copy_from_slice(&[self.next_selector, FORMAT_PCI]);
                let [a, b] = vendor_id.to_be_bytes();
                let [c, d] = command_set_type.to_be_bytes();
                put(rest, &[a, b, c, d])?;
            }
            VendorCapability::Iana {
                enterprise,
                command_set_type,
            } => {
                head.copy_from_slice(&[self.next_selector, FORMAT_IANA]);
                let [a, b, c, d] = enterprise.to_be_bytes();
                let [e, f] = command_set_type.to_be_bytes();
                put(rest, &[a, b, c, d, e, f])?;
            }
            VendorCapability::Unknown { format, data } => {
                head.copy_from_slice(&[self.next_selector, format]);
                put(rest, data)?;
            }
        }
        Ok(len)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn big_endian_ids() {
        let r =
            GetVendorMessageSupportResponse::parse(&[0xff, 0x00, 0x1b, 0x4b, 0x00, 0x02]).unwrap();
        assert_eq!(
            r.capability,
            VendorCapability::Pci {
                vendor_id: 0x1b4b,
                command_set_type: 2
            }
        );
        let r = GetVendorMessageSupportResponse::parse(&[1, 0x01, 0, 0, 0xa0, 0x15, 0x12, 0x34])
            .unwrap();
        assert_eq!(
            r.capability,
            VendorCapability::Iana {
                enterprise: 0xa015,
                command_set_type: 0x1234
            }
        );
        assert_eq!(
            GetVendorMessageSupportResponse::parse(&[1, 0x01, 0, 0, 0xa0, 0x15, 0x12]),
            Err(Error::Truncated)
        );
    }
}
