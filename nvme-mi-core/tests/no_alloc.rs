//! The request path through the core allocates nothing: a counting global allocator watches
//! requests built, sent over the in-memory link, decoded and answered by the responder
//! engine, and responses decoded by the requester.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::allocations;

use core::time::Duration;
use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::reassemble::Reassembler;
use nvme_mi_core::mctp::smbus;
use nvme_mi_core::mctp::{Eid, Tag};
use nvme_mi_core::mi::admin::{
    AdminCompletion, DecodedAdminRequest, FormatNvm, GetLogPage, Identify, Lid, TypedCommand,
};
use nvme_mi_core::mi::command::{MiRequest, SubsystemHealthStatusPollRequest};
use nvme_mi_core::mi::status::{Mprt, Rejection};
use nvme_mi_core::mi::Csi;
use nvme_mi_core::requester::Endpoint;
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply, Responder};
use nvme_mi_core::time::Instant;

struct Drive {
    format_done: Option<Instant>,
}

impl Device for Drive {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        _: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        match req {
            MiRequest::SubsystemHealthStatusPoll(_) => {
                data[..8].copy_from_slice(&[0x38, 0xff, 0x25, 3, 0, 0, 0, 0]);
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: 8,
                })
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }
    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        match req.command {
            TypedCommand::Identify(_) | TypedCommand::GetLogPage(_) => {
                let n = req.repr.dlen as usize;
                out[..n].fill(0x5a);
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: n,
                })
            }
            TypedCommand::FormatNvm(_) => {
                self.format_done = Some(ctx.now + Duration::from_millis(500));
                Ok(AdminReply::InProgress(Mprt(5)))
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }
    fn poll_admin(
        &mut self,
        _: Csi,
        now: Instant,
        _: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        match self.format_done {
            Some(t) if t <= now => {
                self.format_done = None;
                Some((AdminCompletion::success(0), 0))
            }
            _ => None,
        }
    }
    fn next_deadline(&self) -> Option<Instant> {
        self.format_done
    }
}

#[test]
fn request_and_response_paths_allocate_nothing() {
    // Set-up may allocate (the test harness does); the measured section must not.
    let mut link: Box<Loopback<Responder<Drive, LoopPeer>, 4>> = Box::new(Loopback::new(
        Responder::new(Drive { format_done: None }, Eid(9)),
        Eid(8),
        Eid(9),
    ));
    let mut buf = Box::new([0u8; 4224]);
    let mut log = Box::new([0u8; 8192]);
    let mut frames = Box::new([[0u8; smbus::MAX_FRAME_LEN]; 70]);
    let mut reasm: Box<Reassembler<2, 4224>> = Box::new(Reassembler::new());

    let before = allocations();
    {
        let mut ep = Endpoint::new(&mut *link, &mut buf[..]);
        for _ in 0..20 {
            let h = ep
                .mi_command(&SubsystemHealthStatusPollRequest {
                    clear_status: false,
                })
                .unwrap();
            assert_eq!(h.health.ctemp, 0x25);
            let r = ep.admin(0, &Identify::controller(), 0, 4096, &[]).unwrap();
            assert_eq!(r.data.len(), 4096);
            assert_eq!(
                ep.get_log_page(0, &GetLogPage::new(Lid::SmartHealth, 0), &mut log[..])
                    .unwrap(),
                8192
            );
            ep.admin(1, &FormatNvm::new(1, 0), 0, 0, &[]).unwrap();
            let (status, _) = ep.control_primitive_raw(3, 0).unwrap();
            assert_eq!(status.to_u8(), 0);
        }
        // The SMBus path: fragment a 4 KiB response into baseline frames and reassemble it.
        let msg = [0x84u8; 4120];
        let repr = PacketRepr {
            dest: Eid(8),
            src: Eid(9),
            som: false,
            eom: false,
            seq: 0,
            tag_owner: false,
            tag: Tag::new(3).unwrap(),
        };
        let parts: [&[u8]; 1] = [&msg[..]];
        let mut frag = Fragmenter::new(&parts, repr, 64).unwrap();
        let mut pkt = [0u8; 68];
        let mut count = 0;
        while let Some(n) = frag.next(&mut pkt) {
            let n = n.unwrap();
            let f = smbus::emit(0x10, 0x1d, &pkt[..n], &mut frames[count]).unwrap();
            assert_eq!(f, n + 5);
            count += 1;
        }
        let mut delivered = 0;
        for (i, frame) in frames[..count].iter().enumerate() {
            let len = smbus::FrameRepr::buffer_len(pkt_len(i, count, 4120));
            let (_, packet) = smbus::decode(&frame[..len]).unwrap();
            if let Some(m) = reasm.receive(packet, Instant(0)).unwrap() {
                delivered = m.message().len();
            }
        }
        assert_eq!(delivered, 4120);
    }
    let after = allocations();
    assert_eq!(after - before, 0, "the core allocated on the request path");
    // The counter is live: a real allocation is seen.
    let control = std::hint::black_box(Box::new(after));
    assert!(allocations() > after, "{control}");
}

/// Length of packet `i` of `count` carrying a `len`-byte message at the baseline unit.
fn pkt_len(i: usize, count: usize, len: usize) -> usize {
    4 + if i + 1 < count {
        64
    } else {
        len - 64 * (count - 1)
    }
}
