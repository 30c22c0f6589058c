//! The Linux `AF_MCTP` socket ABI (kernel 6.12 uapi `linux/mctp.h`) and thin safe wrappers
//! around the system calls that use it.
//!
//! This is the only module of the crate with `unsafe` code. Every structure is `#[repr(C)]`
//! with its size and field offsets checked at compile time against the uapi header
//! (`include/uapi/linux/mctp.h`, Linux 6.12); every `unsafe` block says why it is sound. Everything above this module is safe
//! Rust. The module is private and a leaf: it uses nothing else of the crate (the types that
//! may be registered with tokio implement [`StableFd`] where they are defined), and the crate
//! re-exports only the constants a user needs.
//!
//! Neither `libc` nor `nix` knows `AF_MCTP`, hence these definitions.

use std::io::{self, IoSlice};
use std::mem::{offset_of, size_of};
use std::os::fd::{AsRawFd, BorrowedFd, FromRawFd, OwnedFd};

/// Address family of MCTP sockets (`AF_MCTP`, `PF_MCTP`).
pub const AF_MCTP: libc::c_int = 45;
/// Socket option level of MCTP sockets (`SOL_MCTP`).
pub const SOL_MCTP: libc::c_int = 285;
/// Socket option enabling extended addressing (`MCTP_OPT_ADDR_EXT`, an `int`).
pub const MCTP_OPT_ADDR_EXT: libc::c_int = 1;

/// "Any network": on send the default network, on bind every network (Linux include/uapi/linux/mctp.h).
pub const MCTP_NET_ANY: u32 = 0;
/// The network every MCTP device joins unless configured otherwise
/// (`MCTP_INITIAL_DEFAULT_NET`). The v1 tag ioctls always use it.
pub const MCTP_INITIAL_DEFAULT_NET: u32 = 1;
/// The NULL EID (Linux include/uapi/linux/mctp.h).
pub const MCTP_ADDR_NULL: u8 = 0x00;
/// "Any EID" when binding (Linux include/uapi/linux/mctp.h).
pub const MCTP_ADDR_ANY: u8 = 0xff;

/// Tag value bits of `smctp_tag` (Linux include/uapi/linux/mctp.h).
pub const MCTP_TAG_MASK: u8 = 0x07;
/// Tag owner bit of `smctp_tag`: set on requests, clear on responses (Linux include/uapi/linux/mctp.h).
pub const MCTP_TAG_OWNER: u8 = 0x08;
/// Marks a tag allocated with `SIOCMCTPALLOCTAG[2]` (Linux include/uapi/linux/mctp.h).
pub const MCTP_TAG_PREALLOC: u8 = 0x10;

/// First protocol-private socket ioctl (`SIOCPROTOPRIVATE`, linux/sockios.h).
pub const SIOCPROTOPRIVATE: u32 = 0x89E0;
/// Preallocate an owned tag for a peer on the default network (Linux include/uapi/linux/mctp.h).
pub const SIOCMCTPALLOCTAG: u32 = SIOCPROTOPRIVATE;
/// Drop a tag allocated with [`SIOCMCTPALLOCTAG`] (Linux include/uapi/linux/mctp.h).
pub const SIOCMCTPDROPTAG: u32 = SIOCPROTOPRIVATE + 1;
/// Preallocate an owned tag for a peer on a given network (Linux include/uapi/linux/mctp.h).
pub const SIOCMCTPALLOCTAG2: u32 = SIOCPROTOPRIVATE + 2;
/// Drop a tag allocated with [`SIOCMCTPALLOCTAG2`] (Linux include/uapi/linux/mctp.h).
pub const SIOCMCTPDROPTAG2: u32 = SIOCPROTOPRIVATE + 3;

/// Length of a hardware address in [`sockaddr_mctp_ext`] (`MAX_ADDR_LEN`).
pub const MAX_ADDR_LEN: usize = 32;

