//! The NVMe-MI Command Set, NMIMT 1 (NVMe-MI 1.2 §5).
//!
//! ```text
//! request:  header(3:0) | OPC(4) | reserved(7:5) | NMD0(11:8) | NMD1(15:12) | request data | MIC
//! response: header(3:0) | status(4) | NMRESP(7:5) | response data | MIC
//! ```
//!
//! Layers, from raw to typed:
//!
//! * [`MiCommandRequest`] and [`MiCommandResponse`]: checked views over a whole message;
//! * [`MiCommandRequestRepr`] and [`MiCommandResponseRepr`]: the opcode, NMD0, NMD1 and data (or status, NMRESP
//!   and data) as plain values, for any opcode including vendor specific ones;
//! * one typed request per command (e.g. [`SubsystemHealthStatusPollRequest`]) implementing
//!   [`MiCommand`], which the requester emits ([`MiCommand::emit_request`]) and whose typed
//!   response it decodes ([`MiCommand::parse_response`]); and one typed response per command
//!   implementing [`MiResponse`], which the responder emits;
//! * [`MiRequest::parse`]: the responder's entry point, decoding any request into the typed
//!   request or the exact [`Rejection`](crate::mi::status::Rejection) the spec prescribes.
//!
//! One command, both sides:
//!
//! ```
//! use nvme_mi_core::mi::command::*;
//! use nvme_mi_core::mi::{Csi, Message, MessageHeader};
//!
//! // Requester: encode the request.
//! let req = SubsystemHealthStatusPollRequest { clear_status: true };
//! let mut wire = [0u8; 64];
//! let n = req.emit_request(Csi::Slot0, &mut wire).unwrap();
//!
//! // Responder: check, decode, answer.
//! let msg = Message::new_checked(&wire[..n]).unwrap();
//! msg.check_mic().unwrap();
//! let mut reply = [0u8; 64];
//! let m = match MiRequest::parse(&msg) {
//!     Ok(MiRequest::SubsystemHealthStatusPoll(r)) => {
//!         assert!(r.clear_status);
//!         let health = NvmSubsystemHealth::new(
//!             NvmSubsystemStatus::DF | NvmSubsystemStatus::RNR,
//!             CriticalWarning::empty(),
//!             CompositeTemperature::Celsius(37),
//!             3,
//!             CompositeControllerStatus::RDY,
//!         );
//!         SubsystemHealthStatusPollResponse { health }.emit(msg.csi(), &mut reply).unwrap()
//!     }
//!     Ok(_) => unreachable!(),
//!     Err(rejection) => rejection
//!         .emit_response(&MessageHeader::parse(&msg), &mut reply)
//!         .unwrap(),
//! };
//!
//! // Requester: decode the typed response (or the status the endpoint sent instead).
//! let resp = Message::new_checked(&reply[..m]).unwrap();
//! let Outcome::Success(r) = req.parse_response(&resp).unwrap() else {
//!     panic!("error status");
//! };
//! assert_eq!(r.health.temperature().celsius(), Some(37));
//! ```

