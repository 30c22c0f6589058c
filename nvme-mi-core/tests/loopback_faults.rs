//! The requester exchange over the in-memory link, under every fault the link can inject:
//! each case ends in the right typed error or the right data, within its deadline, and the
//! link is usable for the next command.

use core::time::Duration;
use nvme_mi_core::fault_injector::{Fault, FaultError, FaultInjector, Which};
use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::{Csi, Message, Nmimt};
use nvme_mi_core::requester::{run_exchange, Expect, Policy, RequestError};
use nvme_mi_core::responder::{Outgoing, Respond};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{EventSource, Transport};

/// A minimal responder: answers every valid NVMe-MI request with success and a counter in
/// the first response byte after the status; in slow mode answers More Processing Required
/// (1 s) and the final response 500 ms later; can raise one unsolicited message.
#[derive(Default)]
struct Counter {
    handled: u8,
    slow: bool,
    pending: Option<(LoopPeer, Instant, MessageHeader)>,
    event: Option<(LoopPeer, Instant)>,
}

impl Respond<LoopPeer> for Counter {
    fn handle(
        &mut self,
        req: &[u8],
        from: &LoopPeer,
        now: Instant,
        out: &mut [u8],
    ) -> Option<usize> {
        let m = Message::new_checked(req).ok()?;
        m.check_mic().ok()?;
        self.handled += 1;
        let hdr = MessageHeader::parse(&m).response();
        if self.slow {
            self.pending = Some((*from, now + Duration::from_millis(500), hdr));
            emit_message(&hdr, &[&[0x01, 0, 10, 0]], out).ok()
        } else {
            emit_message(&hdr, &[&[0x00, self.handled, 0, 0]], out).ok()
        }
    }

    fn poll(&mut self, now: Instant, out: &mut [u8]) -> Option<Outgoing<LoopPeer>> {
        if let Some((to, due, hdr)) = self.pending {
            if due <= now {
                self.pending = None;
                let len = emit_message(&hdr, &[&[0x00, self.handled, 0, 0]], out).ok()?;
                return Some(Outgoing::Response { to, len });
            }
        }
        if let Some((to, due)) = self.event {
            if due <= now {
                self.event = None;
                let hdr = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0);
                let len = emit_message(&hdr, &[&[0, 0, 7, 0, 0, 7, 0]], out).ok()?;
                return Some(Outgoing::Unsolicited { to, len });
            }
        }
        None
    }

    fn next_deadline(&self) -> Option<Instant> {
        match (self.pending.map(|p| p.1), self.event.map(|e| e.1)) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        }
    }
}

type Link = FaultInjector<Loopback<Counter, 4>>;

fn link() -> Box<Link> {
    Box::new(FaultInjector::new(Loopback::new(
        Counter::default(),
        Eid(8),
        Eid(9),
    )))
}

const MI: Expect = Expect::NvmeMi {
    nmimt: Nmimt::MiCommand,
    csi: Csi::Slot0,
    primitive_tag: None,
};

fn request() -> Vec<u8> {
    let mut out = [0u8; 32];
    let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
    let n = emit_message(&hdr, &[&[1, 0, 0, 0], &[0; 8]], &mut out).unwrap();
    out[..n].to_vec()
}

/// Run one command; on success return the counter byte of the response.
fn exchange(
    l: &mut Link,
    policy: Policy,
) -> Result<u8, RequestError<FaultError<nvme_mi_core::transport::ErrorKind>>> {
    let req = request();
    let mut buf = [0u8; 64];
    let start = l.now();
    let r = run_exchange(l, policy, MI, &[&req], &mut buf);
    assert!(l.now().since(start) <= policy.max_total, "deadline overrun");
    assert_eq!(l.inner().stats().open_exchanges, 0, "tag leaked");
    let n = r?;
    let m = Message::new_checked(&buf[..n]).unwrap();
    Ok(m.body()[1])
}

#[test]
fn clean_link() {
    let mut l = link();
    assert_eq!(exchange(&mut l, Policy::read()), Ok(1));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(2));
}

#[test]
fn more_processing_required_then_final() {
    let mut l = link();
    l.inner_mut().responder_mut().slow = true;
    let t0 = l.now();
    assert_eq!(exchange(&mut l, Policy::write()), Ok(1));
    assert!(l.now().since(t0) >= Duration::from_millis(500));
}

#[test]
fn dropped_response_retried_when_idempotent() {
    let mut l = link();
    l.inject(Fault::DropResponse(Which::Nth(0)));
    assert_eq!(
        exchange(&mut l, Policy::read()),
        Ok(2),
        "second transmission answered"
    );
    let mut l = link();
    l.inject(Fault::DropResponse(Which::Nth(0)));
    assert!(matches!(
        exchange(&mut l, Policy::write()),
        Err(RequestError::Timeout { attempts: 1, .. })
    ));
    assert_eq!(
        exchange(&mut l, Policy::write()),
        Ok(2),
        "usable afterwards"
    );
}

#[test]
fn dropped_request() {
    let mut l = link();
    l.inject(Fault::DropRequest(Which::Nth(0)));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(1));
}

