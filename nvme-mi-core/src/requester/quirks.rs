//! Workarounds for endpoints that deviate from NVMe-MI: the [`Quirks`] of one endpoint, the
//! table of known devices that need them ([`QUIRK_TABLE`]), and the verbs that pick them from
//! the device's Identify Controller data.
//!
//! Quirks come from two places: the table, matched against the PCI Vendor ID, PCI Subsystem
//! Vendor ID and Model Number of Identify Controller (NVMe Base 2.x §5.1.13.2.1, bytes 1:0,
//! 3:2 and 63:24) by [`Endpoint::probe_quirks`] or [`Endpoint::apply_quirks_from`]; and the
//! caller, who sets [`Config::quirks`](super::Config::quirks) (with
//! [`Endpoint::with_config`] or [`Endpoint::config_mut`]) for a device the table does not
//! know, or to override what the table chose.
//!
//! How each quirk compares with libnvme-mi (`src/nvme/mi.c`, `src/nvme/mi-mctp.c`):
//!
//! | Quirk | libnvme-mi |
//! |---|---|
//! | [`Quirks::min_command_gap`] | `NVME_QUIRK_MIN_INTER_COMMAND_TIME`, with the same table entry (PCI vendor 144Dh, model `MZUL2512HCJQ`: 1.2 ms) |
//! | [`Quirks::admin_sized_mpr`] | not a quirk there: `nvme_mi_mctp_resp_is_mpr` always accepts an Admin-sized More Processing Required |
//! | [`Quirks::lenient_data_structure_length`] | not a quirk there: Read NVMe-MI Data Structure never checks RDL, and the controller list not its length |
//! | [`Quirks::csi1_unsupported`] | `NVME_QUIRK_CSI_1_NOT_SUPPORTED`: [`Endpoint::set_csi`] refuses slot 1 as `nvme_mi_set_csi` does |
//! | [`Quirks::no_oob_firmware`] | none |
//!
//! ```
//! use nvme_mi_core::requester::{Config, Quirks};
//! // A device the table does not know, that has no working command slot 1.
//! let config = Config {
//!     quirks: Quirks { csi1_unsupported: true, ..Quirks::NONE },
//!     ..Config::default()
//! };
//! # let _ = config;
//! ```
//!
//! The tests of `nvme-mi-sim` (`tests/quirks.rs`) show each quirk against a simulated drive
//! that misbehaves in that way.

use core::time::Duration;

use zerocopy::{FromZeros, IntoBytes};

use super::endpoint::{AsyncEndpoint, Endpoint};
use super::RequestError;
use crate::mi::admin::Identify;
use crate::mi::admin_data::{trim_ascii, IdentifyController};
use crate::mi::Csi;
use crate::transport::{AsyncTransport, Transport};

/// Workarounds for an endpoint that deviates from NVMe-MI 1.2. Every field off (the default)
/// is the specification's behaviour.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Quirks {
    /// Minimum time between the end of one command and the start of the next, for devices
    /// that ignore a request arriving too soon after their last response. The end of a
    /// command is only recorded while a gap is set, so a gap set through `config_mut`
    /// spaces the commands after the next one ([`Endpoint::apply_quirks_from`] records it
    /// at once).
    pub min_command_gap: Duration,
    /// Take an Admin response of the full Admin size (NVMe-MI 1.2 §6, Figure 118: header,
    /// status, completion dwords, no data) whose status is More Processing Required as More
    /// Processing Required. NVMe-MI 1.2 §4.1.2 gives More Processing Required the
    /// eight-byte response header alone; without this quirk a longer one is a final
    /// response, reported as [`RequestError::Status`].
    pub admin_sized_mpr: bool,
    /// Read NVMe-MI Data Structure responses (NVMe-MI 1.2 §5.7) are taken as libnvme-mi
    /// takes them: the Response Data Length is not checked against the data (an endpoint
    /// that pads the data, or leaves RDL 0), and a Controller List cut short gives the
    /// identifiers present. Without it, either is [`RequestError::Malformed`].
    pub lenient_data_structure_length: bool,
    /// The endpoint has no working command slot 1 (NVMe-MI 1.2 §4.2):
    /// [`Endpoint::set_csi`] refuses slot 1 with [`RequestError::NotSupported`], as
    /// libnvme-mi's `nvme_mi_set_csi` does. (A [`Config`](super::Config) built with slot 1
    /// is used as it is: the check costs nothing per request.)
    pub csi1_unsupported: bool,
    /// The endpoint does not take Firmware Image Download or Firmware Commit out of band
    /// (NVMe-MI 1.2 §6 lists them as optional there): the controller handle's `fw_download`
    /// and `fw_commit` fail with [`RequestError::NotSupported`] before anything is sent.
    /// (`admin_passthru` sends what it is given.)
    pub no_oob_firmware: bool,
}

impl Quirks {
    /// No workaround (the default).
    pub const NONE: Quirks = Quirks {
        min_command_gap: Duration::ZERO,
        admin_sized_mpr: false,
        lenient_data_structure_length: false,
        csi1_unsupported: false,
        no_oob_firmware: false,
    };

    /// Both sets of workarounds: the longer gap, every flag set in either.
    pub fn union(self, other: Quirks) -> Quirks {
        Quirks {
            min_command_gap: self.min_command_gap.max(other.min_command_gap),
            admin_sized_mpr: self.admin_sized_mpr || other.admin_sized_mpr,
            lenient_data_structure_length: self.lenient_data_structure_length
                || other.lenient_data_structure_length,
            csi1_unsupported: self.csi1_unsupported || other.csi1_unsupported,
            no_oob_firmware: self.no_oob_firmware || other.no_oob_firmware,
        }
    }

