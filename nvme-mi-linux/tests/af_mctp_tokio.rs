//! The tokio twins against the real kernel MCTP stack (feature `tokio`; run inside the UML
//! rig by `scripts/test-linux-uml.sh`).
#![cfg(feature = "tokio")]

mod common;

use std::thread;
use std::time::{Duration, Instant as StdInstant};

use common::{echo, request, response, setup, EXPECT_MI, PEER};
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::{Csi, Nmimt};
use nvme_mi_core::requester::{run_exchange_async, Policy, RequestError};
use nvme_mi_core::transport::{
    AsyncEventSource, AsyncResponderTransport, AsyncTransport, Error as _, ErrorKind,
};
use nvme_mi_linux::MCTP_NET_ANY;
use nvme_mi_linux::{AsyncMctpListener, AsyncMctpTransport, MctpListener};

fn block_on<F: std::future::Future>(f: F) -> F::Output {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .expect("runtime")
        .block_on(f)
}

#[test]
fn async_exchange_follows_more_processing_required() {
    let Some(_g) = setup() else { return };
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let server = thread::spawn(move || {
        block_on(async move {
            let mut l = AsyncMctpListener::bind(MCTP_NET_ANY, None, false).expect("listener");
            ready_tx.send(()).unwrap();
            let mut buf = [0u8; 512];
            let deadline = l.now() + Duration::from_secs(10);
            let (n, peer) = l
                .recv_request(&mut buf, Some(deadline))
                .await
                .expect("request");
            let req = buf[..n].to_vec();
            l.send_response(&peer, &[&response(&req, 0x01, [0, 10, 0], &[])])
                .await
                .expect("MPR");
            tokio::time::sleep(Duration::from_millis(300)).await;
            l.send_response(&peer, &[&echo(&req)]).await.expect("final");
        })
    });
    ready_rx.recv().unwrap();

    block_on(async {
        let mut t = AsyncMctpTransport::new(PEER).expect("transport");
        let req = request(0xa5a5);
        let mut buf = [0u8; 256];
        let start = StdInstant::now();
        let n = run_exchange_async(&mut t, Policy::write(), EXPECT_MI, &[&req], &mut buf)
            .await
            .expect("exchange");
        assert!(start.elapsed() >= Duration::from_millis(300));
        assert_eq!(buf[..n], echo(&req)[..]);
        assert!(t.preallocates_tags());
        assert_eq!(t.current_tag(), None, "released after the final response");
    });
    server.join().unwrap();
}

#[test]
fn async_deadlines() {
    let Some(_g) = setup() else { return };
    let _silent = MctpListener::bind(MCTP_NET_ANY, Some(common::EID)).expect("listener");
    block_on(async {
        let mut t = AsyncMctpTransport::new(PEER).expect("transport");
        let policy = Policy::write().with_timeout(Duration::from_millis(200));
        let mut buf = [0u8; 64];
        let start = StdInstant::now();
        let e = run_exchange_async(&mut t, policy, EXPECT_MI, &[&request(1)], &mut buf)
            .await
            .unwrap_err();
        assert!(matches!(e, RequestError::Timeout { .. }), "{e:?}");
        let waited = start.elapsed();
        assert!(waited >= Duration::from_millis(200), "{waited:?}");
        assert!(waited < Duration::from_millis(1500), "{waited:?}");

        let before = t.now();
        t.wait_until(before + Duration::from_millis(50)).await;
        assert!(t.now() >= before + Duration::from_millis(50));
    });
    drop(_silent);

    block_on(async {
        let mut l = AsyncMctpListener::bind(MCTP_NET_ANY, None, false).expect("listener");
        let mut buf = [0u8; 64];
        let deadline = l.now() + Duration::from_millis(100);
        let e = l.recv_request(&mut buf, Some(deadline)).await.unwrap_err();
        assert_eq!(e.kind(), ErrorKind::Timeout);
    });
}

#[test]
fn async_aem_round_trip() {
    let Some(_g) = setup() else { return };
    block_on(async {
        let mut l = AsyncMctpListener::bind(MCTP_NET_ANY, None, false).expect("listener");
        let mut t = AsyncMctpTransport::new(PEER).expect("transport");
        let mut buf = [0u8; 256];
        let req = request(7);
        t.send_request(&[&req]).await.unwrap();
        let deadline = l.now() + Duration::from_secs(5);
        let (_, peer) = l.recv_request(&mut buf, Some(deadline)).await.unwrap();
        t.end_exchange();

        t.listen_events().expect("event socket");
        let hdr = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0);
        let mut aem = [0u8; 32];
        let len = emit_message(&hdr, &[&[0, 0, 7, 0, 0, 7, 0]], &mut aem).unwrap();
        l.send_unsolicited(&peer, &[&aem[..len]]).await.unwrap();
        let deadline = t.now() + Duration::from_secs(5);
        let n = t.recv_unsolicited(&mut buf, deadline).await.expect("AEM");
        assert_eq!(buf[..n], aem[..len]);
    });
}

