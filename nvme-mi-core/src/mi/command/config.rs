//! Configuration Set and Configuration Get (NVMe-MI 1.2 §5.2 and §5.1).

use super::{
    CompositeControllerStatus, Empty, MiCommand, MiCommandRequestRepr, MiResponse, Opcode,
};
use crate::mi::status::Rejection;
use crate::mi::{Error, Result};

/// Configuration Identifier, NMD0 bits 7:0 of Configuration Set and Get (NVMe-MI 1.2 §5.1,
/// §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigId {
    /// SMBus/I2C Frequency (0x01).
    SmbusI2cFrequency,
    /// Health Status Change (0x02).
    HealthStatusChange,
    /// MCTP Transmission Unit Size (0x03).
    MctpTransmissionUnitSize,
    /// Asynchronous Event (0x04, NVMe-MI 2.0).
    AsyncEvent,
    /// A vendor specific identifier (0xC0..=0xFF).
    VendorSpecific(u8),
    /// A reserved identifier (0x00, 0x05..=0xBF), kept as received; a responder answers it
    /// with Invalid Parameter.
    Unknown(u8),
}

impl ConfigId {
    /// Decode the identifier byte.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            1 => ConfigId::SmbusI2cFrequency,
            2 => ConfigId::HealthStatusChange,
            3 => ConfigId::MctpTransmissionUnitSize,
            4 => ConfigId::AsyncEvent,
            0xc0..=0xff => ConfigId::VendorSpecific(v),
            other => ConfigId::Unknown(other),
        }
    }

    /// The identifier byte.
    pub const fn to_u8(self) -> u8 {
        match self {
            ConfigId::SmbusI2cFrequency => 1,
            ConfigId::HealthStatusChange => 2,
            ConfigId::MctpTransmissionUnitSize => 3,
            ConfigId::AsyncEvent => 4,
            ConfigId::VendorSpecific(v) | ConfigId::Unknown(v) => v,
        }
    }
}

/// An SMBus/I2C frequency (NVMe-MI 1.2 §5.2.1): SFREQ of the SMBus/I2C
/// Frequency configuration, and the frequency fields of 2-Wire Port Information.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum SmbusFrequency {
    /// 100 kHz (1).
    Khz100,
    /// 400 kHz (2).
    Khz400,
    /// 1 MHz (3).
    Mhz1,
    /// A reserved value (0, 4..), kept as received.
    Unknown(u8),
}

impl SmbusFrequency {
    /// Decode the value.
    pub const fn from_u8(v: u8) -> Self {
        match v {
            1 => SmbusFrequency::Khz100,
            2 => SmbusFrequency::Khz400,
            3 => SmbusFrequency::Mhz1,
            other => SmbusFrequency::Unknown(other),
        }
    }

    /// The value.
    pub const fn to_u8(self) -> u8 {
        match self {
            SmbusFrequency::Khz100 => 1,
            SmbusFrequency::Khz400 => 2,
            SmbusFrequency::Mhz1 => 3,
            SmbusFrequency::Unknown(v) => v,
        }
    }

    /// The frequency in kHz, for a defined value.
    pub const fn khz(self) -> Option<u32> {
        match self {
            SmbusFrequency::Khz100 => Some(100),
            SmbusFrequency::Khz400 => Some(400),
            SmbusFrequency::Mhz1 => Some(1000),
            SmbusFrequency::Unknown(_) => None,
        }
    }
}

