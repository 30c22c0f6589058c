//! With the `log` feature, a dropped packet leaves one `debug` record that names the reason
//! and the sender (run with `--features log`).

use std::sync::Mutex;

use log::{Level, LevelFilter, Log, Metadata, Record};
use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::{Eid, Reassembler, Tag};
use nvme_mi_core::time::Instant;

struct Capture;

static RECORDS: Mutex<Vec<(Level, String)>> = Mutex::new(Vec::new());

impl Log for Capture {
    fn enabled(&self, _: &Metadata) -> bool {
        true
    }
    fn log(&self, record: &Record) {
        if record.target() == "nvme_mi_core" {
            let mut r = RECORDS.lock().unwrap();
            r.push((record.level(), record.args().to_string()));
        }
    }
    fn flush(&self) {}
}

static LOGGER: Capture = Capture;

#[test]
fn a_dropped_packet_is_logged_with_reason_and_source() {
    log::set_logger(&LOGGER).unwrap();
    log::set_max_level(LevelFilter::Trace);

    // A middle packet (no SOM) from EID 9, tag 3, with no message open: dropped as NoStart.
    let repr = PacketRepr {
        dest: Eid(8),
        src: Eid(9),
        som: false,
        eom: true,
        seq: 1,
        tag_owner: true,
        tag: Tag::new(3).unwrap(),
    };
    let mut packet = [0u8; HEADER_LEN + 4];
    repr.emit(&mut Packet::new_unchecked(&mut packet[..]));
    let mut r: Reassembler<2, 256> = Reassembler::new();
    assert!(r.receive(&packet, Instant(0)).is_err());

    let records = RECORDS.lock().unwrap();
    let dropped: Vec<_> = records
        .iter()
        .filter(|(_, m)| m.contains("dropped"))
        .collect();
    assert_eq!(dropped.len(), 1, "{records:?}");
    let (level, message) = dropped[0];
    assert_eq!(*level, Level::Debug);
    assert!(message.contains("NoStart"), "{message}");
    assert!(message.contains("Eid(9)"), "{message}");
}
