//! One verb per NVMe-MI command (NVMe-MI 1.2 §5, §4.2.1), named as libnvme-mi names them
//! without the `nvme_mi_mi_` prefix. Each builds its request with the codec's typed request
//! ([`crate::mi::command`], [`crate::mi::control_primitive`]), runs the exchange, and decodes
//! the response with the codec's own parser; results are owned values or are written into the
//! caller's buffers, so that any number of them can be kept.
//!
//! The Admin verbs are on the controller handle, [`Endpoint::controller`].

use super::endpoint::{AsyncEndpoint, Endpoint};
use super::RequestError;
use crate::mi::command::{
    CommandListEntry, ConfigurationGetRequest, ConfigurationGetResponse, ConfigurationSetRequest,
    ControllerHealth, ControllerHealthStatusPollRequest, ControllerInformation, DataStructure,
    Dtyp, HealthStatusChangeMask, MebReadRequest, MebWriteRequest, NvmSubsystemHealth,
    NvmSubsystemInformation, PortInformation, ReadDataStructureRequest, ReadDataStructureResponse,
    ResetRequest, ResetType, SesReceiveRequest, SesSendRequest, ShutdownRequest, ShutdownType,
    SmbusFrequency, SubsystemHealthStatusPollRequest,
};
use crate::mi::control_primitive::{ControlPrimitive, ManagementEndpointState, PrimitiveResponse};
use crate::mi::Error;
use crate::transport::{AsyncTransport, Transport};

/// A response of another shape than the request asks for.
fn mismatch<E>() -> RequestError<E> {
    RequestError::Malformed(Error::InconsistentLength)
}

/// Copy `src` into the start of `out`; the count copied.
pub(crate) fn copy_into<T: Copy>(out: &mut [T], src: impl Iterator<Item = T>) -> usize {
    let mut n = 0;
    for (d, s) in out.iter_mut().zip(src) {
        *d = s;
        n += 1;
    }
    n
}

