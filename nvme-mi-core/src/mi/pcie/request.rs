//! The PCIe command request (NVMe-MI 1.2 §7, Figures 126–127, 131–144; the details are not
//! checked against the specification text, see the module documentation).

use super::{dword_padded, Bar, PcieOpcode, CONFIG_SPACE_LEN};
use crate::mi::header::{emit_message, Message, MessageHeader, HEADER_LEN};
use crate::mi::integrity::MIC_LEN;
use crate::mi::status::Rejection;
use crate::mi::{Csi, Error, Nmimt, Result, MAX_DATA_LEN};

/// Message offset of OPC.
pub const OPC: usize = 4;
/// Message offset of CTLID.
pub const CTLID: usize = 6;
/// Message offset of NMD0 (LENGTH, BAR).
pub const NMD0: usize = 8;
/// Message offset of NMD1 (OFFSET, low bits).
pub const NMD1: usize = 12;
/// Message offset of NMD2 (memory OFFSET bits 63:32).
pub const NMD2: usize = 16;
/// Message offset of the request data.
pub const REQUEST_DATA: usize = 20;
/// The smallest PCIe request message: the 20 header bytes and the integrity check.
pub const MIN_REQUEST_LEN: usize = REQUEST_DATA + MIC_LEN;

/// A checked view over a complete PCIe command request message.
///
/// [`PcieRequest::new_checked`] checks the type byte and the length bounds
/// ([`MIN_REQUEST_LEN`] ..= [`crate::mi::MAX_MESSAGE_LEN`]); after it no accessor panics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PcieRequest<T: AsRef<[u8]>> {
    buffer: T,
}

impl<T: AsRef<[u8]>> PcieRequest<T> {
    /// Wrap a buffer without checks; accessors may panic on a short buffer.
    pub const fn new_unchecked(buffer: T) -> Self {
        PcieRequest { buffer }
    }

    /// Wrap a buffer after checking the type byte and the length bounds.
    pub fn new_checked(buffer: T) -> Result<Self> {
        Message::new_checked(buffer.as_ref())?;
        if buffer.as_ref().len() < MIN_REQUEST_LEN {
            return Err(Error::Truncated);
        }
        Ok(PcieRequest { buffer })
    }

    /// Give the buffer back.
    pub fn into_inner(self) -> T {
        self.buffer
    }

    /// The whole message as a generic NVMe-MI message view.
    pub fn message(&self) -> Message<&[u8]> {
        Message::new_unchecked(self.buffer.as_ref())
    }

    fn dword(&self, off: usize) -> u32 {
        let b = self.buffer.as_ref();
        u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
    }

    /// OPC.
    pub fn opcode(&self) -> PcieOpcode {
        PcieOpcode::from_u8(self.buffer.as_ref()[OPC])
    }

    /// CTLID, the target controller.
    pub fn ctlid(&self) -> u16 {
        let b = self.buffer.as_ref();
        u16::from_le_bytes([b[CTLID], b[CTLID + 1]])
    }

    /// NMD0 (bits 15:0 LENGTH, bits 18:16 BAR).
    pub fn nmd0(&self) -> u32 {
        self.dword(NMD0)
    }

    /// NMD1 (OFFSET, or its bits 31:0).
    pub fn nmd1(&self) -> u32 {
        self.dword(NMD1)
    }

    /// NMD2 (memory commands: OFFSET bits 63:32).
    pub fn nmd2(&self) -> u32 {
        self.dword(NMD2)
    }

    /// The request data, padding included.
    pub fn data(&self) -> &[u8] {
        let b = self.buffer.as_ref();
        &b[REQUEST_DATA..b.len() - MIC_LEN]
    }
}

/// A PCIe command with its typed fields (NVMe-MI 1.2 §7.1–7.6, Figures 131–144).
///
/// Write data is the LENGTH bytes to write, without the dword padding.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum PcieCommand<'a> {
    /// PCIe Configuration Read of `length` bytes at `offset` (12 bits).
    ConfigRead {
        /// OFFSET, NMD1 bits 11:0.
        offset: u16,
        /// LENGTH in bytes.
        length: u16,
    },
    /// PCIe Configuration Write of `data` at `offset` (12 bits).
    ConfigWrite {
        /// OFFSET, NMD1 bits 11:0.
        offset: u16,
        /// The bytes to write (LENGTH = its length).
        data: &'a [u8],
    },
    /// PCIe Memory Read of `length` bytes at `offset` into `bar`.
    MemoryRead {
        /// BAR selector.
        bar: Bar,
        /// OFFSET, NMD2:NMD1.
        offset: u64,
        /// LENGTH in bytes.
        length: u16,
    },
    /// PCIe Memory Write of `data` at `offset` into `bar`.
    MemoryWrite {
        /// BAR selector.
        bar: Bar,
        /// OFFSET, NMD2:NMD1.
        offset: u64,
        /// The bytes to write.
        data: &'a [u8],
    },
    /// PCIe I/O Read of `length` bytes at `offset` into `bar`.
    IoRead {
        /// BAR selector.
        bar: Bar,
        /// OFFSET, NMD1.
        offset: u32,
        /// LENGTH in bytes.
        length: u16,
    },
    /// PCIe I/O Write of `data` at `offset` into `bar`.
    IoWrite {
        /// BAR selector.
        bar: Bar,
        /// OFFSET, NMD1.
        offset: u32,
        /// The bytes to write.
        data: &'a [u8],
    },
}

