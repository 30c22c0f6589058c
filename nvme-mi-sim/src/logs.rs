//! The smaller log pages the drive generates: Error Information (LID 01h), Device
//! Self-test (06h) and Sanitize Status (81h) (NVMe Base 2.x §5.16.1).

use core::time::Duration;

use nvme_mi_core::mi::admin::NvmeStatus;
use nvme_mi_core::mi::admin_data::{
    ErrorLogEntry, SanitizeStatusLog, SelfTestLog, RESULT_UNUSED, VDI_NSID,
};
use nvme_mi_core::time::Instant;
use zerocopy::little_endian::{U16, U32, U64};
use zerocopy::{FromZeros, IntoBytes};

use crate::rng::below;

/// Error log entries the log page has (Identify Controller ELPE + 1): 256, the most ELPE
/// can say, so the log (16 KiB) is larger than one NVMe-MI response can carry and a
/// requester must read it in parts (Log Page Offset, or the MI Data Offset).
pub(crate) const ERROR_LOG_ENTRIES: usize = 256;
/// Length of the Error Information log.
pub(crate) const ERROR_LOG_LEN: usize = ERROR_LOG_ENTRIES * 64;
/// Error entries remembered (newest first); older ones read as unused.
const ERROR_RING: usize = 4;

/// A recorded command error.
#[derive(Debug, Clone, Copy, Default)]
struct ErrorRecord {
    count: u64,
    opcode: u8,
    status: u16,
    nsid: u32,
}

/// The Error Information log: the last few failed Admin commands.
#[derive(Debug, Clone)]
pub(crate) struct ErrorLog {
    ring: [ErrorRecord; ERROR_RING],
    next: u64,
}

impl ErrorLog {
    /// A log holding two seeded historical errors (Invalid Field in Get Log Page and
    /// Identify).
    pub fn new(seed: u64) -> Self {
        let mut l = ErrorLog {
            ring: [ErrorRecord::default(); ERROR_RING],
            next: 1,
        };
        l.record(
            0x02,
            NvmeStatus::new(nvme_mi_core::mi::admin::Sct::Generic, 0x02),
            0,
        );
        l.record(
            0x06,
            NvmeStatus::new(nvme_mi_core::mi::admin::Sct::Generic, 0x0b),
            1 + below(seed, 8, 3) as u32,
        );
        l
    }

    /// Total errors recorded.
    pub fn count(&self) -> u64 {
        self.next - 1
    }

    /// Record a failed command.
    pub fn record(&mut self, opcode: u8, status: NvmeStatus, nsid: u32) {
        self.ring.rotate_right(1);
        self.ring[0] = ErrorRecord {
            count: self.next,
            opcode,
            status: status.to_u16(),
            nsid,
        };
        self.next += 1;
    }

    /// Write the bytes of the log ([`ERROR_LOG_LEN`] long) from byte `start` on into
    /// `out`, zeros past its end. Only the entries that `out` covers are generated, so the
    /// whole log never needs a buffer of its own.
    pub fn write_window(&self, start: u64, out: &mut [u8]) {
        out.fill(0);
        let Ok(start) = usize::try_from(start) else {
            return;
        };
        let mut at = 0;
        while at < out.len() {
            let pos = start.saturating_add(at);
            let index = pos / 64;
            if index >= ERROR_LOG_ENTRIES {
                break;
            }
            let entry = self.entry(index);
            let bytes = &entry.as_bytes()[pos % 64..];
            let n = bytes.len().min(out.len() - at);
            out[at..at + n].copy_from_slice(&bytes[..n]);
            at += n;
        }
    }

    /// Entry `index` (0 the newest); unused entries are all zeros.
    fn entry(&self, index: usize) -> ErrorLogEntry {
        let mut e = ErrorLogEntry::new_zeroed();
        if let Some(r) = self.ring.get(index).filter(|r| r.count != 0) {
            e.error_count = U64::new(r.count);
            e.status_field = U16::new(r.status << 1);
            e.parm_error_location = U16::new(0xffff);
            e.nsid = U32::new(r.nsid);
            e.opcode = r.opcode;
            e.log_page_version = 1;
        }
        e
    }
}

/// Device self-test state and results.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SelfTest {
    /// Running test: code (1 short, 2 extended), NSID, start, end.
    running: Option<(u8, u32, Instant, Instant)>,
    /// Newest first: code, result (0 success, 1 aborted), NSID, power-on hours.
    results: [(u8, u8, u32, u64); 4],
    count: usize,
    /// Power-on hours to stamp results with, updated by the caller.
    pub hours: u64,
}

