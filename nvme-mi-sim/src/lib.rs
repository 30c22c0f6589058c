//! A deterministic, seedable simulated NVMe subsystem that answers NVMe-MI through the
//! responder engine of [`nvme_mi_core`]. `no_std` and heap-free so that it also runs inside
//! firmware.
//!
//! [`Sim`] implements [`Device`]: wrap it in a [`Responder`] (or call [`responder`]) and serve
//! it over any transport. The drive:
//!
//! * is an NVMe-MI 2.0 subsystem with, by default, two ports (port 0 PCIe Gen4 x4, port 1
//!   SMBus/I2C with VPD at 0x53 and the management endpoint at 0x1D) and two controllers
//!   (IDs 0 and 1, as on most real drives, so that a requester addressing controller 0 works);
//! * has three namespaces (400 GB with 512-byte blocks on controller 0, 200 GB with 4 KiB
//!   blocks on controller 1, 100 GB shared) and room to create more;
//! * takes other shapes through a [`Topology`] ([`Sim::with_topology`]): up to
//!   [`MAX_CONTROLLERS`] controllers, a second PCIe port (dual-port), more namespaces;
//! * evolves with virtual time only (never a clock): the composite temperature drifts
//!   between 35 and 45 °C, power-on hours and data units grow, and everything derives from
//!   the seed, so that the same seed and the same requests at the same times give the same
//!   bytes;
//! * tracks health status changes, raises Asynchronous Events, runs Format NVM, Sanitize and
//!   immediate firmware activation as long operations (More Processing Required), downloads
//!   and commits firmware, and keeps a 256-byte IPMI FRU VPD.
//!
//! Large Admin data (Identify, logs) is generated into the caller's buffer on request, never
//! stored: [`Sim`] is about 1.2 KiB (see `size_of` in the tests).
//!
//! What it answers:
//!
//! | Command | Behaviour |
//! |---|---|
//! | Read NVMe-MI Data Structure | subsystem (NVMe-MI 2.0, 2 ports), ports, controller list and information, optional command list, empty MEB list |
//! | Subsystem / Controller Health Status Poll | from the health model; CS and CCF clear the change flags |
//! | Configuration Set / Get | SMBus frequency (port 1, ≤ 400 kHz), MCTP TU (port 0: 64; port 1: 64..=250), health status change clear mask, Asynchronous Events |
//! | VPD Read / Write | 256-byte IPMI FRU image; 100 write cycles |
//! | Reset / Shutdown | NVM Subsystem Reset (no response), normal and abrupt shutdown |
//! | Identify | CNS 00h, 01h, 02h, 03h, 10h, 11h, 12h, 13h |
//! | Get Log Page | 01h error (256 entries, 16 KiB: read in parts by Log Page Offset or MI Data Offset), 02h SMART, 03h firmware slots, 05h commands supported and effects, 06h self-test, 81h sanitize status |
//! | Get / Set Features | 01h, 02h, 04h (composite only), 05h, 06h, 07h, 08h, 0Ah (read-only), 0Bh, 0Eh; nothing saveable |
//! | Firmware Image Download / Commit | contiguous chunks; image header [`IMAGE_MAGIC`] + revision; CA 0–3; slot 1 read-only |
//! | Format NVM, Sanitize | More Processing Required, completed after [`FORMAT_TIME`] / [`SANITIZE_TIME`] |
//! | Device Self-test | short (10 s) and extended (60 s), in the background; abort |
//! | Namespace Management / Attachment | create within the free capacity, delete, attach, detach (private vs shared) |
//! | Security Send / Receive | protocol 00h: supported protocols list and certificate data |
//!
//! SES and MEB commands get Invalid Command Opcode (a storage device without a Management
//! Endpoint Buffer).
//!
//! ```
//! use nvme_mi_sim::Sim;
//! let sim = Sim::new(7);
//! assert_eq!(sim.firmware_revision(), "1.1.0");
//! assert!(sim.serial_number().starts_with("SIM"));
//! ```
#![no_std]
#![forbid(unsafe_code)]
#![warn(missing_docs)]

mod admin;
mod events;
mod features;
mod firmware;
mod health;
mod identify;
mod logs;
mod mi;
mod misbehaviour;
mod namespace;
mod pcie;
mod reset;
mod rng;
mod topology;
mod vpd;

