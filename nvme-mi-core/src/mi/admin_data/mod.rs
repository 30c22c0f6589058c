//! Typed views of the Admin data a management controller reads through Admin command
//! tunnelling: Identify Controller and Identify Namespace data structures, the SMART / Health
//! Information log, Error Information log entries, the Firmware Slot Information, Supported Log
//! Pages, Commands Supported and Effects, Device Self-test and Sanitize Status logs, and the
//! Namespace Identification Descriptor list (NVMe Base 2.x).
//!
//! Every structure is a `#[repr(C)]` zerocopy type made of little-endian and byte fields, so it
//! has alignment 1 and can be viewed in place at any address of a received buffer
//! ([`AdminData::view`]) or copied out ([`AdminData::read`]). A responder (the simulated drive)
//! builds one with `new_zeroed()` from [`zerocopy::FromZeros`], sets the public fields and sends
//! [`zerocopy::IntoBytes::as_bytes`].
//!
//! ```
//! use nvme_mi_core::mi::admin_data::{AdminData, IdentifyController};
//! use zerocopy::{FromZeros, IntoBytes};
//! let mut id = IdentifyController::new_zeroed();
//! id.vid.set(0x1b96);
//! id.set_sn("S123");
//! id.mdts = 5;
//! let bytes = id.as_bytes();
//! assert_eq!(bytes.len(), 4096);
//! let view = IdentifyController::view(bytes).unwrap();
//! assert_eq!(view.vid.get(), 0x1b96);
//! assert_eq!(view.sn(), "S123");
//! ```
//!
//! Under the `defmt` feature each view implements `defmt::Format` by hand, printing its key
//! fields: the zerocopy byte-order types have no implementation to derive from, and a
//! 4096-byte structure is not something to log whole.

mod ascii;
mod command_effects;
mod commands_effects_log;
mod error_log;
mod firmware_slot_log;
mod identify_controller;
mod identify_namespace;
mod lba_format;
mod ns_descriptor_list;
mod nsid_list;
mod power_state;
mod sanitize_status_log;
mod self_test_log;
mod smart_log;
mod supported_log_pages;

pub use ascii::{set_ascii, trim_ascii};
pub use command_effects::CommandEffects;
pub use commands_effects_log::CommandsEffectsLog;
pub use error_log::ErrorLogEntry;
pub use firmware_slot_log::FirmwareSlotLog;
pub use identify_controller::IdentifyController;
pub use identify_namespace::IdentifyNamespace;
pub use lba_format::LbaFormat;
pub use ns_descriptor_list::{
    NsId, NsIdDescriptor, NsIdDescriptorList, NsIdDescriptors, NS_DESCRIPTOR_LIST_LEN,
};
pub use nsid_list::{NsidList, MAX_NSID_LIST_ENTRIES};
pub use power_state::PowerStateDescriptor;
pub use sanitize_status_log::SanitizeStatusLog;
pub use self_test_log::{
    SelfTestLog, SelfTestResult, RESULT_UNUSED, SELF_TEST_RESULTS, VDI_FLBA, VDI_NSID, VDI_SC,
    VDI_SCT,
};
pub use smart_log::SmartLog;
pub use supported_log_pages::{SupportedLogPages, IOS, LSUPP};

use super::{Error, Result};
use zerocopy::{FromBytes, Immutable, KnownLayout};

/// A fixed-size Admin data structure (NVMe Base 2.x) that can be viewed in place or copied out of received
/// bytes, whatever their alignment.
pub trait AdminData: FromBytes + KnownLayout + Immutable + Sized {
    /// The structure's size on the wire.
    const SIZE: usize = core::mem::size_of::<Self>();

    /// A view of the structure at the start of `bytes` (trailing bytes are ignored).
    ///
    /// Returns [`Error::Truncated`] if `bytes` is shorter than [`AdminData::SIZE`].
    fn view(bytes: &[u8]) -> Result<&Self> {
        Self::ref_from_prefix(bytes)
            .map(|(v, _)| v)
            .map_err(|_| Error::Truncated)
    }

    /// A copy of the structure at the start of `bytes` (trailing bytes are ignored).
    ///
    /// Returns [`Error::Truncated`] if `bytes` is shorter than [`AdminData::SIZE`].
    fn read(bytes: &[u8]) -> Result<Self> {
        Self::read_from_prefix(bytes)
            .map(|(v, _)| v)
            .map_err(|_| Error::Truncated)
    }
}

impl AdminData for IdentifyController {}
impl AdminData for IdentifyNamespace {}
impl AdminData for SmartLog {}
impl AdminData for ErrorLogEntry {}
impl AdminData for FirmwareSlotLog {}
impl AdminData for SupportedLogPages {}
impl AdminData for CommandsEffectsLog {}
impl AdminData for SelfTestLog {}
impl AdminData for SanitizeStatusLog {}
impl AdminData for NsIdDescriptorList {}
