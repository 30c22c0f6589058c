//! What a drive implements to be served by the [`Responder`](super::Responder).

use crate::mi::admin::{AdminCompletion, DecodedAdminRequest};
use crate::mi::command::MiRequest;
use crate::mi::pcie::PcieRequestRepr;
use crate::mi::status::{Mprt, Rejection};
use crate::mi::Csi;
use crate::time::Instant;

/// Facts about the request being served that are not in its decoded fields.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub struct Context {
    /// The command slot the request arrived in.
    pub csi: Csi,
    /// When it arrived.
    pub now: Instant,
}

/// How a device answered an NVMe-MI Command (NMIMT 1).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum MiReply {
    /// Success: NMRESP (bytes 7:5) and the number of response-data bytes written.
    Success {
        /// NVMe Management Response, byte 5 first.
        nmresp: [u8; 3],
        /// Bytes of response data written to the data buffer.
        data_len: usize,
    },
    /// The command produces no response at all (a successful NVM Subsystem Reset,
    /// NVMe-MI 1.2 §5.7).
    NoResponse,
}

/// How a device answered an Admin command (NMIMT 2).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg_attr(feature = "defmt", derive(defmt::Format))]
pub enum AdminReply {
    /// The command completed: its completion dwords and the number of response-data bytes
    /// written to the data buffer.
    Complete {
        /// CQE DW0, DW1 and the NVMe status.
        completion: AdminCompletion,
        /// Bytes of response data written.
        data_len: usize,
    },
    /// The command started a long operation: the responder answers More Processing
    /// Required with this time and asks [`Device::poll_admin`] for the completion later.
    InProgress(Mprt),
}

/// A drive as the responder engine sees it.
///
/// The engine decodes and validates every request (integrity check, header, sizes, reserved
/// values, Admin data placement, Admin commands prohibited out of band) and calls the device
/// only with well-formed requests; the device answers with data or with the NVMe-MI status
/// it prescribes. Methods with defaults describe optional features: a device that does not
/// override them rejects the command with Invalid Command Opcode.
pub trait Device {
    /// Execute an NVMe-MI Command. Response data goes into `data` (whose length is the most
    /// one response can carry).
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        ctx: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection>;

    /// Execute an Admin command. `req.data` is the host-to-controller data; response data
    /// goes into `data_out`: at most `req.repr.dlen` bytes, starting at byte `req.repr.dofst`
    /// of the command's complete result.
    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        data_out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        let _ = (req, ctx, data_out);
        Err(Rejection::InvalidCommandOpcode)
    }

    /// Execute a PCIe Command (NVMe-MI 1.2 §7): configuration, memory or I/O read or write
    /// of controller `req.ctlid`'s PCIe spaces. Read data goes into `data_out`; return the
    /// number of bytes read (0 for writes).
    fn pcie_command(
        &mut self,
        req: &PcieRequestRepr<'_>,
        ctx: &Context,
        data_out: &mut [u8],
    ) -> Result<usize, Rejection> {
        let _ = (req, ctx, data_out);
        Err(Rejection::InvalidCommandOpcode)
    }

    /// Is the long operation started in slot `csi` finished by `now`? If so, write its
    /// response data into `data_out` and return the completion and the data length.
    fn poll_admin(
        &mut self,
        csi: Csi,
        now: Instant,
        data_out: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        let _ = (csi, now, data_out);
        None
    }

    /// Time passed: update state that evolves by itself (temperature, power-on hours, ...).
    fn tick(&mut self, now: Instant) {
        let _ = now;
    }

    /// When the device next has something to do by itself (finish a long operation, raise
    /// an event), if ever.
    fn next_deadline(&self) -> Option<Instant> {
        None
    }

    /// If an Asynchronous Event Message is due at `now`, write its AE Occurrence List
    /// (NVMe-MI 2.0 §5.3, the AEM body after the header) into `out` and return its length.
    fn take_aem(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        let _ = (now, out);
        None
    }

    /// The endpoint's UUID for MCTP Get Endpoint UUID, if it has one.
    fn uuid(&self) -> Option<[u8; 16]> {
        None
    }

    /// The NVMe-MI version the device implements, (major, minor): what MCTP Get MCTP
    /// Version Support reports for message type 4 (DSP0236 1.3, §12.6), which must agree
    /// with the version in the NVM Subsystem Information data structure (NVMe-MI 1.2
    /// §5.7.1, MJR and MNR) the device returns.
    fn nvme_mi_version(&self) -> (u8, u8) {
        (1, 2)
    }
}
