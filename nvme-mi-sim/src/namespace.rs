//! The namespaces: a small fixed table with sizes, formats and attachments (NVMe Base 2.x
//! §8.11 Namespace Management; Identify Namespace data generated on request).

use nvme_mi_core::mi::admin_data::{IdentifyNamespace, LbaFormat, NsIdDescriptorList};
use zerocopy::little_endian::{U128, U16, U64};
use zerocopy::{FromBytes, FromZeros};

use crate::rng::mix;
use crate::Topology;

/// The largest namespace ID, and the number of namespace slots (Identify Controller NN).
pub const MAX_NAMESPACES: usize = 16;
/// Total NVM capacity in bytes (Identify Controller TNVMCAP): 960 GB.
pub const TOTAL_CAPACITY: u64 = 960_000_000_000;
/// LBA data size exponents of the supported formats: 512 bytes (index 0) and 4 KiB (index 1).
pub const LBA_FORMATS: [u8; 2] = [9, 12];

/// One allocated namespace.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Namespace {
    /// Size in logical blocks (NSZE = NCAP).
    pub blocks: u64,
    /// Blocks in use (NUSE).
    pub used: u64,
    /// Index of the LBA format in use.
    pub lbaf: u8,
    /// May be attached to more than one controller (NMIC bit 0).
    pub shared: bool,
    /// Attached controllers (bit `i`: controller ID `i`).
    pub attached: u8,
}

impl Namespace {
    /// Logical block size in bytes.
    pub const fn block_size(&self) -> u64 {
        1u64 << LBA_FORMATS[(self.lbaf & 1) as usize]
    }

    /// Size in bytes.
    pub const fn bytes(&self) -> u64 {
        self.blocks * self.block_size()
    }
}

/// The namespace table: slot `i` holds NSID `i + 1`.
#[derive(Debug, Clone)]
pub(crate) struct Namespaces {
    seed: u64,
    slots: [Option<Namespace>; MAX_NAMESPACES],
}

/// Why a namespace could not be created.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum CreateError {
    InvalidFormat,
    InvalidField,
    InsufficientCapacity,
    NoFreeId,
}

impl Namespaces {
    /// The factory layout of `topology` (see [`Topology`]): NSID 1 (400 GB, 512-byte
    /// blocks, controller 0), NSID 2 (200 GB, 4 KiB blocks, controller 1), NSID 3 (100 GB,
    /// 4 KiB blocks, shared by all), then 10 GB shared ones.
    pub fn new(seed: u64, topology: &Topology) -> Self {
        let mut slots = [None; MAX_NAMESPACES];
        let gb = 1_000_000_000u64;
        let mk = |bytes: u64, lbaf: u8, shared, attached, used_pct: u64| {
            let blocks = bytes >> LBA_FORMATS[lbaf as usize];
            Some(Namespace {
                blocks,
                used: blocks * used_pct / 100,
                lbaf,
                shared,
                attached,
            })
        };
        let all = topology.all_ctrls();
        let second = if topology.controllers > 1 { 2 } else { 1 };
        for (i, slot) in slots
            .iter_mut()
            .enumerate()
            .take(usize::from(topology.namespaces))
        {
            let pct = mix(seed, 10 + i as u64);
            *slot = match i {
                0 => mk(400 * gb, 0, false, 1, 20 + pct % 50),
                1 => mk(200 * gb, 1, false, second, 10 + pct % 50),
                2 => mk(100 * gb, 1, true, all, 5 + pct % 30),
                _ => mk(10 * gb, 1, true, all, pct % 30),
            };
        }
        Namespaces { seed, slots }
    }

    /// The namespace with ID `nsid`, if allocated.
    pub fn get(&self, nsid: u32) -> Option<&Namespace> {
        let i = usize::try_from(nsid).ok()?.checked_sub(1)?;
        self.slots.get(i)?.as_ref()
    }

    /// The namespace with ID `nsid`, mutably.
    pub fn get_mut(&mut self, nsid: u32) -> Option<&mut Namespace> {
        let i = usize::try_from(nsid).ok()?.checked_sub(1)?;
        self.slots.get_mut(i)?.as_mut()
    }

    /// Allocated namespaces with their IDs.
    pub fn iter(&self) -> impl Iterator<Item = (u32, &Namespace)> {
        self.slots
            .iter()
            .enumerate()
            .filter_map(|(i, s)| s.as_ref().map(|n| (i as u32 + 1, n)))
    }

    /// Allocated namespaces, mutably.
    pub fn iter_mut(&mut self) -> impl Iterator<Item = (u32, &mut Namespace)> {
        self.slots
            .iter_mut()
            .enumerate()
            .filter_map(|(i, s)| s.as_mut().map(|n| (i as u32 + 1, n)))
    }

    /// Bytes not allocated to any namespace (UNVMCAP).
    pub fn unallocated(&self) -> u64 {
        TOTAL_CAPACITY.saturating_sub(self.iter().map(|(_, n)| n.bytes()).sum())
    }

