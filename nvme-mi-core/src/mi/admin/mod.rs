//! NVMe Admin command tunnelling (NMIMT 2; NVMe-MI 1.2 §6).
//!
//! A management controller sends an NVMe Admin command to one controller of the subsystem
//! inside an NVMe-MI message: the 64-byte submission queue entry, with the PRP fields replaced
//! by a data offset and length, followed by any request data. The response carries the MI
//! status, three completion queue entry dwords and any response data.
//!
//! - [`AdminRequest`] / [`AdminRequestRepr`]: the request message (NVMe-MI 1.2 §6).
//! - [`AdminCommand`] and one builder per command ([`Identify`], [`GetLogPage`],
//!   [`GetFeatures`], [`SetFeatures`], [`FirmwareImageDownload`], [`FirmwareCommit`],
//!   [`FormatNvm`], [`Sanitize`], [`SecuritySend`], [`SecurityReceive`],
//!   [`NamespaceManagement`], [`NamespaceAttachment`], [`DeviceSelfTest`]): typed SQE fields
//!   that encode into a request and decode from one.
//! - [`NvmeStatus`]: the NVMe completion status (NVMe Base 2.x, Status Field Definition).
//! - [`AdminOpcode`] and [`AdminOpcode::oob_support`]: which commands a management endpoint
//!   accepts out of band (NVMe-MI 1.2 §6).
//! - Responder: [`decode_request`] (framing, size, opcode, [`check_data_placement`]) gives a
//!   [`DecodedAdminRequest`] with a [`TypedCommand`], or a [`AdminRequestError`] to drop or answer.
//! - [`AdminResponse`] / [`AdminResponseRepr`] / [`parse_response`]: the response, in its
//!   full form or the 8-byte short error / More Processing Required form (NVMe-MI 1.2 §6).
//!
//! ```
//! use nvme_mi_core::mi::admin::{AdminRequestRepr, Identify};
//! let mut out = [0u8; 72];
//! let n = AdminRequestRepr::for_command(0, &Identify::controller())
//!     .emit_message(&[], &mut out)
//!     .unwrap();
//! assert_eq!(n, 72);
//! assert_eq!(&out[..5], &[0x84, 0x10, 0, 0, 0x06]);
//! assert_eq!(&out[68..], &[0x9c, 0xd6, 0x53, 0xed]);
//! ```

mod cflgs;
mod command;
mod completion;
mod decode;
mod device_self_test;
mod feature;
mod feature_id;
mod features;
mod firmware_commit;
mod firmware_download;
mod format_nvm;
mod get_log_page;
mod identify;
mod namespace_attachment;
mod namespace_management;
mod nvme_status;
mod opcode;
mod placement;
pub mod request;
pub mod response;
mod sanitize;
mod security;
mod spec_enum;
mod temperature_threshold;
mod typed_command;

pub use cflgs::Cflgs;
pub use command::{AdminCommand, DataTransfer};
pub use completion::AdminCompletion;
pub use decode::{decode_request, AdminRequestError, DecodedAdminRequest};
pub use device_self_test::{DeviceSelfTest, Stc};
pub use feature::{
    Arbitration, AsyncEventConfig, ErrorRecovery, FeatureCapabilities, FeatureValue,
    InterruptCoalescing, InterruptVectorConfig, NumberOfQueues, PowerManagement, Timestamp,
    VolatileWriteCache, WriteAtomicityNormal, TIMESTAMP_LEN,
};
pub use feature_id::Fid;
pub use features::{FeatureDwords, GetFeatures, Sel, SetFeatures};
pub use firmware_commit::{CommitAction, FirmwareCommit};
pub use firmware_download::{FirmwareChunks, FirmwareImageDownload};
pub use format_nvm::{FormatNvm, SecureEraseSettings};
pub use get_log_page::{GetLogPage, Lid, LogPageChunks};
pub use identify::{Cns, Identify, IDENTIFY_DATA_LEN};
pub use namespace_attachment::{NamespaceAttachment, NsAttachmentSel, CONTROLLER_LIST_LEN};
pub use namespace_management::{NamespaceManagement, NsManagementSel, NAMESPACE_CREATE_DATA_LEN};
pub use nvme_status::{NvmeStatus, Sct};
pub use opcode::{AdminOpcode, OobSupport};
pub use placement::{check_data_placement, DLEN_LOCATION, DOFST_LOCATION};
pub use request::{AdminRequest, AdminRequestRepr};
pub use response::{parse_response, AdminResponse, AdminResponseRepr};
pub use sanitize::{Sanact, Sanitize};
pub use security::{SecurityProtocol, SecurityReceive, SecuritySend};
pub use temperature_threshold::{TemperatureThreshold, Thsel, TMPSEL_ALL, TMPSEL_COMPOSITE};
pub use typed_command::TypedCommand;