mi_flags! {
    /// The Health Status Change clear mask, NMD1 of Configuration Set identifier 0x02
    /// (NVMe-MI 1.2 §5.2.2). Its layout is packed and differs from
    /// [`CompositeControllerStatus`] from bit 3 on; convert with
    /// [`HealthStatusChangeMask::from_ccs`] and [`HealthStatusChangeMask::to_ccs`].
    HealthStatusChangeMask(u32) {
        /// Clear RDY.
        const RDY = 1 << 0;
        /// Clear CFS.
        const CFS = 1 << 1;
        /// Clear SHST.
        const SHST = 1 << 2;
        /// Clear NSSRO.
        const NSSRO = 1 << 3;
        /// Clear CECO.
        const CECO = 1 << 4;
        /// Clear NAC.
        const NAC = 1 << 5;
        /// Clear FA.
        const FA = 1 << 6;
        /// Clear CSTS change (CSCHNG).
        const CSCHNG = 1 << 7;
        /// Clear CTEMP.
        const CTEMP = 1 << 8;
        /// Clear PDLU.
        const PDLU = 1 << 9;
        /// Clear SPARE.
        const SPARE = 1 << 10;
        /// Clear CWARN.
        const CWARN = 1 << 11;
        /// Clear TCIDA (NVMe-MI 2.x).
        const TCIDA = 1 << 12;
    }
}

impl HealthStatusChangeMask {
    /// The mask clearing the flags set in `ccs`.
    pub const fn from_ccs(ccs: CompositeControllerStatus) -> Self {
        let v = ccs.0 as u32;
        HealthStatusChangeMask((v & 0x7) | ((v >> 1) & !0x7 & Self::ALL.0))
    }

    /// The CCS flags this mask clears.
    pub const fn to_ccs(self) -> CompositeControllerStatus {
        let v = self.0 & Self::ALL.0;
        CompositeControllerStatus(((v & 0x7) | ((v & !0x7) << 1)) as u16)
    }
}

const NMD0_ID_MASK: u32 = 0xff;

fn port_id(nmd0: u32) -> u8 {
    (nmd0 >> 24) as u8
}

/// Configuration Set request, one variant per identifier (NVMe-MI 1.2 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigurationSetRequest<'a> {
    /// Set the SMBus/I2C frequency of a port: NMD0 bits 11:8 SFREQ, bits 31:24 PORTID.
    SmbusI2cFrequency {
        /// PORTID.
        port_id: u8,
        /// SFREQ.
        frequency: SmbusFrequency,
    },
    /// Clear health status change flags: NMD1 is the packed clear mask.
    HealthStatusChange {
        /// The flags to clear.
        clear: HealthStatusChangeMask,
    },
    /// Set the MCTP transmission unit size of a port: NMD0 bits 31:24 PORTID, NMD1 bits 15:0
    /// MTUS.
    MctpTransmissionUnitSize {
        /// PORTID.
        port_id: u8,
        /// MTUS, in bytes.
        mtus: u16,
    },
    /// Configure Asynchronous Events (NVMe-MI 2.0); the request data is an AE
    /// Enable List (decoded by [`crate::mi::aem`]).
    AsyncEvent {
        /// AERD: AEM retry delay, 100 ms units (NMD0 bits 15:8).
        aerd: u8,
        /// AEMD: AEM delay (NMD0 bits 23:16).
        aemd: u8,
        /// ENCFA: enable events for PCI functions (NMD0 bit 24).
        encfa: bool,
        /// ENPFA: enable events for SR-IOV physical functions (NMD0 bit 25).
        enpfa: bool,
        /// ENVFA: enable events for SR-IOV virtual functions (NMD0 bit 26).
        envfa: bool,
        /// The AE Enable List.
        enable_list: &'a [u8],
    },
    /// A vendor specific identifier, fields kept raw.
    VendorSpecific {
        /// The identifier (0xC0..=0xFF).
        id: u8,
        /// NMD0 bits 31:8 (shifted down by 8).
        nmd0_high: u32,
        /// NMD1.
        nmd1: u32,
        /// The request data.
        data: &'a [u8],
    },
}

