//! ASCII string fields of Admin data (serial number, model number, firmware revision, NQN):
//! left-justified and padded with spaces (NVMe Base 2.x §5.1.13.2.1, Identify Controller SN).

/// The text of a space- (or NUL-) padded ASCII field, without its padding.
///
/// Bytes up to the first NUL are kept, trailing spaces removed. A field that is not valid
/// UTF-8 is cut at the first invalid byte, so the result is always the longest clean prefix.
///
/// ```
/// use nvme_mi_core::mi::admin_data::trim_ascii;
/// assert_eq!(trim_ascii(b"S3EVNX0K   "), "S3EVNX0K");
/// assert_eq!(trim_ascii(b"nqn.x\0\0\0"), "nqn.x");
/// assert_eq!(trim_ascii(b"AB\xffCD"), "AB");
/// ```
pub fn trim_ascii(field: &[u8]) -> &str {
    let end = field.iter().position(|&b| b == 0).unwrap_or(field.len());
    let field = &field[..end];
    let s = match core::str::from_utf8(field) {
        Ok(s) => s,
        // `valid_up_to` is a char boundary, so this cannot fail.
        Err(e) => core::str::from_utf8(&field[..e.valid_up_to()]).unwrap_or(""),
    };
    s.trim_end_matches(' ')
}

/// Fill `field` with `text`, left-justified and padded with spaces; text longer than the field
/// is cut.
///
/// ```
/// use nvme_mi_core::mi::admin_data::set_ascii;
/// let mut f = [0u8; 6];
/// set_ascii(&mut f, "ab");
/// assert_eq!(&f, b"ab    ");
/// ```
pub fn set_ascii(field: &mut [u8], text: &str) {
    let src = text.as_bytes();
    for (i, b) in field.iter_mut().enumerate() {
        *b = src.get(i).copied().unwrap_or(b' ');
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn trims_and_pads() {
        assert_eq!(trim_ascii(b""), "");
        assert_eq!(trim_ascii(b"    "), "");
        assert_eq!(trim_ascii(b" a b "), " a b");
        let mut f = [0u8; 4];
        set_ascii(&mut f, "abcdef");
        assert_eq!(&f, b"abcd");
        assert_eq!(trim_ascii(&f), "abcd");
    }
}
