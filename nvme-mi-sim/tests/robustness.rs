//! Thousands of well-framed but arbitrary requests (random opcodes, fields, data placement
//! and data) through the real responder: the drive never panics, and every answer is a
//! well-formed NVMe-MI response with a valid integrity check. Also: events of an NVM
//! Subsystem Reset.

use nvme_mi_core::loopback::LoopPeer;
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{AdminOpcode, AdminRequestRepr, Cflgs};
use nvme_mi_core::mi::aem::{parse_aem, AeConfigEntry, AeConfigList, AeId};
use nvme_mi_core::mi::command::{
    ConfigurationSetRequest, MiCommand, MiCommandRequestRepr, Opcode, ResetRequest, ResetType,
};
use nvme_mi_core::mi::status::ResponseHeader;
use nvme_mi_core::mi::{Csi, Message, MAX_MESSAGE_LEN};
use nvme_mi_core::responder::{Outgoing, Respond};
use nvme_mi_core::time::Instant;

/// A small deterministic generator for the test (xorshift64*).
struct Gen(u64);

impl Gen {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }

    fn below(&mut self, n: u64) -> u64 {
        self.next() % n
    }

    /// A dword that is often small, sometimes a multiple of 4, sometimes anything.
    fn field(&mut self) -> u32 {
        match self.below(4) {
            0 => 0,
            1 => self.below(16) as u32,
            2 => (self.below(1025) * 4) as u32,
            _ => self.next() as u32,
        }
    }
}

const ADMIN_OPCODES: [u8; 16] = [
    0x02, 0x06, 0x09, 0x0a, 0x0d, 0x10, 0x11, 0x14, 0x15, 0x80, 0x81, 0x82, 0x84, 0x86, 0xc0, 0x03,
];

fn check_response(msg: &[u8]) {
    let m = Message::new_checked(msg).expect("framed");
    m.check_mic().expect("integrity check");
    ResponseHeader::parse(&m).expect("response header");
}

#[test]
fn arbitrary_requests_never_break_the_drive() {
    let mut g = Gen(0x9e37_79b9_7f4a_7c15);
    let mut r = nvme_mi_sim::responder::<LoopPeer>(77);
    let peer = LoopPeer {
        eid: Eid(8),
        tag: 0,
    };
    let mut now = Instant::ZERO;
    let mut req = vec![0u8; MAX_MESSAGE_LEN];
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut data = vec![0u8; 4096];
    let mut answered = 0;
    for i in 0..6000 {
        let dlen = match g.below(3) {
            0 => 0,
            1 => g.below(64) as usize * 4,
            _ => g.below(4097) as usize,
        };
        for b in data[..dlen].iter_mut() {
            *b = g.next() as u8;
        }
        let csi = Csi::from_bit(g.below(2) as u8);
        let n = if g.below(2) == 0 {
            let opcode = if g.below(4) == 0 {
                g.next() as u8
            } else {
                ADMIN_OPCODES[g.below(16) as usize]
            };
            let repr = AdminRequestRepr {
                csi,
                opcode: AdminOpcode::from_u8(opcode),
                cflgs: Cflgs::from_u8(g.below(4) as u8),
                ctlid: g.below(4) as u16,
                nsid: if g.below(3) == 0 {
                    u32::MAX
                } else {
                    g.below(20) as u32
                },
                dofst: g.field(),
                dlen: if g.below(2) == 0 {
                    dlen as u32
                } else {
                    g.field()
                },
                cdw10: g.field(),
                cdw11: g.field(),
                cdw12: g.field(),
                cdw13: g.field(),
                cdw14: g.field(),
                cdw15: g.field(),
                ..Default::default()
            };
            repr.emit_message(&data[..dlen], &mut req).unwrap()
        } else {
            // Avoid the NVM Subsystem Reset most of the time: it only goes silent.
            let mut opcode = g.below(14) as u8;
            if opcode == 7 && g.below(8) != 0 {
                opcode = 1;
            }
            let repr = MiCommandRequestRepr {
                opcode: Opcode::from_u8(opcode),
                nmd0: g.field(),
                nmd1: g.field(),
                data: &data[..dlen.min(256)],
            };
            repr.emit(csi, &mut req).unwrap()
        };
        now = Instant(now.0 + g.below(3000));
        if let Some(len) = r.handle(&req[..n], &peer, now, &mut out) {
            check_response(&out[..len]);
            answered += 1;
        }
        if i % 7 == 0 {
            now = Instant(now.0 + g.below(20_000));
            while let Some(o) = r.poll(now, &mut out) {
                let len = match o {
                    Outgoing::Response { len, .. } | Outgoing::Unsolicited { len, .. } => len,
                };
                let m = Message::new_checked(&out[..len]).unwrap();
                m.check_mic().unwrap();
            }
        }
    }
    assert!(answered > 4000, "{answered}");
    // Still a working drive.
    let d = r.device();
    assert!(d.serial_number().starts_with("SIM"));
}

#[test]
fn subsystem_reset_events() {
    let mut r = nvme_mi_sim::responder::<LoopPeer>(5);
    let peer = LoopPeer {
        eid: Eid(8),
        tag: 1,
    };
    let mut req = [0u8; 64];
    let mut out = vec![0u8; MAX_MESSAGE_LEN];
    let mut list = [0u8; 16];
    let entries = [
        AeConfigEntry::new(AeId::ControllerReady, true),
        AeConfigEntry::new(AeId::FirmwareActivated, true),
    ];
    let k = AeConfigList::emit(&entries, &mut list).unwrap();
    let set = ConfigurationSetRequest::AsyncEvent {
        aerd: 0,
        aemd: 0,
        encfa: true,
        enpfa: false,
        envfa: false,
        enable_list: &list[..k],
    };
    let n = set.emit_request(Csi::Slot0, &mut req).unwrap();
    assert!(r.handle(&req[..n], &peer, Instant(10), &mut out).is_some());
    let n = ResetRequest {
        reset_type: ResetType::NvmSubsystem,
    }
    .emit_request(Csi::Slot0, &mut req)
    .unwrap();
    assert_eq!(r.handle(&req[..n], &peer, Instant(20), &mut out), None);
    let Some(Outgoing::Unsolicited { to, len }) = r.poll(Instant(30), &mut out) else {
        panic!("no AEM")
    };
    assert_eq!(to, peer);
    let m = Message::new_checked(&out[..len]).unwrap();
    let ids: Vec<AeId> = parse_aem(&m).unwrap().occurrences().map(|o| o.id).collect();
    assert_eq!(ids, [AeId::ControllerReady]);
    assert!(r.poll(Instant(40), &mut out).is_none());
}
