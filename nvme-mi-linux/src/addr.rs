//! Addresses of MCTP endpoints on Linux: `(network, EID)` pairs, nvme-cli's device strings
//! (`mctp:<net>,<eid>[:<controller-id>]`), and hardware addresses for physical addressing.

use core::fmt;
use core::str::FromStr;

use nvme_mi_core::mctp::Eid;

use crate::sys;

/// An MCTP endpoint as the Linux kernel addresses it: a network ID and an EID (Linux include/uapi/linux/mctp.h).
///
/// Network 0 (`MCTP_NET_ANY`) means "the default network" when sending.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct MctpAddr {
    /// Network ID.
    pub net: u32,
    /// Endpoint ID.
    pub eid: Eid,
}

impl MctpAddr {
    /// The endpoint `eid` on network `net`.
    pub const fn new(net: u32, eid: Eid) -> Self {
        MctpAddr { net, eid }
    }

    /// The network to use where the kernel needs a concrete one (tag preallocation):
    /// `MCTP_NET_ANY` is taken to be the kernel's initial default network, 1.
    pub const fn concrete_net(&self) -> u32 {
        if self.net == sys::MCTP_NET_ANY {
            sys::MCTP_INITIAL_DEFAULT_NET
        } else {
            self.net
        }
    }
}

/// `mctp:<net>,<eid>`, as nvme-cli spells it.
impl fmt::Display for MctpAddr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "mctp:{},{}", self.net, self.eid.0)
    }
}

/// Why a device string did not parse.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ParseError {
    /// The string does not start with `mctp:`.
    MissingPrefix,
    /// No `,` between network and EID.
    MissingComma,
    /// The network ID is not a number in `0..=u32::MAX`.
    InvalidNet,
    /// The EID is not a number in `0..=255`.
    InvalidEid,
    /// The controller ID is not a number in `0..=65535`.
    InvalidControllerId,
    /// A controller ID was given where only an endpoint address is accepted.
    UnexpectedControllerId,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            ParseError::MissingPrefix => "device string must start with \"mctp:\"",
            ParseError::MissingComma => "expected \"mctp:<net>,<eid>\"",
            ParseError::InvalidNet => "network ID is not a number in 0..=4294967295",
            ParseError::InvalidEid => "EID is not a number in 0..=255",
            ParseError::InvalidControllerId => "controller ID is not a number in 0..=65535",
            ParseError::UnexpectedControllerId => "a controller ID is not accepted here",
        })
    }
}

impl std::error::Error for ParseError {}

/// Parse a decimal number, or a hexadecimal one with a `0x` prefix.
fn number<T: TryFrom<u64>>(s: &str) -> Option<T> {
    let s = s.trim();
    let v = match s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        Some(hex) if !hex.is_empty() => u64::from_str_radix(hex, 16).ok()?,
        Some(_) => return None,
        None if !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit()) => s.parse().ok()?,
        None => return None,
    };
    T::try_from(v).ok()
}

/// An NVMe-MI device as nvme-cli names it: an endpoint and, optionally, the controller ID
/// that Admin commands tunnelled through it address (`mctp:<net>,<eid>[:<controller-id>]`).
///
/// Numbers are decimal (as nvme-cli reads them) or hexadecimal with a `0x` prefix.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct MctpDevice {
    /// The endpoint.
    pub addr: MctpAddr,
    /// The controller ID, if given.
    pub controller: Option<u16>,
}

impl FromStr for MctpDevice {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let rest = s.strip_prefix("mctp:").ok_or(ParseError::MissingPrefix)?;
        let (net, rest) = rest.split_once(',').ok_or(ParseError::MissingComma)?;
        let (eid, controller) = match rest.split_once(':') {
            Some((eid, ctrl)) => (
                eid,
                Some(number::<u16>(ctrl).ok_or(ParseError::InvalidControllerId)?),
            ),
            None => (rest, None),
        };
        Ok(MctpDevice {
            addr: MctpAddr {
                net: number::<u32>(net).ok_or(ParseError::InvalidNet)?,
                eid: Eid(number::<u8>(eid).ok_or(ParseError::InvalidEid)?),
            },
            controller,
        })
    }
}

impl FromStr for MctpAddr {
    type Err = ParseError;

    fn from_str(s: &str) -> Result<Self, ParseError> {
        let d: MctpDevice = s.parse()?;
        match d.controller {
            None => Ok(d.addr),
            Some(_) => Err(ParseError::UnexpectedControllerId),
        }
    }
}

impl fmt::Display for MctpDevice {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.addr)?;
        if let Some(c) = self.controller {
            write!(f, ":{c}")?;
        }
        Ok(())
    }
}

/// A hardware (link-layer) address on one interface, for physical addressing with the
/// kernel's extended socket addresses (Linux include/uapi/linux/mctp.h): used to reach a device that has no EID
/// yet (destination EID 0), for example with MCTP control Get/Set Endpoint ID.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PhysAddr {
    ifindex: u32,
    len: u8,
    haddr: [u8; sys::MAX_ADDR_LEN],
}

