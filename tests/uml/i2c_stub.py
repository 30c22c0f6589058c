#!/usr/bin/env python3
"""Loads the kernel's i2c-stub with a drive's Basic Management data structure (NVMe-MI 2.0,
Appendix A) through /dev/i2c-N, independently of the Rust code under test: its own SMBus
CRC-8 and its own I2C_SMBUS ioctls (uapi linux/i2c-dev.h, linux/i2c.h).

Usage: i2c_stub.py DEV ADDR MODE [BAD_PEC]
  MODE registers: an I2C block write of offsets 0..31 (count, data and PEC of both blocks),
                  what an I2C block read or an I2C write-read returns.
  MODE blocks:    SMBus block writes of the two blocks' data at command codes 0 and 8,
                  what an SMBus Block Read returns (the stub keeps those apart).
  BAD_PEC=1 stores a wrong PEC for the status block.
Prints the expected fields as JSON on stdout.
"""
import ctypes
import fcntl
import json
import os
import sys

I2C_SLAVE = 0x0703
I2C_SMBUS = 0x0720
I2C_SMBUS_WRITE = 0
I2C_SMBUS_BLOCK_DATA = 5
I2C_SMBUS_I2C_BLOCK_DATA = 8


class SmbusIoctlData(ctypes.Structure):
    _fields_ = [
        ("read_write", ctypes.c_uint8),
        ("command", ctypes.c_uint8),
        ("size", ctypes.c_uint32),
        ("data", ctypes.c_void_p),
    ]


def crc8(data):
    """SMBus PEC: CRC-8, polynomial x^8 + x^2 + x + 1, initial value 0."""
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = ((crc << 1) ^ 0x07) & 0xFF if crc & 0x80 else (crc << 1) & 0xFF
    return crc


def smbus_write(fd, command, size, payload):
    block = (ctypes.c_uint8 * 34)()
    block[0] = len(payload)
    for i, b in enumerate(payload):
        block[1 + i] = b
    args = SmbusIoctlData(I2C_SMBUS_WRITE, command, size, ctypes.addressof(block))
    fcntl.ioctl(fd, I2C_SMBUS, args)


def main():
    dev, addr, mode = sys.argv[1], int(sys.argv[2], 0), sys.argv[3]
    bad_pec = len(sys.argv) > 4 and sys.argv[4] == "1"
    sflgs, warnings, ctemp, pdlu = 0xB8, 0xFD, 42, 7
    vid = 0x1B96
    serial = b"NVMEMIRS-I2CSTUB-015"
    status = bytes([sflgs, warnings, ctemp, pdlu, 0, 0])
    ident = bytes([vid >> 8, vid & 0xFF]) + serial

    def with_count_and_pec(command, data):
        block = bytes([len(data)]) + data
        pec = crc8(bytes([addr << 1, command, (addr << 1) | 1]) + block)
        return block + bytes([pec])

    st = bytearray(with_count_and_pec(0, status))
    if bad_pec:
        st[-1] ^= 0x5A
    regs = bytes(st) + with_count_and_pec(8, ident)
    assert len(regs) == 32

    fd = os.open(dev, os.O_RDWR)
    fcntl.ioctl(fd, I2C_SLAVE, addr)
    if mode == "registers":
        smbus_write(fd, 0, I2C_SMBUS_I2C_BLOCK_DATA, regs)
    elif mode == "blocks":
        smbus_write(fd, 0, I2C_SMBUS_BLOCK_DATA, status)
        smbus_write(fd, 8, I2C_SMBUS_BLOCK_DATA, ident)
    else:
        sys.exit(f"unknown mode {mode}")
    os.close(fd)
    json.dump(
        {
            "sflgs": sflgs,
            # Cleared bits are the warnings present: 0xFD is bit 1, temperature.
            "smart_warnings": ~warnings & 0x1F,
            "ctemp": ctemp,
            "pdlu": pdlu,
            "vid": vid,
            "sn": serial.decode(),
            "status_pec": st[-1],
        },
        sys.stdout,
    )


main()
