//! The transport layers: SMBus/I2C frames (DSP0237) and MCTP packets (DSP0236).

use nvme_mi_core::mctp::header::{Packet, PacketRepr};
use nvme_mi_core::mctp::smbus::{self, Frame};

use super::report::Layer;

/// Dissect an SMBus frame; returns the layer and the MCTP packet it carries, if the frame
/// is long enough to hold one.
pub fn smbus_frame(bytes: &[u8]) -> (Layer, Option<Vec<u8>>) {
    let mut l = Layer::new("SMBus frame (DSP0237)");
    let frame = match Frame::new_checked(bytes) {
        Ok(f) => f,
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
            return (l, None);
        }
    };
    l.field(
        "destination",
        format!(
            "{:#04x} (write byte {:#04x})",
            frame.dest_addr(),
            frame.dest_addr_byte()
        ),
    )
    .field(
        "command code",
        format!(
            "{:#04x}{}",
            frame.command_code(),
            if frame.command_code() == smbus::COMMAND_CODE {
                " (MCTP)"
            } else {
                ""
            }
        ),
    )
    .field("byte count", frame.byte_count())
    .field(
        "source",
        format!(
            "{:#04x} (byte {:#04x})",
            frame.src_addr(),
            frame.src_addr_byte()
        ),
    );
    let (pec, computed) = (frame.pec(), frame.computed_pec());
    if pec == computed {
        l.field("PEC", format!("{pec:#04x} OK"));
    } else {
        l.field("PEC", format!("{pec:#04x} BAD (computed {computed:#04x})"));
    }
    match smbus::decode(bytes) {
        Ok(_) => {}
        Err(smbus::Error::BadPec { computed, received }) => {
            l.error(format!(
                "PEC CHECK FAILED: received {received:#04x}, computed {computed:#04x}"
            ));
        }
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
        }
    }
    (l, Some(frame.packet().to_vec()))
}

/// Dissect an MCTP packet header; returns the layer.
pub fn mctp_packet(bytes: &[u8]) -> Layer {
    let mut l = Layer::new("MCTP packet (DSP0236)");
    let pkt = match Packet::new_checked(bytes) {
        Ok(p) => p,
        Err(e) => {
            l.error(format!("MALFORMED: {e}"));
            return l;
        }
    };
    l.field("header version", pkt.version())
        .field("destination EID", pkt.dest())
        .field("source EID", pkt.src())
        .field(
            "flags",
            format!(
                "{}{}seq {} {} tag {}",
                if pkt.som() { "SOM " } else { "" },
                if pkt.eom() { "EOM " } else { "" },
                pkt.seq(),
                if pkt.tag_owner() { "TO" } else { "!TO" },
                pkt.tag().value()
            ),
        )
        .field("payload", format!("{} bytes", pkt.payload().len()));
    if let Err(e) = PacketRepr::parse(&pkt) {
        l.error(format!("MALFORMED: {e}"));
    }
    l
}