use core::time::Duration;

use nvme_mi_core::basic_mgmt::{
    BlockRead, IdentificationBlock, Sflgs, StatusBlock, DEFAULT_ADDRESS, IDENTIFICATION_BLOCK,
    IDENTIFICATION_BLOCK_LEN, STATUS_BLOCK, STATUS_BLOCK_LEN,
};
#[cfg(feature = "loopback")]
use nvme_mi_core::loopback::{LoopPeer, Loopback};
use nvme_mi_core::mctp::Eid;
use nvme_mi_core::mi::admin::{AdminCompletion, DecodedAdminRequest};
use nvme_mi_core::mi::admin_data::trim_ascii;
use nvme_mi_core::mi::aem::AeId;
use nvme_mi_core::mi::command::{
    CompositeControllerStatus, CriticalWarning, MiRequest, NvmSubsystemStatus, ShutdownStatus,
    SmbusFrequency,
};
use nvme_mi_core::mi::status::Rejection;
use nvme_mi_core::mi::Csi;
use nvme_mi_core::responder::{AdminReply, Context, Device, MiReply, Responder};
use nvme_mi_core::time::Instant;

pub use events::SUPPORTED as SUPPORTED_EVENTS;
pub use firmware::{IMAGE_HEADER_LEN, IMAGE_MAGIC};
pub use misbehaviour::{DataStructureLength, Misbehaving, Misbehaviour};
pub use namespace::{MAX_NAMESPACES, TOTAL_CAPACITY};
pub use topology::{Topology, TopologyError, MAX_CONTROLLERS};
pub use vpd::VPD_LEN;

use events::Events;
use features::Features;
use firmware::Firmware;
use health::Health;
use logs::{ErrorLog, SanitizeState, SelfTest};
use namespace::Namespaces;

/// PCI vendor ID the simulated drive reports (0xFFFE: not an assigned vendor ID, so that it
/// is never mistaken for a real product).
pub const VENDOR_ID: u16 = 0xfffe;
/// PCI device ID.
pub const DEVICE_ID: u16 = 0x0960;
/// Model number (Identify Controller MN).
pub const MODEL: &str = "nvme-mi-rs Simulated NVMe SSD 960GB";
/// The MCTP transmission unit every port starts with and returns to on reset.
pub const BASELINE_MTU: u16 = 64;
/// The largest MCTP transmission unit of the SMBus/I2C port.
pub const MAX_SMBUS_MTU: u16 = 250;
/// The 7-bit SMBus address of the management endpoint on port 1.
pub const ME_ADDRESS: u8 = 0x1d;
/// The 7-bit SMBus address of the VPD (FRU) device on port 1.
pub const VPD_ADDRESS: u8 = 0x53;
/// The 7-bit SMBus address of the Basic Management Command on port 1 (the default 0x6A).
pub const BASIC_MANAGEMENT_ADDRESS: u8 = DEFAULT_ADDRESS;
/// The EID [`responder`] answers as until MCTP Set Endpoint ID changes it.
pub const DEFAULT_EID: Eid = Eid(0x1d);
/// Controller IDs of the default [`Topology`] (other topologies number their controllers
/// from 0 too: [`Sim::controller_ids`]).
pub const CONTROLLER_IDS: [u16; 2] = [0, 1];
/// How long Format NVM takes, in virtual time.
pub const FORMAT_TIME: Duration = Duration::from_secs(3);
/// How long Sanitize takes, in virtual time.
pub const SANITIZE_TIME: Duration = Duration::from_secs(8);
/// How long Firmware Commit with immediate activation takes.
pub const ACTIVATION_TIME: Duration = Duration::from_millis(1500);
/// Added to the time a long operation still takes when the drive announces it in More
/// Processing Required: MPRT is the worst case (NVMe-MI 1.2), and the final response leaves
/// when the operation is done plus the endpoint's own latency (the serve loop waking up, the
/// kernel, a busy machine). Requesters wait exactly MPRT (libnvme-mi does), so without room
/// a final response a few milliseconds late is lost to a timeout. The operation itself is
/// not slower: the final response is sent as soon as it is done.
pub const MPRT_MARGIN: Duration = Duration::from_secs(1);
/// How long a short device self-test runs.
pub const SHORT_SELF_TEST_TIME: Duration = Duration::from_secs(10);
/// How long an extended device self-test runs.
pub const EXTENDED_SELF_TEST_TIME: Duration = Duration::from_secs(60);