#[test]
fn corrupted_request_is_ignored_by_the_responder() {
    let mut l = link();
    l.inject(Fault::CorruptRequest(Which::Nth(0), 13, 0x80));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(1));
    assert_eq!(l.inner().stats().requests, 2);
    assert_eq!(l.stats().requests_corrupted, 1);
}

#[test]
fn duplicated_responses_never_leak_into_the_next_command() {
    let mut l = link();
    l.inject(Fault::DuplicateResponse(Which::All));
    for i in 1..=6 {
        assert_eq!(exchange(&mut l, Policy::write()), Ok(i));
    }
}

#[test]
fn late_response_discarded_and_retried() {
    let mut l = link();
    l.inject(Fault::DelayResponse(Which::Nth(0), 7_000));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(2));
    assert_eq!(l.stats().discarded, 0);
    // The late first response (old tag) is still in flight; the next command must get its
    // own answer, and once the stale one lands it is discarded, never delivered.
    l.inner_mut().advance(Duration::from_secs(3));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(3));
    assert_eq!(l.stats().discarded, 1);
}

#[test]
fn corrupted_response() {
    let mut l = link();
    l.inject(Fault::CorruptResponse(Which::Nth(0), 9, 0x01));
    assert_eq!(exchange(&mut l, Policy::read()), Ok(2));
    let mut l = link();
    l.inject(Fault::CorruptResponse(Which::All, 9, 0x01));
    assert!(matches!(
        exchange(&mut l, Policy::read()),
        Err(RequestError::Integrity { .. })
    ));
    l.heal();
    assert_eq!(exchange(&mut l, Policy::read()), Ok(4));
}

#[test]
fn truncated_response() {
    for len in [0usize, 1, 4, 7, 11] {
        let mut l = link();
        l.inject(Fault::TruncateResponse(Which::All, len));
        let e = exchange(&mut l, Policy::write()).unwrap_err();
        assert!(
            matches!(
                e,
                RequestError::Malformed(_)
                    | RequestError::Integrity { .. }
                    | RequestError::Unexpected(_)
            ),
            "len {len}: {e:?}"
        );
    }
}

#[test]
fn wrong_tag_and_wrong_source_are_never_delivered() {
    for fault in [Fault::WrongTag(Which::All), Fault::WrongSource(Which::All)] {
        let mut l = link();
        l.inject(fault);
        assert!(matches!(
            exchange(&mut l, Policy::read()),
            Err(RequestError::Timeout { attempts: 3, .. })
        ));
        assert_eq!(l.stats().discarded, 3);
        l.heal();
        assert_eq!(exchange(&mut l, Policy::read()), Ok(4));
    }
}

#[test]
fn endless_more_processing_ends_at_the_deadline() {
    let mut l = link();
    l.inject(Fault::EndlessMpr(Which::All, 1_000));
    let policy = Policy {
        max_total: Duration::from_secs(120),
        ..Policy::slow()
    };
    match exchange(&mut l, policy) {
        Err(RequestError::Timeout {
            after_more_processing: true,
            waited,
            ..
        }) => {
            assert!(waited <= Duration::from_secs(120));
            assert!(waited >= Duration::from_secs(119));
        }
        other => panic!("{other:?}"),
    }
    l.heal();
    assert_eq!(exchange(&mut l, Policy::read()), Ok(2));
}

#[test]
fn silence() {
    let mut l = link();
    l.inject(Fault::Silence);
    let t0 = l.now();
    assert!(matches!(
        exchange(&mut l, Policy::read()),
        Err(RequestError::Timeout { attempts: 3, .. })
    ));
    assert_eq!(l.now().since(t0), Duration::from_secs(15));
}

#[test]
fn unsolicited_messages_arrive_on_their_own_path() {
    let mut l = link();
    let due = l.now() + Duration::from_secs(2);
    l.inner_mut().responder_mut().event = Some((
        LoopPeer {
            eid: Eid(8),
            tag: 0,
        },
        due,
    ));
    let mut buf = [0u8; 64];
    let deadline = l.now() + Duration::from_secs(1);
    assert_eq!(
        l.recv_unsolicited(&mut buf, deadline),
        Err(FaultError::Transport(
            nvme_mi_core::transport::ErrorKind::Timeout
        ))
    );
    let deadline = l.now() + Duration::from_secs(5);
    let n = l.recv_unsolicited(&mut buf, deadline).unwrap();
    let m = Message::new_checked(&buf[..n]).unwrap();
    m.check_mic().unwrap();
    assert_eq!(m.nmimt(), Nmimt::AsyncEvent);
    // A command still works afterwards and is not confused with the event.
    assert_eq!(exchange(&mut l, Policy::read()), Ok(1));
}

/// Poll a future that never waits for real (the loopback completes at once) to completion.
fn block_on<F: core::future::Future>(f: F) -> F::Output {
    let mut f = core::pin::pin!(f);
    let mut cx = core::task::Context::from_waker(core::task::Waker::noop());
    for _ in 0..1_000 {
        if let core::task::Poll::Ready(v) = f.as_mut().poll(&mut cx) {
            return v;
        }
    }
    panic!("future did not complete");
}

