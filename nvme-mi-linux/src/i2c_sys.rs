//! The one piece of the Linux i2c-dev ABI (uapi `linux/i2c-dev.h`, `linux/i2c.h`, kernel 6.12)
//! that neither `i2cdev` nor `linux-embedded-hal` exposes: the adapter's functionality word.
//!
//! A private leaf module with `unsafe` code, like [`sys`](crate::sys) for `AF_MCTP`.

use std::io;
use std::os::fd::RawFd;

/// `ioctl` request: get the adapter's functionality mask (`I2C_FUNCS`, linux/i2c-dev.h).
const I2C_FUNCS: libc::c_ulong = 0x0705;

/// The functionality mask (`I2C_FUNC_*` bits) of the adapter behind `fd`, an open
/// `/dev/i2c-N` (`i2cdev` exposes only its raw descriptor).
pub fn functionality(fd: RawFd) -> io::Result<u32> {
    let mut funcs: libc::c_ulong = 0;
    // SAFETY: I2C_FUNCS writes one `unsigned long` through its argument, which points to a
    // live local of that type. A descriptor that is not open, or not an i2c-dev node, makes
    // the call fail (EBADF, ENOTTY) without touching memory.
    let r = unsafe { libc::ioctl(fd, I2C_FUNCS as _, &mut funcs as *mut libc::c_ulong) };
    if r < 0 {
        return Err(io::Error::last_os_error());
    }
    // The uapi defines bits 0..=31 only.
    Ok(funcs as u32)
}
