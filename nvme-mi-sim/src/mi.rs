//! The NVMe-MI Command Set (NMIMT 1; NVMe-MI 1.2 §5, 2.0 §5.3 for Asynchronous Events).

use nvme_mi_core::mi::admin::AdminOpcode;
use nvme_mi_core::mi::command::{
    CommandList, CommandListEntry, CompositeControllerStatus, ConfigurationGetRequest,
    ConfigurationSetRequest, ControllerHealth, ControllerHealthStatusPollRequest,
    ControllerInformation, ControllerList, ControllerStatus, Dtyp, HealthChangeSelect,
    MiCommandRequestRepr, MiRequest, NvmSubsystemHealth, NvmSubsystemInformation, Opcode,
    PciePortData, PortCapabilities, PortInformation, ReadDataStructureRequest, ResetType,
    ShutdownType, SmbusFrequency, TwoWirePortData, VpdReadRequest, VpdWriteRequest,
};
use nvme_mi_core::mi::status::{Rejection, ResponseStatus};
use nvme_mi_core::mi::Nmimt;
use nvme_mi_core::responder::MiReply;
use zerocopy::little_endian::U16;
use zerocopy::{FromZeros, IntoBytes};

use crate::vpd::VPD_LEN;
use crate::{Sim, DEVICE_ID, MAX_CONTROLLERS, MAX_SMBUS_MTU, ME_ADDRESS, VENDOR_ID, VPD_ADDRESS};

/// NVMe-MI version reported: 2.0 (Asynchronous Events are a 2.0 feature).
pub(crate) const MI_VERSION: (u8, u8) = (2, 0);

/// Copy `bytes` to the start of `data`; the response data length.
fn put(data: &mut [u8], bytes: &[u8]) -> Result<usize, Rejection> {
    data.get_mut(..bytes.len())
        .ok_or(Rejection::InternalError)?
        .copy_from_slice(bytes);
    Ok(bytes.len())
}

const fn success(nmresp: [u8; 3], data_len: usize) -> MiReply {
    MiReply::Success { nmresp, data_len }
}

/// Read Data Structure: NMRESP bytes 6:5 hold the length (RDL).
fn with_rdl(len: usize) -> MiReply {
    let b = (len as u16).to_le_bytes();
    success([b[0], b[1], 0], len)
}

/// The optional commands the drive supports, for DTYP 04h: every optional command it
/// implements (NVMe-MI 1.2 §5.7.5; the optional MI commands of a storage device are VPD
/// Write, Reset and Shutdown).
const OPTIONAL_COMMANDS: [(Nmimt, u8); 13] = [
    (Nmimt::MiCommand, Opcode::VpdWrite.to_u8()),
    (Nmimt::MiCommand, Opcode::Reset.to_u8()),
    (Nmimt::MiCommand, Opcode::Shutdown.to_u8()),
    (Nmimt::AdminCommand, AdminOpcode::SetFeatures.to_u8()),
    (
        Nmimt::AdminCommand,
        AdminOpcode::NamespaceManagement.to_u8(),
    ),
    (Nmimt::AdminCommand, AdminOpcode::FirmwareCommit.to_u8()),
    (
        Nmimt::AdminCommand,
        AdminOpcode::FirmwareImageDownload.to_u8(),
    ),
    (Nmimt::AdminCommand, AdminOpcode::DeviceSelfTest.to_u8()),
    (
        Nmimt::AdminCommand,
        AdminOpcode::NamespaceAttachment.to_u8(),
    ),
    (Nmimt::AdminCommand, AdminOpcode::FormatNvm.to_u8()),
    (Nmimt::AdminCommand, AdminOpcode::SecuritySend.to_u8()),
    (Nmimt::AdminCommand, AdminOpcode::SecurityReceive.to_u8()),
    (Nmimt::AdminCommand, AdminOpcode::Sanitize.to_u8()),
];

