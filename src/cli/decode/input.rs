//! The inputs `decode` reads: hex (arguments or one unit per line), this tool's own
//! `--verbose` log, `xxd -p` and `hexdump -C` dumps, raw binary, and pcap / pcapng captures
//! of MCTP (`LINKTYPE_MCTP`, 291: each packet starts with the MCTP transport header, DSP0236
//! §8.1, as `tcpdump -i mctpX` writes them) or Linux cooked captures (`tcpdump -i any`: the
//! MCTP records kept, the others left out). The format is recognised from the content.

use crate::cli::args::StartLayer as Start;

/// The pcap link type of MCTP packets (tcpdump.org link-layer header types: LINKTYPE_MCTP).
pub const LINKTYPE_MCTP: u32 = 291;

/// Linux cooked capture v1 (`tcpdump -i any` before libpcap 1.10): a 16-byte header, the
/// protocol (big endian) in its last two bytes.
const LINKTYPE_LINUX_SLL: u32 = 113;
/// Linux cooked capture v2 (`tcpdump -i any` since libpcap 1.10): a 20-byte header, the
/// protocol (big endian) in its first two bytes.
const LINKTYPE_LINUX_SLL2: u32 = 276;
/// The Linux protocol number of MCTP (`ETH_P_MCTP`, include/uapi/linux/if_ether.h).
const ETH_P_MCTP: u16 = 0x00fa;

/// The MCTP packet in a record of link type `link`: the whole record for LINKTYPE_MCTP; after
/// the cooked header for a Linux cooked capture, `None` where the record is another
/// protocol's (a capture on `any` sees every interface).
fn mctp_packet(link: u32, data: &[u8]) -> Result<Option<&[u8]>, String> {
    let (proto_at, header) = match link {
        LINKTYPE_MCTP => return Ok(Some(data)),
        LINKTYPE_LINUX_SLL => (14, 16),
        LINKTYPE_LINUX_SLL2 => (0, 20),
        _ => {
            return Err(format!(
                "link type {link}, neither MCTP ({LINKTYPE_MCTP}) nor a Linux cooked capture \
                 ({LINKTYPE_LINUX_SLL}, {LINKTYPE_LINUX_SLL2}); capture with tcpdump -i mctpX \
                 or -i any"
            ))
        }
    };
    let proto = data
        .get(proto_at..proto_at + 2)
        .map(|p| u16::from_be_bytes([p[0], p[1]]));
    Ok(match (proto, data.get(header..)) {
        (Some(ETH_P_MCTP), Some(packet)) => Some(packet),
        _ => None,
    })
}

/// One unit to dissect, with what the input says about it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Input {
    /// The bytes.
    pub bytes: Vec<u8>,
    /// The layer they start at, if the format says.
    pub layer: Option<Start>,
    /// `->`, `<-`, ... from a log, if any.
    pub direction: Option<String>,
}

fn unit(bytes: Vec<u8>, layer: Option<Start>) -> Input {
    Input {
        bytes,
        layer,
        direction: None,
    }
}

fn u32_at(b: &[u8], at: usize, be: bool) -> Option<u32> {
    let w: [u8; 4] = b.get(at..at + 4)?.try_into().ok()?;
    Some(if be {
        u32::from_be_bytes(w)
    } else {
        u32::from_le_bytes(w)
    })
}

/// A classic pcap file (its records' lengths checked against the file, never trusted).
fn pcap(b: &[u8]) -> Option<Result<Vec<Input>, String>> {
    let be = match b.get(..4)? {
        [0xd4, 0xc3, 0xb2, 0xa1] | [0x4d, 0x3c, 0xb2, 0xa1] => false,
        [0xa1, 0xb2, 0xc3, 0xd4] | [0xa1, 0xb2, 0x3c, 0x4d] => true,
        _ => return None,
    };
    Some((|| {
        let link = u32_at(b, 20, be).ok_or("pcap: truncated file header")? & 0x0fff_ffff;
        mctp_packet(link, &[]).map_err(|e| format!("pcap: {e}"))?;
        let mut out = Vec::new();
        let mut at = 24usize;
        while at < b.len() {
            let len = u32_at(b, at + 8, be).ok_or("pcap: truncated record header")? as usize;
            let data = b
                .get(at + 16..(at + 16).saturating_add(len))
                .ok_or_else(|| {
                    format!("pcap: record at byte {at} runs past the end of the file")
                })?;
            if let Some(packet) = mctp_packet(link, data)? {
                out.push(unit(packet.to_vec(), Some(Start::Mctp)));
            }
            at += 16 + len;
        }
        Ok(out)
    })())
}