#[test]
fn async_twin_follows_more_processing_and_quirk_gap() {
    use nvme_mi_core::requester::{AsyncEndpoint, CommandClass, Config, Quirks};
    // The loopback itself: the fault injector is a blocking transport only.
    let mut l: Box<Loopback<Counter, 4>> =
        Box::new(Loopback::new(Counter::default(), Eid(8), Eid(9)));
    l.responder_mut().slow = true;
    let config = Config {
        quirks: Quirks {
            min_command_gap: Duration::from_millis(50),
            ..Quirks::NONE
        },
        ..Config::default()
    };
    let mut ep = AsyncEndpoint::with_config(&mut *l, [0u8; 4224], config);
    let t0 = nvme_mi_core::transport::AsyncTransport::now(ep.transport_mut());
    let counter = block_on(async {
        let a = ep
            .nvme_mi(
                CommandClass::Write,
                Nmimt::MiCommand,
                &[&[1, 0, 0, 0], &[0; 8]],
            )
            .await
            .unwrap()
            .header
            .info
            .nmresp();
        let b = ep
            .nvme_mi(
                CommandClass::Write,
                Nmimt::MiCommand,
                &[&[1, 0, 0, 0], &[0; 8]],
            )
            .await
            .unwrap()
            .header
            .info
            .nmresp();
        (a, b)
    });
    assert_eq!(counter, (Some(1), Some(2)));
    // Two MPR waits of 500 ms plus the 50 ms gap between the commands.
    let elapsed = nvme_mi_core::transport::AsyncTransport::now(ep.transport_mut()).since(t0);
    assert!(elapsed >= Duration::from_millis(1_050), "{elapsed:?}");
}

#[test]
fn endpoint_reports_status_as_data() {
    use nvme_mi_core::mi::status::{ResponseStatus, StatusInfo};
    use nvme_mi_core::requester::{CommandClass, Endpoint};
    struct Refuse;
    impl Respond<LoopPeer> for Refuse {
        fn handle(
            &mut self,
            req: &[u8],
            _: &LoopPeer,
            _: Instant,
            out: &mut [u8],
        ) -> Option<usize> {
            let m = Message::new_checked(req).ok()?;
            let hdr = MessageHeader::parse(&m).response();
            emit_message(&hdr, &[&[0x04, 3, 11, 0]], out).ok()
        }
        fn poll(&mut self, _: Instant, _: &mut [u8]) -> Option<Outgoing<LoopPeer>> {
            None
        }
        fn next_deadline(&self) -> Option<Instant> {
            None
        }
    }
    let l: Loopback<Refuse, 2> = Loopback::new(Refuse, Eid(8), Eid(9));
    let mut ep = Endpoint::new(l, [0u8; 4224]);
    match ep.nvme_mi(
        CommandClass::Read,
        Nmimt::MiCommand,
        &[&[0, 0, 0, 0], &[0; 8]],
    ) {
        Err(RequestError::Status(StatusInfo::InvalidParameter(loc))) => {
            assert_eq!((loc.byte, loc.bit), (11, 3));
        }
        other => panic!("{other:?}"),
    }
    let raw = ep
        .nvme_mi_raw(
            CommandClass::Read,
            Nmimt::MiCommand,
            &[&[0, 0, 0, 0], &[0; 8]],
        )
        .unwrap();
    assert_eq!(raw.header.status(), ResponseStatus::InvalidParameter);
}

#[test]
fn reordered_response_comes_after_the_next_one() {
    let mut l = link();
    // More Processing Required, then the final response 500 ms later: the first is held back
    // until the second has arrived.
    l.inner_mut().responder_mut().slow = true;
    l.inject(Fault::ReorderResponse(Which::Nth(0)));
    assert_eq!(exchange(&mut l, Policy::write()), Ok(1));
    assert_eq!(l.stats().responses_delayed, 1);
    // The late MPR belongs to the finished exchange: discarded, never taken for the next.
    assert_eq!(exchange(&mut l, Policy::write()), Ok(2));
    assert_eq!(l.stats().discarded, 1);
}

#[test]
fn random_faults_are_deterministic_per_seed() {
    let run = |seed: u64| {
        let mut l = link();
        l.set_seed(seed);
        l.inject(Fault::DropResponse(Which::Rate(u16::MAX / 2)));
        let outcomes: Vec<bool> = (0..40)
            .map(|_| exchange(&mut l, Policy::read()).is_ok())
            .collect();
        (outcomes, l.stats().responses_dropped)
    };
    let (a, dropped) = run(7);
    // About half the responses lost; a read is sent three times, so most commands succeed.
    assert!((25..=95).contains(&dropped), "{dropped} dropped");
    assert!(a.iter().filter(|ok| **ok).count() >= 25, "{a:?}");
    assert!(a.contains(&false), "some command lost all three responses");
    assert_eq!(run(7), (a.clone(), dropped), "same seed, same faults");
    assert_ne!(run(8).0, a, "another seed, other faults");
}
