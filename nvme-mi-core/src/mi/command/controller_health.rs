use zerocopy::little_endian::U16;
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

use super::{
    CompositeControllerStatus, CriticalWarning, MiCommand, MiCommandRequestRepr, MiResponse, Opcode,
};
use crate::mi::status::Rejection;
use crate::mi::{Csi, Error, Result};

/// Length of one Controller Health Data Structure.
pub const CONTROLLER_HEALTH_LEN: usize = 16;

mi_flags! {
    /// Which changes select a controller for Controller Health Status Poll, NMD1 bits 4:0
    /// (NVMe-MI 1.2 §5.3).
    HealthChangeSelect(u8) {
        /// CSTS: controller status changes.
        const CSTS = 1 << 0;
        /// CTEMP: composite temperature changes.
        const CTEMP = 1 << 1;
        /// PDLU: percentage used changes.
        const PDLU = 1 << 2;
        /// SPARE: available spare changes.
        const SPARE = 1 << 3;
        /// CWARN: critical warning changes.
        const CWARN = 1 << 4;
    }
}

/// Controller Health Status Poll request (NVMe-MI 1.2 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControllerHealthStatusPollRequest {
    /// SCTLID: the lowest controller ID to report.
    pub sctlid: u16,
    /// MAXRENT: the maximum number of entries, 0-based (0xFF, meaning 256, is invalid).
    pub maxrent: u8,
    /// INCF: include PCI functions.
    pub incf: bool,
    /// INCPF: include SR-IOV physical functions.
    pub incpf: bool,
    /// INCVF: include SR-IOV virtual functions.
    pub incvf: bool,
    /// ALL: report every selected controller, changed or not.
    pub all: bool,
    /// The change selectors.
    pub select: HealthChangeSelect,
    /// CCF: clear the changed flags of the reported controllers.
    pub ccf: bool,
}

impl ControllerHealthStatusPollRequest {
    /// Decode on the responder side. MAXRENT = 0xFF (256 entries, more than RENT can count)
    /// is rejected with Invalid Parameter at NMD0 bits 23:16; request
    /// data is rejected; reserved bits are ignored.
    pub fn parse(raw: &MiCommandRequestRepr<'_>) -> core::result::Result<Self, Rejection> {
        raw.expect_no_data()?;
        let d0 = raw.nmd0;
        let maxrent = (d0 >> 16) as u8;
        if maxrent == 0xff {
            return Err(MiCommandRequestRepr::invalid_nmd0(16));
        }
        Ok(ControllerHealthStatusPollRequest {
            sctlid: d0 as u16,
            maxrent,
            incf: d0 & (1 << 24) != 0,
            incpf: d0 & (1 << 25) != 0,
            incvf: d0 & (1 << 26) != 0,
            all: d0 & (1 << 31) != 0,
            select: HealthChangeSelect::from_bits_truncate(raw.nmd1 as u8),
            ccf: raw.nmd1 & (1 << 31) != 0,
        })
    }
}

impl MiCommand for ControllerHealthStatusPollRequest {
    const OPCODE: Opcode = Opcode::ControllerHealthStatusPoll;
    type Response<'r> = ControllerHealthStatusPollResponse<'r>;

    fn nmd0(&self) -> u32 {
        self.sctlid as u32
            | (self.maxrent as u32) << 16
            | (self.incf as u32) << 24
            | (self.incpf as u32) << 25
            | (self.incvf as u32) << 26
            | (self.all as u32) << 31
    }

    fn nmd1(&self) -> u32 {
        (self.select.bits() & HealthChangeSelect::ALL.bits()) as u32 | (self.ccf as u32) << 31
    }

    fn decode_response<'r>(&self, nmresp: [u8; 3], data: &'r [u8]) -> Result<Self::Response<'r>> {
        ControllerHealthStatusPollResponse::parse(nmresp, data)
    }
}

/// Shutdown status, CSTS.SHST, of a Controller Health Data Structure (two bits, as NVMe's
/// CSTS.SHST).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum ShutdownStatus {
    /// Normal operation (0).
    Normal,
    /// Shutdown processing occurring (1).
    Occurring,
    /// Shutdown processing complete (2).
    Complete,
    /// Reserved (3).
    Reserved,
}

mi_flags! {
    /// Controller Status, CSTS, of a Controller Health Data Structure (NVMe-MI 1.2 §5.3).
    /// Bits 3:2 are the two-bit shutdown status, read with
    /// [`ControllerStatus::shst`].
    ControllerStatus(u16) {
        /// RDY: controller ready.
        const RDY = 1 << 0;
        /// CFS: controller fatal status.
        const CFS = 1 << 1;
        /// NSSRO: NVM subsystem reset occurred.
        const NSSRO = 1 << 4;
        /// CECO: controller enable change occurred.
        const CECO = 1 << 5;
        /// NAC: namespace attribute changed.
        const NAC = 1 << 6;
        /// FA: firmware activated.
        const FA = 1 << 7;
        /// TCIDA: telemetry controller-initiated data available (NVMe-MI 2.x).
        const TCIDA = 1 << 8;
    }
}