macro_rules! mi_verbs {
    ($name:ident, $tr:ident, [$($async:ident)?], [$($aw:tt)*]) => {
        impl<T: $tr, B: AsMut<[u8]> + AsRef<[u8]>> $name<T, B> {
            /// NVM Subsystem Health Status Poll (NVMe-MI 1.2 §5.6): the subsystem's health;
            /// `clear` clears the Composite Controller Status change flags after reading
            /// them (CS).
            pub $($async)? fn health_poll(&mut self, clear: bool) -> Result<NvmSubsystemHealth, RequestError<T::Error>> {
                let r = self.mi_command(&SubsystemHealthStatusPollRequest { clear_status: clear })$($aw)*?;
                Ok(r.health)
            }

            /// Controller Health Status Poll (NVMe-MI 1.2 §5.3): the entries `req` selects,
            /// copied into `out` (at most `out.len()`, and at most MAXRENT + 1); returns how
            /// many the endpoint sent.
            pub $($async)? fn ctrl_health_poll(
                &mut self,
                req: &ControllerHealthStatusPollRequest,
                out: &mut [ControllerHealth],
            ) -> Result<usize, RequestError<T::Error>> {
                let r = self.mi_command(req)$($aw)*?;
                Ok(copy_into(out, r.entries.iter().cloned()))
            }

            /// Read NVMe-MI Data Structure; under the
            /// [`Quirks::lenient_data_structure_length`](super::Quirks::lenient_data_structure_length)
            /// workaround, decoded with [`ReadDataStructureResponse::parse_lenient`].
            $($async)? fn read_data_structure(
                &mut self,
                req: ReadDataStructureRequest,
            ) -> Result<DataStructure<'_>, RequestError<T::Error>> {
                if !self.config().quirks.lenient_data_structure_length {
                    return Ok(self.mi_command(&req)$($aw)*?.structure);
                }
                let r = self
                    .mi_command_with(&req, |_, body| ReadDataStructureResponse::parse_lenient(req.dtyp, body))$($aw)*?;
                Ok(r.structure)
            }

            /// Read NVMe-MI Data Structure, NVM Subsystem Information (NVMe-MI 1.2 §5.7.1).
            pub $($async)? fn read_subsys_info(&mut self) -> Result<NvmSubsystemInformation, RequestError<T::Error>> {
                match self.read_data_structure(ReadDataStructureRequest::new(Dtyp::SubsystemInformation))$($aw)*? {
                    DataStructure::SubsystemInformation(s) => Ok(s),
                    _ => Err(mismatch()),
                }
            }

            /// Read NVMe-MI Data Structure, Port Information of `port` (NVMe-MI 1.2 §5.7.2).
            pub $($async)? fn read_port_info(&mut self, port: u8) -> Result<PortInformation, RequestError<T::Error>> {
                let req = ReadDataStructureRequest { port_id: port, ..ReadDataStructureRequest::new(Dtyp::PortInformation) };
                match self.read_data_structure(req)$($aw)*? {
                    DataStructure::PortInformation(s) => Ok(s),
                    _ => Err(mismatch()),
                }
            }

            /// Read NVMe-MI Data Structure, Controller List (NVMe-MI 1.2 §5.7.3): the IDs
            /// from `start` on, copied into `out`; returns how many were copied.
            pub $($async)? fn read_ctrl_list(&mut self, start: u16, out: &mut [u16]) -> Result<usize, RequestError<T::Error>> {
                let req = ReadDataStructureRequest { ctrl_id: start, ..ReadDataStructureRequest::new(Dtyp::ControllerList) };
                match self.read_data_structure(req)$($aw)*? {
                    DataStructure::ControllerList(l) => Ok(copy_into(out, l.iter())),
                    _ => Err(mismatch()),
                }
            }

            /// Read NVMe-MI Data Structure, Controller Information of controller `id`
            /// (NVMe-MI 1.2 §5.7.4).
            pub $($async)? fn read_ctrl_info(&mut self, id: u16) -> Result<ControllerInformation, RequestError<T::Error>> {
                let req = ReadDataStructureRequest { ctrl_id: id, ..ReadDataStructureRequest::new(Dtyp::ControllerInformation) };
                match self.read_data_structure(req)$($aw)*? {
                    DataStructure::ControllerInformation(s) => Ok(s),
                    _ => Err(mismatch()),
                }
            }

            /// Read NVMe-MI Data Structure, Optionally Supported Command List (NVMe-MI 1.2
            /// §5.7.5), copied into `out`; returns how many entries were copied.
            pub $($async)? fn read_cmd_support(&mut self, out: &mut [CommandListEntry]) -> Result<usize, RequestError<T::Error>> {
                match self.read_data_structure(ReadDataStructureRequest::new(Dtyp::OptionallySupportedCommandList))$($aw)*? {
                    DataStructure::OptionallySupportedCommandList(l) => Ok(copy_into(out, l.entries().iter().copied())),
                    _ => Err(mismatch()),
                }
            }

            /// Read NVMe-MI Data Structure, Management Endpoint Buffer Command Support List
            /// (NVMe-MI 1.2 §5.7.6), copied into `out`; returns how many were copied.
            pub $($async)? fn read_meb_support(&mut self, out: &mut [CommandListEntry]) -> Result<usize, RequestError<T::Error>> {
                match self.read_data_structure(ReadDataStructureRequest::new(Dtyp::MebCommandSupportList))$($aw)*? {
                    DataStructure::MebCommandSupportList(l) => Ok(copy_into(out, l.entries().iter().copied())),
                    _ => Err(mismatch()),
                }
            }

            $($async)? fn config_set(&mut self, req: &ConfigurationSetRequest<'_>) -> Result<(), RequestError<T::Error>> {
                self.mi_command(req)$($aw)*?;
                Ok(())
            }

            /// Configuration Get, SMBus/I2C Frequency of `port` (NVMe-MI 1.2 §5.1.1).
            pub $($async)? fn config_get_smbus_freq(&mut self, port: u8) -> Result<SmbusFrequency, RequestError<T::Error>> {
                match self.mi_command(&ConfigurationGetRequest::SmbusI2cFrequency { port_id: port })$($aw)*? {
                    ConfigurationGetResponse::SmbusI2cFrequency(f) => Ok(f),
                    _ => Err(mismatch()),
                }
            }

            /// Configuration Set, SMBus/I2C Frequency of `port` (NVMe-MI 1.2 §5.2.1).
            pub $($async)? fn config_set_smbus_freq(&mut self, port: u8, frequency: SmbusFrequency) -> Result<(), RequestError<T::Error>> {
                self.config_set(&ConfigurationSetRequest::SmbusI2cFrequency { port_id: port, frequency })$($aw)*
            }

            /// Configuration Set, Health Status Change (NVMe-MI 1.2 §5.2.2): clear the
            /// Composite Controller Status flags in `clear`.
            pub $($async)? fn config_set_health_status_change(&mut self, clear: HealthStatusChangeMask) -> Result<(), RequestError<T::Error>> {
                self.config_set(&ConfigurationSetRequest::HealthStatusChange { clear })$($aw)*
            }

            /// Configuration Get, MCTP Transmission Unit Size of `port`, bytes (NVMe-MI 1.2
            /// §5.1.3).
            pub $($async)? fn config_get_mctp_mtu(&mut self, port: u8) -> Result<u16, RequestError<T::Error>> {
                match self.mi_command(&ConfigurationGetRequest::MctpTransmissionUnitSize { port_id: port })$($aw)*? {
                    ConfigurationGetResponse::MctpTransmissionUnitSize(m) => Ok(m),
                    _ => Err(mismatch()),
                }
            }

            /// Configuration Set, MCTP Transmission Unit Size of `port`, bytes (NVMe-MI 1.2
            /// §5.2.3).
            pub $($async)? fn config_set_mctp_mtu(&mut self, port: u8, mtu: u16) -> Result<(), RequestError<T::Error>> {
                self.config_set(&ConfigurationSetRequest::MctpTransmissionUnitSize { port_id: port, mtus: mtu })$($aw)*
            }

            /// Configuration Get, Asynchronous Event (NVMe-MI 2.0 §5.1, configuration
            /// identifier 04h): the AE Supported List copied into `out` (decode it with [`crate::mi::aem`]); returns AEELVER
            /// and the bytes copied.
            pub $($async)? fn config_get_async_event(&mut self, out: &mut [u8]) -> Result<(u8, usize), RequestError<T::Error>> {
                match self.mi_command(&ConfigurationGetRequest::AsyncEvent)$($aw)*? {
                    ConfigurationGetResponse::AsyncEvent { aeelver, supported_list } => {
                        Ok((aeelver, copy_into(out, supported_list.iter().copied())))
                    }
                    _ => Err(mismatch()),
                }
            }

            /// Reset, NVM Subsystem Reset (NVMe-MI 1.2 §5.8). The endpoint does not answer a
            /// reset that succeeds: the request is sent and the exchange released at once.
            pub $($async)? fn subsystem_reset(&mut self) -> Result<(), RequestError<T::Error>> {
                self.send_without_response(&ResetRequest { reset_type: ResetType::NvmSubsystem })$($aw)*
            }

            /// Shutdown (NVMe-MI 2.0 §5.11), normal or abrupt.
            pub $($async)? fn shutdown(&mut self, shutdown_type: ShutdownType) -> Result<(), RequestError<T::Error>> {
                self.mi_command(&ShutdownRequest { shutdown_type })$($aw)*?;
                Ok(())
            }

            /// SES Receive (NVMe-MI 1.2 §5.9): diagnostic page `page_code` copied into
            /// `out` (the allocation length is `out.len()`, at most 4096); returns the bytes
            /// copied.
            pub $($async)? fn ses_receive(&mut self, page_code: u8, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                let allocation_length = u16::try_from(out.len().min(crate::mi::MAX_DATA_LEN)).map_err(|_| RequestError::InvalidArgument)?;
                let r = self.mi_command(&SesReceiveRequest { page_code, allocation_length })$($aw)*?;
                Ok(copy_into(out, r.data.iter().copied()))
            }

            /// SES Send (NVMe-MI 1.2 §5.10): send diagnostic page `data`.
            pub $($async)? fn ses_send(&mut self, data: &[u8]) -> Result<(), RequestError<T::Error>> {
                self.mi_command(&SesSendRequest { data })$($aw)*?;
                Ok(())
            }

            /// Management Endpoint Buffer Read (NVMe-MI 1.2 §5.4): `out.len()` bytes (at most
            /// 4096) from `offset`; returns the bytes copied.
            pub $($async)? fn meb_read(&mut self, offset: u32, out: &mut [u8]) -> Result<usize, RequestError<T::Error>> {
                let length = out.len().min(crate::mi::MAX_DATA_LEN) as u32;
                let r = self.mi_command(&MebReadRequest { offset, length })$($aw)*?;
                Ok(copy_into(out, r.data.iter().copied()))
            }

            /// Management Endpoint Buffer Write (NVMe-MI 1.2 §5.5): `data` at `offset`.
            pub $($async)? fn meb_write(&mut self, offset: u32, data: &[u8]) -> Result<(), RequestError<T::Error>> {
                self.mi_command(&MebWriteRequest { offset, data })$($aw)*?;
                Ok(())
            }

            /// Control primitive Pause (NVMe-MI 1.2 §4.2.1.1).
            pub $($async)? fn pause(&mut self) -> Result<PrimitiveResponse, RequestError<T::Error>> {
                self.control_primitive(ControlPrimitive::Pause)$($aw)*
            }

            /// Control primitive Resume (NVMe-MI 1.2 §4.2.1.2).
            pub $($async)? fn resume(&mut self) -> Result<(), RequestError<T::Error>> {
                self.control_primitive(ControlPrimitive::Resume)$($aw)*?;
                Ok(())
            }

            /// Control primitive Abort of the command in the configured slot (NVMe-MI 1.2
            /// §4.2.1.3).
            pub $($async)? fn abort(&mut self) -> Result<PrimitiveResponse, RequestError<T::Error>> {
                self.control_primitive(ControlPrimitive::Abort)$($aw)*
            }

            /// Control primitive Get State (NVMe-MI 1.2 §4.2.1.4); `clear` clears the error
            /// state flags after reporting them (CESF).
            pub $($async)? fn get_state(&mut self, clear: bool) -> Result<ManagementEndpointState, RequestError<T::Error>> {
                match self.control_primitive(ControlPrimitive::GetState { clear_error_state: clear })$($aw)*? {
                    PrimitiveResponse::GetState(s) => Ok(s),
                    _ => Err(mismatch()),
                }
            }

            /// Control primitive Replay (NVMe-MI 1.2 §4.2.1.5) from packet `offset` of the
            /// last response.
            pub $($async)? fn replay(&mut self, offset: u8) -> Result<PrimitiveResponse, RequestError<T::Error>> {
                self.control_primitive(ControlPrimitive::Replay { offset })$($aw)*
            }
        }
    };
}

mi_verbs!(Endpoint, Transport, [], []);
mi_verbs!(AsyncEndpoint, AsyncTransport, [async], [.await]);
