//! The device argument (nvme-cli style) and the transport it opens.
//!
//! * `sim[:<ctrl-id>]`: the built-in simulated drive (the default);
//! * `mctp:<net>,<eid>[:<ctrl-id>]`: an NVMe-MI endpoint over the kernel's AF_MCTP sockets;
//! * `i2c:<bus>,<addr>`: a drive's SMBus/I2C port, for the Basic Management Command only.

use std::fmt;
use std::str::FromStr;

use nvme_mi_core::mctp::Eid;
use nvme_mi_core::time::Instant;
use nvme_mi_core::transport::{self, ErrorKind, EventSource, Transport};

use super::error::{CliError, CliResult};
use super::sim_link::SimLink;

/// A device named on the command line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum DeviceSpec {
    /// The built-in simulated drive, and optionally the controller for Admin commands.
    Sim {
        /// Controller ID.
        ctrl: Option<u16>,
    },
    /// An MCTP endpoint: network, EID, and optionally the controller for Admin commands.
    Mctp {
        /// MCTP network.
        net: u32,
        /// Endpoint ID.
        eid: u8,
        /// Controller ID.
        ctrl: Option<u16>,
    },
    /// An I2C bus (`/dev/i2c-<bus>`) and the drive's 7-bit address.
    I2c {
        /// Bus number.
        bus: u32,
        /// 7-bit address.
        addr: u8,
    },
}

fn number<T: TryFrom<u64>>(s: &str) -> Option<T> {
    let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(h) => u64::from_str_radix(h, 16).ok()?,
        None => s.parse::<u64>().ok()?,
    };
    T::try_from(v).ok()
}

impl FromStr for DeviceSpec {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, String> {
        if s == "sim" {
            return Ok(DeviceSpec::Sim { ctrl: None });
        }
        if let Some(c) = s.strip_prefix("sim:") {
            let ctrl = number(c).ok_or("bad controller ID: expected sim:<ctrl-id>, e.g. sim:0")?;
            return Ok(DeviceSpec::Sim { ctrl: Some(ctrl) });
        }
        if let Some(rest) = s.strip_prefix("i2c:") {
            let (bus, addr) = rest.split_once(',').ok_or("expected i2c:<bus>,<addr>")?;
            let bus = number(bus).ok_or("bad I2C bus number")?;
            let addr: u8 = number(addr).ok_or("bad I2C address")?;
            if addr > 0x7f {
                return Err("the I2C address is a 7-bit address (0..=0x7f)".into());
            }
            return Ok(DeviceSpec::I2c { bus, addr });
        }
        if let Some(rest) = s.strip_prefix("mctp:") {
            let (net, rest) = rest
                .split_once(',')
                .ok_or("expected mctp:<net>,<eid>[:<ctrl-id>]")?;
            let (eid, ctrl) = match rest.split_once(':') {
                Some((e, c)) => (e, Some(number(c).ok_or("bad controller ID")?)),
                None => (rest, None),
            };
            return Ok(DeviceSpec::Mctp {
                net: number(net).ok_or("bad MCTP network")?,
                eid: number(eid).ok_or("bad EID")?,
                ctrl,
            });
        }
        Err(format!(
            "unknown device '{s}': expected sim[:<ctrl-id>], mctp:<net>,<eid>[:<ctrl-id>] or i2c:<bus>,<addr>"
        ))
    }
}

impl DeviceSpec {
    /// The controller the name gives, if any.
    pub fn ctrl(&self) -> Option<u16> {
        match self {
            DeviceSpec::Sim { ctrl } | DeviceSpec::Mctp { ctrl, .. } => *ctrl,
            DeviceSpec::I2c { .. } => None,
        }
    }

    /// The same endpoint with controller `ctrl`.
    pub fn with_ctrl(&self, c: u16) -> DeviceSpec {
        match self.clone() {
            DeviceSpec::Sim { .. } => DeviceSpec::Sim { ctrl: Some(c) },
            DeviceSpec::Mctp { net, eid, .. } => DeviceSpec::Mctp {
                net,
                eid,
                ctrl: Some(c),
            },
            other => other,
        }
    }
}

impl fmt::Display for DeviceSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            DeviceSpec::Sim { ctrl: None } => f.write_str("sim"),
            DeviceSpec::Sim { ctrl: Some(c) } => write!(f, "sim:{c}"),
            DeviceSpec::Mctp { net, eid, ctrl } => {
                write!(f, "mctp:{net},{eid}")?;
                if let Some(c) = ctrl {
                    write!(f, ":{c}")?;
                }
                Ok(())
            }
            DeviceSpec::I2c { bus, addr } => write!(f, "i2c:{bus},{addr:#04x}"),
        }
    }
}

/// A transport error of any device, with its kind kept for the engines.
#[derive(Debug, Clone)]
pub struct DeviceError {
    kind: ErrorKind,
    message: String,
}

impl fmt::Display for DeviceError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl transport::Error for DeviceError {
    fn kind(&self) -> ErrorKind {
        self.kind
    }
}

fn wrap<E: transport::Error>(e: E) -> DeviceError {
    DeviceError {
        kind: e.kind(),
        message: e.to_string(),
    }
}

/// The transport to an opened device.
pub enum AnyTransport {
    /// The simulated drive.
    Sim(SimLink),
    /// An AF_MCTP endpoint.
    #[cfg(target_os = "linux")]
    Mctp(nvme_mi_linux::MctpTransport),
}