/// `struct sockaddr_mctp` (12 bytes, align 4). `smctp_addr` is the kernel's
/// one-byte `struct mctp_addr`, flattened.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct sockaddr_mctp {
    /// Always [`AF_MCTP`].
    pub smctp_family: libc::sa_family_t,
    /// Must be zero.
    pub __smctp_pad0: u16,
    /// Network ID ([`MCTP_NET_ANY`] allowed).
    pub smctp_network: u32,
    /// EID: the remote one on send and receive, the local one on bind.
    pub smctp_addr: u8,
    /// Message type; on send and receive it includes the IC bit.
    pub smctp_type: u8,
    /// Tag bits 2:0, [`MCTP_TAG_OWNER`], [`MCTP_TAG_PREALLOC`].
    pub smctp_tag: u8,
    /// Must be zero.
    pub __smctp_pad1: u8,
}

impl sockaddr_mctp {
    /// An address with the family set and the pads zero.
    pub const fn new(net: u32, eid: u8, msg_type: u8, tag: u8) -> Self {
        sockaddr_mctp {
            smctp_family: AF_MCTP as libc::sa_family_t,
            __smctp_pad0: 0,
            smctp_network: net,
            smctp_addr: eid,
            smctp_type: msg_type,
            smctp_tag: tag,
            __smctp_pad1: 0,
        }
    }
}

/// `struct sockaddr_mctp_ext` (52 bytes): an MCTP address plus the interface and
/// hardware address, used with [`MCTP_OPT_ADDR_EXT`] for physical addressing.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct sockaddr_mctp_ext {
    /// The MCTP address.
    pub smctp_base: sockaddr_mctp,
    /// Interface index.
    pub smctp_ifindex: libc::c_int,
    /// Length of the hardware address; must equal the device's (1 for mctp-i2c).
    pub smctp_halen: u8,
    /// Must be zero.
    pub __smctp_pad0: [u8; 3],
    /// Hardware address (for mctp-i2c, byte 0 is the 7-bit I2C address).
    pub smctp_haddr: [u8; MAX_ADDR_LEN],
}

/// `struct mctp_ioc_tag_ctl` (4 bytes): argument of the v1 tag ioctls.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct mctp_ioc_tag_ctl {
    /// The peer's EID.
    pub peer_addr: u8,
    /// 0 on allocation; the allocated value (with owner and prealloc bits) on return and
    /// on drop.
    pub tag: u8,
    /// Must be zero.
    pub flags: u16,
}

/// `struct mctp_ioc_tag_ctl2` (12 bytes): argument of the v2 tag ioctls. The
/// kernel's three bytes of trailing padding are spelled out so that every byte is defined.
#[allow(non_camel_case_types)]
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct mctp_ioc_tag_ctl2 {
    /// Network ID.
    pub net: u32,
    /// The peer's EID.
    pub peer_addr: u8,
    /// Must be [`MCTP_ADDR_ANY`] or [`MCTP_ADDR_NULL`].
    pub local_addr: u8,
    /// Must be zero.
    pub flags: u16,
    /// As in [`mctp_ioc_tag_ctl::tag`].
    pub tag: u8,
    /// Padding (the kernel's implicit tail padding).
    pub __pad: [u8; 3],
}

const _: () = {
    assert!(size_of::<sockaddr_mctp>() == 12);
    assert!(std::mem::align_of::<sockaddr_mctp>() == 4);
    assert!(offset_of!(sockaddr_mctp, smctp_family) == 0);
    assert!(offset_of!(sockaddr_mctp, __smctp_pad0) == 2);
    assert!(offset_of!(sockaddr_mctp, smctp_network) == 4);
    assert!(offset_of!(sockaddr_mctp, smctp_addr) == 8);
    assert!(offset_of!(sockaddr_mctp, smctp_type) == 9);
    assert!(offset_of!(sockaddr_mctp, smctp_tag) == 10);
    assert!(offset_of!(sockaddr_mctp, __smctp_pad1) == 11);

    assert!(size_of::<sockaddr_mctp_ext>() == 52);
    assert!(offset_of!(sockaddr_mctp_ext, smctp_ifindex) == 12);
    assert!(offset_of!(sockaddr_mctp_ext, smctp_halen) == 16);
    assert!(offset_of!(sockaddr_mctp_ext, __smctp_pad0) == 17);
    assert!(offset_of!(sockaddr_mctp_ext, smctp_haddr) == 20);

    assert!(size_of::<mctp_ioc_tag_ctl>() == 4);
    assert!(offset_of!(mctp_ioc_tag_ctl, peer_addr) == 0);
    assert!(offset_of!(mctp_ioc_tag_ctl, tag) == 1);
    assert!(offset_of!(mctp_ioc_tag_ctl, flags) == 2);

    assert!(size_of::<mctp_ioc_tag_ctl2>() == 12);
    assert!(offset_of!(mctp_ioc_tag_ctl2, net) == 0);
    assert!(offset_of!(mctp_ioc_tag_ctl2, peer_addr) == 4);
    assert!(offset_of!(mctp_ioc_tag_ctl2, local_addr) == 5);
    assert!(offset_of!(mctp_ioc_tag_ctl2, flags) == 6);
    assert!(offset_of!(mctp_ioc_tag_ctl2, tag) == 8);

    // The three parts of `smctp_tag` do not overlap; the two special EIDs differ.
    assert!(MCTP_TAG_PREALLOC & (MCTP_TAG_OWNER | MCTP_TAG_MASK) == 0);
    assert!(MCTP_TAG_OWNER & MCTP_TAG_MASK == 0);
    assert!(MCTP_ADDR_NULL != MCTP_ADDR_ANY);

    // sockaddr_storage must hold the largest address we let the kernel fill.
    assert!(size_of::<libc::sockaddr_storage>() >= size_of::<sockaddr_mctp_ext>());
};

