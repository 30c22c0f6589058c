//! The Get Log Page command (NVMe Base 2.x §5.1.12, opcode 02h) and the chunking
//! of large log reads by log page offset (NVMe-MI 1.2 §6).
//!
//! CDW10 bits 7:0 LID, bits 14:8 LSP, bit 15 RAE, bits 31:16 NUMDL; CDW11 bits 15:0 NUMDU,
//! bits 31:16 LSI; CDW12 LPOL; CDW13 LPOU; CDW14 bits 6:0 UUID index, bit 23 OT, bits 31:24
//! CSI. NUMD = NUMDU:NUMDL is the number of dwords to return, 0-based.

use super::command::{bit, bits, field, AdminCommand, DataTransfer};
use super::opcode::AdminOpcode;
use super::request::AdminRequestRepr;
use super::spec_enum::spec_enum;
use crate::mi::MAX_DATA_LEN;

spec_enum! {
    /// Log Page Identifier, LID (NVMe Base 2.x Figure "Log Page Identifiers").
    pub enum Lid: 8 bits {
        /// Supported log pages (00h).
        SupportedLogPages = 0x00,
        /// Error information (01h).
        ErrorInformation = 0x01,
        /// SMART / health information (02h).
        SmartHealth = 0x02,
        /// Firmware slot information (03h).
        FirmwareSlot = 0x03,
        /// Changed namespace list (04h).
        ChangedNamespaceList = 0x04,
        /// Commands supported and effects (05h).
        CommandsSupportedAndEffects = 0x05,
        /// Device self-test (06h).
        DeviceSelfTest = 0x06,
        /// Telemetry host-initiated (07h).
        TelemetryHostInitiated = 0x07,
        /// Telemetry controller-initiated (08h).
        TelemetryControllerInitiated = 0x08,
        /// Endurance group information (09h).
        EnduranceGroup = 0x09,
        /// Predictable latency per NVM set (0Ah).
        PredictableLatencyPerNvmSet = 0x0a,
        /// Predictable latency event aggregate (0Bh).
        PredictableLatencyEventAggregate = 0x0b,
        /// Asymmetric namespace access (0Ch).
        AsymmetricNamespaceAccess = 0x0c,
        /// Persistent event log (0Dh).
        PersistentEvent = 0x0d,
        /// LBA status information (0Eh).
        LbaStatus = 0x0e,
        /// Endurance group event aggregate (0Fh).
        EnduranceGroupEventAggregate = 0x0f,
        /// Media unit status (10h).
        MediaUnitStatus = 0x10,
        /// Supported capacity configuration list (11h).
        SupportedCapacityConfigurationList = 0x11,
        /// Feature identifiers supported and effects (12h).
        FeatureIdentifiersSupportedAndEffects = 0x12,
        /// NVMe-MI commands supported and effects (13h).
        NvmeMiCommandsSupportedAndEffects = 0x13,
        /// Command and feature lockdown (14h).
        CommandAndFeatureLockdown = 0x14,
        /// Boot partition (15h).
        BootPartition = 0x15,
        /// Rotational media information (16h).
        RotationalMedia = 0x16,
        /// Discovery (70h).
        Discovery = 0x70,
        /// Reservation notification (80h).
        ReservationNotification = 0x80,
        /// Sanitize status (81h).
        SanitizeStatus = 0x81,
    }
}

/// A Get Log Page command (NVMe Base 2.x §5.1.12).
///
/// ```
/// use nvme_mi_core::mi::admin::{GetLogPage, Lid};
/// let smart = GetLogPage::new(Lid::SmartHealth, 512);
/// assert_eq!(smart.numd, 127);
/// assert_eq!(smart.len_bytes(), 512);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct GetLogPage {
    /// Log page identifier.
    pub lid: Lid,
    /// Namespace ID (SQE DW1); 0xFFFFFFFF for the controller-wide SMART log.
    pub nsid: u32,
    /// Log specific parameter (7 bits, CDW10 bits 14:8).
    pub lsp: u8,
    /// Retain asynchronous event (CDW10 bit 15).
    pub rae: bool,
    /// Number of dwords to return, 0-based (NUMDU:NUMDL).
    pub numd: u32,
    /// Log specific identifier (CDW11 bits 31:16).
    pub lsi: u16,
    /// Log page offset (LPOU:LPOL): a byte offset, or an entry index when `ot` is set.
    pub lpo: u64,
    /// UUID index (7 bits, CDW14 bits 6:0).
    pub uuid_index: u8,
    /// Offset type (CDW14 bit 23): `lpo` is an index of entries, not bytes.
    pub ot: bool,
    /// Command set identifier (CDW14 bits 31:24).
    pub csi: u8,
}

impl GetLogPage {
    /// Read `len` bytes of log `lid` (rounded up to whole dwords; at least one dword) from
    /// offset 0, for NSID 0xFFFFFFFF (all namespaces), RAE clear.
    pub const fn new(lid: Lid, len: u32) -> Self {
        let dwords = len.div_ceil(4);
        GetLogPage {
            lid,
            nsid: 0xffff_ffff,
            lsp: 0,
            rae: false,
            numd: if dwords == 0 { 0 } else { dwords - 1 },
            lsi: 0,
            lpo: 0,
            uuid_index: 0,
            ot: false,
            csi: 0,
        }
    }

    /// The number of bytes the command returns: (NUMD + 1) × 4.
    pub const fn len_bytes(&self) -> u64 {
        (self.numd as u64 + 1) * 4
    }

    /// NUMDL, the low 16 bits of NUMD.
    pub const fn numdl(&self) -> u16 {
        self.numd as u16
    }

    /// NUMDU, the high 16 bits of NUMD.
    pub const fn numdu(&self) -> u16 {
        (self.numd >> 16) as u16
    }