#[test]
fn async_listener_receives_control_requests() {
    let Some(_g) = setup() else { return };
    let (ready_tx, ready_rx) = std::sync::mpsc::channel();
    let server = thread::spawn(move || {
        block_on(async move {
            let mut l = AsyncMctpListener::bind(MCTP_NET_ANY, None, true).expect("listener");
            ready_tx.send(()).unwrap();
            let mut buf = [0u8; 64];
            let deadline = l.now() + Duration::from_secs(10);
            let (n, peer) = l
                .recv_request(&mut buf, Some(deadline))
                .await
                .expect("request");
            assert_eq!(&buf[..n], &[0x00, 0x82, 0x02], "Get Endpoint ID");
            l.send_response(&peer, &[&[0x00, 0x02, 0x02], &[0x00, 8, 0x00, 0x00]])
                .await
                .expect("response");
        })
    });
    ready_rx.recv().unwrap();
    block_on(async {
        let mut t = AsyncMctpTransport::new(PEER).expect("transport");
        let expect = nvme_mi_core::requester::Expect::Control {
            instance: 2,
            command: 0x02,
        };
        let mut buf = [0u8; 64];
        let n = run_exchange_async(
            &mut t,
            Policy::read(),
            expect,
            &[&[0x00, 0x82, 0x02]],
            &mut buf,
        )
        .await
        .expect("control exchange");
        assert_eq!(&buf[..n], &[0x00, 0x02, 0x02, 0x00, 8, 0x00, 0x00]);
    });
    server.join().unwrap();
}

/// Compile-time: the endpoint's futures over this transport are `Send`, so a multi-threaded
/// runtime spawns them without a `LocalSet`.
fn assert_send<F: std::future::Future + Send>(f: F) -> F {
    f
}

/// Two command slots over the real kernel (NVMe-MI 1.2 §4.2): a Format NVM on slot 1 waits
/// through More Processing Required while health polls on slot 0 complete, from two tasks of
/// a multi-threaded runtime, each slot with its own socket to the served simulated drive.
#[test]
fn two_command_slots_from_two_tasks() {
    use nvme_mi_core::mi::admin::FormatNvm;
    use nvme_mi_core::mi::MAX_MESSAGE_LEN;
    use nvme_mi_core::requester::{AsyncEndpoint, Config};
    use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
    use std::sync::Arc;

    let Some(_g) = setup() else { return };
    let stop = Arc::new(AtomicBool::new(false));
    let server = common::serve_sim(stop.clone());
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let endpoint = |csi| {
        let t = rt.block_on(async { AsyncMctpTransport::new(PEER).expect("transport") });
        let config = Config {
            csi,
            ..Config::default()
        };
        AsyncEndpoint::with_config(t, vec![0u8; MAX_MESSAGE_LEN], config)
    };
    let mut slow = endpoint(Csi::Slot1);
    let mut fast = endpoint(Csi::Slot0);
    let formatting = Arc::new(AtomicBool::new(true));
    let during = Arc::new(AtomicUsize::new(0));

    let f = formatting.clone();
    let format = rt.spawn(async move {
        let start = StdInstant::now();
        let r = assert_send(slow.controller(0).format_nvm(&FormatNvm::new(1, 1))).await;
        f.store(false, Ordering::SeqCst);
        (r, start.elapsed())
    });
    let (f, d) = (formatting.clone(), during.clone());
    let polls = rt.spawn(async move {
        while f.load(Ordering::SeqCst) {
            let h = assert_send(fast.health_poll(false))
                .await
                .expect("health poll");
            assert!(h.temperature().celsius().is_some());
            if f.load(Ordering::SeqCst) {
                d.fetch_add(1, Ordering::SeqCst);
            }
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
    });
    let (r, took) = rt.block_on(format).expect("format task");
    rt.block_on(polls).expect("poll task");
    stop.store(true, Ordering::Relaxed);
    server.join().unwrap();
    r.expect("format");
    assert!(
        took >= nvme_mi_sim::FORMAT_TIME - Duration::from_millis(100),
        "{took:?}"
    );
    let n = during.load(Ordering::SeqCst);
    assert!(n >= 10, "{n} health polls completed during the format");
}
