//! The NVMe Basic Management Command (NVMe-MI 1.2 Appendix A): the SMBus block read and the
//! status and identification blocks.
//!
//! Checks: bytes that decode re-encode byte for byte; the blocks parse, emit and parse to
//! the same value; encoded data decodes back.
#![no_main]

use libfuzzer_sys::fuzz_target;
use nvme_mi_core::basic_mgmt::{BlockRead, IdentificationBlock, StatusBlock, MAX_BLOCK_LEN};

fuzz_target!(|data: &[u8]| {
    let [address, command, bytes @ ..] = data else {
        return;
    };
    let read = BlockRead::new(*address, *command);
    let mut out = [0u8; MAX_BLOCK_LEN + 2];
    if let Ok(block) = read.decode(bytes) {
        let n = read
            .encode(block, &mut out)
            .expect("decoded data re-encodes");
        assert_eq!(&out[..n], bytes, "encode(decode(x)) == x");
    }
    // The block parsers take the data directly (the length byte already checked).
    for d in [bytes, bytes.get(1..).unwrap_or_default()] {
        if let Ok(s) = StatusBlock::parse(d) {
            assert_eq!(StatusBlock::parse(&s.to_bytes()), Ok(s));
            let n = read.encode(&s.to_bytes(), &mut out).unwrap();
            assert_eq!(read.decode(&out[..n]), Ok(&s.to_bytes()[..]));
        }
        if let Ok(id) = IdentificationBlock::parse(d) {
            assert_eq!(id.to_bytes(), d, "identification block is all data");
            assert_eq!(IdentificationBlock::parse(&id.to_bytes()), Ok(id));
            assert!(id.serial().len() <= 20);
            let again = IdentificationBlock::new(id.vendor_id, id.serial());
            assert_eq!(again.serial(), id.serial());
        }
    }
    if bytes.len() <= MAX_BLOCK_LEN {
        let n = read.encode(bytes, &mut out).expect("encode any short data");
        assert_eq!(read.decode(&out[..n]), Ok(bytes));
    }
});