/// A pcapng file: Section Header, Interface Description and (Simple) Enhanced Packet blocks.
fn pcapng(b: &[u8]) -> Option<Result<Vec<Input>, String>> {
    if b.get(..4)? != [0x0a, 0x0d, 0x0d, 0x0a] {
        return None;
    }
    Some((|| {
        let be = match b.get(8..12) {
            Some([0x1a, 0x2b, 0x3c, 0x4d]) => true,
            Some([0x4d, 0x3c, 0x2b, 0x1a]) => false,
            _ => return Err("pcapng: bad byte-order magic".to_string()),
        };
        let mut links = Vec::new();
        let mut out = Vec::new();
        let mut at = 0usize;
        while at + 12 <= b.len() {
            let ty = u32_at(b, at, be).unwrap_or(0);
            let len = u32_at(b, at + 4, be).unwrap_or(0) as usize;
            if len < 12 || len % 4 != 0 || at + len > b.len() {
                return Err(format!("pcapng: block at byte {at} has a bad length {len}"));
            }
            let body = &b[at + 8..at + len - 4];
            match ty {
                1 => links.push(u32::from(u16::from_le_bytes(if be {
                    [
                        body.get(1).copied().unwrap_or(0),
                        body.first().copied().unwrap_or(0),
                    ]
                } else {
                    [
                        body.first().copied().unwrap_or(0),
                        body.get(1).copied().unwrap_or(0),
                    ]
                }))),
                6 => {
                    let iface = u32_at(body, 0, be).unwrap_or(0) as usize;
                    let cap = u32_at(body, 12, be).unwrap_or(0) as usize;
                    let data = body.get(20..20usize.saturating_add(cap)).ok_or_else(|| {
                        format!("pcapng: packet at byte {at} runs past its block")
                    })?;
                    let Some(&link) = links.get(iface) else {
                        return Err(format!("pcapng: packet for undescribed interface {iface}"));
                    };
                    let packet = mctp_packet(link, data)
                        .map_err(|e| format!("pcapng: interface {iface}: {e}"))?;
                    if let Some(packet) = packet {
                        out.push(unit(packet.to_vec(), Some(Start::Mctp)));
                    }
                }
                3 => {
                    if links.first() != Some(&LINKTYPE_MCTP) {
                        return Err("pcapng: simple packet on a non-MCTP interface".into());
                    }
                    let orig = u32_at(body, 0, be).unwrap_or(0) as usize;
                    let data = body.get(4..).unwrap_or(&[]);
                    out.push(unit(
                        data[..orig.min(data.len())].to_vec(),
                        Some(Start::Mctp),
                    ));
                }
                _ => {}
            }
            at += len;
        }
        Ok(out)
    })())
}

/// Hex digit pairs of a token, if it is one.
fn hex_token(t: &str) -> Option<Vec<u8>> {
    if t.is_empty() || t.len() % 2 != 0 {
        return None;
    }
    hex::decode(t).ok()
}

/// A line of this tool's `--verbose` log: `[    12 ms] -> 20 bytes: 84 08 ...  (note)`.
fn log_line(l: &str) -> Option<Input> {
    let (head, rest) = l.split_once(" bytes: ")?;
    if !head.trim_start().starts_with('[') {
        return None;
    }
    let dir = head
        .split("] ")
        .nth(1)?
        .split_whitespace()
        .next()?
        .to_string();
    let bytes: Vec<u8> = rest
        .split_whitespace()
        .map_while(|w| (w.len() == 2).then(|| hex_token(w)).flatten())
        .flatten()
        .collect();
    Some(Input {
        bytes,
        layer: Some(Start::Mi),
        direction: Some(dir),
    })
}

/// A line of `hexdump -C`: an 8-digit offset, up to 16 bytes, the text between bars.
fn hexdump_line(l: &str) -> Option<Vec<u8>> {
    let (off, rest) = l.split_once("  ")?;
    if off.len() != 8 || !off.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let hex = rest.split('|').next()?;
    let mut v = Vec::new();
    for w in hex.split_whitespace() {
        v.extend(hex_token(w).filter(|b| b.len() == 1)?);
    }
    Some(v)
}

/// Is this line of `xxd -p` (only hex digits, no spaces, an even number)?
fn xxd_line(l: &str) -> Option<Vec<u8>> {
    let t = l.trim();
    if t.len() < 8 || t.contains(char::is_whitespace) {
        return None;
    }
    hex_token(t)
}

