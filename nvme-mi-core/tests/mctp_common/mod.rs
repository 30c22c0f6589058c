//! Conformance vectors shared by the MCTP packet-layer tests (copied byte for byte from
//! `shared/vectors/vectors.json`; `embedded_vectors_match_shared_file` checks them against the
//! file when it is present).
#![allow(dead_code)]

/// `mi-admin-identify-ctrl-req` (nvme-mi message, 72 bytes).
pub const IDENTIFY_REQ: &str = "84 10 00 00 06 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 01 00 00 00 00 00 00 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 9c d6 53 ed";
/// `smbus-identify-packet-1` (smbus frame: address, command, count, source, packet, PEC).
pub const IDENTIFY_PKT1: &str = "3a 0f 45 21 01 09 08 8a 84 10 00 00 06 00 00 00 00 00 00 00 00 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 10 00 00 00 00 00 00 00 00 00 00 01 00 00 00 \
    00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 00 6e";
/// `smbus-identify-packet-2`.
pub const IDENTIFY_PKT2: &str = "3a 0f 0d 21 01 09 08 5a 00 00 00 00 9c d6 53 ed e7";

pub fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The MCTP packet inside an SMBus frame: bytes 4.. up to (excluding) the PEC.
pub fn packet_of_frame(frame: &[u8]) -> &[u8] {
    &frame[4..frame.len() - 1]
}

/// Compare the embedded vectors with the shared file, if it is there.
pub fn check_embedded_vectors() {
    // The vectors are embedded above; when the shared conformance file is present, check that
    // they are still the same bytes.
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../shared/vectors/vectors.json"
    );
    let Ok(json) = std::fs::read_to_string(path) else {
        return;
    };
    for (name, hexstr) in [
        ("mi-admin-identify-ctrl-req", IDENTIFY_REQ),
        ("smbus-identify-packet-1", IDENTIFY_PKT1),
        ("smbus-identify-packet-2", IDENTIFY_PKT2),
    ] {
        let at = json.find(&format!("\"name\": \"{name}\"")).unwrap();
        let rest = &json[at..];
        let start = rest.find("\"hex\": \"").unwrap() + 8;
        let end = start + rest[start..].find('"').unwrap();
        assert_eq!(hex(&rest[start..end]), hex(hexstr), "{name}");
    }
}
