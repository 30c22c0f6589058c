use zerocopy::little_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::fixed::{emit_fixed, parse_fixed};
use super::{
    CompositeControllerStatus, CompositeTemperature, CriticalWarning, MiCommand,
    MiCommandRequestRepr, MiResponse, Opcode,
};
use crate::mi::status::Rejection;
use crate::mi::Result;

mi_flags! {
    /// NVM Subsystem Status, NSS (NVMe-MI 1.2 §5.6).
    NvmSubsystemStatus(u8) {
        /// SNFM: sanitize namespace failure mode (NVMe-MI 2.x).
        const SNFM = 1 << 1;
        /// P1LA: port 1 PCIe link active.
        const P1LA = 1 << 2;
        /// P0LA: port 0 PCIe link active.
        const P0LA = 1 << 3;
        /// RNR: reset not required.
        const RNR = 1 << 4;
        /// DF: drive functional.
        const DF = 1 << 5;
        /// SFM: sanitize failure mode.
        const SFM = 1 << 6;
        /// ATF: AEM transmission failure (NVMe-MI 2.x).
        const ATF = 1 << 7;
    }
}

/// The NVM Subsystem Health Data Structure, NSHDS (NVMe-MI 1.2 §5.6):
/// the 8-byte response data of NVM Subsystem Health Status Poll.
#[derive(
    Debug,
    Clone,
    Copy,
    PartialEq,
    Eq,
    Hash,
    Default,
    FromBytes,
    IntoBytes,
    KnownLayout,
    Immutable,
    Unaligned,
)]
#[repr(C)]
pub struct NvmSubsystemHealth {
    /// NSS: NVM subsystem status (see [`NvmSubsystemHealth::status`]).
    pub nss: u8,
    /// SW: SMART warnings, inverted (a bit is 1 when the condition is absent).
    pub sw: u8,
    /// CTEMP: composite temperature (see [`NvmSubsystemHealth::temperature`]).
    pub ctemp: u8,
    /// PDLU: percentage drive life used (255 = 255 % or more).
    pub pdlu: u8,
    /// CCS: composite controller status.
    pub ccs: U16,
    /// Reserved.
    pub rsvd: [u8; 2],
}

#[cfg(feature = "defmt")]
impl defmt::Format for NvmSubsystemHealth {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "NvmSubsystemHealth {{ nss: {=u8:#x}, sw: {=u8:#x}, ctemp: {=u8:#x}, pdlu: {=u8}, ccs: {=u16:#x} }}",
            self.nss,
            self.sw,
            self.ctemp,
            self.pdlu,
            self.ccs.get()
        )
    }
}

/// The defined bits of SMART Warnings (bits 6:0; bit 7 reserved).
const SW_DEFINED: u8 = 0x7f;

impl NvmSubsystemHealth {
    /// Encoded length.
    pub const LEN: usize = 8;

    /// A structure from typed fields; `warnings` are the warnings *present* (stored inverted,
    /// reserved bit 7 set as for "no condition").
    pub fn new(
        status: NvmSubsystemStatus,
        warnings: CriticalWarning,
        temperature: CompositeTemperature,
        pdlu: u8,
        ccs: CompositeControllerStatus,
    ) -> Self {
        NvmSubsystemHealth {
            nss: status.bits(),
            // Inverted; bit 7 is reserved and stays clear (NVMe-MI 1.2 §5.6, NVM Subsystem
            // Health Data Structure, byte 1).
            sw: !warnings.bits() & SW_DEFINED,
            ctemp: temperature.to_u8(),
            pdlu,
            ccs: U16::new(ccs.bits()),
            rsvd: [0; 2],
        }
    }

    /// The subsystem status flags (reserved bit 0 dropped).
    pub const fn status(&self) -> NvmSubsystemStatus {
        NvmSubsystemStatus::from_bits_truncate(self.nss)
    }

    /// The raw, inverted SMART Warnings byte.
    pub const fn smart_warnings_raw(&self) -> u8 {
        self.sw
    }

    /// The warnings present: the inverse of SW, in the Critical Warning layout.
    pub const fn warnings(&self) -> CriticalWarning {
        CriticalWarning::from_bits_truncate(!self.sw)
    }

    /// True if any warning is present.
    pub const fn warnings_present(&self) -> bool {
        !self.warnings().is_empty()
    }

