//! The completion queue entry dwords an Admin response carries (NVMe-MI 1.2 Figure 118):
//! CQE DW0, DW1 and DW3 (command ID, phase tag, status). DW2 (SQ head and ID) is not
//! carried.

use super::nvme_status::NvmeStatus;

/// The completion of a tunnelled Admin command (NVMe-MI 1.2 Figure 118).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct AdminCompletion {
    /// CQE DW0: command specific result (e.g. a Get Features value).
    pub dw0: u32,
    /// CQE DW1: command specific.
    pub dw1: u32,
    /// CQE DW3 bits 15:0: command identifier (0 out of band).
    pub cid: u16,
    /// CQE DW3 bit 16: phase tag.
    pub phase: bool,
    /// CQE DW3 bits 31:17: the NVMe completion status.
    pub status: NvmeStatus,
}

impl AdminCompletion {
    /// A successful completion with result `dw0`.
    pub const fn success(dw0: u32) -> Self {
        AdminCompletion {
            dw0,
            dw1: 0,
            cid: 0,
            phase: false,
            status: NvmeStatus::SUCCESS,
        }
    }

    /// A completion with `status` and zero result dwords.
    pub const fn with_status(status: NvmeStatus) -> Self {
        AdminCompletion {
            status,
            ..AdminCompletion::success(0)
        }
    }

    /// Decode CQE DW3.
    pub const fn from_dwords(dw0: u32, dw1: u32, dw3: u32) -> Self {
        AdminCompletion {
            dw0,
            dw1,
            cid: dw3 as u16,
            phase: dw3 & 0x1_0000 != 0,
            status: NvmeStatus::from_u16((dw3 >> 17) as u16),
        }
    }

    /// CQE DW3.
    pub const fn dw3(&self) -> u32 {
        self.cid as u32 | ((self.phase as u32) << 16) | ((self.status.to_u16() as u32) << 17)
    }
}