impl ControllerStatus {
    /// The shutdown status, bits 3:2.
    pub const fn shst(self) -> ShutdownStatus {
        match (self.0 >> 2) & 3 {
            0 => ShutdownStatus::Normal,
            1 => ShutdownStatus::Occurring,
            2 => ShutdownStatus::Complete,
            _ => ShutdownStatus::Reserved,
        }
    }

    /// The same flags with the shutdown status replaced.
    pub const fn with_shst(self, s: ShutdownStatus) -> Self {
        let v = match s {
            ShutdownStatus::Normal => 0,
            ShutdownStatus::Occurring => 1,
            ShutdownStatus::Complete => 2,
            ShutdownStatus::Reserved => 3,
        };
        ControllerStatus((self.0 & !0x000c) | (v << 2))
    }
}

/// One Controller Health Data Structure, 16 bytes (NVMe-MI 1.2 §5.3).
/// CHSCF (bytes 10:9) is NVMe-MI 2.x; its presence in 1.2 is not checked against the
/// 1.2 text (where they would be reserved and read as zero).
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
pub struct ControllerHealth {
    /// CTLID: controller ID.
    pub ctlid: U16,
    /// CSTS: controller status (see [`ControllerHealth::status`]).
    pub csts: U16,
    /// CTEMP: composite temperature in kelvin.
    pub ctemp: U16,
    /// PDLU: percentage used.
    pub pdlu: u8,
    /// SPARE: available spare, percent.
    pub spare: u8,
    /// CWARN: critical warning (not inverted).
    pub cwarn: u8,
    /// CHSCF: controller health status changed flags, CCS layout.
    pub chscf: U16,
    /// Reserved.
    pub rsvd: [u8; 5],
}

#[cfg(feature = "defmt")]
impl defmt::Format for ControllerHealth {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "ControllerHealth {{ ctlid: {=u16}, csts: {=u16:#x}, ctemp: {=u16} K, pdlu: {=u8}, spare: {=u8}, cwarn: {=u8:#x}, chscf: {=u16:#x} }}",
            self.ctlid.get(),
            self.csts.get(),
            self.ctemp.get(),
            self.pdlu,
            self.spare,
            self.cwarn,
            self.chscf.get()
        )
    }
}

impl ControllerHealth {
    /// The controller ID.
    pub const fn controller_id(&self) -> u16 {
        self.ctlid.get()
    }

    /// The controller status.
    pub const fn status(&self) -> ControllerStatus {
        ControllerStatus(self.csts.get())
    }

    /// The composite temperature in kelvin.
    pub const fn temperature_kelvin(&self) -> u16 {
        self.ctemp.get()
    }

    /// The composite temperature in °C (kelvin − 273).
    pub const fn temperature_celsius(&self) -> i32 {
        self.ctemp.get() as i32 - 273
    }

    /// The critical warnings.
    pub const fn warnings(&self) -> CriticalWarning {
        CriticalWarning(self.cwarn)
    }

    /// The changed flags.
    pub const fn changed(&self) -> CompositeControllerStatus {
        CompositeControllerStatus(self.chscf.get())
    }
}

/// A borrowed list of Controller Health Data Structures (no copy, no heap).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct ControllerHealthList<'a> {
    entries: &'a [ControllerHealth],
}

#[cfg(feature = "defmt")]
impl defmt::Format for ControllerHealthList<'_> {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(f, "{=[?]}", self.entries)
    }
}

impl<'a> ControllerHealthList<'a> {
    /// A list over `entries` (at most 255 can be sent).
    pub const fn new(entries: &'a [ControllerHealth]) -> Self {
        ControllerHealthList { entries }
    }

    /// Decode `rent` entries: `data` must hold exactly `rent` × 16 bytes
    /// ([`Error::Truncated`] if fewer, [`Error::InconsistentLength`] if more).
    pub fn parse(data: &'a [u8], rent: u8) -> Result<Self> {
        let need = rent as usize * CONTROLLER_HEALTH_LEN;
        if data.len() < need {
            return Err(Error::Truncated);
        }
        if data.len() > need {
            return Err(Error::InconsistentLength);
        }
        let entries = <[ControllerHealth]>::ref_from_bytes(data).map_err(|_| Error::Truncated)?;
        Ok(ControllerHealthList { entries })
    }

