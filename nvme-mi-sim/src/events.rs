//! Asynchronous Event state (NVMe-MI 2.0 §5.3): which events are enabled, which
//! occurred and wait to be sent, the AEM awaiting acknowledgement and its retransmission.
//!
//! Choices where the sources this crate was checked against are silent: every occurrence has NVM subsystem scope and no
//! occurrence specific information; AERD 0 disables retransmission; AEMD counts seconds (as
//! libnvme documents); after 7 retransmissions without acknowledgement the AEM is dropped
//! and NSS.ATF is set; an empty enable list (the acknowledgement) leaves AERD and AEMD as
//! they were.

use core::time::Duration;

use heapless::Vec;
use nvme_mi_core::mi::aem::{
    AeConfigEntry, AeConfigList, AeId, AeOccurrence, AeOccurrenceList, AeOccurrenceListHeader,
    Aemti,
};
use nvme_mi_core::mi::command::DATA_OFFSET;
use nvme_mi_core::mi::status::{ParameterErrorLocation, Rejection};
use nvme_mi_core::time::Instant;

/// The events the drive supports: Controller Ready, Shutdown Status, Namespace Attribute
/// Changed, Firmware Activated, Composite Temperature, Percentage Drive Life Used, Available
/// Spare, SMART Warnings.
pub const SUPPORTED: [AeId; 8] = [
    AeId::ControllerReady,
    AeId::ShutdownStatus,
    AeId::NamespaceAttributeChanged,
    AeId::FirmwareActivated,
    AeId::CompositeTemperature,
    AeId::PercentageDriveLifeUsed,
    AeId::AvailableSpare,
    AeId::SmartWarnings,
];

/// Most retransmissions of one AEM (AEMTI retry count is 3 bits).
const MAX_RETRIES: u8 = 7;

const fn bit(id: AeId) -> u16 {
    let v = id.to_u8();
    if v < 16 {
        1 << v
    } else {
        0
    }
}

const fn supported_mask() -> u16 {
    let mut m = 0;
    let mut i = 0;
    while i < SUPPORTED.len() {
        m |= bit(SUPPORTED[i]);
        i += 1;
    }
    m
}

/// The AE state.
#[derive(Debug, Clone, Default)]
pub(crate) struct Events {
    /// Enabled events (bit = AE ID).
    pub enabled: u16,
    /// AEM retry delay, 100 ms units.
    pub aerd: u8,
    /// AEM delay, seconds.
    pub aemd: u8,
    /// Occurred, not reported yet.
    pending: u16,
    pending_since: Instant,
    /// Sent in an AEM, not acknowledged yet.
    outstanding: u16,
    generation: u8,
    retries: u8,
    next_retry: Option<Instant>,
    /// An AEM was given up (NSS.ATF).
    pub failed: bool,
}

impl Events {
    /// Record an occurrence of `id` at `now` (ignored unless enabled).
    pub fn occur(&mut self, id: AeId, now: Instant) {
        let b = bit(id) & self.enabled;
        if b == 0 {
            return;
        }
        if self.pending == 0 {
            self.pending_since = now;
        }
        self.pending |= b;
    }

    /// Configuration Set, identifier 4: apply the enable list (a delta), acknowledge any
    /// outstanding AEM, and write the occurrences pending into `out` (which are then
    /// delivered). Returns the length written.
    pub fn configure(
        &mut self,
        aerd: u8,
        aemd: u8,
        list: &[u8],
        out: &mut [u8],
    ) -> Result<usize, Rejection> {
        let data_at = |byte: usize| {
            Rejection::InvalidParameter(ParameterErrorLocation::new(DATA_OFFSET + byte as u16, 0))
        };
        let parsed = AeConfigList::parse(list).map_err(|_| data_at(0))?;
        let mut enable = self.enabled;
        for (i, e) in parsed.entries().enumerate() {
            let b = bit(e.id);
            if b & supported_mask() == 0 {
                return Err(data_at(5 + 3 * i + 1));
            }
            if e.enabled {
                enable |= b;
            } else {
                enable &= !b;
            }
        }
        if !parsed.is_empty() {
            self.aerd = aerd;
            self.aemd = aemd;
        }
        self.enabled = enable;
        self.outstanding = 0;
        self.next_retry = None;
        self.pending &= self.enabled;
        let pending = core::mem::take(&mut self.pending);
        self.emit(pending, Aemti::default(), out)
            .ok_or(Rejection::InternalError)
    }

    /// Configuration Get, identifier 4: the AE Supported List.
    pub fn supported_list(&self, out: &mut [u8]) -> Option<usize> {
        let mut entries: Vec<AeConfigEntry, 8> = Vec::new();
        for id in SUPPORTED {
            entries
                .push(AeConfigEntry::new(id, self.enabled & bit(id) != 0))
                .ok()?;
        }
        AeConfigList::emit(&entries, out).ok()
    }

    fn emit(&self, mask: u16, aemti: Aemti, out: &mut [u8]) -> Option<usize> {
        let mut occ: Vec<AeOccurrence<'static>, 16> = Vec::new();
        for v in 0..16u8 {
            if mask & (1 << v) != 0 {
                occ.push(AeOccurrence::new(AeId::from_u8(v))).ok()?;
            }
        }
        let header = AeOccurrenceListHeader {
            version: 0,
            overflow: false,
            aemti,
        };
        AeOccurrenceList::emit(&header, &occ, out).ok()
    }

    /// When the next AEM (new or retransmitted) is due.
    pub fn deadline(&self) -> Option<Instant> {
        if self.outstanding != 0 {
            return self.next_retry;
        }
        (self.pending != 0).then(|| self.pending_since + Duration::from_secs(self.aemd.into()))
    }

    /// The AEM due at `now`, if any, written into `out`.
    pub fn take(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        let delay = Duration::from_millis(u64::from(self.aerd) * 100);
        if self.outstanding != 0 {
            let due = self.next_retry?;
            if now < due {
                return None;
            }
            if self.retries >= MAX_RETRIES {
                self.failed = true;
                self.outstanding = 0;
                self.next_retry = None;
                return None;
            }
            self.retries += 1;
            self.next_retry = Some(now + delay);
            let aemti = Aemti {
                retry_count: self.retries,
                generation: self.generation,
            };
            return self.emit(self.outstanding, aemti, out);
        }
        if self.pending == 0 || now < self.deadline()? {
            return None;
        }
        self.generation = (self.generation + 1) % 32;
        self.retries = 0;
        self.outstanding = core::mem::take(&mut self.pending);
        self.next_retry = (self.aerd != 0).then(|| now + delay);
        let aemti = Aemti {
            retry_count: 0,
            generation: self.generation,
        };
        let n = self.emit(self.outstanding, aemti, out);
        if self.aerd == 0 {
            // No retransmission: nothing waits for the acknowledgement.
            self.outstanding = 0;
        }
        n
    }
}
