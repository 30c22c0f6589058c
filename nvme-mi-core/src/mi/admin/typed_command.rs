//! A decoded Admin request as one of the typed commands (NVMe-MI 1.2 §6),
//! for the responder.

use super::command::{AdminCommand, DataTransfer};
use super::device_self_test::DeviceSelfTest;
use super::features::{GetFeatures, SetFeatures};
use super::firmware_commit::FirmwareCommit;
use super::firmware_download::FirmwareImageDownload;
use super::format_nvm::FormatNvm;
use super::get_log_page::GetLogPage;
use super::identify::Identify;
use super::namespace_attachment::NamespaceAttachment;
use super::namespace_management::NamespaceManagement;
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::sanitize::Sanitize;
use super::security::{SecurityReceive, SecuritySend};

/// An Admin command decoded by opcode (NVMe-MI 1.2 §6). Commands without a builder here are
/// [`TypedCommand::Other`]: the responder reads their dwords from the [`AdminRequestRepr`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
#[non_exhaustive]
pub enum TypedCommand {
    /// Identify (06h).
    Identify(Identify),
    /// Get Log Page (02h).
    GetLogPage(GetLogPage),
    /// Get Features (0Ah).
    GetFeatures(GetFeatures),
    /// Set Features (09h).
    SetFeatures(SetFeatures),
    /// Firmware Image Download (11h).
    FirmwareImageDownload(FirmwareImageDownload),
    /// Firmware Commit (10h).
    FirmwareCommit(FirmwareCommit),
    /// Format NVM (80h).
    FormatNvm(FormatNvm),
    /// Sanitize (84h).
    Sanitize(Sanitize),
    /// Security Send (81h).
    SecuritySend(SecuritySend),
    /// Security Receive (82h).
    SecurityReceive(SecurityReceive),
    /// Namespace Management (0Dh).
    NamespaceManagement(NamespaceManagement),
    /// Namespace Attachment (15h).
    NamespaceAttachment(NamespaceAttachment),
    /// Device Self-test (14h).
    DeviceSelfTest(DeviceSelfTest),
    /// Any other opcode.
    Other(AdminOpcode),
}

impl TypedCommand {
    /// Decode `repr` by its opcode (total: every request gives a value).
    pub fn from_repr(repr: &AdminRequestRepr) -> Self {
        use TypedCommand as T;
        match repr.opcode {
            AdminOpcode::Identify => T::Identify(Identify::decode(repr)),
            AdminOpcode::GetLogPage => T::GetLogPage(GetLogPage::decode(repr)),
            AdminOpcode::GetFeatures => T::GetFeatures(GetFeatures::decode(repr)),
            AdminOpcode::SetFeatures => T::SetFeatures(SetFeatures::decode(repr)),
            AdminOpcode::FirmwareImageDownload => {
                T::FirmwareImageDownload(FirmwareImageDownload::decode(repr))
            }
            AdminOpcode::FirmwareCommit => T::FirmwareCommit(FirmwareCommit::decode(repr)),
            AdminOpcode::FormatNvm => T::FormatNvm(FormatNvm::decode(repr)),
            AdminOpcode::Sanitize => T::Sanitize(Sanitize::decode(repr)),
            AdminOpcode::SecuritySend => T::SecuritySend(SecuritySend::decode(repr)),
            AdminOpcode::SecurityReceive => T::SecurityReceive(SecurityReceive::decode(repr)),
            AdminOpcode::NamespaceManagement => {
                T::NamespaceManagement(NamespaceManagement::decode(repr))
            }
            AdminOpcode::NamespaceAttachment => {
                T::NamespaceAttachment(NamespaceAttachment::decode(repr))
            }
            AdminOpcode::DeviceSelfTest => T::DeviceSelfTest(DeviceSelfTest::decode(repr)),
            other => T::Other(other),
        }
    }

    /// The data the command moves, from its fields.
    ///
    /// For [`TypedCommand::Other`]: Lockdown, Capacity Management and Virtualization
    /// Management move none; Get LBA Status returns (MNDW + 1) × 4 bytes (CDW12); for the
    /// rest (vendor specific) the direction is taken from the request — request data means
    /// host to controller, none means controller to host of unknown size, so only the
    /// alignment and size rules apply.
    pub fn data_transfer(&self, repr: &AdminRequestRepr, request_data_len: usize) -> DataTransfer {
        use TypedCommand as T;
        match self {
            T::Identify(c) => c.data_transfer(),
            T::GetLogPage(c) => c.data_transfer(),
            T::GetFeatures(c) => c.data_transfer(),
            T::SetFeatures(c) => c.data_transfer(),
            T::FirmwareImageDownload(c) => c.data_transfer(),
            T::FirmwareCommit(c) => c.data_transfer(),
            T::FormatNvm(c) => c.data_transfer(),
            T::Sanitize(c) => c.data_transfer(),
            T::SecuritySend(c) => c.data_transfer(),
            T::SecurityReceive(c) => c.data_transfer(),
            T::NamespaceManagement(c) => c.data_transfer(),
            T::NamespaceAttachment(c) => c.data_transfer(),
            T::DeviceSelfTest(c) => c.data_transfer(),
            T::Other(
                AdminOpcode::Lockdown
                | AdminOpcode::CapacityManagement
                | AdminOpcode::VirtualizationManagement,
            ) => DataTransfer::None,
            T::Other(AdminOpcode::GetLbaStatus) => {
                DataTransfer::DeviceToHost(repr.cdw12.saturating_add(1).saturating_mul(4))
            }
            T::Other(_) if request_data_len > 0 => DataTransfer::HostToDevice(repr.dlen),
            T::Other(_) => DataTransfer::DeviceToHost(u32::MAX),
        }
    }
}