impl<'a> PcieCommand<'a> {
    /// The opcode.
    pub const fn opcode(&self) -> PcieOpcode {
        match self {
            PcieCommand::ConfigRead { .. } => PcieOpcode::ConfigRead,
            PcieCommand::ConfigWrite { .. } => PcieOpcode::ConfigWrite,
            PcieCommand::MemoryRead { .. } => PcieOpcode::MemoryRead,
            PcieCommand::MemoryWrite { .. } => PcieOpcode::MemoryWrite,
            PcieCommand::IoRead { .. } => PcieOpcode::IoRead,
            PcieCommand::IoWrite { .. } => PcieOpcode::IoWrite,
        }
    }

    /// LENGTH: the number of bytes read or written.
    pub const fn length(&self) -> usize {
        match self {
            PcieCommand::ConfigRead { length, .. }
            | PcieCommand::MemoryRead { length, .. }
            | PcieCommand::IoRead { length, .. } => *length as usize,
            PcieCommand::ConfigWrite { data, .. }
            | PcieCommand::MemoryWrite { data, .. }
            | PcieCommand::IoWrite { data, .. } => data.len(),
        }
    }

    /// The write data (empty for reads).
    pub const fn data(&self) -> &'a [u8] {
        match self {
            PcieCommand::ConfigWrite { data, .. }
            | PcieCommand::MemoryWrite { data, .. }
            | PcieCommand::IoWrite { data, .. } => data,
            _ => &[],
        }
    }

    /// NMD0, NMD1, NMD2, or [`Error::InvalidField`] for a value its field cannot carry (data
    /// longer than 65535 bytes, a configuration offset above 0xFFF, a reserved BAR).
    pub fn dwords(&self) -> Result<[u32; 3]> {
        let length = u16::try_from(self.length()).map_err(|_| Error::InvalidField)? as u32;
        let with_bar = |bar: Bar| {
            if bar.is_valid() {
                Ok(length | u32::from(bar.0) << 16)
            } else {
                Err(Error::InvalidField)
            }
        };
        match *self {
            PcieCommand::ConfigRead { offset, .. } | PcieCommand::ConfigWrite { offset, .. } => {
                if offset > 0xfff {
                    return Err(Error::InvalidField);
                }
                Ok([length, u32::from(offset), 0])
            }
            PcieCommand::MemoryRead { bar, offset, .. }
            | PcieCommand::MemoryWrite { bar, offset, .. } => {
                Ok([with_bar(bar)?, offset as u32, (offset >> 32) as u32])
            }
            PcieCommand::IoRead { bar, offset, .. } | PcieCommand::IoWrite { bar, offset, .. } => {
                Ok([with_bar(bar)?, offset, 0])
            }
        }
    }
}

/// A PCIe command request as plain values (NVMe-MI 1.2 §7, Figure 126).
///
/// ```
/// use nvme_mi_core::mi::pcie::{PcieCommand, PcieRequestRepr};
/// use nvme_mi_core::mi::Csi;
/// // Read the vendor and device IDs of controller 0.
/// let req = PcieRequestRepr {
///     csi: Csi::Slot0,
///     ctlid: 0,
///     command: PcieCommand::ConfigRead { offset: 0, length: 4 },
/// };
/// let mut out = [0u8; 24];
/// assert_eq!(req.emit_message(&mut out), Ok(24));
/// assert_eq!(&out[..12], &[0x84, 0x20, 0, 0, 0x00, 0, 0, 0, 4, 0, 0, 0]);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct PcieRequestRepr<'a> {
    /// The command slot.
    pub csi: Csi,
    /// CTLID: the controller whose PCIe spaces are accessed.
    pub ctlid: u16,
    /// The command.
    pub command: PcieCommand<'a>,
}