    /// Split a read of `len` bytes (rounded up to dwords) starting at this command's log page
    /// offset into commands of at most 4096 bytes each, stepping the byte offset, as libnvme
    /// does: RAE is set on every chunk but the last, which keeps this command's RAE (so the
    /// asynchronous event is cleared only once the whole log has been read). Requires `ot`
    /// clear (a byte offset).
    ///
    /// ```
    /// use nvme_mi_core::mi::admin::{GetLogPage, Lid};
    /// let mut it = GetLogPage::new(Lid::TelemetryHostInitiated, 0).chunks(10000);
    /// let a = it.next().unwrap();
    /// assert_eq!((a.lpo, a.len_bytes(), a.rae), (0, 4096, true));
    /// let b = it.next().unwrap();
    /// assert_eq!((b.lpo, b.len_bytes(), b.rae), (4096, 4096, true));
    /// let c = it.next().unwrap();
    /// assert_eq!((c.lpo, c.len_bytes(), c.rae), (8192, 1808, false));
    /// assert!(it.next().is_none());
    /// ```
    pub const fn chunks(&self, len: u32) -> LogPageChunks {
        LogPageChunks {
            template: *self,
            done: 0,
            total: len.div_ceil(4) as u64 * 4,
        }
    }
}

impl AdminCommand for GetLogPage {
    const OPCODE: AdminOpcode = AdminOpcode::GetLogPage;

    fn encode(&self, r: &mut AdminRequestRepr) {
        r.nsid = self.nsid;
        r.cdw10 = u32::from(self.lid.to_u8())
            | field(u32::from(self.lsp), 8, 7)
            | field(u32::from(self.rae), 15, 1)
            | (u32::from(self.numdl()) << 16);
        r.cdw11 = u32::from(self.numdu()) | (u32::from(self.lsi) << 16);
        r.cdw12 = self.lpo as u32;
        r.cdw13 = (self.lpo >> 32) as u32;
        r.cdw14 = field(u32::from(self.uuid_index), 0, 7)
            | field(u32::from(self.ot), 23, 1)
            | (u32::from(self.csi) << 24);
    }

    fn decode(r: &AdminRequestRepr) -> Self {
        GetLogPage {
            lid: Lid::from_u8(r.cdw10 as u8),
            nsid: r.nsid,
            lsp: bits(r.cdw10, 8, 7) as u8,
            rae: bit(r.cdw10, 15),
            numd: (r.cdw10 >> 16) | ((r.cdw11 & 0xffff) << 16),
            lsi: (r.cdw11 >> 16) as u16,
            lpo: u64::from(r.cdw12) | (u64::from(r.cdw13) << 32),
            uuid_index: bits(r.cdw14, 0, 7) as u8,
            ot: bit(r.cdw14, 23),
            csi: (r.cdw14 >> 24) as u8,
        }
    }

    /// NUMD describes the complete result data; a NUMD beyond `u32` bytes is reported as
    /// `u32::MAX`.
    fn data_transfer(&self) -> DataTransfer {
        let n = self.len_bytes();
        DataTransfer::DeviceToHost(if n > u32::MAX as u64 {
            u32::MAX
        } else {
            n as u32
        })
    }
}

/// The Get Log Page commands that read a large log in chunks of at most 4096 bytes (NVMe-MI 1.2 §6)
/// ([`GetLogPage::chunks`]).
#[derive(Debug, Clone)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct LogPageChunks {
    template: GetLogPage,
    done: u64,
    total: u64,
}

impl Iterator for LogPageChunks {
    type Item = GetLogPage;

    fn next(&mut self) -> Option<GetLogPage> {
        let left = self.total.checked_sub(self.done).filter(|&l| l > 0)?;
        let n = left.min(MAX_DATA_LEN as u64);
        let last = n == left;
        let cmd = GetLogPage {
            lpo: self.template.lpo.wrapping_add(self.done),
            numd: (n / 4 - 1) as u32,
            rae: if last { self.template.rae } else { true },
            ..self.template
        };
        self.done += n;
        Some(cmd)
    }

    fn size_hint(&self) -> (usize, Option<usize>) {
        let left = self.total.saturating_sub(self.done);
        let n = left.div_ceil(MAX_DATA_LEN as u64) as usize;
        (n, Some(n))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunking() {
        assert_eq!(GetLogPage::new(Lid::SmartHealth, 0).chunks(0).count(), 0);
        let c: heapless::Vec<GetLogPage, 4> = GetLogPage::new(Lid::ErrorInformation, 0)
            .chunks(4096)
            .collect();
        assert_eq!(c.len(), 1);
        assert_eq!(c[0].numd, 1023);
        assert!(!c[0].rae);
        let mut base = GetLogPage::new(Lid::PersistentEvent, 0);
        base.rae = true;
        base.lpo = 4;
        let c: heapless::Vec<GetLogPage, 4> = base.chunks(8193).collect();
        assert_eq!(c.len(), 3);
        assert_eq!(c[2].lpo, 4 + 8192);
        assert_eq!(c[2].len_bytes(), 4);
        assert!(c.iter().all(|g| g.rae));
        let sum: u64 = c.iter().map(|g| g.len_bytes()).sum();
        assert_eq!(sum, 8196);
    }

    #[test]
    fn numd_split() {
        let g = GetLogPage {
            numd: 0x0012_3456,
            ..GetLogPage::new(Lid::SmartHealth, 4)
        };
        let r = AdminRequestRepr::for_command(0, &g);
        assert_eq!(r.cdw10 >> 16, 0x3456);
        assert_eq!(r.cdw11 & 0xffff, 0x12);
        assert_eq!(r.dlen, 4096);
    }
}
