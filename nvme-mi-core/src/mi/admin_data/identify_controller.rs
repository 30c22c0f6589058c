//! Identify Controller data structure (NVMe Base 2.x §5.1.13.2.1, Figure "Identify – Identify
//! Controller Data Structure"; CNS 01h), 4096 bytes.

use super::ascii::{set_ascii, trim_ascii};
use super::power_state::PowerStateDescriptor;
use zerocopy::little_endian::{U128, U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// Identify Controller data (NVMe Base 2.x §5.1.13.2.1, CNS 01h). Field names are those nvme-cli's `id-ctrl` prints.
///
/// Parse with [`AdminData::view`](super::AdminData::view) or
/// [`AdminData::read`](super::AdminData::read); build with `new_zeroed()` and the public fields.
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct IdentifyController {
    /// PCI Vendor ID (bytes 1:0).
    pub vid: U16,
    /// PCI Subsystem Vendor ID (bytes 3:2).
    pub ssvid: U16,
    /// Serial number, ASCII, space padded (bytes 23:4).
    pub sn: [u8; 20],
    /// Model number, ASCII, space padded (bytes 63:24).
    pub mn: [u8; 40],
    /// Firmware revision, ASCII, space padded (bytes 71:64).
    pub fr: [u8; 8],
    /// Recommended arbitration burst (byte 72).
    pub rab: u8,
    /// IEEE OUI identifier, least significant byte first (bytes 75:73).
    pub ieee: [u8; 3],
    /// Controller multi-path I/O and namespace sharing capabilities (byte 76).
    pub cmic: u8,
    /// Maximum data transfer size, a power of two in units of the minimum page size; 0 = no
    /// limit (byte 77).
    pub mdts: u8,
    /// Controller ID (bytes 79:78).
    pub cntlid: U16,
    /// Version (bytes 83:80): major in bits 31:16, minor 15:8, tertiary 7:0.
    pub ver: U32,
    /// RTD3 resume latency, microseconds.
    pub rtd3r: U32,
    /// RTD3 entry latency, microseconds.
    pub rtd3e: U32,
    /// Optional asynchronous events supported.
    pub oaes: U32,
    /// Controller attributes.
    pub ctratt: U32,
    /// Read recovery levels supported.
    pub rrls: U16,
    /// Reserved.
    pub rsvd102: [u8; 9],
    /// Controller type (1 I/O, 2 discovery, 3 administrative) (byte 111).
    pub cntrltype: u8,
    /// FRU globally unique identifier (bytes 127:112).
    pub fguid: [u8; 16],
    /// Command retry delay time 1, 100 ms units.
    pub crdt1: U16,
    /// Command retry delay time 2.
    pub crdt2: U16,
    /// Command retry delay time 3.
    pub crdt3: U16,
    /// Reserved.
    pub rsvd134: [u8; 119],
    /// NVM subsystem report (byte 253): bit 0 NVMe storage device, bit 1 NVMe enclosure.
    pub nvmsr: u8,
    /// VPD write cycle information (byte 254): bits 6:0 remaining, bit 7 valid.
    pub vwci: u8,
    /// Management endpoint capabilities (byte 255): bit 0 SMBus/I2C port, bit 1 PCIe port.
    pub mec: u8,
    /// Optional admin command support (bytes 257:256).
    pub oacs: U16,
    /// Abort command limit, 0-based.
    pub acl: u8,
    /// Asynchronous event request limit, 0-based.
    pub aerl: u8,
    /// Firmware updates: bit 0 slot 1 read-only, bits 3:1 number of slots, bit 4 activation
    /// without reset.
    pub frmw: u8,
    /// Log page attributes.
    pub lpa: u8,
    /// Error log page entries, 0-based.
    pub elpe: u8,
    /// Number of power states supported, 0-based.
    pub npss: u8,
    /// Admin vendor specific command configuration.
    pub avscc: u8,
    /// Autonomous power state transition attributes.
    pub apsta: u8,
    /// Warning composite temperature threshold, kelvin (bytes 267:266).
    pub wctemp: U16,
    /// Critical composite temperature threshold, kelvin (bytes 269:268).
    pub cctemp: U16,
    /// Maximum time for firmware activation, 100 ms units.
    pub mtfa: U16,
    /// Host memory buffer preferred size, 4 KiB units.
    pub hmpre: U32,
    /// Host memory buffer minimum size, 4 KiB units.
    pub hmmin: U32,
    /// Total NVM capacity, bytes (bytes 295:280).
    pub tnvmcap: U128,
    /// Unallocated NVM capacity, bytes (bytes 311:296).
    pub unvmcap: U128,
    /// Replay protected memory block support.
    pub rpmbs: U32,
    /// Extended device self-test time, minutes.
    pub edstt: U16,
    /// Device self-test options.
    pub dsto: u8,
    /// Firmware update granularity, 4 KiB units (0 = not reported, 0xFF = no restriction).
    pub fwug: u8,
    /// Keep alive support, 100 ms units.
    pub kas: U16,
    /// Host controlled thermal management attributes.
    pub hctma: U16,
    /// Minimum thermal management temperature, kelvin.
    pub mntmt: U16,
    /// Maximum thermal management temperature, kelvin.
    pub mxtmt: U16,
    /// Sanitize capabilities (bytes 331:328).
    pub sanicap: U32,
    /// Host memory buffer minimum descriptor entry size, 4 KiB units.
    pub hmminds: U32,
    /// Host memory maximum descriptors entries.
    pub hmmaxd: U16,
    /// NVM set identifier maximum.
    pub nsetidmax: U16,
    /// Endurance group identifier maximum.
    pub endgidmax: U16,
    /// ANA transition time, seconds.
    pub anatt: u8,
    /// Asymmetric namespace access capabilities.
    pub anacap: u8,
    /// ANA group identifier maximum.
    pub anagrpmax: U32,
    /// Number of ANA group identifiers.
    pub nanagrpid: U32,
    /// Persistent event log size, 64 KiB units.
    pub pels: U32,
    /// Domain identifier.
    pub domainid: U16,
    /// Reserved.
    pub rsvd358: [u8; 10],
    /// Max endurance group capacity, bytes (bytes 383:368).
    pub megcap: U128,
    /// Temperature threshold hysteresis attributes (NVMe 2.1, byte 384).
    pub tmpthha: u8,
    /// Reserved.
    pub rsvd385: [u8; 127],
    /// Submission queue entry size: bits 3:0 required, 7:4 maximum (log2 bytes) (byte 512).
    pub sqes: u8,
    /// Completion queue entry size: bits 3:0 required, 7:4 maximum (log2 bytes).
    pub cqes: u8,
    /// Maximum outstanding commands.
    pub maxcmd: U16,
    /// Number of namespaces (largest valid NSID) (bytes 519:516).
    pub nn: U32,
    /// Optional NVM command support.
    pub oncs: U16,
    /// Fused operation support.
    pub fuses: U16,
    /// Format NVM attributes.
    pub fna: u8,
    /// Volatile write cache.
    pub vwc: u8,
    /// Atomic write unit normal, 0-based logical blocks.
    pub awun: U16,
    /// Atomic write unit power fail, 0-based logical blocks.
    pub awupf: U16,
    /// I/O command set vendor specific command configuration.
    pub icsvscc: u8,
    /// Namespace write protection capabilities.
    pub nwpc: u8,
    /// Atomic compare & write unit, 0-based logical blocks.
    pub acwu: U16,
    /// Optional copy formats supported.
    pub ocfs: U16,
    /// SGL support.
    pub sgls: U32,
    /// Maximum number of allowed namespaces.
    pub mnan: U32,
    /// Maximum domain namespace attachments.
    pub maxdna: U128,
    /// Maximum I/O controller namespace attachments.
    pub maxcna: U32,
    /// Optimal aggregated queue depth (NVMe 2.1).
    pub oaqd: U32,
    /// Reserved.
    pub rsvd568: [u8; 200],
    /// NVM subsystem NVMe qualified name, UTF-8, NUL padded (bytes 1023:768).
    pub subnqn: [u8; 256],
    /// Reserved.
    pub rsvd1024: [u8; 768],
    /// I/O queue command capsule supported size (fabrics).
    pub ioccsz: U32,
    /// I/O queue response capsule supported size (fabrics).
    pub iorcsz: U32,
    /// In capsule data offset (fabrics).
    pub icdoff: U16,
    /// Fabrics controller attributes.
    pub fcatt: u8,
    /// Maximum SGL data block descriptors.
    pub msdbd: u8,
    /// Optional fabric commands supported.
    pub ofcs: U16,
    /// Discovery controller type.
    pub dctype: u8,
    /// Reserved.
    pub rsvd1807: [u8; 241],
    /// Power state descriptors 0..=31 (bytes 3071:2048).
    pub psd: [PowerStateDescriptor; 32],
    /// Vendor specific (bytes 4095:3072).
    pub vs: [u8; 1024],
}

const _: () = assert!(core::mem::size_of::<IdentifyController>() == 4096);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for IdentifyController {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "IdentifyController {{ vid: {=u16:#x}, ssvid: {=u16:#x}, sn: {=str}, mn: {=str}, fr: {=str}, mdts: {=u8}, cntlid: {=u16}, ver: {=u32:#x}, nvmsr: {=u8:#x}, mec: {=u8:#x}, nn: {=u32} }}",
            self.vid.get(),
            self.ssvid.get(),
            self.sn(),
            self.mn(),
            self.fr(),
            self.mdts,
            self.cntlid.get(),
            self.ver.get(),
            self.nvmsr,
            self.mec,
            self.nn.get()
        )
    }
}

