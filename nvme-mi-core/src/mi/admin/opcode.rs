//! NVMe Admin command opcodes (NVMe Base 2.x Figure "Opcodes for Admin Commands") and which of
//! them a management endpoint accepts out of band (NVMe-MI 1.2 §6, Figure 114).

use core::fmt;

macro_rules! admin_opcodes {
    ($( $(#[$doc:meta])* $name:ident = $val:literal, $text:literal; )*) => {
        /// An NVMe Admin command opcode (NVMe Base 2.x). Unknown values are kept.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        #[non_exhaustive]
        pub enum AdminOpcode {
            $( $(#[$doc])* $name, )*
            /// Any other opcode, kept as received (vendor specific 0xC0..=0xFF included).
            Unknown(u8),
        }

        impl AdminOpcode {
            /// Decode an opcode byte.
            pub const fn from_u8(v: u8) -> Self {
                match v {
                    $( $val => AdminOpcode::$name, )*
                    other => AdminOpcode::Unknown(other),
                }
            }

            /// The opcode byte.
            pub const fn to_u8(self) -> u8 {
                match self {
                    $( AdminOpcode::$name => $val, )*
                    AdminOpcode::Unknown(v) => v,
                }
            }

            /// The command's name as the NVMe Base specification writes it, if known.
            pub const fn name(self) -> Option<&'static str> {
                match self {
                    $( AdminOpcode::$name => Some($text), )*
                    AdminOpcode::Unknown(_) => None,
                }
            }
        }
    };
}

admin_opcodes! {
    /// Delete I/O Submission Queue (00h).
    DeleteIoSq = 0x00, "Delete I/O Submission Queue";
    /// Create I/O Submission Queue (01h).
    CreateIoSq = 0x01, "Create I/O Submission Queue";
    /// Get Log Page (02h).
    GetLogPage = 0x02, "Get Log Page";
    /// Delete I/O Completion Queue (04h).
    DeleteIoCq = 0x04, "Delete I/O Completion Queue";
    /// Create I/O Completion Queue (05h).
    CreateIoCq = 0x05, "Create I/O Completion Queue";
    /// Identify (06h).
    Identify = 0x06, "Identify";
    /// Abort (08h).
    Abort = 0x08, "Abort";
    /// Set Features (09h).
    SetFeatures = 0x09, "Set Features";
    /// Get Features (0Ah).
    GetFeatures = 0x0a, "Get Features";
    /// Asynchronous Event Request (0Ch).
    AsyncEventRequest = 0x0c, "Asynchronous Event Request";
    /// Namespace Management (0Dh).
    NamespaceManagement = 0x0d, "Namespace Management";
    /// Firmware Commit (10h).
    FirmwareCommit = 0x10, "Firmware Commit";
    /// Firmware Image Download (11h).
    FirmwareImageDownload = 0x11, "Firmware Image Download";
    /// Device Self-test (14h).
    DeviceSelfTest = 0x14, "Device Self-test";
    /// Namespace Attachment (15h).
    NamespaceAttachment = 0x15, "Namespace Attachment";
    /// Keep Alive (18h).
    KeepAlive = 0x18, "Keep Alive";
    /// Directive Send (19h).
    DirectiveSend = 0x19, "Directive Send";
    /// Directive Receive (1Ah).
    DirectiveReceive = 0x1a, "Directive Receive";
    /// Virtualization Management (1Ch).
    VirtualizationManagement = 0x1c, "Virtualization Management";
    /// NVMe-MI Send (1Dh).
    NvmeMiSend = 0x1d, "NVMe-MI Send";
    /// NVMe-MI Receive (1Eh).
    NvmeMiReceive = 0x1e, "NVMe-MI Receive";
    /// Capacity Management (20h).
    CapacityManagement = 0x20, "Capacity Management";
    /// Discovery Information Management (21h).
    DiscoveryInformationManagement = 0x21, "Discovery Information Management";
    /// Fabric Zoning Receive (22h).
    FabricZoningReceive = 0x22, "Fabric Zoning Receive";
    /// Lockdown (24h).
    Lockdown = 0x24, "Lockdown";
    /// Fabric Zoning Lookup (25h).
    FabricZoningLookup = 0x25, "Fabric Zoning Lookup";
    /// Fabric Zoning Send (29h).
    FabricZoningSend = 0x29, "Fabric Zoning Send";
    /// Send Discovery Log Page (39h).
    SendDiscoveryLogPage = 0x39, "Send Discovery Log Page";
    /// Track Send (3Dh).
    TrackSend = 0x3d, "Track Send";
    /// Track Receive (3Eh).
    TrackReceive = 0x3e, "Track Receive";
    /// Migration Send (41h).
    MigrationSend = 0x41, "Migration Send";
    /// Migration Receive (42h).
    MigrationReceive = 0x42, "Migration Receive";
    /// Controller Data Queue (45h).
    ControllerDataQueue = 0x45, "Controller Data Queue";
    /// Doorbell Buffer Config (7Ch).
    DoorbellBufferConfig = 0x7c, "Doorbell Buffer Config";
    /// Fabrics commands (7Fh).
    Fabrics = 0x7f, "Fabrics Commands";
    /// Format NVM (80h).
    FormatNvm = 0x80, "Format NVM";
    /// Security Send (81h).
    SecuritySend = 0x81, "Security Send";
    /// Security Receive (82h).
    SecurityReceive = 0x82, "Security Receive";
    /// Sanitize (84h).
    Sanitize = 0x84, "Sanitize";
    /// Load Program (85h).
    LoadProgram = 0x85, "Load Program";
    /// Get LBA Status (86h).
    GetLbaStatus = 0x86, "Get LBA Status";
    /// Program Activation Management (88h).
    ProgramActivationManagement = 0x88, "Program Activation Management";
    /// Memory Range Set Management (89h).
    MemoryRangeSetManagement = 0x89, "Memory Range Set Management";
}

impl From<u8> for AdminOpcode {
    fn from(v: u8) -> Self {
        AdminOpcode::from_u8(v)
    }
}

impl From<AdminOpcode> for u8 {
    fn from(v: AdminOpcode) -> u8 {
        v.to_u8()
    }
}

/// The default opcode is Identify, the first command a management controller sends.
impl Default for AdminOpcode {
    fn default() -> Self {
        AdminOpcode::Identify
    }
}

impl fmt::Display for AdminOpcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.name() {
            Some(n) => f.write_str(n),
            None => write!(f, "opcode {:#04x}", self.to_u8()),
        }
    }
}

/// Whether an Admin command may be sent through the out-of-band mechanism
/// (NVMe-MI 1.2 Figure 114 column "NVMe Storage Device").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum OobSupport {
    /// M: a storage device's management endpoint shall support it.
    Mandatory,
    /// O: a management endpoint may support it.
    Optional,
    /// P: prohibited out of band; the endpoint answers Invalid Command Opcode.
    Prohibited,
}

