//! The NVMe-MI Response Message Status and the status-specific bytes of a response
//! (NVMe-MI 1.2 §4.1.2, Figures 26–29).
//!
//! Every NVMe-MI response except an Asynchronous Event Message starts the same way:
//!
//! ```text
//! bytes 3:0  NVMe-MI message header (ROR = 1)
//! byte  4    Status
//! bytes 7:5  status specific: NMRESP on success, MPRT for More Processing Required,
//!            the parameter error location for Invalid Parameter, reserved otherwise
//! ```
//!
//! This module decodes that common part ([`ResponseHeader`], [`StatusInfo`]) for the requester
//! and gives the responder a single type, [`Rejection`], for "this request must be answered
//! with an error status", together with the encoder of the complete error response.

mod mprt;
mod parameter_error_location;
mod rejection;
mod response_header;
mod response_status;
mod status_info;

pub use mprt::Mprt;
pub use parameter_error_location::ParameterErrorLocation;
pub use rejection::Rejection;
pub use response_header::{ResponseHeader, RESPONSE_HEADER_LEN};
pub use response_status::ResponseStatus;
pub use status_info::StatusInfo;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::mi::{Csi, Error, Message, MessageHeader, Nmimt};

    #[test]
    fn status_byte_round_trip() {
        for v in 0..=255u8 {
            let s = ResponseStatus::from_u8(v);
            assert_eq!(s.to_u8(), v);
            match v {
                0x09..=0x1f | 0x2b..=0xdf => assert_eq!(s, ResponseStatus::Reserved(v)),
                0xe0..=0xff => assert_eq!(s, ResponseStatus::VendorSpecific(v)),
                _ => assert!(!matches!(
                    s,
                    ResponseStatus::Reserved(_) | ResponseStatus::VendorSpecific(_)
                )),
            }
        }
        assert_eq!(
            ResponseStatus::from_u8(0x2a),
            ResponseStatus::SanitizeInProgress
        );
        assert_eq!(ResponseStatus::from_u8(0x22).to_u8(), 0x22);
    }

    #[test]
    fn display_names() {
        extern crate std;
        use std::string::ToString;
        assert_eq!(
            ResponseStatus::InvalidCommandInputDataSize.to_string(),
            "Invalid Command Input Data Size"
        );
        assert_eq!(
            ResponseStatus::VendorSpecific(0xe5).to_string(),
            "Vendor Specific (0xe5)"
        );
        assert_eq!(
            Rejection::invalid_field(8, 24).to_string(),
            "Invalid Parameter at byte 11, bit 0"
        );
    }

    #[test]
    fn parameter_error_location_bytes() {
        let l = ParameterErrorLocation::new(0x1234, 5);
        assert_eq!(l.to_bytes(), [5, 0x34, 0x12]);
        assert_eq!(ParameterErrorLocation::from_bytes([0xfd, 0x34, 0x12]), l);
        assert_eq!(
            ParameterErrorLocation::in_dword(12, 31),
            ParameterErrorLocation::new(15, 7)
        );
        assert_eq!(
            ParameterErrorLocation::in_dword(0xffff, 31).byte,
            ParameterErrorLocation::BEYOND
        );
    }

    #[test]
    fn mprt_units() {
        assert_eq!(Mprt(0x32).as_millis(), 5000);
        assert_eq!(Mprt(0xffff).as_millis(), 6_553_500);
        assert_eq!(Mprt::from_millis(5000), Mprt(50));
        assert_eq!(Mprt::from_millis(5001), Mprt(51));
        assert_eq!(Mprt::from_millis(u32::MAX), Mprt(0xffff));
    }

    fn hex(s: &str) -> heapless::Vec<u8, 64> {
        s.split_whitespace()
            .map(|b| u8::from_str_radix(b, 16).unwrap())
            .collect()
    }

    #[test]
    fn vector_invalid_parameter() {
        let v = hex("84 88 00 00 04 00 00 00 d7 64 55 59");
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let mut out = [0u8; 16];
        let r = Rejection::InvalidParameter(ParameterErrorLocation::new(0, 0));
        let n = r.emit_response(&req, &mut out).unwrap();
        assert_eq!(&out[..n], &v[..]);
        let m = Message::new_checked(&v[..]).unwrap();
        m.check_mic().unwrap();
        let h = ResponseHeader::parse_as(&m, Nmimt::MiCommand).unwrap();
        assert_eq!(h.info, r.status_info());
        assert_eq!(h.header.csi, Csi::Slot0);
    }

    #[test]
    fn vector_invalid_command_size() {
        let v = hex("84 88 00 00 05 00 00 00 6f ce 10 84");
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot0);
        let mut out = [0u8; 12];
        let n = Rejection::InvalidCommandSize
            .emit_response(&req, &mut out)
            .unwrap();
        assert_eq!(&out[..n], &v[..]);
        let h = ResponseHeader::parse(&Message::new_checked(&v[..]).unwrap()).unwrap();
        assert_eq!(
            h.info,
            StatusInfo::Other(ResponseStatus::InvalidCommandSize)
        );
    }

    #[test]
    fn vector_admin_mpr() {
        let v = hex("84 90 00 00 01 00 32 00 04 da 4f 4a");
        let req = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot0);
        let h = ResponseHeader::answering(&req, StatusInfo::MoreProcessingRequired(Mprt(0x32)));
        let mut out = [0u8; 12];
        let n = h.emit_message(&[], &mut out).unwrap();
        assert_eq!(&out[..n], &v[..]);
        assert_eq!(n, h.buffer_len());
        let p = ResponseHeader::parse(&Message::new_checked(&v[..]).unwrap()).unwrap();
        assert_eq!(p, h);
        assert_eq!(
            ResponseHeader::parse_as(&Message::new_checked(&v[..]).unwrap(), Nmimt::MiCommand),
            Err(Error::WrongNmimt(2))
        );
        // Padded to the 20-byte Admin response header size: still an MPR.
        let mut padded = [0u8; 24];
        let n = h.emit_message(&[0; 12], &mut padded).unwrap();
        let p = ResponseHeader::parse(&Message::new_checked(&padded[..n]).unwrap()).unwrap();
        assert_eq!(p.info, StatusInfo::MoreProcessingRequired(Mprt(50)));
    }

    #[test]
    fn parse_rejects() {
        let req = hex("84 08 00 00 01 00 00 00 00 00 00 00 00 00 00 00 d2 d4 77 36");
        assert_eq!(
            ResponseHeader::parse(&Message::new_checked(&req[..]).unwrap()),
            Err(Error::WrongDirection)
        );
        let short = hex("84 88 00 00 00 00 00 00 00 00");
        for len in 0..short.len() {
            if let Ok(m) = Message::new_checked(&short[..len]) {
                assert_eq!(ResponseHeader::parse(&m), Err(Error::Truncated));
            }
        }
        let m = Message::new_checked(&short[..]).unwrap();
        assert_eq!(ResponseHeader::parse(&m), Err(Error::Truncated));
    }

    #[test]
    fn emit_with_data() {
        let req = MessageHeader::request(Nmimt::MiCommand, Csi::Slot1);
        let h = ResponseHeader::answering(&req, StatusInfo::Success([1, 2, 3]));
        let mut a = [0u8; 32];
        let n = h.emit_message(&[9, 8, 7, 6], &mut a).unwrap();
        assert_eq!(&a[..12], &[0x84, 0x89, 0, 0, 0, 1, 2, 3, 9, 8, 7, 6]);
        let m = Message::new_checked(&a[..n]).unwrap();
        m.check_mic().unwrap();
        assert_eq!(ResponseHeader::parse(&m).unwrap(), h);
        let mut small = [0u8; 15];
        assert_eq!(
            h.emit_message(&[9, 8, 7, 6], &mut small),
            Err(Error::BufferTooSmall)
        );
    }

    #[test]
    fn status_info_round_trip_all() {
        for s in 0..=255u8 {
            for b in [[0u8, 0, 0], [7, 0xff, 0xff], [3, 0x12, 0x34]] {
                let i = StatusInfo::from_parts(ResponseStatus::from_u8(s), b);
                let again = StatusInfo::from_parts(i.status(), i.status_bytes());
                assert_eq!(i, again);
                assert_eq!(i.status().to_u8(), s);
                assert_eq!(i.to_bytes()[0], s);
            }
        }
        assert_eq!(StatusInfo::Success([0x40, 0, 0]).nmresp(), Some(0x40));
        assert_eq!(
            StatusInfo::Other(ResponseStatus::InternalError).nmresp(),
            None
        );
    }

    #[test]
    fn rejection_statuses() {
        let cases = [
            (Rejection::InternalError, 0x02),
            (Rejection::InvalidCommandOpcode, 0x03),
            (Rejection::invalid_field(8, 0), 0x04),
            (Rejection::InvalidCommandSize, 0x05),
            (Rejection::InvalidCommandInputDataSize, 0x06),
            (Rejection::AccessDenied, 0x07),
            (Rejection::Other(ResponseStatus::SanitizeInProgress), 0x2a),
        ];
        let req = MessageHeader::request(Nmimt::AdminCommand, Csi::Slot1);
        for (r, s) in cases {
            assert_eq!(r.status().to_u8(), s);
            let mut out = [0u8; 12];
            let n = r.emit_response(&req, &mut out).unwrap();
            assert_eq!(n, r.buffer_len());
            assert_eq!(out[1], 0x91);
            assert_eq!(out[4], s);
            let m = Message::new_checked(&out[..]).unwrap();
            m.check_mic().unwrap();
            let h = ResponseHeader::parse(&m).unwrap();
            assert_eq!(h.info, StatusInfo::from(r));
            assert_eq!(&out[5..8], &r.status_bytes());
        }
        let mut small = [0u8; 11];
        assert_eq!(
            Rejection::AccessDenied.emit_response(&req, &mut small),
            Err(Error::BufferTooSmall)
        );
    }
}