impl<'a> ConfigurationSetRequest<'a> {
    /// The identifier.
    pub const fn id(&self) -> ConfigId {
        match self {
            ConfigurationSetRequest::SmbusI2cFrequency { .. } => ConfigId::SmbusI2cFrequency,
            ConfigurationSetRequest::HealthStatusChange { .. } => ConfigId::HealthStatusChange,
            ConfigurationSetRequest::MctpTransmissionUnitSize { .. } => {
                ConfigId::MctpTransmissionUnitSize
            }
            ConfigurationSetRequest::AsyncEvent { .. } => ConfigId::AsyncEvent,
            ConfigurationSetRequest::VendorSpecific { id, .. } => ConfigId::from_u8(*id),
        }
    }

    /// Decode on the responder side.
    ///
    /// Rejections: reserved identifier, or reserved SFREQ (0, 4..=15) ⇒ Invalid Parameter at
    /// that field; request data with an identifier that takes none, or an Asynchronous Event
    /// request without its AE Enable List ⇒ Invalid Command Input Data Size. An MTUS the
    /// endpoint does not support is the responder's to reject.
    pub fn parse(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        let d0 = raw.nmd0;
        match ConfigId::from_u8(d0 as u8) {
            ConfigId::SmbusI2cFrequency => {
                raw.expect_no_data()?;
                let frequency = SmbusFrequency::from_u8(((d0 >> 8) & 0xf) as u8);
                if let SmbusFrequency::Unknown(_) = frequency {
                    return Err(MiCommandRequestRepr::invalid_nmd0(8));
                }
                Ok(ConfigurationSetRequest::SmbusI2cFrequency {
                    port_id: port_id(d0),
                    frequency,
                })
            }
            ConfigId::HealthStatusChange => {
                raw.expect_no_data()?;
                Ok(ConfigurationSetRequest::HealthStatusChange {
                    clear: HealthStatusChangeMask::from_bits_truncate(raw.nmd1),
                })
            }
            ConfigId::MctpTransmissionUnitSize => {
                raw.expect_no_data()?;
                Ok(ConfigurationSetRequest::MctpTransmissionUnitSize {
                    port_id: port_id(d0),
                    mtus: raw.nmd1 as u16,
                })
            }
            ConfigId::AsyncEvent => {
                if raw.data.is_empty() {
                    return Err(Rejection::InvalidCommandInputDataSize);
                }
                Ok(ConfigurationSetRequest::AsyncEvent {
                    aerd: (d0 >> 8) as u8,
                    aemd: (d0 >> 16) as u8,
                    encfa: d0 & (1 << 24) != 0,
                    enpfa: d0 & (1 << 25) != 0,
                    envfa: d0 & (1 << 26) != 0,
                    enable_list: raw.data,
                })
            }
            ConfigId::VendorSpecific(id) => Ok(ConfigurationSetRequest::VendorSpecific {
                id,
                nmd0_high: d0 >> 8,
                nmd1: raw.nmd1,
                data: raw.data,
            }),
            ConfigId::Unknown(_) => Err(MiCommandRequestRepr::invalid_nmd0(0)),
        }
    }
}

