//! The drive's PCIe spaces as the PCIe Command Set sees them (NVMe-MI 1.2 §7): each
//! controller's configuration space (a type 0 header of an NVM Express controller) and the
//! controller registers in BAR0 (NVMe Base §3.1). Reads are served; of the writes only
//! CC.EN takes effect (a Controller Level Reset or enabling, [`crate::reset`]), the others
//! are accepted and change nothing; the drive has no I/O space.

use nvme_mi_core::mi::command::ShutdownStatus;
use nvme_mi_core::mi::pcie::{PcieCommand, PcieRequestRepr};
use nvme_mi_core::mi::status::{ParameterErrorLocation, Rejection, ResponseStatus};

use crate::{Sim, DEVICE_ID, VENDOR_ID};

/// Size of the controller register window in BAR0 this drive decodes (through CSTS and the
/// admin queue registers).
const BAR0_REGISTERS: u64 = 0x40;

/// PCI class code of an NVM Express I/O controller: mass storage (01h), non-volatile memory
/// (08h), NVM Express (02h).
const CLASS_CODE: [u8; 3] = [0x02, 0x08, 0x01];

impl Sim {
    /// Execute a PCIe command for one of the drive's controllers.
    pub(crate) fn pcie(
        &mut self,
        req: &PcieRequestRepr<'_>,
        out: &mut [u8],
    ) -> Result<usize, Rejection> {
        let Some(shst) = self.shutdown_status(req.ctlid) else {
            // CTLID (bytes 7:6 of the request) names no controller.
            return Err(Rejection::InvalidParameter(ParameterErrorLocation {
                byte: 6,
                bit: 0,
            }));
        };
        match req.command {
            PcieCommand::ConfigRead { offset, length } => {
                fill(out, u64::from(offset), usize::from(length), |at| {
                    self.config_byte(req.ctlid, at)
                })
            }
            PcieCommand::MemoryRead {
                bar,
                offset,
                length,
            } if bar.0 == 0 => {
                if offset.saturating_add(u64::from(length)) > BAR0_REGISTERS {
                    return Err(Rejection::InvalidParameter(ParameterErrorLocation {
                        byte: 12,
                        bit: 0,
                    }));
                }
                let enabled = self.enabled(req.ctlid).unwrap_or(true);
                fill(out, offset, usize::from(length), |at| {
                    register_byte(shst, enabled, at)
                })
            }
            PcieCommand::MemoryWrite {
                bar: nvme_mi_core::mi::pcie::Bar(0),
                offset,
                data,
            } => {
                // CC.EN is bit 0 of CC's first byte.
                if let Some(&b) = CC
                    .checked_sub(offset)
                    .and_then(|at| data.get(usize::try_from(at).ok()?))
                {
                    self.write_cc_en(req.ctlid, b & 1 != 0);
                }
                Ok(0)
            }
            PcieCommand::ConfigWrite { .. } => Ok(0),
            // No other memory BAR, no I/O space.
            _ => Err(Rejection::Other(ResponseStatus::PcieInaccessible)),
        }
    }

    fn config_byte(&self, ctlid: u16, at: u64) -> u8 {
        let vid = VENDOR_ID.to_le_bytes();
        let did = DEVICE_ID.to_le_bytes();
        let ssid = (0x1000 + ctlid).to_le_bytes();
        match at {
            0 => vid[0],
            1 => vid[1],
            2 => did[0],
            3 => did[1],
            // Command: memory space and bus master enabled.
            4 => 0x06,
            8 => 0x01, // revision ID
            9..=11 => CLASS_CODE[(at - 9) as usize],
            // BAR0: 64-bit memory BAR at 0xfe000000 + 64 KiB per controller.
            0x10 => 0x04,
            0x11 => 0x00,
            0x12 => ctlid as u8,
            0x13 => 0xfe,
            0x2c => vid[0],
            0x2d => vid[1],
            0x2e => ssid[0],
            0x2f => ssid[1],
            _ => 0,
        }
    }
}

/// Offset of CC, Controller Configuration, in BAR0 (NVMe Base 2.0 §3.1.3).
const CC: u64 = 0x14;

/// A byte of the controller registers (NVMe Base §3.1.3): CAP, VS 1.4, CC, CSTS. The
/// controller is ready as soon as it is enabled: CSTS.RDY follows CC.EN.
fn register_byte(shst: ShutdownStatus, enabled: bool, at: u64) -> u8 {
    // CAP: MQES 1023, CQR, timeout 20 × 500 ms, CSS NVM, MPSMIN/MAX 4 KiB.
    let cap: u64 = 0x3ff | (1 << 16) | (20 << 24) | (1 << 37);
    let vs: u32 = 0x0001_0400;
    let cc: u32 = u32::from(enabled)
        | (6 << 16)
        | (4 << 20)
        | match shst {
            ShutdownStatus::Normal => 0,
            _ => 1 << 14,
        };
    let shst_bits = match shst {
        ShutdownStatus::Normal => 0,
        ShutdownStatus::Occurring => 1,
        ShutdownStatus::Complete | ShutdownStatus::Reserved => 2,
    };
    let csts: u32 = u32::from(enabled) | (shst_bits << 2);
    let word = |v: u64, base: u64| (v >> ((at - base) * 8)) as u8;
    match at {
        0..=7 => word(cap, 0),
        8..=11 => word(u64::from(vs), 8),
        CC..=0x17 => word(u64::from(cc), CC),
        0x1c..=0x1f => word(u64::from(csts), 0x1c),
        _ => 0,
    }
}

/// Write `length` bytes starting at `offset`, each given by `byte`, into `out`.
fn fill(
    out: &mut [u8],
    offset: u64,
    length: usize,
    byte: impl Fn(u64) -> u8,
) -> Result<usize, Rejection> {
    let dst = out.get_mut(..length).ok_or(Rejection::InvalidCommandSize)?;
    for (i, b) in dst.iter_mut().enumerate() {
        *b = byte(offset + i as u64);
    }
    Ok(length)
}
