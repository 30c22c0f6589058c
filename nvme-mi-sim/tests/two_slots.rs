//! Two command slots at once (NVMe-MI 1.2 §4.2, "Command Slot"): a Format NVM waits through
//! More Processing Required on slot 1 while health polls go on through slot 0, from two tasks
//! of a multi-threaded tokio runtime sharing one simulated drive.
//!
//! Each slot is an [`AsyncEndpoint`] of its own (its own buffer, its own transport to the same
//! endpoint, [`Config::csi`] naming the slot), as with two AF_MCTP sockets to one EID. The link
//! here is in real time: the drive's responder sits behind a mutex, and each side's messages
//! carry its own EID and tag, so the responses of one slot never reach the other.

use std::collections::VecDeque;
use std::sync::{Arc, Mutex};
use std::time::Duration;

use nvme_mi_core::loopback::LoopPeer;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::FormatNvm;
use nvme_mi_core::mi::{Csi, MAX_MESSAGE_LEN};
use nvme_mi_core::requester::{AsyncEndpoint, Config, RequestError};
use nvme_mi_core::responder::{Outgoing, Respond, Responder};
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{gather, AsyncTransport, ErrorKind};
use nvme_mi_sim::Sim;

/// Responses on their way to one requester: (tag, message).
type Inbox = VecDeque<(u8, Vec<u8>)>;

/// The drive and the messages on their way back to each requester.
struct Wire {
    drive: Responder<Sim, LoopPeer>,
    /// Responses per requester EID.
    inbox: Vec<(Eid, Inbox)>,
    start: std::time::Instant,
}

impl Wire {
    fn now(&self) -> Instant {
        Instant(self.start.elapsed().as_millis() as u64)
    }

    fn deliver(&mut self, to: LoopPeer, msg: &[u8]) {
        if let Some((_, q)) = self.inbox.iter_mut().find(|(e, _)| *e == to.eid) {
            q.push_back((to.tag, msg.to_vec()));
        }
    }

    /// Let the drive send what is due.
    fn pump(&mut self) {
        let now = self.now();
        let mut out = vec![0u8; MAX_MESSAGE_LEN];
        while let Some(o) = self.drive.poll(now, &mut out) {
            if let Outgoing::Response { to, len } = o {
                self.deliver(to, &out[..len]);
            }
        }
    }
}

/// One requester's side of the shared wire.
struct Link {
    wire: Arc<Mutex<Wire>>,
    eid: Eid,
    next_tag: u8,
    tag: Option<u8>,
}

impl Link {
    fn pair(seed: u64) -> (Link, Link) {
        let (a, b) = (Eid(10), Eid(11));
        let wire = Arc::new(Mutex::new(Wire {
            drive: nvme_mi_sim::responder(seed),
            inbox: vec![(a, VecDeque::new()), (b, VecDeque::new())],
            start: std::time::Instant::now(),
        }));
        let link = |eid| Link {
            wire: wire.clone(),
            eid,
            next_tag: 0,
            tag: None,
        };
        (link(a), link(b))
    }
}

impl AsyncTransport for Link {
    type Error = ErrorKind;

    fn now(&mut self) -> Instant {
        self.wire.lock().unwrap().now()
    }

    async fn send_request(&mut self, message: &[&[u8]]) -> Result<(), ErrorKind> {
        let mut req = vec![0u8; MAX_MESSAGE_LEN];
        let n = gather(message, &mut req).ok_or(ErrorKind::BufferTooSmall)?;
        let tag = self.next_tag;
        self.next_tag = (tag + 1) & 7;
        self.tag = Some(tag);
        let peer = LoopPeer { eid: self.eid, tag };
        let mut w = self.wire.lock().unwrap();
        w.pump();
        let now = w.now();
        let mut out = vec![0u8; MAX_MESSAGE_LEN];
        if let Some(len) = w.drive.handle(&req[..n], &peer, now, &mut out) {
            w.deliver(peer, &out[..len]);
        }
        Ok(())
    }