impl MiCommand for ConfigurationSetRequest<'_> {
    const OPCODE: Opcode = Opcode::ConfigurationSet;
    type Response<'r> = ConfigurationSetResponse<'r>;

    fn nmd0(&self) -> u32 {
        let id = self.id().to_u8() as u32;
        id | match *self {
            ConfigurationSetRequest::SmbusI2cFrequency { port_id, frequency } => {
                ((frequency.to_u8() as u32 & 0xf) << 8) | (port_id as u32) << 24
            }
            ConfigurationSetRequest::HealthStatusChange { .. } => 0,
            ConfigurationSetRequest::MctpTransmissionUnitSize { port_id, .. } => {
                (port_id as u32) << 24
            }
            ConfigurationSetRequest::AsyncEvent {
                aerd,
                aemd,
                encfa,
                enpfa,
                envfa,
                ..
            } => {
                (aerd as u32) << 8
                    | (aemd as u32) << 16
                    | (encfa as u32) << 24
                    | (enpfa as u32) << 25
                    | (envfa as u32) << 26
            }
            ConfigurationSetRequest::VendorSpecific { nmd0_high, .. } => {
                (nmd0_high << 8) & !NMD0_ID_MASK
            }
        }
    }

    fn nmd1(&self) -> u32 {
        match *self {
            ConfigurationSetRequest::HealthStatusChange { clear } => clear.bits(),
            ConfigurationSetRequest::MctpTransmissionUnitSize { mtus, .. } => mtus as u32,
            ConfigurationSetRequest::VendorSpecific { nmd1, .. } => nmd1,
            _ => 0,
        }
    }

    fn request_data(&self) -> &[u8] {
        match self {
            ConfigurationSetRequest::AsyncEvent { enable_list, .. } => enable_list,
            ConfigurationSetRequest::VendorSpecific { data, .. } => data,
            _ => &[],
        }
    }

    fn decode_response<'r>(&self, nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        match self {
            ConfigurationSetRequest::AsyncEvent { .. } => {
                Ok(ConfigurationSetResponse::AsyncEvent {
                    occurrence_list: data,
                })
            }
            ConfigurationSetRequest::VendorSpecific { .. } => Ok(ConfigurationSetResponse::Raw {
                nmresp: u32::from_le_bytes([nmresp[0], nmresp[1], nmresp[2], 0]),
                data,
            }),
            _ => Empty::parse(data).map(|_| ConfigurationSetResponse::Done),
        }
    }
}

/// Configuration Set success response (NVMe-MI 1.2 §5.2).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigurationSetResponse<'a> {
    /// The configuration was set; NMRESP reserved, no data.
    Done,
    /// Asynchronous Event configuration: the response data is an AE Occurrence List of the
    /// events pending (decoded by [`crate::mi::aem`]).
    AsyncEvent {
        /// The AE Occurrence List.
        occurrence_list: &'a [u8],
    },
    /// A vendor specific identifier: NMRESP and data kept raw.
    Raw {
        /// NMRESP (24 bits).
        nmresp: u32,
        /// The response data.
        data: &'a [u8],
    },
}

impl MiResponse for ConfigurationSetResponse<'_> {
    fn nmresp(&self) -> [u8; 3] {
        match self {
            ConfigurationSetResponse::Raw { nmresp, .. } => nmresp_bytes(*nmresp),
            _ => [0; 3],
        }
    }

    fn response_data(&self) -> &[u8] {
        match self {
            ConfigurationSetResponse::Done => &[],
            ConfigurationSetResponse::AsyncEvent { occurrence_list } => occurrence_list,
            ConfigurationSetResponse::Raw { data, .. } => data,
        }
    }
}

fn nmresp_bytes(v: u32) -> [u8; 3] {
    let b = v.to_le_bytes();
    [b[0], b[1], b[2]]
}

/// Configuration Get request, one variant per identifier (NVMe-MI 1.2 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigurationGetRequest<'a> {
    /// Get a port's SMBus/I2C frequency (NMD0 bits 31:24 PORTID).
    SmbusI2cFrequency {
        /// PORTID.
        port_id: u8,
    },
    /// Health Status Change: defined to succeed without a value.
    HealthStatusChange,
    /// Get a port's MCTP transmission unit size (NMD0 bits 31:24 PORTID).
    MctpTransmissionUnitSize {
        /// PORTID.
        port_id: u8,
    },
    /// Get the AE Supported List (NVMe-MI 2.0).
    AsyncEvent,
    /// A vendor specific identifier, fields kept raw.
    VendorSpecific {
        /// The identifier (0xC0..=0xFF).
        id: u8,
        /// NMD0 bits 31:8 (shifted down by 8).
        nmd0_high: u32,
        /// NMD1.
        nmd1: u32,
        /// The request data.
        data: &'a [u8],
    },
}

