//! Commands Supported and Effects log page (NVMe Base 2.0 §5.16.1.6, Log Identifier 05h),
//! 4096 bytes: a Commands Supported and Effects dword per Admin opcode and per I/O opcode of
//! the command set the Get Log Page CSI names.

use super::command_effects::CommandEffects;
use zerocopy::little_endian::U32;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Commands Supported and Effects log (NVMe Base 2.0 §5.16.1.6, LID 05h).
///
/// ```
/// use nvme_mi_core::mi::admin_data::{AdminData, CommandEffects, CommandsEffectsLog};
/// use zerocopy::{FromZeros, IntoBytes};
/// let mut log = CommandsEffectsLog::new_zeroed();
/// log.acs[0x06].set(CommandEffects::CSUPP.bits());
/// log.iocs[0x01].set((CommandEffects::CSUPP | CommandEffects::LBCC).bits());
/// let view = CommandsEffectsLog::view(log.as_bytes()).unwrap();
/// assert!(view.admin(0x06).contains(CommandEffects::CSUPP));
/// assert_eq!(view.io_commands().map(|(op, _)| op).collect::<Vec<_>>(), [0x01]);
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct CommandsEffectsLog {
    /// Admin Command Supported, ACS0..ACS255 (bytes 1023:0).
    pub acs: [U32; 256],
    /// I/O Command Supported, IOCS0..IOCS255 (bytes 2047:1024).
    pub iocs: [U32; 256],
    /// Reserved.
    pub rsvd2048: [u8; 2048],
}

const _: () = assert!(core::mem::size_of::<CommandsEffectsLog>() == 4096);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for CommandsEffectsLog {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "CommandsEffectsLog {{ {=usize} admin, {=usize} io }}",
            self.admin_commands().count(),
            self.io_commands().count()
        )
    }
}

fn supported(table: &[U32; 256]) -> impl Iterator<Item = (u8, CommandEffects)> + '_ {
    (0..=u8::MAX)
        .map(|op| (op, CommandEffects(table[usize::from(op)].get())))
        .filter(|(_, e)| e.contains(CommandEffects::CSUPP))
}

impl CommandsEffectsLog {
    /// The effects of Admin opcode `op`.
    pub fn admin(&self, op: u8) -> CommandEffects {
        CommandEffects(self.acs[usize::from(op)].get())
    }

    /// The effects of I/O opcode `op`.
    pub fn io(&self, op: u8) -> CommandEffects {
        CommandEffects(self.iocs[usize::from(op)].get())
    }

    /// The supported Admin opcodes (CSUPP set) in increasing order, with their effects.
    pub fn admin_commands(&self) -> impl Iterator<Item = (u8, CommandEffects)> + '_ {
        supported(&self.acs)
    }

    /// The supported I/O opcodes (CSUPP set) in increasing order, with their effects.
    pub fn io_commands(&self) -> impl Iterator<Item = (u8, CommandEffects)> + '_ {
        supported(&self.iocs)
    }
}