    /// Create a namespace from the host's Identify Namespace-shaped data (NSZE, NCAP,
    /// FLBAS, NMIC); returns its NSID.
    pub fn create(&mut self, data: &[u8]) -> Result<u32, CreateError> {
        let (id, _) =
            IdentifyNamespace::read_from_prefix(data).map_err(|_| CreateError::InvalidField)?;
        let lbaf = id.flbas & 0x0f;
        if usize::from(lbaf) >= LBA_FORMATS.len() {
            return Err(CreateError::InvalidFormat);
        }
        let blocks = id.nsze.get();
        if blocks == 0 || id.ncap.get() != blocks {
            // Thin provisioning is not supported: NCAP must equal NSZE.
            return Err(CreateError::InvalidField);
        }
        let bytes = blocks
            .checked_mul(1 << LBA_FORMATS[usize::from(lbaf)])
            .ok_or(CreateError::InsufficientCapacity)?;
        if bytes > self.unallocated() {
            return Err(CreateError::InsufficientCapacity);
        }
        let i = self
            .slots
            .iter()
            .position(Option::is_none)
            .ok_or(CreateError::NoFreeId)?;
        self.slots[i] = Some(Namespace {
            blocks,
            used: 0,
            lbaf,
            shared: id.nmic & 1 != 0,
            attached: 0,
        });
        Ok(i as u32 + 1)
    }

    /// Delete namespace `nsid` (0xFFFFFFFF: all). Returns the controllers it was attached
    /// to, or `None` if there was no such namespace.
    pub fn delete(&mut self, nsid: u32) -> Option<u8> {
        if nsid == u32::MAX {
            let mut att = 0;
            for s in self.slots.iter_mut() {
                if let Some(n) = s.take() {
                    att |= n.attached;
                }
            }
            return Some(att);
        }
        let i = usize::try_from(nsid).ok()?.checked_sub(1)?;
        self.slots.get_mut(i)?.take().map(|n| n.attached)
    }

    /// Write the Identify Namespace data structure of `nsid` into `out` (4096 bytes).
    /// `None` writes the capabilities common to all namespaces (NSID 0xFFFFFFFF).
    pub fn identify(&self, nsid: Option<u32>, out: &mut [u8]) {
        let Ok((id, _)) = IdentifyNamespace::mut_from_prefix(out) else {
            return;
        };
        id.zero();
        id.nlbaf = LBA_FORMATS.len() as u8 - 1;
        for (i, &lbads) in LBA_FORMATS.iter().enumerate() {
            // Relative performance: 4 KiB blocks are "best" (0), 512 bytes "better" (1).
            let rp = if lbads == 12 { 0 } else { 1 };
            id.lbaf[i] = LbaFormat::new(0, lbads, rp);
        }
        id.dlfeat = 0x09; // deallocated blocks read as zero; deallocate with Write Zeroes
        let Some(nsid) = nsid else { return };
        let Some(ns) = self.get(nsid) else { return };
        id.nsze = U64::new(ns.blocks);
        id.ncap = U64::new(ns.blocks);
        id.nuse = U64::new(ns.used);
        id.flbas = ns.lbaf;
        id.nmic = u8::from(ns.shared);
        id.nvmcap = U128::new(ns.bytes().into());
        id.npwg = U16::new(if ns.lbaf == 0 { 7 } else { 0 });
        id.nguid = self.nguid(nsid);
        id.eui64 = self.eui64(nsid);
    }

    /// NGUID of namespace `nsid`: seeded.
    fn nguid(&self, nsid: u32) -> [u8; 16] {
        let mut g = [0u8; 16];
        g[..8].copy_from_slice(&mix(self.seed, 0x100 + u64::from(nsid)).to_be_bytes());
        g[8..].copy_from_slice(&mix(self.seed, 0x200 + u64::from(nsid)).to_be_bytes());
        g
    }

    /// EUI-64 of namespace `nsid`: the documentation OUI AC-DE-48 and seeded bits.
    fn eui64(&self, nsid: u32) -> [u8; 8] {
        let r = mix(self.seed, 0x300 + u64::from(nsid)).to_be_bytes();
        [0xac, 0xde, 0x48, r[0], r[1], r[2], r[3], nsid as u8]
    }

    /// Write the Namespace Identification Descriptor list of `nsid` (EUI-64, NGUID, CSI)
    /// into `out` (4096 bytes).
    pub fn descriptors(&self, nsid: u32, out: &mut [u8]) {
        let mut list = NsIdDescriptorList::new_zeroed();
        if self.get(nsid).is_some() {
            // Three short descriptors always fit in 4096 bytes.
            let _ = list
                .put(0, 1, &self.eui64(nsid))
                .and_then(|at| list.put(at, 2, &self.nguid(nsid)))
                .and_then(|at| list.put(at, 4, &[0])); // NVM command set
        }
        crate::logs::copy_log(&list, out);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use zerocopy::IntoBytes;

    #[test]
    fn factory_layout_and_capacity() {
        let mut t = Namespaces::new(3, &Topology::DEFAULT);
        assert_eq!(t.iter().count(), 3);
        assert_eq!(t.get(1).unwrap().bytes(), 400_000_000_000 / 512 * 512);
        let used: u64 = (1..=3).map(|i| t.get(i).unwrap().bytes()).sum();
        assert_eq!(t.unallocated(), TOTAL_CAPACITY - used);
        assert!(t.unallocated() >= 260_000_000_000);
        let mut req = IdentifyNamespace::new_zeroed();
        req.nsze.set(1 << 20);
        req.ncap.set(1 << 20);
        req.flbas = 1;
        assert_eq!(t.create(req.as_bytes()), Ok(4));
        assert!(t.get(4).is_some());
        req.nsze.set(u64::MAX / 8192);
        req.ncap.set(u64::MAX / 8192);
        assert_eq!(
            t.create(req.as_bytes()),
            Err(CreateError::InsufficientCapacity)
        );
        assert_eq!(t.delete(4), Some(0));
        assert_eq!(t.delete(4), None);
        assert_eq!(t.delete(0), None);
    }
}
