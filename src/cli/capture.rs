//! `--capture FILE`: the messages a command (or `serve`) exchanges, written as a pcap file of
//! MCTP packets (`LINKTYPE_MCTP`, 291: each record starts with the MCTP transport header,
//! DSP0236 §8.1), which `decode --file` and Wireshark read. Each message is one record with
//! SOM and EOM set: the packetisation the kernel or bus used is not seen at this layer. The
//! local EID is written as 0 (the null EID) where this tool does not know it (a requester on
//! AF_MCTP: the kernel chooses it).

use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;
use std::time::{SystemTime, UNIX_EPOCH};

use super::decode::LINKTYPE_MCTP;
use super::error::{CliError, CliResult};

/// An open capture file.
pub struct Capture {
    out: BufWriter<File>,
    failed: bool,
    local: u8,
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
        })
    }

    /// This side's EID, written where the callers pass 0.
    pub fn set_local(&mut self, eid: u8) {
        self.local = eid;
    }

    /// Record one message from `src` to `dst` (0: this side) with message tag `tag` (`to`: the sender owns
    /// the tag, i.e. a request).
    pub fn message(&mut self, src: u8, dst: u8, to: bool, tag: u8, msg: &[u8]) {
        let t = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .unwrap_or_default();
        let len = (msg.len() + 4) as u32;
        let mut rec = Vec::with_capacity(16 + msg.len() + 4);
        rec.extend((t.as_secs() as u32).to_le_bytes());
        rec.extend(t.subsec_micros().to_le_bytes());
        rec.extend(len.to_le_bytes());
        rec.extend(len.to_le_bytes());
        // Header version 1, destination, source, SOM | EOM | TO | tag.
        let local = |e: u8| if e == 0 { self.local } else { e };
        rec.extend([
            0x01,
            local(dst),
            local(src),
            0xc0 | (u8::from(to) << 3) | (tag & 7),
        ]);
        rec.extend_from_slice(msg);
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