impl PhysAddr {
    /// The address `haddr` on the interface with index `ifindex` (see
    /// [`crate::netlink::ifindex`]). Its length must equal the interface's address length (1
    /// for mctp-i2c: the 7-bit I2C address). `None` if longer than 32 bytes or if `ifindex`
    /// does not fit the kernel's `int`.
    pub fn new(ifindex: u32, haddr: &[u8]) -> Option<Self> {
        let mut a = [0u8; sys::MAX_ADDR_LEN];
        a.get_mut(..haddr.len())?.copy_from_slice(haddr);
        i32::try_from(ifindex).ok()?;
        Some(PhysAddr {
            ifindex,
            len: haddr.len() as u8,
            haddr: a,
        })
    }

    /// The interface index.
    pub fn ifindex(&self) -> u32 {
        self.ifindex
    }

    /// The hardware address bytes.
    pub fn haddr(&self) -> &[u8] {
        &self.haddr[..usize::from(self.len)]
    }

    /// Build from what the kernel reports for a received message; `None` for an invalid
    /// length or index, and for index 0, which the kernel reports for messages delivered
    /// locally by routing (they came through no interface).
    pub(crate) fn from_received(
        ifindex: i32,
        halen: u8,
        haddr: &[u8; sys::MAX_ADDR_LEN],
    ) -> Option<Self> {
        let ifindex = u32::try_from(ifindex).ok().filter(|&i| i != 0)?;
        PhysAddr::new(ifindex, haddr.get(..usize::from(halen))?)
    }

    /// The extended socket address for `base`.
    pub(crate) fn to_sockaddr(self, base: sys::sockaddr_mctp) -> sys::sockaddr_mctp_ext {
        sys::sockaddr_mctp_ext {
            smctp_base: base,
            // Checked to fit in `new`.
            smctp_ifindex: self.ifindex as i32,
            smctp_halen: self.len,
            __smctp_pad0: [0; 3],
            smctp_haddr: self.haddr,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nvme_cli_forms() {
        let d: MctpDevice = "mctp:1,8".parse().unwrap();
        assert_eq!(d.addr, MctpAddr::new(1, Eid(8)));
        assert_eq!(d.controller, None);
        let d: MctpDevice = "mctp:10,0x1d:3".parse().unwrap();
        assert_eq!(d.addr, MctpAddr::new(10, Eid(0x1d)));
        assert_eq!(d.controller, Some(3));
        assert_eq!(d.to_string(), "mctp:10,29:3");
        assert_eq!(
            "mctp:1,8".parse::<MctpAddr>().unwrap().to_string(),
            "mctp:1,8"
        );
    }

    #[test]
    fn errors_are_typed() {
        let e = |s: &str| s.parse::<MctpDevice>().unwrap_err();
        assert_eq!(e("1,8"), ParseError::MissingPrefix);
        assert_eq!(e("mctp:1"), ParseError::MissingComma);
        assert_eq!(e("mctp:x,8"), ParseError::InvalidNet);
        assert_eq!(e("mctp:-1,8"), ParseError::InvalidNet);
        assert_eq!(e("mctp:4294967296,8"), ParseError::InvalidNet);
        assert_eq!(e("mctp:1,256"), ParseError::InvalidEid);
        assert_eq!(e("mctp:1,"), ParseError::InvalidEid);
        assert_eq!(e("mctp:1,0x"), ParseError::InvalidEid);
        assert_eq!(e("mctp:1,8:65536"), ParseError::InvalidControllerId);
        assert_eq!(e("mctp:1,8:"), ParseError::InvalidControllerId);
        assert_eq!(
            "mctp:1,8:0".parse::<MctpAddr>().unwrap_err(),
            ParseError::UnexpectedControllerId
        );
    }

    #[test]
    fn round_trip_every_eid_and_some_nets() {
        for net in [0, 1, 77, u32::MAX] {
            for eid in 0..=255u8 {
                for ctrl in [None, Some(0), Some(0xffff)] {
                    let d = MctpDevice {
                        addr: MctpAddr::new(net, Eid(eid)),
                        controller: ctrl,
                    };
                    assert_eq!(d.to_string().parse::<MctpDevice>(), Ok(d));
                }
            }
        }
    }

    #[test]
    fn phys_addr_limits() {
        let p = PhysAddr::new(3, &[0x1d]).unwrap();
        assert_eq!((p.ifindex(), p.haddr()), (3, &[0x1d][..]));
        assert!(PhysAddr::new(3, &[0; 33]).is_none());
        assert!(PhysAddr::new(u32::MAX, &[0]).is_none());
        let ext = p.to_sockaddr(sys::sockaddr_mctp::new(1, 0, 0, sys::MCTP_TAG_OWNER));
        assert_eq!(
            (ext.smctp_ifindex, ext.smctp_halen, ext.smctp_haddr[0]),
            (3, 1, 0x1d)
        );
        assert_eq!(PhysAddr::from_received(3, 1, &ext.smctp_haddr), Some(p));
        assert_eq!(PhysAddr::from_received(3, 40, &ext.smctp_haddr), None);
        assert_eq!(PhysAddr::from_received(0, 0, &ext.smctp_haddr), None);
        assert_eq!(PhysAddr::from_received(-1, 1, &ext.smctp_haddr), None);
    }
}