impl AdminOpcode {
    /// How an NVMe storage device's management endpoint treats this command out of band
    /// (NVMe-MI 1.2 Figure 114 plus the prohibitions NVMe-MI 2.1 adds: 21h, 22h, 25h, 29h, 38h,
    /// 39h, 3Dh, 3Eh, 41h, 42h, 45h, 85h, 88h, 89h).
    ///
    /// Opcodes the figure does not list (reserved values below C0h) are reported as
    /// [`OobSupport::Prohibited`]: the endpoint cannot execute a command it does not know, and
    /// answers Invalid Command Opcode either way. Vendor specific opcodes (C0h..=FFh) are
    /// optional.
    ///
    /// ```
    /// use nvme_mi_core::mi::admin::{AdminOpcode, OobSupport};
    /// assert_eq!(AdminOpcode::Identify.oob_support(), OobSupport::Mandatory);
    /// assert_eq!(AdminOpcode::Abort.oob_support(), OobSupport::Prohibited);
    /// assert_eq!(AdminOpcode::Sanitize.oob_support(), OobSupport::Optional);
    /// ```
    pub const fn oob_support(self) -> OobSupport {
        use AdminOpcode as O;
        match self {
            O::GetLogPage | O::Identify | O::GetFeatures => OobSupport::Mandatory,
            O::SetFeatures
            | O::NamespaceManagement
            | O::FirmwareCommit
            | O::FirmwareImageDownload
            | O::DeviceSelfTest
            | O::NamespaceAttachment
            | O::VirtualizationManagement
            | O::CapacityManagement
            | O::Lockdown
            | O::FormatNvm
            | O::SecuritySend
            | O::SecurityReceive
            | O::Sanitize
            | O::GetLbaStatus => OobSupport::Optional,
            O::Unknown(v) if v >= 0xc0 => OobSupport::Optional,
            _ => OobSupport::Prohibited,
        }
    }

    /// Whether an NVMe storage device's management endpoint may accept this command out of
    /// band (not [`OobSupport::Prohibited`]).
    pub const fn allowed_out_of_band(self) -> bool {
        !matches!(self.oob_support(), OobSupport::Prohibited)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trip_every_byte() {
        for v in 0..=255u8 {
            let o = AdminOpcode::from_u8(v);
            assert_eq!(o.to_u8(), v);
            if let AdminOpcode::Unknown(_) = o {
                assert!(o.name().is_none());
            }
        }
        assert_eq!(AdminOpcode::from_u8(0x38), AdminOpcode::Unknown(0x38));
    }

    #[test]
    fn figure_114() {
        let prohibited = [
            0x00u8, 0x01, 0x04, 0x05, 0x08, 0x0c, 0x18, 0x19, 0x1a, 0x1d, 0x1e, 0x7c, 0x7f,
            // NVMe-MI 2.1 additions.
            0x21, 0x22, 0x25, 0x29, 0x38, 0x39, 0x3d, 0x3e, 0x41, 0x42, 0x45, 0x85, 0x88, 0x89,
        ];
        for p in prohibited {
            assert_eq!(
                AdminOpcode::from_u8(p).oob_support(),
                OobSupport::Prohibited,
                "{p:#x}"
            );
        }
        let mandatory = [0x02u8, 0x06, 0x0a];
        let optional = [
            0x09u8, 0x0d, 0x10, 0x11, 0x14, 0x15, 0x1c, 0x20, 0x24, 0x80, 0x81, 0x82, 0x84, 0x86,
            0xc0, 0xff,
        ];
        for m in mandatory {
            assert_eq!(AdminOpcode::from_u8(m).oob_support(), OobSupport::Mandatory);
        }
        for o in optional {
            assert!(AdminOpcode::from_u8(o).allowed_out_of_band());
            assert_eq!(AdminOpcode::from_u8(o).oob_support(), OobSupport::Optional);
        }
        assert_eq!(AdminOpcode::GetLogPage.to_string_buf(), "Get Log Page");
    }

    impl AdminOpcode {
        fn to_string_buf(self) -> heapless::String<48> {
            use core::fmt::Write;
            let mut s = heapless::String::new();
            write!(s, "{self}").unwrap();
            s
        }
    }
}