impl AnyTransport {
    /// Open `dev` (not an I2C device: those speak Basic Management only).
    pub fn open(dev: &DeviceSpec, seed: u64, state: Option<&std::path::Path>) -> CliResult<Self> {
        Self::open_with(dev, seed, nvme_mi_sim::Topology::DEFAULT, state)
    }

    /// Open `dev`; a simulated drive gets `topology`.
    pub fn open_with(
        dev: &DeviceSpec,
        seed: u64,
        topology: nvme_mi_sim::Topology,
        state: Option<&std::path::Path>,
    ) -> CliResult<Self> {
        match dev {
            DeviceSpec::Sim { .. } => Ok(AnyTransport::Sim(SimLink::open(seed, topology, state)?)),
            #[cfg(target_os = "linux")]
            DeviceSpec::Mctp { net, eid, .. } => {
                let addr = nvme_mi_linux::MctpAddr { net: *net, eid: Eid(*eid) };
                let t = nvme_mi_linux::MctpTransport::new(addr).map_err(|e| {
                    let hint = if e.is_mctp_unsupported() {
                        " (this kernel has no AF_MCTP support)"
                    } else {
                        ""
                    };
                    CliError::transport(format!("{dev}: cannot open an MCTP socket: {e}{hint}"))
                })?;
                Ok(AnyTransport::Mctp(t))
            }
            #[cfg(not(target_os = "linux"))]
            DeviceSpec::Mctp { .. } => Err(CliError::transport("AF_MCTP devices need Linux")),
            DeviceSpec::I2c { .. } => Err(CliError::usage(format!(
                "{dev}: I2C devices answer only the Basic Management Command (`nvme-mi basic {dev}`)"
            ))),
        }
    }

    /// Start receiving Asynchronous Event Messages (`aem` and `monitor`): over AF_MCTP, a
    /// socket bound to the local EID that the endpoint sends to, shared by the endpoints of
    /// this process that send to the same one.
    pub fn listen_events(&mut self) -> CliResult {
        match self {
            AnyTransport::Sim(_) => Ok(()),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t
                .listen_events()
                .map_err(|e| CliError::transport(format!("cannot receive events: {e}"))),
        }
    }

    /// The simulated link, if this is the simulated drive.
    pub fn sim_link(&mut self) -> Option<&mut SimLink> {
        match self {
            AnyTransport::Sim(s) => Some(s),
            #[allow(unreachable_patterns)]
            _ => None,
        }
    }
}

impl Transport for AnyTransport {
    type Error = DeviceError;

    fn now(&mut self) -> Instant {
        match self {
            AnyTransport::Sim(t) => t.now(),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.now(),
        }
    }

    fn send_request(&mut self, message: &[&[u8]]) -> Result<(), DeviceError> {
        match self {
            AnyTransport::Sim(t) => t.send_request(message).map_err(wrap),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.send_request(message).map_err(wrap),
        }
    }

    fn recv_response(&mut self, buf: &mut [u8], deadline: Instant) -> Result<usize, DeviceError> {
        match self {
            AnyTransport::Sim(t) => t.recv_response(buf, deadline).map_err(wrap),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.recv_response(buf, deadline).map_err(wrap),
        }
    }

    fn end_exchange(&mut self) {
        match self {
            AnyTransport::Sim(t) => t.end_exchange(),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.end_exchange(),
        }
    }

    fn complete_exchange(&mut self) {
        match self {
            AnyTransport::Sim(t) => t.complete_exchange(),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.complete_exchange(),
        }
    }

    fn wait_until(&mut self, at: Instant) {
        match self {
            AnyTransport::Sim(t) => t.wait_until(at),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.wait_until(at),
        }
    }

    fn remote_eid(&self) -> Option<Eid> {
        match self {
            AnyTransport::Sim(t) => t.remote_eid(),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.remote_eid(),
        }
    }
}

impl EventSource for AnyTransport {
    fn recv_unsolicited(
        &mut self,
        buf: &mut [u8],
        deadline: Instant,
    ) -> Result<usize, DeviceError> {
        match self {
            AnyTransport::Sim(t) => t.recv_unsolicited(buf, deadline).map_err(wrap),
            #[cfg(target_os = "linux")]
            AnyTransport::Mctp(t) => t.recv_unsolicited(buf, deadline).map_err(wrap),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_devices() {
        assert_eq!("sim".parse(), Ok(DeviceSpec::Sim { ctrl: None }));
        assert_eq!("sim:0".parse(), Ok(DeviceSpec::Sim { ctrl: Some(0) }));
        assert!("sim:x".parse::<DeviceSpec>().is_err());
        for s in ["sim", "sim:1", "mctp:1,8", "mctp:1,8:0"] {
            assert_eq!(s.parse::<DeviceSpec>().unwrap().to_string(), s);
        }
        assert_eq!(
            "mctp:1,8:2".parse(),
            Ok(DeviceSpec::Mctp {
                net: 1,
                eid: 8,
                ctrl: Some(2)
            })
        );
        assert_eq!(
            "mctp:1,0x1d".parse(),
            Ok(DeviceSpec::Mctp {
                net: 1,
                eid: 0x1d,
                ctrl: None
            })
        );
        assert_eq!(
            "i2c:3,0x1d".parse(),
            Ok(DeviceSpec::I2c { bus: 3, addr: 0x1d })
        );
        assert!("i2c:3,0x80".parse::<DeviceSpec>().is_err());
        assert!("mctp:1".parse::<DeviceSpec>().is_err());
        assert!("nvme0".parse::<DeviceSpec>().is_err());
    }
}
