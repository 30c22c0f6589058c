//! Chunked transfers and events through the requester, against a small device whose data is
//! a known pattern, over the in-memory link.

use core::time::Duration;
use nvme_mi_core::fault_injector::{Fault, FaultInjector};
use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{
    AdminCompletion, DecodedAdminRequest, GetLogPage, Identify, Lid, TypedCommand,
};
use nvme_mi_core::mi::aem::{AeId, AeOccurrence, AeOccurrenceList, AeOccurrenceListHeader, Aemti};
use nvme_mi_core::mi::command::{ConfigurationSetRequest, MiRequest};
use nvme_mi_core::mi::status::Rejection;
use nvme_mi_core::requester::{AeSettings, Endpoint, RequestError};
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply, Responder};
use nvme_mi_core::time::Instant;

const LOG_LEN: usize = 10_000;

struct Pattern {
    vpd: [u8; 512],
    fw_bytes: Vec<(u64, usize)>,
    log_requests: Vec<(u64, u64, bool)>,
    events: Vec<(Instant, u8)>,
}

fn pattern(i: u64) -> u8 {
    (i.wrapping_mul(31) >> 2) as u8
}

impl Device for Pattern {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        ctx: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        match req {
            MiRequest::VpdRead(r) => {
                let (o, l) = (usize::from(r.offset), usize::from(r.length));
                let src = self
                    .vpd
                    .get(o..o + l)
                    .ok_or(Rejection::InvalidCommandSize)?;
                data[..l].copy_from_slice(src);
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: l,
                })
            }
            MiRequest::VpdWrite(w) => {
                let o = usize::from(w.offset);
                self.vpd
                    .get_mut(o..o + w.data.len())
                    .ok_or(Rejection::InvalidCommandSize)?
                    .copy_from_slice(w.data);
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: 0,
                })
            }
            MiRequest::ConfigurationSet(ConfigurationSetRequest::AsyncEvent { .. }) => {
                // Raise generation 1 soon, and send it twice (a retransmission).
                self.events = vec![
                    (ctx.now + Duration::from_millis(100), 1),
                    (ctx.now + Duration::from_millis(200), 1),
                    (ctx.now + Duration::from_millis(300), 2),
                ];
                let n =
                    AeOccurrenceList::emit(&AeOccurrenceListHeader::default(), &[], data).unwrap();
                Ok(MiReply::Success {
                    nmresp: [0; 3],
                    data_len: n,
                })
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }

    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        _ctx: &Context,
        out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        match req.command {
            TypedCommand::GetLogPage(g) => {
                self.log_requests.push((g.lpo, g.len_bytes(), g.rae));
                let n = (g.len_bytes() as usize).min(LOG_LEN.saturating_sub(g.lpo as usize));
                for (i, b) in out[..n].iter_mut().enumerate() {
                    *b = pattern(g.lpo + i as u64);
                }
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: n,
                })
            }
            TypedCommand::Identify(_) => {
                let n = req.repr.dlen as usize;
                for (i, b) in out[..n].iter_mut().enumerate() {
                    *b = pattern(u64::from(req.repr.dofst) + i as u64);
                }
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: n,
                })
            }
            TypedCommand::FirmwareImageDownload(f) => {
                assert_eq!(req.data.len() as u64, f.len_bytes());
                self.fw_bytes.push((f.offset_bytes(), req.data.len()));
                Ok(AdminReply::Complete {
                    completion: AdminCompletion::success(0),
                    data_len: 0,
                })
            }
            _ => Err(Rejection::InvalidCommandOpcode),
        }
    }

    fn next_deadline(&self) -> Option<Instant> {
        self.events.first().map(|e| e.0)
    }

    fn take_aem(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        let &(due, generation) = self.events.first()?;
        if due > now {
            return None;
        }
        self.events.remove(0);
        let hdr = AeOccurrenceListHeader {
            aemti: Aemti {
                retry_count: 0,
                generation,
            },
            ..Default::default()
        };
        AeOccurrenceList::emit(&hdr, &[AeOccurrence::new(AeId::CompositeTemperature)], out).ok()
    }
}

fn setup() -> Box<Loopback<Responder<Pattern, LoopPeer>, 4>> {
    let dev = Pattern {
        vpd: [0; 512],
        fw_bytes: vec![],
        log_requests: vec![],
        events: vec![],
    };
    Box::new(Loopback::new(Responder::new(dev, Eid(9)), Eid(8), Eid(9)))
}