/// One controller's state.
#[derive(Debug, Clone, Copy)]
struct Controller {
    id: u16,
    /// CC.EN, as the host last wrote it.
    enabled: bool,
    ready: bool,
    shst: ShutdownStatus,
    /// Controller Health Status Changed Flags.
    changed: CompositeControllerStatus,
}

/// A long operation running in a command slot.
#[derive(Debug, Clone, Copy)]
struct LongOp {
    done_at: Instant,
    kind: LongKind,
}

#[derive(Debug, Clone, Copy)]
enum LongKind {
    Format { nsid: u32, lbaf: u8 },
    Sanitize,
    Activate { slot: u8 },
}

/// The simulated NVMe subsystem. See the [crate documentation](crate).
#[derive(Debug, Clone)]
pub struct Sim {
    seed: u64,
    now: Instant,
    /// When the subsystem last came out of reset.
    boot: Instant,
    serial: [u8; 20],
    topology: Topology,
    health: Health,
    /// Controller `i` has ID `i`.
    ctrls: heapless::Vec<Controller, MAX_CONTROLLERS>,
    /// Composite Controller Status flags of the NVM Subsystem Health Data Structure.
    ccs: CompositeControllerStatus,
    ns: Namespaces,
    fw: Firmware,
    feat: Features,
    vpd: [u8; VPD_LEN],
    vpd_cycles: u8,
    smbus_freq: SmbusFrequency,
    /// Per port (at most three: two PCIe and the SMBus/I2C port).
    mtu: [u16; 3],
    events: Events,
    long_ops: [Option<LongOp>; 2],
    sanitize: SanitizeState,
    self_test: SelfTest,
    errors: ErrorLog,
    /// SMBus Arbitration flag of the Basic Management status block.
    smbus_arbitration: bool,
}

impl Sim {
    /// A drive of the default [`Topology`] in its factory state at virtual time 0, every
    /// value derived from `seed`.
    pub fn new(seed: u64) -> Self {
        Self::build(seed, Topology::DEFAULT)
    }

    /// A drive of another shape (more controllers, a second PCIe port, more namespaces), in
    /// its factory state at virtual time 0.
    ///
    /// ```
    /// use nvme_mi_sim::{Sim, Topology};
    /// let sim = Sim::with_topology(7, Topology::DEFAULT.controllers(4).dual_port(true))?;
    /// assert_eq!(sim.controller_ids().collect::<Vec<_>>(), [0, 1, 2, 3]);
    /// assert_eq!(sim.ports(), 3);
    /// assert!(Sim::with_topology(7, Topology::DEFAULT.controllers(0)).is_err());
    /// # Ok::<(), nvme_mi_sim::TopologyError>(())
    /// ```
    pub fn with_topology(seed: u64, topology: Topology) -> Result<Self, TopologyError> {
        topology.check()?;
        Ok(Self::build(seed, topology))
    }

    fn build(seed: u64, topology: Topology) -> Self {
        let mut serial = [b' '; 20];
        serial[..3].copy_from_slice(b"SIM");
        let s = rng::mix(seed, 0x5e1a1);
        for (i, d) in serial[3..15].iter_mut().enumerate() {
            *d = b"0123456789ABCDEF"[((s >> (4 * (11 - i))) & 0xf) as usize];
        }
        let mut vpd = [0u8; VPD_LEN];
        vpd::build(&serial, &mut vpd);
        let ctrl = |id| Controller {
            id,
            enabled: true,
            ready: true,
            shst: ShutdownStatus::Normal,
            changed: CompositeControllerStatus::empty(),
        };
        Sim {
            seed,
            now: Instant::ZERO,
            boot: Instant::ZERO,
            serial,
            topology,
            health: Health::new(seed),
            ctrls: (0..u16::from(topology.controllers)).map(ctrl).collect(),
            ccs: CompositeControllerStatus::empty(),
            ns: Namespaces::new(seed, &topology),
            fw: Firmware::new(),
            feat: Features::default(),
            vpd,
            vpd_cycles: vpd::VPD_WRITE_CYCLES,
            smbus_freq: SmbusFrequency::Khz100,
            mtu: [BASELINE_MTU; 3],
            events: Events::default(),
            long_ops: [None, None],
            sanitize: SanitizeState::default(),
            self_test: SelfTest::default(),
            errors: ErrorLog::new(seed),
            // Set at power-on, as in the status block example of Intel's DC P3700 specification
            // (Appendix D); not checked against the NVMe-MI text or a drive.
            smbus_arbitration: true,
        }
    }

