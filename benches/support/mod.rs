//! A drive for benchmarks: the simulated drive, plus a 64 KiB Telemetry Host-Initiated log
//! (LID 07h) for timing large log reads. The simulated drive's own logs are at most 512 bytes.

#![allow(dead_code)]

use nvme_mi_core::mi::admin::{AdminCompletion, DecodedAdminRequest, Lid, TypedCommand};
use nvme_mi_core::mi::command::MiRequest;
use nvme_mi_core::mi::status::Rejection;
use nvme_mi_core::mi::Csi;
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply};
use nvme_mi_core::time::Instant;
use nvme_mi_sim::Sim;

/// Size of the large log.
pub const BIG_LOG_LEN: usize = 64 * 1024;

/// Byte `i` of the large log.
pub fn big_log_byte(i: usize) -> u8 {
    (i as u8) ^ ((i >> 8) as u8)
}

/// The simulated drive with a 64 KiB log.
pub struct BigLog(pub Sim);

impl Device for BigLog {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        ctx: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        self.0.mi_command(req, ctx, data)
    }

    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        data_out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        match req.command {
            TypedCommand::GetLogPage(lp) if lp.lid == Lid::TelemetryHostInitiated => {
                let start = lp.lpo as usize + req.repr.dofst as usize;
                let want = (req.repr.dlen as usize).min(lp.len_bytes() as usize);
                let n = want.min(BIG_LOG_LEN.saturating_sub(start));
                for (i, b) in data_out[..n].iter_mut().enumerate() {
                    *b = big_log_byte(start + i);
                }
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: n,
                })
            }
            _ => self.0.admin_command(req, ctx, data_out),
        }
    }

    fn poll_admin(
        &mut self,
        csi: Csi,
        now: Instant,
        data_out: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        self.0.poll_admin(csi, now, data_out)
    }

    fn tick(&mut self, now: Instant) {
        self.0.tick(now)
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.0.next_deadline()
    }

    fn take_aem(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        self.0.take_aem(now, out)
    }

    fn uuid(&self) -> Option<[u8; 16]> {
        self.0.uuid()
    }
}
