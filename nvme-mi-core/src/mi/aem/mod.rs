//! Asynchronous Event Messages and their configuration lists (NVMe-MI 2.0 §5.3, TP 6035).
//!
//! - [`AeId`]: the event identifiers.
//! - [`AeConfigList`] ([`AeEnableList`], [`AeSupportedList`]): the request data of
//!   Configuration Set and the response data of Configuration Get, identifier 4;
//!   [`ACK_ENABLE_LIST`] is the acknowledgement, [`emit_ack_request`] the whole request.
//! - [`AeOccurrenceList`] and [`AeOccurrence`]: the events, carried by an AEM and by the
//!   response to Configuration Set, identifier 4.
//! - [`parse_aem`] / [`emit_aem`]: the whole message (NMIMT 5).
//! - [`AemTracker`]: recognises retransmitted AEMs by their generation number.
//!
//! The NMD0 fields of Configuration Set (AERD, AEMD, ENCFA, ...) belong to
//! [`crate::mi::command`]. Every decoder here is total; every encoder has a decoder that
//! gives its input back.

mod ack;
mod config_list;
mod id;
mod message;
mod occurrence;
mod tracker;

pub use ack::{emit_ack_request, ACK_REQUEST};
pub use config_list::{
    AeConfigEntries, AeConfigEntry, AeConfigList, AeEnableList, AeSupportedList, ACK_ENABLE_LIST,
    CONFIG_ENTRY_LEN, CONFIG_LIST_HEADER_LEN, CONFIG_LIST_VERSION,
};
pub use id::AeId;
pub use message::{aem_buffer_len, emit_aem, parse_aem, AEM_HEADER};
pub use occurrence::{
    AeOccurrence, AeOccurrenceList, AeOccurrenceListHeader, AeOccurrences, AeScope, Aemti,
    MAX_OCCURRENCE_LIST_LEN, OCCURRENCE_HEADER_LEN, OCCURRENCE_LIST_HEADER_LEN,
};
pub use tracker::{AemTracker, AemVerdict};
