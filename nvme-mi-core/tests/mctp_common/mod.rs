//! Conformance vectors shared by the MCTP packet-layer tests (copied byte for byte from
//! `tests/vectors/vectors.json`; `embedded_vectors_match_vector_file` checks them against the
//! file).
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

/// `smbus-health-poll-req`: single packet, SOM|EOM, seq 0, TO, tag 0, EID 8 to 9.
pub const HEALTH_POLL_REQ: &str = "3a 0f 19 21 01 09 08 c8 84 08 00 00 01 00 00 00 00 00 00 00 \
    00 00 00 00 d2 d4 77 36 ca";
/// `smbus-health-poll-resp`: the response, tag 0 with TO clear, EID 9 to 8.
pub const HEALTH_POLL_RESP: &str = "20 0f 19 3b 01 08 09 c0 84 88 00 00 00 00 00 00 38 ff 25 03 \
    01 00 00 00 56 af 1e d6 4a";
/// `smbus-get-eid-req`: MCTP control to the NULL EID, tag 1, TO.
pub const GET_EID_REQ: &str = "3a 0f 08 21 01 00 08 c9 00 81 02 55";
/// `smbus-get-eid-resp`: its response.
pub const GET_EID_RESP: &str = "20 0f 0c 3b 01 08 09 c1 00 01 02 00 09 01 00 af";

/// Every SMBus frame vector with its name.
pub const FRAMES: [(&str, &str); 6] = [
    ("smbus-health-poll-req", HEALTH_POLL_REQ),
    ("smbus-health-poll-resp", HEALTH_POLL_RESP),
    ("smbus-get-eid-req", GET_EID_REQ),
    ("smbus-get-eid-resp", GET_EID_RESP),
    ("smbus-identify-packet-1", IDENTIFY_PKT1),
    ("smbus-identify-packet-2", IDENTIFY_PKT2),
];

/// Decode space-separated hex bytes.
pub fn hex(s: &str) -> Vec<u8> {
    s.split_whitespace()
        .map(|b| u8::from_str_radix(b, 16).unwrap())
        .collect()
}

/// The MCTP packet inside an SMBus frame: bytes 4.. up to (excluding) the PEC.
pub fn packet_of_frame(frame: &[u8]) -> &[u8] {
    &frame[4..frame.len() - 1]
}

/// Compare the embedded vectors with the vendored conformance file.
pub fn check_embedded_vectors() {
    // The vectors are embedded above; check that they are still the same bytes.
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../tests/vectors/vectors.json");
    let json = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let all = FRAMES
        .iter()
        .chain(&[("mi-admin-identify-ctrl-req", IDENTIFY_REQ)]);
    for &(name, hexstr) in all {
        let at = json.find(&format!("\"name\": \"{name}\"")).unwrap();
        let rest = &json[at..];
        let start = rest.find("\"hex\": \"").unwrap() + 8;
        let end = start + rest[start..].find('"').unwrap();
        assert_eq!(hex(&rest[start..end]), hex(hexstr), "{name}");
    }
}