    /// The workarounds [`QUIRK_TABLE`] gives the device that returned `id`: the union of
    /// every matching entry's.
    ///
    /// ```
    /// use core::time::Duration;
    /// use nvme_mi_core::mi::admin_data::IdentifyController;
    /// use nvme_mi_core::requester::Quirks;
    /// use zerocopy::FromZeros;
    /// let mut id = IdentifyController::new_zeroed();
    /// id.vid.set(0x144d);
    /// id.mn[..20].copy_from_slice(b"MZUL2512HCJQ-00A07  ");
    /// assert_eq!(Quirks::for_identify(&id).min_command_gap, Duration::from_micros(1200));
    /// id.vid.set(0x1234);
    /// assert_eq!(Quirks::for_identify(&id), Quirks::NONE);
    /// ```
    pub fn for_identify(id: &IdentifyController) -> Quirks {
        QUIRK_TABLE
            .iter()
            .filter(|e| e.device.matches(id))
            .fold(Quirks::NONE, |q, e| q.union(e.quirks))
    }
}

/// Which devices a [`QuirkEntry`] applies to, by their Identify Controller data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct DeviceMatch {
    /// PCI Vendor ID (VID).
    pub vid: u16,
    /// PCI Subsystem Vendor ID (SSVID); `None` for any.
    pub ssvid: Option<u16>,
    /// The start of the Model Number (MN); empty for any model of the vendor.
    pub model_prefix: &'static str,
}

impl DeviceMatch {
    /// Whether `id` describes a device this entry names.
    pub fn matches(&self, id: &IdentifyController) -> bool {
        id.vid.get() == self.vid
            && self.ssvid.is_none_or(|s| id.ssvid.get() == s)
            && trim_ascii(&id.mn).starts_with(self.model_prefix)
    }
}

/// One row of [`QUIRK_TABLE`]: a device and its workarounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct QuirkEntry {
    /// The devices.
    pub device: DeviceMatch,
    /// Their workarounds.
    pub quirks: Quirks,
}

/// Devices known to need workarounds. Only what has been reported against real devices is
/// here: each entry says where it comes from.
pub const QUIRK_TABLE: &[QuirkEntry] = &[
    // Samsung MZUL2512: does not take a command sent within about 1 ms of its previous
    // response; libnvme-mi spaces commands by 1.2 ms for it (nvme_mi_ep_probe).
    QuirkEntry {
        device: DeviceMatch {
            vid: 0x144d,
            ssvid: None,
            model_prefix: "MZUL2512HCJQ",
        },
        quirks: Quirks {
            min_command_gap: Duration::from_micros(1200),
            ..Quirks::NONE
        },
    },
];

/// Bytes of Identify Controller that [`Endpoint::probe_quirks`] reads: up to the Model
/// Number's end and the Firmware Revision (VID, SSVID, SN, MN, FR), as libnvme-mi's probe.
const PROBE_LEN: usize = core::mem::offset_of!(IdentifyController, rab);

macro_rules! quirk_verbs {
    ($name:ident, $tr:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// Add the workarounds [`QUIRK_TABLE`] gives the device that returned `id` to the
            /// endpoint's (those set by the caller stay); returns the quirks now in effect.
            /// A new inter-command gap counts from now, so that it already spaces the next
            /// command from the Identify that `id` came from.
            pub fn apply_quirks_from(&mut self, id: &IdentifyController) -> Quirks {
                let found = Quirks::for_identify(id);
                let q = self.config().quirks.union(found);
                self.config_mut().quirks = q;
                if !found.min_command_gap.is_zero() {
                    self.mark_command_end();
                }
                q
            }

            /// Use command slot `csi` for the following requests (NVMe-MI 1.2 §4.2), as
            /// libnvme-mi's `nvme_mi_set_csi`: slot 1 is [`RequestError::NotSupported`] under
            /// [`Quirks::csi1_unsupported`], and the slot stays as it was.
            pub fn set_csi(&mut self, csi: Csi) -> Result<(), RequestError<T::Error>> {
                if csi == Csi::Slot1 && self.config().quirks.csi1_unsupported {
                    return Err(RequestError::NotSupported);
                }
                self.config_mut().csi = csi;
                Ok(())
            }

            /// [`RequestError::NotSupported`] if the quirks say the endpoint takes no firmware
            /// command out of band.
            pub(crate) fn firmware_supported(&self) -> Result<(), RequestError<T::Error>> {
                match self.config().quirks.no_oob_firmware {
                    true => Err(RequestError::NotSupported),
                    false => Ok(()),
                }
            }

            /// Read the first bytes of Identify Controller of controller `ctlid` (VID, SSVID,
            /// SN, MN, FR: NVMe Base 2.x §5.1.13.2.1) and [apply](Self::apply_quirks_from)
            /// the workarounds [`QUIRK_TABLE`] gives that device; returns the quirks now in
            /// effect.
            pub $($async)? fn probe_quirks(&mut self, ctlid: u16) -> Result<Quirks, RequestError<T::Error>> {
                let mut id = IdentifyController::new_zeroed();
                let head = id.as_mut_bytes().get_mut(..PROBE_LEN).ok_or(RequestError::BufferTooSmall)?;
                self.controller(ctlid).identify(&Identify::controller(), head)$($aw)*?;
                Ok(self.apply_quirks_from(&id))
            }
        }
    };
}

quirk_verbs!(Endpoint, Transport, [], []);
quirk_verbs!(AsyncEndpoint, AsyncTransport, [async], [.await]);
