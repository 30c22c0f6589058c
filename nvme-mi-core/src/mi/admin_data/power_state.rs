//! Power State Descriptor (NVMe Base 2.x §5.1.13.2.1, Identify Controller bytes 2047+32·n:2048).

use zerocopy::little_endian::{U16, U32};
use zerocopy::{FromBytes, Immutable, IntoBytes, KnownLayout, Unaligned};

/// One 32-byte Power State Descriptor of Identify Controller (NVMe Base 2.x §5.1.13.2.1);
/// `psd[n]` in nvme-cli.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, FromBytes, IntoBytes, KnownLayout, Immutable, Unaligned,
)]
#[repr(C)]
pub struct PowerStateDescriptor {
    /// MXPS-scaled maximum power (centiwatts, or 0.0001 W units when `flags` bit 0 is set).
    pub mxps: U16,
    /// Reserved.
    pub rsvd2: u8,
    /// Bit 0 MXPS (max power scale), bit 1 NOPS (non-operational state).
    pub flags: u8,
    /// Entry latency in microseconds.
    pub enlat: U32,
    /// Exit latency in microseconds.
    pub exlat: U32,
    /// Relative read throughput (bits 4:0).
    pub rrt: u8,
    /// Relative read latency (bits 4:0).
    pub rrl: u8,
    /// Relative write throughput (bits 4:0).
    pub rwt: u8,
    /// Relative write latency (bits 4:0).
    pub rwl: u8,
    /// Idle power.
    pub idlp: U16,
    /// Idle power scale (bits 7:6).
    pub ips: u8,
    /// Reserved.
    pub rsvd19: u8,
    /// Active power.
    pub actp: U16,
    /// Active power workload (bits 2:0) and active power scale (bits 7:6).
    pub apws: u8,
    /// Reserved.
    pub rsvd23: [u8; 9],
}

const _: () = assert!(core::mem::size_of::<PowerStateDescriptor>() == 32);

/// Key fields only: the zerocopy byte-order types have no `defmt::Format` to derive from.
#[cfg(feature = "defmt")]
impl defmt::Format for PowerStateDescriptor {
    fn format(&self, f: defmt::Formatter) {
        defmt::write!(
            f,
            "PowerStateDescriptor {{ mxps: {=u16}, flags: {=u8:#x}, enlat: {=u32}, exlat: {=u32} }}",
            self.mxps.get(),
            self.flags,
            self.enlat.get(),
            self.exlat.get()
        )
    }
}

impl PowerStateDescriptor {
    /// NOPS: the state is non-operational.
    pub fn non_operational(&self) -> bool {
        self.flags & 0x02 != 0
    }
}