    /// The seed the drive was made from.
    pub fn seed(&self) -> u64 {
        self.seed
    }

    /// The shape the drive was made with.
    pub fn topology(&self) -> Topology {
        self.topology
    }

    /// The controller IDs, ascending from 0.
    pub fn controller_ids(&self) -> impl Iterator<Item = u16> + '_ {
        self.ctrls.iter().map(|c| c.id)
    }

    /// The number of ports: the PCIe port or ports, then the SMBus/I2C port.
    pub fn ports(&self) -> u8 {
        self.topology.ports()
    }

    /// The ID of the SMBus/I2C port (1, or 2 on a dual-port drive).
    pub fn smbus_port(&self) -> u8 {
        self.topology.smbus_port()
    }

    /// The attachment bit of controller `ctlid` (bit `ctlid`), 0 if there is no such
    /// controller.
    pub(crate) fn ctrl_bit(&self, ctlid: u16) -> u8 {
        if usize::from(ctlid) < self.ctrls.len() {
            1 << ctlid
        } else {
            0
        }
    }

    /// The attachment bits of every controller.
    pub(crate) fn all_ctrls(&self) -> u8 {
        self.topology.all_ctrls()
    }

    /// The virtual time the drive last saw.
    pub fn now(&self) -> Instant {
        self.now
    }

    /// The serial number (Identify Controller SN, VPD, Basic Management identification).
    pub fn serial_number(&self) -> &str {
        trim_ascii(&self.serial)
    }

    /// The running firmware revision (Identify Controller FR).
    pub fn firmware_revision(&self) -> &str {
        let slot = usize::from(self.fw.active - 1);
        trim_ascii(&self.fw.slots[slot])
    }

    /// The firmware slot the running firmware came from, and the one activated at the next
    /// reset (0 = none).
    pub fn firmware_slots(&self) -> (u8, u8) {
        (self.fw.active, self.fw.next)
    }

    /// Bytes of the firmware image downloaded so far and their checksum.
    pub fn firmware_download(&self) -> (u64, u32) {
        self.fw.download_state()
    }

    /// The composite temperature now, °C.
    pub fn temperature_celsius(&self) -> i16 {
        self.health.temperature_celsius(self.now)
    }

    /// The composite temperature now, kelvin.
    pub fn temperature_kelvin(&self) -> u16 {
        self.health.temperature_kelvin(self.now)
    }

    /// The critical warnings present now.
    pub fn critical_warning(&self) -> CriticalWarning {
        self.health.warnings(self.now)
    }

    /// The Composite Controller Status flags (NVM Subsystem Health Status Poll CCS).
    pub fn composite_status(&self) -> CompositeControllerStatus {
        self.ccs
    }

    /// The MCTP transmission unit size configured on `port`, bytes.
    pub fn mtu(&self, port: u8) -> Option<u16> {
        if port >= self.ports() {
            return None;
        }
        self.mtu.get(usize::from(port)).copied()
    }

    /// The SMBus/I2C frequency configured on the SMBus/I2C port.
    pub fn smbus_frequency(&self) -> SmbusFrequency {
        self.smbus_freq
    }

    /// The 256 bytes of VPD.
    pub fn vpd(&self) -> &[u8; VPD_LEN] {
        &self.vpd
    }

    /// Shutdown status of controller `ctlid`.
    pub fn shutdown_status(&self, ctlid: u16) -> Option<ShutdownStatus> {
        self.ctrls.iter().find(|c| c.id == ctlid).map(|c| c.shst)
    }

    /// Unsafe shutdowns counted since the simulation started (the SMART log adds a seeded
    /// history).
    pub fn unsafe_shutdowns(&self) -> u32 {
        self.health.unsafe_shutdowns
    }

    /// Size in bytes and logical block size of namespace `nsid`, if it exists.
    pub fn namespace(&self, nsid: u32) -> Option<(u64, u64)> {
        self.ns.get(nsid).map(|n| (n.bytes(), n.block_size()))
    }

    /// Whether Asynchronous Event `id` is enabled.
    pub fn event_enabled(&self, id: AeId) -> bool {
        let v = id.to_u8();
        v < 16 && self.events.enabled & (1 << v) != 0
    }

    /// Test hook: add `kelvin` to the modelled temperature (may cross thresholds).
    pub fn set_temperature_offset(&mut self, kelvin: i16) {
        self.health.temp_offset = kelvin;
        self.refresh();
    }

    /// Test hook: set the available spare, percent (below 10 % raises a critical warning).
    pub fn set_available_spare(&mut self, percent: u8) {
        self.health.spare = percent.min(100);
        self.refresh();
    }

    /// Test hook: force the percentage used (`None` returns to the wear model).
    pub fn set_percentage_used(&mut self, percent: Option<u8>) {
        self.health.pdlu_override = percent;
        self.refresh();
    }

    /// NVM Subsystem Status flags now.
    fn subsystem_status(&self) -> NvmSubsystemStatus {
        let mut s = NvmSubsystemStatus::DF | NvmSubsystemStatus::P0LA;
        s.set(NvmSubsystemStatus::P1LA, self.topology.dual_port);
        s.set(NvmSubsystemStatus::RNR, self.fw.next == 0);
        s.set(NvmSubsystemStatus::ATF, self.events.failed);
        s
    }

    /// The Basic Management Command status block (command code 0): the 6 data bytes.
    pub fn basic_status_block(&self) -> [u8; STATUS_BLOCK_LEN] {
        let nss = self.subsystem_status().bits();
        // SFLGS shares NSS bits 5:2; bit 6 (not ready) follows the controllers, bit 7 the
        // SMBus arbitration state.
        let mut flags = nss
            & (Sflgs::DRIVE_FUNCTIONAL
                | Sflgs::RESET_NOT_REQUIRED
                | Sflgs::PORT0_LINK_ACTIVE
                | Sflgs::PORT1_LINK_ACTIVE);
        if self.ctrls.iter().any(|c| !c.ready) {
            flags |= Sflgs::DRIVE_NOT_READY;
        }
        if self.smbus_arbitration {
            flags |= Sflgs::SMBUS_ARBITRATION;
        }
        let flags = Sflgs(flags);
        let ctemp = self.health.composite_temperature(self.now);
        StatusBlock {
            flags,
            warnings: self.health.warnings(self.now),
            ctemp,
            pdlu: self.health.percentage_used(self.now),
        }
        .to_bytes()
    }

    /// The Basic Management Command identification block (command code 8): the 22 data
    /// bytes (vendor ID and serial number).
    pub fn basic_identification_block(&self) -> [u8; IDENTIFICATION_BLOCK_LEN] {
        IdentificationBlock::new(VENDOR_ID, self.serial_number()).to_bytes()
    }

    /// Answer a Basic Management Command block read (NVMe-MI 1.2 Appendix A) at
    /// [`BASIC_MANAGEMENT_ADDRESS`] with command code `command`: the bytes the drive sends
    /// (length byte, data, PEC) are written into `out`. Only the status block (command 0)
    /// and the identification block (command 8) are served; other codes give `None` (the
    /// drive does not acknowledge). A complete read sets the SMBus Arbitration flag.
    pub fn basic_management_read(&mut self, command: u8, out: &mut [u8]) -> Option<usize> {
        let read = BlockRead::new(BASIC_MANAGEMENT_ADDRESS, command);
        let n = match command {
            STATUS_BLOCK => read.encode(&self.basic_status_block(), out),
            IDENTIFICATION_BLOCK => read.encode(&self.basic_identification_block(), out),
            _ => return None,
        }
        .ok()?;
        self.smbus_arbitration = true;
        Some(n)
    }

    /// An SMBus Send Byte 0xFF to [`BASIC_MANAGEMENT_ADDRESS`]: clears the SMBus Arbitration
    /// flag of the status block.
    pub fn basic_management_arbitration_reset(&mut self) {
        self.smbus_arbitration = false;
    }

    /// Set change flags `c` on the subsystem and on the controllers in `ctrls` (bit `i`:
    /// controller ID `i`).
    fn flag(&mut self, c: CompositeControllerStatus, ctrls: u8) {
        self.ccs.insert(c);
        for (i, ctrl) in self.ctrls.iter_mut().enumerate() {
            if ctrls & (1 << i) != 0 {
                ctrl.changed.insert(c);
            }
        }
    }

    /// Detect health changes at the current time: set flags and queue events.
    fn refresh(&mut self) {
        let c = self.health.changes(self.now);
        if c.is_empty() {
            return;
        }
        self.flag(c, self.all_ctrls());
        let now = self.now;
        for (flag, id) in [
            (CompositeControllerStatus::CTEMP, AeId::CompositeTemperature),
            (CompositeControllerStatus::CWARN, AeId::SmartWarnings),
            (
                CompositeControllerStatus::PDLU,
                AeId::PercentageDriveLifeUsed,
            ),
            (CompositeControllerStatus::SPARE, AeId::AvailableSpare),
        ] {
            if c.contains(flag) {
                self.events.occur(id, now);
            }
        }
    }

    /// Firmware was activated: flags and event.
    fn firmware_activated(&mut self) {
        self.flag(CompositeControllerStatus::FA, self.all_ctrls());
        self.events.occur(AeId::FirmwareActivated, self.now);
    }

    /// Namespace attributes changed for the controllers in `ctrls`.
    fn namespace_changed(&mut self, ctrls: u8) {
        if ctrls != 0 {
            self.flag(CompositeControllerStatus::NAC, ctrls);
            self.events.occur(AeId::NamespaceAttributeChanged, self.now);
        }
    }

    /// NVM Subsystem Reset (NVMe-MI 1.2 §5.8): pending firmware is activated, long
    /// operations are aborted, the SMBus frequency and MCTP transmission units return to
    /// their defaults, the controllers come back ready and NSSRO is flagged. The
    /// Asynchronous Event configuration is kept (a choice of the simulation), so that the
    /// Controller Ready and Firmware Activated events of the reset reach the requester.
    fn subsystem_reset(&mut self) {
        self.boot = self.now;
        self.long_ops = [None, None];
        self.sanitize.abort();
        self.self_test.abort();
        self.mtu = [BASELINE_MTU; 3];
        self.smbus_freq = SmbusFrequency::Khz100;
        self.feat = Features {
            timestamp: None,
            ..self.feat
        };
        self.health.power_cycles += 1;
        let activated = self.fw.reset();
        for c in self.ctrls.iter_mut() {
            if !c.ready || c.shst != ShutdownStatus::Normal {
                c.changed
                    .insert(CompositeControllerStatus::RDY | CompositeControllerStatus::SHST);
            }
            c.ready = true;
            c.shst = ShutdownStatus::Normal;
        }
        self.flag(
            CompositeControllerStatus::NSSRO | CompositeControllerStatus::RDY,
            self.all_ctrls(),
        );
        self.events.occur(AeId::ControllerReady, self.now);
        if activated {
            self.firmware_activated();
        }
    }

    /// Shutdown (NVMe-MI 1.2 §5.12): every controller completes shutdown processing; an
    /// abrupt one counts as an unsafe shutdown.
    fn shutdown(&mut self, abrupt: bool) {
        for c in self.ctrls.iter_mut() {
            c.shst = ShutdownStatus::Complete;
            c.ready = false;
        }
        self.flag(
            CompositeControllerStatus::SHST | CompositeControllerStatus::RDY,
            self.all_ctrls(),
        );
        self.events.occur(AeId::ShutdownStatus, self.now);
        if abrupt {
            self.health.unsafe_shutdowns += 1;
        }
    }
}