impl SelfTest {
    /// Is a test running?
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Start test `code` (1 short, 2 extended) on `nsid` at `now`.
    pub fn start(&mut self, code: u8, nsid: u32, now: Instant) {
        let d = if code == 1 {
            crate::SHORT_SELF_TEST_TIME
        } else {
            crate::EXTENDED_SELF_TEST_TIME
        };
        self.running = Some((code, nsid, now, now + d));
    }

    fn push(&mut self, code: u8, result: u8, nsid: u32) {
        self.results.rotate_right(1);
        self.results[0] = (code, result, nsid, self.hours);
        self.count = (self.count + 1).min(self.results.len());
    }

    /// Abort the running test, if any.
    pub fn abort(&mut self) {
        if let Some((code, nsid, _, _)) = self.running.take() {
            self.push(code, 1, nsid);
        }
    }

    /// Finish the running test if its time is up.
    pub fn update(&mut self, now: Instant) {
        if let Some((code, nsid, _, end)) = self.running {
            if now >= end {
                self.running = None;
                self.push(code, 0, nsid);
            }
        }
    }

    /// When the running test ends.
    pub fn deadline(&self) -> Option<Instant> {
        self.running.map(|r| r.3)
    }

    /// Write the Device Self-test log into `out`.
    pub fn write(&self, now: Instant, out: &mut [u8]) {
        let mut log = SelfTestLog::new_zeroed();
        if let Some((code, _, start, end)) = self.running {
            log.cdsto = code;
            let total = end.as_millis().saturating_sub(start.as_millis()).max(1);
            log.cdstc =
                (now.as_millis().saturating_sub(start.as_millis()) * 100 / total).min(99) as u8;
        }
        for (i, e) in log.results.iter_mut().enumerate() {
            match self.results.get(i).filter(|_| i < self.count) {
                Some(&(code, result, nsid, hours)) => {
                    e.dsts = (code << 4) | result;
                    e.vdi = if nsid != 0 { VDI_NSID } else { 0 };
                    e.poh.set(hours);
                    e.nsid.set(nsid);
                }
                None => e.dsts = RESULT_UNUSED,
            }
        }
        copy_log(&log, out);
    }
}

#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct SanitizeState {
    /// SSTAT bits 2:0 of the last completed operation (0 never sanitized, 1 success).
    done: u16,
    scdw10: u32,
    running: Option<(Instant, Instant)>,
}

impl SanitizeState {
    /// Is a sanitize operation running?
    pub fn busy(&self) -> bool {
        self.running.is_some()
    }

    /// Start one (CDW10 `scdw10`) at `now` lasting `d`.
    pub fn start(&mut self, scdw10: u32, now: Instant, d: Duration) {
        self.scdw10 = scdw10;
        self.running = Some((now, now + d));
    }

    /// Complete the running operation.
    pub fn complete(&mut self) {
        self.running = None;
        self.done = 1 | 0x100; // completed successfully, global data erased
    }

    /// Abort (a reset): the last status stays "failed".
    pub fn abort(&mut self) {
        if self.running.take().is_some() {
            self.done = 3;
        }
    }

    /// Nothing to do by itself: completion comes with the Admin command's.
    pub fn update(&mut self, _now: Instant) {}

    /// Write the Sanitize Status log into `out`.
    pub fn write(&self, now: Instant, out: &mut [u8]) {
        let mut log = SanitizeStatusLog::new_zeroed();
        let (sprog, sstat) = match self.running {
            Some((start, end)) => {
                let total = end.as_millis().saturating_sub(start.as_millis()).max(1);
                let p = now.as_millis().saturating_sub(start.as_millis()) * 65536 / total;
                (p.min(65535) as u16, 2)
            }
            None => (0xffff, self.done),
        };
        let est = crate::SANITIZE_TIME.as_secs() as u32;
        log.sprog.set(sprog);
        log.sstat.set(sstat);
        log.scdw10.set(self.scdw10);
        log.eto.set(est);
        log.etbe.set(est);
        log.etce.set(est);
        copy_log(&log, out);
    }
}

/// Copy a log structure to the start of `out` (as much as fits).
pub(crate) fn copy_log(log: &(impl IntoBytes + zerocopy::Immutable), out: &mut [u8]) {
    let b = log.as_bytes();
    let n = b.len().min(out.len());
    out[..n].copy_from_slice(&b[..n]);
}
