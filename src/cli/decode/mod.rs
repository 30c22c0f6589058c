//! `decode`: a dissector for SMBus frames, MCTP packets and NVMe-MI messages given as hex.
//!
//! Units come one per argument or one per line of a file. MCTP packets (bare or inside SMBus
//! frames) go through the core's [`Reassembler`], so that a message split over several
//! packets on several lines is reassembled and dissected when its last packet arrives.

mod input;
pub use input::LINKTYPE_MCTP;
mod message;
mod report;
mod transport;
mod words;

use nvme_mi_core::mctp::Reassembler;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use nvme_mi_core::time::Instant;
use serde_json::json;

use crate::cli::args::{OutputFormat, StartLayer as Start};
use crate::cli::error::{CliError, CliResult};
use report::{Layer, Unit};

/// Parse hex: pairs of digits; whitespace, `:`, `,`, `-` and `0x` prefixes are ignored.
pub fn parse_hex(s: &str) -> Result<Vec<u8>, String> {
    let mut digits = String::new();
    for tok in s.split(|c: char| c.is_whitespace() || c == ':' || c == ',' || c == '-') {
        let t = tok
            .strip_prefix("0x")
            .or_else(|| tok.strip_prefix("0X"))
            .unwrap_or(tok);
        digits.push_str(t);
    }
    hex::decode(&digits).map_err(|e| format!("not hex bytes: {e}"))
}

/// Guess the layer from the first bytes.
pub fn detect(bytes: &[u8]) -> Start {
    match bytes {
        [a, 0x0f, ..] if a & 1 == 0 => Start::Smbus,
        [v, ..] if v & 0x0f == 1 => Start::Mctp,
        _ => Start::Mi,
    }
}

/// The dissector's state across units.
pub struct Dissector {
    reassembler: Box<Reassembler<4, MAX_MESSAGE_LEN>>,
    last: message::LastRequest,
    /// Virtual time: one millisecond per unit.
    clock: Instant,
}

impl Default for Dissector {
    fn default() -> Self {
        Dissector {
            reassembler: Box::new(Reassembler::new()),
            last: message::LastRequest::default(),
            clock: Instant::ZERO,
        }
    }
}

impl Dissector {
    /// Dissect one unit.
    pub fn unit(&mut self, bytes: Vec<u8>, layer: Option<Start>) -> Unit {
        let start = layer.unwrap_or_else(|| detect(&bytes));
        let mut layers = Vec::new();
        match start {
            Start::Smbus => {
                let (l, packet) = transport::smbus_frame(&bytes);
                layers.push(l);
                if let Some(p) = packet {
                    self.packet(&p, &mut layers);
                }
            }
            Start::Mctp => self.packet(&bytes, &mut layers),
            Start::Mi => message::message(&bytes, &mut self.last, &mut layers),
        }
        Unit { bytes, layers }
    }

    fn packet(&mut self, packet: &[u8], layers: &mut Vec<Layer>) {
        let l = transport::mctp_packet(packet);
        let ok = l.errors.is_empty();
        layers.push(l);
        if !ok {
            return;
        }
        // One virtual millisecond per unit: no reassembly ever expires in a file.
        self.clock = self.clock.saturating_add_millis(1);
        let mut r = Layer::new("reassembly (DSP0236 §8.8)");
        let msg = match self.reassembler.receive(packet, self.clock) {
            Ok(Some(m)) => {
                r.field("message", format!("complete, {} bytes", m.message().len()))
                    .field("message bytes", hex::encode(m.message()));
                Some(m.message().to_vec())
            }
            Ok(None) => {
                r.field("message", "packet accepted, waiting for the next packet");
                None
            }
            Err(reason) => {
                r.error(format!("packet dropped: {reason}"));
                None
            }
        };
        layers.push(r);
        if let Some(m) = msg {
            message::message(&m, &mut self.last, layers);
        }
    }
}

/// The most `decode` reads from a file (a capture is read whole).
const MAX_INPUT: u64 = 256 << 20;

/// The units: the arguments together are one unit; a file is split by its format (see
/// [`input`]): one unit per line of hex or log, per packet of a capture, or the whole dump.
fn units(hex: &[String], file: Option<&str>) -> CliResult<Vec<input::Input>> {
    use std::io::Read;
    let mut v = Vec::new();
    if !hex.is_empty() {
        let bytes =
            parse_hex(&hex.join(" ")).map_err(|e| CliError::usage(format!("unit 0: {e}")))?;
        v.push(input::Input {
            bytes,
            layer: None,
            direction: None,
        });
    }
    if let Some(f) = file {
        let mut data = Vec::new();
        let r = if f == "-" {
            std::io::stdin()
                .lock()
                .take(MAX_INPUT + 1)
                .read_to_end(&mut data)
        } else {
            std::fs::File::open(f).and_then(|h| h.take(MAX_INPUT + 1).read_to_end(&mut data))
        };
        r.map_err(|e| CliError::usage(format!("{f}: {e}")))?;
        if data.len() as u64 > MAX_INPUT {
            return Err(CliError::usage(format!(
                "{f}: more than {} MiB",
                MAX_INPUT >> 20
            )));
        }
        v.extend(input::parse(&data, parse_hex).map_err(|e| CliError::usage(format!("{f}: {e}")))?);
    }
    if v.is_empty() {
        return Err(CliError::usage("give hex bytes as arguments or --file"));
    }
    Ok(v)
}

/// `decode`. Exits with the integrity code (4) if any unit failed a check.
pub fn run(
    hex: &[String],
    file: Option<&str>,
    layer: Option<Start>,
    fmt: OutputFormat,
    summary: bool,
) -> CliResult {
    let mut d = Dissector::default();
    let mut failed = 0usize;
    let mut all = Vec::new();
    for (i, inp) in units(hex, file)?.into_iter().enumerate() {
        let dir = inp.direction.clone();
        let unit = d.unit(inp.bytes, layer.or(inp.layer));
        if unit.failed() {
            failed += 1;
        }
        match fmt {
            OutputFormat::Json => {
                let mut j = unit.json(i);
                if let Some(dir) = &dir {
                    j["direction"] = json!(dir);
                }
                if summary {
                    j["summary"] = json!(report::summary(&unit, dir.as_deref()));
                }
                all.push(j)
            }
            OutputFormat::Binary => {}
            OutputFormat::Normal if summary => {
                let line = format!("#{i:<4} {}\n", report::summary(&unit, dir.as_deref()));
                crate::cli::output::write_stdout(line.as_bytes())?
            }
            OutputFormat::Normal => crate::cli::output::write_stdout(unit.text(i).as_bytes())?,
        }
    }
    if fmt == OutputFormat::Json {
        let mut s = serde_json::to_string_pretty(&json!(all)).map_err(std::io::Error::other)?;
        s.push('\n');
        crate::cli::output::write_stdout(s.as_bytes())?;
    }
    if failed > 0 {
        return Err(CliError::integrity(format!(
            "{failed} unit(s) failed an integrity or format check"
        )));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hex_forms() {
        assert_eq!(parse_hex("84 08 0x00:ff"), Ok(vec![0x84, 0x08, 0, 0xff]));
        assert!(parse_hex("8").is_err());
        assert_eq!(detect(&[0x3a, 0x0f]), Start::Smbus);
        assert_eq!(detect(&[0x01, 0x09]), Start::Mctp);
        assert_eq!(detect(&[0x84, 0x08]), Start::Mi);
    }
}