impl Device for Sim {
    fn mi_command(
        &mut self,
        req: &MiRequest<'_>,
        ctx: &Context,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        self.tick(ctx.now);
        self.mi(req, data)
    }

    fn admin_command(
        &mut self,
        req: &DecodedAdminRequest<'_>,
        ctx: &Context,
        data_out: &mut [u8],
    ) -> Result<AdminReply, Rejection> {
        self.tick(ctx.now);
        self.admin(req, ctx.csi, data_out)
    }

    fn pcie_command(
        &mut self,
        req: &nvme_mi_core::mi::pcie::PcieRequestRepr<'_>,
        ctx: &Context,
        data_out: &mut [u8],
    ) -> Result<usize, Rejection> {
        self.tick(ctx.now);
        self.pcie(req, data_out)
    }

    fn poll_admin(
        &mut self,
        csi: Csi,
        now: Instant,
        data_out: &mut [u8],
    ) -> Option<(AdminCompletion, usize)> {
        let _ = data_out;
        self.tick(now);
        let slot = usize::from(csi.to_bit());
        let op = self.long_ops.get(slot).copied().flatten()?;
        if now < op.done_at {
            return None;
        }
        self.long_ops[slot] = None;
        self.finish(op.kind);
        Some((AdminCompletion::success(0), 0))
    }

