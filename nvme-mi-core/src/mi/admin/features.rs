//! The Get Features (opcode 0Ah) and Set Features (opcode 09h) commands (NVMe Base 2.x
//! §5.1.11, §5.1.25).
//!
//! Get Features: CDW10 bits 7:0 FID, bits 10:8 SEL; CDW11..CDW13, CDW15 feature specific;
//! CDW14 bits 6:0 UUID index. The value comes back in CQE DW0, data where the feature has it.
//! Set Features: CDW10 bits 7:0 FID, bit 31 SV; the rest as for Get Features.

use super::command::{bit, bits, field, AdminCommand, DataTransfer};
use super::feature_id::Fid;
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;
use super::temperature_threshold::TemperatureThreshold;

spec_enum! {
    /// Select, SEL: which value of a feature Get Features returns (NVMe Base 2.x §5.1.11).
    pub enum Sel: 3 bits {
        /// Current value (0).
        Current = 0,
        /// Default value (1).
        Default = 1,
        /// Saved value (2).
        Saved = 2,
        /// Supported capabilities (3): CQE DW0 tells whether the feature is saveable,
        /// namespace specific and changeable.
        SupportedCapabilities = 3,
    }
}

/// The feature-specific dwords common to Get and Set Features (NVMe Base 2.x §5.1.11,
/// §5.1.25).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct FeatureDwords {
    /// CDW11.
    pub cdw11: u32,
    /// CDW12.
    pub cdw12: u32,
    /// CDW13.
    pub cdw13: u32,
    /// CDW15.
    pub cdw15: u32,
    /// UUID index (7 bits, CDW14 bits 6:0).
    pub uuid_index: u8,
}

impl FeatureDwords {
    /// Only CDW11 set.
    pub const fn cdw11(v: u32) -> Self {
        FeatureDwords {
            cdw11: v,
            cdw12: 0,
            cdw13: 0,
            cdw15: 0,
            uuid_index: 0,
        }
    }

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.cdw11 = self.cdw11;
        r.cdw12 = self.cdw12;
        r.cdw13 = self.cdw13;
        r.cdw14 = field(u32::from(self.uuid_index), 0, 7);
        r.cdw15 = self.cdw15;
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        FeatureDwords {
            cdw11: r.cdw11,
            cdw12: r.cdw12,
            cdw13: r.cdw13,
            cdw15: r.cdw15,
            uuid_index: bits(r.cdw14, 0, 7) as u8,
        }
    }
}

/// A Get Features command (NVMe Base 2.x §5.1.11).
///
/// ```
/// use nvme_mi_core::mi::admin::{AdminRequestRepr, Fid, GetFeatures, Sel};
/// let g = GetFeatures::new(Fid::TemperatureThreshold, Sel::Current);
/// assert_eq!(AdminRequestRepr::for_command(0, &g).cdw10, 0x04);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetFeatures {
    /// Feature identifier.
    pub fid: Fid,
    /// Which value to return.
    pub sel: Sel,
    /// Namespace ID, for namespace-specific features.
    pub nsid: u32,
    /// Feature-specific dwords.
    pub dw: FeatureDwords,
}

impl GetFeatures {
    /// Get feature `fid`, namespace 0, feature dwords 0.
    pub const fn new(fid: Fid, sel: Sel) -> Self {
        GetFeatures {
            fid,
            sel,
            nsid: 0,
            dw: FeatureDwords::cdw11(0),
        }
    }

    /// Read the current temperature threshold of the given sensor and type (CDW11 carries
    /// TMPSEL and THSEL; the value comes back in CQE DW0, see
    /// [`TemperatureThreshold::from_cdw11`]).
    pub const fn temperature_threshold(tmpsel: u8, thsel: super::Thsel) -> Self {
        let sel = TemperatureThreshold {
            tmpth: 0,
            tmpsel,
            thsel,
            tmpthh: 0,
        };
        GetFeatures {
            dw: FeatureDwords::cdw11(sel.to_cdw11()),
            ..GetFeatures::new(Fid::TemperatureThreshold, Sel::Current)
        }
    }
}

impl AdminCommand for GetFeatures {
    const OPCODE: AdminOpcode = AdminOpcode::GetFeatures;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = u32::from(self.fid.to_u8()) | field(u32::from(self.sel.to_u8()), 8, 3);
        self.dw.encode(r);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        GetFeatures {
            fid: Fid::from_u8(r.cdw10 as u8),
            sel: Sel::from_u8(bits(r.cdw10, 8, 3) as u8),
            nsid: r.nsid,
            dw: FeatureDwords::decode(r),
        }
    }

    /// Supported-capabilities queries return no data; otherwise the feature's data size.
    fn data_transfer(&self) -> DataTransfer {
        match self.sel {
            Sel::SupportedCapabilities => DataTransfer::None,
            _ => match self.fid.data_len(self.dw.cdw11, true) {
                0 => DataTransfer::None,
                n => DataTransfer::DeviceToHost(n),
            },
        }
    }
}

/// A Set Features command (NVMe Base 2.x §5.1.25).
///
/// ```
/// use nvme_mi_core::mi::admin::{AdminRequestRepr, SetFeatures, TemperatureThreshold};
/// let s = SetFeatures::temperature_threshold(TemperatureThreshold::over_composite(350), true);
/// let r = AdminRequestRepr::for_command(0, &s);
/// assert_eq!((r.cdw10, r.cdw11, r.dlen), (0x8000_0004, 350, 0));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SetFeatures {
    /// Feature identifier.
    pub fid: Fid,
    /// Save the value across power cycles (CDW10 bit 31).
    pub sv: bool,
    /// Namespace ID, for namespace-specific features.
    pub nsid: u32,
    /// Feature-specific dwords.
    pub dw: FeatureDwords,
}

impl SetFeatures {
    /// Set feature `fid` to the value in CDW11, namespace 0.
    pub const fn new(fid: Fid, cdw11: u32, sv: bool) -> Self {
        SetFeatures {
            fid,
            sv,
            nsid: 0,
            dw: FeatureDwords::cdw11(cdw11),
        }
    }

    /// Set a temperature threshold.
    pub const fn temperature_threshold(t: TemperatureThreshold, sv: bool) -> Self {
        SetFeatures::new(Fid::TemperatureThreshold, t.to_cdw11(), sv)
    }
}

impl AdminCommand for SetFeatures {
    const OPCODE: AdminOpcode = AdminOpcode::SetFeatures;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = u32::from(self.fid.to_u8()) | field(u32::from(self.sv), 31, 1);
        self.dw.encode(r);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        SetFeatures {
            fid: Fid::from_u8(r.cdw10 as u8),
            sv: bit(r.cdw10, 31),
            nsid: r.nsid,
            dw: FeatureDwords::decode(r),
        }
    }

    fn data_transfer(&self) -> DataTransfer {
        match self.fid.data_len(self.dw.cdw11, false) {
            0 => DataTransfer::None,
            n => DataTransfer::HostToDevice(n),
        }
    }
}
