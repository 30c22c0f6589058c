//! Printing results in the three formats of `-o`: text, JSON, raw bytes.

use std::io::Write;

use serde_json::Value;

use super::args::OutputFormat;
use super::error::CliResult;

/// Print one result: `text` for normal output, `json` for JSON, `raw` for binary.
pub fn emit(
    fmt: OutputFormat,
    text: impl FnOnce() -> String,
    json: impl FnOnce() -> Value,
    raw: &[u8],
) -> CliResult {
    let mut out = std::io::stdout().lock();
    match fmt {
        OutputFormat::Normal => {
            let t = text();
            out.write_all(t.as_bytes())?;
            if !t.ends_with('\n') {
                out.write_all(b"\n")?;
            }
        }
        OutputFormat::Json => {
            let s = serde_json::to_string_pretty(&json()).map_err(std::io::Error::other)?;
            writeln!(out, "{s}")?;
        }
        OutputFormat::Binary => out.write_all(raw)?,
    }
    out.flush()?;
    Ok(())
}

/// Write `bytes` to standard output (a closed pipe is an error the caller ends quietly on,
/// never a panic).
pub fn write_stdout(bytes: &[u8]) -> CliResult {
    let mut out = std::io::stdout().lock();
    out.write_all(bytes)?;
    out.flush()?;
    Ok(())
}

/// A classic hex dump: offset, 16 bytes, ASCII.
pub fn hex_dump(data: &[u8]) -> String {
    let mut s = String::new();
    for (i, line) in data.chunks(16).enumerate() {
        let hex: Vec<String> = line.iter().map(|b| format!("{b:02x}")).collect();
        let ascii: String = line
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    b as char
                } else {
                    '.'
                }
            })
            .collect();
        s.push_str(&format!(
            "{:04x}: {:<47}  \"{ascii}\"\n",
            i * 16,
            hex.join(" ")
        ));
    }
    s
}

/// Names of the set bits of `bits` from `table` (bit, name); unknown set bits as `bitN`.
pub fn flag_names(bits: u32, table: &[(u32, &str)]) -> Vec<String> {
    let mut v = Vec::new();
    for i in 0..32 {
        if bits & (1 << i) != 0 {
            match table.iter().find(|(b, _)| *b == i) {
                Some((_, n)) => v.push((*n).to_string()),
                None => v.push(format!("bit{i}")),
            }
        }
    }
    v
}

/// The flags of `bits` as "A|B" or "none".
pub fn flags_text(bits: u32, table: &[(u32, &str)]) -> String {
    let v = flag_names(bits, table);
    if v.is_empty() {
        "none".to_string()
    } else {
        v.join("|")
    }
}

/// Bytes in human units (decimal, as drive vendors count).
pub fn human_size(bytes: u128) -> String {
    const UNITS: [&str; 6] = ["B", "kB", "MB", "GB", "TB", "PB"];
    let mut v = bytes as f64;
    let mut u = 0;
    while v >= 1000.0 && u + 1 < UNITS.len() {
        v /= 1000.0;
        u += 1;
    }
    if u == 0 {
        format!("{bytes} B")
    } else {
        format!("{v:.2} {}", UNITS[u])
    }
}

/// Subsystem status (NSS) names, NVMe-MI 1.2 §5.6.
pub const NSS_FLAGS: &[(u32, &str)] = &[
    (1, "SNFM"),
    (2, "P1LA"),
    (3, "P0LA"),
    (4, "RNR"),
    (5, "DF"),
    (6, "SFM"),
    (7, "ATF"),
];

/// Critical warning names (NVMe layout), NVMe Base §5.16.1.3.
pub const CRITICAL_WARNING_FLAGS: &[(u32, &str)] = &[
    (0, "spare-below-threshold"),
    (1, "temperature"),
    (2, "reliability-degraded"),
    (3, "read-only"),
    (4, "volatile-backup-failed"),
    (5, "pmr-read-only"),
    (6, "indeterminate-personality"),
];

/// Composite controller status / changed flags names, NVMe-MI 1.2 §5.3, §5.6.
pub const CCS_FLAGS: &[(u32, &str)] = &[
    (0, "RDY"),
    (1, "CFS"),
    (2, "SHST"),
    (4, "NSSRO"),
    (5, "CECO"),
    (6, "NAC"),
    (7, "FA"),
    (8, "CSTS"),
    (9, "CTEMP"),
    (10, "PDLU"),
    (11, "SPARE"),
    (12, "CWARN"),
    (13, "TCIDA"),
];

/// Controller status (CSTS of a Controller Health Data Structure), NVMe-MI 1.2 §5.3.
pub const CSTS_FLAGS: &[(u32, &str)] = &[
    (0, "RDY"),
    (1, "CFS"),
    (2, "SHST0"),
    (3, "SHST1"),
    (4, "NSSRO"),
    (5, "CECO"),
    (6, "NAC"),
    (7, "FA"),
    (8, "TCIDA"),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn flags_and_sizes() {
        assert_eq!(flags_text(0x30, NSS_FLAGS), "RNR|DF");
        assert_eq!(flags_text(0, NSS_FLAGS), "none");
        assert_eq!(flags_text(1, NSS_FLAGS), "bit0");
        assert_eq!(human_size(400_000_000_000), "400.00 GB");
        assert_eq!(human_size(12), "12 B");
        assert!(hex_dump(b"ABC").starts_with("0000: 41 42 43"));
    }
}