    /// The entries.
    pub const fn entries(&self) -> &'a [ControllerHealth] {
        self.entries
    }

    /// The number of entries.
    pub const fn len(&self) -> usize {
        self.entries.len()
    }

    /// True if there is no entry.
    pub const fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Iterate over the entries.
    pub fn iter(&self) -> core::slice::Iter<'a, ControllerHealth> {
        self.entries.iter()
    }

    /// The encoded entries.
    pub fn as_bytes(&self) -> &'a [u8] {
        self.entries.as_bytes()
    }
}

impl<'a> IntoIterator for ControllerHealthList<'a> {
    type Item = &'a ControllerHealth;
    type IntoIter = core::slice::Iter<'a, ControllerHealth>;
    fn into_iter(self) -> Self::IntoIter {
        self.entries.iter()
    }
}

/// Controller Health Status Poll success response: RENT in NMRESP bits 23:16 and RENT
/// Controller Health Data Structures (NVMe-MI 1.2 §5.3).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct ControllerHealthStatusPollResponse<'a> {
    /// The reported controllers (at most 255).
    pub entries: ControllerHealthList<'a>,
}

impl<'a> ControllerHealthStatusPollResponse<'a> {
    /// Decode NMRESP and the response data.
    pub fn parse(nmresp: [u8; 3], data: &'a [u8]) -> Result<Self> {
        Ok(ControllerHealthStatusPollResponse {
            entries: ControllerHealthList::parse(data, nmresp[2])?,
        })
    }
}

impl MiResponse for ControllerHealthStatusPollResponse<'_> {
    /// RENT (saturating at 255; [`MiResponse::emit`] refuses more entries).
    fn nmresp(&self) -> [u8; 3] {
        [0, 0, self.entries.len().min(MAX_RENT) as u8]
    }

    fn response_data(&self) -> &[u8] {
        self.entries.as_bytes()
    }

    /// Write the response; [`Error::InvalidField`] if there are more than 255 entries (RENT
    /// cannot count them).
    fn emit(&self, csi: Csi, out: &mut [u8]) -> Result<usize> {
        if self.entries.len() > MAX_RENT {
            return Err(Error::InvalidField);
        }
        self.to_repr().emit(csi, out)
    }
}

/// The most entries one response carries (RENT is 8 bits).
const MAX_RENT: usize = 255;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn request_fields() {
        let r = ControllerHealthStatusPollRequest {
            sctlid: 0x1234,
            maxrent: 9,
            incf: true,
            incpf: false,
            incvf: true,
            all: true,
            select: HealthChangeSelect::CSTS | HealthChangeSelect::CWARN,
            ccf: true,
        };
        assert_eq!(r.nmd0(), 0x8509_1234);
        assert_eq!(r.nmd1(), 0x8000_0011);
        let raw = r.to_repr();
        assert_eq!(ControllerHealthStatusPollRequest::parse(&raw), Ok(r));
        let bad = MiCommandRequestRepr {
            nmd0: 0x00ff_0000,
            ..raw
        };
        assert_eq!(
            ControllerHealthStatusPollRequest::parse(&bad),
            Err(MiCommandRequestRepr::invalid_nmd0(16))
        );
    }

    #[test]
    fn entries() {
        let e = ControllerHealth {
            ctlid: U16::new(1),
            csts: U16::new(
                ControllerStatus::RDY
                    .with_shst(ShutdownStatus::Complete)
                    .bits(),
            ),
            ctemp: U16::new(310),
            pdlu: 3,
            spare: 100,
            cwarn: CriticalWarning::TAUT.bits(),
            chscf: U16::new(CompositeControllerStatus::CTEMP.bits()),
            rsvd: [0; 5],
        };
        assert_eq!(
            e.as_bytes(),
            &[1, 0, 0x09, 0, 0x36, 0x01, 3, 100, 2, 0, 2, 0, 0, 0, 0, 0]
        );
        let all = [e, ControllerHealth::default()];
        let resp = ControllerHealthStatusPollResponse {
            entries: ControllerHealthList::new(&all),
        };
        assert_eq!(resp.nmresp(), [0, 0, 2]);
        let p = ControllerHealthStatusPollResponse::parse([0, 0, 2], resp.response_data()).unwrap();
        assert_eq!(p, resp);
        let first = p.entries.iter().next().unwrap();
        assert_eq!(first.status().shst(), ShutdownStatus::Complete);
        assert!(first.status().contains(ControllerStatus::RDY));
        assert_eq!(first.temperature_celsius(), 37);
        assert_eq!(first.warnings(), CriticalWarning::TAUT);
        assert_eq!(first.changed(), CompositeControllerStatus::CTEMP);
        let data = resp.response_data();
        assert_eq!(
            ControllerHealthList::parse(&data[..31], 2),
            Err(Error::Truncated)
        );
        assert_eq!(
            ControllerHealthList::parse(data, 1),
            Err(Error::InconsistentLength)
        );
    }
}
