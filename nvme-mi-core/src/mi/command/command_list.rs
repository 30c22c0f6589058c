use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{counted, Opcode};
use crate::mi::{Nmimt, Result};

/// The largest number of entries a command list of at most 4096 bytes holds.
const MAX_COMMAND_LIST_ENTRIES: usize = 2047;

/// One entry of a command support list: command type and opcode (NVMe-MI 1.2 §5.7).
///
/// The CTYP encoding is not checked against the specification text; following Wireshark, bits 6:3 hold an NMIMT
/// value in the same position as header byte 1. The raw byte is kept.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[repr(C)]
pub struct CommandListEntry {
    /// CTYP: the command type.
    pub ctyp: u8,
    /// OPC: the opcode within that command type.
    pub opc: u8,
}

impl CommandListEntry {
    /// An entry for opcode `opc` of message type `nmimt` (CTYP = NMIMT << 3).
    pub const fn new(nmimt: Nmimt, opc: u8) -> Self {
        CommandListEntry {
            ctyp: nmimt.to_u8() << 3,
            opc,
        }
    }

    /// The message type from CTYP bits 6:3 (encoding as Wireshark decodes it).
    pub const fn nmimt(&self) -> Nmimt {
        Nmimt::from_u8(self.ctyp >> 3)
    }

    /// The MI opcode, if the entry is for the NVMe-MI Command Set.
    pub fn mi_opcode(&self) -> Option<Opcode> {
        (self.nmimt() == Nmimt::MiCommand).then(|| Opcode::from_u8(self.opc))
    }
}

/// An Optionally Supported Command List (DTYP 0x04) or Management Endpoint Buffer Command
/// Support List (DTYP 0x05): NUMCMD (LE16), then NUMCMD two-byte entries (NVMe-MI 1.2 §5.7).
/// A borrowed view: no copy, no heap.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CommandList<'a> {
    raw: &'a [u8],
    entries: &'a [CommandListEntry],
}

impl<'a> CommandList<'a> {
    /// Decode a list; bytes after the last entry are ignored.
    ///
    /// Errors: `Truncated` if NUMCMD or an entry is missing, `InvalidField` if NUMCMD exceeds
    /// what 4096 bytes hold (2047).
    pub fn parse(data: &'a [u8]) -> Result<Self> {
        let entries: &[CommandListEntry] = counted::parse(data, MAX_COMMAND_LIST_ENTRIES)?;
        let len = counted::encoded_len::<CommandListEntry>(entries.len());
        Ok(CommandList {
            raw: data.get(..len).unwrap_or(data),
            entries,
        })
    }

    /// Write a list of `entries` into `buf`; returns the length written.
    pub fn emit(entries: &[CommandListEntry], buf: &mut [u8]) -> Result<usize> {
        counted::emit(entries, MAX_COMMAND_LIST_ENTRIES, buf)
    }

    /// The entries.
    pub fn entries(&self) -> &'a [CommandListEntry] {
        self.entries
    }

    /// The encoded list (NUMCMD and entries).
    pub fn as_bytes(&self) -> &'a [u8] {
        self.raw
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::Error;

    #[test]
    fn parse_emit() {
        let e = [
            CommandListEntry::new(Nmimt::MiCommand, 0x06),
            CommandListEntry::new(Nmimt::AdminCommand, 0x02),
        ];
        let mut buf = [0u8; 8];
        let n = CommandList::emit(&e, &mut buf).unwrap();
        assert_eq!(&buf[..n], &[2, 0, 0x08, 0x06, 0x10, 0x02]);
        let l = CommandList::parse(&buf[..n]).unwrap();
        assert_eq!(l.entries(), &e);
        assert_eq!(l.entries()[0].mi_opcode(), Some(Opcode::VpdWrite));
        assert_eq!(l.entries()[1].mi_opcode(), None);
        assert_eq!(l.entries()[1].nmimt(), Nmimt::AdminCommand);
        for len in 0..n {
            assert_eq!(CommandList::parse(&buf[..len]), Err(Error::Truncated));
        }
        assert_eq!(CommandList::parse(&[0xff, 0xff]), Err(Error::InvalidField));
    }
}