    /// The composite temperature.
    pub const fn temperature(&self) -> CompositeTemperature {
        CompositeTemperature::from_u8(self.ctemp)
    }

    /// The composite controller status flags (reserved bits kept).
    pub const fn ccs(&self) -> CompositeControllerStatus {
        CompositeControllerStatus(self.ccs.get())
    }

    /// Decode from the start of `data`.
    pub fn parse(data: &[u8]) -> Result<Self> {
        parse_fixed(data)
    }

    /// Write the 8 bytes into `buf`.
    pub fn emit(&self, buf: &mut [u8]) -> Result<usize> {
        emit_fixed(self.as_bytes(), buf)
    }
}

/// NVM Subsystem Health Status Poll request (NVMe-MI 1.2 §5.6):
/// NMD0 reserved, NMD1 bit 31 Clear Status.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SubsystemHealthStatusPollRequest {
    /// CS: clear the Composite Controller Status flags after reporting them.
    pub clear_status: bool,
}

impl SubsystemHealthStatusPollRequest {
    /// Decode on the responder side: reserved bits are ignored; request data is rejected.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        Ok(SubsystemHealthStatusPollRequest {
            clear_status: raw.nmd1 & (1 << 31) != 0,
        })
    }
}

impl MiCommand for SubsystemHealthStatusPollRequest {
    const OPCODE: Opcode = Opcode::SubsystemHealthStatusPoll;
    type Response<'r> = SubsystemHealthStatusPollResponse;

    fn nmd0(&self) -> u32 {
        0
    }

    fn nmd1(&self) -> u32 {
        (self.clear_status as u32) << 31
    }

    fn decode_response<'r>(&self, _nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        SubsystemHealthStatusPollResponse::parse(data)
    }
}

/// NVM Subsystem Health Status Poll success response: NMRESP reserved, response data the
/// [`NvmSubsystemHealth`] structure (NVMe-MI 1.2 §5.6).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct SubsystemHealthStatusPollResponse {
    /// The health data.
    pub health: NvmSubsystemHealth,
}

impl SubsystemHealthStatusPollResponse {
    /// Decode the response data (bytes after the 8-byte structure are ignored).
    pub fn parse(data: &[u8]) -> Result<Self> {
        Ok(SubsystemHealthStatusPollResponse {
            health: NvmSubsystemHealth::parse(data)?,
        })
    }
}

impl MiResponse for SubsystemHealthStatusPollResponse {
    fn response_data(&self) -> &[u8] {
        self.health.as_bytes()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn example_1_response_body() {
        // Digest B.7 example 1: NSS 0x38, SW 0xFF, CTEMP 37 °C, PDLU 3, CCS RDY. Its SW sets
        // reserved bit 7; the encoder keeps it clear, the decoder reads both alike.
        let h = NvmSubsystemHealth::new(
            NvmSubsystemStatus::DF | NvmSubsystemStatus::RNR | NvmSubsystemStatus::P0LA,
            CriticalWarning::empty(),
            CompositeTemperature::Celsius(37),
            3,
            CompositeControllerStatus::RDY,
        );
        assert_eq!(
            h.as_bytes(),
            &[0x38, 0x7f, 0x25, 0x03, 0x01, 0x00, 0x00, 0x00]
        );
        assert!(!h.warnings_present());
        let example = [0x38, 0xff, 0x25, 0x03, 0x01, 0x00, 0x00, 0x00];
        let e = NvmSubsystemHealth::parse(&example).unwrap();
        assert!(!e.warnings_present());
        assert_eq!(e.warnings(), h.warnings());
        let p = NvmSubsystemHealth::parse(h.as_bytes()).unwrap();
        assert_eq!(p, h);
        assert_eq!(p.temperature().celsius(), Some(37));
    }

    #[test]
    fn inverted_warnings() {
        let h = NvmSubsystemHealth::parse(&[0x38, 0x3d, 0x14, 0x26, 0, 0, 0, 0]).unwrap();
        assert_eq!(h.smart_warnings_raw(), 0x3d);
        assert_eq!(h.warnings(), CriticalWarning::TAUT | CriticalWarning::IPS);
        assert!(h.warnings_present());
        assert_eq!(h.temperature(), CompositeTemperature::Celsius(20));
        assert!(NvmSubsystemHealth::parse(&[0; 7]).is_err());
    }
}