/// Turn a `-1`-on-error return value into an [`io::Result`] (errno read right after).
fn check(rc: libc::c_int) -> io::Result<libc::c_int> {
    if rc < 0 {
        Err(io::Error::last_os_error())
    } else {
        Ok(rc)
    }
}

/// Same as [`check`] for `ssize_t` results.
fn check_size(rc: libc::ssize_t) -> io::Result<usize> {
    usize::try_from(rc).map_err(|_| io::Error::last_os_error())
}

/// `socket(AF_MCTP, SOCK_DGRAM | SOCK_CLOEXEC [| SOCK_NONBLOCK], 0)`: a new MCTP socket,
/// non-blocking if `nonblocking`. Fails with `EAFNOSUPPORT` on a kernel without
/// `CONFIG_MCTP`.
pub fn socket(nonblocking: bool) -> io::Result<OwnedFd> {
    let flags = if nonblocking { libc::SOCK_NONBLOCK } else { 0 };
    // SAFETY: socket(2) takes no pointers; the arguments are plain integers.
    let fd =
        check(unsafe { libc::socket(AF_MCTP, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC | flags, 0) })?;
    // SAFETY: `fd` was just returned by a successful socket(2) and is owned by nobody else.
    Ok(unsafe { OwnedFd::from_raw_fd(fd) })
}

