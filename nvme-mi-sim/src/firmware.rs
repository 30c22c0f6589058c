//! Firmware slots, image download and commit (NVMe Base 2.x §5.12, §5.13; Firmware Slot
//! Information log).
//!
//! The simulation keeps no image: it checks that downloads are contiguous, counts the bytes,
//! folds them into a checksum and takes the new revision from the image header (see
//! [`IMAGE_MAGIC`]).

use nvme_mi_core::mi::admin::CommitAction;
use nvme_mi_core::mi::admin_data::FirmwareSlotLog;
use zerocopy::{FromBytes, IntoBytes};

/// The first four bytes of an image the simulated drive accepts; bytes 11:4 hold its
/// firmware revision (ASCII, space or NUL padded).
pub const IMAGE_MAGIC: [u8; 4] = *b"SIMF";
/// Length of the image header (magic and revision).
pub const IMAGE_HEADER_LEN: usize = 12;
/// The largest image accepted, bytes.
pub const MAX_IMAGE_LEN: u64 = 16 << 20;
/// Number of firmware slots; slot 1 is read-only.
pub const SLOTS: u8 = 3;
/// The factory revision in slot 1.
pub const FACTORY_REVISION: &[u8; 8] = b"1.0.0   ";
/// The revision running at start, from slot 2.
pub const INITIAL_REVISION: &[u8; 8] = b"1.1.0   ";

/// Why a firmware command failed (each maps to an NVMe status).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum FwError {
    /// Invalid Field in Command.
    InvalidField,
    /// Overlapping Range.
    Overlapping,
    /// Invalid Firmware Slot.
    InvalidSlot,
    /// Invalid Firmware Image.
    InvalidImage,
}

/// What a successful commit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Commit {
    /// Stored, nothing activated.
    Stored,
    /// Activation at the next reset.
    OnReset,
    /// Activate now.
    Now(u8),
}

/// The firmware state.
#[derive(Debug, Clone)]
pub(crate) struct Firmware {
    /// Revisions per slot (all spaces = empty).
    pub slots: [[u8; 8]; SLOTS as usize],
    /// Slot of the running firmware (1-based).
    pub active: u8,
    /// Slot to activate at the next reset (0 = none).
    pub next: u8,
    /// Download in progress: bytes received, running checksum, revision from the header.
    received: u64,
    checksum: u32,
    header: [u8; IMAGE_HEADER_LEN],
}

impl Firmware {
    /// Factory state: slot 1 "1.0.0" (read-only), slot 2 "1.1.0" running, slot 3 empty.
    pub fn new() -> Self {
        Firmware {
            slots: [*FACTORY_REVISION, *INITIAL_REVISION, [b' '; 8]],
            active: 2,
            next: 0,
            received: 0,
            checksum: 0,
            header: [0; IMAGE_HEADER_LEN],
        }
    }

    /// The running revision.
    pub fn running(&self) -> [u8; 8] {
        self.slots[usize::from(self.active - 1)]
    }

    /// Bytes of the image received so far and their checksum (Fletcher-32 style).
    pub fn download_state(&self) -> (u64, u32) {
        (self.received, self.checksum)
    }

    /// Accept `data` at byte `offset` of the image. Offset 0 starts a new image; any other
    /// offset must continue the previous chunk.
    pub fn download(&mut self, offset: u64, data: &[u8]) -> Result<(), FwError> {
        if offset == 0 {
            self.received = 0;
            self.checksum = 0;
            self.header = [0; IMAGE_HEADER_LEN];
        } else if offset < self.received {
            return Err(FwError::Overlapping);
        } else if offset > self.received {
            return Err(FwError::InvalidField);
        }
        let end = offset + data.len() as u64;
        if end > MAX_IMAGE_LEN {
            return Err(FwError::InvalidField);
        }
        for (i, &b) in data.iter().enumerate() {
            let at = offset as usize + i;
            if let Some(h) = self.header.get_mut(at) {
                *h = b;
            }
        }
        let (mut a, mut b) = (self.checksum & 0xffff, self.checksum >> 16);
        for &x in data {
            a = (a + u32::from(x)) % 65535;
            b = (b + a) % 65535;
        }
        self.checksum = (b << 16) | a;
        self.received = end;
        Ok(())
    }