impl IdentifyController {
    /// Serial number without its padding.
    pub fn sn(&self) -> &str {
        trim_ascii(&self.sn)
    }

    /// Model number without its padding.
    pub fn mn(&self) -> &str {
        trim_ascii(&self.mn)
    }

    /// Firmware revision without its padding.
    pub fn fr(&self) -> &str {
        trim_ascii(&self.fr)
    }

    /// NVM subsystem NQN without its padding.
    pub fn subnqn(&self) -> &str {
        trim_ascii(&self.subnqn)
    }

    /// Set the serial number (space padded, cut at 20 bytes).
    pub fn set_sn(&mut self, s: &str) {
        set_ascii(&mut self.sn, s);
    }

    /// Set the model number (space padded, cut at 40 bytes).
    pub fn set_mn(&mut self, s: &str) {
        set_ascii(&mut self.mn, s);
    }

    /// Set the firmware revision (space padded, cut at 8 bytes).
    pub fn set_fr(&mut self, s: &str) {
        set_ascii(&mut self.fr, s);
    }

    /// Set the NVM subsystem NQN (NUL padded, cut at 256 bytes).
    pub fn set_subnqn(&mut self, s: &str) {
        self.subnqn = [0; 256];
        for (d, s) in self.subnqn.iter_mut().zip(s.as_bytes()) {
            *d = *s;
        }
    }

