//! The Commands Supported and Effects data structure (NVMe Base 2.0 §5.16.1.6, Figure
//! "Commands Supported and Effects Data Structure"): what one opcode does to the controller.

/// Commands Supported and Effects of one opcode (NVMe Base 2.0 §5.16.1.6). Bits 15:5 and
/// 31:20 are reserved and kept.
///
/// ```
/// use nvme_mi_core::mi::admin_data::CommandEffects;
/// let e = CommandEffects(0x0001_0003);
/// assert!(e.contains(CommandEffects::CSUPP | CommandEffects::LBCC));
/// assert!(!e.contains(CommandEffects::NCC));
/// assert_eq!(e.cse(), 1);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct CommandEffects(pub u32);

impl CommandEffects {
    /// CSUPP (bit 0): the command is supported.
    pub const CSUPP: CommandEffects = CommandEffects(1 << 0);
    /// LBCC (bit 1): the command may change logical block content.
    pub const LBCC: CommandEffects = CommandEffects(1 << 1);
    /// NCC (bit 2): the command may change namespace capabilities.
    pub const NCC: CommandEffects = CommandEffects(1 << 2);
    /// NIC (bit 3): the command may change the namespace inventory.
    pub const NIC: CommandEffects = CommandEffects(1 << 3);
    /// CCC (bit 4): the command may change controller capabilities.
    pub const CCC: CommandEffects = CommandEffects(1 << 4);
    /// USS (bit 19): the UUID Selection Supported.
    pub const USS: CommandEffects = CommandEffects(1 << 19);

    /// The raw dword.
    pub const fn bits(self) -> u32 {
        self.0
    }

    /// True if every bit of `other` is set.
    pub const fn contains(self, other: Self) -> bool {
        self.0 & other.0 == other.0
    }

    /// Command Submission and Execution, CSE (bits 18:16): 0 no restriction, 1 only when no
    /// other command to the same namespace is outstanding, 2 only when no other command is
    /// outstanding anywhere in the subsystem.
    pub const fn cse(self) -> u8 {
        ((self.0 >> 16) & 0x7) as u8
    }
}

impl core::ops::BitOr for CommandEffects {
    type Output = Self;
    fn bitor(self, rhs: Self) -> Self {
        CommandEffects(self.0 | rhs.0)
    }
}
