//! Asynchronous Event Messages over the real kernel: the responder's
//! `send_unsolicited` reaches the requester's `recv_unsolicited`. A binary of its own because
//! the AEM travels on a kernel-allocated tag that stays reserved for 6 s, which would disturb
//! the tag counting of the other tests (`scripts/test-linux-uml.sh` boots a fresh kernel per
//! test binary).

mod common;

use std::time::Duration;

use common::{echo, request, setup, EID, PEER};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::header::{emit_message, MessageHeader};
use nvme_mi_core::mi::{Csi, Nmimt};
use nvme_mi_core::transport::{Error as _, ErrorKind, EventSource, ResponderTransport, Transport};
use nvme_mi_linux::MCTP_NET_ANY;
use nvme_mi_linux::{MctpListener, MctpSocket, MctpTransport};

#[test]
fn aem_from_the_listener_arrives_as_unsolicited() {
    let Some(_g) = setup() else { return };
    let mut l = MctpListener::bind(MCTP_NET_ANY, None).expect("listener");
    let mut t = MctpTransport::new(PEER).expect("transport");
    let mut buf = [0u8; 512];

    // The requester talks first (as a management controller enabling AEMs would): the
    // listener learns its peer from the request.
    let req = request(0x0aee);
    t.send_request(&[&req]).unwrap();
    let deadline = l.now() + Duration::from_secs(5);
    let (n, peer) = l.recv_request(&mut buf, Some(deadline)).expect("request");
    assert_eq!(buf[..n], req[..]);
    l.send_response(&peer, &[&echo(&req)]).unwrap();
    let deadline = t.now() + Duration::from_secs(5);
    let n = t.recv_response(&mut buf, deadline).expect("response");
    assert_eq!(buf[..n], echo(&req)[..]);
    t.end_exchange();

    // Nothing unsolicited yet.
    t.listen_events().expect("event socket");
    let deadline = t.now() + Duration::from_millis(100);
    let e = t.recv_unsolicited(&mut buf, deadline).unwrap_err();
    assert_eq!(e.kind(), ErrorKind::Timeout);

    // An AEM: NMIMT 5 request header, an empty AE Occurrence List, MIC.
    let hdr = MessageHeader::request(Nmimt::AsyncEvent, Csi::Slot0);
    let mut aem = [0u8; 32];
    let len = emit_message(&hdr, &[&[0, 0, 7, 0, 0, 7, 0]], &mut aem).unwrap();
    let aem = &aem[..len];
    l.send_unsolicited(&peer, &[&aem[..3], &aem[3..]])
        .expect("send AEM");

    let deadline = t.now() + Duration::from_secs(5);
    let n = t.recv_unsolicited(&mut buf, deadline).expect("AEM");
    assert_eq!(buf[..n], aem[..]);
    assert_eq!(t.dropped_events().total(), 0);

    // A second transport to the same endpoint in this process shares the event socket:
    // both receive the next AEM.
    let mut other = MctpTransport::new(PEER).expect("transport");
    other.listen_events().expect("shared event socket");
    l.send_unsolicited(&peer, &[aem]).expect("send AEM");
    for t in [&mut t, &mut other] {
        let deadline = t.now() + Duration::from_secs(5);
        let n = t.recv_unsolicited(&mut buf, deadline).expect("AEM");
        assert_eq!(buf[..n], aem[..]);
    }

    // The socket holds exactly (network 1, the local EID, NVMe-MI): another process's
    // socket cannot take it, and the listener's any-EID binding is untouched.
    let s = MctpSocket::new().expect("socket");
    let e = s.bind(1, Some(EID), 4).unwrap_err();
    assert_eq!(e.raw_os_error(), Some(libc::EADDRINUSE), "{e}");
    s.bind(1, Some(Eid(EID.0 + 1)), 4)
        .expect("another local EID stays free");
}
