//! `decode`: a dissector for SMBus frames, MCTP packets and NVMe-MI messages given as hex.
//!
//! Units come one per argument or one per line of a file. MCTP packets (bare or inside SMBus
//! frames) go through the core's [`Reassembler`], so that a message split over several
//! packets on several lines is reassembled and dissected when its last packet arrives.

mod message;
mod report;
mod transport;

use std::io::BufRead;

use nvme_mi_core::mctp::Reassembler;
use nvme_mi_core::mi::MAX_MESSAGE_LEN;
use serde_json::json;

use crate::cli::args::{Layer as Start, OutputFormat};
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
    clock_ms: u64,
}

impl Default for Dissector {
    fn default() -> Self {
        Dissector {
            reassembler: Box::new(Reassembler::new()),
            last: message::LastRequest::default(),
            clock_ms: 0,
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
        self.clock_ms += 1;
        let mut r = Layer::new("reassembly (DSP0236 §8.8)");
        let msg = match self.reassembler.receive(packet, self.clock_ms) {
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

/// The units: the arguments together are one unit; each non-empty line of the file (not
/// starting with `#`) is one.
fn units(hex: &[String], file: Option<&str>) -> CliResult<Vec<String>> {
    let mut v: Vec<String> = Vec::new();
    if !hex.is_empty() {
        v.push(hex.join(" "));
    }
    if let Some(f) = file {
        let lines: Vec<String> = if f == "-" {
            std::io::stdin().lock().lines().collect::<Result<_, _>>()?
        } else {
            std::fs::read_to_string(f)
                .map_err(|e| CliError::usage(format!("{f}: {e}")))?
                .lines()
                .map(str::to_string)
                .collect()
        };
        v.extend(lines.into_iter().filter(|l| {
            let t = l.trim();
            !t.is_empty() && !t.starts_with('#')
        }));
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
) -> CliResult {
    let mut d = Dissector::default();
    let mut failed = 0usize;
    let mut all = Vec::new();
    for (i, text) in units(hex, file)?.iter().enumerate() {
        let bytes = parse_hex(text).map_err(|e| CliError::usage(format!("unit {i}: {e}")))?;
        let unit = d.unit(bytes, layer);
        if unit.failed() {
            failed += 1;
        }
        match fmt {
            OutputFormat::Json => all.push(unit.json(i)),
            OutputFormat::Binary => {}
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