/// Split a file's bytes into units.
pub fn parse(
    bytes: &[u8],
    hex_line: impl Fn(&str) -> Result<Vec<u8>, String>,
) -> Result<Vec<Input>, String> {
    if let Some(r) = pcap(bytes).or_else(|| pcapng(bytes)) {
        return r;
    }
    let Ok(text) = std::str::from_utf8(bytes) else {
        return Ok(vec![unit(bytes.to_vec(), None)]);
    };
    if text.bytes().any(|c| c < 0x09 || (0x0e..0x20).contains(&c)) {
        return Ok(vec![unit(bytes.to_vec(), None)]);
    }
    let lines: Vec<&str> = text
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .collect();
    let mut out = Vec::new();
    if !lines.is_empty()
        && lines
            .iter()
            .all(|l| hexdump_line(l).is_some() || l.trim().len() == 8)
    {
        // hexdump -C: one buffer, the last line its length.
        let v: Vec<u8> = lines
            .iter()
            .filter_map(|l| hexdump_line(l))
            .flatten()
            .collect();
        return Ok(vec![unit(v, None)]);
    }
    if lines.len() > 1 && lines.iter().all(|l| xxd_line(l).is_some()) && lines[0].trim().len() == 60
    {
        // xxd -p: one buffer, 30 bytes a line.
        let v: Vec<u8> = lines.iter().filter_map(|l| xxd_line(l)).flatten().collect();
        return Ok(vec![unit(v, None)]);
    }
    // In a log, the lines without a message (receive errors, the serve banner) are skipped.
    let is_log = lines.iter().any(|l| log_line(l).is_some());
    for (i, l) in lines.iter().enumerate() {
        if let Some(u) = log_line(l) {
            out.push(u);
        } else if is_log {
            continue;
        } else {
            out.push(unit(
                hex_line(l).map_err(|e| format!("line {}: {e}", i + 1))?,
                None,
            ));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(s: &str) -> Result<Vec<u8>, String> {
        super::super::parse_hex(s)
    }

    #[test]
    fn formats_are_recognised() {
        let log = "[       0 ms] -> 20 bytes: 84 08 00 00 01  (More Processing Required)\n   receive: timeout\n";
        let u = parse(log.as_bytes(), hex).unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].bytes, [0x84, 0x08, 0, 0, 1]);
        assert_eq!(u[0].direction.as_deref(), Some("->"));
        let dump = "00000000  84 08 00 00 01 00 00 00  00 00 00 00 00 00 00 00  |................|\n00000010  d2 d4 77 36                                       |..w6|\n00000014\n";
        let u = parse(dump.as_bytes(), hex).unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].bytes.len(), 20);
        assert_eq!(
            parse(&[0x84, 0x00, 0xff, 0x01], hex).unwrap()[0]
                .bytes
                .len(),
            4
        );
        let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        pcap.extend([0u8; 8]);
        pcap.extend(65535u32.to_le_bytes());
        pcap.extend(LINKTYPE_MCTP.to_le_bytes());
        pcap.extend([0u8; 8]);
        pcap.extend(5u32.to_le_bytes());
        pcap.extend(5u32.to_le_bytes());
        pcap.extend([1, 8, 9, 0xc8, 0x04]);
        let u = parse(&pcap, hex).unwrap();
        assert_eq!((u.len(), u[0].layer), (1, Some(Start::Mctp)));
        // A record longer than the file: an error, no allocation from the length.
        let n = pcap.len();
        pcap[n - 13] = 0xff;
        pcap[n - 12] = 0xff;
        assert!(parse(&pcap, hex).is_err());
    }

    #[test]
    fn a_linux_cooked_capture_keeps_its_mctp_records() {
        // `tcpdump -i any`: an SLL2 header (protocol first), MCTP (00FAh) and IPv4 records.
        let mut pcap = vec![0xd4, 0xc3, 0xb2, 0xa1, 2, 0, 4, 0];
        pcap.extend([0u8; 8]);
        pcap.extend(65535u32.to_le_bytes());
        pcap.extend(LINKTYPE_LINUX_SLL2.to_le_bytes());
        for (proto, body) in [
            (ETH_P_MCTP, &[1u8, 8, 9, 0xc8, 0x04][..]),
            (0x0800, &[0x45]),
        ] {
            let mut rec = proto.to_be_bytes().to_vec();
            rec.extend([0u8; 18]);
            rec.extend(body);
            pcap.extend([0u8; 8]);
            pcap.extend((rec.len() as u32).to_le_bytes());
            pcap.extend((rec.len() as u32).to_le_bytes());
            pcap.extend(rec);
        }
        let u = parse(&pcap, hex).unwrap();
        assert_eq!(u.len(), 1);
        assert_eq!(u[0].bytes, [1, 8, 9, 0xc8, 0x04]);
        // Ethernet (1) is neither.
        pcap[20..24].copy_from_slice(&1u32.to_le_bytes());
        let e = parse(&pcap, hex).unwrap_err();
        assert!(e.contains("link type 1, neither MCTP"), "{e}");
    }
}
