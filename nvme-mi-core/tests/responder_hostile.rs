//! The responder engine against requests crafted to break it: state that must not be left
//! behind, counters that must not overflow, deadlines that must move.

use core::time::Duration;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{AdminCompletion, AdminRequestRepr, DecodedAdminRequest, FormatNvm};
use nvme_mi_core::mi::command::{MiCommand, MiRequest, ResetRequest, ResetType};
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::status::{Mprt, Rejection};
use nvme_mi_core::mi::{Csi, Nmimt};
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply, Respond, Responder};
use nvme_mi_core::time::Instant;

/// A drive whose Format NVM runs for 3 s in the slot it arrived in.
#[derive(Default)]
struct SlowFormat {
    done_at: [Option<Instant>; 2],
    completed: u32,
}

impl Device for SlowFormat {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        _ctx: &Context,
        _data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        match req {
            // An NVM Subsystem Reset ends every operation in progress, silently.
            MiRequest::Reset(_) => {
                self.done_at = [None, None];
                Ok(MiReply::NoResponse)
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }

    fn admin_command(
        &mut self,
        _req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        _out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        self.done_at[usize::from(ctx.csi.to_bit())] = Some(ctx.now + Duration::from_secs(3));
        Ok(AdminReply::InProgress(Mprt(30)))
    }

    fn poll_admin(
        &mut self,
        csi: Csi,
        now: Instant,
        _out: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        let slot = &mut self.done_at[usize::from(csi.to_bit())];
        match *slot {
            Some(t) if t <= now => {
                *slot = None;
                self.completed += 1;
                Some((AdminCompletion::success(0), 0))
            }
            _ => None,
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.done_at.iter().flatten().min().copied()
    }
}

fn format_request(csi: Csi) -> Vec<u8> {
    let mut repr = AdminRequestRepr::for_command(1, &FormatNvm::new(1, 0));
    repr.csi = csi;
    let mut out = vec![0u8; 4224];
    let n = repr.emit_message(&[], &mut out).unwrap();
    out.truncate(n);
    out
}

fn abort(csi: Csi) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    let n = emit_message(
        &MessageHeader::request(Nmimt::ControlPrimitive, csi),
        &[&[0x02, 0x01, 0, 0]],
        &mut out,
    )
    .unwrap();
    out.truncate(n);
    out
}

/// Abort returns the slot to Idle, but the device's long operation goes on; once it is due,
/// the engine must still collect it (and send nothing), or the responder's deadline stays in
/// the past for ever and a serve loop spins on it.
#[test]
fn an_aborted_long_operation_does_not_leave_a_deadline_in_the_past() {
    let mut r: Responder<SlowFormat, u32> = Responder::new(SlowFormat::default(), Eid(9));
    let mut out = vec![0u8; 4224];
    assert!(r
        .handle(&format_request(Csi::Slot1), &7, Instant(1_000), &mut out)
        .is_some());
    assert_eq!(r.next_deadline(), Some(Instant(4_000)));
    let n = r
        .handle(&abort(Csi::Slot1), &7, Instant(1_500), &mut out)
        .unwrap();
    assert_eq!(out[4], 0, "Abort succeeds");
    assert_eq!(n, 12);
    // The operation falls due: nothing is sent for the aborted command ...
    assert!(r.poll(Instant(4_000), &mut out).is_none());
    // ... and the deadline has moved on.
    assert_eq!(r.next_deadline(), None);
    assert_eq!(r.device().completed, 1);
}

fn get_state(csi: Csi) -> Vec<u8> {
    let mut out = vec![0u8; 16];
    let n = emit_message(
        &MessageHeader::request(Nmimt::ControlPrimitive, csi),
        &[&[0x03, 0x02, 0, 0]],
        &mut out,
    )
    .unwrap();
    out.truncate(n);
    out
}

/// An NVM Subsystem Reset ends the long operation of a command in progress (and sends no
/// response); the engine must return that command's slot to Idle rather than keep it busy
/// for ever, silently dropping every later Admin command sent to it.
#[test]
fn a_subsystem_reset_returns_busy_slots_to_idle() {
    let mut r: Responder<SlowFormat, u32> = Responder::new(SlowFormat::default(), Eid(9));
    let mut out = vec![0u8; 4224];
    assert!(r
        .handle(&format_request(Csi::Slot0), &7, Instant(1_000), &mut out)
        .is_some());
    let mut reset = vec![0u8; 64];
    let n = ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    }
    .emit_request(Csi::Slot1, &mut reset)
    .unwrap();
    assert_eq!(r.handle(&reset[..n], &7, Instant(1_100), &mut out), None);
    assert!(r.poll(Instant(10_000), &mut out).is_none());
    // Get State: slot 0 is Idle again and reports that a reset occurred (bit 14).
    r.handle(&get_state(Csi::Slot0), &7, Instant(10_000), &mut out)
        .unwrap();
    let cpsr = u16::from_le_bytes([out[6], out[7]]);
    assert_eq!(cpsr & 3, 0, "slot 0 Idle");
    assert_ne!(cpsr & (1 << 14), 0, "NVM subsystem reset occurred");
    // A new command in slot 0 is served.
    assert!(r
        .handle(&format_request(Csi::Slot0), &7, Instant(10_100), &mut out)
        .is_some());
    assert_eq!(r.stats().slot_busy, 0);
}