#[test]
fn log_page_read_by_offset_in_chunks() {
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let mut out = vec![0u8; LOG_LEN];
    let n = ep
        .get_log_page(
            0,
            &GetLogPage::new(Lid::TelemetryHostInitiated, 0),
            &mut out,
        )
        .unwrap();
    assert_eq!(n, LOG_LEN);
    assert!(out.iter().enumerate().all(|(i, &b)| b == pattern(i as u64)));
    let reqs = &link.responder().device().log_requests;
    assert_eq!(
        reqs,
        &[(0, 4096, true), (4096, 4096, true), (8192, 1808, false)]
    );
    // Asking for more than the log holds stops at the device's short chunk.
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let mut big = vec![0u8; 16_384];
    assert_eq!(
        ep.get_log_page(
            0,
            &GetLogPage::new(Lid::TelemetryHostInitiated, 0),
            &mut big
        )
        .unwrap(),
        LOG_LEN
    );
}

#[test]
fn admin_data_by_offset() {
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let mut out = vec![0u8; 4096];
    assert_eq!(
        ep.read_admin_data(0, &Identify::controller(), &mut out, 1024)
            .unwrap(),
        4096
    );
    assert!(out.iter().enumerate().all(|(i, &b)| b == pattern(i as u64)));
    assert_eq!(link.stats().requests, 4);
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    assert_eq!(
        ep.read_admin_data(0, &Identify::controller(), &mut [0u8; 6], 1024),
        Err(RequestError::InvalidArgument)
    );
}

#[test]
fn vpd_round_trip() {
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let data: Vec<u8> = (0..200u8).collect();
    ep.vpd_write(100, &data).unwrap();
    let mut back = vec![0u8; 200];
    assert_eq!(ep.vpd_read(100, &mut back).unwrap(), 200);
    assert_eq!(back, data);
}

#[test]
fn firmware_download_reports_progress() {
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let image: Vec<u8> = (0..10_000u32).map(|i| i as u8).collect();
    let mut seen = vec![];
    ep.firmware_download(1, &image, 4096, |done, total| seen.push((done, total)))
        .unwrap();
    assert_eq!(seen, [(4096, 10_000), (8192, 10_000), (10_000, 10_000)]);
    assert_eq!(
        link.responder().device().fw_bytes,
        [(0, 4096), (4096, 4096), (8192, 1808)]
    );
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    assert!(matches!(
        ep.firmware_download(1, &image[..10], 4096, |_, _| {}),
        Err(RequestError::Malformed(_))
    ));
}

#[test]
fn events_are_enabled_received_once_and_bounded_by_deadline() {
    let mut link = setup();
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let pending = ep
        .enable_events(
            AeSettings::default(),
            &[nvme_mi_core::mi::aem::AeConfigEntry::new(
                AeId::CompositeTemperature,
                true,
            )],
        )
        .unwrap();
    assert_eq!(pending.occurrences().count(), 0);
    let t0 = nvme_mi_core::transport::Transport::now(ep.transport_mut());
    let first = ep.recv_event(t0 + Duration::from_secs(1)).unwrap();
    assert_eq!(first.aemti().generation, 1);
    assert_eq!(
        first.occurrences().next().unwrap().id,
        AeId::CompositeTemperature
    );
    // The retransmission of generation 1 is swallowed; generation 2 is new.
    let second = ep.recv_event(t0 + Duration::from_secs(1)).unwrap();
    assert_eq!(second.aemti().generation, 2);
    // Nothing more: a timeout at the deadline, as an error.
    let t1 = nvme_mi_core::transport::Transport::now(ep.transport_mut());
    assert!(matches!(
        ep.recv_event(t1 + Duration::from_millis(500)),
        Err(RequestError::Transport(_))
    ));
    // Acknowledge.
    assert_eq!(ep.ack_events().unwrap().occurrences().count(), 0);
}

#[test]
fn streaming_stops_on_faults_with_typed_errors() {
    let mut drive = setup();
    let mut link = Box::new(FaultInjector::<_>::new(&mut *drive));
    link.inject(Fault::Silence);
    let mut ep = Endpoint::new(&mut *link, [0u8; 4224]);
    let mut out = vec![0u8; 8192];
    assert!(matches!(
        ep.get_log_page(
            0,
            &GetLogPage::new(Lid::TelemetryHostInitiated, 0),
            &mut out
        ),
        Err(RequestError::Timeout { attempts: 3, .. })
    ));
}