/// `bind(2)` an MCTP socket to a local (network, EID, message type).
pub fn bind(fd: BorrowedFd<'_>, addr: &sockaddr_mctp) -> io::Result<()> {
    // SAFETY: `addr` points to a live, initialised `sockaddr_mctp` of the length passed; the
    // kernel only reads it.
    check(unsafe {
        libc::bind(
            fd.as_raw_fd(),
            (addr as *const sockaddr_mctp).cast::<libc::sockaddr>(),
            size_of::<sockaddr_mctp>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `setsockopt(SOL_MCTP, MCTP_OPT_ADDR_EXT, on)`: enable or disable extended addressing.
pub fn set_addr_ext(fd: BorrowedFd<'_>, on: bool) -> io::Result<()> {
    let val: libc::c_int = on.into();
    // SAFETY: `val` is a live `int` of the length passed; the kernel only reads it.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            SOL_MCTP,
            MCTP_OPT_ADDR_EXT,
            (&val as *const libc::c_int).cast::<libc::c_void>(),
            size_of::<libc::c_int>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// `setsockopt(SOL_SOCKET, SO_RCVTIMEO, timeout)`: how long a blocking receive waits before
/// it fails with `EAGAIN` (`None`: forever). The kernel rounds up to its clock tick.
pub fn set_recv_timeout(
    fd: BorrowedFd<'_>,
    timeout: Option<std::time::Duration>,
) -> io::Result<()> {
    let t = timeout.unwrap_or_default();
    let mut tv = libc::timeval {
        tv_sec: libc::time_t::try_from(t.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_usec: libc::suseconds_t::from(t.subsec_micros()),
    };
    if timeout.is_some() && tv.tv_sec == 0 && tv.tv_usec == 0 {
        // Zero would mean "forever"; the shortest real wait is one microsecond.
        tv.tv_usec = 1;
    }
    // SAFETY: `tv` is a live `struct timeval` of the length passed; the kernel only reads it.
    check(unsafe {
        libc::setsockopt(
            fd.as_raw_fd(),
            libc::SOL_SOCKET,
            libc::SO_RCVTIMEO,
            (&tv as *const libc::timeval).cast::<libc::c_void>(),
            size_of::<libc::timeval>() as libc::socklen_t,
        )
    })?;
    Ok(())
}

/// A destination for [`sendmsg`]: a plain MCTP address, or an extended one (which the kernel
/// uses only when [`MCTP_OPT_ADDR_EXT`] is enabled on the socket).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SendAddr {
    /// Routed by EID.
    Plain(sockaddr_mctp),
    /// Sent directly on an interface to a hardware address.
    Ext(sockaddr_mctp_ext),
}

/// `sendmsg(2)` one MCTP message: the type byte travels in the address's `smctp_type`, the
/// rest of the message is gathered from `body` without copying. Returns the number of body
/// bytes sent. The socket's blocking mode applies (`EAGAIN` on a full non-blocking socket).
pub fn sendmsg(fd: BorrowedFd<'_>, to: &SendAddr, body: &[IoSlice<'_>]) -> io::Result<usize> {
    let (name, namelen) = match to {
        SendAddr::Plain(a) => (
            (a as *const sockaddr_mctp).cast::<libc::c_void>(),
            size_of::<sockaddr_mctp>(),
        ),
        SendAddr::Ext(a) => (
            (a as *const sockaddr_mctp_ext).cast::<libc::c_void>(),
            size_of::<sockaddr_mctp_ext>(),
        ),
    };
    // SAFETY: an all-zero msghdr is a valid empty message header (null pointers, zero
    // lengths); the fields that matter are set below.
    let mut msg: libc::msghdr = unsafe { std::mem::zeroed() };
    msg.msg_name = name.cast_mut();
    msg.msg_namelen = namelen as libc::socklen_t;
    // std guarantees that `IoSlice` is ABI-compatible with `struct iovec` on Unix.
    msg.msg_iov = body.as_ptr().cast_mut().cast::<libc::iovec>();
    msg.msg_iovlen = body.len() as _;
    // SAFETY: `msg` points to the address (alive for this call, of the length given) and to
    // `body.len()` iovecs describing live byte slices. sendmsg(2) only reads them (the kernel
    // works on its own copy of the address).
    check_size(unsafe { libc::sendmsg(fd.as_raw_fd(), &msg, 0) })
}

/// What [`recvmsg`] received.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Received {
    /// Length of the message body as sent (without the type byte). Larger than the buffer
    /// when [`Received::truncated`].
    pub body_len: usize,
    /// The message was larger than the buffer (`MSG_TRUNC`); only its start was copied.
    pub truncated: bool,
    /// The sender's address (type, tag with the TO bit of the received message in
    /// [`MCTP_TAG_OWNER`]). `None` for an empty message without a type byte.
    pub from: Option<sockaddr_mctp>,
    /// Interface index, hardware address length and hardware address of the sender, when
    /// extended addressing is enabled on the socket.
    pub ext: Option<(i32, u8, [u8; MAX_ADDR_LEN])>,
}

/// `recvmsg(2)` one MCTP message into `buf` (the body; the type byte comes back in
/// [`Received::from`]). Always passes `MSG_TRUNC` so that the true length is reported; a
/// message larger than `buf` is flagged [`Received::truncated`], never silently cut.
/// Never waits (`MSG_DONTWAIT`): `EAGAIN` when nothing is queued.
pub fn recvmsg(fd: BorrowedFd<'_>, buf: &mut [u8]) -> io::Result<Received> {
    receive(fd, buf, libc::MSG_TRUNC | libc::MSG_DONTWAIT, None)
}

/// As [`recvmsg`] on a blocking socket, also measuring the wait: returns the message and
/// how long the call took until it had the message, by the kernel's monotonic clock, up to
/// `limit` (a longer wait reports `limit`).
///
/// This is `recvmmsg(2)` for one message with a timeout: the kernel starts its clock at
/// `limit` when the call begins and, once the message is in, writes back what is left of it
/// (the timeout does not bound the wait; the socket's receive timeout does). No clock read
/// in user space, no second system call.
pub fn recvmsg_measured(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    limit: std::time::Duration,
) -> io::Result<(Received, std::time::Duration)> {
    let mut left = libc::timespec {
        tv_sec: libc::time_t::try_from(limit.as_secs()).unwrap_or(libc::time_t::MAX),
        tv_nsec: limit.subsec_nanos().into(),
    };
    let r = receive(fd, buf, libc::MSG_TRUNC, Some(&mut left))?;
    let left = std::time::Duration::new(
        u64::try_from(left.tv_sec).unwrap_or(0),
        u32::try_from(left.tv_nsec).unwrap_or(0),
    );
    Ok((r, limit.saturating_sub(left)))
}

/// One message with `recvmsg(2)`, or with `recvmmsg(2)` when a `timeout` is given (which
/// the kernel updates).
fn receive(
    fd: BorrowedFd<'_>,
    buf: &mut [u8],
    flags: libc::c_int,
    timeout: Option<&mut libc::timespec>,
) -> io::Result<Received> {
    let mut iov = libc::iovec {
        iov_base: buf.as_mut_ptr().cast::<libc::c_void>(),
        iov_len: buf.len(),
    };
    let mut name = sockaddr_mctp_ext::default();
    // SAFETY: an all-zero mmsghdr is a valid empty message header.
    let mut mmsg: libc::mmsghdr = unsafe { std::mem::zeroed() };
    mmsg.msg_hdr.msg_name = (&mut name as *mut sockaddr_mctp_ext).cast::<libc::c_void>();
    mmsg.msg_hdr.msg_namelen = size_of::<sockaddr_mctp_ext>() as libc::socklen_t;
    mmsg.msg_hdr.msg_iov = &mut iov;
    mmsg.msg_hdr.msg_iovlen = 1;
    let n = match timeout {
        // SAFETY: `msg` points to `name` (a writable `sockaddr_mctp_ext`, of the length given)
        // and to one iovec covering exactly the writable slice `buf`; all outlive the call.
        // The kernel writes at most `msg_namelen` bytes of address and `iov_len` bytes of
        // data.
        None => check_size(unsafe { libc::recvmsg(fd.as_raw_fd(), &mut mmsg.msg_hdr, flags) })?,
        Some(t) => {
            // SAFETY: as above, for one `mmsghdr` (vlen 1), whose `msg_len` the kernel fills
            // in; `t` is a live, writable `struct timespec` that the kernel reads and
            // overwrites with the time left.
            let got = check(unsafe { libc::recvmmsg(fd.as_raw_fd(), &mut mmsg, 1, flags, t) })?;
            if got != 1 {
                return Err(io::Error::from(io::ErrorKind::WouldBlock));
            }
            mmsg.msg_len as usize
        }
    };
    let msg = &mmsg.msg_hdr;
    let namelen = msg.msg_namelen as usize;
    let from = (namelen >= size_of::<sockaddr_mctp>()).then_some(name.smctp_base);
    let ext = (namelen >= size_of::<sockaddr_mctp_ext>()).then_some((
        name.smctp_ifindex,
        name.smctp_halen,
        name.smctp_haddr,
    ));
    Ok(Received {
        body_len: n,
        truncated: msg.msg_flags & libc::MSG_TRUNC != 0 || n > buf.len(),
        from,
        ext,
    })
}

/// Issue one of the tag ioctls on `ctl`.
fn tag_ioctl<T>(fd: BorrowedFd<'_>, request: u32, ctl: &mut T) -> io::Result<()> {
    // SAFETY: `ctl` is a live, writable `mctp_ioc_tag_ctl[2]` (the callers below pick the
    // structure matching `request`); the kernel copies exactly its size in and out.
    check(unsafe {
        libc::ioctl(
            fd.as_raw_fd(),
            request as _,
            (ctl as *mut T).cast::<libc::c_void>(),
        )
    })?;
    Ok(())
}

/// `SIOCMCTPALLOCTAG2`: preallocate an owned tag for `peer` on `net`. Returns the value to put
/// in `smctp_tag` (tag | [`MCTP_TAG_OWNER`] | [`MCTP_TAG_PREALLOC`]). `EBUSY` when all eight
/// tags for that peer are taken.
pub fn alloc_tag2(fd: BorrowedFd<'_>, net: u32, peer: u8) -> io::Result<u8> {
    let mut ctl = mctp_ioc_tag_ctl2 {
        net,
        peer_addr: peer,
        local_addr: MCTP_ADDR_ANY,
        ..Default::default()
    };
    tag_ioctl(fd, SIOCMCTPALLOCTAG2, &mut ctl)?;
    Ok(ctl.tag)
}

/// `SIOCMCTPDROPTAG2`: release a tag returned by [`alloc_tag2`] (same `net` and `peer`).
pub fn drop_tag2(fd: BorrowedFd<'_>, net: u32, peer: u8, tag: u8) -> io::Result<()> {
    let mut ctl = mctp_ioc_tag_ctl2 {
        net,
        peer_addr: peer,
        local_addr: MCTP_ADDR_ANY,
        tag,
        ..Default::default()
    };
    tag_ioctl(fd, SIOCMCTPDROPTAG2, &mut ctl)
}

/// `SIOCMCTPALLOCTAG`: as [`alloc_tag2`] on network [`MCTP_INITIAL_DEFAULT_NET`].
pub fn alloc_tag(fd: BorrowedFd<'_>, peer: u8) -> io::Result<u8> {
    let mut ctl = mctp_ioc_tag_ctl {
        peer_addr: peer,
        ..Default::default()
    };
    tag_ioctl(fd, SIOCMCTPALLOCTAG, &mut ctl)?;
    Ok(ctl.tag)
}

/// `SIOCMCTPDROPTAG`: release a tag returned by [`alloc_tag`].
pub fn drop_tag(fd: BorrowedFd<'_>, peer: u8, tag: u8) -> io::Result<()> {
    let mut ctl = mctp_ioc_tag_ctl {
        peer_addr: peer,
        tag,
        flags: 0,
    };
    tag_ioctl(fd, SIOCMCTPDROPTAG, &mut ctl)
}

/// Types that own exactly one file descriptor for their whole life: an `OwnedFd` created at
/// construction, never replaced, closed on drop, and the one that `as_raw_fd` always
/// returns. Only they may be registered with tokio by [`async_fd`]. (Implemented where each
/// type is defined, so that this module depends on none of them.)
#[cfg(feature = "tokio")]
pub(crate) trait StableFd: AsRawFd {}

/// Register `inner` with tokio's reactor (in the current runtime).
#[cfg(feature = "tokio")]
pub(crate) fn async_fd<T: StableFd>(inner: T) -> io::Result<tokio::io::unix::AsyncFd<T>> {
    // SAFETY: `StableFd` types own their descriptor for their whole life and always report
    // the same one (see the trait), which is what `register` requires; the crate never
    // swaps the socket inside a registered value.
    unsafe { tokio::io::unix::AsyncFd::register(inner) }.map_err(io::Error::from)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ioctl_numbers() {
        assert_eq!(SIOCMCTPALLOCTAG, 0x89e0);
        assert_eq!(SIOCMCTPDROPTAG, 0x89e1);
        assert_eq!(SIOCMCTPALLOCTAG2, 0x89e2);
        assert_eq!(SIOCMCTPDROPTAG2, 0x89e3);
    }

    #[test]
    fn socket_exists_or_family_unsupported() {
        // On a kernel without CONFIG_MCTP the only acceptable failure is EAFNOSUPPORT.
        match socket(true) {
            Ok(_) => {}
            Err(e) => assert_eq!(e.raw_os_error(), Some(libc::EAFNOSUPPORT), "{e}"),
        }
    }

    #[test]
    fn address_constructor_zeroes_pads() {
        let a = sockaddr_mctp::new(7, 8, 0x84, MCTP_TAG_OWNER);
        assert_eq!(i32::from(a.smctp_family), AF_MCTP);
        assert_eq!((a.__smctp_pad0, a.__smctp_pad1), (0, 0));
        assert_eq!(
            (a.smctp_network, a.smctp_addr, a.smctp_type, a.smctp_tag),
            (7, 8, 0x84, 8)
        );
    }
}
