//! Shared set-up of the real-kernel tests: a kernel with `AF_MCTP` (skip without one unless
//! `NVME_MI_UML` says it must be there), `lo` up with the one local EID 8 that both sides use
//! (the single-EID loopback set-up verified under User-Mode Linux), one test at a time, and
//! NVMe-MI message helpers.
#![allow(dead_code)]

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::Duration;

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::mi::{Csi, Message, Nmimt};
use nvme_mi_core::requester::Expect;
use nvme_mi_core::responder::{serve, Responder};
use nvme_mi_core::transport::ResponderTransport;
use nvme_mi_linux::{netlink, MctpAddr, MctpListener, MctpSocket, MCTP_NET_ANY};
use nvme_mi_sim::Sim;

/// The local EID on `lo`, used by requesters and responders alike.
pub const EID: Eid = Eid(8);
/// The endpoint as requesters address it: network 1 (where `lo` is by default), EID 8.
pub const PEER: MctpAddr = MctpAddr::new(1, EID);

/// Prepare the kernel for a test and serialise the tests of this binary; `None` means skip
/// (no `AF_MCTP` here and not inside the UML rig).
pub fn setup() -> Option<MutexGuard<'static, ()>> {
    static LOCK: Mutex<()> = Mutex::new(());
    let guard = LOCK.lock().unwrap_or_else(|e| e.into_inner());
    match MctpSocket::new() {
        Ok(_) => {}
        Err(e) if e.is_mctp_unsupported() && std::env::var_os("NVME_MI_UML").is_none() => {
            eprintln!("skipped: {e}; run under scripts/test-linux-uml.sh (NVME_MI_UML=1)");
            return None;
        }
        Err(e) => panic!("AF_MCTP socket: {e}"),
    }
    netlink::ensure_local_eid("lo", EID).expect("local EID 8 on lo");
    Some(guard)
}

/// An NVMe-MI request: NVM Subsystem Health Status Poll with `marker` in NMD0 (so that each
/// request is recognisable in its response).
pub fn request(marker: u32) -> Vec<u8> {
    let hdr = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
    let mut out = [0u8; 32];
    let n = emit_message(
        &hdr,
        &[&[0x01, 0, 0, 0], &marker.to_le_bytes(), &[0; 4]],
        &mut out,
    )
    .expect("request fits");
    out[..n].to_vec()
}

/// What a response to an MI command looks like to the requester engine.
pub const EXPECT_MI: Expect = Expect::NvmeMi {
    nmimt: Nmimt::MiCommand,
    csi: Csi::Slot0,
    primitive_tag: None,
};

/// The response to `req` with `status` and NMRESP `nmresp`, plus `data`.
pub fn response(req: &[u8], status: u8, nmresp: [u8; 3], data: &[u8]) -> Vec<u8> {
    let m = Message::new_checked(req).expect("a valid NVMe-MI request");
    let hdr = MessageHeader::parse(&m).response();
    let mut out = vec![0u8; 16 + data.len()];
    let n = emit_message(&hdr, &[&[status], &nmresp, data], &mut out).expect("response fits");
    out.truncate(n);
    out
}

/// The marker of a request built by [`request`].
pub fn marker(req: &[u8]) -> u32 {
    u32::from_le_bytes(req[8..12].try_into().expect("long enough"))
}

/// The echo answer to a request built by [`request`]: success, the marker's low three bytes
/// in NMRESP, the whole marker as data.
pub fn echo(req: &[u8]) -> Vec<u8> {
    let m = marker(req).to_le_bytes();
    response(req, 0, [m[0], m[1], m[2]], &m)
}

/// Serve a fresh simulated drive at EID 8 (NVMe-MI and MCTP control) until `stop`.
pub fn serve_sim(stop: Arc<AtomicBool>) -> thread::JoinHandle<()> {
    let mut l = MctpListener::bind(MCTP_NET_ANY, Some(EID)).expect("listener");
    l.listen_control().expect("control listener");
    thread::spawn(move || {
        let mut r = Responder::new(Sim::new(3), EID);
        let mut rx = vec![0u8; MAX_MESSAGE_LEN];
        let mut tx = vec![0u8; MAX_MESSAGE_LEN];
        while !stop.load(Ordering::Relaxed) {
            let until = l.now() + Duration::from_millis(50);
            serve(&mut l, &mut r, &mut rx, &mut tx, Some(until)).expect("serve");
        }
    })
}
