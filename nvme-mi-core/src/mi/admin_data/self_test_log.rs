//! Device Self-test log page (NVMe Base 2.0 §5.16.1.7, Log Identifier 06h), 564 bytes: the
//! operation in progress and the last 20 results, newest first.

use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// The number of results the log holds.
pub const SELF_TEST_RESULTS: usize = 20;

/// Device Self-test Result Data Structure (NVMe Base 2.0 §5.16.1.7, Figure "Self-test Result
/// Data Structure"), 28 bytes. Field names follow nvme-cli's `self-test-log`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct SelfTestResult {
    /// Device Self-test Status: bits 3:0 result (Fh = entry not used), bits 7:4 the Self-test
    /// Code of the operation.
    pub dsts: u8,
    /// Segment Number of the first failing segment (0 = none).
    pub seg: u8,
    /// Valid Diagnostic Information: bit 0 NSID, bit 1 FLBA, bit 2 SCT, bit 3 SC valid.
    pub vdi: u8,
    /// Reserved.
    pub rsvd3: u8,
    /// Power On Hours when the operation completed or aborted.
    pub poh: U64,
    /// Namespace Identifier (valid when [`VDI_NSID`] is set).
    pub nsid: U32,
    /// Failing LBA (valid when [`VDI_FLBA`] is set).
    pub flba: U64,
    /// Status Code Type, bits 2:0 (valid when [`VDI_SCT`] is set).
    pub sct: u8,
    /// Status Code (valid when [`VDI_SC`] is set).
    pub sc: u8,
    /// Vendor specific.
    pub vs: U16,
}

const _: () = assert!(core::mem::size_of::<SelfTestResult>() == 28);

/// VDI bit 0: the NSID field is valid.
pub const VDI_NSID: u8 = 1 << 0;
/// VDI bit 1: the Failing LBA field is valid.
pub const VDI_FLBA: u8 = 1 << 1;
/// VDI bit 2: the Status Code Type field is valid.
pub const VDI_SCT: u8 = 1 << 2;
/// VDI bit 3: the Status Code field is valid.
pub const VDI_SC: u8 = 1 << 3;
/// The result value of an unused entry.
pub const RESULT_UNUSED: u8 = 0xf;

impl SelfTestResult {
    /// The operation's result (DSTS bits 3:0): 0 completed without error, 1..=9 aborted or
    /// failed for the reasons NVMe Base lists, Fh entry not used.
    pub fn result(&self) -> u8 {
        self.dsts & 0x0f
    }

    /// The Self-test Code of the operation (DSTS bits 7:4): 1 short, 2 extended, Eh vendor.
    pub fn code(&self) -> u8 {
        self.dsts >> 4
    }

    /// Does the entry hold a result?
    pub fn used(&self) -> bool {
        self.result() != RESULT_UNUSED
    }

    /// The NSID, where valid.
    pub fn valid_nsid(&self) -> Option<u32> {
        (self.vdi & VDI_NSID != 0).then(|| self.nsid.get())
    }

    /// The failing LBA, where valid.
    pub fn valid_flba(&self) -> Option<u64> {
        (self.vdi & VDI_FLBA != 0).then(|| self.flba.get())
    }

    /// The status code type, where valid.
    pub fn valid_sct(&self) -> Option<u8> {
        (self.vdi & VDI_SCT != 0).then_some(self.sct & 0x7)
    }

    /// The status code, where valid.
    pub fn valid_sc(&self) -> Option<u8> {
        (self.vdi & VDI_SC != 0).then_some(self.sc)
    }
}

/// Device Self-test log (NVMe Base 2.0 §5.16.1.7, LID 06h).
///
/// ```
/// use nvme_mi_core::mi::admin_data::{AdminData, SelfTestLog, VDI_NSID};
/// use zerocopy::{FromZeros, IntoBytes};
/// let mut log = SelfTestLog::new_zeroed();
/// log.cdsto = 1; // a short self-test is running
/// log.cdstc = 40;
/// log.results[0].dsts = 0x10; // short, completed without error
/// log.results[0].vdi = VDI_NSID;
/// log.results[0].nsid.set(1);
/// log.results[1].dsts = 0x0f; // unused
/// let view = SelfTestLog::view(log.as_bytes()).unwrap();
/// assert_eq!((view.operation(), view.completion()), (1, 40));
/// assert_eq!(view.results[0].valid_nsid(), Some(1));
/// assert!(!view.results[1].used());
/// assert!(SelfTestLog::view(&log.as_bytes()[..563]).is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned)]
#[repr(C)]
pub struct SelfTestLog {
    /// Current Device Self-test Operation: bits 3:0 the Self-test Code running (0 = none).
    pub cdsto: u8,
    /// Current Device Self-test Completion: bits 6:0 percent complete.
    pub cdstc: u8,
    /// Reserved.
    pub rsvd2: [u8; 2],
    /// The results, newest first.
    pub results: [SelfTestResult; SELF_TEST_RESULTS],
}

const _: () = assert!(core::mem::size_of::<SelfTestLog>() == 564);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for SelfTestLog {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "SelfTestLog {{ operation: {=u8}, completion: {=u8}% }}",
            self.operation(),
            self.completion()
        )
    }
}

impl SelfTestLog {
    /// The Self-test Code of the operation in progress (0 = none).
    pub fn operation(&self) -> u8 {
        self.cdsto & 0x0f
    }

    /// The percentage of the operation in progress that is complete.
    pub fn completion(&self) -> u8 {
        self.cdstc & 0x7f
    }
}