    /// The IEEE OUI as a 24-bit number (the field is least significant byte first).
    pub fn ieee_oui(&self) -> u32 {
        u32::from_le_bytes([self.ieee[0], self.ieee[1], self.ieee[2], 0])
    }

    /// NVMSR bit 0: the subsystem is an NVMe storage device.
    pub fn is_storage_device(&self) -> bool {
        self.nvmsr & 0x01 != 0
    }

    /// NVMSR bit 1: the subsystem is an NVMe enclosure.
    pub fn is_enclosure(&self) -> bool {
        self.nvmsr & 0x02 != 0
    }

    /// VWCI: the number of VPD write cycles remaining, if the field is valid (bit 7).
    pub fn vpd_write_cycles_remaining(&self) -> Option<u8> {
        (self.vwci & 0x80 != 0).then_some(self.vwci & 0x7f)
    }

    /// The maximum data transfer size in bytes for a memory page size of `mps_min` bytes
    /// (CAP.MPSMIN), or `None` for no limit (MDTS 0) or a value too large for `u64`.
    pub fn max_transfer_bytes(&self, mps_min: u64) -> Option<u64> {
        if self.mdts == 0 {
            return None;
        }
        1u64.checked_shl(u32::from(self.mdts))?.checked_mul(mps_min)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use core::mem::offset_of;
    use zerocopy::FromZeros;

    #[test]
    fn offsets() {
        assert_eq!(offset_of!(IdentifyController, sn), 4);
        assert_eq!(offset_of!(IdentifyController, mn), 24);
        assert_eq!(offset_of!(IdentifyController, fr), 64);
        assert_eq!(offset_of!(IdentifyController, mdts), 77);
        assert_eq!(offset_of!(IdentifyController, cntlid), 78);
        assert_eq!(offset_of!(IdentifyController, ver), 80);
        assert_eq!(offset_of!(IdentifyController, cntrltype), 111);
        assert_eq!(offset_of!(IdentifyController, nvmsr), 253);
        assert_eq!(offset_of!(IdentifyController, mec), 255);
        assert_eq!(offset_of!(IdentifyController, oacs), 256);
        assert_eq!(offset_of!(IdentifyController, wctemp), 266);
        assert_eq!(offset_of!(IdentifyController, tnvmcap), 280);
        assert_eq!(offset_of!(IdentifyController, sanicap), 328);
        assert_eq!(offset_of!(IdentifyController, megcap), 368);
        assert_eq!(offset_of!(IdentifyController, sqes), 512);
        assert_eq!(offset_of!(IdentifyController, nn), 516);
        assert_eq!(offset_of!(IdentifyController, sgls), 536);
        assert_eq!(offset_of!(IdentifyController, subnqn), 768);
        assert_eq!(offset_of!(IdentifyController, ioccsz), 1792);
        assert_eq!(offset_of!(IdentifyController, psd), 2048);
        assert_eq!(offset_of!(IdentifyController, vs), 3072);
    }

    #[test]
    fn helpers() {
        let mut id = IdentifyController::new_zeroed();
        assert_eq!(id.max_transfer_bytes(4096), None);
        id.mdts = 5;
        assert_eq!(id.max_transfer_bytes(4096), Some(128 * 1024));
        id.mdts = 255;
        assert_eq!(id.max_transfer_bytes(4096), None);
        id.vwci = 0x85;
        assert_eq!(id.vpd_write_cycles_remaining(), Some(5));
        id.vwci = 0x05;
        assert_eq!(id.vpd_write_cycles_remaining(), None);
        id.ieee = [0x38, 0x25, 0x00];
        assert_eq!(id.ieee_oui(), 0x002538);
        id.set_subnqn("nqn.2014-08.org.example");
        assert_eq!(id.subnqn(), "nqn.2014-08.org.example");
        id.nvmsr = 1;
        assert!(id.is_storage_device() && !id.is_enclosure());
    }
}