impl<'a> ConfigurationGetRequest<'a> {
    /// The identifier.
    pub const fn id(&self) -> ConfigId {
        match self {
            ConfigurationGetRequest::SmbusI2cFrequency { .. } => ConfigId::SmbusI2cFrequency,
            ConfigurationGetRequest::HealthStatusChange => ConfigId::HealthStatusChange,
            ConfigurationGetRequest::MctpTransmissionUnitSize { .. } => {
                ConfigId::MctpTransmissionUnitSize
            }
            ConfigurationGetRequest::AsyncEvent => ConfigId::AsyncEvent,
            ConfigurationGetRequest::VendorSpecific { id, .. } => ConfigId::from_u8(*id),
        }
    }

    /// Decode on the responder side: reserved identifier ⇒ Invalid Parameter at NMD0 bits
    /// 7:0; request data with a defined identifier ⇒ Invalid Command Input Data Size.
    pub fn parse(raw: &MiCommandRequestRepr<'a>) -> core::result::Result<Self, Rejection> {
        let d0 = raw.nmd0;
        let id = ConfigId::from_u8(d0 as u8);
        match id {
            ConfigId::VendorSpecific(id) => {
                return Ok(ConfigurationGetRequest::VendorSpecific {
                    id,
                    nmd0_high: d0 >> 8,
                    nmd1: raw.nmd1,
                    data: raw.data,
                })
            }
            ConfigId::Unknown(_) => return Err(MiCommandRequestRepr::invalid_nmd0(0)),
            _ => raw.expect_no_data()?,
        }
        Ok(match id {
            ConfigId::SmbusI2cFrequency => ConfigurationGetRequest::SmbusI2cFrequency {
                port_id: port_id(d0),
            },
            ConfigId::HealthStatusChange => ConfigurationGetRequest::HealthStatusChange,
            ConfigId::MctpTransmissionUnitSize => {
                ConfigurationGetRequest::MctpTransmissionUnitSize {
                    port_id: port_id(d0),
                }
            }
            _ => ConfigurationGetRequest::AsyncEvent,
        })
    }
}

impl MiCommand for ConfigurationGetRequest<'_> {
    const OPCODE: Opcode = Opcode::ConfigurationGet;
    type Response<'r> = ConfigurationGetResponse<'r>;

    fn nmd0(&self) -> u32 {
        let id = self.id().to_u8() as u32;
        id | match *self {
            ConfigurationGetRequest::SmbusI2cFrequency { port_id }
            | ConfigurationGetRequest::MctpTransmissionUnitSize { port_id } => {
                (port_id as u32) << 24
            }
            ConfigurationGetRequest::VendorSpecific { nmd0_high, .. } => {
                (nmd0_high << 8) & !NMD0_ID_MASK
            }
            _ => 0,
        }
    }

    fn nmd1(&self) -> u32 {
        match *self {
            ConfigurationGetRequest::VendorSpecific { nmd1, .. } => nmd1,
            _ => 0,
        }
    }

    fn request_data(&self) -> &[u8] {
        match self {
            ConfigurationGetRequest::VendorSpecific { data, .. } => data,
            _ => &[],
        }
    }

    fn decode_response<'r>(&self, nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        let no_data = || {
            if data.is_empty() {
                Ok(())
            } else {
                Err(Error::TooLong)
            }
        };
        Ok(match self {
            ConfigurationGetRequest::SmbusI2cFrequency { .. } => {
                no_data()?;
                ConfigurationGetResponse::SmbusI2cFrequency(SmbusFrequency::from_u8(
                    nmresp[0] & 0xf,
                ))
            }
            ConfigurationGetRequest::HealthStatusChange => {
                no_data()?;
                ConfigurationGetResponse::HealthStatusChange
            }
            ConfigurationGetRequest::MctpTransmissionUnitSize { .. } => {
                no_data()?;
                ConfigurationGetResponse::MctpTransmissionUnitSize(u16::from_le_bytes([
                    nmresp[0], nmresp[1],
                ]))
            }
            ConfigurationGetRequest::AsyncEvent => ConfigurationGetResponse::AsyncEvent {
                aeelver: nmresp[0],
                supported_list: data,
            },
            ConfigurationGetRequest::VendorSpecific { .. } => ConfigurationGetResponse::Raw {
                nmresp: u32::from_le_bytes([nmresp[0], nmresp[1], nmresp[2], 0]),
                data,
            },
        })
    }
}

