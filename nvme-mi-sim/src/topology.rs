//! The shape of the simulated subsystem: how many controllers, PCIe ports and factory
//! namespaces it has (NVMe Base 2.x §2.4 NVM subsystem entities; NVMe-MI 1.2 §4.1 ports).

use core::fmt;

use crate::namespace::MAX_NAMESPACES;

/// The most controllers a simulated subsystem can have.
pub const MAX_CONTROLLERS: usize = 8;

/// The shape of a simulated subsystem, for [`Sim::with_topology`](crate::Sim::with_topology).
///
/// Controllers are numbered from 0. Ports are numbered PCIe first: port 0 is PCIe, port 1
/// the second PCIe port of a dual-port drive, and the SMBus/I2C port (the management
/// endpoint, VPD and Basic Management Command) comes last. On a dual-port drive controller
/// `i` sits behind PCIe port `i % 2`.
///
/// The factory namespaces: NSID 1 (400 GB, 512-byte blocks) attached to controller 0, NSID 2
/// (200 GB, 4 KiB blocks) attached to controller 1 (controller 0 if it is the only one),
/// NSID 3 (100 GB, 4 KiB blocks) shared by every controller, and each further one 10 GB with
/// 4 KiB blocks, shared by every controller.
///
/// ```
/// use nvme_mi_sim::Topology;
/// let t = Topology::DEFAULT.controllers(4).dual_port(true).namespaces(8);
/// assert_eq!((t.controllers, t.dual_port, t.namespaces), (4, true, 8));
/// assert_eq!(Topology::default(), Topology::DEFAULT);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Topology {
    /// The number of controllers, 1 to [`MAX_CONTROLLERS`]; their IDs are `0..controllers`.
    pub controllers: u8,
    /// A second PCIe port (a dual-port drive).
    pub dual_port: bool,
    /// Namespaces present at the factory, 0 to [`MAX_NAMESPACES`].
    pub namespaces: u8,
}

impl Topology {
    /// Two controllers (IDs 0 and 1), one PCIe port and the SMBus/I2C port, three
    /// namespaces.
    pub const DEFAULT: Topology = Topology {
        controllers: 2,
        dual_port: false,
        namespaces: 3,
    };

    /// With `n` controllers.
    pub const fn controllers(self, n: u8) -> Self {
        Topology {
            controllers: n,
            ..self
        }
    }

    /// With or without a second PCIe port.
    pub const fn dual_port(self, dual: bool) -> Self {
        Topology {
            dual_port: dual,
            ..self
        }
    }

    /// With `n` factory namespaces.
    pub const fn namespaces(self, n: u8) -> Self {
        Topology {
            namespaces: n,
            ..self
        }
    }

    /// Whether the shape can be built.
    pub const fn check(&self) -> Result<(), TopologyError> {
        if self.controllers == 0 || self.controllers as usize > MAX_CONTROLLERS {
            return Err(TopologyError::Controllers(self.controllers));
        }
        if self.namespaces as usize > MAX_NAMESPACES {
            return Err(TopologyError::Namespaces(self.namespaces));
        }
        Ok(())
    }

    /// The number of ports.
    pub const fn ports(&self) -> u8 {
        if self.dual_port {
            3
        } else {
            2
        }
    }

    /// The ID of the SMBus/I2C port (the last one).
    pub const fn smbus_port(&self) -> u8 {
        self.ports() - 1
    }

    /// The PCIe port controller `ctlid` sits behind.
    pub const fn port_of(&self, ctlid: u16) -> u8 {
        if self.dual_port {
            (ctlid % 2) as u8
        } else {
            0
        }
    }

    /// Attachment bits of every controller (bit `i`: controller ID `i`).
    pub(crate) const fn all_ctrls(&self) -> u8 {
        (0xffu16 >> (8 - self.controllers as u32)) as u8
    }
}

impl Default for Topology {
    fn default() -> Self {
        Topology::DEFAULT
    }
}

/// Why a [`Topology`] cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum TopologyError {
    /// The number of controllers is 0 or above [`MAX_CONTROLLERS`].
    Controllers(u8),
    /// The number of namespaces is above [`MAX_NAMESPACES`].
    Namespaces(u8),
}

impl fmt::Display for TopologyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            TopologyError::Controllers(n) => {
                write!(
                    f,
                    "{n} controllers: a simulated subsystem has 1 to {MAX_CONTROLLERS}"
                )
            }
            TopologyError::Namespaces(n) => {
                write!(
                    f,
                    "{n} namespaces: a simulated subsystem has at most {MAX_NAMESPACES}"
                )
            }
        }
    }
}

impl core::error::Error for TopologyError {}