    /// Commit: `fs` 0 lets the drive choose a slot.
    pub fn commit(&mut self, fs: u8, ca: CommitAction) -> Result<Commit, FwError> {
        let replaces = matches!(
            ca,
            CommitAction::Replace
                | CommitAction::ReplaceAndActivate
                | CommitAction::ReplaceAndActivateNow
        );
        if !replaces && ca != CommitAction::Activate {
            return Err(FwError::InvalidField);
        }
        let slot = match fs {
            0 if replaces => {
                // The first writable slot that is not running.
                (2..=SLOTS).find(|&s| s != self.active).unwrap_or(3)
            }
            0 => self.active,
            s if s > SLOTS => return Err(FwError::InvalidSlot),
            s => s,
        };
        if replaces {
            if slot == 1 {
                return Err(FwError::InvalidSlot);
            }
            let rev = self.image_revision().ok_or(FwError::InvalidImage)?;
            self.slots[usize::from(slot - 1)] = rev;
            self.received = 0;
            self.checksum = 0;
            self.header = [0; IMAGE_HEADER_LEN];
        } else if self.slots[usize::from(slot - 1)] == [b' '; 8] {
            return Err(FwError::InvalidImage);
        }
        Ok(match ca {
            CommitAction::Replace => Commit::Stored,
            CommitAction::ReplaceAndActivateNow => Commit::Now(slot),
            _ => {
                self.next = slot;
                Commit::OnReset
            }
        })
    }

    /// The revision in the header of the downloaded image, if it is a valid image.
    fn image_revision(&self) -> Option<[u8; 8]> {
        if (self.received as usize) < IMAGE_HEADER_LEN || self.header[..4] != IMAGE_MAGIC {
            return None;
        }
        let mut rev = [b' '; 8];
        for (d, &s) in rev.iter_mut().zip(&self.header[4..]) {
            *d = if s == 0 { b' ' } else { s };
        }
        if rev == [b' '; 8] || !rev.iter().all(|c| c.is_ascii_graphic() || *c == b' ') {
            return None;
        }
        Some(rev)
    }

    /// Activate `slot` now. Returns true if the running revision changed slot.
    pub fn activate(&mut self, slot: u8) -> bool {
        let changed = slot != self.active;
        self.active = slot;
        if self.next == slot {
            self.next = 0;
        }
        changed
    }

    /// A reset: activate the pending slot, if any. Returns true if firmware was activated.
    pub fn reset(&mut self) -> bool {
        match self.next {
            0 => false,
            s => {
                self.activate(s);
                true
            }
        }
    }

    /// Write the Firmware Slot Information log (512 bytes) into `out`.
    pub fn slot_log(&self, out: &mut [u8]) {
        let Ok((log, _)) = FirmwareSlotLog::mut_from_prefix(out) else {
            return;
        };
        log.as_mut_bytes().fill(0);
        log.afi = self.active | (self.next << 4);
        for (d, s) in log.frs.iter_mut().zip(&self.slots) {
            if *s != [b' '; 8] {
                *d = *s;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn image(rev: &str) -> [u8; 64] {
        let mut img = [0x5a; 64];
        img[..4].copy_from_slice(&IMAGE_MAGIC);
        img[4..12].fill(b' ');
        img[4..4 + rev.len()].copy_from_slice(rev.as_bytes());
        img
    }

    #[test]
    fn download_commit_activate() {
        let mut f = Firmware::new();
        let img = image("2.0.0");
        f.download(0, &img[..32]).unwrap();
        assert_eq!(f.download(64, &img[32..]), Err(FwError::InvalidField));
        assert_eq!(f.download(16, &img[32..]), Err(FwError::Overlapping));
        f.download(32, &img[32..]).unwrap();
        assert_eq!(f.download_state().0, 64);
        assert_eq!(
            f.commit(1, CommitAction::Replace),
            Err(FwError::InvalidSlot)
        );
        assert_eq!(
            f.commit(0, CommitAction::ReplaceAndActivate),
            Ok(Commit::OnReset)
        );
        assert_eq!(f.next, 3);
        assert_eq!(&f.running(), INITIAL_REVISION);
        assert!(f.reset());
        assert_eq!(&f.running(), b"2.0.0   ");
        assert_eq!(
            f.commit(2, CommitAction::Replace),
            Err(FwError::InvalidImage)
        );
        assert_eq!(f.commit(1, CommitAction::Activate), Ok(Commit::OnReset));
        assert_eq!(
            f.commit(7, CommitAction::Activate),
            Err(FwError::InvalidSlot)
        );
    }
}