impl<'a> PcieRequestRepr<'a> {
    /// Responder side: type a request message whose NMIMT (4), direction and integrity check
    /// the caller has already checked. Reserved fields (byte 5, NMD0 bits 31:19, NMD1 bits
    /// 31:12 of configuration commands, NMD2 of configuration and I/O commands) are ignored.
    ///
    /// Rejections:
    /// - fewer than the 20 header bytes ⇒ [`Rejection::InvalidCommandSize`];
    /// - a reserved opcode ⇒ [`Rejection::InvalidCommandOpcode`];
    /// - request data on a read, or write data other than LENGTH padded to a dword ⇒
    ///   [`Rejection::InvalidCommandInputDataSize`];
    /// - a reserved BAR ⇒ Invalid Parameter at NMD0 bit 16;
    /// - a configuration OFFSET + LENGTH beyond 4096 ⇒ Invalid Parameter at OFFSET;
    /// - a read LENGTH above 4096 (the response could not carry it; the specification's
    ///   exact rule is not checked) ⇒ Invalid Parameter at LENGTH.
    pub fn parse<T: AsRef<[u8]>>(msg: &'a Message<T>) -> core::result::Result<Self, Rejection> {
        let body = msg.body();
        let (head, data) = body
            .split_first_chunk::<{ REQUEST_DATA - HEADER_LEN }>()
            .ok_or(Rejection::InvalidCommandSize)?;
        let dword = |o: usize| u32::from_le_bytes([head[o], head[o + 1], head[o + 2], head[o + 3]]);
        let opcode = PcieOpcode::from_u8(head[OPC - HEADER_LEN]);
        let ctlid = u16::from_le_bytes([head[CTLID - HEADER_LEN], head[CTLID - HEADER_LEN + 1]]);
        let (nmd0, nmd1, nmd2) = (
            dword(NMD0 - HEADER_LEN),
            dword(NMD1 - HEADER_LEN),
            dword(NMD2 - HEADER_LEN),
        );
        let length = nmd0 as u16;
        let bar = Bar((nmd0 >> 16) as u8 & 0x7);
        let offset64 = u64::from(nmd1) | u64::from(nmd2) << 32;

        if let PcieOpcode::Unknown(_) = opcode {
            return Err(Rejection::InvalidCommandOpcode);
        }
        let data = if opcode.is_read() {
            if !data.is_empty() {
                return Err(Rejection::InvalidCommandInputDataSize);
            }
            if usize::from(length) > MAX_DATA_LEN {
                return Err(Rejection::invalid_field(NMD0 as u16, 0));
            }
            data
        } else {
            if data.len() != dword_padded(usize::from(length)) {
                return Err(Rejection::InvalidCommandInputDataSize);
            }
            data.get(..usize::from(length))
                .ok_or(Rejection::InvalidCommandInputDataSize)?
        };
        let config_offset = (nmd1 & 0xfff) as u16;
        if matches!(opcode, PcieOpcode::ConfigRead | PcieOpcode::ConfigWrite)
            && u32::from(config_offset) + u32::from(length) > CONFIG_SPACE_LEN
        {
            return Err(Rejection::invalid_field(NMD1 as u16, 0));
        }
        if !matches!(opcode, PcieOpcode::ConfigRead | PcieOpcode::ConfigWrite) && !bar.is_valid() {
            return Err(Rejection::invalid_field(NMD0 as u16, 16));
        }
        let command = match opcode {
            PcieOpcode::ConfigRead => PcieCommand::ConfigRead {
                offset: config_offset,
                length,
            },
            PcieOpcode::ConfigWrite => PcieCommand::ConfigWrite {
                offset: config_offset,
                data,
            },
            PcieOpcode::MemoryRead => PcieCommand::MemoryRead {
                bar,
                offset: offset64,
                length,
            },
            PcieOpcode::MemoryWrite => PcieCommand::MemoryWrite {
                bar,
                offset: offset64,
                data,
            },
            PcieOpcode::IoRead => PcieCommand::IoRead {
                bar,
                offset: nmd1,
                length,
            },
            PcieOpcode::IoWrite | PcieOpcode::Unknown(_) => PcieCommand::IoWrite {
                bar,
                offset: nmd1,
                data,
            },
        };
        Ok(PcieRequestRepr {
            csi: msg.csi(),
            ctlid,
            command,
        })
    }

    /// The message header (NMIMT 4, ROR 0, this CSI).
    pub const fn header(&self) -> MessageHeader {
        MessageHeader::request(Nmimt::PcieCommand, self.csi)
    }

    /// Length of the message: header, write data padded to a dword, integrity check.
    pub const fn buffer_len(&self) -> usize {
        MIN_REQUEST_LEN + dword_padded(self.command.data().len())
    }

    /// Write the complete message into `out`; returns its length.
    ///
    /// Errors: [`Error::InvalidField`] (see [`PcieCommand::dwords`]), [`Error::TooLong`],
    /// [`Error::BufferTooSmall`].
    pub fn emit_message(&self, out: &mut [u8]) -> Result<usize> {
        let [d0, d1, d2] = self.command.dwords()?;
        let mut head = [0u8; REQUEST_DATA - HEADER_LEN];
        head[OPC - HEADER_LEN] = self.command.opcode().to_u8();
        head[CTLID - HEADER_LEN..NMD0 - HEADER_LEN].copy_from_slice(&self.ctlid.to_le_bytes());
        head[NMD0 - HEADER_LEN..NMD1 - HEADER_LEN].copy_from_slice(&d0.to_le_bytes());
        head[NMD1 - HEADER_LEN..NMD2 - HEADER_LEN].copy_from_slice(&d1.to_le_bytes());
        head[NMD2 - HEADER_LEN..].copy_from_slice(&d2.to_le_bytes());
        let data = self.command.data();
        let pad = [0u8; 3];
        let pad = &pad[..dword_padded(data.len()) - data.len()];
        emit_message(&self.header(), &[&head, data, pad], out)
    }
}