impl Sim {
    /// Execute an NVMe-MI Command for the engine.
    pub(crate) fn mi(
        &mut self,
        req: &MiRequest<'_>,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        match req {
            MiRequest::ReadDataStructure(r) => self.read_data_structure(r, data),
            MiRequest::SubsystemHealthStatusPoll(r) => {
                let h = self.subsystem_health();
                if r.clear_status {
                    self.ccs = CompositeControllerStatus::empty();
                }
                Ok(success([0; 3], put(data, h.as_bytes())?))
            }
            MiRequest::ControllerHealthStatusPoll(r) => self.controller_health_poll(r, data),
            MiRequest::ConfigurationSet(r) => self.configuration_set(r, data),
            MiRequest::ConfigurationGet(r) => self.configuration_get(r, data),
            MiRequest::VpdRead(r) => self.vpd_read(r, data),
            MiRequest::VpdWrite(r) => self.vpd_write(r),
            MiRequest::Reset(r) => match r.reset_type {
                ResetType::NvmSubsystem => {
                    self.subsystem_reset();
                    Ok(MiReply::NoResponse)
                }
                ResetType::Unknown(_) => Err(MiCommandRequestRepr::invalid_nmd0(24)),
            },
            MiRequest::Shutdown(r) => match r.shutdown_type {
                ShutdownType::Normal => {
                    self.shutdown(false);
                    Ok(success([0; 3], 0))
                }
                ShutdownType::Abrupt => {
                    self.shutdown(true);
                    Ok(success([0; 3], 0))
                }
                ShutdownType::Unknown(_) => Err(MiCommandRequestRepr::invalid_nmd0(24)),
            },
            // SES commands are for enclosures; this drive has no Management Endpoint Buffer
            // (MEBS 0) and no vendor specific commands.
            MiRequest::SesReceive(_)
            | MiRequest::SesSend(_)
            | MiRequest::MebRead(_)
            | MiRequest::MebWrite(_)
            | MiRequest::VendorSpecific(_) => Err(Rejection::InvalidCommandOpcode),
        }
    }

    /// The NVM Subsystem Health Data Structure now.
    pub(crate) fn subsystem_health(&self) -> NvmSubsystemHealth {
        NvmSubsystemHealth::new(
            self.subsystem_status(),
            self.health.warnings(self.now),
            self.health.composite_temperature(self.now),
            self.health.percentage_used(self.now),
            self.ccs,
        )
    }

    fn port_information(&self, port: u8) -> Option<PortInformation> {
        let caps = PortCapabilities::AEMS;
        if port >= self.ports() {
            return None;
        }
        if port == self.smbus_port() {
            return Some(PortInformation::two_wire(
                caps,
                MAX_SMBUS_MTU,
                0,
                TwoWirePortData {
                    cvpdaddr: VPD_ADDRESS,
                    mvpdfreq: SmbusFrequency::Khz400.to_u8(),
                    cmeaddr: ME_ADDRESS,
                    twprt: SmbusFrequency::Khz400.to_u8(),
                    nvmebm: 1,
                    rsvd: [0; 19],
                },
            ));
        }
        Some(PortInformation::pcie(
            caps,
            crate::BASELINE_MTU,
            0,
            PciePortData {
                pciemps: 2,     // 512 bytes
                pcieslsv: 0x0f, // 2.5 to 16 GT/s
                pciecls: 4,     // 16 GT/s
                pciemlw: 4,
                pcienlw: 4,
                pciepn: port,
                rsvd: [0; 18],
            },
        ))
    }

    fn read_data_structure(
        &self,
        r: &ReadDataStructureRequest,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        let n = match r.dtyp {
            Dtyp::SubsystemInformation => {
                let (mjr, mnr) = MI_VERSION;
                let info = NvmSubsystemInformation::new(self.ports().into(), mjr, mnr);
                put(data, info.as_bytes())?
            }
            Dtyp::PortInformation => {
                let p = self
                    .port_information(r.port_id)
                    .ok_or(ReadDataStructureRequest::PORTID_LOCATION)?;
                put(data, p.as_bytes())?
            }
            Dtyp::ControllerList => {
                let mut ids = [U16::new(0); MAX_CONTROLLERS];
                let mut k = 0;
                for id in self.controller_ids().filter(|&id| id >= r.ctrl_id) {
                    ids[k] = U16::new(id);
                    k += 1;
                }
                ControllerList::emit(&ids[..k], data).map_err(|_| Rejection::InternalError)?
            }
            Dtyp::ControllerInformation => {
                let i = self
                    .controller_ids()
                    .position(|id| id == r.ctrl_id)
                    .ok_or(ReadDataStructureRequest::CTRLID_LOCATION)?;
                let port = self.topology.port_of(r.ctrl_id);
                let mut c = ControllerInformation::new_zeroed();
                c.portid = port;
                // Bus 1 + port, device 0, one function per controller behind that port.
                c.set_routing_id(1 + port, 0, (i / usize::from(self.ports() - 1)) as u8);
                c.pcivid = U16::new(VENDOR_ID);
                c.pcidid = U16::new(DEVICE_ID);
                c.pcisvid = U16::new(VENDOR_ID);
                c.pcisdid = U16::new(0x0100 + i as u16);
                put(data, c.as_bytes())?
            }
            Dtyp::OptionallySupportedCommandList => {
                let mut list = [CommandListEntry { ctyp: 0, opc: 0 }; OPTIONAL_COMMANDS.len()];
                for (e, &(nmimt, opc)) in list.iter_mut().zip(&OPTIONAL_COMMANDS) {
                    *e = CommandListEntry::new(nmimt, opc);
                }
                CommandList::emit(&list, data).map_err(|_| Rejection::InternalError)?
            }
            Dtyp::MebCommandSupportList => {
                CommandList::emit(&[], data).map_err(|_| Rejection::InternalError)?
            }
            Dtyp::Unknown(_) => return Err(MiCommandRequestRepr::invalid_nmd0(24)),
        };
        Ok(with_rdl(n))
    }

    fn controller_health(&self, i: usize) -> ControllerHealth {
        let c = &self.ctrls[i];
        let mut csts = ControllerStatus::empty().with_shst(c.shst);
        csts.set(ControllerStatus::RDY, c.ready);
        for (ccs, st) in [
            (CompositeControllerStatus::NSSRO, ControllerStatus::NSSRO),
            (CompositeControllerStatus::CECO, ControllerStatus::CECO),
            (CompositeControllerStatus::NAC, ControllerStatus::NAC),
            (CompositeControllerStatus::FA, ControllerStatus::FA),
        ] {
            csts.set(st, c.changed.contains(ccs));
        }
        ControllerHealth {
            ctlid: U16::new(c.id),
            csts: U16::new(csts.bits()),
            ctemp: U16::new(self.health.temperature_kelvin(self.now)),
            pdlu: self.health.percentage_used(self.now),
            spare: self.health.spare,
            cwarn: self.health.warnings(self.now).bits(),
            chscf: U16::new(c.changed.bits()),
            rsvd: [0; 5],
        }
    }

    fn controller_health_poll(
        &mut self,
        r: &ControllerHealthStatusPollRequest,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        type C = CompositeControllerStatus;
        let mut watch = C::empty();
        let csts_changes =
            C::RDY | C::CFS | C::SHST | C::NSSRO | C::CECO | C::NAC | C::FA | C::CSTS;
        for (sel, flags) in [
            (HealthChangeSelect::CSTS, csts_changes),
            (HealthChangeSelect::CTEMP, C::CTEMP),
            (HealthChangeSelect::PDLU, C::PDLU),
            (HealthChangeSelect::SPARE, C::SPARE),
            (HealthChangeSelect::CWARN, C::CWARN),
        ] {
            if r.select.contains(sel) {
                watch.insert(flags);
            }
        }
        // Both controllers are PCI functions. A request selecting no function type at all
        // is read as selecting PCI functions (the spec's answer would be an empty list).
        let include = r.incf || (!r.incpf && !r.incvf);
        let max = usize::from(r.maxrent) + 1;
        let mut n = 0;
        for i in 0..self.ctrls.len() {
            let c = self.ctrls[i];
            if !include || c.id < r.sctlid || n >= max {
                continue;
            }
            if !r.all && (c.changed & watch).is_empty() {
                continue;
            }
            let entry = self.controller_health(i);
            put(
                data.get_mut(n * 16..).ok_or(Rejection::InternalError)?,
                entry.as_bytes(),
            )?;
            if r.ccf {
                self.ctrls[i].changed = C::empty();
            }
            n += 1;
        }
        Ok(success([0, 0, n as u8], n * 16))
    }

    fn configuration_set(
        &mut self,
        r: &ConfigurationSetRequest<'_>,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        let port_field = MiCommandRequestRepr::invalid_nmd0(24);
        match *r {
            ConfigurationSetRequest::SmbusI2cFrequency { port_id, frequency } => {
                if port_id != self.smbus_port() {
                    return Err(port_field);
                }
                // At most 400 kHz (TWPRT.MSMBFREQ).
                if !matches!(frequency, SmbusFrequency::Khz100 | SmbusFrequency::Khz400) {
                    return Err(MiCommandRequestRepr::invalid_nmd0(8));
                }
                self.smbus_freq = frequency;
                Ok(success([0; 3], 0))
            }
            ConfigurationSetRequest::HealthStatusChange { clear } => {
                self.ccs.remove(clear.to_ccs());
                Ok(success([0; 3], 0))
            }
            ConfigurationSetRequest::MctpTransmissionUnitSize { port_id, mtus } => {
                let max = match port_id {
                    p if p == self.smbus_port() => MAX_SMBUS_MTU,
                    p if p < self.ports() => crate::BASELINE_MTU,
                    _ => return Err(port_field),
                };
                if !(crate::BASELINE_MTU..=max).contains(&mtus) {
                    return Err(MiCommandRequestRepr::invalid_nmd1(0));
                }
                self.mtu[usize::from(port_id)] = mtus;
                Ok(success([0; 3], 0))
            }
            ConfigurationSetRequest::AsyncEvent {
                aerd,
                aemd,
                enable_list,
                ..
            } => {
                let n = self.events.configure(aerd, aemd, enable_list, data)?;
                Ok(success([0; 3], n))
            }
            ConfigurationSetRequest::VendorSpecific { .. } => {
                Err(MiCommandRequestRepr::invalid_nmd0(0))
            }
        }
    }

    fn configuration_get(
        &self,
        r: &ConfigurationGetRequest<'_>,
        data: &mut [u8],
    ) -> Result<MiReply, Rejection> {
        let port_field = MiCommandRequestRepr::invalid_nmd0(24);
        match *r {
            ConfigurationGetRequest::SmbusI2cFrequency { port_id } => {
                if port_id != self.smbus_port() {
                    return Err(port_field);
                }
                Ok(success([self.smbus_freq.to_u8(), 0, 0], 0))
            }
            ConfigurationGetRequest::HealthStatusChange => Ok(success([0; 3], 0)),
            ConfigurationGetRequest::MctpTransmissionUnitSize { port_id } => {
                let m = self.mtu(port_id).ok_or(port_field)?.to_le_bytes();
                Ok(success([m[0], m[1], 0], 0))
            }
            ConfigurationGetRequest::AsyncEvent => {
                let n = self
                    .events
                    .supported_list(data)
                    .ok_or(Rejection::InternalError)?;
                Ok(success([0; 3], n))
            }
            ConfigurationGetRequest::VendorSpecific { .. } => {
                Err(MiCommandRequestRepr::invalid_nmd0(0))
            }
        }
    }

    fn vpd_range(offset: u16, len: usize) -> Result<core::ops::Range<usize>, Rejection> {
        let start = usize::from(offset);
        if start > VPD_LEN || (start == VPD_LEN && len > 0) {
            return Err(MiCommandRequestRepr::invalid_nmd0(0));
        }
        if start + len > VPD_LEN {
            return Err(MiCommandRequestRepr::invalid_nmd1(0));
        }
        Ok(start..start + len)
    }

    fn vpd_read(&self, r: &VpdReadRequest, data: &mut [u8]) -> Result<MiReply, Rejection> {
        let range = Self::vpd_range(r.offset, usize::from(r.length))?;
        Ok(success([0; 3], put(data, &self.vpd[range])?))
    }

    fn vpd_write(&mut self, r: &VpdWriteRequest<'_>) -> Result<MiReply, Rejection> {
        let range = Self::vpd_range(r.offset, r.data.len())?;
        if r.data.is_empty() {
            return Ok(success([0; 3], 0));
        }
        if self.vpd_cycles == 0 {
            // No write cycles left (status 20h).
            return Err(Rejection::Other(ResponseStatus::from_u8(0x20)));
        }
        self.vpd[range].copy_from_slice(r.data);
        self.vpd_cycles -= 1;
        Ok(success([0; 3], 0))
    }
}