    async fn recv_response(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, ErrorKind> {
        let tag = self.tag.ok_or(ErrorKind::Other)?;
        loop {
            {
                let mut w = self.wire.lock().unwrap();
                w.pump();
                let now = w.now();
                let q = &mut w.inbox.iter_mut().find(|(e, _)| *e == self.eid).unwrap().1;
                // Anything of an earlier exchange is stale: a real socket drops it too.
                while let Some((t, msg)) = q.pop_front() {
                    if t == tag {
                        let out = buf.get_mut(..msg.len()).ok_or(ErrorKind::BufferTooSmall)?;
                        out.copy_from_slice(&msg);
                        return Ok(msg.len());
                    }
                }
                if now >= deadline {
                    return Err(ErrorKind::Timeout);
                }
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
    }

    fn end_exchange(&mut self) {
        self.tag = None;
    }

    async fn wait_until(&mut self, t: Instant) {
        let now = self.now();
        tokio::time::sleep(Duration::from_millis(
            t.as_millis().saturating_sub(now.as_millis()),
        ))
        .await;
    }

    fn remote_eid(&self) -> Option<Eid> {
        Some(Eid(8))
    }
}

type Ep = AsyncEndpoint<Link, Vec<u8>>;

fn endpoint(link: Link, csi: Csi) -> Ep {
    let config = Config {
        csi,
        ..Config::default()
    };
    AsyncEndpoint::with_config(link, vec![0u8; MAX_MESSAGE_LEN], config)
}

/// Compile-time: the futures of the verbs are `Send` when the transport is, so
/// `tokio::spawn` on a multi-threaded runtime takes them without a `LocalSet`.
fn assert_send<F: std::future::Future + Send>(f: F) -> F {
    f
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Event {
    FormatSent,
    Poll,
    FormatDone,
}

#[test]
fn format_on_slot_1_while_health_polls_on_slot_0() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let (a, b) = Link::pair(31);
    let events = Arc::new(Mutex::new(Vec::new()));
    let log = |e: &Arc<Mutex<Vec<Event>>>, what| e.lock().unwrap().push(what);

    let mut slow = endpoint(b, Csi::Slot1);
    let ev = events.clone();
    let format = rt.spawn(async move {
        log(&ev, Event::FormatSent);
        let started = std::time::Instant::now();
        let r = assert_send(slow.controller(0).format_nvm(&FormatNvm::new(1, 1))).await;
        log(&ev, Event::FormatDone);
        (r, started.elapsed(), slow)
    });

    let mut fast = endpoint(a, Csi::Slot0);
    let ev = events.clone();
    let polls = rt.spawn(async move {
        // Start polling once the format has been sent, and poll until it is done.
        while !ev.lock().unwrap().contains(&Event::FormatSent) {
            tokio::task::yield_now().await;
        }
        let mut n = 0;
        while !ev.lock().unwrap().contains(&Event::FormatDone) {
            let h = assert_send(fast.health_poll(false)).await.unwrap();
            assert!(h.temperature().celsius().is_some());
            log(&ev, Event::Poll);
            n += 1;
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        (n, fast)
    });

    let (result, took, mut slow) = rt.block_on(format).unwrap();
    let (n, _fast) = rt.block_on(polls).unwrap();
    result.unwrap();
    // The format waited through More Processing Required for the drive's format time...
    assert!(
        took >= nvme_mi_sim::FORMAT_TIME - Duration::from_millis(100),
        "{took:?}"
    );
    // ...and health polls completed in between: the completion order shows the overlap.
    let order = events.lock().unwrap().clone();
    let sent = order.iter().position(|e| *e == Event::FormatSent).unwrap();
    let done = order.iter().position(|e| *e == Event::FormatDone).unwrap();
    let during = order[sent..done]
        .iter()
        .filter(|e| **e == Event::Poll)
        .count();
    assert!(
        during >= 10,
        "{during} polls during the format ({n} in all): {order:?}"
    );
    // The format took effect: namespace 1 now has 4096-byte blocks.
    let ns = rt.block_on(slow.controller(0).identify_ns(1)).unwrap();
    assert_eq!(ns.current_lba_format().unwrap().block_size(), Some(4096));
}

#[test]
fn a_second_admin_command_on_a_busy_slot_is_not_processed() {
    // Both endpoints on slot 1: the second Admin command arrives while the slot is busy with
    // the format. The drive does not process it (one command per slot, NVMe-MI 1.2 §4.2): the
    // second requester times out, and the format still completes.
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_time()
        .build()
        .unwrap();
    let (a, b) = Link::pair(32);
    let mut first = endpoint(b, Csi::Slot1);
    let mut second = AsyncEndpoint::with_config(
        a,
        vec![0u8; MAX_MESSAGE_LEN],
        Config {
            csi: Csi::Slot1,
            ..Config::default()
        }
        .with_timeout(Duration::from_millis(300)),
    );
    let format =
        rt.spawn(async move { first.controller(0).format_nvm(&FormatNvm::new(1, 1)).await });
    std::thread::sleep(Duration::from_millis(200));
    let busy = rt.block_on(second.controller(0).identify_ctrl());
    assert!(
        matches!(busy, Err(RequestError::Timeout { .. })),
        "{busy:?}"
    );
    rt.block_on(format).unwrap().unwrap();
    // Once the slot is idle again, the same requester is served.
    rt.block_on(second.controller(0).identify_ctrl()).unwrap();
}
