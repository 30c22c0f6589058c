//! `--capture FILE`: the messages a command (or `serve`) exchanges, written as a pcap file of
//! MCTP packets (`LINKTYPE_MCTP`, 291: each record one packet starting with the MCTP transport
//! header, DSP0236 1.3.1 §8.1), the records `tcpdump -i mctpX` writes, which `decode --file`
//! and Wireshark read. Where this tool packetises (the simulated drive's link and I2C, at the
//! baseline transmission unit of 64 bytes, DSP0236 1.3.1 §8.3) each packet is a record. Over
//! AF_MCTP the kernel packetises by its route's MTU, which this tool does not read, so each
//! message is one record with SOM and EOM set (what `lo`, MTU 65536, carries); the local EID
//! is the one the kernel sends from (the first address of the route's interface, looked up
//! over rtnetlink), or 0 (the null EID) where no route is found.

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use nvme_mi_core::mctp::header::{Packet, PacketRepr, HEADER_LEN};
use nvme_mi_core::mctp::tag::Tag;
use nvme_mi_core::mctp::{Eid, Fragmenter};

use super::decode::LINKTYPE_MCTP;
use super::error::{CliError, CliResult};

/// An open capture file.
pub struct Capture {
    out: BufWriter<File>,
    failed: bool,
    local: u8,
    /// Packet payload bytes, where this tool packetises; `None`: a record per message.
    tu: Option<usize>,
}

impl Capture {
    /// Create `path` and write the pcap file header.
    pub fn create(path: &Path) -> CliResult<Self> {
        let fail = |e: std::io::Error| CliError::usage(format!("{}: {e}", path.display()));
        let mut out = BufWriter::new(File::create(path).map_err(fail)?);
        let mut h = Vec::with_capacity(24);
        h.extend(0xa1b2_c3d4u32.to_le_bytes());
        h.extend(2u16.to_le_bytes());
        h.extend(4u16.to_le_bytes());
        h.extend([0u8; 8]);
        h.extend(65_536u32.to_le_bytes());
        h.extend(LINKTYPE_MCTP.to_le_bytes());
        out.write_all(&h).map_err(fail)?;
        Ok(Capture {
            out,
            failed: false,
            local: 0,
            tu: None,
        })
    }

    /// This side's EID, written where the callers pass 0.
    pub fn set_local(&mut self, eid: u8) {
        self.local = eid;
    }

    /// Record each message as packets of `tu` payload bytes (the link's transmission unit).
    pub fn set_transmission_unit(&mut self, tu: usize) {
        self.tu = Some(tu);
    }

    /// Record one message from `src` to `dst` (0: this side) with message tag `tag` (`to`: the
    /// sender owns the tag, i.e. a request): one record per packet.
    pub fn message(&mut self, src: u8, dst: u8, to: bool, tag: u8, msg: &[u8]) {
        let local = |e: u8| Eid(if e == 0 { self.local } else { e });
        let header = PacketRepr {
            dest: local(dst),
            src: local(src),
            som: true,
            eom: true,
            seq: 0,
            tag_owner: to,
            tag: Tag::new(tag & 7).unwrap_or_default(),
        };
        // A message within one transmission unit is one packet.
        let tu = self.tu.filter(|&tu| tu < msg.len());
        let mut packet = vec![0u8; HEADER_LEN + tu.unwrap_or(msg.len())];
        let parts = [msg];
        match tu.map(|tu| Fragmenter::new(&parts, header, tu)) {
            Some(Ok(mut f)) => {
                while let Some(Ok(n)) = f.next(&mut packet) {
                    self.record(&packet[..n]);
                }
            }
            _ => {
                header.emit(&mut Packet::new_unchecked(&mut packet[..]));
                packet[HEADER_LEN..].copy_from_slice(msg);
                self.record(&packet);
            }
        }
    }

    /// Write one pcap record holding `packet`.
    fn record(&mut self, packet: &[u8]) {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let len = packet.len() as u32;
        let mut rec = Vec::with_capacity(16 + packet.len());
        rec.extend((t.as_secs() as u32).to_le_bytes());
        rec.extend(t.subsec_micros().to_le_bytes());
        rec.extend(len.to_le_bytes());
        rec.extend(len.to_le_bytes());
        rec.extend_from_slice(packet);
        if self
            .out
            .write_all(&rec)
            .and_then(|()| self.out.flush())
            .is_err()
            && !self.failed
        {
            self.failed = true;
            eprintln!("nvme-mi: writing the capture failed; it ends here");
        }
    }
}
