//! The FRU information device behind VPD Read / VPD Write (NVMe-MI 1.2 §5.10, §5.11 and
//! Appendix on VPD; IPMI Platform Management FRU Information Storage Definition v1.0).
//!
//! Layout of the 256 bytes: the 8-byte common header, a Board Info Area at byte 8 and a
//! Product Info Area after it, each a multiple of 8 bytes with a zero checksum; the rest is
//! zero. No NVMe MultiRecord area is generated (its offset in the header is 0).

/// Size of the VPD, bytes.
pub const VPD_LEN: usize = 256;
/// VPD write cycles the drive starts with (Identify Controller VWCI bits 6:0).
pub const VPD_WRITE_CYCLES: u8 = 100;

/// Type/length byte of an 8-bit ASCII field.
const ASCII: u8 = 0xc0;
/// End-of-fields marker.
const END: u8 = 0xc1;

/// Append FRU fields to `area` (which starts with its 3 fixed bytes) and close it: end
/// marker, padding to 8 bytes, length and checksum. Returns the area length.
fn close_area(area: &mut [u8], mut at: usize, fields: &[&[u8]]) -> usize {
    for f in fields {
        let n = f.len().min(63);
        area[at] = ASCII | n as u8;
        area[at + 1..at + 1 + n].copy_from_slice(&f[..n]);
        at += 1 + n;
    }
    area[at] = END;
    at += 1;
    let len = (at + 1).div_ceil(8) * 8;
    area[1] = (len / 8) as u8;
    let sum = area[..len - 1].iter().fold(0u8, |s, &b| s.wrapping_add(b));
    area[len - 1] = sum.wrapping_neg();
    len
}

/// Build the factory VPD for a drive with serial number `serial`.
pub(crate) fn build(serial: &[u8], out: &mut [u8; VPD_LEN]) {
    out.fill(0);
    const MFR: &[u8] = b"nvme-mi-rs project";
    const PRODUCT: &[u8] = b"NVMe-MI SIM 960";
    const PART: &[u8] = b"SIM-960-U2";
    let serial = trim(serial);
    let board = 8;
    let (head, rest) = out.split_at_mut(board);
    // Board Info Area: version 1, length, language English, manufacturing date 0 (unspecified).
    rest[0] = 1;
    let blen = close_area(rest, 6, &[MFR, PRODUCT, serial, PART, b"sim.fru"]);
    let product = board + blen;
    let prod = &mut rest[blen..];
    prod[0] = 1;
    let plen = close_area(
        prod,
        3,
        &[MFR, PRODUCT, PART, b"A0", serial, b"", b"sim.fru"],
    );
    let _ = plen;
    head[0] = 1; // format version
    head[3] = (board / 8) as u8;
    head[4] = (product / 8) as u8;
    let sum = head[..7].iter().fold(0u8, |s, &b| s.wrapping_add(b));
    head[7] = sum.wrapping_neg();
}

fn trim(s: &[u8]) -> &[u8] {
    let end = s
        .iter()
        .rposition(|&c| c != b' ' && c != 0)
        .map_or(0, |i| i + 1);
    &s[..end]
}

#[cfg(test)]
mod tests {
    use super::*;

    fn zero_sum(b: &[u8]) -> bool {
        b.iter().fold(0u8, |s, &x| s.wrapping_add(x)) == 0
    }

    #[test]
    fn fru_checksums_and_fields() {
        let mut v = [0u8; VPD_LEN];
        build(b"SIM0123456789AB     ", &mut v);
        assert!(zero_sum(&v[..8]));
        let board = usize::from(v[3]) * 8;
        let blen = usize::from(v[board + 1]) * 8;
        assert!(zero_sum(&v[board..board + blen]));
        let product = usize::from(v[4]) * 8;
        assert_eq!(product, board + blen);
        let plen = usize::from(v[product + 1]) * 8;
        assert!(zero_sum(&v[product..product + plen]));
        assert_eq!(v[board + 6], 0xc0 | 18);
        assert_eq!(&v[board + 7..board + 25], b"nvme-mi-rs project");
        assert!(v.windows(15).any(|w| w == b"SIM0123456789AB"));
    }
}
