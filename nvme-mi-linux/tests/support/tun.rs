//! A tun interface for the real-kernel tests (`#[path]`-included by the tests that use it, so
//! that it stays out of the crate's API): `/dev/net/tun` and its `TUNSETIFF` ioctl.

use std::os::fd::{AsRawFd, OwnedFd};

/// `TUNSETIFF` (`_IOW('T', 202, int)`, linux/if_tun.h): attach a `/dev/net/tun` descriptor
/// to a (new) tun interface.
const TUNSETIFF: u32 = 0x4004_54ca;
/// `IFF_TUN`: a layer-3 tun device (no Ethernet header). For MCTP the device keeps the
/// packet-information header (`IFF_NO_PI` unset).
const IFF_TUN: libc::c_short = 0x0001;

/// `struct ifreq` as `TUNSETIFF` uses it: the name and the flags (40 bytes on 64-bit Linux;
/// the rest of the kernel's union is padding here).
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy)]
struct ifreq_flags {
    ifr_name: [u8; libc::IFNAMSIZ],
    ifr_flags: libc::c_short,
    __pad: [u8; 22],
}

const _: () = {
    assert!(std::mem::size_of::<ifreq_flags>() == 40);
    assert!(std::mem::offset_of!(ifreq_flags, ifr_flags) == 16);
};

/// Create the tun interface `name` (or attach to it, if it exists and is free) and return its
/// descriptor and the name the kernel gave it. Every `read`/`write` on the descriptor is then
/// one packet behind a 4-byte packet-information header (`struct tun_pi`: flags, big-endian
/// protocol, `ETH_P_MCTP` = 0x00FA for MCTP), and the interface (type `ARPHRD_NONE`) carries
/// MCTP once it is up (Linux include/uapi/linux/mctp.h). This is how a user-space MCTP endpoint sits behind the
/// kernel's stack. Needs `CAP_NET_ADMIN`.
pub fn tun_open(name: &str) -> std::io::Result<(OwnedFd, String)> {
    let mut req = ifreq_flags {
        ifr_name: [0; libc::IFNAMSIZ],
        ifr_flags: IFF_TUN,
        __pad: [0; 22],
    };
    let bytes = name.as_bytes();
    if bytes.len() >= libc::IFNAMSIZ || bytes.contains(&0) {
        return Err(std::io::Error::from_raw_os_error(libc::EINVAL));
    }
    req.ifr_name[..bytes.len()].copy_from_slice(bytes);
    let file = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open("/dev/net/tun")?;
    let fd = OwnedFd::from(file);
    // SAFETY: `req` is a live, writable `struct ifreq` image of the size TUNSETIFF reads and
    // writes (name and flags; the kernel copies the whole 40-byte structure in and out).
    let rc = unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            TUNSETIFF as _,
            (&mut req as *mut ifreq_flags).cast::<libc::c_void>(),
        )
    };
    if rc < 0 {
        return Err(std::io::Error::last_os_error());
    }
    let len = req
        .ifr_name
        .iter()
        .position(|&b| b == 0)
        .unwrap_or(libc::IFNAMSIZ);
    let name = String::from_utf8_lossy(&req.ifr_name[..len]).into_owned();
    Ok((fd, name))
}
