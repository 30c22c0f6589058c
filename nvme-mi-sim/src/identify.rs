//! Identify Controller data (NVMe Base 2.x §5.17.2.1; NVMe-MI 1.2 §4.4 for NVMSR, VWCI,
//! MEC), generated into the caller's buffer.

use nvme_mi_core::mi::admin_data::{IdentifyController, PowerStateDescriptor};
use zerocopy::little_endian::{U128, U16, U32};
use zerocopy::FromBytes;

use crate::features::POWER_STATES;
use crate::health::{CCTEMP, WCTEMP};
use crate::logs::ERROR_LOG_ENTRIES;
use crate::namespace::{MAX_NAMESPACES, TOTAL_CAPACITY};
use crate::{Sim, MODEL, VENDOR_ID};

/// OACS: Security Send/Receive, Format NVM, Firmware Commit/Download, Namespace Management,
/// Device Self-test.
pub(crate) const OACS: u16 = 0x001f;
/// SANICAP: crypto erase, block erase, overwrite.
pub(crate) const SANICAP: u32 = 0x0000_0007;

impl Sim {
    /// Write Identify Controller for controller `ctlid` into `out` (4096 bytes).
    pub(crate) fn identify_controller(&self, ctlid: u16, out: &mut [u8]) {
        let Ok((id, _)) = IdentifyController::mut_from_prefix(out) else {
            return;
        };
        zerocopy::FromZeros::zero(id);
        id.vid = U16::new(VENDOR_ID);
        id.ssvid = U16::new(VENDOR_ID);
        id.sn = self.serial;
        id.set_mn(MODEL);
        id.fr = self.fw.running();
        id.rab = 6;
        id.ieee = [0x48, 0xde, 0xac]; // documentation OUI AC-DE-48, least significant first
                                      // Bit 0: more than one port; bit 1: more than one controller.
        id.cmic = u8::from(self.topology.dual_port) | (u8::from(self.ctrls.len() > 1) << 1);
        id.mdts = 5; // 128 KiB with 4 KiB pages
        id.cntlid = U16::new(ctlid);
        id.ver = U32::new(0x0001_0400); // NVMe 1.4
        id.rtd3r = U32::new(1_000_000);
        id.rtd3e = U32::new(1_000_000);
        id.oaes = U32::new(0x0000_0300); // namespace attribute and firmware activation notices
        id.cntrltype = 1; // I/O controller
        id.nvmsr = 0x01; // NVMe storage device
        id.vwci = 0x80 | self.vpd_cycles.min(0x7f);
        id.mec = 0x03; // SMBus/I2C and PCIe port management endpoints
        id.oacs = U16::new(crate::identify::OACS);
        id.acl = 3;
        id.aerl = 3;
        id.frmw = 0x01 | (crate::firmware::SLOTS << 1) | 0x10; // slot 1 RO, 3 slots, no reset needed
        id.lpa = 0x02; // Commands Supported and Effects log
        id.elpe = (ERROR_LOG_ENTRIES - 1) as u8;
        id.npss = POWER_STATES as u8 - 1;
        id.wctemp = U16::new(WCTEMP);
        id.cctemp = U16::new(CCTEMP);
        id.mtfa = U16::new(15);
        id.tnvmcap = U128::new(TOTAL_CAPACITY.into());
        id.unvmcap = U128::new(self.ns.unallocated().into());
        id.edstt = U16::new((crate::EXTENDED_SELF_TEST_TIME.as_secs() / 60) as u16);
        id.fwug = 0xff;
        id.sanicap = U32::new(SANICAP);
        id.sqes = 0x66;
        id.cqes = 0x44;
        id.maxcmd = U16::new(1024);
        id.nn = U32::new(MAX_NAMESPACES as u32);
        id.oncs = U16::new(0x000c); // Write Zeroes, Dataset Management
        id.fna = 0x04; // cryptographic erase supported
        id.vwc = 0x01;
        id.mnan = U32::new(MAX_NAMESPACES as u32);
        let mut nqn = [0u8; 64];
        let prefix = b"nqn.2024-01.invalid.nvme-mi-rs:sim:";
        nqn[..prefix.len()].copy_from_slice(prefix);
        nqn[prefix.len()..prefix.len() + 15].copy_from_slice(&self.serial[..15]);
        id.subnqn[..nqn.len()].copy_from_slice(&nqn);
        // Three power states: 25 W, 12 W, 6 W (MXPS 0: units of 0.01 W).
        for (psd, (watts, lat)) in id
            .psd
            .iter_mut()
            .zip([(2500u16, 0u32), (1200, 50), (600, 500)])
        {
            *psd = PowerStateDescriptor::new_zeroed_with(watts, lat);
        }
    }
}

/// Power state descriptor builder.
trait PsdExt {
    fn new_zeroed_with(centiwatts: u16, latency_us: u32) -> Self;
}

impl PsdExt for PowerStateDescriptor {
    fn new_zeroed_with(centiwatts: u16, latency_us: u32) -> Self {
        let mut p = <PowerStateDescriptor as zerocopy::FromZeros>::new_zeroed();
        p.mxps = U16::new(centiwatts);
        p.enlat = U32::new(latency_us);
        p.exlat = U32::new(latency_us);
        p
    }
}