    fn tick(&mut self, now: Instant) {
        if now > self.now {
            self.health.elapse(self.now, now);
            self.now = now;
        }
        self.self_test.update(self.now);
        self.sanitize.update(self.now);
        self.refresh();
    }

    fn next_deadline(&self) -> Option<Instant> {
        let mut d = self.events.deadline();
        let mut earliest = |t: Option<Instant>| {
            if let Some(t) = t {
                d = Some(d.map_or(t, |x| x.min(t)));
            }
        };
        for op in self.long_ops.iter().flatten() {
            earliest(Some(op.done_at));
        }
        earliest(self.self_test.deadline());
        let watch = [
            AeId::CompositeTemperature,
            AeId::SmartWarnings,
            AeId::PercentageDriveLifeUsed,
        ];
        if watch.iter().any(|&id| self.event_enabled(id)) {
            // The temperature moves by itself: look again every second.
            earliest(Some(Instant((self.now.as_millis() / 1000 + 1) * 1000)));
        }
        d
    }

    fn take_aem(&mut self, now: Instant, out: &mut [u8]) -> Option<usize> {
        self.tick(now);
        self.events.take(now, out)
    }

    fn nvme_mi_version(&self) -> (u8, u8) {
        mi::MI_VERSION
    }

    fn uuid(&self) -> Option<[u8; 16]> {
        let mut u = [0u8; 16];
        u[..8].copy_from_slice(&rng::mix(self.seed, 0xa0).to_be_bytes());
        u[8..].copy_from_slice(&rng::mix(self.seed, 0xa1).to_be_bytes());
        u[6] = (u[6] & 0x0f) | 0x40; // version 4 (random)
        u[8] = (u[8] & 0x3f) | 0x80; // RFC 4122 variant
        Some(u)
    }
}