/// Configuration Get success response, decoded per identifier (NVMe-MI 1.2 §5.1).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ConfigurationGetResponse<'a> {
    /// The current SMBus/I2C frequency (NMRESP bits 3:0).
    SmbusI2cFrequency(SmbusFrequency),
    /// Health Status Change: NMRESP reserved.
    HealthStatusChange,
    /// The current MCTP transmission unit size (NMRESP bits 15:0).
    MctpTransmissionUnitSize(u16),
    /// Asynchronous Event: AEELVER in NMRESP bits 7:0, the AE Supported List as response
    /// data (decoded by [`crate::mi::aem`]).
    AsyncEvent {
        /// AEELVER: the AE Enable List version the endpoint supports.
        aeelver: u8,
        /// The AE Supported List.
        supported_list: &'a [u8],
    },
    /// A vendor specific identifier: NMRESP and data kept raw.
    Raw {
        /// NMRESP (24 bits).
        nmresp: u32,
        /// The response data.
        data: &'a [u8],
    },
}

impl MiResponse for ConfigurationGetResponse<'_> {
    fn nmresp(&self) -> [u8; 3] {
        match *self {
            ConfigurationGetResponse::SmbusI2cFrequency(f) => [f.to_u8() & 0xf, 0, 0],
            ConfigurationGetResponse::HealthStatusChange => [0; 3],
            ConfigurationGetResponse::MctpTransmissionUnitSize(m) => {
                let b = m.to_le_bytes();
                [b[0], b[1], 0]
            }
            ConfigurationGetResponse::AsyncEvent { aeelver, .. } => [aeelver, 0, 0],
            ConfigurationGetResponse::Raw { nmresp, .. } => nmresp_bytes(nmresp),
        }
    }

    fn response_data(&self) -> &[u8] {
        match self {
            ConfigurationGetResponse::AsyncEvent { supported_list, .. } => supported_list,
            ConfigurationGetResponse::Raw { data, .. } => data,
            _ => &[],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn config_id_round_trip() {
        for v in 0..=255u8 {
            let id = ConfigId::from_u8(v);
            assert_eq!(id.to_u8(), v);
            assert_eq!(
                matches!(id, ConfigId::Unknown(_)),
                v == 0 || (5..0xc0).contains(&v)
            );
        }
    }

    #[test]
    fn mask_layouts_differ() {
        // NSSRO is CCS bit 4 but mask bit 3; TCIDA is CCS bit 13 but mask bit 12.
        assert_eq!(
            HealthStatusChangeMask::from_ccs(CompositeControllerStatus::NSSRO),
            HealthStatusChangeMask::NSSRO
        );
        assert_eq!(HealthStatusChangeMask::NSSRO.bits(), 1 << 3);
        assert_eq!(CompositeControllerStatus::NSSRO.bits(), 1 << 4);
        assert_eq!(
            HealthStatusChangeMask::ALL.to_ccs(),
            CompositeControllerStatus::ALL
        );
        assert_eq!(
            HealthStatusChangeMask::from_ccs(CompositeControllerStatus::ALL),
            HealthStatusChangeMask::ALL
        );
        for bit in 0..16 {
            let c = CompositeControllerStatus::from_bits_truncate(1 << bit);
            assert_eq!(HealthStatusChangeMask::from_ccs(c).to_ccs(), c);
        }
        assert_eq!(HealthStatusChangeMask::ALL.bits(), 0x1fff);
    }

    #[test]
    fn smbus_frequency() {
        for v in 0..=255u8 {
            assert_eq!(SmbusFrequency::from_u8(v).to_u8(), v);
        }
        assert_eq!(SmbusFrequency::Mhz1.khz(), Some(1000));
        assert_eq!(SmbusFrequency::Unknown(0).khz(), None);
    }
}
