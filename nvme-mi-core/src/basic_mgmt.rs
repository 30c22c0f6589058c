//! NVMe Basic Management Command (SMBus block read at 0x6A, no MCTP). (to be written)
