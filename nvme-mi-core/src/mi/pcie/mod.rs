//! The PCIe Command Set, NMIMT 4 (NVMe-MI 1.2 §7, Figures 126–144).
//!
//! Out-of-band access to the PCIe configuration, memory and I/O spaces of one controller
//! (selected by CTLID). All six commands are optional; a device supporting any of them
//! supports PCIe Configuration Read.
//!
//! ```text
//! request   bytes 3:0   header (byte 1 = 0x20 | CSI)
//!           byte  4     OPC   opcode (PcieOpcode)
//!           byte  5     reserved
//!           bytes 7:6   CTLID target controller (LE16)
//!           bytes 11:8  NMD0  bits 15:0 LENGTH (bytes); bits 18:16 BAR (memory, I/O)
//!           bytes 15:12 NMD1  OFFSET: config bits 11:0, I/O bits 31:0, memory bits 31:0
//!           bytes 19:16 NMD2  memory: OFFSET bits 63:32; reserved otherwise
//!           bytes N-1:20 request data (writes): LENGTH bytes padded to a dword
//! response  bytes 3:0   header (byte 1 = 0xA0 | CSI)
//!           byte  4     status; bytes 7:5 reserved
//!           bytes N-1:8 response data (reads): LENGTH bytes padded with zeros to a dword
//! ```
//!
//! Sources, since the NVMe-MI 1.2 text itself was not available to check these details against:
//! - Opcodes 0x00..=0x05 and their names (NVMe-MI 1.2 Figure 128), the 20-byte request
//!   header with three dwords after CTLID (Figure 126) and the 8-byte response header
//!   (Figure 129): a public Markdown transcription of NVMe-MI 1.2 §7 ("PCIe-Through-MI
//!   Command Table", "Command Format Reference"; repository name not recorded), corroborated
//!   by a public Python NVMe-MI message parser that decodes OPC at byte 4, CTLID at bytes
//!   7:6, three dwords at bytes 19:8 and request data from byte 20.
//! - LENGTH = NMD0 bits 15:0, BAR = NMD0 bits 18:16 (0..=5 ⇒ BAR0..BAR5 at configuration
//!   offsets 0x10..=0x24, 6 and 7 reserved), the offset widths (12, 32 and 64 bits), data
//!   padded to a dword (padding cleared in read data, discarded in write data), and an
//!   out-of-range configuration offset answered with Invalid Parameter at OFFSET: the same
//!   transcription's "Field Reference" (Figures 131–144). Only that one transcription gives
//!   these bit positions; they are not checked against the specification text.
//! - Errors use status 0x21 PCIe Inaccessible when the controller's PCIe side cannot be
//!   reached (NVMe-MI 1.2); that choice belongs to the responder.

mod request;
mod response;

pub use request::{
    PcieCommand, PcieRequest, PcieRequestRepr, CTLID, MIN_REQUEST_LEN, NMD0, NMD1, NMD2, OPC,
    REQUEST_DATA,
};
pub use response::PcieResponseRepr;

/// The PCIe configuration space size: configuration offsets and lengths stay below it.
pub const CONFIG_SPACE_LEN: u32 = 4096;

/// The PCIe command opcode, OPC (NVMe-MI 1.2 §7, Figure 128).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PcieOpcode {
    /// PCIe Configuration Read (0x00).
    ConfigRead,
    /// PCIe Configuration Write (0x01).
    ConfigWrite,
    /// PCIe Memory Read (0x02).
    MemoryRead,
    /// PCIe Memory Write (0x03).
    MemoryWrite,
    /// PCIe I/O Read (0x04).
    IoRead,
    /// PCIe I/O Write (0x05).
    IoWrite,
    /// A reserved opcode (0x06..=0xFF), kept as received.
    Unknown(u8),
}

impl PcieOpcode {
    /// Decode the opcode byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            0 => PcieOpcode::ConfigRead,
            1 => PcieOpcode::ConfigWrite,
            2 => PcieOpcode::MemoryRead,
            3 => PcieOpcode::MemoryWrite,
            4 => PcieOpcode::IoRead,
            5 => PcieOpcode::IoWrite,
            other => PcieOpcode::Unknown(other),
        }
    }

    /// The opcode byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            PcieOpcode::ConfigRead => 0,
            PcieOpcode::ConfigWrite => 1,
            PcieOpcode::MemoryRead => 2,
            PcieOpcode::MemoryWrite => 3,
            PcieOpcode::IoRead => 4,
            PcieOpcode::IoWrite => 5,
            PcieOpcode::Unknown(v) => v,
        }
    }

    /// True for the three read commands (response data, no request data).
    pub const fn is_read(self) -> bool {
        matches!(
            self,
            PcieOpcode::ConfigRead | PcieOpcode::MemoryRead | PcieOpcode::IoRead
        )
    }
}

/// The BAR selector of memory and I/O commands, NMD0 bits 18:16 (NVMe-MI 1.2 §7.3–7.6,
/// Figures 135–144; not checked against the specification text, see the module sources).
///
/// Values 0..=5 select BAR0..BAR5; for a 64-bit BAR, select its lower half. 6 and 7 are
/// reserved (a responder answers Invalid Parameter).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Bar(pub u8);

impl Bar {
    /// BAR0 (MLBAR: the controller registers).
    pub const BAR0: Bar = Bar(0);

    /// True for BAR0..=BAR5.
    pub const fn is_valid(self) -> bool {
        self.0 <= 5
    }

    /// The offset of this BAR register in configuration space (0x10 + 4 × n), if valid.
    pub const fn config_offset(self) -> Option<u16> {
        if self.is_valid() {
            Some(0x10 + 4 * self.0 as u16)
        } else {
            None
        }
    }
}

/// `len` rounded up to a multiple of 4.
const fn dword_padded(len: usize) -> usize {
    (len + 3) & !3
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn opcodes() {
        for v in 0..=255u8 {
            let o = PcieOpcode::from_u8(v);
            assert_eq!(o.to_u8(), v);
            assert_eq!(matches!(o, PcieOpcode::Unknown(_)), v > 5);
            assert_eq!(o.is_read(), matches!(v, 0 | 2 | 4));
        }
    }

    #[test]
    fn bars() {
        assert_eq!(Bar(0).config_offset(), Some(0x10));
        assert_eq!(Bar(5).config_offset(), Some(0x24));
        assert_eq!(Bar(6).config_offset(), None);
        assert_eq!(dword_padded(0), 0);
        assert_eq!(dword_padded(5), 8);
        assert_eq!(dword_padded(8), 8);
    }
}