/// The README's examples, compiled and run as doctests.
#[cfg(all(doctest, feature = "loopback"))]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;

/// A responder serving a fresh [`Sim`] made from `seed`, as EID [`DEFAULT_EID`].
pub fn responder<P: Clone>(seed: u64) -> Responder<Sim, P> {
    Responder::new(Sim::new(seed), DEFAULT_EID)
}

/// The link a requester at EID 8 uses to reach a fresh [`Sim`] made from `seed`, in memory:
/// a [`Loopback`] transport, for tests and examples (feature `loopback`).
///
/// ```
/// use nvme_mi_core::requester::Endpoint;
/// let mut ep = Endpoint::new(nvme_mi_sim::loopback(1), [0u8; 4224]);
/// assert_eq!(ep.read_subsys_info()?.port_count(), 2);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[cfg(feature = "loopback")]
pub fn loopback(seed: u64) -> Loopback<Responder<Sim, LoopPeer>> {
    Loopback::new(responder(seed), Eid(8), DEFAULT_EID)
}

/// Like [`loopback`], to a drive that misbehaves as `how` says (see [`Misbehaving`]).
#[cfg(feature = "loopback")]
pub fn misbehaving_loopback(
    seed: u64,
    how: Misbehaviour,
) -> Loopback<Misbehaving<Responder<Sim, LoopPeer>>> {
    Loopback::new(Misbehaving::new(responder(seed), how), Eid(8), DEFAULT_EID)
}
