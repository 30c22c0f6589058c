//! The 4 KiB SMBus receive path of the `smbus_4k/deframe_reassemble_check` benchmark as a
//! plain program, for instruction counts under callgrind (repeatable on a busy machine, where
//! criterion's times are not): COUNT times, 65 baseline frames of a 4120-byte Identify
//! response are deframed (PEC checked), reassembled straight into the caller's buffer (as the
//! requester's bus does), and the response parsed (MIC checked).
//!
//! ```sh
//! cargo build --release -p nvme-mi-core --example receive_4k
//! valgrind --tool=callgrind target/release/examples/receive_4k 10
//! valgrind --tool=callgrind target/release/examples/receive_4k 110   # (difference) / 100
//! ```

use nvme_mi_core::mctp::fragment::Fragmenter;
use nvme_mi_core::mctp::header::PacketRepr;
use nvme_mi_core::mctp::reassemble::Reassembler;
use nvme_mi_core::mctp::{smbus, Eid, Tag, BASELINE_TU};
use nvme_mi_core::mi::admin::{
    parse_response, AdminCompletion, AdminRequestRepr, AdminResponseRepr, Identify,
};
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::time::Instant;
use std::hint::black_box;

fn main() {
    let count: usize = std::env::args()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or(100);
    let mut repr = AdminRequestRepr::for_command(1, &Identify::controller());
    repr.dlen = 4096;
    let data = vec![0x5au8; 4096];
    let mut msg = vec![0u8; MAX_MESSAGE_LEN];
    let len = AdminResponseRepr::success(&repr, AdminCompletion::success(0))
        .emit_message(&data, &mut msg)
        .expect("encode");
    msg.truncate(len);
    let header = PacketRepr {
        dest: Eid(8),
        src: Eid(9),
        som: false,
        eom: false,
        seq: 0,
        tag_owner: false,
        tag: Tag::from_bits(2),
    };
    let parts = [&msg[..]];
    let mut frag = Fragmenter::new(&parts, header, BASELINE_TU).expect("fragmenter");
    let mut pkt = [0u8; smbus::MAX_PACKET_LEN];
    let mut frames = Vec::new();
    while let Some(Ok(n)) = frag.next(&mut pkt) {
        let mut f = vec![0u8; smbus::MAX_FRAME_LEN];
        let flen = smbus::emit(0x10, 0x1d, &pkt[..n], &mut f).expect("frame");
        f.truncate(flen);
        frames.push(f);
    }
    // As the requester's bus: a small context, the response into the caller's buffer.
    let mut reasm: Reassembler<1, 256> = Reassembler::new();
    let mut buf = vec![0u8; MAX_MESSAGE_LEN];
    reasm.set_local_eid(Some(Eid(8)));
    let mut total = 0;
    for _ in 0..count {
        for f in black_box(&frames).iter() {
            let (_, packet) = smbus::decode(f).expect("frame");
            // A clock reading the compiler cannot see through, as the bus's.
            let now = black_box(Instant(0));
            if let Some(m) = reasm
                .receive_into(packet, now, |_| true, &mut buf)
                .expect("packet")
            {
                let (_, d) = parse_response(m.message()).expect("response");
                total += d.len();
            }
        }
    }
    println!("{count} responses, {total} data bytes");
}