/// Defines a bit-flag newtype with named constants and the usual set operations.
macro_rules! mi_flags {
    (
        $(#[$meta:meta])*
        $name:ident($ty:ty) {
            $( $(#[$fmeta:meta])* const $flag:ident = $value:expr; )*
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
        #[cfg_attr(feature = "defmt", derive(defmt::Format))]
        pub struct $name(pub $ty);

        impl $name {
            $( $(#[$fmeta])* pub const $flag: $name = $name($value); )*

            /// Every defined flag.
            pub const ALL: $name = $name(0 $( | $value )*);

            /// No flag set.
            pub const fn empty() -> Self {
                $name(0)
            }

            /// The raw bits, including undefined ones.
            pub const fn bits(self) -> $ty {
                self.0
            }

            /// The defined flags of `bits`; undefined (reserved) bits are dropped.
            pub const fn from_bits_truncate(bits: $ty) -> Self {
                $name(bits & Self::ALL.0)
            }

            /// True if every flag of `other` is set.
            pub const fn contains(self, other: Self) -> bool {
                self.0 & other.0 == other.0
            }

            /// True if no bit is set.
            pub const fn is_empty(self) -> bool {
                self.0 == 0
            }

            /// Set the flags of `other`.
            pub fn insert(&mut self, other: Self) {
                self.0 |= other.0;
            }

            /// Clear the flags of `other`.
            pub fn remove(&mut self, other: Self) {
                self.0 &= !other.0;
            }

            /// Set or clear the flags of `other`.
            pub fn set(&mut self, other: Self, on: bool) {
                if on {
                    self.insert(other)
                } else {
                    self.remove(other)
                }
            }
        }

        impl core::ops::BitOr for $name {
            type Output = Self;
            fn bitor(self, rhs: Self) -> Self {
                $name(self.0 | rhs.0)
            }
        }

        impl core::ops::BitOrAssign for $name {
            fn bitor_assign(&mut self, rhs: Self) {
                self.0 |= rhs.0;
            }
        }

        impl core::ops::BitAnd for $name {
            type Output = Self;
            fn bitand(self, rhs: Self) -> Self {
                $name(self.0 & rhs.0)
            }
        }
    };
}

mod ccs;
mod command_list;
mod config;
mod controller_health;
mod controller_info;
mod controller_list;
mod counted;
mod dtyp;
mod fixed;
mod meb;
mod mi_request;
mod opcode;
mod port_info;
mod read_data_structure;
mod request;
mod reset;
mod response;
mod ses;
mod shutdown;
mod subsystem_health;
mod subsystem_info;
mod temperature;
mod traits;
mod vpd;

pub use ccs::{CompositeControllerStatus, CriticalWarning};
pub use command_list::{CommandList, CommandListEntry};
pub use config::{
    ConfigId, ConfigurationGetRequest, ConfigurationGetResponse, ConfigurationSetRequest,
    ConfigurationSetResponse, HealthStatusChangeMask, SmbusFrequency,
};
pub use controller_health::{
    ControllerHealth, ControllerHealthList, ControllerHealthStatusPollRequest,
    ControllerHealthStatusPollResponse, ControllerStatus, HealthChangeSelect, ShutdownStatus,
    CONTROLLER_HEALTH_LEN,
};
pub use controller_info::ControllerInformation;
pub use controller_list::{ControllerList, MAX_CONTROLLER_LIST_ENTRIES};
pub use dtyp::Dtyp;
pub use meb::{MebReadRequest, MebReadResponse, MebWriteRequest};
pub use mi_request::MiRequest;
pub use opcode::Opcode;
pub use port_info::{PciePortData, PortCapabilities, PortInformation, PortType, TwoWirePortData};
pub use read_data_structure::{DataStructure, ReadDataStructureRequest, ReadDataStructureResponse};
pub use request::{
    MiCommandRequest, MiCommandRequestRepr, DATA_OFFSET, NMD0_OFFSET, NMD1_OFFSET,
    REQUEST_HEADER_LEN,
};
pub use reset::{ResetRequest, ResetType};
pub use response::{MiCommandResponse, MiCommandResponseRepr};
pub use ses::{SesReceiveRequest, SesReceiveResponse, SesSendRequest};
pub use shutdown::{ShutdownRequest, ShutdownType};
pub use subsystem_health::{
    NvmSubsystemHealth, NvmSubsystemStatus, SubsystemHealthStatusPollRequest,
    SubsystemHealthStatusPollResponse,
};
pub use subsystem_info::NvmSubsystemInformation;
pub use temperature::CompositeTemperature;
pub use traits::{DataResponse, Empty, MiCommand, MiResponse, Outcome};
pub use vpd::{VpdReadRequest, VpdReadResponse, VpdWriteRequest};
